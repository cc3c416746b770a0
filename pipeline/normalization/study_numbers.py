"""Study numbers: how many patients were treated, and for how long they were followed.

Patients are the number *treated*: among the counts the article states ("five
patients", "170 patients", "n = 97"), one in a clause that says they were given the
therapy ("received", "infused", "treated") and in a sentence that names the studied
therapy wins over one that counts enrolment, screening, a trial total or a comparator
arm. Follow-up is the longest duration stated as follow-up ("a median follow-up of 24.9
months", "up to 17 months of follow-up", "487 days", "at week 52"), else as the
duration of a response or remission; ages are not durations.
"""
from __future__ import annotations

import re
from typing import Optional

from ..relating.focus import OTHER_ARM, Sentence, key
from ..schema import FollowUp
from .quantities import DURATION, PATIENT_COUNT, UNITS, longest, to_number

TREATED = re.compile(r"(?<!not )(?<!never )\b(?:received|receiving|(?<!previously )(?<!heavily )treated|infused|"
                     r"infusion|dosed|administered|given|underwent)\b", re.I)
#: "a total of 359 patients": the whole trial, not the arm
TOTAL = re.compile(r"\b(?:a total of|in total|total of|altogether)\s*$", re.I)
#: "170 received the infusion", "97 of them received", "286 to venetoclax plus azacitidine"
BARE_COUNT = re.compile(r"(?<![:\d.,/])(?<!grade )(?<!cycle )(?<!day )(?<!week )(?<!month )\b(?P<n>\d{2,5})\s+"
                        r"(?:of (?:them|these|those)\s+)?(?:received|were (?:treated|infused|dosed|assigned to|"
                        r"randomi[sz]ed to|allocated to)|underwent|to (?:receive\b|the\b)?)", re.I)
#: how near a count must stand to the studied therapy's name to be its arm's count
ARM_DISTANCE = 40
NOT_TREATED = re.compile(r"\b(?:enrolled|screened|randomi[sz]ed|registered|assigned|eligible|recruited|planned|"
                         r"evaluable|analy[sz]ed|included)\b", re.I)
N_EQUALS = re.compile(r"\(\s*n\s*=\s*(?P<n>\d{1,5})\s*\)", re.I)
FOLLOW_UP = re.compile(r"follow[- ]?up|followed (?:up )?for|observation (?:period|time)", re.I)
AGE = re.compile(r"\b(?:aged?|median age|mean age|average age|older|younger|years? old)\b[^.;]{0,20}$", re.I)
#: "at week 52", "through month 24", "by day 28": the unit before the number
TIME_POINT = re.compile(r"\b(?:at|by|through|until|to|up to|after)\s+(?P<unit>day|week|month|year)\s+(?P<n>\d+(?:\.\d+)?)\b",
                        re.I)
DURATION_CONTEXT = re.compile(r"remission|response|remained|persist|durable|sustained|for up to|up to|since|free of", re.I)


def treated_count(sentences: list[Sentence], focus: set[str]) -> Optional[int]:
    """The count with the best claim to be the number treated: judged by the clause it
    stands in ("85 patients received …" over "86 patients were enrolled"), then by its
    sentence (naming the studied therapy, not another arm), then by coming first."""
    best: tuple[float, int, int] | None = None  # (score, -order, count)
    order = 0
    for sentence in sentences:
        names = sentence.therapies()
        sentence_score = (2.0 if names & focus else 0.0) - (2.0 if names and not names & focus else 0.0)
        if OTHER_ARM.search(sentence.text) and not names & focus:
            sentence_score -= 1.0
        matches = [(m, to_number(m.group("n"))) for m in PATIENT_COUNT.finditer(sentence.text)]
        matches += [(m, float(m.group("n"))) for m in N_EQUALS.finditer(sentence.text)]
        matches += [(m, float(m.group("n"))) for m in BARE_COUNT.finditer(sentence.text)]
        focus_at = [e.start - sentence.start for e in sentence.entities if e.label == "THERAPY" and key(e) in focus]
        seen: set[int] = set()
        for match, value in sorted(matches, key=lambda pair: pair[0].start()):
            if not value or match.start() in seen:
                continue
            seen.add(match.start())
            order += 1
            clause = _CLAUSE_END.split(sentence.text[match.start():match.end() + 60], maxsplit=1)[0]
            score = sentence_score
            if TREATED.search(clause):
                score += 2.0
            elif NOT_TREATED.search(clause):
                score -= 1.0
            if TOTAL.search(sentence.text[max(0, match.start() - 20):match.start()]):
                score -= 1.0
            if any(-ARM_DISTANCE <= at - match.end() <= ARM_DISTANCE or 0 <= match.start() - at <= ARM_DISTANCE
                   for at in focus_at):
                score += 1.5  # "286 to venetoclax …", "trastuzumab deruxtecan (261 patients)"
            candidate = (score, -order, int(value))
            if best is None or candidate > best:
                best = candidate
    return best[2] if best else None


_CLAUSE_END = re.compile(r"[,;]|\band\b|\bwhile\b|\bwhereas\b")


def longest_follow_up(text: str) -> Optional[FollowUp]:
    stated, contextual = [], []
    for match in [*DURATION.finditer(text), *TIME_POINT.finditer(text)]:
        before = re.split(r"[.;]\s", text[max(0, match.start() - 50):match.start()])[-1]
        after = re.split(r"[.;,]\s", text[match.end():match.end() + 30])[0]
        window = before + match.group(0) + after
        value = to_number(match.group("n"))
        if value is None or AGE.search(text[max(0, match.start() - 40):match.start()]):
            continue
        duration = FollowUp(value=int(value) if float(value).is_integer() else value,
                            unit=UNITS[match.group("unit").lower()])
        if FOLLOW_UP.search(window) or match.re is TIME_POINT:
            stated.append(duration)
        elif DURATION_CONTEXT.search(window):
            contextual.append(duration)
    return longest(stated) or longest(contextual)
