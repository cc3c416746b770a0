"""Therapies given to manage a toxicity rather than the disease.

Reports of cell and gene therapies name the drugs that managed their side effects:
"cytokine release syndrome was managed with tocilizumab", "tocilizumab for grade 2 CRS",
"dexamethasone to treat ICANS", "patients with ICANS received corticosteroids". Such a drug
treats the adverse event (``TREATS`` toward an ``ADVERSE_EVENT``, as the output contract
allows); it is not the therapy under study, and the study's results are not its results.
The test is the wording between the drug and the event, read in one sentence.
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


class SentenceLike(Protocol):
    start: int
    text: str
    entities: list[Entity]


def managed_event(therapy: Entity, sentence: SentenceLike) -> Optional[Entity]:
    """The adverse event the sentence says the therapy was given to manage, if any."""
    for event in sentence.entities:
        if event.label != "ADVERSE_EVENT":
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
