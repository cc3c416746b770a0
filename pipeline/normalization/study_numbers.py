"""Study numbers: how many patients were treated, and for how long they were followed.

Patients are the number *treated*: among the counts the article states ("five
patients", "170 patients", "n = 97"), one in a clause that says they were given the
therapy ("received", "infused", "treated") and in a sentence that names the studied
therapy wins over one that counts enrolment, screening, a trial total or a comparator
arm. Follow-up is the longest duration stated as follow-up ("a median follow-up of 24.9
months", "followed for up to 29 months") or as a time point of observation ("at week
52", "at one year", "36 weeks after the first dose"), else as the duration of a response
or remission, a landmark estimate ("the 3-year overall survival", "survival at 12
months") or a rounded label ("two-year results"). Ages and dosing intervals are never
follow-up. Durations are read within a sentence, a line broken after a dangling word
("a follow-up of about" / "100 days") joined to the next.
"""
from __future__ import annotations

import re
from typing import Iterator, Optional

from ..relating.focus import OTHER_ARM, Sentence, key
from ..schema import FollowUp
from ..text import sentence_spans
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


# --- follow-up -----------------------------------------------------------------------

FOLLOW_UP = re.compile(r"follow[- ]?up|followed (?:up )?for|observation (?:period|time)", re.I)
AGE = re.compile(r"\b(?:aged?|median age|mean age|average age|older|younger|years? old)\b[^.;]{0,20}$", re.I)
AGE_AFTER = re.compile(r"^\s*(?:of age|old)\b", re.I)
#: "every 3 weeks": a dosing interval
INTERVAL = re.compile(r"\bevery\s+(?:other\s+)?$", re.I)
#: "at week 52", "through month 24", "by day 28": the unit before the number
TIME_POINT = re.compile(r"\b(?:at|by|through|until|to|up to|after)\s+(?P<unit>day|week|month|year)\s+(?P<n>\d+(?:\.\d+)?)\b",
                        re.I)
#: "at 18 months", "After one year,", "during 24 months": a time the patients were observed at
AT_DURATION = re.compile(r"\b(?:at|after|during)\s+$", re.I)
#: "36 weeks after the first dose", "65 weeks after dosing": observed that long after treatment
SINCE_TREATMENT = re.compile(r"^\s+(?:after|post|following)\s+(?:the\s+)?(?:first\s+|last\s+|single\s+|initial\s+)?"
                             r"(?:dose|dosing|infusion|injection|administration|treatment|transplant\w*|surgery|"
                             r"vaccination|randomi[sz]ation|enrol\w*)\b", re.I)
#: "overall survival at 12 months", "relapse-free survival (RFS) at 18 months": an
#: estimate at a landmark, which may lie beyond the follow-up
LANDMARK = re.compile(r"\b(?:survival|OS|PFS|EFS|DFS|RFS|free|rates?|estimates?)\b[^,;]{0,15}$", re.I)
#: "one-year results", "two-year data": a rounded label for the report's follow-up
REPORT_NOUN = re.compile(r"^\s*(?:results?|data|analysis|outcomes?|report)\b", re.I)
#: "a 5-year follow-up", "the 3-month follow-up visit"
FOLLOW_UP_NOUN = re.compile(r"^\s*follow[- ]?up\b", re.I)
DURATION_CONTEXT = re.compile(r"remission|response|remained|persist|durable|sustained|for up to|up to|since|free of", re.I)
#: a line that ends on a word no sentence ends on was broken in two ("a follow-up of
#: about\n100 days")
DANGLING = re.compile(r"\b(?:of|about|than|the|a|an|to|for|and|or|with|at|in|by|from|over|after|median|"
                      r"approximately|nearly|almost)\s*$", re.I)


def longest_follow_up(text: str) -> Optional[FollowUp]:
    """The longest duration stated as follow-up or a time point of observation, else the
    longest one stated as the duration of a response or a landmark."""
    stated, contextual = [], []
    for sentence in _joined_sentences(text):
        for kind, duration in _durations(sentence):
            (stated if kind == "stated" else contextual).append(duration)
    return longest(stated) or longest(contextual)


def _joined_sentences(text: str) -> Iterator[str]:
    """The text's sentences, a line broken after a dangling word joined to the next."""
    pending = ""
    for start, end in sentence_spans(text):
        sentence = f"{pending} {text[start:end]}" if pending else text[start:end]
        if DANGLING.search(sentence):
            pending = sentence
            continue
        pending = ""
        yield sentence
    if pending:
        yield pending


def _durations(sentence: str) -> Iterator[tuple[str, FollowUp]]:
    for match in [*DURATION.finditer(sentence), *TIME_POINT.finditer(sentence)]:
        value = to_number(match.group("n"))
        preceding, following = sentence[:match.start()], sentence[match.end():]
        if not value or AGE.search(preceding[-40:]) or AGE_AFTER.search(following) or INTERVAL.search(preceding):
            continue
        duration = FollowUp(value=int(value) if float(value).is_integer() else value,
                            unit=UNITS[match.group("unit").lower()])
        kind = _kind(match, preceding, following)
        if kind:
            yield kind, duration


def _kind(match: re.Match, preceding: str, following: str) -> Optional[str]:
    """"stated" for a follow-up or an observation time point, "contextual" for the length
    of a response, a landmark or a rounded label, None for any other duration."""
    before = re.split(r"[.;]\s", preceding[-50:])[-1]
    after = re.split(r"[.;,]\s", following[:30])[0]
    window = before + match.group(0) + after
    if _adjectival(match):  # "3-year overall survival", "one-year results", "21-day cycle"
        if FOLLOW_UP_NOUN.search(following):
            return "stated"
        return "contextual" if REPORT_NOUN.search(following) or FOLLOW_UP.search(window) \
            or DURATION_CONTEXT.search(window) else None
    time_point = match.re is TIME_POINT or AT_DURATION.search(preceding) or SINCE_TREATMENT.search(following)
    if time_point and LANDMARK.search(re.sub(r"\s*\b(?:at|after|during)\s+$", "", preceding)):
        return "contextual"
    if time_point or FOLLOW_UP.search(window):
        return "stated"
    return "contextual" if DURATION_CONTEXT.search(window) else None


def _adjectival(match: re.Match) -> bool:
    """A hyphenated duration that qualifies a noun rather than stating how long."""
    return (match.re is DURATION and match.string[match.end("n"):match.start("unit")] == "-"
            and bool(re.match(r"\s+[a-z]", match.string[match.end():], re.I)))
