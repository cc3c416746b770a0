"""NER: ``CleanDocument`` -> ``EntityDocument``.

Runs the spaCy pipeline (``pipeline.nlp``) over the cleaned text with ``nlp.pipe`` in
batches, one pipeline per process, and turns the ``mentions`` span group into entities
with character offsets, negation, and the knowledge-base concept each mention matched
(mentions found by pattern get theirs in the normalize stage).

One page's failure is that page's reject: a text longer than ``MAX_TEXT_CHARS`` (spaCy's
default limit, 1,000,000 characters; no news article comes near it, and the stages after
this one grow faster than linearly with the number of mentions) is rejected ``too_long``
before spaCy sees it, and a batch that raises is run again page by page, the page that
raises becoming a ``processing_error`` reject.
"""
from __future__ import annotations

import re
import traceback
from bisect import bisect_left
from itertools import islice
from typing import Iterable, Iterator, Union

from spacy.tokens import Doc

from ..components.line_sentencizer import doc_text, token_starts, token_texts
from ..components.mention_resolver import MENTIONS
from ..knowledge.kb import KnowledgeBase
from ..nlp import build_nlp
from ..schema import CleanDocument, Entity, EntityDocument, Normalized, Reject, RejectReason

STAGE = "ner"
BATCH_SIZE = 64
#: longest text (in characters) the stage tags
MAX_TEXT_CHARS = 1_000_000


def ner(records: Iterable[CleanDocument], batch_size: int = BATCH_SIZE) -> Iterator[Union[EntityDocument, Reject]]:
    nlp = build_nlp()
    # the spaced text of a page within MAX_TEXT_CHARS has two more characters per line break
    nlp.max_length = max(nlp.max_length, 3 * MAX_TEXT_CHARS)
    kb = nlp.get_pipe("kb_matcher").kb
    accepted = _length_checked(records)
    while batch := list(islice(accepted, batch_size)):
        yield from _tag_batch(nlp, kb, batch, batch_size)


def _length_checked(records: Iterable[Union[CleanDocument, Reject]]) -> Iterator[Union[CleanDocument, Reject]]:
    for record in records:
        if isinstance(record, CleanDocument) and len(record.text) > MAX_TEXT_CHARS:
            yield Reject(source=record.source, stage=STAGE, reason=RejectReason.TOO_LONG, doc_id=record.doc_id,
                         detail=f"{len(record.text)} characters, limit {MAX_TEXT_CHARS}")
        else:
            yield record


def _tag_batch(nlp, kb: KnowledgeBase, batch: list, batch_size: int) -> Iterator[Union[EntityDocument, Reject]]:
    """A batch through ``nlp.pipe``; if it raises, each page alone, so that only the page
    that raises is rejected."""
    yield from (r for r in batch if isinstance(r, Reject))
    documents = [r for r in batch if not isinstance(r, Reject)]
    try:
        tagged = [_entity_document(doc, kb, record) for doc, record in
                  nlp.pipe(((spaced_lines(d.text), d) for d in documents), as_tuples=True, batch_size=batch_size)]
    except Exception:  # noqa: BLE001 - found again below, page by page
        tagged = [_tag_one(nlp, kb, document) for document in documents]
    yield from tagged


def _tag_one(nlp, kb: KnowledgeBase, record: CleanDocument) -> Union[EntityDocument, Reject]:
    try:
        return _entity_document(nlp(spaced_lines(record.text)), kb, record)
    except Exception as err:  # one bad page must not end a run over millions
        where = traceback.extract_tb(err.__traceback__)[-1]
        return Reject(source=record.source, stage=STAGE, reason=RejectReason.PROCESSING_ERROR, doc_id=record.doc_id,
                      detail=f"{type(err).__name__}: {err} ({where.filename.split('/')[-1]}:{where.lineno})"[:500])


def _entity_document(doc: Doc, kb: KnowledgeBase, record: CleanDocument) -> EntityDocument:
    # the record was validated when read; only the new field is built here
    return EntityDocument.model_construct(**dict(record), entities=entities_of(doc, kb, record.text))


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
            concepts[kb_id] = Normalized(id=concept.id, name=concept.name)
        start = original_offset(spaced, breaks, starts[first])
        end = original_offset(spaced, breaks, starts[stop - 1] + len(texts[stop - 1]))
        entities.append(Entity(id=f"e{number}", label=label, text=text[start:end], start=start, end=end,
                               negated=(first, stop, label) in negated, normalized=concepts.get(kb_id)))
    return entities
