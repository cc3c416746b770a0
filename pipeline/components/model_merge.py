"""The merge policy: which trained-model spans become candidates beside the dictionary's.

The dictionary (``kb_matcher``) and the patterns know the product's labels and concepts;
the models (``model_ner``) know wordings nobody put in a dictionary ("familial
adenomatous polyposis coli", "hepatic veno-occlusive disease") but only their corpus's
types. A model span becomes a candidate by these rules, in order:

1. **Types and words.** A model type maps to a product label (``MODEL_LABELS``); a type
   with no mapping, a span without a letter, or a lone generic word ("cancer", "tumor",
   "cells", "death", ``GENERIC``) gives nothing: a generic head names no concept the
   product can link, and death is an outcome. Nor does a span that the knowledge base
   leaves out for the reasons it leaves words out: a single common English word (Zipf
   frequency ≥ 4.3 in ``wordfreq``, the knowledge base's own threshold: "happen",
   "pain"), a capitalised single word inside a sentence (a name or a place:
   "California", "Dickinson"), a single word as a disease ("inflammation", "fibrous",
   "hypertensive": one word is the dictionary's ground, and the model's one-word diseases
   it does not know were mostly adjectives and symptoms in passing), an adjective and "disease" (a disease state, left out of the
   knowledge base as a response measure: "morphologic disease", "measurable disease"),
   or a disease span ending in "event(s)" or "death(s)" (outcomes: "ocular adverse
   events", "cancer death").
2. **The dictionary wins on its own ground.** A model span with the bounds of a
   dictionary or pattern candidate adds nothing (that candidate keeps its label and
   concept); one inside a candidate, or crossing one, is dropped: the dictionary's bounds
   are trusted where they exist.
3. **The knowledge base labels what it knows.** A model span whose wording is a
   knowledge-base alias takes that concept and its label ("cisplatin" is a THERAPY
   whatever the model called it).
4. **A longer model span** containing dictionary candidates is kept when every candidate
   inside it has its label (a disease span may hold adverse events), or is an antigen
   ("BRCA1-associated breast cancer"); it carries the concept and label of the candidate
   at its head (ending where it ends: "hereditary breast cancer" → "breast cancer",
   "maculopapular rash" → the adverse event "rash") when there is one, else no concept,
   and the mention resolver's longest-wins rule makes it the mention. It is dropped when
   it holds two names ("CLL and SLL", a title repeated) or when its extra words are the
   disease's course or stage ("metastatic breast cancer", ``_COURSE``; so is a disease
   span the dictionary does not know that starts with such a word):
   the product names the disease, as the dictionary does. A model disease span holding a
   therapy ("cisplatin nephrotoxicity") is dropped: the drug is the cause, not the disease.
5. **Acronyms are the dictionary's and the article's.** A model span that is, or (a
   disease) ends in, an acronym ("TD", "HDL", "aggressive CLL") the knowledge base does
   not know is dropped: where the article defines
   it, the mention resolver's abbreviation rule gives every use its long form's label.
6. **THERAPY is not every chemical.** A model chemical the knowledge base does not know
   becomes a THERAPY only when its name has a drug's INN stem or its sentence says it is
   given within five words of it ("administered", "treated with", "mg/kg", "-induced",
   ``GIVEN_CONTEXT``), and is not part of a compound or a measure ("steroid-refractory",
   "tetrapeptide-based linker", "creatine kinase"); "glucose", "calcium" or "nitric
   oxide" in passing are no therapies.
7. A model disease span is a DISEASE candidate; whether it is an ADVERSE_EVENT is
   decided downstream by the mention resolver's toxicity-context rule, as for the
   dictionary's diseases.

A kept span without a concept has an empty ``kb_id``: the normalize stage links it by
similarity or leaves ``normalized.id`` null.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..knowledge.kb import KB_FILE, KnowledgeBase, load_kb
from ..text import INN_ENDINGS
from .kb_matcher import candidates
from .line_sentencizer import SentenceIndex, token_texts
from .model_ner import MODEL_SPANS

#: model type (lower-cased) -> product label; THERAPY is further conditioned (rule 6)
MODEL_LABELS = {
    "disease": "DISEASE", "specificdisease": "DISEASE", "diseaseclass": "DISEASE", "modifier": "DISEASE",
    "compositemention": "DISEASE", "cancer": "DISEASE",
    "chemical": "THERAPY", "simple_chemical": "THERAPY",
    "cell_type": "CELL_TYPE", "cell": "CELL_TYPE",
}
#: the labels a model type's span may take from a dictionary candidate at its head
FAMILIES = {"DISEASE": {"DISEASE", "ADVERSE_EVENT"}}
GENERIC = frozenset({"cancer", "cancers", "tumor", "tumors", "tumour", "tumours", "disease", "diseases", "cell",
                     "cells", "neoplasm", "neoplasms", "malignancy", "malignancies", "syndrome", "disorder",
                     "disorders", "lesion", "lesions", "drug", "drugs", "infection", "infections", "death", "deaths"})
#: words of a disease's course or stage, which the product keeps out of its name
_COURSE = re.compile(r"\b(?:aggressive|advanced|metastatic|relapsed|refractory|recurrent|early|late|severe|mild|"
                     r"moderate|progressive|newly|diagnosed|untreated|high|low|risk|stage|grade|primary|secondary|"
                     r"active|acute|chronic|persistent)\b", re.I)
#: a word this common in English is no mention by itself (the knowledge base's threshold)
COMMON_ZIPF = 4.3
GIVEN_WINDOW = 5
_OUTCOME_END = frozenset({"event", "events", "death", "deaths"})
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]+s?")
#: an adjective's ending ("morphologic", "measurable")
_ADJECTIVE = re.compile(r"[a-z]{3,}(?:ous|ic|al|ive|ary|ar|oid|ed)", re.I)
#: words after a chemical that make it a part or a measure, not something given
_NOT_GIVEN_AFTER = frozenset({"-", "kinase", "level", "levels", "linker", "receptor", "receptors", "based", "binding"})
GIVEN_CONTEXT = re.compile(
    r"administ|\bgiven\b|\bdos(?:e|es|ed|ing|age)\b|\bmg\b|mg/kg|µg|\bug/kg|treated with|treatment with|therapy with|"
    r"infusion|injection|injected|\bi\.?v\.?\b|orally|intraperitoneal|-induced|\binduced by\b|\bdrugs?\b|"
    r"medication|prescri|regimen|overdose|intoxication|abuse|withdrawal",
    re.I)
_DRUG_STEM = re.compile(rf"[A-Za-z][a-z]{{2,}}(?:{INN_ENDINGS}|micin|mycin|cillin|floxacin|azole|pril|sartan|olol|"
                        r"dipine|azepam|barbital|caine|oxacin|vir|tidine|prazole|profen|semide|thiazide)\b")


class ModelMerge:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    def __call__(self, doc: Doc) -> Doc:
        model_spans = doc.user_data.get(MODEL_SPANS)
        if not model_spans:
            return doc
        existing = candidates(doc)
        dictionary = list(existing)
        bounds = {(s.start, s.end) for s in dictionary}
        sentences: Optional[SentenceIndex] = None
        seen: set[tuple[int, int, str]] = set()
        for span in sorted(model_spans, key=lambda s: (s.start, -s.end)):
            label = MODEL_LABELS.get(span.label_.lower())
            key = (span.start, span.end, label)
            if label is None or key in seen or (span.start, span.end) in bounds or not _worded(span):
                continue
            seen.add(key)
            if sentences is None and label == "THERAPY":
                sentences = SentenceIndex(doc)
            existing += self.candidates(doc, span, label, dictionary, sentences)
        return doc

    def candidates(self, doc: Doc, span: Span, label: str, dictionary: list[Span],
                   sentences: Optional[SentenceIndex]) -> list[Span]:
        """The model span as candidates under the module's rules (none, or one for each
        label its head has)."""
        texts = token_texts(doc)[span.start:span.end]
        if any(_inside(span, other) or _crosses(span, other) for other in dictionary):
            return []  # rule 2
        index = self.kb.lookup(texts)
        if index is not None:  # rule 3
            return [Span(doc, span.start, span.end, label=self.kb.concepts[index].label, kb_id=str(index))]
        family = FAMILIES.get(label, {label})
        if not self._worded_like_a_mention(doc, span, label, texts):
            return []  # rule 1
        if _ACRONYM.fullmatch(span.text) or (label == "DISEASE" and _ACRONYM.fullmatch(texts[-1])):
            return []  # rule 5
        inner = [other for other in dictionary if _inside(other, span)]
        if any(other.label_ not in family and other.label_ != "ANTIGEN" for other in inner):
            return []  # rule 4: a therapy inside a disease, a disease inside a chemical
        if label == "THERAPY" and (not self._given(doc, span, sentences) or _followed_by(doc, span, _NOT_GIVEN_AFTER)):
            return []  # rule 6
        if len({(o.start, o.end) for o in inner if o.label_ in family}) > 1:
            return []  # rule 4: two names in one span ("A and B", a repeated title) stay two
        heads: dict[str, Span] = {}
        for other in inner:  # "maculopapular rash": the head's concept and label (each, if several)
            if other.end == span.end and other.label_ in family and len(other) > len(heads.get(other.label_, ())):
                heads[other.label_] = other
        modifiers = doc[span.start:max(h.start for h in heads.values())].text if heads else doc[span.start].text
        if label == "DISEASE" and _COURSE.search(modifiers):
            return []  # rule 4: "aggressive CLL", "metastatic breast cancer": the disease is the name
        if heads:
            return [Span(doc, span.start, span.end, label=h.label_, kb_id=h.kb_id_) for h in heads.values()]
        return [Span(doc, span.start, span.end, label=label, kb_id="")]

    @staticmethod
    def _worded_like_a_mention(doc: Doc, span: Span, label: str, texts: list[str]) -> bool:
        if label == "DISEASE" and texts[-1].lower() in _OUTCOME_END:
            return False
        if label == "DISEASE" and len(texts) == 2 and texts[1].lower() in ("disease", "diseases") \
                and _ADJECTIVE.fullmatch(texts[0]):
            return False  # a disease state, as the knowledge base's response measures: "morphologic disease"
        if len(texts) != 1:
            return True
        word = texts[0]
        if label == "DISEASE":
            return False  # one word the dictionary does not know: "inflammation", "hypertensive"
        sentence_start = span.start == 0 or doc[span.start].is_sent_start or "\n" in doc[span.start - 1].text
        if word[:1].isupper() and word[1:].islower() and not sentence_start:
            return False
        return _zipf(word) < COMMON_ZIPF

    @staticmethod
    def _given(doc: Doc, span: Span, sentences: Optional[SentenceIndex]) -> bool:
        if _DRUG_STEM.search(span.text):
            return True
        first, last = sentences.bounds(span.start) if sentences is not None else (span.sent.start, span.sent.end)
        window = doc[max(first, span.start - GIVEN_WINDOW):min(last, span.end + GIVEN_WINDOW)].text
        return bool(GIVEN_CONTEXT.search(window))


def _followed_by(doc: Doc, span: Span, words: frozenset) -> bool:
    return span.end < len(doc) and doc[span.end].text.lower() in words


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency
    return zipf_frequency(word, "en")


def _worded(span: Span) -> bool:
    text = span.text
    return any(c.isalpha() for c in text) and text.lower() not in GENERIC and len(text) > 1


def _inside(span: Span, other: Span) -> bool:
    """``span`` lies within ``other`` and is shorter."""
    return other.start <= span.start and span.end <= other.end and (other.start, other.end) != (span.start, span.end)


def _crosses(span: Span, other: Span) -> bool:
    return span.start < other.start < span.end < other.end or other.start < span.start < other.end < span.end


@Language.factory("model_merge", default_config={"kb_file": None})
def make_model_merge(nlp: Language, name: str, kb_file: Optional[str]) -> ModelMerge:
    from pathlib import Path
    return ModelMerge(load_kb(Path(kb_file) if kb_file else KB_FILE))
