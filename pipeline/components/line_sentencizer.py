"""Sentence boundaries for translated page text.

In these dumps a line is a sentence or a paragraph and most lines end without a full
stop, so a line break always starts a sentence; inside a line, a full stop, question or
exclamation mark followed by a capitalised word starts one too (the rule-based
segmentation of spaCy's ``Sentencizer``, with line breaks as hard boundaries).
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

_ENDERS = {".", "!", "?"}


@Language.component("line_sentencizer")
def line_sentencizer(doc: Doc) -> Doc:
    for index, token in enumerate(doc):
        if index == 0:
            token.is_sent_start = True
            continue
        previous = doc[index - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
        elif previous.text in _ENDERS and (token.is_title or token.is_upper) and not token.is_space:
            token.is_sent_start = True
        else:
            token.is_sent_start = False
    return doc
