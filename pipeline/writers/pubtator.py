"""PubTator: per article a title line ``KEY|t|…``, a body line ``KEY|a|…`` (line breaks
as spaces, so offsets stay the record's), one tab-separated annotation line per entity
(``KEY start end text label CURIE-or-"-" entity-id``) and one relation line per relation
(``KEY type head-entity-id tail-entity-id``); articles are separated by a blank line.
``KEY`` is the article key."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, TextIO

from .base import Writer
from .tables import records_of


def _field(text: str) -> str:
    """Tabs and line breaks as spaces: one character for one, so offsets hold."""
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def pubtator_lines(record: dict) -> list[str]:
    key = record.get("article_key") or record["doc_id"]
    text = record["text"]
    cut = text.find("\n")
    title, body = (text, "") if cut < 0 else (text[:cut], text[cut + 1:])
    lines = [f"{key}|t|{_field(title)}", f"{key}|a|{_field(body)}"]
    for e in record["entities"]:
        lines.append("\t".join((key, str(e["start"]), str(e["end"]), _field(e["text"]), e["label"],
                                e["normalized"].get("id") or "-", e["id"])))
    for r in record.get("relations") or []:
        lines.append("\t".join((key, r["type"], r["head"], r["tail"])))
    return lines


class PubtatorWriter(Writer):
    """Streams articles into one PubTator file (a temporary, renamed at close)."""

    name = "pubtator"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.temporary = self.path.with_name(f".{self.path.name}.tmp")
        self.handle: TextIO | None = None

    def open(self) -> "PubtatorWriter":
        self.handle = open(self.temporary, "w", encoding="utf-8")
        return self

    def write(self, records: Iterable[Any]) -> None:
        for record in records_of(records):
            self.stats.read += 1
            self.handle.write("\n".join(pubtator_lines(record)) + "\n\n")
            self.stats.written += 1

    def close(self) -> None:
        self.handle.close()
        self.temporary.replace(self.path)
