"""The spaCy pipeline of the ner stage, built once per process from registered factories:

    line_sentencizer -> kb_matcher -> disease_adjectives -> biomedical_patterns -> model_ner -> model_merge
                     -> linear_abbreviation_detector -> mention_resolver -> negation

``model_ner`` runs the trained models under ``models/ner/`` that the environment variable
``PIPELINE_NER_MODELS`` names (comma-separated; ``bc5cdr`` is the one the merge policy was
chosen for); by default none, so the stage runs the dictionary and patterns alone: on this
machine a model runs at about a tenth of the stage's speed without it, for a gain of about
half a point of F1 (README, "Trained models in the ner stage"). ``model_merge`` applies the
merge policy.
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Optional, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .components import (abbreviations, disease_adjectives, kb_matcher, line_sentencizer,  # noqa: F401
                         mention_resolver, model_merge, model_ner, negation, patterns)
from .tokenization import customize

MODELS_VARIABLE = "PIPELINE_NER_MODELS"
#: the trained models the stage runs when ``PIPELINE_NER_MODELS`` is not set: none (see above)
STAGE_MODELS: tuple[str, ...] = ()


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


def configured_models() -> tuple[str, ...]:
    """The trained models the stage runs: ``PIPELINE_NER_MODELS`` if set, else none."""
    value = os.environ.get(MODELS_VARIABLE)
    if value is None:
        return STAGE_MODELS
    return tuple(name.strip() for name in value.split(",") if name.strip())


def build_nlp(kb_file: str | None = None, models: Optional[Sequence[str]] = None) -> Language:
    """The stage's pipeline, built once per process for each knowledge base and set of models."""
    return _build_nlp(kb_file, tuple(models) if models is not None else configured_models())


@lru_cache(maxsize=4)
def _build_nlp(kb_file: str | None, models: tuple[str, ...]) -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = TextKeepingTokenizer(customize(nlp.tokenizer))
    nlp.add_pipe("line_sentencizer")
    nlp.add_pipe("kb_matcher", config={"kb_file": kb_file})
    nlp.add_pipe("disease_adjectives", config={"kb_file": kb_file})
    nlp.add_pipe("biomedical_patterns")
    nlp.add_pipe("model_ner", config={"models": list(models)})
    nlp.add_pipe("model_merge", config={"kb_file": kb_file})
    nlp.add_pipe("linear_abbreviation_detector")
    nlp.add_pipe("mention_resolver", config={"kb_file": kb_file})
    nlp.add_pipe("negation")
    return nlp
