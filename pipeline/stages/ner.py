"""NER: ``CleanDocument`` -> ``EntityDocument``.

Runs the spaCy pipeline (``pipeline.nlp``) over the cleaned text with ``nlp.pipe`` in
batches, one pipeline per process, and turns the ``mentions`` span group into entities
with character offsets, negation, and the knowledge-base concept each mention matched
(mentions found by pattern get theirs in the normalize stage).
"""
from __future__ import annotations

from typing import Iterable, Iterator, Union

from spacy.tokens import Doc

from ..components.mention_resolver import MENTIONS
from ..knowledge.kb import KnowledgeBase
from ..nlp import build_nlp
from ..schema import CleanDocument, Entity, EntityDocument, Normalized, Reject

STAGE = "ner"
BATCH_SIZE = 64


def ner(records: Iterable[CleanDocument], batch_size: int = BATCH_SIZE) -> Iterator[Union[EntityDocument, Reject]]:
    nlp = build_nlp()
    kb = nlp.get_pipe("kb_matcher").kb
    pairs = ((record.text, record) for record in records)
    for doc, record in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield EntityDocument(**record.model_dump(), entities=entities_of(doc, kb))


def entities_of(doc: Doc, kb: KnowledgeBase) -> list[Entity]:
    entities: list[Entity] = []
    for number, span in enumerate(doc.spans[MENTIONS], 1):
        concept = kb.concepts[int(span.kb_id_)] if span.kb_id_ else None
        normalized = Normalized(id=concept.id, name=concept.name) if concept else None
        entities.append(Entity(id=f"e{number}", label=span.label_, text=span.text, start=span.start_char,
                               end=span.end_char, negated=bool(span._.negated), normalized=normalized))
    return entities
