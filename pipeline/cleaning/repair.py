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
    """Re-join lines that translation broke in the middle of a sentence, name or DOI."""
    out: list[str] = []
    for line in lines:
        if out and _continues(out[-1], line):
            out[-1] = _glue(out[-1], line)
        else:
            out.append(line)
    return out


def _continues(previous: str, line: str) -> bool:
    if not previous or not line:
        return False
    if _decimal_split(previous, line):  # before the DOI rules: "follow-up was 10." / "6 months"
        return True
    if _DOI_OPEN_END.search(previous):
        return bool(_DOI_CONTINUATION.match(line))
    if _DOI_UNFINISHED.search(previous) and _DOI_TAIL.match(line):
        return True
    if _PUNCT_START.match(line) or _ET_AL_START.match(line):
        return True
    if _word_split(previous, line):
        return True
    if _INITIAL_END.search(previous) and re.match(r"^[A-Z][a-z]", line):
        return True
    return (bool(_LOWER_START.match(line)) and not previous.endswith(_SENTENCE_END)
            and not _NOT_CONTINUATION.match(line))


def _word_split(previous: str, line: str) -> bool:
    return previous.endswith("-") and not previous.endswith(" -") and bool(re.match(r"^[A-Za-z0-9]", line))


def _decimal_split(previous: str, line: str) -> bool:
    return bool(_DECIMAL_HEAD.search(previous) and _DECIMAL_TAIL.match(line))


def _glue(previous: str, line: str) -> str:
    if (_PUNCT_START.match(line) or _word_split(previous, line) or _decimal_split(previous, line)
            or _DOI_OPEN_END.search(previous)
            or _DOI_UNFINISHED.search(previous)):
        return previous + line
    return previous + " " + line


def truncated_number_warnings(lines: list[str]) -> list[str]:
    """Numbers cut off by the translation whose digits did not follow on the next line
    ("an incidence of 0.") cannot be repaired; they are kept and reported."""
    return [f"truncated number: '{line[-60:]}'" for line in lines if _TRUNCATED_NUMBER.search(line)]
