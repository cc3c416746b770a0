"""Study design as the article states it: trial phase, trial name and the patients' age.

- Phase: "phase 3", "phase III", "phase 1b/2", "Phase I/II" -> "3", "3", "1b/2", "1/2"; the
  first one stated, since news reports open with the study they report.
- Trial name: a name the text calls a trial or study ("the ZUMA-7 trial", "in the phase 3
  CodeBreaK 200 study", "CARTITUDE-1 (NCT03548207)") that is written as a proper name
  (capitals with letters or digits) and is not a therapy, disease or antigen mention.
- Age: "median age 62 years", "a mean age of 8.5", "aged 18 to 65", "a 45-year-old
  woman", "between 3 and 17 years".
"""
from __future__ import annotations

import re
from typing import Optional, Sequence

from ..schema import AgeStated, Evidence, LinkedEntity

ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_PHASE_NUMBER = r"(?:[1-4]|iv|i{1,3})[ab]?"
PHASE = re.compile(rf"\bphase\s*(?P<first>{_PHASE_NUMBER})(?:\s*(?:/|-|–|and)\s*(?P<second>{_PHASE_NUMBER}))?\b", re.I)
#: a proper name: "ZUMA-7", "CodeBreaK 200", "DESTINY-Breast04", "KEYNOTE-189", "HER2CLIMB", "CROWN",
#: starting a word; each word of it at most ``_NAME_CHARS`` long, so that a long run of
#: capitals (a sequence, a 1 MB "word") is scanned in linear time, not quadratic
_NAME_CHARS = 40
_NAME = (rf"(?P<name>(?<!\w)(?=[A-Z][\w-]{{0,{_NAME_CHARS}}}?[A-Z0-9])[A-Z]\w{{0,{_NAME_CHARS}}}"
         rf"(?:[- ](?:[A-Z]\w{{0,{_NAME_CHARS}}}|\d{{1,4}}[A-Za-z]{{0,3}}))?(?:-\d{{1,4}}[A-Za-z]?)?)")
TRIAL = re.compile(rf"{_NAME}(?:\s+(?:phase\s*{_PHASE_NUMBER}(?:/{_PHASE_NUMBER})?\s+)?(?:clinical\s+)?(?:trial|study)\b"
                   rf"|\s*\(\s*NCT\d{{8}}\s*\))")
#: "the confirmatory phase 3 CodeBreaK 200 compared it…": a name its phase introduces
PHASED_NAME = re.compile(rf"\b(?i:phase\s*{_PHASE_NUMBER}(?:/{_PHASE_NUMBER})?)\s+{_NAME}(?![\w-])")
PHASE_BEFORE = re.compile(rf"phase\s*{_PHASE_NUMBER}(?:/{_PHASE_NUMBER})?\s+$", re.I)
NOT_TRIAL_NAMES = frozenset({"FDA", "EMA", "NMPA", "US", "USA", "UK", "EU", "NEJM", "RCT", "ASCO", "ASH", "ESMO", "EHA",
                             "AACR", "CAR", "CAR-T", "TCR", "II", "III", "IV", "The", "This", "A", "An", "In", "Phase",
                             "China", "Chinese", "Japan", "Europe", "European", "American", "National"})
_AGE_NUMBER = r"\d{1,3}(?:\.\d)?"
AGE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("median", re.compile(rf"\bmedian age(?: of (?:the )?(?:patients|participants))?(?: was| of|:|,)?\s*(?P<value>{_AGE_NUMBER})"
                          rf"(?:\s*years?)?(?:\s*\(range,?\s*(?P<low>{_AGE_NUMBER})\s*(?:-|–|to)\s*(?P<high>{_AGE_NUMBER}))?",
                          re.I)),
    ("mean", re.compile(rf"\b(?:mean|average) age(?: of (?:the )?(?:patients|participants))?(?: was| of|:|,)?\s*"
                        rf"(?P<value>{_AGE_NUMBER})", re.I)),
    ("range", re.compile(rf"\b(?:aged|ages?|age range(?: of| was)?|between the ages of|between)\s+(?P<low>{_AGE_NUMBER})"
                         rf"\s*(?:-|–|to|and)\s*(?P<high>{_AGE_NUMBER})\s*(?:years|-year|\))", re.I)),
    ("single", re.compile(rf"\b(?P<value>{_AGE_NUMBER})[- ]years?[- ]old\b", re.I)),
]


def trial_phase(text: str) -> Optional[str]:
    match = PHASE.search(text)
    if not match:
        return None
    phase = _phase_number(match.group("first"))
    return f"{phase}/{_phase_number(match.group('second'))}" if match.group("second") else phase


def trial_name(text: str, entities: list[LinkedEntity], studied_spans: Sequence[tuple[int, int]] = ()) -> Optional[str]:
    """Of the proper names the text calls a trial or study, the one it names most often
    (in the title too, "REACH2: ruxolitinib beats…"); among equals one introduced with its
    phase ("the phase 3 DESTINY-Breast03 trial"), then one in a sentence naming the studied
    therapy (``studied_spans``), then the first: a report also recalls earlier trials."""
    named = [(e.start, e.end) for e in entities if e.label in ("THERAPY", "DISEASE", "ANTIGEN")]
    found: dict[str, tuple[bool, bool, int]] = {}
    for match in [*TRIAL.finditer(text), *PHASED_NAME.finditer(text)]:
        name, start = match.group("name"), match.start("name")
        if name in NOT_TRIAL_NAMES or name.split()[0] in NOT_TRIAL_NAMES or re.fullmatch(r"[A-Z][a-z]+", name):
            continue
        if any(s < start + len(name) and start < e for s, e in named):
            continue
        rank = (not PHASE_BEFORE.search(text, max(0, start - 12), start),
                not any(lo <= start < hi for lo, hi in studied_spans), start)
        found[name] = min(found.get(name, rank), rank)
    if not found:
        return None
    times = {name: _standalone_count(name, text) for name in found}
    return min(found, key=lambda name: (-times[name], found[name]))


def _standalone_count(name: str, text: str) -> int:
    """How often ``name`` stands alone in the text (not inside a longer word or
    hyphenated name), counted left to right without overlaps. A literal search: one
    regular expression per name with a look-behind first scanned every position."""
    count, at = 0, text.find(name)
    while at >= 0:
        end = at + len(name)
        if not _joins(text, at - 1) and not _joins(text, end):
            count += 1
            at = text.find(name, end)
        else:
            at = text.find(name, at + 1)
    return count


def _joins(text: str, index: int) -> bool:
    """Whether the character at ``index`` continues a name: a word character or a hyphen."""
    return 0 <= index < len(text) and (text[index] == "-" or bool(re.match(r"\w", text[index])))


def patient_age(text: str) -> Optional[AgeStated]:
    """The first age statement, a median or mean before a range before one patient's age."""
    for kind, pattern in AGE_PATTERNS:
        match = pattern.search(text)
        if match:
            groups = match.groupdict()
            return AgeStated(kind=kind, value=_number(groups.get("value")), low=_number(groups.get("low")),
                             high=_number(groups.get("high")),
                             evidence=Evidence(start=match.start(), end=match.end()))
    return None


def _phase_number(raw: str) -> str:
    raw = raw.lower()
    suffix = raw[-1] if raw[-1] in "ab" and raw not in ROMAN else ""
    core = raw[:-1] if suffix else raw
    return ROMAN.get(core, core) + suffix


def _number(raw: Optional[str]) -> Optional[float | int]:
    if raw is None:
        return None
    value = float(raw)
    return int(value) if value.is_integer() else value
