"""BioC (XML and JSON, with the ``bioc`` package): one document per article, keyed by
``article_key``, with two passages — the title and the body — whose offsets are the
record's own: the record's text starts with its title line, so the title passage is
``text[:first line break]`` at offset 0 and the body passage the rest, at its offset in
``text``. An entity is an annotation (id = entity id; infons ``type`` = label,
``identifier`` = CURIE where linked, ``name`` = canonical name, ``negated``) on the passage that holds
it; a relation is a document relation (infon ``type``) with ``head`` and ``tail`` nodes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import bioc
from bioc import biocjson, biocxml

from .base import Writer
from .tables import records_of


def passages_of(text: str) -> list[tuple[str, int, str]]:
    """(kind, offset, text) of the title line and the body."""
    cut = text.find("\n")
    if cut < 0:
        return [("title", 0, text)]
    return [("title", 0, text[:cut]), ("body", cut + 1, text[cut + 1:])]


def bioc_document(record: dict) -> bioc.BioCDocument:
    document = bioc.BioCDocument()
    document.id = record.get("article_key") or record["doc_id"]
    document.infons.update({"doc_id": record["doc_id"], "source": record["source"]["path"],
                            "published": record.get("published") or "", "journal": record.get("journal") or ""})
    passages = []
    for kind, offset, text in passages_of(record["text"]):
        passage = bioc.BioCPassage.of_text(text, offset)
        passage.infons["type"] = kind
        document.add_passage(passage)
        passages.append(passage)
    for entity in record["entities"]:
        annotation = bioc.BioCAnnotation()
        annotation.id = entity["id"]
        annotation.text = entity["text"]
        annotation.add_location(bioc.BioCLocation(entity["start"], entity["end"] - entity["start"]))
        normalized = entity["normalized"]
        annotation.infons.update({"type": entity["label"], "name": normalized["name"],
                                  "negated": str(bool(entity.get("negated"))).lower()})
        if normalized.get("id"):
            annotation.infons["identifier"] = normalized["id"]
        holder = next((p for p in reversed(passages) if p.offset <= entity["start"]), passages[0])
        holder.add_annotation(annotation)
    for index, relation in enumerate(record.get("relations") or []):
        link = bioc.BioCRelation()
        link.id = f"r{index + 1}"
        link.infons["type"] = relation["type"]
        link.add_node(bioc.BioCNode(relation["head"], "head"))
        link.add_node(bioc.BioCNode(relation["tail"], "tail"))
        document.add_relation(link)
    return document


class _BiocWriter(Writer):
    """Collects documents into one collection, written at close."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.collection = bioc.BioCCollection()
        self.collection.source = "biomed-news-pipeline"
        self.collection.key = "articles.key"

    def write(self, records: Iterable[Any]) -> None:
        for record in records_of(records):
            self.stats.read += 1
            self.collection.add_document(bioc_document(record))
            self.stats.written += 1

    def _dump(self, handle) -> None:
        raise NotImplementedError

    def close(self) -> None:
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            self._dump(handle)
        temporary.replace(self.path)


class BiocXmlWriter(_BiocWriter):
    name = "bioc-xml"

    def _dump(self, handle) -> None:
        biocxml.dump(self.collection, handle)


class BiocJsonWriter(_BiocWriter):
    name = "bioc-json"

    def _dump(self, handle) -> None:
        biocjson.dump(self.collection, handle, indent=None)
