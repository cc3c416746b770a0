"""Dictionary mention finder over the compiled vocabulary.

Two ``PhraseMatcher``s (spaCy's FlashText-style token-trie matcher) run over each doc:
one on lower-cased tokens for ordinary names, one on exact tokens for acronyms and short
forms, which collide with English words when matched case-insensitively ("ALL", "CRS",
"was"). Every match is kept in the span group ``mentions`` (mentions may overlap across
labels: a THERAPY "anti-CD19 CAR-T cell therapy" contains the ANTIGEN "CD19"); within one
label the longest match wins. ``span.kb_id_`` carries the concept key.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..schema import Concept
from ..vocabulary import VOCABULARY_DIR, is_case_sensitive, load_vocabulary, surface_variants

SPAN_KEY = "mentions"


class VocabularyMatcher:
    def __init__(self, nlp: Language, concepts: tuple[Concept, ...], span_key: str = SPAN_KEY):
        self.span_key = span_key
        self.concepts = {c.key: c for c in concepts}
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        lower: dict[str, list] = {}
        exact: dict[str, list] = {}
        for concept in concepts:
            for alias in {concept.name, *concept.aliases}:
                target = exact if is_case_sensitive(alias) else lower
                for form in surface_variants(alias, concept.label):
                    target.setdefault(concept.key, []).append(form)
        for target, matcher in ((lower, self.lower), (exact, self.exact)):
            for key, forms in target.items():
                matcher.add(key, list(nlp.tokenizer.pipe(sorted(set(forms)))))

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for matcher in (self.lower, self.exact):
            for match_id, start, end in matcher(doc):
                key = doc.vocab.strings[match_id]
                concept = self.concepts[key]
                spans.append(Span(doc, start, end, label=concept.label, kb_id=key))
        kept: list[Span] = []
        for label in sorted({s.label_ for s in spans}):
            kept += filter_spans([s for s in spans if s.label_ == label])
        kept.sort(key=lambda s: (s.start, -s.end))
        doc.spans[self.span_key] = kept
        doc.ents = filter_spans(kept)
        return doc

    def concept(self, span: Span) -> Optional[Concept]:
        return self.concepts.get(span.kb_id_)


@Language.factory("vocabulary_matcher", default_config={"vocabulary_dir": None, "span_key": SPAN_KEY})
def make_vocabulary_matcher(nlp: Language, name: str, vocabulary_dir: Optional[str], span_key: str) -> VocabularyMatcher:
    directory = Path(vocabulary_dir) if vocabulary_dir else VOCABULARY_DIR
    return VocabularyMatcher(nlp, load_vocabulary(directory), span_key)
