"""Which therapy an article studies, and which sentences speak of something else.

News reports of trials name several therapies: the one studied, its comparator arm,
the patients' prior lines, the standard of care, background drugs. The study's results
belong to the studied therapy even in sentences that do not name it ("After the
infusion, all of them…"). A therapy's weight grows with mentions in the title and in
sentences that say it was given ("treated with", "received", "infusion"), and shrinks in
sentences that mark a comparison or a history ("versus", "compared with", "placebo",
"prior", "previously", "after failure of"). The focus is the heaviest therapy and any
within ``FOCUS_SHARE`` of it; a sentence that names only other therapies, or marks a
comparison without naming the focus, is about something else.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..schema import Entity
from ..text import sentence_spans

GIVEN = re.compile(r"\b(?:treated with|treatment with|received|receiving|infus\w*|administ\w*|dosed|given|"
                   r"underwent|after \w+(?:[- ]\w+)? (?:therapy|treatment|infusion)|with (?:a |an |the )?single|"
                   r"approved|approval|achieved|led to|resulted in)\b", re.I)
OTHER_ARM = re.compile(r"\b(?:versus|vs\.?|compared (?:with|to)|than|control (?:group|arm)|comparator|placebo|"
                       r"beats?|over|outperform\w*|superior to|(?:non-?)?inferior to|instead of|switch\w* from|"
                       r"standard[- ]of[- ]care|standard (?:therapy|treatment|chemotherapy)|investigator'?s choice|"
                       r"physician'?s choice|prior|previous(?:ly)?|had (?:received|failed)|failed|after failure|"
                       r"refractory to|resistant to|before (?:the )?(?:trial|study)|earlier lines?|lines? of therapy|"
                       r"background|conventional|lymphodeplet\w*|conditioning|premedicat\w*|prophyla\w*|bridging|"
                       r"pretreat\w*|supportive)\b", re.I)
#: arms that are never the therapy under study
NOT_STUDIED = frozenset({"placebo", "standard of care", "best supportive care", "observation", "lymphodepletion",
                         "conditioning regimen", "bridging therapy"})
#: a modality or class rather than a product: studied only when no product is
GENERIC = re.compile(r"\b(?:therap(?:y|ies)|treatment|cells?|antibod(?:y|ies)|inhibitors?|conjugates?|vaccines?|"
                     r"transplant\w*|chemotherapy|immunotherapy|agents?|drugs?|regimen)\b", re.I)
#: a therapy within this share of the heaviest one's weight is studied too
FOCUS_SHARE = 0.6


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    entities: list[Entity] = field(default_factory=list)

    def therapies(self) -> set[str]:
        return {key(e) for e in self.entities if e.label == "THERAPY"}


def key(entity: Entity) -> str:
    return (entity.normalized.name if entity.normalized else entity.text).lower()


def sentences_of(text: str, entities: list[Entity]) -> list[Sentence]:
    sentences = [Sentence(start, end, text[start:end]) for start, end in sentence_spans(text)]
    starts = [s.start for s in sentences]
    from bisect import bisect_right
    for entity in entities:
        index = bisect_right(starts, entity.start) - 1
        if index >= 0:
            sentences[index].entities.append(entity)
    return sentences


def focus_therapies(text: str, entities: list[Entity], sentences: list[Sentence]) -> list[str]:
    """The therapies the article studies, heaviest first."""
    title_end = text.find("\n") if "\n" in text else len(text)
    weight: dict[str, float] = defaultdict(float)
    for sentence in sentences:
        other_arm = bool(OTHER_ARM.search(sentence.text))
        given = bool(GIVEN.search(sentence.text))
        for entity in sentence.entities:
            if entity.label != "THERAPY":
                continue
            name = key(entity)
            weight[name] += 1.0
            if entity.end <= title_end:
                weight[name] += 3.0
            if given and not other_arm:
                weight[name] += 1.5
            if other_arm and _in_other_arm(sentence.text, entity, sentence.start):
                weight[name] -= 1.5
    for name in list(weight):  # a regimen outweighs its parts: "venetoclax plus azacitidine"
        parts = [p.strip() for p in re.split(r"\s+(?:plus|\+|combined with|in combination with|together with|and)\s+|,\s*",
                                              name) if p.strip()]
        if len(parts) > 1:
            weight[name] = max([weight[name]] + [weight.get(p, 0.0) for p in parts]) + 1.0
            for part in parts:
                if part in weight:
                    weight[part] = min(weight[part], weight[name] - 1.0)
    for name in NOT_STUDIED & set(weight):
        weight[name] = 0.0
    if not weight:
        return []
    best = max(weight.values())
    if best <= 0:
        return []
    focus = [name for name, w in weight.items() if w >= FOCUS_SHARE * best]
    products = [name for name in focus if not GENERIC.search(name)]
    return sorted(products or focus, key=lambda n: -weight[n])


def _in_other_arm(sentence: str, entity: Entity, offset: int) -> bool:
    """The cue stands close before the therapy ("versus FCR", "prior daratumumab"), or the
    therapy follows "than" / "compared with"."""
    before = sentence[max(0, entity.start - offset - 60):entity.start - offset]
    return bool(OTHER_ARM.search(before))


def about_other_therapy(sentence: Sentence, focus: set[str]) -> bool:
    """A sentence that names therapies, none of them studied."""
    named = sentence.therapies()
    return bool(named) and not named & focus
