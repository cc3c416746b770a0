"""Sentence boundaries for translated page text.

In these dumps a line is a sentence or a paragraph and most lines end without a full
stop, so a line break always starts a sentence; inside a line, a full stop, question or
exclamation mark followed by a capitalised word starts one too (the rule-based
segmentation of spaCy's ``Sentencizer``, with line breaks as hard boundaries).
"""
from __future__ import annotations

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

_ENDERS = frozenset({".", "!", "?"})


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once: spaCy joins it from every token on each access."""
    cached = doc.user_data.get("text")
    if cached is None:
        cached = doc.user_data["text"] = doc.text
    return cached


def token_texts(doc: Doc) -> list[str]:
    """The text of every token, sliced from the doc's text by offset and kept with the
    doc: creating a ``Token`` per token costs more than the matching that needs them."""
    cached = doc.user_data.get("token_texts")
    if cached is None or len(cached) != len(doc):
        text = doc_text(doc)
        offsets = doc.to_array([IDX, LENGTH]).tolist()
        cached = [text[start:start + length] for start, length in offsets]
        doc.user_data["token_texts"] = cached
        doc.user_data["token_starts"] = [start for start, _ in offsets] + [len(text)]
    return cached


def token_starts(doc: Doc) -> list[int]:
    """The character offset of every token, and the text's length after the last."""
    token_texts(doc)
    return doc.user_data["token_starts"]


@Language.component("line_sentencizer")
def line_sentencizer(doc: Doc) -> Doc:
    if not len(doc):
        return doc
    texts = token_texts(doc)
    starts = numpy.full(len(texts), -1, dtype="int64")  # -1: not a sentence start
    starts[0] = 1
    for index in range(1, len(texts)):
        previous, text = texts[index - 1], texts[index]
        if "\n" in previous:
            starts[index] = 1
        elif previous in _ENDERS and text[:1].isupper() and not text.isspace():
            starts[index] = 1
    doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))
    return doc


class SentenceIndex:
    """Sentence bounds of a doc by token, computed once: ``span.sent`` walks the doc on
    every call, which components that ask for many spans cannot afford."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.starts = [sentence.start for sentence in doc.sents]
        self.ends = self.starts[1:] + [len(doc)]
        self._text = doc_text(doc)
        self._offsets = doc.to_array([IDX]).ravel().tolist() + [len(self._text)]

    def bounds(self, token_index: int) -> tuple[int, int]:
        from bisect import bisect_right
        position = max(0, bisect_right(self.starts, token_index) - 1)
        return self.starts[position], self.ends[position]

    def between(self, start: int, end: int) -> str:
        """The text of tokens ``start`` to ``end`` (exclusive)."""
        return self._text[self._offsets[start]:self._offsets[end]] if end > start else ""

    def text(self, token_index: int) -> str:
        start, end = self.bounds(token_index)
        return self._text[self._offsets[start]:self._offsets[end]]
