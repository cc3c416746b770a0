"""Training of one NER model per public corpus with spaCy's own training loop
(``spacy.cli.train.train`` over ``configs/ner.cfg``), on CPU.

The model learns from the corpus's training split and stops on its development split
(patience, ``max_steps``, or the time budget, whichever comes first); the best model on
the development split is copied to ``models/ner/<corpus>/``. Test splits are never read.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Callable, Optional

import spacy
from spacy.cli.train import train as spacy_train
from spacy.util import registry

from ..components import kb_features  # noqa: F401  (registers the factory and augmenter the config names)
from ..vocabulary import MODELS_DIR
from .corpora import CORPORA, write_docbins

CONFIG = Path(__file__).resolve().parent / "configs" / "ner.cfg"
NER_MODELS_DIR = MODELS_DIR / "ner"


class TrainingDeadline(Exception):
    """Raised between two updates once the time budget is spent; spaCy has already kept the
    best model on the development split by then."""


@registry.callbacks("pipeline.training_deadline.v1")
def training_deadline(minutes: float) -> Callable:
    """A ``before_update`` callback that ends training after ``minutes`` of updates
    (measured from the first update, so that reading and converting data does not count)."""
    started: list[float] = []

    def before_update(nlp, info: dict) -> None:
        if not started:
            started.append(time.monotonic())
        elif minutes > 0 and time.monotonic() - started[0] > minutes * 60:
            raise TrainingDeadline(f"time budget of {minutes} minutes spent at step {info['step']}")

    return before_update


def train_ner(corpus: str, data: Path, work: Path, out: Optional[Path] = None, max_minutes: float = 50,
              overrides: Optional[dict] = None, config: Path = CONFIG) -> Path:
    """Convert ``corpus``'s splits, train, and copy the best model to ``out``
    (default ``models/ner/<corpus>``). Returns ``out``."""
    files = CORPORA[corpus]
    out = out or NER_MODELS_DIR / corpus
    paths = write_docbins(spacy.blank("en"), files, data, work / "corpus")
    settings = {"paths.train": str(paths["train"]), "paths.dev": str(paths["dev"]),
                "training.before_update.minutes": max_minutes, **(overrides or {})}
    started = time.monotonic()
    try:
        spacy_train(config, work / "output", overrides=settings)
    except TrainingDeadline:
        pass        # the best model so far is on disk
    minutes = (time.monotonic() - started) / 60
    best = work / "output" / "model-best"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(best, out)
    (out / "training_minutes.txt").write_text(f"{minutes:.1f}\n")
    return out
