"""Relations: ``EntityDocument`` -> ``RelationDocument``.

A therapy is related to each disease, antigen, cell type, outcome and adverse event
mentioned in the same sentence (sentence co-occurrence); the relation type follows from
the tail's label and the evidence is the sentence.
"""
from __future__ import annotations

from bisect import bisect_right

from . import per_record

from ..schema import RELATION_SIGNATURES, Entity, EntityDocument, Evidence, Relation, RelationDocument
from ..text import sentence_spans

STAGE = "relations"
TYPE_BY_TAIL = {tail: name for name, (_, tail) in RELATION_SIGNATURES.items()}


def relate_document(record: EntityDocument) -> RelationDocument:
    return RelationDocument(**record.model_dump(), relations=relate(record.text, record.entities))


relations = per_record(STAGE, relate_document)


def relate(text: str, entities: list[Entity]) -> list[Relation]:
    sentences = list(sentence_spans(text))
    starts = [s for s, _ in sentences]
    by_sentence: dict[int, list[Entity]] = {}
    for entity in entities:
        index = bisect_right(starts, entity.start) - 1
        by_sentence.setdefault(index, []).append(entity)
    found: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    for index, members in sorted(by_sentence.items()):
        start, end = sentences[index]
        for head in (e for e in members if e.label == "THERAPY"):
            for tail in members:
                relation_type = TYPE_BY_TAIL.get(tail.label)
                if relation_type is None or _inside(tail, head) and tail.label == "THERAPY":
                    continue
                key = (relation_type, _concept(head), _concept(tail))
                if key in seen:
                    continue
                seen.add(key)
                found.append(Relation(type=relation_type, head=head.id, tail=tail.id,
                                      evidence=Evidence(start=start, end=end)))
    return found


def _inside(inner: Entity, outer: Entity) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _concept(entity: Entity) -> str:
    return entity.normalized.name if entity.normalized else entity.text.lower()
