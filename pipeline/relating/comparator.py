"""Results that a sentence gives to the comparator arm, not to the studied therapy.

Trial reports set the arms side by side: "serious infections occurred in 12% of the
placebo group", "in the standard care arm, 30% of patients died", "grade 3 neutropenia
was seen in 40% of patients who received docetaxel". The result belongs to the arm the
clause names. The clause is the stretch of the sentence around the result bounded by a
contrast ("versus", "compared with", "whereas", ";"); its arm is named by an arm shape —
"the X group / arm / cohort", "patients receiving / given / treated with X" — where X is
a control ("placebo", "control", "standard care") or a therapy. A clause whose arms are
all comparators gives its results to the comparator; a clause that names the studied
therapy, or names no arm, is left to the studied therapy.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, Optional, Protocol

from ..schema import Entity
from .supportive import managed_event

#: where one arm's clause ends and the other's begins
CONTRAST = re.compile(r";|,\s*(?:while|whereas|but|compared|against)\b|,\s*and\s+(?:the|in|a|an|its|their|this|these|no|\d)\b|\b(?:versus|vs\.?|compared (?:with|to)|"
                      r"relative to|than|whereas|while|against)\b", re.I)
#: words that name a control arm rather than a therapy
CONTROL_WORDS = re.compile(r"\b(?:placebo|control|comparator|standard[- ]of[- ]care|standard (?:care|therapy|treatment|"
                           r"chemotherapy)|usual care|best supportive care|observation|sham|untreated)\b", re.I)
#: "the placebo group", "the docetaxel arm", "the control cohort"
ARM_GROUP = re.compile(r"\b(?:the|a|an|their)\s+(?P<arm>(?:[\w+/()-]+\s+){0,4}?[\w+/()-]+)\s+(?:group|arm|cohort)s?\b",
                       re.I)
#: "patients receiving placebo", "those given docetaxel", "who were treated with chemotherapy"
ARM_GIVEN = re.compile(r"(?<!had )(?<!have )(?<!previously )(?<!already )\b(?:receiving|received|given|treated with|assigned to|randomi[sz]ed to|on)\s+(?:the\s+|a\s+)?"
                       r"(?P<arm>(?:[\w+/()-]+\s+){0,3}?[\w+/()-]+)(?=\s*(?:[,.;)]|$|\s+(?:had|have|was|were|"
                       r"experienced|developed|reported|showed|achieved|group|arm|alone)\b))", re.I)
#: "With chemotherapy, the most common events were …", "while with bosutinib the diarrhea …":
#: a clause opened by the arm's name
ARM_WITH = re.compile(r"^\s*(?:with|on|under)\s+(?:the\s+|a\s+)?(?P<arm>(?:[\w+/()-]+\s+){0,3}?[\w+/()-]+)"
                      r"(?=\s*,|\s+(?:the|a|an)\b)", re.I)
#: an arm named right after a comparison word is the reference, not the clause's own arm
_REFERENCE = re.compile(r"(?:compared (?:with|to)|versus|vs\.?|than|over|relative to)\s+(?:the\s+)?$", re.I)


_PARENTHESIZED = re.compile(r"\([^()]*\)")
#: words a ``_REFERENCE`` match spans at most ("compared with the")
_REFERENCE_WORDS = 3


def _after_reference(text: str, at: int) -> bool:
    """``_REFERENCE`` ends at ``at``. It is searched in the last words before ``at`` only,
    since a match spans at most ``_REFERENCE_WORDS`` of them: the cost no longer grows
    with the sentence."""
    before = text[:at]
    words = before.rsplit(None, _REFERENCE_WORDS)
    tail = before[len(words[0]):] if len(words) > _REFERENCE_WORDS else before
    return bool(_REFERENCE.search(tail))


class SentenceLike(Protocol):
    start: int
    text: str
    entities: list[Entity]


class Arm(NamedTuple):
    """The comparator arm a result belongs to; ``therapy`` when the arm is a named therapy."""
    therapy: Optional[Entity]


def comparator_arm(result: Entity, sentence: SentenceLike, studied: set[str], key,
                   controls: frozenset[str] | set[str] = frozenset()) -> Optional[Arm]:
    """The comparator arm the result's clause names, or ``None`` when the clause names the
    studied therapy's arm or no arm at all. ``controls`` are the therapies the article
    names as the trial's other arm (``control_arms``): "patients given X" or "with X, …"
    names such an arm even in a sentence that compares nothing."""
    lo, hi = _clause(result, sentence)
    clause = sentence.text[lo:hi]
    asides = _asides(clause, result.start - sentence.start - lo)
    compared = bool(_contrasts(sentence.text))
    arms = [(m.start("arm") + lo, m.end("arm") + lo, pattern is not ARM_GROUP) for pattern in (ARM_GROUP, ARM_GIVEN, ARM_WITH)
            for m in _arm_matches(pattern, clause) if not _after_reference(sentence.text, lo + m.start())
            and not any(a <= m.start() < b for a, b in asides)]  # "(33% in the X group vs. 18% in the control group)"
    found: list[Arm] = []
    for start, end, given in arms:
        named = [e for e in sentence.entities if e.label == "THERAPY" and managed_event(e, sentence) is None
                 and start <= e.start - sentence.start and e.end - sentence.start <= end]
        if any(key(e) in studied for e in named):
            return None  # "in the venetoclax group": the study's own arm
        control = CONTROL_WORDS.search(sentence.text[start:end])
        if named and (compared or not given or key(named[0]) in controls):  # "patients who received X" is an arm only beside another
            found.append(Arm(named[0]))
        elif control:
            found.append(Arm(None))
        elif not given:
            return None  # "the transplantation group": an arm this sentence does not say is the comparator
    if len({arm.therapy and key(arm.therapy) for arm in found}) != 1:
        return None  # no arm, or results listed for several arms side by side
    if any(key(e) in studied for e in sentence.entities if e.label == "THERAPY" and lo <= e.start - sentence.start < hi):
        return None  # the clause names the studied therapy too
    return found[0]


def _asides(clause: str, at: int) -> list[tuple[int, int]]:
    """The parenthesized stretches of the clause that do not hold the result."""
    return [(start, end) for start, end in _parentheses(clause) if not start <= at < end]


# A sentence's contrasts, parentheses and arm shapes depend on its words alone, and each of
# its results asks for them: they are found once per sentence (and clause), not per result.
@lru_cache(maxsize=4096)
def _contrasts(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in CONTRAST.finditer(text))


@lru_cache(maxsize=4096)
def _parentheses(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in _PARENTHESIZED.finditer(text))


@lru_cache(maxsize=4096)
def _arm_matches(pattern: re.Pattern[str], clause: str) -> tuple[re.Match[str], ...]:
    return tuple(pattern.finditer(clause))


def _clause(result: Entity, sentence: SentenceLike) -> tuple[int, int]:
    """The result's clause, as offsets into the sentence text."""
    at, end = result.start - sentence.start, result.end - sentence.start
    lo, hi = 0, len(sentence.text)
    asides = _asides(sentence.text, at)
    for cut_start, cut_end in _contrasts(sentence.text):
        if any(a <= cut_start < b for a, b in asides):
            continue  # "(33% vs. 18%)" compares within an aside
        if cut_end <= at:
            lo = cut_end
        elif cut_start >= end:
            hi = cut_start
            break
    return lo, hi
