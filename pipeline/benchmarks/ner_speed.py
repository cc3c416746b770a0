"""Speed of the ner stage on a large generated dump, beside a baseline in the same run.

The dump is the corpus articles, cleaned, repeated with their numbers re-drawn until it
holds the requested number of words. Each figure is the median of three passes. The ner stage (``pipeline.stages.ner.ner``: the
whole spaCy pipeline plus building entity records) runs over it in one process, with the
trained models under ``models/ner/`` and without them (``PIPELINE_NER_MODELS`` empty);
the baseline is ``spacy.blank("en")``'s tokenizer alone through ``nlp.pipe``, the upper
bound for any spaCy pipeline on this machine.
"""
from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path

import spacy

from ..components.model_ner import DEFAULT_MODELS, available_models
from ..nlp import MODELS_VARIABLE, configured_models
from ..schema import CleanDocument, RawDocument
from ..stages.clean import clean
from ..stages.ingest import ingest
from ..stages.ner import ner, spaced_lines

_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?![\w/])")  # standalone numbers, not "CD19"


def generated_documents(corpus_dump: Path, words: int, seed: int = 7) -> list[CleanDocument]:
    base = [d for d in clean(r for r in ingest([corpus_dump]) if isinstance(r, RawDocument))
            if isinstance(d, CleanDocument)]
    rng = random.Random(seed)
    documents, total, number = [], 0, 0
    while total < words:
        doc = base[number % len(base)]
        text = _NUMBER.sub(lambda m: str(rng.randint(1, 999)), doc.text)
        documents.append(doc.model_copy(update={"doc_id": f"{doc.doc_id}-{number}", "text": text}))
        total += len(text.split())
        number += 1
    return documents


PASSES = 3


def _timed(run_once) -> float:
    """The median of three passes: on a 2-core machine a single pass varies by ±10%."""
    times = []
    for _ in range(PASSES):
        started = time.perf_counter()
        run_once()
        times.append(time.perf_counter() - started)
    return sorted(times)[PASSES // 2]


def _stage_seconds(documents: list[CleanDocument], models: str) -> tuple[float, int]:
    """Median seconds of the ner stage over the documents with the named models
    (comma-separated; empty for none), and the entities it found."""
    before = os.environ.get(MODELS_VARIABLE)
    os.environ[MODELS_VARIABLE] = models
    try:
        list(ner(documents[:20]))  # load the pipeline, the knowledge base and the models before timing
        seconds = _timed(lambda: sum(1 for _ in ner(documents)))
        return seconds, sum(len(d.entities) for d in ner(documents))
    finally:
        if before is None:
            del os.environ[MODELS_VARIABLE]
        else:
            os.environ[MODELS_VARIABLE] = before


def run(corpus_dump: Path, words: int) -> dict:
    documents = generated_documents(corpus_dump, words)
    total = sum(len(d.text.split()) for d in documents)
    models = available_models(configured_models() or DEFAULT_MODELS)
    with_models, entities = _stage_seconds(documents, ",".join(models))
    without_models, entities_without = _stage_seconds(documents, "")
    tokenizer = spacy.blank("en")
    baseline = _timed(lambda: sum(1 for _ in tokenizer.pipe((spaced_lines(d.text) for d in documents),
                                                             batch_size=64)))
    report = {"documents": len(documents), "words": total, "models": models, "entities": entities,
              "entities_without_models": entities_without,
              "ner_words_per_second": round(total / with_models),
              "ner_without_models_words_per_second": round(total / without_models),
              "tokenizer_words_per_second": round(total / baseline),
              "ratio_to_tokenizer": round(baseline / with_models, 3),
              "ratio_to_tokenizer_without_models": round(baseline / without_models, 3)}
    print(f"  {len(documents)} documents, {total:,} words; models: {', '.join(models) or 'none found'}")
    print(f"  ner stage with the models     {report['ner_words_per_second']:>10,} words/s  "
          f"({entities:,} entities; {report['ratio_to_tokenizer']:.3f} of the tokenizer's speed)")
    print(f"  ner stage without the models  {report['ner_without_models_words_per_second']:>10,} words/s  "
          f"({entities_without:,} entities; {report['ratio_to_tokenizer_without_models']:.3f} of it)")
    print(f"  tokenizer alone               {report['tokenizer_words_per_second']:>10,} words/s")
    return report
