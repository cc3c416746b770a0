"""The spaCy pipeline used by the ner stage, built once per process."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from .components import line_sentencizer, vocabulary_matcher  # noqa: F401  (registers factories)


@lru_cache(maxsize=2)
def build_nlp(vocabulary_dir: str | None = None) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("line_sentencizer")
    nlp.add_pipe("vocabulary_matcher", config={"vocabulary_dir": vocabulary_dir})
    return nlp
