"""Therapies given to manage a toxicity rather than the disease.

Reports of cell and gene therapies name the drugs that managed their side effects:
"cytokine release syndrome was managed with tocilizumab", "tocilizumab for grade 2 CRS",
"dexamethasone to treat ICANS", "patients with ICANS received corticosteroids". Such a drug
treats the adverse event (``TREATS`` toward an ``ADVERSE_EVENT``, as the output contract
allows); it is not the therapy under study, and the study's results are not its results.
The test is the wording between the drug and the event, read in one sentence. A drug
given to prevent an event ("to reduce the risk of CRS, all patients received
obinutuzumab") does not treat it.
"""
from __future__ import annotations

import re
from typing import Optional, Protocol

from ..schema import Entity

#: therapy … event: "tocilizumab (8 mg/kg) was given for grade 2", "steroids to manage the"
_THERAPY_FOR_EVENT = re.compile(
    r"^\s*(?:\([^()]{0,40}\)\s*)?(?:,\s*)?(?:(?:was|were|is|are|had been|has been)\s+)?"
    r"(?:(?:given|used|administered|required|needed|started|initiated|prescribed)\s+)?"
    r"(?:for|to (?:treat|manage|control|reverse|resolve|mitigate|relieve)|in response to|against)\s+"
    r"(?:(?:the|a|an|their|its|any|all|suspected|persistent|severe|refractory|mild|moderate|"
    r"grade\s*(?:≥|>=)?\s*\d(?:\s*(?:-|–|or|to)\s*\d)?|low-grade|high-grade|early)\s+){0,4}$", re.I)
#: event … therapy: "CRS was managed with", "ICANS resolved after", "patients with ICANS received"
_EVENT_THEN_THERAPY = re.compile(
    r"^\s*(?:\([^()]{0,40}\)\s*)?(?:[^.;]{0,60}?\b(?:and|but|which|that)\s+|(?:\w+\s+){0,2}?)"
    r"(?:was|were|is|are|had been|has been)\s+(?:\w+\s+)?"
    r"(?:managed|treated|resolved|controlled|reversed|handled|relieved|mitigated|improved)\s+"
    r"(?:\w+\s+){0,2}?(?:with|by|after|following|on)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}$"
    r"|^\s*(?:\([^()]{0,40}\)\s*)?(?:\w+\s+){0,3}?(?:received|required|needed|were given|was given)\s+"
    r"(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}$", re.I)
#: how far apart the drug and the event may stand
MAX_GAP = 80
#: where a looser clause on the event's care starts: "… and 48% of them", "…, all were resolved"
_THEN = (r"(?:[^.;]{0,80}?(?:\b(?:and|but|which|that)|,)\s+"
         r"(?:(?:all|most|both|each|it|they|these|those|some)(?: of (?:them|these|those))?\s+)?)")
#: event … care, in looser wordings that name the drug as the toxicity's care without saying
#: it treated the event: "…, all were resolved with tocilizumab and corticosteroids", "was
#: managed by increasing the dose of glucocorticoid", "and 48% of them received the IL-6
#: receptor antibody tocilizumab"
_EVENT_THEN_CARE = re.compile(
    rf"^\s*\)?\s*(?:\([^()]{{0,40}}\)\s*)?(?:{_THEN}|(?:\w+\s+){{0,2}}?)"
    r"(?:was|were|is|are|had been|has been)\s+(?:\w+\s+)?"
    r"(?:managed|treated|resolved|controlled|reversed|handled|relieved|mitigated|improved)\s+"
    r"(?:\w+\s+){0,2}?(?:with|by|after|following|on)\s+(?:the\s+|a\s+|an\s+)?"
    r"(?:increas\w+ (?:the )?(?:dose|doses) of\s+)?(?:[\w-]+\s+){0,2}$"
    rf"|^\s*\)?\s*(?:\([^()]{{0,40}}\)\s*)?(?:{_THEN}(?:\S+\s+){{0,3}}?|(?:\w+\s+){{0,3}}?)"
    r"(?:received|required|needed|were given|was given)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,4}$", re.I)
#: how far apart the event and its care may stand in those wordings
MAX_CARE_GAP = 110
#: a drug the sentence says was not given: "controlled without tocilizumab", "no steroids were needed"
_WITHHELD = re.compile(r"\b(?:without|no need (?:for|of)|no)\s+(?:the\s+|any\s+)?$", re.I)
#: an event the drug was given to prevent, not to treat: "to reduce the risk of CRS, all patients received"
_PREVENTED = re.compile(r"\b(?:(?:reduc|lower|minimi[sz]|decreas)\w* (?:the )?(?:risk|incidence|rate) of|prevent\w*|"
                        r"prophyla\w* (?:of|against|for))\s+(?:the\s+)?$", re.I)


class SentenceLike(Protocol):
    start: int
    text: str
    entities: list[Entity]


def managed_event(therapy: Entity, sentence: SentenceLike) -> Optional[Entity]:
    """The adverse event the sentence says the therapy was given to manage, if any."""
    for event in sentence.entities:
        if event.label != "ADVERSE_EVENT" or _prevented(event, sentence):
            continue
        if therapy.end <= event.start and event.start - therapy.end <= MAX_GAP:
            between = sentence.text[therapy.end - sentence.start:event.start - sentence.start]
            if _THERAPY_FOR_EVENT.match(between):
                return event
        elif event.end <= therapy.start and therapy.start - event.end <= MAX_GAP:
            between = sentence.text[event.end - sentence.start:therapy.start - sentence.start]
            if _EVENT_THEN_THERAPY.match(between):
                return event
    return None


def _prevented(event: Entity, sentence: SentenceLike) -> bool:
    """The event is what the drug was to prevent; an abbreviation in parentheses is read
    from its long form: "to reduce the risk of cytokine release syndrome (CRS)"."""
    start = event.start
    for other in sentence.entities:
        if other.label == "ADVERSE_EVENT" and other.end < start \
                and re.fullmatch(r"\s*\(\s*", sentence.text[other.end - sentence.start:start - sentence.start]):
            start = other.start
    return bool(_PREVENTED.search(sentence.text[max(0, start - sentence.start - 40):start - sentence.start]))


def toxicity_care(therapy: Entity, sentence: SentenceLike) -> bool:
    """The sentence names the drug only as the care of a toxicity, in any wording: the
    statements of ``managed_event``, the looser ones of ``_EVENT_THEN_CARE``, or the drug
    named as not needed ("the CRS was controlled without tocilizumab"). Such a sentence is
    about the study's toxicity, not about another therapy."""
    if managed_event(therapy, sentence) is not None or _withheld(therapy, sentence):
        return True
    return any(event.label == "ADVERSE_EVENT" and event.end <= therapy.start and therapy.start - event.end <= MAX_CARE_GAP
               and not _prevented(event, sentence)
               and _EVENT_THEN_CARE.match(sentence.text[event.end - sentence.start:therapy.start - sentence.start])
               for event in sentence.entities)


def _withheld(therapy: Entity, sentence: SentenceLike) -> bool:
    start = therapy.start - sentence.start
    return bool(_WITHHELD.search(sentence.text[max(0, start - 30):start]))
