"""Adjectives derived from one-word disease names, compiled into the knowledge base.

Derivational morphology by suffix rules, as the UMLS SPECIALIST Lexicon records noun and
adjective derivation pairs ("hypertension" / "hypertensive"): each rule replaces a noun
ending with an adjective ending ("-sion" -> "-sive", "-epsy" -> "-eptic", "-icity" -> "-ic",
"-osis" -> "-otic", "-ism" -> "-ian" ...). A rule proposes; the word is kept only when it is
attested — listed as an English word in the ``wordfreq`` frequency lists — so that no
adjective is made up ("nephrotoxicity" -> "nephrotoxic" is kept, "epilepsy" -> "epileptian"
is not). An adjective with a sense of its own is left out, which word frequencies show: one
common in English ("aggressive", "allergic"), or far more common than the disease name it
comes from ("gigantic" from "gigantism", "narcotic" from "narcosis", "Mongolian"). So is an
adjective two concepts derive, or that is already a key of the knowledge base.

The adjective is a mention of its disease only where it modifies a population
("hypertensive rats", "epileptic patients": ``components.disease_adjectives``); elsewhere
("ischemic stroke", "hypertensive crisis") the dictionary's longer names, or nothing, apply.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

#: (noun ending, adjective ending), tried in order; every rule that applies proposes one
SUFFIX_RULES: tuple[tuple[str, str], ...] = (
    ("sion", "sive"),     # hypertension, hypotension, convulsion, depression
    ("epsy", "eptic"),    # epilepsy, catalepsy, narcolepsy
    ("icity", "ic"),      # nephrotoxicity, cardiotoxicity
    ("osis", "otic"),     # psychosis, nephrosis, atherosclerosis, thrombosis
    ("esia", "etic"),     # dyskinesia, akinesia
    ("ia", "ic"),         # anemia, ischemia, schizophrenia, neutropenia, dystonia, mania
    ("ia", "iac"),        # hemophilia
    ("etes", "etic"),     # diabetes
    ("ism", "ian"),       # parkinsonism
    ("ism", "ic"),        # alcoholism
    ("ism", "istic"),     # autism
    ("itis", "itic"),     # arthritis
    ("ma", "matic"),      # asthma
    ("ma", "matous"),     # glaucoma, edema
    ("ity", "e"),         # obesity
    ("y", "ic"),          # neuropathy, myopathy, dystrophy, allergy
    ("us", "ic"),         # tetanus
)
#: a rule's result must be at least this frequent (Zipf) to be an English word at all
MIN_ATTESTED_ZIPF = 1.0
#: ... and below this, or it is a common word with senses of its own
MAX_ZIPF = 3.5
#: ... and at most this much more frequent than its noun (Zipf is a log10 scale: ten times)
MAX_ZIPF_ABOVE_NOUN = 1.0
_WORD = re.compile(r"[a-z]{5,}")


def derive(noun: str) -> set[str]:
    """Every adjective the suffix rules propose for a one-word disease name."""
    noun = noun.lower()
    proposals = set()
    for ending, adjective_ending in SUFFIX_RULES:
        if noun.endswith(ending) and len(noun) > len(ending) + 3:
            proposals.add(noun[: len(noun) - len(ending)] + adjective_ending)
    return proposals - {noun}


def disease_adjectives(names: Iterable[tuple[int, str]], zipf: Callable[[str], float],
                       taken: set[str]) -> dict[str, int]:
    """Attested adjective -> the one concept (index) whose one-word names derive it, from
    (concept index, name) pairs; an adjective in ``taken`` (a key already) is left out."""
    owners: dict[str, set[int]] = {}
    for index, name in names:
        if not _WORD.fullmatch(name.lower()):
            continue
        noun_zipf = zipf(name)
        for adjective in derive(name):
            frequency = zipf(adjective)
            if adjective not in taken and MIN_ATTESTED_ZIPF <= frequency < MAX_ZIPF \
                    and frequency - noun_zipf <= MAX_ZIPF_ABOVE_NOUN:
                owners.setdefault(adjective, set()).add(index)
    return {adjective: next(iter(indices)) for adjective, indices in sorted(owners.items()) if len(indices) == 1}
