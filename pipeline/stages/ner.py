"""NER: ``CleanDocument`` -> ``EntityDocument``.

Runs the spaCy pipeline (``pipeline.nlp``) over the cleaned text with ``nlp.pipe`` in
batches, one pipeline per process, and turns the ``mentions`` span group into entities
with character offsets, negation, and the knowledge-base concept each mention matched
(mentions found by pattern get theirs in the normalize stage).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Iterable, Iterator, Union

from spacy.tokens import Doc

from ..components.line_sentencizer import doc_text, token_starts, token_texts
from ..components.mention_resolver import MENTIONS
from ..knowledge.kb import KnowledgeBase
from ..nlp import build_nlp
from ..schema import CleanDocument, Entity, EntityDocument, Normalized, Reject

STAGE = "ner"
BATCH_SIZE = 64


def ner(records: Iterable[CleanDocument], batch_size: int = BATCH_SIZE) -> Iterator[Union[EntityDocument, Reject]]:
    nlp = build_nlp()
    kb = nlp.get_pipe("kb_matcher").kb
    pairs = ((spaced_lines(record.text), record) for record in records)
    for doc, record in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        # the record was validated when read; only the new field is built here
        yield EntityDocument.model_construct(**dict(record), entities=entities_of(doc, kb, record.text))


_BREAK = re.compile("\n")


def spaced_lines(text: str) -> str:
    """The text with a space on each side of every line break. spaCy's tokenizer caches
    the tokenization of each space-delimited chunk; a break glued to its words
    ("therapy\nThe") makes every chunk new and tokenizing several times slower."""
    return text.replace("\n", " \n ")


def original_offset(spaced: str, breaks: list[int], offset: int) -> int:
    """An offset into ``spaced_lines(text)`` as an offset into ``text``: two characters
    were added at every line break before it."""
    return offset - 2 * bisect_left(breaks, offset)


def entities_of(doc: Doc, kb: KnowledgeBase, text: str) -> list[Entity]:
    spaced = doc_text(doc)
    breaks = [match.start() for match in _BREAK.finditer(spaced)]
    starts, texts = token_starts(doc), token_texts(doc)
    negated = doc.user_data.get("negated", set())
    concepts: dict[str, Normalized] = {}
    entities: list[Entity] = []
    for number, (first, stop, label, kb_id) in enumerate(doc.user_data[MENTIONS], 1):
        if kb_id and kb_id not in concepts:
            concept = kb.concepts[int(kb_id)]
            concepts[kb_id] = Normalized(id=concept.id, name=concept.name, xrefs=list(concept.xrefs) or None)
        start = original_offset(spaced, breaks, starts[first])
        end = original_offset(spaced, breaks, starts[stop - 1] + len(texts[stop - 1]))
        entities.append(Entity(id=f"e{number}", label=label, text=text[start:end], start=start, end=end,
                               negated=(first, stop, label) in negated, normalized=concepts.get(kb_id)))
    return entities
