"""The therapies a trial report names as the other arm, set against the studied therapy.

Randomized trials compare the studied therapy with an active control: "509 patients were
randomly assigned to tarlatamab or to the investigator's choice of standard chemotherapy",
"sotorasib versus docetaxel", "compared with standard care alone, the radioligand …". The
control arm is itself a treatment of the trial's disease, given to half the patients, so
it treats that disease, and the results a clause states for it are its own
(``comparator``). A therapy is a control arm when a sentence that also names a studied
therapy puts it after an allocation cue ("randomly assigned to", "randomized to") or right
after a comparison cue ("versus", "compared with", "than", "superior to"). Therapies the
same sentence lists as earlier lines ("patients who had received prior platinum were
randomized to …") or as the management of a toxicity are not arms, nor is the backbone
joined to the studied drug or to a placebo ("placebo plus mFOLFOX6"); the backbone named
alone is ("mRNA-4157 plus pembrolizumab or pembrolizumab monotherapy").
"""
from __future__ import annotations

import re
from typing import Callable, Protocol

from ..schema import Entity
from .prior_lines import prior_therapies
from .supportive import managed_event

#: "were randomly assigned in a 1:1 ratio to", "were randomized 2:1, 104 to", "patients randomized to";
#: not "the first randomized trial to show"
ALLOCATION = re.compile(r"\b(?:randomly (?:assigned|allocated)|(?:were|was|been|being)\s+(?:randomi[sz]ed|assigned|allocated))"
                        r"\b[^.;]{0,40}?\bto\b|\brandomi[sz]ed\s+to\b", re.I)
#: "versus", "compared with the", "rather than": the therapy named right after is the other arm
COMPARISON = re.compile(r"\b(?:versus|vs\.?|compared (?:with|to)|against|than|superior to|(?:non-?)?inferior to|"
                        r"beats?|outperform(?:s|ed)?|instead of)\s+(?:the\s+|a\s+|an\s+)?"
                        r"(?:(?:investigator|physician)['’]?s?[- ]choice (?:of\s+)?)?$", re.I)
#: where the list of arms ends: a verb starts the next clause ("…, tarlatamab was given")
ALLOCATION_END = re.compile(r";|\b(?:was|were|is|are|had|has|have|received|receiving|given|got)\b", re.I)
#: an arm drug joined to the studied drug or to a placebo is the backbone both arms received
JOINED = re.compile(r"^\s*(?:plus|\+|with|combined with|in combination with)\s+$", re.I)
#: a drug given without the rest of the regimen
ALONE = re.compile(r"(?:\s+[\d.,]+\s*(?:mg|g|µg|mcg|mg/kg|mg/m2|mg/m²))?\s+(?:alone|monotherapy|only)\b", re.I)
#: how far after an allocation cue an arm may be named
ALLOCATION_REACH = 200


class SentenceLike(Protocol):
    start: int
    text: str
    entities: list[Entity]


def control_arms(sentences: list[SentenceLike], studied: set[str], products: set[str],
                 key: Callable[[Entity], str]) -> dict[str, tuple[Entity, SentenceLike]]:
    """Each control arm's key, mapped to its mention in the first sentence that sets it
    against a studied therapy, and that sentence. ``studied`` are the names a sentence
    about the study names (``studied_names``), ``products`` the studied products
    themselves, never an arm; a studied regimen's drug named alone may be one."""
    found: dict[str, tuple[Entity, SentenceLike]] = {}
    for sentence in sentences:
        therapies = [e for e in sentence.entities if e.label == "THERAPY"]
        if not any(key(e) in studied for e in therapies):
            continue  # the comparison is about the study only when it names the studied therapy
        excluded = {id(e) for e in prior_therapies(sentence)}
        for therapy in therapies:
            if key(therapy) in products or id(therapy) in excluded or key(therapy) in found \
                    or managed_event(therapy, sentence) is not None or _inside_studied(therapy, therapies, studied, key) \
                    or _backbone(therapy, therapies, studied, sentence, key) or _in_parentheses(therapy, sentence):
                continue
            part = key(therapy) in studied  # a studied regimen's drug is an arm only when given alone
            if _compared(therapy, sentence) or _allocated(therapy, sentence) and (not part or _alone(therapy, sentence)):
                found[key(therapy)] = (therapy, sentence)
    return found


def _allocated(therapy: Entity, sentence: SentenceLike) -> bool:
    """The therapy is listed after an allocation cue, before the next clause's verb and
    within ``ALLOCATION_REACH``."""
    at = therapy.start - sentence.start
    return any(at <= cue.end() + ALLOCATION_REACH and not ALLOCATION_END.search(sentence.text, cue.end(), at)
               for cue in ALLOCATION.finditer(sentence.text[:at]))


def _alone(therapy: Entity, sentence: SentenceLike) -> bool:
    """"pembrolizumab monotherapy", "nivolumab 480 mg alone"."""
    return bool(ALONE.match(sentence.text, therapy.end - sentence.start))


def _backbone(therapy: Entity, therapies: list[Entity], studied: set[str], sentence: SentenceLike,
              key: Callable[[Entity], str]) -> bool:
    """Joined to a studied drug or a placebo: "placebo plus mFOLFOX6" names the backbone."""
    return any(other.end <= therapy.start and (key(other) in studied or key(other) == "placebo")
               and JOINED.match(sentence.text[other.end - sentence.start:therapy.start - sentence.start])
               for other in therapies)


def _in_parentheses(therapy: Entity, sentence: SentenceLike) -> bool:
    """Named in an aside: "mFOLFOX6 (oxaliplatin, leucovorin and fluorouracil)" spells out a neighbour."""
    before = sentence.text[:therapy.start - sentence.start]
    return before.rfind("(") > before.rfind(")")


def _compared(therapy: Entity, sentence: SentenceLike) -> bool:
    """A comparison cue stands right before the therapy: "versus docetaxel", "compared with
    the standard care"."""
    before = sentence.text[max(0, therapy.start - sentence.start - 60):therapy.start - sentence.start]
    return bool(COMPARISON.search(before))


def _inside_studied(therapy: Entity, therapies: list[Entity], studied: set[str], key: Callable[[Entity], str]) -> bool:
    """A drug named inside a studied regimen's mention ("docetaxel" in "ramucirumab plus
    docetaxel") is part of the study, not its other arm."""
    return any(key(other) in studied and other.start <= therapy.start and therapy.end <= other.end
               and other is not therapy for other in therapies)
