"""NER: ``CleanDocument`` -> ``EntityDocument``.

Runs the spaCy pipeline (``pipeline.nlp``) over the cleaned text, one pipeline per
process, and turns the ``mentions`` span group into entities with character offsets,
negation, and the knowledge-base concept each mention matched (mentions found by pattern
get theirs in the normalize stage).

A text longer than a piece (``PIECE_CHARS``, well under spaCy's ``nlp.max_length``) is
run in pieces cut at line boundaries, its entities' offsets shifted back into the whole
text: the later stages see one document. Sentences never cross a line, so a cut costs
only what spans pieces — an abbreviation defined in one piece is not expanded in the
next. Texts over ``MAX_TEXT_CHARS`` are rejected as ``too_long``.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Iterable, Iterator, Union

from spacy.tokens import Doc

from ..components.line_sentencizer import doc_text, token_starts, token_texts
from ..components.mention_resolver import MENTIONS
from ..components.coordinated_cells import split_coordinated
from ..knowledge.kb import KnowledgeBase
from ..nlp import build_nlp
from ..isolation import PageRejected
from ..schema import CleanDocument, Entity, EntityDocument, Normalized, Reject, RejectReason
from . import per_record

STAGE = "ner"
BATCH_SIZE = 64
#: longest piece of text given to spaCy at once, line breaks spaced (spaCy refuses texts
#: over ``nlp.max_length``, 1,000,000 characters, with error E088)
PIECE_CHARS = 500_000
#: longest text the stage takes (characters); a longer page is rejected as ``too_long``
MAX_TEXT_CHARS = 1_000_000


def recognize(record: CleanDocument) -> EntityDocument:
    """The record with its entities; a long text in pieces (see the module's docstring)."""
    if len(record.text) > MAX_TEXT_CHARS:
        raise PageRejected(RejectReason.TOO_LONG,
                           f"text of {len(record.text):,} characters, over the ner limit of {MAX_TEXT_CHARS:,}")
    nlp = build_nlp()
    kb = nlp.get_pipe("kb_matcher").kb
    entities: list[Entity] = []
    for offset, piece in text_pieces(record.text, PIECE_CHARS):
        entities += entities_of(nlp(spaced_lines(piece)), kb, piece, offset, first_number=len(entities) + 1)
    entities = split_coordinated(entities)  # "CD4+ and CD8+ CAR T cells": two cell types
    # the record was validated when read; only the new field is built here
    return EntityDocument.model_construct(**dict(record), entities=entities)


def prepare() -> None:
    """Build the spaCy pipeline and load the knowledge base before the first page: the
    runner calls it outside the pages' time budget."""
    build_nlp()


def ner(records: Iterable[CleanDocument], batch_size: int = BATCH_SIZE) -> Iterator[Union[EntityDocument, Reject]]:
    """The stage over a stream, a page that fails rejected (``batch_size`` is kept for
    callers; pages go one by one, so that one page's failure is that page's alone)."""
    return per_record(STAGE, recognize)(records)


def text_pieces(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering ``text`` in order, each piece at most ``limit`` characters
    once its line breaks are spaced (``spaced_lines``), cut after a line break; a line
    longer than that is cut at its last space before the limit, else anywhere."""
    if len(text) + 2 * text.count("\n") <= limit:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = _piece_end(text, start, limit)
        yield start, text[start:end]
        start = end


def _piece_end(text: str, start: int, limit: int) -> int:
    """Where the piece starting at ``start`` ends: after the last whole line that keeps it
    within ``limit`` spaced characters; a first line longer than that is cut at its last
    space before the limit, else at the limit."""
    end, spaced = start, 0
    while end < len(text):
        brk = text.find("\n", end)
        line_end = len(text) if brk < 0 else brk + 1
        cost = line_end - end + (2 if brk >= 0 else 0)
        if spaced + cost > limit:
            break
        spaced += cost
        end = line_end
    if end > start:
        return end
    hard = start + max(1, limit - 2)
    space = text.rfind(" ", start, hard)
    return space + 1 if space > start else hard


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


def entities_of(doc: Doc, kb: KnowledgeBase, text: str, offset: int = 0, first_number: int = 1) -> list[Entity]:
    """The doc's mentions as entities of ``text``, shifted by ``offset`` (where ``text``
    stands in the whole document) and numbered from ``first_number``."""
    spaced = doc_text(doc)
    breaks = [match.start() for match in _BREAK.finditer(spaced)]
    starts, texts = token_starts(doc), token_texts(doc)
    negated = doc.user_data.get("negated", set())
    concepts: dict[str, Normalized] = {}
    entities: list[Entity] = []
    for number, (first, stop, label, kb_id) in enumerate(doc.user_data[MENTIONS], first_number):
        if kb_id and kb_id not in concepts:
            concept = kb.concepts[int(kb_id)]
            concepts[kb_id] = Normalized(id=concept.id, name=concept.name, xrefs=list(concept.xrefs) or None)
        start = original_offset(spaced, breaks, starts[first])
        end = original_offset(spaced, breaks, starts[stop - 1] + len(texts[stop - 1]))
        entities.append(Entity(id=f"e{number}", label=label, text=text[start:end], start=start + offset, end=end + offset,
                               negated=(first, stop, label) in negated, normalized=concepts.get(kb_id)))
    return entities
