"""The spaCy pipeline of the ner stage, built once per process from registered factories:

    line_sentencizer -> kb_matcher -> biomedical_patterns -> linear_abbreviation_detector
                     -> mention_resolver -> negation
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .components import (abbreviations, kb_matcher, line_sentencizer, mention_resolver, negation,  # noqa: F401
                         patterns)


class TextKeepingTokenizer:
    """spaCy's tokenizer, keeping the input text with the doc (``doc.user_data["text"]``):
    ``doc.text`` is rebuilt from every token on each access."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data["text"] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name):
        return getattr(self.tokenizer, name)


@lru_cache(maxsize=2)
def build_nlp(kb_file: str | None = None) -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    nlp.add_pipe("line_sentencizer")
    nlp.add_pipe("kb_matcher", config={"kb_file": kb_file})
    nlp.add_pipe("biomedical_patterns")
    nlp.add_pipe("linear_abbreviation_detector")
    nlp.add_pipe("mention_resolver", config={"kb_file": kb_file})
    nlp.add_pipe("negation")
    return nlp
