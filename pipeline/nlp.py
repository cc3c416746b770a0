"""The spaCy pipeline of the ner stage, built once per process from registered factories:

    line_sentencizer -> kb_matcher -> biomedical_patterns -> abbreviation_detector
                     -> mention_resolver -> negation
"""
from __future__ import annotations

import warnings
from functools import lru_cache

import spacy
from spacy.language import Language

from .components import kb_matcher, line_sentencizer, mention_resolver, negation, patterns  # noqa: F401

warnings.filterwarnings("ignore", message=r".*\[W036\].*")


@lru_cache(maxsize=2)
def build_nlp(kb_file: str | None = None) -> Language:
    from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  (registers its factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("line_sentencizer")
    nlp.add_pipe("kb_matcher", config={"kb_file": kb_file})
    nlp.add_pipe("biomedical_patterns")
    nlp.add_pipe("abbreviation_detector")
    nlp.add_pipe("mention_resolver", config={"kb_file": kb_file})
    nlp.add_pipe("negation")
    return nlp
