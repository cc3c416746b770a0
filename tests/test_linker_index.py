"""The linker's inverted 3-gram index against the full TF-IDF scan it replaces
(scikit-learn's ``TfidfVectorizer``, char_wb 3-grams, cosine over every concept name of
the label): same concept for exact names, same best concept and score for misspelled
and partial wordings."""
from __future__ import annotations

import random

import numpy as np
import pytest

from pipeline.knowledge.kb import load_kb
from pipeline.normalization.linker import (MIN_SIMILARITY, Linker, NgramIndex, char_wb_ngrams, default_linker,
                                           label_concepts)

LABELS = ("CELL_TYPE", "THERAPY", "DISEASE")


class Scan:
    """The brute-force linker: one sparse product of the query with every name."""

    def __init__(self, label: str):
        from sklearn.feature_extraction.text import TfidfVectorizer
        self.concepts = label_concepts(load_kb(), label)
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), min_df=1, dtype=np.float32)
        self.matrix = self.vectorizer.fit_transform([c.name.lower() for c in self.concepts])

    def best(self, text: str) -> tuple[int, float]:
        scores = (self.matrix @ self.vectorizer.transform([text.lower()]).T).toarray().ravel()
        best = int(np.argmax(scores))
        return best, float(scores[best])


def _misspelled(name: str, rng: random.Random) -> str:
    if len(name) < 6:
        return name + "s"
    i = rng.randrange(1, len(name) - 1)
    return rng.choice([name[:i] + name[i + 1:], name[:i] + name[i + 1] + name[i] + name[i + 2:],
                       "relapsed " + name, name.upper()])


def test_ngrams_are_scikit_learns_char_wb():
    from sklearn.feature_extraction.text import TfidfVectorizer
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3)).build_analyzer()
    for text in ("CAR-T  cell\ttherapy", "B", "non-Hodgkin lymphoma (NHL)", "α-thalassemia"):
        assert char_wb_ngrams(text) == analyzer(text)


@pytest.mark.parametrize("label", LABELS)
def test_index_gives_the_scans_concept(label):
    scan = Scan(label)
    index = NgramIndex.fit(scan.concepts)
    rng = random.Random(7)
    names = [c.name for c in rng.sample(scan.concepts, min(150, len(scan.concepts)))]
    for name in names:  # exact keys: the concept of that name, as the scan ranks it first
        row, score = index.best(name)
        expected, expected_score = scan.best(name)
        assert scan.concepts[row].name.lower() == name.lower()
        assert scan.concepts[row] == scan.concepts[expected] and score == pytest.approx(expected_score, abs=1e-5)
    for text in [_misspelled(name, rng) for name in names] + ["quarterly revenue report", "xq"]:
        candidates, scores = index.query(text)
        expected, expected_score = scan.best(text)
        if expected_score == 0:
            assert not len(candidates) or scores.max() == pytest.approx(0, abs=1e-6)
            continue
        row, score = index.best(text)
        assert score == pytest.approx(expected_score, abs=1e-5)
        if expected_score >= MIN_SIMILARITY - 0.01:  # what linking accepts: the same concept
            assert scan.concepts[row] == scan.concepts[expected], text


def test_linking_is_remembered_per_process():
    linker = Linker(load_kb())
    first = linker.link("DISEASE", "systemic lupus erythematous")
    hits = linker.link.cache_info().hits
    assert linker.link("DISEASE", "systemic lupus erythematous") is first
    assert linker.link.cache_info().hits == hits + 1
    assert first is not None and first.id == default_linker().link("DISEASE", "systemic lupus erythematous").id
