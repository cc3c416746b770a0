"""Results: what the article states of each outcome and adverse event.

An outcome's value is the first number with a unit that its clause gives after it ("the
overall response rate was 73%", "median PFS 11.9 months") or the share that achieved it,
stated just before it ("84% of patients achieved complete remission"). An adverse
event's grade is the CTCAE grade its clause names before it ("grade 3 or higher
neutropenia", "grade ≥3 events were neutropenia (12%)") and its value the share or
count in the parenthesis or phrase after it. A clause ends at a semicolon, a full stop or
the next mention of the same label, so a value is never taken from a neighbouring result.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Optional, Sequence

from ..schema import AdverseEventResult, Evidence, LinkedEntity, OutcomeResult, StatedValue
from .quantities import UNITS

#: "73%", "73.5 percent", "11.9 months", "487 days"
VALUE = re.compile(r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>%|percent\b|per cent\b|(?:days?|weeks?|months?|years?)\b)",
                   re.I)
#: "84% of patients achieved", "in 12 (40%) of 30 patients"
SHARE_BEFORE = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>%|percent|per cent)\s+(?:of\s+(?:the\s+)?(?:\w+\s+){0,2})?"
                          r"(?:\w+\s+)?(?:achieved|attained|reached|had|showed|experienced|developed|were in|was in)\s+"
                          r"(?:an?\s+|the\s+)?$", re.I)
#: "grade 3 or higher", "grade ≥ 3", "grade 3/4", "grade 3 or 4", "grade 3-4"
GRADE = re.compile(r"\bgrades?\s*(?:(?P<ge>≥|>=)\s*(?P<min>[1-5])|(?P<low>[1-5])\s*(?:or|to|/|-|–)\s*(?P<high>[1-5])|"
                   r"(?P<one>[1-5])(?P<plus>\s*(?:or|and)\s*(?:higher|above|greater|worse|more)|\+)?)", re.I)
#: how far a value may stand from the mention it belongs to
AFTER_CHARS = 60
BEFORE_CHARS = 60
CLAUSE_BREAK = re.compile(r"[.;]\s|\n|\bwhile\b|\bwhereas\b|\bcompared\b|\bversus\b|\bvs\b")


def outcome_result(entity: LinkedEntity, text: str, neighbours: Sequence[int]) -> OutcomeResult:
    return OutcomeResult(name=entity.normalized.name, entity=entity.id, negated=entity.negated,
                         result=stated_after(entity, text, neighbours) or share_before(entity, text))


def adverse_event_result(entity: LinkedEntity, text: str, neighbours: Sequence[int]) -> AdverseEventResult:
    return AdverseEventResult(name=entity.normalized.name, entity=entity.id, negated=entity.negated,
                              grade=grade_before(entity, text),
                              result=stated_after(entity, text, neighbours, units=("%",), any_number=True))


def stated_after(entity: LinkedEntity, text: str, neighbours: Sequence[int], units: tuple[str, ...] = (),
                 any_number: bool = False) -> Optional[StatedValue]:
    """The first value after the mention, inside its clause and before the next result
    (``neighbours``: the sorted start offsets of the mentions of the same label)."""
    end = _clause_end(entity.end, text, neighbours)
    window = text[entity.end:end]
    for match in VALUE.finditer(window):
        unit = _unit(match.group("unit"))
        if units and unit not in units:
            continue
        return _stated(match, entity.end, unit)
    if any_number:  # "neutropenia (27)": a count of patients
        bare = re.match(r"\s*\((?P<n>\d+)\)", window)
        if bare:
            return _stated(bare, entity.end, None)
    return None


def share_before(entity: LinkedEntity, text: str) -> Optional[StatedValue]:
    start = max(0, entity.start - BEFORE_CHARS)
    before = re.split(r"[.;]\s|\n", text[start:entity.start])[-1]
    offset = entity.start - len(before)
    match = SHARE_BEFORE.search(before)
    return _stated(match, offset, "%") if match else None


def grade_before(entity: LinkedEntity, text: str) -> Optional[str]:
    """The grade the mention's sentence names before it ("grade 3 or higher events were
    neutropenia…"), the nearest one."""
    line_start = max(text.rfind("\n", 0, entity.start), text.rfind(". ", 0, entity.start)) + 1
    grades = list(GRADE.finditer(text, line_start, entity.start))
    if not grades:
        return None
    match = grades[-1]
    if match.group("min"):
        return f">={match.group('min')}"
    if match.group("low"):
        return f"{match.group('low')}-{match.group('high')}"
    return f">={match.group('one')}" if match.group("plus") else match.group("one")


def _clause_end(start: int, text: str, neighbours: Sequence[int]) -> int:
    limit = min(len(text), start + AFTER_CHARS)
    stop = CLAUSE_BREAK.search(text, start, limit)
    if stop:
        limit = stop.start()
    following = bisect_left(neighbours, start)  # the first mention starting at or after it
    return neighbours[following] if following < len(neighbours) and neighbours[following] < limit else limit


def _unit(raw: str) -> str:
    raw = raw.lower().strip()
    return "%" if raw in ("%", "percent", "per cent") else UNITS[raw]


def _stated(match: re.Match, offset: int, unit: Optional[str]) -> StatedValue:
    number = float(match.group("n"))
    return StatedValue(value=int(number) if number.is_integer() else number, unit=unit,
                       evidence=Evidence(start=offset + match.start(), end=offset + match.end()))
