"""Normalize: ``RelationDocument`` -> ``ArticleRecord``.

Gives every entity a canonical name and, where the knowledge base has one, an id (the
concept it matched, else one found by ``pipeline.normalization.linker``; all mentions of
one wording in an article share them) and builds the findings
(``pipeline.normalization.findings``).
"""
from __future__ import annotations

from ..isolation import Steps
from ..keys import article_key as content_key
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
    """The article record. Linking each entity and building the findings are guarded
    steps: one that raises leaves an entity with its own wording as its name, or the
    article with fewer findings, and a warning — never a rejected article."""
    linker = default_linker()
    steps = Steps(STAGE)
    names: dict[tuple[str, str], Normalized] = {}
    # the fallback is built only for an entity whose linking failed (link never returns None)
    entities = [steps.run("linking", link, e, linker, names, default=None) or unlinked(e) for e in record.entities]
    findings = build_findings(record.text, entities, record.relations, record.citations, steps)
    # the record was validated when read and every new part is built validated: its
    # fields are carried over as they are, not dumped and validated again
    carried = {name: getattr(record, name) for name in _CARRIED}
    carried["warnings"] = [*record.warnings, *steps.warnings]
    return ArticleRecord.model_construct(**carried, entities=entities, findings=findings,
                                         article_key=content_key(record.title, record.text))


normalize = per_record(STAGE, normalize_document)


def prepare() -> None:
    """Load the linker and its indexes before the first page: the runner calls it outside
    the pages' time budget, so loading never counts against (and never times out) a page."""
    default_linker().prepare()


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


def unlinked(entity: Entity) -> LinkedEntity:
    """The entity named by its own wording, without an id: what linking falls back to."""
    name = entity.normalized.name if entity.normalized else (entity.text.strip() or entity.label)
    return LinkedEntity(**entity.model_dump(exclude={"normalized"}),
                        normalized=Normalized(id=entity.normalized.id if entity.normalized else None, name=name))
