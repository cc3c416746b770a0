"""Normalize: ``RelationDocument`` -> ``ArticleRecord``.

Gives every entity a canonical name and, where the knowledge base has one, an id (the
concept it matched, else one found by ``pipeline.normalization.linker``; all mentions of
one wording in an article share them) and builds the findings
(``pipeline.normalization.findings``).
"""
from __future__ import annotations

from ..normalization.findings import build_findings
from ..normalization.linker import Linker, canonical_surface, default_linker
from ..schema import ArticleRecord, Entity, LinkedEntity, Normalized, RelationDocument
from . import per_record

STAGE = "normalize"
#: the fields an article record takes from its relation document as they are
_CARRIED = tuple(name for name in ArticleRecord.model_fields
                 if name in RelationDocument.model_fields and name != "entities")
_ENTITY_FIELDS = tuple(name for name in Entity.model_fields if name != "normalized")


def normalize_document(record: RelationDocument) -> ArticleRecord:
    linker = default_linker()
    names: dict[tuple[str, str], Normalized] = {}
    entities = [link(e, linker, names) for e in record.entities]
    # the record was validated when read and every new part is built validated: its
    # fields are carried over as they are, not dumped and validated again
    carried = {name: getattr(record, name) for name in _CARRIED}
    return ArticleRecord.model_construct(**carried, entities=entities,
                                         findings=build_findings(record.text, entities, record.relations,
                                                                 record.citations))


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
    return LinkedEntity.model_construct(**{name: getattr(entity, name) for name in _ENTITY_FIELDS},
                                        normalized=normalized)
