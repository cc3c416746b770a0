"""The public NER corpora in ``../shared/data`` as spaCy training data (``DocBin``).

Only training and development splits are read here; the test splits are for
evaluation alone. Each corpus keeps its own label set.

| corpus | train | dev | format |
|---|---|---|---|
| bc5cdr | ``bc5cdr/iob/train.tsv`` | ``bc5cdr/iob/devel.tsv`` | token<TAB>IOB tag, blank line between sentences |
| ncbi-disease | ``ncbi-disease/conll/train.tsv`` | ``ncbi-disease/conll/devel.tsv`` | same |
| bionlp13cg | ``bionlp13cg/iob/train.tsv`` | ``bionlp13cg/iob/devel.tsv`` | same |
| jnlpba | ``jnlpba/train.jsonl``, 9 documents in 10 | the 10th document of train | text and character offsets |

JNLPBA has no official development split, so every tenth training document is held out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.util import filter_spans

#: sentences joined into one training document: long enough for context across sentence
#: boundaries to be seen, short enough that batches mix many abstracts
SENTENCES_PER_DOC = 8
JNLPBA_DEV_EVERY = 10


@dataclass(frozen=True)
class CorpusFiles:
    name: str
    train: str
    dev: str
    format: str            # "iob" or "jsonl"


CORPORA = {
    "bc5cdr": CorpusFiles("bc5cdr", "bc5cdr/iob/train.tsv", "bc5cdr/iob/devel.tsv", "iob"),
    "ncbi-disease": CorpusFiles("ncbi-disease", "ncbi-disease/conll/train.tsv", "ncbi-disease/conll/devel.tsv", "iob"),
    "jnlpba": CorpusFiles("jnlpba", "jnlpba/train.jsonl", "jnlpba/train.jsonl", "jsonl"),
    "bionlp13cg": CorpusFiles("bionlp13cg", "bionlp13cg/iob/train.tsv", "bionlp13cg/iob/devel.tsv", "iob"),
}


def read_iob(path: Path) -> Iterator[list[tuple[str, str]]]:
    """Sentences of (token, tag) pairs."""
    sentence: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line.strip():
                if sentence:
                    yield sentence
                sentence = []
                continue
            token, _, tag = line.rpartition("\t")
            sentence.append((token, tag or "O"))
    if sentence:
        yield sentence


def iob_doc(nlp: Language, sentences: list[list[tuple[str, str]]]) -> Doc:
    """One doc of several sentences, spaces between all tokens (the files keep no spacing),
    entities from the IOB tags and sentence starts marked."""
    words = [token for sentence in sentences for token, _ in sentence]
    tags = [tag for sentence in sentences for _, tag in sentence]
    starts = []
    for sentence in sentences:
        starts += [True] + [False] * (len(sentence) - 1)
    doc = Doc(nlp.vocab, words=words, sent_starts=starts)
    doc.ents = _iob_spans(doc, tags)
    return doc


def _iob_spans(doc: Doc, tags: list[str]) -> list[Span]:
    spans, start, label = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, kind = tag.partition("-")
        if start is not None and (prefix != "I" or kind != label):
            spans.append(Span(doc, start, i, label=label))
            start, label = None, None
        if prefix == "B" or (prefix == "I" and start is None):   # a stray I- starts a mention
            start, label = i, kind
    return spans


def jsonl_doc(nlp: Language, record: dict) -> Doc:
    """A doc tokenized by ``nlp``'s tokenizer; a mention whose edges fall inside a token is
    marked missing rather than guessed, nested mentions keep the longest."""
    doc = nlp.make_doc(record["text"])
    spans, missing = [], []
    for start, end, label in record["entities"]:
        span = doc.char_span(start, end, label=label)
        if span is None:
            loose = doc.char_span(start, end, label=label, alignment_mode="expand")
            if loose is not None:
                missing.append(loose)
        else:
            spans.append(span)
    kept = filter_spans(spans)
    unsure = filter_spans([s for s in missing if not any(s.start < k.end and k.start < s.end for k in kept)])
    doc.set_ents(kept, missing=unsure)
    return doc


def corpus_docs(nlp: Language, corpus: CorpusFiles, data: Path, split: str) -> list[Doc]:
    path = data / (corpus.train if split == "train" else corpus.dev)
    if corpus.format == "iob":
        sentences = list(read_iob(path))
        return [iob_doc(nlp, sentences[i:i + SENTENCES_PER_DOC]) for i in range(0, len(sentences), SENTENCES_PER_DOC)]
    with open(path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    held_out = [i % JNLPBA_DEV_EVERY == JNLPBA_DEV_EVERY - 1 for i in range(len(records))]
    return [jsonl_doc(nlp, r) for r, dev in zip(records, held_out) if dev == (split == "dev")]


def write_docbins(nlp: Language, corpus: CorpusFiles, data: Path, out: Path) -> dict[str, Path]:
    """``train.spacy`` and ``dev.spacy`` in ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for split in ("train", "dev"):
        paths[split] = out / f"{split}.spacy"
        DocBin(docs=corpus_docs(nlp, corpus, data, split), store_user_data=False).to_disk(paths[split])
    return paths


def labels(docs: list[Doc]) -> list[str]:
    return sorted({e.label_ for doc in docs for e in doc.ents})
