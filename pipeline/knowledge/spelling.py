"""British and American spellings of medical words fold to one match key.

Spelling-variant normalization, as the UMLS SPECIALIST Lexicon records British and
American spellings as variants of one base form: word-internal British forms are rewritten
to the American ones before a lower-cased key is looked up, both when keys are compiled
and on text tokens at match time, so "haematuria", "oedema" and "tumour" find the keys of
"hematuria", "edema" and "tumor". Only letter sequences that are unambiguous in medical
English are rewritten: "ae"/"oe" digraphs of Greek stems (haem-, -aemia, paed-, oedema,
oesophag-, foet-, -rrhoea, -pnoea), "-our" of "tumour" and "behaviour" (not "four" or
"hour"), and "-isation". The entity's own text is never changed.

Greek letters fold to their names the same way (``folded``): protein names are written
with either ("amyloid-β", "amyloid beta"; "IL-4Rα", "TNF-alpha"), and vocabularies mostly
spell them out.
"""
from __future__ import annotations

import re

#: British letter sequence -> American; each occurs inside medical words only
_AMERICAN = {
    "haem": "hem", "aemi": "emi", "paed": "ped", "oedem": "edem", "oesophag": "esophag", "oestr": "estr",
    "foet": "fet", "rrhoea": "rrhea", "pnoea": "pnea", "coeliac": "celiac", "anaes": "anes", "aetiol": "etiol",
    "gynaec": "gynec", "caesar": "cesar", "leucocyt": "leukocyt", "tumour": "tumor", "behaviour": "behavior",
    "isation": "ization",
}
_BRITISH = re.compile("|".join(sorted(_AMERICAN, key=len, reverse=True)))
#: letter pairs at least one of which every British sequence holds: most words skip the regex
_CUES = ("ae", "oe", "our", "isat", "leuc")


def american(lowered: str) -> str:
    """The American spelling of a lower-cased word or key ("haematuria" -> "hematuria")."""
    if not any(cue in lowered for cue in _CUES):
        return lowered
    return _BRITISH.sub(lambda match: _AMERICAN[match.group()], lowered)


#: Greek letters of protein and gene names, as vocabularies spell them
_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa", "λ": "lambda",
          "θ": "theta", "ζ": "zeta", "μ": "mu", "τ": "tau", "ω": "omega"}
_GREEK_LETTER = re.compile("|".join(_GREEK))


def folded(text: str) -> str:
    """The case-folded match key of a word or name: lower-cased, Greek letters spelled out
    ("amyloid-β" -> "amyloid-beta"), in American spelling."""
    lowered = text.lower()
    if not lowered.isascii():
        lowered = _GREEK_LETTER.sub(lambda match: _GREEK[match.group()], lowered)
    return american(lowered)
