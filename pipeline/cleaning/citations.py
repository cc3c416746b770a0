"""Reference blocks and DOIs.

DOIs are found with the Crossref pattern ``10.\\d{4,9}/[-._;()/:A-Z0-9]+`` once broken
lines are re-joined; a DOI that lost its ``10.`` prefix in translation ("1038/s41586-...")
is restored when it stands where a DOI is expected (at the start of a reference line or
after "doi"). A reference block ("Original Source:", "References", "Reviewed article")
is parsed into citations (authors, title, journal, year, DOI).
"""
from __future__ import annotations

import re
from typing import Optional

from ..schema import Citation
from .journals import journal_table

DOI = re.compile(r"\b10\.\d{4,9}/[-._;()/:A-Za-z0-9]+")
_PREFIXLESS_DOI = re.compile(
    r"(?:^|doi:\s*|doi\.org/|\bdoi\s+|\(\s?)(\d{4,9}/[-._;()/:A-Za-z0-9]*[A-Za-z][-._;()/:A-Za-z0-9]*)", re.I)
REFERENCE_HEADING = re.compile(
    r"^(?:original (?:source|article|paper|link|literature)|references?|reviewed article|source (?:article|paper|"
    r"literature|study)|literature source|"
    r"paper (?:link|information)|literature|bibliography|citation|original text)\b\s*[:：]?", re.I)
#: "Source: Roddie C, et al. … N Engl J Med 2024;391:2219": a citation under a byline's label
_LABELLED_CITATION = re.compile(r"^(?:source|from|study|paper|via)\s*[:：]\s*(?=.{2,120}\bet al\b.*\b(?:19|20)\d{2}\b)",
                                re.I)
_AUTHOR = r"[A-Z][A-Za-z'\-\u00C0-\u017F]+(?:,\s*(?:[A-Z]\.\s?)+|\s+[A-Z]{1,3}\b)"
AUTHOR_LIST = re.compile(rf"^(?:{_AUTHOR})(?:\s*,\s*(?:{_AUTHOR}))*(?:,?\s*(?:et al\.?|and others))?")
_ET_AL = re.compile(r"^(.{2,80}?)\s+et al\.?", re.I)
_JOURNAL_YEAR = re.compile(
    r"^(?P<journal>[A-Z][A-Za-z&.\- ]{1,60}?)\.?\s*(?:\((?P<y1>(?:19|20)\d{2})\)|(?P<y2>(?:19|20)\d{2})\b)")


_PIECE_BREAK = re.compile(r"(?<=et al\.)\s+|(?<=[a-z0-9)\]]\.)\s+(?=[A-Z])")
_KNOWN_JOURNAL = re.compile(
    r"^(?:The\s+)?(?P<journal>" + "|".join(re.escape(n) for n in sorted(journal_table(), key=len, reverse=True)) +
    r")\.?(?=\s*(?:\(?(?:19|20)\d{2}|\d+\s*[;:,(]|$|[.;,]|Published|Epub|[Oo]nline))")


#: what stands before a DOI and is no part of the reference ("… 2024 https://doi.org/", "doi:")
_DOI_LEAD = re.compile(r"\s*(?:https?://(?:dx\.)?doi\.org/|doi\s*[:：]?)\s*$", re.I)
#: how much of a line's end that lead is looked for in
_DOI_LEAD_CHARS = 40


def clean_doi(doi: str) -> str:
    doi = doi.rstrip(".,;:")
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1].rstrip(".,;:")
    return doi


_SPLIT_INSIDE_LINE = re.compile(r"(doi\.)\s+(org/)|(org/10\.)\s+(\d{4,9}/)|(\b10\.\d{4,9}/)\s+(?=[A-Za-z0-9])|"
                                r"(\b10\.\d{4,9})\s+(/)\s*(?=[A-Za-z0-9])", re.I)


def rejoin_inline_dois(text: str) -> str:
    """'https://doi. org/10. 1056/NEJMoa…', '10.1056 / NEJMoa…' (a DOI broken where lines were
    folded into one, or spaced around its slash)."""
    for _ in range(3):  # the pieces overlap: "doi. org/" then "org/10. 1056/"
        joined = _SPLIT_INSIDE_LINE.sub(lambda m: "".join(g for g in m.groups() if g), text)
        if joined == text:
            break
        text = joined
    return text


_FULLWIDTH_MARKS = str.maketrans({"／": "/", "．": ".", "：": ":", "（": "(", "）": ")", "－": "-", "＿": "_"})
_FULLWIDTH_DIGITS = str.maketrans({chr(0xFF10 + d): str(d) for d in range(10)})


_FULLWIDTH_CHAR = re.compile("[／．：（）－＿\uff10-\uff19]")


def _halfwidth_doi_marks(text: str) -> str:
    """Full-width slashes, points and digits that a Chinese page put inside a DOI
    ("10.1056／NEJMoa…") read as their ASCII forms; other text is left alone."""
    if text.isascii() or not _FULLWIDTH_CHAR.search(text):  # a scan is far cheaper than translating
        return text
    return text.translate(_FULLWIDTH_MARKS).translate(_FULLWIDTH_DIGITS)


def find_dois(text: str) -> list[str]:
    """Every DOI in ``text``, repaired, in order of appearance, without repeats."""
    found: list[str] = []
    if "/" not in text and "／" not in text:
        return found
    for line in rejoin_inline_dois(_halfwidth_doi_marks(text)).splitlines():
        if "/" not in line:
            continue
        candidates = [m.group(0) for m in DOI.finditer(line)]
        if not candidates:
            candidates = ["10." + m.group(1) for m in _PREFIXLESS_DOI.finditer(line.strip())]
        for doi in candidates:
            doi = clean_doi(doi)
            if len(doi) > 8 and doi.lower() not in {d.lower() for d in found}:
                found.append(doi)
    return found


def parse_reference_block(lines: list[str]) -> list[Citation]:
    """Citations from the lines of a reference block; one citation per DOI, with the
    authors, title, journal and year read from the lines before it."""
    citations: list[Citation] = []
    pending: list[str] = []
    for line in lines:
        dois = find_dois(line)
        before = DOI.split(line)[0] if DOI.search(line) else line
        before = before[:-_DOI_LEAD_CHARS] + _DOI_LEAD.sub("", before[-_DOI_LEAD_CHARS:])  # bounded: no backtracking
        if dois:
            if before.strip() and not re.match(r"^\s*(?:https?://|doi)", before, re.I) and not _PREFIXLESS_DOI.match(line.strip()):
                pending.append(before.strip())
            citations.append(_citation(pending, dois[0]))
            pending = []
        else:
            pending.append(line.strip())
    if pending:
        citation = _citation(pending, None)
        if citation.journal and citation.year or any(_JOURNAL_YEAR.search(p) for p in pending):
            citations.append(citation)
    return citations


def _citation(lines: list[str], doi: Optional[str]) -> Citation:
    """Authors, title, journal and year from a reference's lines, which translation may
    have split or run together ("Richardson PG, … et al. Triplet Therapy…. N Engl J Med 2022;387:132")."""
    pieces: list[str] = []
    for line in lines:
        line = REFERENCE_HEADING.sub("", line)
        line = re.sub(r"^(?:source|from|study|paper|via)\s*[:：]\s*", "", line, flags=re.I).strip()
        pieces += [piece.strip() for piece in _PIECE_BREAK.split(line) if piece.strip()]
    authors: list[str] = []
    title = journal = None
    year = None
    for index, piece in enumerate(pieces):
        if piece.lower().startswith(("http", "doi", "10.")) or _PREFIXLESS_DOI.match(piece):
            continue
        if not authors and title is None:
            names = _authors(piece)
            if names:
                authors = names
                continue
        if journal is None:
            known = _KNOWN_JOURNAL.match(piece)
            if known and (title is not None or authors or index == 0):
                journal = journal_table()[known.group("journal")]
                year = _first_year(piece[known.end():] + " " + " ".join(pieces[index + 1:index + 2]))
                continue
            match = _JOURNAL_YEAR.match(piece) if title is not None or authors else None
            if match and title is not None:
                journal = match.group("journal").strip(" .")
                year = int(match.group("y1") or match.group("y2"))
                continue
        if title is None and len(piece.split()) >= 3:
            title = piece.rstrip(". ")
    return Citation(doi=doi, journal=journal, year=year, authors=authors, title=title)


def _first_year(text: str) -> Optional[int]:
    match = re.search(r"\b((?:19|20)\d{2})\b", text)
    return int(match.group(1)) if match else None


def _authors(line: str) -> list[str]:
    et_al = _ET_AL.match(line)
    if et_al and len(et_al.group(1).split()) <= 12:
        return _pair_names(et_al.group(1))
    match = AUTHOR_LIST.match(line)
    if match and match.end() >= len(line.rstrip(". ")) - 1:
        return _pair_names(match.group(0))
    return []


def _pair_names(text: str) -> list[str]:
    """'Mackensen, A., Müller, F.' -> ['Mackensen A', 'Müller F']; 'Melenhorst JJ' stays."""
    text = re.sub(r",?\s*(?:et al\.?|and others)$", "", text.strip())
    pieces = [p.strip() for p in text.split(",") if p.strip()]
    names: list[str] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if i + 1 < len(pieces) and re.fullmatch(r"(?:[A-Z]\.\s?)+", pieces[i + 1]):
            names.append(f"{piece} {pieces[i + 1].replace('.', '').replace(' ', '')}")
            i += 2
        else:
            names.append(piece)
            i += 1
    return names


def opens_reference_block(line: str) -> bool:
    """A reference heading ("References:", "Original source:"), or a citation given under
    a byline's label ("Source: Roddie C, et al. … 2024")."""
    return bool(REFERENCE_HEADING.match(line) or _LABELLED_CITATION.match(line))
