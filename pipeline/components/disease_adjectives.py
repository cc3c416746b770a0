"""Disease adjectives that name a population's disease: "hypertensive rats", "epileptic
patients", "diabetic women".

A rule over the token after an adjective the knowledge base derives from a disease name
(``knowledge.adjectives``): the adjective is a mention of that disease when the next word
is a population noun — a patient, a subject, an animal, an episode of the disease — or a
word of age or sex and then one ("diabetic female rats"), or when it is coordinated with
another adjective that is ("hypertensive and normotensive rats"). Anywhere else the
adjective names no disease ("ischemic stroke" is the dictionary's, "a hypertensive
response" is a blood pressure change): it is left to the dictionary's longer names.
"""
from __future__ import annotations

from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..knowledge.kb import KB_FILE, KnowledgeBase, load_kb
from ..knowledge.spelling import american
from .kb_matcher import candidates
from .line_sentencizer import token_texts

#: who or what has the disease: people, animals, and episodes or cases of it
POPULATION_NOUNS = frozenset("""
patient patients outpatients inpatients subject subjects individual individuals people persons person
case cases episode episodes child children infant infants adult adults adolescents woman women man men
mother mothers volunteer volunteers participant participants proband probands family families
animal animals rat rats mouse mice dog dogs monkey monkeys rabbit rabbits
""".split())
#: age and sex between the adjective and the noun: "diabetic female rats", "epileptic adult patients"
POPULATION_MODIFIERS = frozenset("male female adult elderly older young pediatric paediatric pregnant".split())
_COORDINATION = frozenset({"and", "or", ","})


class DiseaseAdjectives:
    def __init__(self, kb: KnowledgeBase):
        self.adjectives = kb.adjectives

    def __call__(self, doc: Doc) -> Doc:
        if not self.adjectives:
            return doc
        texts = token_texts(doc)
        words = [text.lower() for text in texts]
        spans = candidates(doc)
        for index, word in enumerate(words):
            concept = self.adjectives.get(american(word)) if len(word) > 4 else None
            if concept is not None and _modifies_population(words, index + 1):
                spans.append(Span(doc, index, index + 1, label="DISEASE", kb_id=str(concept)))
        return doc


def _modifies_population(words: list[str], after: int) -> bool:
    """Whether the words from ``after`` on are a population noun, an age or sex word and
    one, or a coordinated adjective ("and normotensive") and one."""
    following = []
    for word in words[after:after + 6]:
        if word.isspace():
            if "\n" in word:
                break  # a line is a sentence: the noun must be on the adjective's line
            continue
        following.append(word)
    following = following[:4]
    if following and following[0] in _COORDINATION:
        following = following[2:] if len(following) > 2 and following[1] not in POPULATION_NOUNS else []
    if following and following[0] in POPULATION_MODIFIERS:
        following = following[1:]
    return bool(following) and following[0] in POPULATION_NOUNS


@Language.factory("disease_adjectives", default_config={"kb_file": None})
def make_disease_adjectives(nlp: Language, name: str, kb_file: Optional[str]) -> DiseaseAdjectives:
    from pathlib import Path
    return DiseaseAdjectives(load_kb(Path(kb_file) if kb_file else KB_FILE))
