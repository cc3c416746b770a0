"""Linking of mentions that no alias matched exactly (mostly found by pattern).

1. Head lookup: biomedical names put their head last, so the longest suffix of the
   mention that is an alias of a concept of the same label gives the concept
   ("relapsed or refractory neuroblastoma" -> neuroblastoma) when what was cut off is
   only clinical-state modifiers; a mention narrower than its head's concept ("anti-CD19
   CAR-T cell therapy") keeps its own wording and gets no id rather than a broader one.
2. Approximate matching: character 3-gram TF-IDF vectors and cosine similarity against
   the concept names of the label, the method of scispaCy's ``CandidateGenerator``
   (Neumann et al. 2019), with the index fitted here on the project's knowledge base.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

import numpy as np

from ..knowledge.kb import KbConcept, KnowledgeBase, load_kb
from ..schema import Normalized

#: cosine similarity at or above which an approximate match is accepted
MIN_SIMILARITY = 0.85
#: labels whose concept names are worth an approximate match
APPROXIMATE_LABELS = ("DISEASE", "CELL_TYPE", "THERAPY", "ADVERSE_EVENT", "OUTCOME")
MODIFIERS = frozenset("""
relapsed refractory advanced metastatic recurrent newly diagnosed severe mild moderate aggressive high-risk
high low risk untreated previously treated early late late-stage stage i ii iii iv or and with persistent active
progressive unresectable locally resistant primary secondary acute-phase heavily pretreated r/r
""".split())
_WORD = re.compile(r"[\w+./'-]+")


class Linker:
    def __init__(self, kb: KnowledgeBase):
        import spacy
        self.kb = kb
        self.tokenizer = spacy.blank("en").tokenizer
        self._indexes: dict[str, tuple] = {}

    def link(self, label: str, text: str) -> Optional[Normalized]:
        return self.by_head(label, text) or self.approximate(label, text)

    def by_head(self, label: str, text: str) -> Optional[Normalized]:
        tokens = [t.text for t in self.tokenizer(text)]
        for start in range(1, len(tokens)):
            index = self.kb.lookup(tokens[start:], label)
            if index is not None:
                concept = self.kb.concepts[index]
                dropped = " ".join(tokens[:start]).lower().replace(",", " ").split()
                if all(word in MODIFIERS for word in dropped):
                    return Normalized(id=concept.id, name=concept.name)
                return None  # "anti-CD19 CAR-T cell therapy" is narrower than its head's concept
        return None

    def approximate(self, label: str, text: str) -> Optional[Normalized]:
        if label not in APPROXIMATE_LABELS or len(text) < 5:
            return None
        vectorizer, matrix, concepts = self._index(label)
        if not concepts:
            return None
        scores = (matrix @ vectorizer.transform([text.lower()]).T).toarray().ravel()
        best = int(np.argmax(scores))
        if scores[best] >= MIN_SIMILARITY:
            return Normalized(id=concepts[best].id, name=concepts[best].name)
        return None

    def prepare(self) -> None:
        """Build every label's similarity index now (several seconds for diseases) rather
        than inside the first page that needs it."""
        for label in APPROXIMATE_LABELS:
            self._index(label)

    def _index(self, label: str) -> tuple:
        if label not in self._indexes:
            from sklearn.feature_extraction.text import TfidfVectorizer
            concepts: list[KbConcept] = sorted({c for c in self.kb.concepts if c.label == label},
                                               key=lambda c: (c.name, c.id or ""))
            if not concepts:
                self._indexes[label] = (None, None, [])
            else:
                vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), min_df=1, dtype=np.float32)
                matrix = vectorizer.fit_transform([c.name.lower() for c in concepts])
                self._indexes[label] = (vectorizer, matrix, concepts)
        return self._indexes[label]


def canonical_surface(text: str) -> str:
    """A mention's own wording as a canonical name: white space folded, and lower-cased
    unless it holds an acronym or symbol."""
    folded = " ".join(text.split())
    return folded if any(c.isupper() for c in folded[1:]) else folded.lower()


@lru_cache(maxsize=1)
def default_linker() -> Linker:
    return Linker(load_kb())
