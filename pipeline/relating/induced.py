"""Diseases a sentence says a drug caused: chemical-induced disease statements.

Abstracts and news reports state a drug's harm in a few shapes, read here from the words
between a therapy mention and a disease mention of one sentence (as the pattern-based
relation extractors of the BioCreative V CDR task did, e.g. Lowe et al. 2016):

* cause, then effect: "phenobarbital-induced dyskinesia", "a patient who received
  lithium developed cyanosis", "the drug produced seizures in rats";
* effect, then cause: "rigidity produced in rats by alfentanil", "hepatitis due to
  isoniazid", "seizures following bupivacaine administration", "toxicity of cisplatin".

A word of prevention or negation between them ("attenuated", "did not cause") breaks the
statement, and so does another therapy standing between them: the nearer one is meant.
The same shapes label the disease (an adverse event wherever it is said to be caused,
even in the title) and relate it to its cause (``CAUSES_ADVERSE_EVENT``).
"""
from __future__ import annotations

import re
from typing import NamedTuple, Sequence

CAUSES = "THERAPY"
EFFECTS = ("DISEASE", "ADVERSE_EVENT")
#: the words between a cause and its effect ("-induced ", " toxicity-associated ")
_ADJECTIVE = re.compile(r"^\s*-?\s*(?:induced|associated|related|evoked|provoked|elicited|triggered|mediated|"
                        r"caused)\b[\s,]*(?:(?:[\w-]+)\s+){0,3}$", re.I)
#: "X ... caused / produced / resulted in / developed Y": a verb of causing in the gap
_CAUSE_VERB = re.compile(r"\b(?:caus(?:e|es|ed|ing)|induc(?:e|es|ed|ing)|produc(?:e|es|ed|ing)|provok\w*|precipitat\w*|"
                         r"elicit\w*|evok\w*|trigger\w*|result(?:s|ed|ing)? in|le(?:d|ads?|ading) to|develop\w*|"
                         r"experienc\w*|(?:was|were|is|are) (?:associated|complicated) with|gave rise to)\b", re.I)
#: "Y induced by X", "Y due to X", "Y following X", "toxicity of X"
_EFFECT_OF = re.compile(
    r"^[\s,]*(?:\([^()]{0,40}\)\s*)?(?:(?:which|that)\s+)?(?:(?:was|were|is|are|has been|have been|had been)\s+)?"
    r"(?:(?:observed|seen|reported|noted|found|occurring|occurred|developed|developing|appeared|appearing)\s+)?"
    r"(?:(?:[\w-]+\s+){0,4}?(?:induced|caused|produced|provoked|elicited|evoked|precipitated|triggered|mediated)"
    r"\b[^.;]{0,50}?\bby|due to|secondary to|attributed to|attributable to|associated with|related to|caused by|"
    r"resulting from|because of|after|following|during|from|with the use of|in (?:\w+\s+){0,2}?(?:receiving|taking|"
    r"treated with|given|exposed to|on))"
    r"\s+(?:(?:the|a|an|its|their|chronic|acute|long-term|high-dose|high|low|doses? of|intravenous|oral|"
    r"intraperitoneal|systemic|repeated|single|prolonged|administration of|treatment with|therapy with|"
    r"injections? of|infusions? of|exposure to|use of|ingestion of|overdose of|abuse of|intake of|[\d.,]+\s*"
    r"(?:mg|g|µg|ug|mcg|mg/kg|mmol|u|iu)\S*)\s+){0,5}$", re.I)
#: "toxicity of X", "nephrotoxicity from X": the effect word names the harm itself
_HARM = re.compile(r"(?:toxicity|toxic\w*|poisoning|intoxication|overdose|injury|damage|lesions?)$", re.I)
_HARM_OF = re.compile(r"^\s*(?:of|from|by|with|to)\s+(?:(?:the|a|an|high-dose|chronic|acute)\s+)?$", re.I)
#: prevention, treatment or negation: the sentence does not say the drug caused it
_BREAK = re.compile(r"\b(?:not|no|nor|neither|without|never|fail\w*|prevent\w*|attenuat\w*|revers\w*|inhibit\w*|"
                    r"antagoni\w*|protect\w*|reduc\w*|decreas\w*|suppress\w*|block\w*|abolish\w*|ameliorat\w*|"
                    r"alleviat\w*|improv\w*|treat(?:s|ed|ing|ment)?\s+(?:of|for)\b|for the treatment|against|"
                    r"relie\w*|rescu\w*|counteract\w*|lower\w*|versus|vs|compared|than|whereas|but|although)\b",
                    re.I)
#: how far apart a cause and its effect may stand when a verb joins them
MAX_GAP = 120


class Mention(NamedTuple):
    start: int
    end: int
    label: str


def induced_pairs(text: str, mentions: Sequence[Mention]) -> list[tuple[int, int]]:
    """(cause index, effect index) of the mentions of one sentence (offsets into ``text``)
    that the sentence states as a drug causing a disease."""
    order = sorted(range(len(mentions)), key=lambda i: (mentions[i].start, mentions[i].end))
    pairs = []
    for effect in (i for i in order if mentions[i].label in EFFECTS):
        cause = _cause_of(text, mentions, order, effect)
        if cause is not None:
            pairs.append((cause, effect))
    return pairs


def _cause_of(text: str, mentions: Sequence[Mention], order: list[int], effect: int) -> int | None:
    """The therapy the sentence blames for the effect: the nearest one joined by a shape."""
    e = mentions[effect]
    before = [i for i in order if mentions[i].label == CAUSES and mentions[i].end <= e.start]
    after = [i for i in order if mentions[i].label == CAUSES and mentions[i].start >= e.end]
    if before:
        c = before[-1]  # the nearest therapy before the effect
        between = text[mentions[c].end:e.start]
        if _ADJECTIVE.match(between) or (len(between) <= MAX_GAP and _CAUSE_VERB.search(between)
                                         and not _BREAK.search(between)):
            return c
    if after:
        c = after[0]
        between = text[e.end:mentions[c].start]
        if _EFFECT_OF.match(between) and not _BREAK.search(between):
            return c
        if _HARM.search(text[e.start:e.end]) and _HARM_OF.match(between):
            return c
    return None
