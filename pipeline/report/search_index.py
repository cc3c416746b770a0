"""The compact index the article list searches (``index.js``): one array per article,
therapy and disease names given once in a shared list and referred to by number, so the
index of 10,000 articles stays small. It is a script (``window.REPORT_INDEX = …``), not a
JSON file, because a page opened from a file:// URL may not fetch JSON."""
from __future__ import annotations

import json
from collections import Counter
from typing import NamedTuple, Optional

INDEX_SCRIPT = "index.js"
NAMES_PER_ARTICLE = 3
TITLE_CHARS = 100


def _leading_names(entities: list[dict], label: str) -> list[str]:
    """The canonical names of a label, most mentioned first."""
    counts = Counter((e.get("normalized") or {}).get("name") or e.get("text") or ""
                     for e in entities if e.get("label") == label)
    return [name for name, _ in counts.most_common(NAMES_PER_ARTICLE) if name]


class IndexEntry(NamedTuple):
    """One article as the list shows and searches it."""
    page: str
    title: str
    published: str
    therapies: list[str]
    diseases: list[str]
    entities: int
    relations: int
    findings: int


def index_entry(record: dict, page: Optional[str]) -> IndexEntry:
    """An article's row of the list: its page, title, date, leading therapies and diseases, counts."""
    entities = record.get("entities") or []
    title = str(record.get("title") or (record.get("source") or {}).get("id") or record.get("doc_id") or "")
    if len(title) > TITLE_CHARS:
        title = title[:TITLE_CHARS - 1] + "…"
    return IndexEntry(page or "", title, record.get("published") or "",
                      _leading_names(entities, "THERAPY"), _leading_names(entities, "DISEASE"),
                      len(entities), len(record.get("relations") or []), len(record.get("findings") or []))


class SearchIndex:
    """Rows ``[page, title, published, therapy ids, disease ids, entities, relations,
    findings]``; ``page`` is the page's file name in ``articles/`` without ``.html``."""

    def __init__(self) -> None:
        self.names: dict[str, int] = {}
        self.rows: list[list] = []

    def _ids(self, names: list[str]) -> list[int]:
        return [self.names.setdefault(name, len(self.names)) for name in names]

    def add(self, entry: IndexEntry) -> None:
        """Add a row, its names replaced by their numbers in the shared list."""
        page = entry.page[:-len(".html")] if entry.page.endswith(".html") else entry.page
        self.rows.append([page, entry.title, entry.published, self._ids(entry.therapies), self._ids(entry.diseases),
                          entry.entities, entry.relations, entry.findings])

    def script(self) -> str:
        """The index as a script setting ``window.REPORT_INDEX``."""
        payload = {"names": list(self.names), "articles": self.rows}
        return "window.REPORT_INDEX=" + json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + ";\n"
