"""Repair of machine-translation damage in page text.

Translated dumps put one sentence or paragraph on a line, but the translation also breaks
lines inside sentences, person names ("Anthony L." / "Komaroff") and DOIs
("https://doi." / "org/10." / "1038/..."). ``join_broken_lines`` re-joins such lines;
decimals broken at their point ("a median follow-up of 21." / "1 months") are joined;
sentences that end without a full stop stay on their own lines, since a line break is a
sentence boundary in these dumps.
"""
from __future__ import annotations

import re

import unicodedata

import ftfy
from ftfy.badness import is_bad

_INITIAL_END = re.compile(r"(?:^|[\s,])[A-Z]\.$")
_DOI_OPEN_END = re.compile(r"(?:doi\.|doi\.org/|doi:\s*|doi\.org/10\.|\b10\.|\b10\.\d{4,9}/|\bdoi:?\s*\d{4,9}/)$", re.I)
_DOI_OPEN_LAST = "./: "
_DOI_CONTINUATION = re.compile(r"^(?:org/|10\.|\d{4,9}/|[-._;()/:A-Za-z0-9]+$)")
_DOI_UNFINISHED = re.compile(r"\b10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")
_DOI_TAIL = re.compile(r"^(?!https?:|doi|10\.)[-._;()/:A-Za-z0-9]*\d[-._;()/:A-Za-z0-9]*$", re.I)
_NOT_CONTINUATION = re.compile(r"^(?:https?:|doi\b|www\.)", re.I)
_LOWER_START = re.compile(r"^[a-z]+(?:[\s,;:.)]|$)")  # a plain word: "mRNA-4157" starts a sentence
_PUNCT_START = re.compile(r"^[,;:)\]]")
_ET_AL_START = re.compile(r"^et al\b")
_SENTENCE_END = (".", "!", "?", ":")
#: a decimal the translation broke at its point: "a median follow-up of 21." / "1 months"
_DECIMAL_HEAD = re.compile(r"(?<![\d.,])\d{1,3}\.$")
_DECIMAL_TAIL = re.compile(r"^\d{1,4}(?=[\s%),;]|$|[a-z])")
_TRUNCATED_NUMBER = re.compile(r"\b(?:of|is|was|at|to|about|approximately|by)\s+\d+\.$")


#: patterns anchored at a line's end are matched against its last characters only, so a
#: line of any length costs the same (a DOI, the longest such thing, is shorter)
LINE_END_CHARS = 120


#: the end searched for the short patterns (a DOI's opening, an initial, a decimal's head)
SHORT_END_CHARS = 40


def _ends_with(pattern: re.Pattern[str], line: str, last: str = "", needs: str = "",
               window: int = SHORT_END_CHARS) -> bool:
    """``pattern`` (anchored with $) matches the end of ``line``. Checked first: ``last``,
    the characters the pattern can end with, and ``needs``, text any match holds."""
    if last and not line.endswith(tuple(last)):
        return False
    end = line[-window:]
    return (not needs or needs in end) and bool(pattern.search(end))


# UTF-8 read as Windows-1252 or Latin-1 always leaves a lead character (Â…ô) followed by a
# continuation character; text without such a pair needs no mojibake repair
_MOJIBAKE_PAIR = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                            "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
                            "\u20ac\u2122]")


def fix_encoding(text: str) -> str:
    """Undo mojibake and normalize Unicode (NFC) without changing quotes or widths,
    so that cleaned text stays verbatim comparable with the page."""
    if text.isascii():
        return text
    if not _MOJIBAKE_PAIR.search(text) or not is_bad(text):
        return unicodedata.normalize("NFC", text)
    return ftfy.fix_text(text, uncurl_quotes=False, fix_character_width=False,
                         fix_latin_ligatures=False, normalization="NFC")


def join_broken_lines(lines: list[str]) -> list[str]:
    """Re-join lines that translation broke in the middle of a sentence, name or DOI. The
    rules look only at the end of the line being built, so its pieces are joined once, at
    the end: thousands of one-word lines cost linear time."""
    out: list[str] = []
    pieces: list[str] = []
    end = ""  # the last LINE_END_CHARS characters of the line being built
    for line in lines:
        if pieces and _continues(end, line):
            piece = _glue(end, line)
            pieces.append(piece)
            end = (end + piece)[-LINE_END_CHARS:]
        else:
            if pieces:
                out.append("".join(pieces))
            pieces, end = [line], line[-LINE_END_CHARS:]
    if pieces:
        out.append("".join(pieces))
    return out


def _continues(previous: str, line: str) -> bool:
    if not previous or not line:
        return False
    if _decimal_split(previous, line):  # before the DOI rules: "follow-up was 10." / "6 months"
        return True
    if _ends_with(_DOI_OPEN_END, previous, last=_DOI_OPEN_LAST):
        return bool(_DOI_CONTINUATION.match(line))
    if _ends_with(_DOI_UNFINISHED, previous, needs="10.", window=LINE_END_CHARS) and _DOI_TAIL.match(line):
        return True
    if _PUNCT_START.match(line) or _ET_AL_START.match(line):
        return True
    if _word_split(previous, line):
        return True
    if _ends_with(_INITIAL_END, previous, last=".") and re.match(r"^[A-Z][a-z]", line):
        return True
    return (bool(_LOWER_START.match(line)) and not previous.endswith(_SENTENCE_END)
            and not _NOT_CONTINUATION.match(line))


def _word_split(previous: str, line: str) -> bool:
    return previous.endswith("-") and not previous.endswith(" -") and bool(re.match(r"^[A-Za-z0-9]", line))


def _decimal_split(previous: str, line: str) -> bool:
    return bool(_ends_with(_DECIMAL_HEAD, previous, last=".") and _DECIMAL_TAIL.match(line))


def _glue(previous: str, line: str) -> str:
    """``line`` as it continues ``previous``: run on, or after a space."""
    if (_PUNCT_START.match(line) or _word_split(previous, line) or _decimal_split(previous, line)
            or _ends_with(_DOI_OPEN_END, previous, last=_DOI_OPEN_LAST)
            or _ends_with(_DOI_UNFINISHED, previous, needs="10.", window=LINE_END_CHARS)):
        return line
    return " " + line


def truncated_number_warnings(lines: list[str]) -> list[str]:
    """Numbers cut off by the translation whose digits did not follow on the next line
    ("an incidence of 0.") cannot be repaired; they are kept and reported."""
    return [f"truncated number: '{line[-60:]}'" for line in lines if _ends_with(_TRUNCATED_NUMBER, line, last=".")]
