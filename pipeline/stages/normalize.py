"""Normalize: ``RelationDocument`` -> ``ArticleRecord``.

Gives every entity a canonical name and, where the knowledge base has one, an id (the
concept it matched, else one found by ``pipeline.normalization.linker``; all mentions of
one wording in an article share them) and builds the findings:
the article's main therapy with the disease it is most often related to, the number of
patients treated and the longest follow-up stated.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Optional

from . import per_record

from ..normalization.linker import Linker, canonical_surface, default_linker
from ..normalization.quantities import follow_up_durations, longest, patient_counts
from ..schema import ArticleRecord, Entity, Finding, LinkedEntity, Normalized, RelationDocument

STAGE = "normalize"


def normalize_document(record: RelationDocument) -> ArticleRecord:
    linker = default_linker()
    names: dict[tuple[str, str], Normalized] = {}
    entities = [link(e, linker, names) for e in record.entities]
    data = record.model_dump(exclude={"entities", "encoding"})
    return ArticleRecord(**data, entities=entities, findings=findings(record, entities))


normalize = per_record(STAGE, normalize_document)


def link(entity: Entity, linker: Linker, names: dict[tuple[str, str], Normalized]) -> LinkedEntity:
    """The entity with its concept: the one it matched, else one found by the linker;
    every mention with the same wording in an article gets the same name and id."""
    normalized = entity.normalized
    if normalized is None:
        key = (entity.label, canonical_surface(entity.text).lower())
        if key not in names:
            names[key] = linker.link(entity.label, entity.text) or Normalized(
                id=None, name=canonical_surface(entity.text))
        normalized = names[key]
    return LinkedEntity(**entity.model_dump(exclude={"normalized"}), normalized=normalized)


def findings(record: RelationDocument, entities: list[LinkedEntity]) -> list[Finding]:
    by_id = {e.id: e for e in entities}
    therapy = _main_therapy(entities)
    if therapy is None:
        return []
    related = [(r.type, by_id[r.tail]) for r in record.relations
               if r.head in by_id and by_id[r.head].normalized.name == therapy.normalized.name]
    disease = _most_common([t for kind, t in related if kind == "TREATS"])
    target = _most_common([t for kind, t in related if kind == "TARGETS"])
    counts = patient_counts(record.text)
    return [Finding(
        therapy=therapy.normalized.name, therapy_id=therapy.normalized.id,
        disease=disease.normalized.name if disease else None,
        disease_id=disease.normalized.id if disease else None,
        target=target.normalized.name if target else None,
        cell_types=_names(t for kind, t in related if kind == "USES_CELL_TYPE"),
        outcomes=_names(t for kind, t in related if kind == "HAS_OUTCOME"),
        adverse_events=_names(t for kind, t in related if kind == "CAUSES_ADVERSE_EVENT"),
        patients=counts[0] if counts else None,
        follow_up=longest(follow_up_durations(record.text)),
    )]


def _main_therapy(entities: list[LinkedEntity]) -> Optional[LinkedEntity]:
    therapies = [e for e in entities if e.label == "THERAPY"]
    if not therapies:
        return None
    counts = Counter(e.normalized.name for e in therapies)
    best = max(counts.values())
    return next(e for e in therapies if counts[e.normalized.name] == best)


def _most_common(entities: list[LinkedEntity]) -> Optional[LinkedEntity]:
    if not entities:
        return None
    counts = Counter(e.normalized.name for e in entities)
    best = max(counts.values())
    return next(e for e in entities if counts[e.normalized.name] == best)


def _names(entities: Iterable[LinkedEntity]) -> list[str]:
    return sorted({e.normalized.name for e in entities})
