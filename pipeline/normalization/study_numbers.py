"""Study numbers: how many patients were treated, and for how long they were followed.

Patients are the number *treated*. Every count of people the article states is a
candidate ("five patients", "n = 97", "sixty-three received …", "235 were assigned to
SG"), judged on four things:

- its predicate: the first verb after the count says whether those people were given the
  therapy ("received", "were dosed", "were enrolled and received"), only counted
  ("were randomized", "evaluable"), had an outcome ("achieved", "had grade 1 CRS") or a
  history ("had received prior …"); a verb just before it serves when none follows
  ("the trial enrolled 52 patients", "occurred in 10 patients");
- its role: a denominator ("20 of the 27 patients") names the whole; a part with a share
  ("ten patients (59%)"), a trial total ("a total of 529", or the sum of the arms that
  follow it) and a ratio ("one in 250 people") are not an arm's count;
- its arm: whether its clause names the finding's own therapy, another studied one or a
  treated group, or a comparator ("placebo", "prednisone alone", "the control group");
- its sentence: whether it names the studied therapies or only others.

Parallel treated counts of one arm ("three patients received the low dose and four
patients received the high dose") add up to the arm's count. When the article breaks its
cohort down by disease ("eight with SLE, four with SSc and three with myositis"), a
finding about one of those diseases gets that disease's count.

Follow-up is the longest duration stated as follow-up ("a median follow-up of 24.9
months", "followed for up to 29 months") or as a time point of observation ("at week
52", "at one year", "36 weeks after the first dose"), else as the duration of a response
or remission, a landmark estimate ("the 3-year overall survival", "survival at 12
months") or a rounded label ("two-year results"). Ages and dosing intervals are never
follow-up. Durations are read within a sentence, a line broken after a dangling word
("a follow-up of about" / "100 days") joined to the next.
"""
from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations
from typing import Iterator, NamedTuple, Optional

from ..relating.focus import OTHER_ARM, Sentence, key
from ..schema import FollowUp
from ..text import sentence_spans
from .quantities import DURATION, NUMBER, PATIENT_COUNT, UNITS, WORD_NUMBERS, longest, to_number

# --- patients ------------------------------------------------------------------------

#: "170 received the infusion", "127 (83.0%) received", "sixty-three received", "97 of them received",
#: "286 to venetoclax"
#: (but not "aged 50 to 69"); the word boundary comes first, so the look-behinds are tried
#: only where a word starts, not at every character
BARE_COUNT = re.compile(
    rf"\b(?<![:\d.,/])(?<!grade )(?<!cycle )(?<!day )(?<!week )(?<!month )(?P<n>\d{{2,5}}|{NUMBER})\s+"
    r"(?:\(\s*\d+(?:\.\d+)?\s*%\s*\)\s+)?(?:of (?:them|these|those)\s+)?(?:received|were (?:treated|infused|dosed|assigned to|randomi[sz]ed to|"
    r"allocated to)|underwent|(?<=\d )to (?![\d.]))", re.I)
N_EQUALS = re.compile(r"\(\s*n\s*=\s*(?P<n>\d{1,5})\s*\)", re.I)

#: the kind of predicate a count has, by the first verb after it; earlier alternatives win
#: at one position, so "had received" is a history before "had" is a possession
PREDICATE = re.compile(
    r"\b(?P<history>had (?:been )?(?:previously |already |not |never )?(?:received|treated|exposed|failed))\b"
    r"|\b(?P<arm>(?:randomi[sz]ed|assigned|allocated)(?: \d:\d)? (?:to|into|in)\b|(?:to|into) (?:the|receive)\b|"
    r"(?<=\d )(?:to|into)\b)"
    r"|\b(?P<treated>received|receiving|(?<!previously )(?<!heavily )treated|infused|dosed|administered|given|"
    r"underwent(?! (?:randomi[sz]ation|screening|(?:leuk)?apheresis|enrol))|injected|transplanted|vaccinated)\b"
    r"|\b(?P<total>underwent (?:randomi[sz]ation|screening|(?:leuk)?apheresis|enrol\w*)|randomi[sz]ed|screened|assigned|allocated|eligible|planned|evaluable|assessable|analy[sz]ed|"
    r"excluded|withdrew|discontinued)\b"
    r"|\b(?P<enrolled>enrolled|included|recruited|registered|entered|participated|involved)\b"
    r"|\b(?P<had>had|has|have)\b"
    r"|\b(?P<outcome>achieved|obtained|reached|experienced|developed|showed|responded|died|progressed|"
    r"stopped|passed|improved|became|remained|required|needed)\b",
    re.I)
#: "had" is an outcome only right after the count ("10 patients had grade 1 CRS"), not
#: in a description of them ("134 men who were on prophylaxis and had no inhibitors")
DIRECTLY = re.compile(r"^\s*(?:\([^()]*\)\s*)?(?:with (?:(?!\b(?:who|that|and)\b)[^,;()]){1,40})?,?\s*$", re.I)
#: a verb in a relative clause describes the people ("who had not received …"); the main
#: verb after it says what happened to them
RELATIVE = re.compile(r"\b(?:who|that|whose)\s+(?:\w+\s+){0,2}$", re.I)
#: "were enrolled and received …": counted and treated in one breath
AND_TREATED = re.compile(r"^\s*,?\s*and (?:then |subsequently |all )?(?:were )?(?:received|treated|infused|dosed|"
                         r"given|underwent)\b", re.I)
#: the count as a verb's object: "enrolled 52 patients", "CRS occurred in 10 patients",
#: "the placebo group had 143 patients" (word boundary before the look-behinds, as above)
VERB_BEFORE = re.compile(
    r"\b(?<!were )(?<!was )(?<!been )(?:"
    r"(?P<arm>(?:group|arm|cohort)s?\s+(?:had|included|comprised|consisted of|contained|enrolled))|"
    r"(?P<treated>treated|infused|dosed|transplanted|vaccinated)|"
    r"(?P<enrolled>enrolled|included|recruited|involved)|"
    r"(?P<total>randomi[sz]ed|screened|evaluated|assessed|analy[sz]ed)(?: in)?|"
    r"(?P<outcome>(?:occurred|seen|observed|reported|noted|recorded|developed) in))"
    r"\s+(?:a total of |all |the |only |these )?$", re.I)
#: "20 of the 27 patients": the count is the whole a part is taken from
DENOMINATOR = re.compile(rf"\b(?:\d+|{NUMBER})\s+(?:\(\s*\d+(?:\.\d+)?\s*%\s*\)\s+)?of\s+(?:the\s+|all\s+|these\s+)?$",
                         re.I)
#: "In the 103 patients with CIS, …": a group named before, looked at again
REFERENCE = re.compile(r"\b(?:in|for|among|within)\s+(?:the|these|those|all)\s+$", re.I)
#: a count after "and" or a comma with no verb of its own shares the one before it
GAPPED = re.compile(r"(?:,|\band)\s+(?:in\s+)?(?:the\s+)?$", re.I)
#: outcome and history counts are never the cohort, whatever their sentence names
PREDICATE_SCORE = {"treated": 2.0, "arm": 0.0, "enrolled": 0.0, "denominator": 0.0, "reference": -0.5,
                   "total": -1.0, "outcome": -4.0, "history": -4.0}
#: how many later counts of a sentence may add up to a trial total ("233 were randomized
#: to asciminib (157 patients) or bosutinib (76 patients)"), and which counts are no arm
MAX_PARTS = 3
NOT_ARMS = frozenset({"outcome", "history", "denominator", "reference"})

#: "a total of 359 patients": the whole trial, not the arm
TOTAL = re.compile(r"\b(?:a total of|in total|total of|altogether)\s*$", re.I)
#: "one in 250 people", "per 100,000 people": a frequency, not a cohort
RATIO = re.compile(r"(?:\b(?:one|1|a)\s+(?:in|out of)\s+(?:every\s+)?|\bper\s+)$", re.I)
#: "ten patients (59%)": a part of the cohort with its share
SHARE = re.compile(r"^\s*\(\s*\d+(?:\.\d+)?\s*%")
#: words that vary between namings of one product: "CD19 CAR T cells", "CD19 CAR-T therapy"
GENERIC_WORDS = re.compile(r"\b(?:therap(?:y|ies)|cells?|treatment|products?)\b|[^a-z0-9]+", re.I)
#: an arm that is not the studied one
_COMPARATOR = (r"\b(?:placebo|sham|alone|monotherapy|control(?: group| arm)?|comparator|usual care|"
               r"standard(?: of care| therapy| treatment| chemotherapy)|(?:physician|investigator)'?s'? choice|"
               r"observation)\b")
COMPARATOR = re.compile(_COMPARATOR, re.I)
#: "the placebo group had 143 patients": a comparator arm named before its count
COMPARATOR_GROUP = re.compile(_COMPARATOR + r"(?:\s+(?:group|arm))?\s+(?:had|included|comprised|received)?\s*$",
                              re.I)
#: an arm that is the studied one without naming it: "107 patients into the combination group"
TREATED_ARM = re.compile(r"\b(?:combination|intervention|experimental|active|treatment|treated|vaccine)\s+"
                         r"(?:group|arm|cohort)\b", re.I)
#: the arm a count's clause names: the finding's therapy or a treated group ("into the
#: combination group"), another studied therapy, an arm beside a comparator, a
#: comparator, a therapy not studied ("74 patients underwent HSCT")
ARM_SCORE = {"own": 1.5, "studied": 1.0, "beside comparator": 1.5, "comparator": -2.5, "unstudied": -1.0}
#: the sum of an arm's parts over each part
WHOLE_OVER_PARTS = 0.5
#: how near before a count the therapy's name must stand to be its arm's: "trastuzumab deruxtecan (261 patients)"
ARM_DISTANCE = 40
#: how far after a count its predicate and arm are looked for, and how far before it a verb
#: or a quantifier
CLAUSE_REACH = 150
BEFORE_REACH = 80
_CLAUSE_BREAK = re.compile(r"[,;]|\bwhile\b|\bwhereas\b")
#: where an arm's name begins, before its count: "…, or placebo (131 patients)"
_ARM_BREAK = re.compile(r"[,;(]|\bor\b|\band\b|\bversus\b|\bvs\b")

#: a disease's own count: "44 with synovial sarcoma", "three patients with IIM", "eight SLE patients"
_PEOPLE = r"(?:patients|participants|subjects|children|adults|people|women|men|cases|individuals)"
COUNT_WITH = re.compile(rf"\b(?P<n>\d{{1,5}}|{NUMBER})\s+(?:{_PEOPLE}\s+)?with\s+(?:the\s+)?"
                        r"(?:[\w-]+\s+){0,3}$", re.I)
COUNT_BEFORE_NAME = re.compile(rf"\b(?P<n>\d{{1,5}}|{NUMBER})\s+(?:[\w-]+\s+)?$", re.I)
PEOPLE_AFTER_NAME = re.compile(rf"^\s+{_PEOPLE}\b", re.I)
#: "all 3 patients with myositis": the disease's whole group
ALL_OF = re.compile(r"\b(?:all|all of the|each of the)\s+$", re.I)
#: any subgroup count of a breakdown: "three patients with IIM, eight with SLE"
SUBGROUP = re.compile(rf"\b(?P<n>\d{{1,5}}|{NUMBER})\s+(?:{_PEOPLE}\s+)?with\b", re.I)
#: "SLE (n = 8)", "follicular lymphoma (FL; n = 11)", "DLBCL, n = 30"
N_AFTER_NAME = re.compile(r"^\s*(?:\([^()=]{1,20}\)\s*)?(?:\(\s*[^()=]{1,20}?[;,]\s*|[(,:;]\s*)n\s*=\s*(?P<n>\d{1,5})",
                          re.I)
N_IS = re.compile(r"\bn\s*=\s*(?P<n>\d{1,5})", re.I)


@dataclass(frozen=True)
class Count:
    """A count of people with its score as the number treated; ``order`` is its place in
    the article, for ties."""
    value: int
    score: float
    order: int
    start: int  # in the article
    end: int
    predicate: Optional[str]
    arm: Optional[str]


class Stated(NamedTuple):
    """A number with the span of text that states it."""
    value: int
    start: int
    end: int


def treated_count(sentences: list[Sentence], focus: set[str], therapy: Optional[str] = None,
                  disease: Optional[str] = None) -> Optional[int]:
    found = treated(sentences, focus, therapy, disease)
    return found.value if found else None


def treated(sentences: list[Sentence], focus: set[str], therapy: Optional[str] = None,
            disease: Optional[str] = None, best_of: Optional[dict[Optional[str], Optional[Count]]] = None
            ) -> Optional[Stated]:
    """The number of patients treated with ``therapy`` (a focus key; any focus therapy
    when None) for ``disease`` (a disease key), with where it is stated: the disease's own
    count when the article breaks the cohort down by disease, else the count with the best
    claim to be the number treated, the earlier one on a tie. ``best_of`` keeps that count
    per therapy for the article's other diseases (it does not depend on the disease)."""
    if best_of is not None and therapy in best_of:
        best = best_of[therapy]
    else:
        best = max(counts(sentences, focus, therapy), key=lambda c: (c.score, -c.order), default=None)
        if best_of is not None:
            best_of[therapy] = best
    overall = Stated(best.value, best.start, best.end) if best else None
    own = disease_count(sentences, disease, overall.value if overall else None) if disease is not None else None
    if own is not None and (overall is None or own.value < overall.value):
        return own  # a part of the cohort, never more than the whole
    return overall


def counts(sentences: list[Sentence], focus: set[str], therapy: Optional[str] = None) -> list[Count]:
    """Every count of people in the article, scored as the number treated, with the sums
    of parallel treated counts of one arm."""
    found: list[Count] = []
    for sentence in sentences:
        matches, predicates = _counted(sentence.text)
        in_sentence = [_score(sentence, start, end, value, predicate, focus, therapy, len(found) + i)
                       for i, ((start, end, value), predicate) in enumerate(zip(matches, predicates))]
        in_sentence = _beside_comparator(in_sentence)
        found += in_sentence + _arm_totals(in_sentence)
    return found


@lru_cache(maxsize=4096)
def _names_other_arm(text: str) -> bool:
    return bool(OTHER_ARM.search(text))


@lru_cache(maxsize=4096)
def _counted(text: str) -> tuple[tuple[tuple[int, int, int], ...], tuple[Optional[str], ...]]:
    """The counts of people in a sentence and their predicates. Both depend on the
    sentence's words alone, so a sentence is read once however many findings ask."""
    sentence = Sentence(0, len(text), text)
    matches = _matches(sentence)
    return tuple(matches), tuple(_predicates(sentence, matches))


def _matches(sentence: Sentence) -> list[tuple[int, int, int]]:
    """(start, end, value) in the sentence of each count of people, left to right."""
    text = sentence.text
    spans: dict[int, tuple[int, int, int]] = {}
    for pattern in _patterns_that_may_match(text):
        for match in pattern.finditer(text):
            value = to_number(match.group("n"))
            if not value or match.start() in spans or RATIO.search(_before(text, match.start())):
                continue
            spans[match.start()] = (match.start(), match.end(), int(value))
    return sorted(spans.values())


#: words one of which each count pattern needs (``PATIENT_COUNT`` its people, ``BARE_COUNT``
#: its verb, both a number); most sentences hold none, and a set of the sentence's words
#: is far cheaper to test than the patterns are to run
_COUNT_PEOPLE = frozenset(("patients participants subjects children adults people women men infants boys girls "
                           "cases individuals volunteers recipients").split())
_BARE_VERBS = ("received", "underwent", "were ")
#: a number in words ends on one of these ("a dozen": "dozen")
_NUMBER_WORDS = frozenset(phrase.split()[-1] for phrase in WORD_NUMBERS)
_LETTERS = re.compile(r"[a-z]+")
_DIGIT = re.compile(r"\d")
_DIGIT_TO = re.compile(r"\d\s+to ")


def _patterns_that_may_match(text: str) -> list[re.Pattern[str]]:
    """Of ``PATIENT_COUNT``, ``N_EQUALS`` and ``BARE_COUNT``, in that order, those whose
    required words the sentence holds (a necessary condition only: the patterns decide)."""
    lowered = text.lower()
    words = set(_LETTERS.findall(lowered))
    has_number = bool(_DIGIT.search(text)) or not words.isdisjoint(_NUMBER_WORDS)
    patterns = []
    if has_number and not words.isdisjoint(_COUNT_PEOPLE):
        patterns.append(PATIENT_COUNT)
    if "=" in text:
        patterns.append(N_EQUALS)
    if has_number and (any(verb in lowered for verb in _BARE_VERBS) or _DIGIT_TO.search(lowered)):
        patterns.append(BARE_COUNT)
    return patterns


def _before(text: str, start: int) -> str:
    """The text just before a position, as far as the patterns anchored there look."""
    return text[max(0, start - BEFORE_REACH):start]


def _predicates(sentence: Sentence, matches: list[tuple[int, int, int]]) -> list[Optional[str]]:
    """Each count's predicate. A denominator ("20 of the 27 patients") lends its verb to
    the part before it; a count with no verb of its own after "and" shares the one before
    it ("9 children obtained a complete response and 8 children a partial response"); a
    count that later counts of its sentence add up to is the trial's total."""
    text = sentence.text
    stated: list[Optional[str]] = []
    for start, end, _ in matches:
        before = _before(text, start)
        if DENOMINATOR.search(before):
            stated.append("denominator")
            continue
        predicate = _predicate(text[start:end], _clause_after(sentence, start, end), before)
        if predicate is None and stated and stated[-1] != "denominator" and GAPPED.search(before):
            predicate = stated[-1]
        if predicate is None and REFERENCE.search(before):
            predicate = "reference"
        stated.append(predicate)
    arms = [value if predicate not in NOT_ARMS else None for (_, _, value), predicate in zip(matches, stated)]
    return ["total" if predicate != "treated" and _is_sum(value, arms[index + 1:]) else predicate
            for index, ((_, _, value), predicate) in enumerate(zip(matches, stated))]


def _is_sum(value: int, later: list[Optional[int]]) -> bool:
    """Whether some of the arm counts that soon follow add up to the value."""
    arms = [v for v in later if v is not None][:2 * MAX_PARTS]
    return any(sum(parts) == value for size in range(2, MAX_PARTS + 1) for parts in combinations(arms, size))


def _score(sentence: Sentence, start: int, end: int, value: int, predicate: Optional[str], focus: set[str],
           therapy: Optional[str], order: int) -> Count:
    text = sentence.text
    names = sentence.therapies()
    studied = any(_studied(name, focus) for name in names)
    score = (2.0 if studied else 0.0) - (2.0 if names and not studied else 0.0)
    if not studied and _names_other_arm(text):
        score -= 1.0  # a sentence about a comparison or a history
    score += PREDICATE_SCORE.get(predicate, 0.0)
    if TOTAL.search(text[max(0, start - 20):start]) and predicate != "treated":
        score -= 1.0  # "a total of 529 patients were randomized", but "a total of 116 patients received"
    if SHARE.search(text[end:]) and predicate not in ("denominator", "treated"):
        score -= 2.0  # "ten patients (59%) achieved …", but "127 (83.0%) received"
    arm = _arm(sentence, start, end, focus, therapy)
    return Count(value, score + ARM_SCORE.get(arm, 0.0), order, sentence.start + start, sentence.start + end,
                 predicate, arm)


def _clause_after(sentence: Sentence, start: int, end: int) -> str:
    """The text after a count that can belong to it: up to the next count, a semicolon,
    the parenthesis the count stands in, or ``CLAUSE_REACH`` characters."""
    rest = sentence.text[end:end + CLAUSE_REACH]
    # the leftmost match of each pattern is its first: no need to find the others
    following = [m.start() for pattern in _patterns_that_may_match(rest) if pattern is not N_EQUALS
                 for m in [pattern.search(rest)] if m]
    rest = rest[:min(following, default=len(rest))].split(";", 1)[0]
    if _parenthesis(sentence.text, start) is not None:
        rest = rest.split(")", 1)[0]
    return rest


def _parenthesis(text: str, start: int) -> Optional[int]:
    """Where the parenthesis a count stands in opens ("olaparib (260 patients)",
    "asciminib (157 patients, of which 156 received the drug)"), if it does."""
    if text[start] == "(":
        return start  # "(n = 97)"
    opening = text.rfind("(", 0, start)
    return opening if opening > text.rfind(")", 0, start) else None


def _predicate(count_text: str, clause: str, before: str) -> Optional[str]:
    """What the sentence says of the counted people: treated, arm, enrolled, total,
    outcome, history, or None when it says nothing. A verb the count is the object of
    comes first ("the trial enrolled 52 patients"), then the count's own words ("the 54
    treated men", "235 were assigned to"), then the first verb of the main clause after
    it, then one of a relative clause ("the twelve patients who received …")."""
    verb = VERB_BEFORE.search(before)
    if verb:
        return verb.lastgroup
    words = count_text + clause
    main, relative = [], []
    for verb in PREDICATE.finditer(words):
        kind = verb.lastgroup
        if kind == "had":
            if not DIRECTLY.search(words[len(count_text):verb.start()]):
                continue
            kind = "outcome"
        if kind in ("enrolled", "total") and AND_TREATED.search(words[verb.end():]):
            kind = "treated"
        (relative if RELATIVE.search(words[:verb.start()]) else main).append(kind)
    return (main or relative or [None])[0]


def _arm(sentence: Sentence, start: int, end: int, focus: set[str], therapy: Optional[str]) -> Optional[str]:
    """Which arm a count belongs to. The therapy named first after the count is its arm
    ("354 patients were assigned to ibrutinib plus rituximab"), else one named just before
    it ("trastuzumab deruxtecan (261 patients)"); a count in parentheses belongs to what
    stands before them ("olaparib (260 patients) or placebo (131 patients)")."""
    text = sentence.text
    opening = _parenthesis(text, start)
    anchor = start if opening is None else opening
    before = text[max(0, anchor - ARM_DISTANCE):anchor]
    if opening is not None:
        if COMPARATOR.search(_ARM_BREAK.split(before)[-1]):
            return "comparator"
        after_clause = ""
    else:
        after_clause = _clause_after(sentence, start, end)
        first_clause = _CLAUSE_BREAK.split(after_clause, maxsplit=1)[0]
        if COMPARATOR_GROUP.search(before) or COMPARATOR.search(first_clause):
            return "comparator"
        if TREATED_ARM.search(first_clause):
            return "own"
    therapies = sorted((e.start - sentence.start, key(e)) for e in sentence.entities if e.label == "THERAPY")
    after = [(at, name) for at, name in therapies if end <= at < end + len(after_clause)]
    before = [(at, name) for at, name in therapies if 0 <= anchor - at <= ARM_DISTANCE]
    nearest_before = before[-1:]  # "X was given to 128 patients and Y to 97": 97 is Y's, not X's
    if after and nearest_before and _NEXT_ARM.search(text[end:after[0][0]]) \
            and not _NEXT_ARM.search(text[nearest_before[0][0]:anchor]):
        after = []  # the therapy after the count heads the next arm of a parallel list
    arm = [name for _, name in after[:1]] or [name for _, name in nearest_before]
    if any(_studied(name, {therapy} if therapy else focus) for name in arm):
        return "own"
    if any(_studied(name, focus) for name in arm):
        return "studied"
    return "unstudied" if arm else None


#: what separates one arm of a parallel list from the next
_NEXT_ARM = re.compile(r"\b(?:and|while|whereas|but)\b|[,;]")


def _studied(name: str, focus: set[str]) -> bool:
    """Whether a therapy's name is one of the focus, however the article words it."""
    stem = _stem(name)
    return name in focus or any(stem and _stem(f) == stem for f in focus)


@lru_cache(maxsize=16384)
def _stem(name: str) -> str:
    """A therapy's name without the words that vary between namings of it."""
    return GENERIC_WORDS.sub("", name)


def _beside_comparator(in_sentence: list[Count]) -> list[Count]:
    """Arms listed beside a comparator arm ("235 were assigned to SG and 233 to the
    chemotherapy of physician's choice") are the studied arm, named or not."""
    if not any(c.arm in ("comparator", "unstudied") for c in in_sentence):
        return in_sentence
    return [replace(c, score=c.score + ARM_SCORE["beside comparator"], arm="beside comparator")
            if c.arm is None and c.predicate in ("arm", "treated") else c for c in in_sentence]


def _arm_totals(in_sentence: list[Count]) -> list[Count]:
    """The sum of two or more treated counts in a row that name no arm of their own
    ("three patients received the low dose and four patients received the high dose"):
    the parts of one arm."""
    totals, run = [], []
    for count in [*in_sentence, None]:
        if count is not None and count.predicate == "treated" and count.arm in (None, "beside comparator"):
            run.append(count)
            continue
        if len(run) >= 2 and run[0].value != sum(c.value for c in run[1:]):  # else the whole is stated
            totals.append(Count(sum(c.value for c in run), min(c.score for c in run) + WHOLE_OVER_PARTS,
                                run[0].order, run[0].start, run[-1].end, "treated", run[0].arm))
        run = []
    return totals


def disease_count(sentences: list[Sentence], disease: str, whole: Optional[int]) -> Optional[Stated]:
    """The count the article gives for one disease where it breaks its cohort of ``whole``
    patients down by disease: in a sentence that gives counts for two or more diseases,
    either parts that add up to the whole ("15 patients … included eight with SLE, four
    with SSc and three with IIM"), or each disease's whole group ("all 3 patients with
    myositis"). A breakdown of a part ("7 had a complete remission (4 with lymphoma and 3
    with CLL)") is not the cohort's."""
    for sentence in sentences:
        by_disease: dict[str, tuple[Stated, bool]] = {}
        for entity in sentence.entities:
            if entity.label == "DISEASE":
                found = _count_of(sentence, entity.start - sentence.start, entity.end - sentence.start)
                if found is not None:
                    by_disease.setdefault(key(entity), found)
        if len(by_disease) < 2 or disease not in by_disease:
            continue
        stated, whole_group = by_disease[disease]
        if whole_group or _adds_up(sentence.text, whole):
            return stated
    return None


def _count_of(sentence: Sentence, start: int, end: int) -> Optional[tuple[Stated, bool]]:
    """The count attached to a disease mention ("44 with synovial sarcoma", "eight SLE
    patients", "SLE (n = 8)"), and whether it is the disease's whole group ("all 3
    patients with myositis")."""
    before, after = _before(sentence.text, start), sentence.text[end:end + CLAUSE_REACH]
    match = COUNT_WITH.search(before) or N_AFTER_NAME.search(after)
    if not match and PEOPLE_AFTER_NAME.search(after):
        match = COUNT_BEFORE_NAME.search(before)
    value = to_number(match.group("n")) if match else None
    if not value:
        return None
    whole_group = match.re is not N_AFTER_NAME and bool(ALL_OF.search(before[:match.start()]))
    offset = sentence.start + (end if match.re is N_AFTER_NAME else start - len(before))
    return Stated(int(value), offset + match.start("n"), offset + match.end("n")), whole_group


def _adds_up(text: str, whole: Optional[int]) -> bool:
    """Whether the sentence's subgroup counts ("N with …", "n = N") add up to the whole,
    with or without the whole itself among them."""
    parts = [int(to_number(m.group("n")) or 0) for pattern in (SUBGROUP, N_IS) for m in pattern.finditer(text)]
    if whole is None or not parts:
        return False
    total = sum(parts)
    return whole == total or whole == max(parts) == total - max(parts)


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


_CLAUSE_END = re.compile(r"[.;]\s")
_PHRASE_END = re.compile(r"[.;,]\s")
_TIME_PREPOSITION_END = re.compile(r"\s*\b(?:at|after|during)\s+$")
_WORD_AFTER = re.compile(r"\s+[a-z]", re.I)
_LONGEST_DANGLING = len("approximately")
#: what every duration and time point holds (``DURATION`` and ``TIME_POINT`` units)
_UNIT_STEMS = ("day", "week", "month", "year")


def longest_follow_up(text: str) -> Optional[FollowUp]:
    """The longest duration stated as follow-up or a time point of observation, else the
    longest one stated as the duration of a response or a landmark."""
    stated, contextual = [], []
    for sentence in _joined_sentences(text):
        for kind, duration in _durations(sentence):
            (stated if kind == "stated" else contextual).append(duration)
    return longest(stated) or longest(contextual)


def follow_up_evidence(text: str, found: Optional[FollowUp]) -> Optional[tuple[int, int]]:
    """Where the text states ``found``: the first duration or time point with its value
    and unit."""
    if found is None:
        return None
    # both streams are in text order: merged lazily, the scan stops at the first that fits
    # (a tie goes to DURATION, as in a stable sort of both lists)
    for match in heapq.merge(DURATION.finditer(text), TIME_POINT.finditer(text), key=lambda m: m.start()):
        value = to_number(match.group("n"))
        if value is not None and float(value) == float(found.value) and UNITS[match.group("unit").lower()] == found.unit:
            return match.start(), match.end()
    return None


def _joined_sentences(text: str) -> Iterator[str]:
    """The text's sentences, a line broken after a dangling word joined to the next."""
    pending = ""
    for start, end in sentence_spans(text):
        sentence = f"{pending} {text[start:end]}" if pending else text[start:end]
        if _dangling(sentence):
            pending = sentence
            continue
        pending = ""
        yield sentence
    if pending:
        yield pending


def _dangling(sentence: str) -> bool:
    """``DANGLING`` searched only where a match can start: its word ends the sentence
    (white space aside), and no word of it is longer than ``_LONGEST_DANGLING``."""
    return bool(DANGLING.search(sentence, max(0, len(sentence.rstrip()) - _LONGEST_DANGLING)))


def _durations(sentence: str) -> Iterator[tuple[str, FollowUp]]:
    lowered = sentence.lower()
    if not any(unit in lowered for unit in _UNIT_STEMS):
        return  # both patterns need a unit word: most sentences are passed by a substring test
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
    before = _CLAUSE_END.split(preceding[-50:])[-1]
    after = _PHRASE_END.split(following[:30])[0]
    window = before + match.group(0) + after
    if _adjectival(match):  # "3-year overall survival", "one-year results", "21-day cycle"
        if FOLLOW_UP_NOUN.search(following):
            return "stated"
        return "contextual" if REPORT_NOUN.search(following) or FOLLOW_UP.search(window) \
            or DURATION_CONTEXT.search(window) else None
    time_point = match.re is TIME_POINT or AT_DURATION.search(preceding) or SINCE_TREATMENT.search(following)
    if time_point and LANDMARK.search(_TIME_PREPOSITION_END.sub("", preceding)):
        return "contextual"
    if time_point or FOLLOW_UP.search(window):
        return "stated"
    return "contextual" if DURATION_CONTEXT.search(window) else None


def _adjectival(match: re.Match) -> bool:
    """A hyphenated duration that qualifies a noun rather than stating how long."""
    return (match.re is DURATION and match.string[match.end("n"):match.start("unit")] == "-"
            and bool(_WORD_AFTER.match(match.string, match.end())))
