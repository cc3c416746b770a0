"""Linking of mentions that no alias matched exactly (mostly found by pattern).

1. Memo: a mention's label and wording give the same concept wherever they occur, so
   each (label, wording) is linked once per process and then read from a dictionary.
2. Head lookup: biomedical names put their head last, so the longest suffix of the
   mention that is an alias of a concept of the same label gives the concept
   ("relapsed or refractory neuroblastoma" -> neuroblastoma) when what was cut off is
   only clinical-state modifiers; a mention narrower than its head's concept ("anti-CD19
   CAR-T cell therapy") keeps its own wording and gets no id rather than a broader one.
3. Exact name: a mention whose folded wording is a concept name of the label is that
   concept (the one the similarity search ranks first: cosine 1).
4. Approximate matching: character 3-gram TF-IDF vectors and cosine similarity against
   the concept names of the label, the method of scispaCy's ``CandidateGenerator``
   (Neumann et al. 2019), with the index fitted here on the project's knowledge base.
   The search is exact, not approximate nearest neighbours: the vectors are stored as an
   inverted index (3-gram -> rows and weights), and a query's cosine scores are the sum
   over its own 3-grams' postings only (a sparse matrix-vector product restricted to the
   rows that share a 3-gram with it), the same scores as the full scan at a fraction of
   its cost. See ``NgramIndex`` for why not an HNSW graph.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import numpy as np

from ..knowledge.kb import KbConcept, KnowledgeBase, load_kb
from ..schema import Normalized

#: cosine similarity at or above which an approximate match is accepted
MIN_SIMILARITY = 0.85
#: labels whose concept names are worth an approximate match
APPROXIMATE_LABELS = ("DISEASE", "CELL_TYPE", "THERAPY", "ADVERSE_EVENT", "OUTCOME")
#: (label, wording) pairs remembered per process
MEMO_SIZE = 200_000
NGRAM = 3
MODIFIERS = frozenset("""
relapsed refractory advanced metastatic recurrent newly diagnosed severe mild moderate aggressive high-risk
high low risk untreated previously treated early late late-stage stage i ii iii iv or and with persistent active
progressive unresectable locally resistant primary secondary acute-phase heavily pretreated r/r
""".split())
_WORD = re.compile(r"[\w+./'-]+")


def char_wb_ngrams(text: str, n: int = NGRAM) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with a space: the
    ``char_wb`` analyzer of scikit-learn's ``TfidfVectorizer`` (lower-cased)."""
    return [padded[i:i + n] for padded in (f" {word} " for word in text.lower().split())
            for i in range(max(1, len(padded) - n + 1))]


@dataclass
class NgramIndex:
    """TF-IDF vectors of concept names (raw counts times smoothed idf
    ``ln((1 + n) / (1 + df)) + 1``, rows L2-normalized: scikit-learn's defaults) kept as
    an inverted index: for each 3-gram, the rows holding it and their weights.

    Why exact postings and not HNSW (Malkov & Yashunin 2018, nmslib's
    ``cosinesimil_sparse`` as scispaCy builds it, M=30, efConstruction=200): measured on
    this knowledge base, the postings search returns the scan's answer by construction and
    needs no build beyond the TF-IDF fit (about a second per label), while the HNSW graph
    over the same vectors took 8 s (cell types) to 168 s (diseases) to build per process,
    answered 4 of 1,102 linked wordings differently from the exact search, and was slower
    per query (14 ms with the vectorizer, against 3 ms) at these sizes.
    """
    concepts: list[KbConcept]
    vocabulary: dict[str, int]
    idf: np.ndarray                 # float64 per 3-gram
    starts: np.ndarray              # postings of 3-gram j: rows[starts[j]:starts[j + 1]]
    rows: np.ndarray                # int32
    weights: np.ndarray             # float32, the row's normalized weight of the 3-gram
    exact: dict[str, int]           # folded name -> first row with that name

    @classmethod
    def fit(cls, concepts: list[KbConcept]) -> "NgramIndex":
        grams_of = [char_wb_ngrams(c.name) for c in concepts]
        vocabulary = {gram: j for j, gram in enumerate(sorted({g for grams in grams_of for g in grams}))}
        size = len(vocabulary)
        cols = np.fromiter((vocabulary[g] for grams in grams_of for g in grams), dtype=np.int64,
                           count=sum(map(len, grams_of)))
        rows = np.repeat(np.arange(len(concepts), dtype=np.int64), [len(grams) for grams in grams_of])
        cells, counts = np.unique(rows * size + cols, return_counts=True)  # sorted by row, then 3-gram
        rows, cols = cells // size, cells % size
        df = np.bincount(cols, minlength=size)
        idf = np.log((1 + len(concepts)) / (1 + df)) + 1.0
        weights = counts * idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=len(concepts)))
        weights /= np.where(norms > 0, norms, 1.0)[rows]
        order = np.argsort(cols, kind="stable")  # by 3-gram, rows ascending within each
        starts = np.searchsorted(cols[order], np.arange(size + 1))
        exact: dict[str, int] = {}
        for row, concept in enumerate(concepts):
            exact.setdefault(" ".join(concept.name.lower().split()), row)
        return cls(concepts, vocabulary, idf, starts, rows[order].astype(np.int32),
                   weights[order].astype(np.float32), exact)

    def query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows sharing a 3-gram with ``text`` and their cosine similarities to it."""
        grams = Counter(g for g in char_wb_ngrams(text) if g in self.vocabulary)
        if not grams:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64)
        cols = [self.vocabulary[g] for g in grams]
        q = np.array(list(grams.values()), dtype=np.float64) * self.idf[cols]
        q /= math.sqrt(float(q @ q))
        rows = np.concatenate([self.rows[self.starts[j]:self.starts[j + 1]] for j in cols])
        products = np.concatenate([self.weights[self.starts[j]:self.starts[j + 1]] * w for j, w in zip(cols, q)])
        candidates, inverse = np.unique(rows, return_inverse=True)
        return candidates, np.bincount(inverse, weights=products)

    def best(self, text: str) -> tuple[Optional[int], float]:
        """The most similar row (the first of equals, as a full scan's argmax) and its score."""
        row = self.exact.get(" ".join(text.lower().split()))
        if row is not None:
            return row, 1.0
        candidates, scores = self.query(text)
        if not len(candidates):
            return None, 0.0
        best = int(np.argmax(scores))
        return int(candidates[best]), float(scores[best])


class Linker:
    def __init__(self, kb: KnowledgeBase):
        from ..tokenization import english_tokenizer
        self.kb = kb
        self.tokenizer = english_tokenizer()
        self._indexes: dict[str, Optional[NgramIndex]] = {}
        self.link = lru_cache(maxsize=MEMO_SIZE)(self._link)

    def _link(self, label: str, text: str) -> Optional[Normalized]:
        return self.by_head(label, text) or self.approximate(label, text)

    def by_head(self, label: str, text: str) -> Optional[Normalized]:
        tokens = [t.text for t in self.tokenizer(text)]
        for start in range(1, len(tokens)):
            index = self.kb.lookup(tokens[start:], label)
            if index is not None:
                concept = self.kb.concepts[index]
                dropped = " ".join(tokens[:start]).lower().replace(",", " ").split()
                if all(word in MODIFIERS for word in dropped):
                    return Normalized(id=concept.id, name=concept.name, xrefs=list(concept.xrefs) or None)
                return None  # "anti-CD19 CAR-T cell therapy" is narrower than its head's concept
        return None

    def approximate(self, label: str, text: str) -> Optional[Normalized]:
        if label not in APPROXIMATE_LABELS or len(text) < 5:
            return None
        index = self.index(label)
        if index is None:
            return None
        row, score = index.best(text)
        if row is not None and score >= MIN_SIMILARITY:
            concept = index.concepts[row]
            return Normalized(id=concept.id, name=concept.name, xrefs=list(concept.xrefs) or None)
        return None

    def prepare(self) -> None:
        """Build every label's similarity index now rather than inside the first page that
        needs it (outside the pages' time budget)."""
        for label in APPROXIMATE_LABELS:
            self.index(label)

    def index(self, label: str) -> Optional[NgramIndex]:
        """The label's index, built on first use (once per process)."""
        if label not in self._indexes:
            concepts = label_concepts(self.kb, label)
            self._indexes[label] = NgramIndex.fit(concepts) if concepts else None
        return self._indexes[label]


def label_concepts(kb: KnowledgeBase, label: str) -> list[KbConcept]:
    """The label's distinct concepts in a fixed order (name, then id)."""
    return sorted({c for c in kb.concepts if c.label == label}, key=lambda c: (c.name, c.id or ""))


@lru_cache(maxsize=65536)  # asked twice per mention, and wordings recur across articles
def canonical_surface(text: str) -> str:
    """A mention's own wording as a canonical name: white space folded, and lower-cased
    unless it holds an acronym or symbol."""
    folded = " ".join(text.split())
    return folded if any(c.isupper() for c in folded[1:]) else folded.lower()


@lru_cache(maxsize=1)
def default_linker() -> Linker:
    return Linker(load_kb())
