"""Journals named in article text: inline mentions such as "Nat Med (2022)", "published
in The Lancet", or a headline prefix "NEJM:" become citations (journal and year) beside
those of the reference block, and give the article's source journal."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

from ..schema import Citation, Journal
from ..vocabulary import MODELS_DIR

JOURNALS_FILE = MODELS_DIR / "journals.jsonl"
_YEAR = r"(?:19|20)\d{2}"
_PUBLISHED_CUE = re.compile(r"\b(?:published|reported|appeared|presented)\b")
#: what a "Nat Med (2022)" mention ends with
_YEAR_IN_PARENTHESES = re.compile(rf"\(\s*{_YEAR}\s*\)")


@lru_cache(maxsize=2)
def journal_table(path: Path = JOURNALS_FILE) -> dict[str, str]:
    """Every name and alias -> the journal's abbreviation."""
    table: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                journal = Journal.model_validate_json(line)
                for name in (journal.name, *journal.aliases):
                    table[name] = journal.name
    return table


@lru_cache(maxsize=2)
def _patterns(path: Path = JOURNALS_FILE) -> tuple[re.Pattern[str], ...]:
    names = "|".join(re.escape(n) for n in sorted(journal_table(path), key=len, reverse=True))
    return (
        re.compile(rf"^(?P<journal>{names})\s*[:|｜]"),                                      # headline "NEJM: …"
        re.compile(rf"\b(?P<journal>{names})\s*\(\s*(?P<year>{_YEAR})\s*\)"),                 # "Nat Med (2022)"
        re.compile(rf"\b(?:published|reported|appeared|presented)\s+(?:online\s+)?(?:today\s+)?in\s+"
                   rf"(?:the\s+)?(?:journal\s+)?(?P<journal>{names})\b(?:\s*\(?(?P<year>{_YEAR})\)?)?"),
    )


def canonical_journal(name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    table = journal_table()
    cleaned = name.strip(" .")
    return table.get(cleaned) or table.get(name.strip())


def inline_citations(lines: list[str]) -> list[Citation]:
    """Journal mentions in the text, first mention of each journal, in order."""
    found: dict[str, Citation] = {}
    headline, with_year, published_in = _patterns()
    for number, line in enumerate(lines):
        # each pattern needs a cue that a cheap test finds first: most lines have none
        patterns = [headline] if number == 0 else []
        if "(" in line and _YEAR_IN_PARENTHESES.search(line):  # before the alternation of every journal name
            patterns.append(with_year)
        if _PUBLISHED_CUE.search(line):
            patterns.append(published_in)
        for pattern in patterns:
            for match in pattern.finditer(line):
                journal = journal_table()[match.group("journal")]
                year = match.groupdict().get("year")
                known = found.get(journal)
                if known is None:
                    found[journal] = Citation(journal=journal, year=int(year) if year else None)
                elif known.year is None and year:
                    known.year = int(year)
    return list(found.values())


def merge_citations(block: list[Citation], inline: list[Citation]) -> list[Citation]:
    """Reference-block citations first; an inline mention of a journal already cited
    only fills a missing year."""
    by_journal = {canonical_journal(c.journal): c for c in block if c.journal}
    unnamed = [c for c in block if c.doi and not c.journal]
    merged = list(block)
    for mention in inline:
        cited = by_journal.get(mention.journal)
        if cited is None and unnamed:  # the paper the article reports on, its journal named in the text
            cited = unnamed.pop(0)
            cited.journal = mention.journal
            by_journal[mention.journal] = cited
        if cited is not None:
            cited.year = cited.year or mention.year
        else:
            merged.append(mention)
    return merged
