"""Therapies named as the patients' earlier lines of treatment.

Trial reports say what the patients had before the studied therapy: "all had previously
received a proteasome inhibitor, an immunomodulatory drug and an anti-CD38 antibody",
"refractory to lenalidomide", "after failure of two lines including an anti-CD20
antibody", "even with maximally tolerated statins and ezetimibe". Each therapy listed after
such a cue was given for the article's disease, so it treats it (``TREATS`` toward the
primary disease); it is not the studied therapy and takes none of the study's results. The
list runs from the cue to the end of the clause.
"""
from __future__ import annotations

import re
from typing import Protocol

from ..schema import Entity

#: the patients' history: "had previously received", "exposed to", "refractory to"
PRIOR_CUE = re.compile(r"\b(?:previously (?:received|treated|exposed)|had (?:already |previously )?(?:received|failed|"
                       r"been (?:treated|exposed|pretreated))|exposed to|refractory to|resistant to|intolerant (?:of|to)|"
                       r"pretreated with|after (?:the )?failure of|relapsed (?:after|following)|progressed (?:after|on)|"
                       r"prior (?:therap(?:y|ies)|treatments?|lines?|regimens?)|previous (?:therap(?:y|ies)|treatments?|"
                       r"lines?|regimens?)|despite|even (?:with|on|after)|uncontrolled (?:with|on|by))\b", re.I)
#: what ends the list: a new clause that says what was given in the study
LIST_END = re.compile(r"[;:]|,?\s*\b(?:were|was|are|is)\s+(?:then\s+)?(?:treated|given|enrolled|randomi[sz]ed|assigned|"
                      r"infused|dosed)\b|\b(?:received|receiving|were given)\b(?!.*\b(?:prior|previous))", re.I)
#: how far after the cue a listed therapy may stand
MAX_REACH = 160


class SentenceLike(Protocol):
    start: int
    text: str
    entities: list[Entity]


def prior_therapies(sentence: SentenceLike) -> list[Entity]:
    """The therapies the sentence lists as earlier lines."""
    found: list[Entity] = []
    for cue in PRIOR_CUE.finditer(sentence.text):
        stop = LIST_END.search(sentence.text, cue.end())
        end = min(stop.start() if stop else len(sentence.text), cue.end() + MAX_REACH)
        found += [e for e in sentence.entities if e.label == "THERAPY"
                  and cue.end() <= e.start - sentence.start and e.end - sentence.start <= end and e not in found]
    return found
