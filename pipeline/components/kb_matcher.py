"""Dictionary mention finder over the compiled knowledge base.

Longest-key dictionary lookup over token sequences, in the manner of FlashText (Singh
2017, "Replace or retrieve keywords in documents at scale"): at every token, keys that
start with that token are tried up to the longest such key in the knowledge base, one
hash lookup per length, so the cost does not grow with the vocabulary. Hyphens are not
part of keys ("CAR-T cell" and "CAR T-cell" are one key). Acronyms and short forms are
looked up case-sensitively, everything else case-folded, Greek letters spelled out and in
American spelling ("haematuria" finds "hematuria", "amyloid-β" finds "amyloid beta",
``knowledge.spelling``); matches never cross a line.
All matches go to the doc's ``candidates`` list, with the concept's index as ``kb_id``.
"""
from __future__ import annotations

from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..knowledge.kb import HYPHENS, KB_FILE, KnowledgeBase, load_kb
from ..knowledge.spelling import folded as folded_key
from .line_sentencizer import token_texts

CANDIDATES = "candidates"


class KbMatcher:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        # case-sensitive keys nearly all start with a capital or a digit: a plain lower-case
        # token needs no exact lookup unless it is one of the few that start one
        self.plain_exact_starts = frozenset(k for k in kb.exact_first if k.islower() and not any(c.isdigit() for c in k))
        self.folded_words = FoldedWords()

    def __call__(self, doc: Doc) -> Doc:
        texts = token_texts(doc)
        spans = candidates(doc)
        for segment in _segments(texts):
            spans += self._match(doc, segment, [texts[i] for i in segment])
        return doc

    def _match(self, doc: Doc, tokens: list[int], texts: list[str]) -> list[Span]:
        kb = self.kb
        if len(self.folded_words) > FoldedWords.LIMIT:
            self.folded_words.clear()  # a bound on memory over a long batch
        spelled = list(map(self.folded_words.__getitem__, texts))
        found = []
        folded = (kb.folded, kb.folded_first, spelled)
        both = (folded, (kb.exact, kb.exact_first, texts))
        plain = self.plain_exact_starts
        for start in range(len(tokens)):
            text = texts[start]
            lookups = (folded,) if text.islower() and text not in plain else both
            for table, first, words in lookups:
                reach = first.get(words[start])
                if not reach:
                    continue
                key = words[start]
                for end in range(start, min(len(tokens), start + reach)):
                    if end > start:
                        key = key + " " + words[end]
                    index = table.get(key)
                    if index is not None:
                        concept = kb.concepts[index]
                        found.append(Span(doc, tokens[start], tokens[end] + 1, label=concept.label, kb_id=str(index)))
        return found


class FoldedWords(dict):
    """Token text -> its case-folded key (Greek letters spelled out, American spelling), worked out once per word:
    words recur, and a dict lookup costs less than folding again."""
    LIMIT = 500_000

    def __missing__(self, text: str) -> str:
        key = self[text] = folded_key(text)
        return key


def candidates(doc: Doc) -> list[Span]:
    """The candidate spans the components pass on, kept as a plain list with the doc:
    a span group would rebuild every span each time it is read."""
    return doc.user_data.setdefault(CANDIDATES, [])


def _segments(texts: list[str]) -> list[list[int]]:
    """Token indices of each line, hyphens and white space left out."""
    segments: list[list[int]] = [[]]
    for index, text in enumerate(texts):
        if text.isspace():
            if "\n" in text and segments[-1]:
                segments.append([])
        elif text not in HYPHENS:
            segments[-1].append(index)
    return [s for s in segments if s]


@Language.factory("kb_matcher", default_config={"kb_file": None})
def make_kb_matcher(nlp: Language, name: str, kb_file: Optional[str]) -> KbMatcher:
    from pathlib import Path
    return KbMatcher(load_kb(Path(kb_file) if kb_file else KB_FILE))
