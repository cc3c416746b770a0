"""NER: ``CleanDocument`` -> ``EntityDocument``.

Runs the spaCy pipeline (``pipeline.nlp``) over the cleaned text with ``nlp.pipe`` in
batches, one pipeline per process, and turns the ``mentions`` span group into entities
with character offsets and the vocabulary concept each mention was matched to.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Union

from spacy.tokens import Doc

from ..components.vocabulary_matcher import SPAN_KEY
from ..nlp import build_nlp
from ..schema import CleanDocument, Entity, EntityDocument, Normalized, Reject

STAGE = "ner"
BATCH_SIZE = 64


def ner(records: Iterable[CleanDocument], batch_size: int = BATCH_SIZE) -> Iterator[Union[EntityDocument, Reject]]:
    nlp = build_nlp()
    matcher = nlp.get_pipe("vocabulary_matcher")
    pairs = ((record.text, record) for record in records)
    for doc, record in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield EntityDocument(**record.model_dump(), entities=entities_of(doc, matcher))


def entities_of(doc: Doc, matcher) -> list[Entity]:
    entities: list[Entity] = []
    for number, span in enumerate(doc.spans[SPAN_KEY], 1):
        concept = matcher.concept(span)
        normalized = Normalized(id=concept.id, name=concept.name) if concept else None
        entities.append(Entity(id=f"e{number}", label=span.label_, text=span.text, start=span.start_char,
                               end=span.end_char, normalized=normalized))
    return entities
