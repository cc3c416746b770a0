"""Trained statistical NER beside the dictionary: spaCy pipelines under ``models/ner/``.

Each model is a spaCy pipeline (a CNN token-to-vector layer and a transition-based
entity recognizer, Lample et al. 2016 / Honnibal & Johnson 2015, as spaCy trains it)
trained on one public corpus (``models/ner/<corpus>/``, see its model card). A model is
loaded once per process and runs over the page one line at a time through ``nlp.pipe``:
a line is a sentence or a paragraph in these dumps, and the models were trained on
sentences. Its entities are mapped back onto the stage's doc by character offsets
(both use spaCy's English tokenizer, so the offsets fall on token boundaries), and kept
as raw model spans, labelled with the model's own types ("Disease", "Chemical"), in
``doc.user_data["model_spans"]``. What becomes a mention is decided by ``model_merge``.

A model that is not on disk is left out, so that a checkout without models runs the
dictionary alone.
"""
from __future__ import annotations

import importlib
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..vocabulary import MODELS_DIR
from .line_sentencizer import doc_text

NER_MODELS_DIR = MODELS_DIR / "ner"
MODEL_SPANS = "model_spans"
#: the models the ner stage runs by default: BC5CDR (chemicals and diseases); others by
#: ``PIPELINE_NER_MODELS`` or the factory's ``models`` setting
DEFAULT_MODELS = ("bc5cdr",)
#: lines per ``nlp.pipe`` batch
BATCH_SIZE = 256
#: modules that register custom layers or components a trained model may use
_REGISTRIES = ("pipeline.components.kb_features",)


def model_path(name: str, models_dir: Optional[Path] = None) -> Path:
    return (models_dir or NER_MODELS_DIR) / name


def is_model(path: Path) -> bool:
    """A spaCy pipeline saved with ``nlp.to_disk`` (``config.cfg`` and ``meta.json``)."""
    return (path / "config.cfg").is_file() and (path / "meta.json").is_file()


def available_models(names: Sequence[str], models_dir: Optional[Path] = None) -> list[str]:
    return [name for name in names if is_model(model_path(name, models_dir))]


@lru_cache(maxsize=8)
def load_model(path: Path) -> Language:
    """The pipeline at ``path``, loaded once per process."""
    for module in _REGISTRIES:
        try:
            importlib.import_module(module)
        except ImportError:
            pass
    return spacy.load(path)


def lines_of(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every line of ``text`` that holds a word."""
    start = 0
    for line in text.split("\n"):
        if line.strip():
            yield start, line
        start += len(line) + 1


class ModelNer:
    def __init__(self, models: Sequence[Language], batch_size: int = BATCH_SIZE):
        self.models = list(models)
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        found: list[Span] = []
        if self.models and len(doc):
            lines = list(lines_of(doc_text(doc)))
            for model in self.models:
                found += self._spans(doc, model, lines)
        doc.user_data[MODEL_SPANS] = found
        return doc

    def _spans(self, doc: Doc, model: Language, lines: list[tuple[int, str]]) -> list[Span]:
        spans = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            predicted = model.pipe((line for _, line in lines), batch_size=self.batch_size)
            for (offset, _), line_doc in zip(lines, predicted):
                for ent in line_doc.ents:
                    span = doc.char_span(offset + ent.start_char, offset + ent.end_char, label=ent.label_,
                                         alignment_mode="contract")
                    if span is not None and len(span):
                        spans.append(span)
        return spans


@Language.factory("model_ner", default_config={"models": list(DEFAULT_MODELS), "models_dir": None})
def make_model_ner(nlp: Language, name: str, models: list[str], models_dir: Optional[str]) -> ModelNer:
    directory = Path(models_dir) if models_dir else None
    return ModelNer([load_model(model_path(m, directory)) for m in available_models(models, directory)])
