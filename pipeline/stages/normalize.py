"""Normalize: ``RelationDocument`` -> ``ArticleRecord``.

Gives every entity a canonical name (the vocabulary concept's, else the mention's own
wording, shared by all mentions of that wording in the article) and builds the findings:
the article's main therapy with the disease it is most often related to, the number of
patients treated and the longest follow-up stated.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Optional

from . import per_record

from ..normalization.quantities import follow_up_durations, longest, patient_counts
from ..schema import ArticleRecord, Entity, Finding, LinkedEntity, Normalized, RelationDocument

STAGE = "normalize"


def normalize_document(record: RelationDocument) -> ArticleRecord:
    entities = [link(e) for e in record.entities]
    data = record.model_dump(exclude={"entities", "encoding"})
    return ArticleRecord(**data, entities=entities, findings=findings(record, entities))


normalize = per_record(STAGE, normalize_document)


def link(entity: Entity) -> LinkedEntity:
    normalized = entity.normalized or Normalized(id=None, name=canonical_surface(entity.text))
    return LinkedEntity(**entity.model_dump(exclude={"normalized"}), normalized=normalized)


def canonical_surface(text: str) -> str:
    """A mention's own wording as a canonical name: white space folded, and lower-cased
    unless it is an acronym."""
    folded = " ".join(text.split())
    return folded if any(c.isupper() for c in folded[1:]) else folded.lower()


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
