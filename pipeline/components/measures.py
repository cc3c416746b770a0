"""Endpoints named as measures: the noun phrase that a results sentence says changed, was
reached or was the study's end point.

Trials in every therapy area report results on measures no list can hold — "body weight",
"waist circumference", "peak oxygen consumption", "amyloid burden", "speech perception",
"St. George's Respiratory Questionnaire score". What they share is not their words but
what the sentence does with them. The algorithm is cue-anchored shallow noun-phrase
chunking over each line (no part-of-speech tagger: the stage runs on ``spacy.blank``):

1. **Cues** (regular expressions) mark where a measure stands:

   * a change noun before it: "(mean) change (from baseline) in/of X", "reduction,
     improvement, increase, decline … of X";
   * a change verb after it, as its subject: "X fell/decreased/improved/rose (by N)",
     "X was reduced by N";
   * a change verb before it, as its object: "improved the X, the Y and the Z",
     "cuts X by N%", "<drug> improves X";
   * a value after it: "X was 82.6%", "an X of 45% versus 20%";
   * an attainment, with the threshold after the measure: "X of 5% or more was reached by
     N%", "N of the M children had/achieved X", "the proportion of patients achieving X";
   * the study's end points: "the secondary end points X and Y";
   * a state of being free of an event: "was attack-free", "remained seizure-free".

2. **Chunking**: from the cue, words are taken while they can belong to a noun phrase —
   content words, an acronym in brackets inside the name ("auditory brainstem response
   (ABR) threshold"), "of" before a content word ("Sum of Boxes", "quality of life"),
   "or" between modifiers ("moderate or severe exacerbations") — and the phrase stops at
   a determiner, a preposition, a verb, a number or punctuation. Coordinated phrases ("the
   A, the B and the C") are split into one phrase each. A subject is read leftwards from
   its verb to the clause's start, past an apposition ("X (FeNO), a marker of …,
   decreased"); trailing prepositional phrases ("on PET", "of these five children") and
   statistics words ("mean", "median", "average") are left out.

3. **Filters** keep precision: the phrase's head (its last word) must name a quantity —
   a score, scale, index, level, rate, threshold, capacity, clearance, burden, efficacy,
   function, pressure, weight … (with a word before it: "the rates" name nothing) — or be an
   acronym, or be a change named by what changed ("weight reduction"), unless the cue itself states a
   quantity ("X fell by 30%", "X was reached by 62%"); generic heads ("patients", "dose",
   "risk", "difference", "symptoms") never are endpoints; a phrase that holds a mention of
   another label is none (unless the phrase measures it: "fractional exhaled nitric oxide",
   "serum creatinine level"; a molecule that changed is named with its change: "reduction
   of PCSK9"; a named instrument keeps the disease in its name: "Kansas City Cardiomyopathy
   Questionnaire"); a value read at baseline or in a sentence on
   who was enrolled is a patient characteristic, not a result; a measure that changed
   in a sentence reporting toxicity is an adverse event, not an endpoint; a company's or a
   market's figures are none.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Iterator, NamedTuple, Optional, Sequence

from spacy.tokens import Doc, Span

from .line_sentencizer import doc_text

#: nouns that name a quantity a study measures
MEASURE_HEADS = frozenset("""
score scores scale scales subscale index indices indexes questionnaire rating class threshold thresholds capacity
clearance burden efficacy effectiveness level levels concentration concentrations function consumption uptake
circumference pressure weight mass gradient perception recovery acuity distance volume count counts strength
density fraction velocity frequency rate rates activity output flow saturation titer titers titre titres load size
thickness area tolerance endurance performance control speed
""".split())
#: heads of a named instrument, whose name may hold a disease ("Kansas City Cardiomyopathy Questionnaire")
INSTRUMENT_HEADS = frozenset("score scores scale subscale index questionnaire rating assessment inventory measure "
                             "test".split())
#: measures that stand alone; other heads need a word before them ("the rates were 48%" names nothing)
SELF_STANDING = frozenset("efficacy effectiveness".split())
#: heads that never name an endpoint on their own
GENERIC_HEADS = frozenset("""
patient patients participant participants people person persons child children adult adults subject subjects
group groups arm arms dose doses dosing week weeks month months year years day days time times age risk risks data
result results outcome outcomes effect effects benefit benefits difference differences symptom symptoms disease
diseases treatment treatments therapy therapies drug drugs study studies trial trials placebo safety tolerability
proportion proportions percentage percentages share number numbers reduction reductions change changes improvement
improvements increase increases decrease decreases decline declines mean median ratio ratios follow-up cohort
cohorts population sample analysis analyses point points endpoint endpoints end composite it they this that which
one two three half all most others other rest case cases event events cell cells protein proteins gene genes
expression need use way part type kind amount world value values total syndrome
""".split())
#: words before a therapy's or antigen's name that make the phrase a measurement of it
MEASURED_IN = frozenset("""
serum plasma blood urinary urine exhaled fractional fasting glycated glycosylated circulating cerebrospinal
intracellular peak trough
""".split())
_DETERMINERS = frozenset("the a an this these those its their his her our each every both all any such".split())
_JOINERS = _DETERMINERS | {"and", "of", ","}
#: statistics words before a measure's name: "the mean body weight" names the body weight
#: (but "the mean number of attacks per month" is a measure of its own)
_STATISTICS = frozenset("mean median average estimated adjusted least-squares observed".split())
_PREPOSITIONS = frozenset("""
in on at by for with from to into onto over under after before during within between among versus vs than through
across against without since until about around per of as like via toward towards beyond below above including
""".split())
_STOPS = frozenset("""
and or but nor while whereas which that who whom whose when where because so if then not no also only still even
either neither more less most least very was were is are be been being had has have did do does can could may might
will would should shall must it they he she we you there here however although though thus yet namely
respectively included including such following compared according regarding using
improved improves reduced reduces decreased decreases increased increases declined declines fell falls rose rises
dropped drops lowered lowers raised raises cut cuts slowed slows worsened normalized normalised reached reaches
achieved achieves attained showed shows favored favoured favors favours received remained stayed became reported
occurred led went came stopped continued corresponding corresponds caused seen observed noted found measured
assessed obtained evaluated much many several few
""".split())
#: nouns and adjectives that end like adverbs ("monthly attack rate", "daily insulin dose")
_NOT_ADVERBS = frozenset("family anomaly assembly supply belly jelly rally monopoly daily weekly monthly yearly "
                         "quarterly nightly hourly early elderly".split())
#: section headings of abstracts and reports, in capitals: no acronym of a measure
_HEADINGS = frozenset("""
BACKGROUND METHODS METHOD RESULTS RESULT CONCLUSIONS CONCLUSION AIM AIMS OBJECTIVE OBJECTIVES PURPOSE INTRODUCTION
DESIGN SETTING SETTINGS PARTICIPANTS PATIENTS INTERVENTIONS INTERVENTION MEASUREMENTS FINDINGS INTERPRETATION FUNDING
CONTEXT SUMMARY ABSTRACT DISCUSSION
""".split())
#: adverbs between a subject or a drug and its verb: "X also fell", "<drug> significantly improved"
_AUXILIARIES = frozenset("was were is are been has have had".split())
_ADVERB_WORDS = frozenset("""also further significantly markedly clearly substantially consistently steadily gradually
rapidly quickly early then both all each even greatly modestly slightly numerically statistically""".split())
#: nouns of change; "weight loss", "LDL-C reduction" name what changed before them
_CHANGE_NOUN = r"(?:change|reduction|improvement|increase|decrease|decline|worsening|fall|rise|drop|loss|gain|" \
               r"slowing|normali[sz]ation)s?"
_DURATION = r"(?:\d+|one|two|three|four|five|six|twelve)-(?:year|month|week|day)"
#: "(mean) change (from baseline) in (the)", "a 55% reduction of": the measure follows ("loss of",
#: "rise of" name events as often as results, and are left out)
_CHANGE_OF = re.compile(rf"(?:(?:mean|median|average|percent(?:age)?|relative|absolute|least-squares(?: mean)?|"
                        rf"placebo-adjusted|{_DURATION}) )*(?:change|reduction|improvement|increase|decrease|decline|"
                        rf"worsening|slowing|normali[sz]ation)s? (?:from baseline )?(?:(?:in|of) )(?:the )?")
_CHANGE_VERB = r"(?:improved|decreased|increased|declined|fell|rose|dropped|reduced|lowered|worsened|normali[sz]ed|" \
               r"restored|recovered|returned(?= to (?:within )?(?:the )?normal)|improves|decreases|increases|declines|" \
               r"falls|rises|drops)"
#: a subject's verb: "X fell", "X was reduced" (adverbs before it are skipped by the caller); the group says
#: a quantity follows it
_SUBJECT_VERB = re.compile(rf"\b(?:(?:was|were|has been|have been|had been) )?{_CHANGE_VERB}\b"
                           rf"(?P<after>\s+(?:by|from|to)\s+[-−–]?(?:about |approximately |nearly |almost |more than |"
                           rf"over |up to |at least )?\d|\s+(?:to|within) (?:within )?(?:the )?normal\b|"
                           rf"\s+(?:to|below) (?:an? |the )?(?:undetectable|detection limit|limit of detection))?")
#: "improved the X", "cuts X by 15%"
_OBJECT_VERB = re.compile(r"\b(?P<verb>improved|reduced|lowered|decreased|increased|raised|cut|slowed|normali[sz]ed|"
                          r"improves|reduces|lowers|decreases|increases|raises|cuts|slows)\s+(?P<det>(?:the|a|an) )?")
#: "X was 82.6%", "an X of 45% versus 20%" (a bare "an X of 30" is as often who was enrolled)
_VALUE_AFTER = re.compile(r"\b(?:(?:was|were)\s+(?:about |approximately |only |nearly |almost |just |still )?[-−–]?\d|"
                          r"of\s+[-−–]?\d[\d.,]*\s*%?\s*(?:vs\.?|versus|compared with)\s+[-−–]?\d)")
#: "X was reached by 62%", "were achieved by 80 patients"; "X was seen in 40%" (which says less:
#: events are seen too)
_ATTAINED_BY = re.compile(r"\b(?:was|were)\s+(?:(?P<reached>reached|achieved|attained)|seen|observed|recorded)\s+"
                          r"(?:by|in)\s+\d")
#: a threshold after a measure: "a weight reduction of 5% or more", "HbA1c (…) below 7%" (a bare
#: "of 39%" is the value reached, not a threshold)
_AMOUNT = r"[-−–]?\d[\d.,]*\s*(?:%|[a-zµμ]+(?:(?:/| per )[a-zµμ]+)?\b)?"
_THRESHOLD = rf"(?:\s*\([^()]{{1,15}}\))?\s+(?:(?:≥|>=|>|above|below|over|under|<|≤|less than|more than|at least)\s*" \
             rf"{_AMOUNT}|of\s*{_AMOUNT}\s+or (?:more|greater|higher|less|lower|above|below))"
_THRESHOLD_BEFORE = re.compile(_THRESHOLD + "$", re.I)
_THRESHOLD_AFTER = re.compile(_THRESHOLD, re.I)
#: "N of the M children had X", "80% of the participants had reached X"
_ATTAINED = re.compile(r"\b(?:had |have |has )?(?:reached|achieved|attained|regained|had)\s+(?:a |an |the )?")
_COUNTED_SUBJECT = re.compile(r"(?:\d[\d.,]*\s*%|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                              r"twelve|half|most|all)\b)(?: (?:out )?of)?(?: (?:the|these|all))?(?: [\w-]+){0,6}\s*$",
                              re.I)
#: "the proportion of patients achieving X", "the percentage of participants with X"
_PROPORTION_WITH = re.compile(r"\b(?:proportion|percentage|number|share|rate)s? of (?:the )?(?:patients|participants|"
                              r"subjects|children|adults|people|infants|women|men)\s+(?:who (?:had |have )?)?(?:with|"
                              r"achieving|achieved|reaching|reached|attaining|attained|having)\s+(?:a |an |the )?")
#: "the (primary|secondary) end points X and Y"
_END_POINTS = re.compile(r"\b(?:end ?points?|outcome measures?)\s*(?:[,:]\s*|\s(?:were|was|included|including|such as)\s+|"
                         r"\s(?=(?-i:[A-Z])))", re.I)
#: "was attack-free", "remained seizure-free"
_FREE_STATE = re.compile(r"\b(?:was|were|be|been|being|is|are|remained|remain|remains|stayed|stay|stays|became|become|"
                         r"becomes|kept)\s+(?:completely |totally |entirely |still |all )?(?P<free>[a-z]+-free)\b"
                         r"(?![- ](?:survival|DNA|RNA|medium|media|serum|product))")
#: a word that says how a change went rather than what changed ("temporary decrease")
_ADJECTIVE = re.compile(rf"(?:ary|al|ous|ive|ic|ant|ent|ful|ble|er|est|ly)$|^(?:mean|median|average|overall|total|"
                        rf"further|additional|modest|slight|small|large|rapid|early|late|{_DURATION})$")
#: scores that describe the patients enrolled, not a result ("International Prognostic Index",
#: "ECOG performance status")
_CHARACTERISTIC = re.compile(r"\b(?:prognostic|risk|staging|comorbidity|charlson|performance status|sample size)\b",
                             re.I)
#: a company's or a market's figures, which the same news pages report ("revenue rose by 12%")
_BUSINESS = re.compile(r"\b(?:market|prices?|revenues?|sales|stocks?|shares?|profits?|costs?|funding|investments?|"
                       r"valuation|dollars?|euros?|yuan|company|company's|population)\b", re.I)
_BASELINE = re.compile(r"\bbaseline\b", re.I)
_ELIGIBILITY = re.compile(r"\b(?:enrol\w*|eligib\w*|inclusion|criteri\w*|randomi[sz]ed|assigned)\b", re.I)

_TOKEN = re.compile(r"\((?P<paren>[A-Za-z][\w+./-]{0,14})\)|(?P<word>St\.|[A-Za-z][\w'’+./-]*[\w+]|[A-Za-z]|"
                    r"\d+(?:\.\d+)?-[A-Za-z][\w'’+./-]*[\w+])|(?P<number>\d[\d.,]*)|\S")
_ACRONYM = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")

#: the words each cue needs in its line: a cue's expression runs only where one stands (one
#: scan of the line's words instead of one scan of the line per cue)
_WORD = re.compile(r"[a-z]+")
_CHANGE_WORDS = frozenset("""change changes reduction reductions improvement improvements increase increases decrease
decreases decline declines worsening slowing normalization normalisation""".split())
_SUBJECT_WORDS = frozenset("""improved decreased increased declined fell rose dropped reduced lowered worsened
normalized normalised restored recovered returned improves decreases increases declines falls rises drops""".split())
_OBJECT_WORDS = frozenset("""improved reduced lowered decreased increased raised cut slowed normalized normalised
improves reduces lowers decreases increases raises cuts slows""".split())
_VALUE_WORDS = frozenset("was were vs versus compared".split())
_ATTAINED_BY_WORDS = frozenset("reached achieved attained seen observed recorded".split())
_ATTAINED_WORDS = frozenset("reached achieved attained regained had".split())
_PROPORTION_WORDS = frozenset("proportion proportions percentage percentages number share rate".split())
_END_POINT_WORDS = frozenset("endpoint endpoints point points measure measures".split())
_CUE_WORDS = _CHANGE_WORDS | _SUBJECT_WORDS | _OBJECT_WORDS | _VALUE_WORDS | _ATTAINED_BY_WORDS | _ATTAINED_WORDS \
    | _PROPORTION_WORDS | _END_POINT_WORDS


class Token(NamedTuple):
    text: str
    start: int
    end: int
    kind: str  # "word", "paren", "number" or "punct"


class Phrase(NamedTuple):
    """A candidate measure (offsets in its line) and what its cue says about it."""
    start: int
    end: int
    head: str
    strong: bool  # the cue itself states a quantity ("fell by 30%")
    changed_from: Optional[int] = None  # where "reduction of" begins, for a molecule that changed
    threshold_end: Optional[int] = None  # the end of "of 5% or more" after an attained measure


def tokens_of(line: str) -> list[Token]:
    """Words, bracketed acronyms, numbers and punctuation of a line, with offsets."""
    return [Token(m.group(0), m.start(), m.end(), m.lastgroup or "punct") for m in _TOKEN.finditer(line)]


def _is_content(token: Token) -> bool:
    """A word that can belong to a measure's name: not a function word, a verb of the cues,
    an adverb ("significantly") or a heading in capitals ("RESULTS")."""
    if token.kind != "word":
        return False
    lower = token.text.lower()
    return lower not in _DETERMINERS and lower not in _PREPOSITIONS and lower not in _STOPS \
        and lower not in _SUBJECT_WORDS and lower not in _OBJECT_WORDS \
        and not (token.text.endswith("ly") and lower not in _NOT_ADVERBS) and token.text not in _HEADINGS


def _chunk(tokens: Sequence[Token], index: int, limit: int = 8) -> tuple[int, int]:
    """Token range of the noun phrase that starts at ``index`` (statistics words skipped):
    content words, a bracketed acronym followed by more of the name, "of" before a content
    word, "or" between modifiers, and a number right after an acronym ("SF 36")."""
    while index + 1 < len(tokens) and tokens[index].text.lower() in _STATISTICS \
            and tokens[index + 1].text.lower() != "number":
        index += 1
    end = index
    while end < len(tokens) and end - index < limit:
        token = tokens[end]
        following = tokens[end + 1] if end + 1 < len(tokens) else None
        lower = token.text.lower()
        if _is_content(token):
            end += 1
        elif token.kind == "paren" and end > index and following is not None and _is_content(following) \
                and following.text.lower() not in _STATISTICS:
            end += 1  # "auditory brainstem response (ABR) threshold"
        elif lower in ("of", "per") and end > index and following is not None and _is_content(following) \
                and following.text[0].isalpha():
            end += 1  # "Sum of Boxes", "attacks per month"
        elif lower == "or" and end > index and following is not None and _is_content(following) \
                and tokens[end - 1].text.islower():
            end += 1  # "moderate or severe exacerbations", "complete response or remission"
        elif token.kind == "number" and end > index and _ACRONYM.fullmatch(tokens[end - 1].text) \
                and tokens[end - 1].end + 1 >= token.start:
            end += 1
        else:
            break
    while end > index and tokens[end - 1].text.lower() in ("of", "or", "per"):
        end -= 1
    return index, end


def _conjuncts(tokens: Sequence[Token], index: int) -> list[tuple[int, int, Optional[int]]]:
    """Phrases coordinated from ``index`` — "the A, the B and (of) the C" — each with the
    token where a change noun before it begins ("reduction of X"). A list joined by commas
    counts only if it closes with "and": "…, durable through 180 days" is no conjunct."""
    found: list[tuple[int, int, Optional[int]]] = []
    closed = 1  # how many of the found phrases a closing "and" (or a lone first one) vouches for
    while index < len(tokens):
        opening = index
        while opening < len(tokens) and tokens[opening].text.lower() in _DETERMINERS:
            opening += 1
        measured = _after_change_noun(tokens, index)
        start, end = _chunk(tokens, measured)
        if end <= start:
            break
        found.append((start, end, opening if measured > opening else None))
        index = end
        while index < len(tokens) and tokens[index].kind == "paren":
            index += 1  # "peak oxygen consumption (pVO2) and the NYHA class"
        index = _skip_quantity(tokens, index)
        if index < len(tokens) and tokens[index].text == "and" or \
                index + 1 < len(tokens) and tokens[index].text == "," and tokens[index + 1].text == "and":
            closed = len(found) + 1
        elif index < len(tokens) and tokens[index].text == ",":
            pass
        else:
            break
        index += 1
        while index < len(tokens) and tokens[index].text.lower() in _JOINERS:
            index += 1
    return found[:closed]


_BY_QUANTITY = re.compile(r"(?:\s*\([^()]{1,15}\))?\s+by\s+(?:about |approximately |nearly |almost |more than |over |"
                          r"up to |at least |a mean of |an average of )?(?:[-−–]?\d|one|two|three|four|five|half)", re.I)


def _before_adverbs(line: str, end: int, skipped: frozenset[str] = _ADVERB_WORDS) -> int:
    """Where the text before ``end`` ends once the adverbs (or other ``skipped`` words)
    before it are left out."""
    text = line[:end].rstrip()
    while True:
        last = text.rsplit(" ", 1)[-1]
        if last.lower() not in skipped or last == text:
            return len(text)
        text = text[:-len(last)].rstrip()


def _by_quantity(line: str, offset: int) -> bool:
    """Whether "by" and a quantity follow: "reduced the X (XY) by 36 mm Hg" (not "induced by")."""
    return bool(_BY_QUANTITY.match(line, offset))


def _skip_quantity(tokens: Sequence[Token], index: int) -> int:
    """Past "by 36 mm Hg more" after a coordinated phrase, to the next conjunct."""
    if index < len(tokens) and tokens[index].text.lower() == "by":
        probe = index + 1
        while probe < len(tokens) and tokens[probe].text not in (",", ";") and tokens[probe].text.lower() != "and":
            probe += 1
        return probe
    return index


def _after_change_noun(tokens: Sequence[Token], index: int) -> int:
    """Past "the mean change from baseline in the": the measure is what changed."""
    while index < len(tokens) and tokens[index].text.lower() in _DETERMINERS:
        index += 1
    match = _CHANGE_OF.match(" ".join(t.text for t in tokens[index:index + 8]).lower())
    return index + len(match.group(0).split()) if match else index


def _subject_start(tokens: Sequence[Token], end: int) -> int:
    """Where the subject that ends at token ``end`` begins: after the last clause break,
    verb or conjunction before it, and after a determiner that does not open a
    prepositional phrase ("the X of the Y": the first "the")."""
    start = end
    while start > 0:
        previous = tokens[start - 1]
        lower = previous.text.lower()
        coordinated = lower == "and" and tokens[start].text.lower() in _DETERMINERS  # "the A and the B rose"
        verb = lower in _STOPS or lower in _SUBJECT_WORDS or lower in _OBJECT_WORDS
        if previous.kind == "punct" or (verb and lower != "or" and not coordinated):
            break
        start -= 1
    while start < end and tokens[start].text.lower() == "and":
        start += 1  # ", and the X fell"
    opening = start
    for index in range(start, end):
        lower = tokens[index].text.lower()
        if lower in _DETERMINERS and (index == start or tokens[index - 1].text.lower() not in _PREPOSITIONS
                                      and tokens[index - 1].text.lower() != "and"):
            opening = index + 1
    return opening


#: the words an apposition opens with: "X, a marker of …,", "X and Y, two markers of …,"
_APPOSITION_OPENERS = frozenset("a an the which one two three both".split())


def _apposition_skipped(tokens: Sequence[Token], end: int) -> int:
    """"X (FeNO), a marker of …, decreased": the subject ends before the apposition."""
    if end == 0 or tokens[end - 1].text != ",":
        return end
    index = end - 2
    while index >= 0 and tokens[index].text not in (",", ";"):
        index -= 1
    if index >= 0 and tokens[index].text == "," and index + 1 < end - 1 \
            and tokens[index + 1].text.lower() in _APPOSITION_OPENERS:
        probe = index
        while probe > 0 and tokens[probe - 1].kind == "paren":
            probe -= 1
        return probe
    return end


def _head(tokens: Sequence[Token], start: int, end: int) -> str:
    """The phrase's head: its last word, or the word before a lower-case "of" ("quality of
    life", "rate of severe exacerbations"); a count "per" a unit is a rate ("number of
    attacks per month")."""
    words = [t.text for t in tokens[start:end] if t.kind in ("word", "number")]
    if words and words[0].lower() in ("number", "mean", "frequency", "count") and "per" in words[1:-1]:
        return "rate"
    for index, word in enumerate(words[:-1]):
        if word.lower() == "of" and index > 0 and words[index + 1][0].islower():
            return words[index - 1]
    return words[-1] if words else ""


def _phrases(tokens: Sequence[Token], start: int, end: int, strong: bool, changed: Optional[int] = None,
             line: str = "", threshold: bool = False) -> Iterator[Phrase]:
    """The phrase (a bracketed short form at its end left to the abbreviation detector),
    the phrase with the threshold after it when the cue is an attainment ("a weight
    reduction of 5% or more"), and for "Name (ACRONYM) score" also the name before the
    bracket, so that the short form takes the long form's label."""
    while end > start and tokens[end - 1].kind == "paren":
        end -= 1
    phrase = Phrase(tokens[start].start, tokens[end - 1].end, _head(tokens, start, end), strong,
                    tokens[changed].start if changed is not None else None)
    yield phrase
    if threshold:
        after = _THRESHOLD_AFTER.match(line, phrase.end)
        if after:
            yield phrase._replace(threshold_end=after.end())
    for index in range(start + 1, end - 1):
        if tokens[index].kind == "paren" and tokens[index - 1].kind == "word":
            yield phrase._replace(end=tokens[index - 1].end)
            break


#: each cue's expression (lower-case, run on the lower-cased line unless it reads capitals), with
#: the words it needs in the line (none: "-free")
_CUES = (("change_of", _CHANGE_OF, _CHANGE_WORDS), ("subject_verb", _SUBJECT_VERB, _SUBJECT_WORDS),
         ("object_verb", _OBJECT_VERB, _OBJECT_WORDS), ("value_after", _VALUE_AFTER, _VALUE_WORDS),
         ("attained_by", _ATTAINED_BY, _ATTAINED_BY_WORDS), ("attained", _ATTAINED, _ATTAINED_WORDS),
         ("proportion_with", _PROPORTION_WITH, _PROPORTION_WORDS), ("end_points", _END_POINTS, _END_POINT_WORDS),
         ("free_state", _FREE_STATE, frozenset()))


#: the cues whose expressions read capitals; the others run on the lower-cased line
_CASED = frozenset({"end_points", "free_state"})
#: the cues whose phrase must be a measure (not just any phrase a quantity is stated of)
_OF_MEASURES = frozenset({"value_after", "attained"})
_MEASURE_WORDS = MEASURE_HEADS | SELF_STANDING | MEASURED_IN | _CHANGE_WORDS | {"per", "loss", "gain", "normalization"}
_CAPITALS = re.compile(r"[A-Z][A-Za-z]*[A-Z0-9]")


def cue_phrases(line: str, therapy_ends: frozenset[int] = frozenset(), words: Optional[frozenset[str]] = None,
                lowered: Optional[str] = None) -> Iterator[Phrase]:
    """Candidate measure phrases of one line (offsets in the line), each with whether its
    cue states a quantity; ``therapy_ends``: where therapy mentions end in the line (a drug
    that "improves X" names X as its result); ``words``, ``lowered``: the line's lower-case
    words and text (the cues' expressions run case-sensitively on the lower-cased text, which
    the regex engine scans several times faster)."""
    if lowered is None or len(lowered) != len(line):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in line)
    if words is None:
        words = frozenset(_WORD.findall(lowered))
    # a value or an attainment counts only for a measure: its word or an acronym must stand in the line
    named = bool(words & _MEASURE_WORDS) or bool(_CAPITALS.search(line))
    cued = {name: list(regex.finditer(line if name in _CASED else lowered)) if (
            words & needed if needed else "-free" in line)
            and (named or name not in _OF_MEASURES) else [] for name, regex, needed in _CUES}
    if cued["value_after"] and _ELIGIBILITY.search(line):
        cued["value_after"] = []  # a value in a sentence on who was enrolled describes them
    cued["attained"] = [m for m in cued["attained"]  # "N of the M children had": counted first
                        if _COUNTED_SUBJECT.search(line, max(0, m.start() - 120), m.start())]
    if not any(cued.values()) or _TOXICITY.search(line):
        return  # the line is tokenized only when a cue stands in it and it reports no toxicity
    tokens = tokens_of(line)
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}

    def token_at(offset: int) -> Optional[int]:
        while offset < len(line) and line[offset] == " ":
            offset += 1
        return starts.get(offset)

    def ending_at(offset: int) -> Optional[int]:
        while offset > 0 and line[offset - 1] == " ":
            offset -= 1
        index = ends.get(offset)
        return None if index is None else index + 1

    for match in cued["change_of"]:  # "change from baseline in X"
        index = token_at(match.end())
        if index is not None:
            quantified = bool(re.search(r"\d\s*%?\s*$", line[max(0, match.start() - 12):match.start()]))
            for number, (start, end, _) in enumerate(_conjuncts(tokens, index)):
                yield from _phrases(tokens, start, end, quantified, token_at(match.start()) if number == 0 else None)
    for match in cued["subject_verb"]:  # "X fell by 30%"
        end = ending_at(_before_adverbs(line, match.start(), _ADVERB_WORDS | _AUXILIARIES))  # "was significantly"
        if end is None:
            continue
        end = _apposition_skipped(tokens, end)
        found = [c for c in _conjuncts(tokens, _subject_start(tokens, end)) if c[1] <= end]
        gap = tokens[found[-1][1]:end] if found else []
        while gap and gap[0].kind == "paren":
            gap = gap[1:]
        if found and (not gap or gap[0].text.lower() in _PREPOSITIONS):  # "X on PET fell": the rest modifies X
            for first, last, changed in found:
                named = first > 0 and tokens[first - 1].text.lower() in _DETERMINERS
                after = match.group("after") or ""
                if after or named or not _ACRONYM.fullmatch(tokens[last - 1].text):
                    # a bare acronym before "increased" is as often a drug: "TZD increased EPC numbers";
                    # a lone word needs a number ("attacks fell by 87%", not "the complement returned to normal")
                    strong = any(c.isdigit() for c in after) or (bool(after) and last - first > 1)
                    yield from _phrases(tokens, first, last, strong, changed)
    for match in cued["object_verb"]:  # "improved the X, the Y and the Z"
        index = token_at(match.end())
        if index is None:
            continue
        listed = match.group("verb").lower().endswith(("ed", "cut")) and bool(match.group("det"))
        by_drug = _before_adverbs(line, match.start()) in therapy_ends  # "<drug> (also) improves X"
        group = []
        for start, end, changed in _conjuncts(tokens, index):
            by = _by_quantity(line, tokens[end - 1].end)
            if by or listed or by_drug:
                group.extend(_phrases(tokens, start, end, by, changed))
        if listed and any(accepted(p, line[p.start:p.end]) for p in group):
            group = [p._replace(strong=True) for p in group]  # "improved the waist circumference and the lipids"
        yield from group
    for match in cued["value_after"]:  # "X was 82.6%"
        end = ending_at(match.start())
        if end is None:
            continue
        start = _subject_start(tokens, end)
        if start >= end or _BASELINE.search(line, tokens[start].start, match.end()):
            continue  # "the mean body weight at baseline was 105 kg": who was enrolled, not a result
        first, last = _chunk(tokens, _after_change_noun(tokens, start))
        if last == end:
            yield from _phrases(tokens, first, last, False)
    for match in cued["attained_by"]:  # "X was reached by 62%"
        stop = len(line[:match.start()].rstrip())
        threshold = _THRESHOLD_BEFORE.search(line, max(0, stop - 80), stop)
        end = ending_at(threshold.start() if threshold else stop)
        if end is not None:
            first, last = _chunk(tokens, _subject_start(tokens, end))
            if last == end and first < last:
                yield from _phrases(tokens, first, last, bool(match.group("reached")), line=line, threshold=True)
    for match in cued["attained"]:  # "five of the six children had X"
        index = token_at(match.end())
        if index is not None:
            first, last = _chunk(tokens, index)
            if first < last:
                yield from _phrases(tokens, first, last, False, line=line, threshold=True)
    for match in cued["proportion_with"]:  # "proportion of patients with X"
        index = token_at(match.end())
        if index is not None:
            first, last = _chunk(tokens, index)
            if first < last:
                yield from _phrases(tokens, first, last, False, line=line, threshold=True)
    for match in cued["end_points"]:  # "the end points X and Y"
        index = token_at(match.end())
        if index is not None:
            for start, end, changed in _conjuncts(tokens, index):
                yield from _phrases(tokens, start, end, False, changed)
    for match in cued["free_state"]:  # "was attack-free"
        yield Phrase(match.start("free"), match.end("free"), match.group("free"), True)


def accepted(phrase: Phrase, text: str) -> bool:
    """Whether a phrase names an endpoint: a quantity's head with a word before it, an
    acronym, a measurement word ("serum", "exhaled"), a change named by what changed
    ("weight reduction"), or any head that is not generic when the cue states a quantity."""
    head = phrase.head
    if not head or not any(c.isalpha() for c in text) or _CHARACTERISTIC.search(text) or _BUSINESS.search(text):
        return False
    lower = head.lower()
    words = text.lower().split()
    if _ACRONYM.fullmatch(head) and not head.isdigit():
        return True
    if re.fullmatch(_CHANGE_NOUN, lower) and len(words) > 1 and words[-1] == lower \
            and not _ADJECTIVE.search(words[-2]):
        return True  # "weight reduction", "LDL-C reduction"
    if lower in GENERIC_HEADS or (len(words) == 1 and lower in MEASURE_HEADS and lower not in SELF_STANDING):
        return False  # "the rates were 48%", "a rating of much improved": which rate, which rating?
    if phrase.strong or lower in SELF_STANDING:
        return True
    return len(words) > 1 and (lower in MEASURE_HEADS or any(word in MEASURED_IN for word in words))


#: a sentence that reports toxicity: a measure that changed there is an adverse event ("serum
#: creatinine rose by 0.3 mg/dL, a grade 2 adverse event")
_TOXICITY = re.compile(r"adverse|side[- ]effects?|toxicit|\bgrade\s*[1-5]\b", re.I)


def measure_spans(doc: Doc, others: Sequence[Span]) -> Iterator[Span]:
    """OUTCOME spans for the measures the doc's results sentences name, given the
    candidate mentions found so far (``others``): a phrase holding a mention of another
    label is no measure, and a therapy right before "improves" is the one acting."""
    text = doc_text(doc)
    therapy_ends = sorted(s.end_char for s in others if s.label_ == "THERAPY")
    foreign = [(s.start_char, s.end_char, s.label_) for s in others if s.label_ != "OUTCOME"]
    offset = 0
    for line in text.split("\n"):
        lowered = line.lower()
        words = frozenset(_WORD.findall(lowered))
        if words & _CUE_WORDS or "-free" in line:
            ends = frozenset(end - offset for end in therapy_ends[bisect_left(therapy_ends, offset):
                                                                    bisect_right(therapy_ends, offset + len(line))])
            for phrase in cue_phrases(line, ends, words, lowered):
                bounds = _bounds(phrase, text, offset, foreign)
                if bounds is not None:
                    span = doc.char_span(*bounds, label="OUTCOME", alignment_mode="expand")
                    if span is not None:
                        yield span
        offset += len(line) + 1


def _bounds(phrase: Phrase, text: str, offset: int,
            foreign: Sequence[tuple[int, int, str]]) -> Optional[tuple[int, int]]:
    """The span a phrase gives, or None: a molecule that changed is named with its change
    ("reduction of PCSK9"), an attained measure with its threshold."""
    start, end = offset + phrase.start, offset + phrase.end
    if not accepted(phrase, text[start:end]):
        return None
    named = [label for first, last, label in foreign if (first, last) == (start, end)]
    if phrase.threshold_end is not None:
        end = offset + phrase.threshold_end
    elif named:  # "CXCL9", "PCSK9": a molecule is measured only through its change
        if phrase.changed_from is None or named[0] not in ("ANTIGEN", "THERAPY"):
            return None
        start = offset + phrase.changed_from
    if _holds_other(text, start, end, foreign, phrase.head.lower(), phrase.threshold_end is not None):
        return None
    return start, end


def _holds_other(text: str, start: int, end: int, foreign: Sequence[tuple[int, int, str]], head: str,
                 thresholded: bool = False) -> bool:
    """Whether a mention of another label crosses the phrase or stands inside it. Allowed
    inside: an antigen or therapy that the phrase measures ("fractional exhaled nitric
    oxide", "IL-6 level", "reduction of PCSK9": a measurement word before it, a quantity's
    head or a change after it, or the change noun the phrase opens with); a disease or
    adverse event a quantity's head follows ("seizure frequency", "light sensitivity
    threshold"); any mention in a named instrument ("Kansas City Cardiomyopathy Questionnaire"), in one hyphenated word
    ("ADCS-MCI-ADL", "seizure-free") or in a measure given with a threshold ("weight
    reduction of 5% or more": a sign counted as a result)."""
    words = text[start:end].split()
    instrument = head in INSTRUMENT_HEADS and any(word[:1].isupper() for word in words[:-1])
    if instrument or thresholded or (len(words) == 1 and "-" in words[0]):
        return any(first < start < last or first < end < last or (first, last) == (start, end)
                   for first, last, _ in foreign)
    for first, last, label in foreign:
        if last <= start or first >= end:
            continue
        if first < start or last > end:
            return True
        before = text[start:first].lower().split()
        after = text[last:end].lower().split()
        measured = any(word in MEASURED_IN for word in before) or (after and (
            after[-1] in MEASURE_HEADS or re.fullmatch(_CHANGE_NOUN, after[-1]))) or (
            before and re.fullmatch(_CHANGE_NOUN, before[0]) is not None)
        if label in ("ANTIGEN", "THERAPY") and measured or after and after[-1] in MEASURE_HEADS:
            # "serum creatinine level", "reduction of PCSK9", "seizure frequency", "light sensitivity threshold"
            continue
        return True
    return False
