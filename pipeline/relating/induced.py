"""Diseases a sentence says a drug caused: chemical-induced disease statements.

Abstracts and news reports state a drug's harm in a few shapes, read here from the words
between a therapy mention and a disease mention of one sentence (as the pattern-based
relation extractors of the BioCreative V CDR task did, e.g. Lowe et al. 2016):

* cause, then effect: "phenobarbital-induced dyskinesia", "a patient who received
  lithium developed cyanosis", "the drug produced seizures in rats";
* effect, then cause: "rigidity produced in rats by alfentanil", "hepatitis due to
  isoniazid", "seizures following bupivacaine administration", "toxicity of cisplatin".
* the effect named a side effect or complication of the drug ("neuropathy is a well-known
  side effect of vincristine"), or found in the drug's users ("chest pain in cocaine
  users", loose).

Effects listed together ("presented with hyperammonemia, lethargy and thrombocytopenia")
share the statement one of them has; a regimen ("A plus B") takes an effect as a whole,
not through its own drugs.

A word of prevention, treatment or negation between them ("attenuated", "did not
cause", "for") breaks the statement; so does another therapy standing between them (the
nearer one is meant), and a disease the sentence names as the one treated ("patients
with", "treatment for"). Therapies coordinated with the cause ("Aventyl (nortriptyline)
and Elavil (amitriptyline) each produced …") share its effect. A *strong* statement
("X-induced Y", "Y caused by X", "Y secondary to X") makes the disease an adverse event
even where it is the article's subject; a loose one ("Y after X", "X … developed Y") only
where it is not, or where the article never names it as the disease treated.
"""
from __future__ import annotations

import re
from typing import NamedTuple, Sequence

CAUSES = "THERAPY"
EFFECTS = ("DISEASE", "ADVERSE_EVENT")
_MODIFIERS = r"(?:(?:[\w-]+)\s+){0,3}"
#: "-induced ", "-associated severe "
_ADJECTIVE = re.compile(rf"^\s*-?\s*(?:induced|associated|related|evoked|provoked|elicited|triggered|mediated|"
                        rf"caused)\b[\s,]*{_MODIFIERS}$", re.I)
#: "X … caused / produced / resulted in / developed Y" (not "caused by", which turns it round)
_CAUSE_VERB = re.compile(r"\b(?:caus(?:e|es|ed|ing)|induc(?:e|es|ed|ing)|produc(?:e|es|ed|ing)|provok\w*|precipitat\w*|"
                         r"elicit\w*|evok\w*|trigger\w*|result(?:ed|ing)? in|le(?:d|ads?|ading) to|develop(?:s|ed|ing)?|"
                         r"experienc(?:e|es|ed|ing)|(?:was|were|is|are) (?:associated|complicated) with|gave rise to|"
                         r"responsible for|increas(?:e|es|ed|ing)(?: the)? (?:risk|incidence|frequency|rate|severity) of|"
                         r"enhanc\w*|worsen\w*|aggravat\w*|exacerbat\w*|potentiat\w*|predispos\w*|"
                         r"present(?:s|ed|ing)? with)\b(?!\s+by\b)", re.I)
_FILLER = (r"(?:(?:the|a|an|its|their|this|chronic|acute|long-term|high-dose|high|low|doses? of|intravenous|oral|"
           r"intraperitoneal|subcutaneous|systemic|topical|repeated|single|prolonged|preoperative|(?:re)?starting(?: of)?|"
           r"initiat(?:ing|ion of)|beginning|"
           r"administration of|treatment with|therapy with|injections? of|infusions? of|exposure to|use of|"
           r"ingestion of|overdose of|abuse of|intake of|of|[\d.,]+\s*(?:mg|g|µg|ug|mcg|mmol|u|iu|%)\S*)\s+){0,6}")
#: "Y induced by X", "Y due to X": strong
_EFFECT_BY = re.compile(
    r"^[\s,]*(?:\([^()]{0,40}\)\s*)?(?:(?:of|in|at|on)\s+(?:[\w-]+\s+){1,4}?)?(?:(?:which|that)\s+)?"
    r"(?:(?:was|were|is|are|has been|have been|had been)\s+)?"
    r"(?:(?:[\w-]+\s+){0,4}?(?:induced|caused|produced|provoked|elicited|evoked|precipitated|triggered)"
    r"\b[^.;]{0,50}?\bby|due to|secondary to|attributed to|attributable to|caused by|resulting from|because of)"
    rf"\s+{_FILLER}$", re.I)
#: "Y is a well-known side effect of X", "Y, a rare complication of X": strong
_EFFECT_OF = re.compile(
    r"^[\s,]*(?:(?:is|are|was|were|has been|have been|represents?|remains?)\s+)?(?:(?:a|an|the|one of the)\s+)?"
    r"(?:[\w-]+,?\s+){0,3}?(?:side[- ]effects?|adverse (?:effects?|reactions?|events?)|complications?|"
    r"toxicit(?:y|ies)|sequelae?)\s+(?:of|from|with|after|to)\s+" + _FILLER + "$", re.I)
#: "myocardial injury in cocaine abusers": the effect in the drug's users (loose; the cause
#: must be followed by a word of use, ``_USERS``)
_EFFECT_IN = re.compile(r"^\s*(?:in|among)\s+(?:[\w-]+\s+){0,3}?$", re.I)
_USERS = re.compile(r"^\s*-?\s*(?:users?|abusers?|addicts?|abusing|using|dependent|dependence|treated|exposed)\b", re.I)
#: "Y after X", "Y associated with X", "Y while taking X": loose
_EFFECT_AFTER = re.compile(
    r"^[\s,]*(?:\([^()]{0,40}\)\s*)?(?:(?:which|that)\s+)?(?:(?:was|were|is|are|has been|have been|had been)\s+)?"
    r"(?:(?:observed|seen|reported|noted|found|occurring|occurred|developed|developing|appeared|appearing)\s+)?"
    r"(?:(?:[\w-]+\s+){0,3}?(?:after|following|during|associated with|related to|linked to|with the use of|"
    r"while (?:taking|using|receiving|on)|in (?:\w+\s+){0,2}?(?:receiving|taking|given|exposed to|on)|"
    r"(?:after|following) (?:the )?(?:start(?:ing)?|commencement|initiation|introduction) of|"
    r"(?:who|which) (?:was|were) (?:receiving|taking|given|on)))"
    rf"\s+{_FILLER}$", re.I)
#: "toxicity of X", "nephrotoxicity from X": the effect word names the harm itself
_HARM = re.compile(r"(?:toxicity|toxic\w*|poisoning|intoxication|overdose|injury|damage)$", re.I)
_HARM_OF = re.compile(r"^\s*(?:of|from|by|with)\s+(?:(?:the|a|an|high-dose|chronic|acute)\s+)?$", re.I)
#: prevention, treatment, comparison or negation: the sentence does not say the drug caused it
_BREAK = re.compile(r"\b(?:not|no|nor|neither|without|never|fail\w*|prevent\w*|attenuat\w*|revers\w*|inhibit\w*|"
                    r"antagoni\w*|protect\w*|reduc\w*|decreas\w*|suppress\w*|block\w*|abolish\w*|ameliorat\w*|"
                    r"alleviat\w*|improv\w*|eliminat\w*|resolv\w*|cur(?:e|es|ed)|preserv\w*|(?<!-)treat(?:s|ed|ing)?|"
                    r"(?:treatment|therapy|therapies|drugs?|indicated|approved|prescribed|agents?|used) for|"
                    r"against|relie\w*|rescu\w*|counteract\w*|lower\w*|versus|vs|compared|than|whereas|but|although|"
                    r"patients with|(?:children|adults|people|subjects|those|participants|women|men) with)\b", re.I)
#: the disease the sentence treats, named just before it: "patients with", "treatment for"
_TREATED = re.compile(r"\b(?:(?:patients|children|adults|people|subjects|women|men|those|participants)\s+with|"
                      r"(?:treatment|therapy|therapies|drugs?|indicated|approved|prescribed|agents?|used) for|against|"
                      r"(?<!-)treat(?:s|ed|ing)?)\s+(?:(?:[\w-]+|\([^()]*\))\s+){0,3}$", re.I)
#: a therapy the text names as the patients' history, not as a cause: "after anti-PD-1 failure"
_HISTORY = re.compile(r"^\s*-?\s*(?:failure|resistan\w*|refractor\w*|progression|exposed|pretreated|naive|intoleran\w*)",
                      re.I)
#: therapies coordinated with the cause: "Aventyl (nortriptyline) and Elavil"
_COORDINATED = re.compile(r"^\s*(?:\(|\)|,|/|and|or|\)\s*(?:,|and|or))?\s*(?:\(|and|or)?\s*$", re.I)
#: effects listed together: "rash, fever, and hypotension", "hypotension or shock"
_LISTED = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|and/or\s+)(?:(?:a|an|the|severe|mild|acute|"
                     r"transient|marked|significant)\s+){0,2}$", re.I)
#: how far apart a cause and its effect may stand when a verb joins them
MAX_GAP = 120


class Mention(NamedTuple):
    start: int
    end: int
    label: str


class Statement(NamedTuple):
    cause: int
    effect: int
    strong: bool


def induced_pairs(text: str, mentions: Sequence[Mention]) -> list[tuple[int, int]]:
    """(cause index, effect index) of the mentions of one sentence (offsets into ``text``)
    that the sentence states as a drug causing a disease."""
    return [(s.cause, s.effect) for s in induced_statements(text, mentions)]


def induced_statements(text: str, mentions: Sequence[Mention]) -> list[Statement]:
    """Every cause-effect statement of the sentence, with its strength. Effects listed
    together ("X caused rash, fever and hypotension") share the statement one of them has."""
    order = sorted(range(len(mentions)), key=lambda i: (mentions[i].start, mentions[i].end))
    therapies = [i for i in order if mentions[i].label == CAUSES]
    effects = [i for i in order if mentions[i].label in EFFECTS]
    stated: dict[int, tuple[int, bool]] = {}
    for effect in effects:
        found = _cause_of(text, mentions, therapies, effect)
        if found is not None:
            stated[effect] = found
    for run in _listed(text, mentions, effects):
        causes = [stated[e] for e in run if e in stated]
        for effect in run:
            if effect not in stated and causes:
                stated[effect] = causes[0]
    return [Statement(c, effect, strong) for effect, (cause, strong) in sorted(stated.items())
            for c in _coordinated(text, mentions, therapies, cause)]


def _listed(text: str, mentions: Sequence[Mention], effects: list[int]) -> list[list[int]]:
    """Runs of effects listed next to each other (commas, "and", "or")."""
    runs: list[list[int]] = []
    for effect in effects:
        if runs and _LISTED.match(text[mentions[runs[-1][-1]].end:mentions[effect].start]):
            runs[-1].append(effect)
        else:
            runs.append([effect])
    return runs


def _cause_of(text: str, mentions: Sequence[Mention], therapies: list[int], effect: int) -> tuple[int, bool] | None:
    """The therapy the sentence blames for the effect and whether it says so strongly."""
    e = mentions[effect]
    before = [i for i in therapies if mentions[i].end <= e.start]
    after = [i for i in therapies if mentions[i].start >= e.end]
    treated = named_as_treated(text, e.start)
    if before:
        # the nearest therapy before the effect; of those ending there, the longest ("A plus B")
        c = max(before, key=lambda i: (mentions[i].end, -mentions[i].start))
        between = text[mentions[c].end:e.start]
        if _ADJECTIVE.match(between):
            return c, True
        if not treated and len(between) <= MAX_GAP and _CAUSE_VERB.search(between) and not _BREAK.search(between):
            return c, False
    if after and not treated:
        c = min(after, key=lambda i: (mentions[i].start, -mentions[i].end))  # the nearest, the longest
        between = text[e.end:mentions[c].start]
        if _BREAK.search(between) or _HISTORY.match(text[mentions[c].end:]):
            return None
        if _EFFECT_BY.match(between) or _EFFECT_OF.match(between):
            return c, True
        if _HARM.search(text[e.start:e.end]) and _HARM_OF.match(between):
            return c, True
        if _EFFECT_AFTER.match(between):
            return c, False
        if _EFFECT_IN.match(between) and _USERS.match(text[mentions[c].end:]):
            return c, False
    return None


def named_as_treated(text: str, start: int) -> bool:
    """Whether the disease mentioned at ``start`` is named as the one treated ("patients
    with", "treatment for")."""
    return bool(_TREATED.search(text[max(0, start - 60):start]))


def _coordinated(text: str, mentions: Sequence[Mention], therapies: list[int], cause: int) -> list[int]:
    """The cause and the therapies listed with it, next to each other."""
    group = [cause]
    position = therapies.index(cause)
    for step in (-1, 1):
        edge = position
        while 0 <= edge + step < len(therapies):
            left, right = sorted((therapies[edge], therapies[edge + step]), key=lambda i: mentions[i].start)
            if mentions[right].start < mentions[left].end:  # a regimen and its own drug: not a list
                break
            if not _COORDINATED.match(text[mentions[left].end:mentions[right].start]):
                break
            edge += step
            group.append(therapies[edge])
    return group
