"""Lexical variants of organ-site neoplasm names, generated when the knowledge base is built.

MeSH names a neoplasm by the organ's adjective and the head "Neoplasms" ("Prostatic
Neoplasms, Castration-Resistant", "Hepatic Neoplasms"); writers name it by the organ's noun
and "cancer", "tumour" or "carcinoma" ("castration-resistant prostate cancer", "liver
tumours"). As the UMLS SPECIALIST lexical variant generator (lvg) derives a term's variants
by rule — inflections, spelling variants, derivations between an adjective and its noun —
each disease alias whose last two words are an organ word and a neoplasm head gives:

* head "neoplasm(s)": the organ as adjective and as noun, each with "neoplasm", "cancer",
  "tumor" and "carcinoma" (MeSH indexes "colon carcinoma" and "breast carcinoma" under the
  organ's neoplasm);
* head "cancer", "tumor" or "carcinoma": the organ's other form with the same head
  ("prostatic cancer" -> "prostate cancer"), never another head (a carcinoma is one kind of
  tumour).

The words before the organ are kept ("castration-resistant"); after "benign" a neoplasm is
a tumour only, never a cancer. Aliases with brackets or other punctuation give none. The organ table pairs an
anatomical adjective with its noun; a noun-only organ ("breast", "bladder") changes its head
only. A variant is a match key of last resort (``build.compile_kb``): it is dropped where it
is any concept's alias already, where it is a MeSH entry term of another descriptor, or
where two concepts would share it.
"""
from __future__ import annotations

import re
from typing import Iterable

#: anatomical adjective -> the organ's noun ("prostatic" -> "prostate"); ambiguous ones
#: ("cervical": neck or cervix, "mammary": an animal's gland) are left out
ORGAN_NOUNS = {
    "prostatic": "prostate", "hepatic": "liver", "renal": "kidney", "pulmonary": "lung", "gastric": "stomach",
    "colonic": "colon", "rectal": "rectum", "esophageal": "esophagus", "pancreatic": "pancreas",
    "ovarian": "ovary", "uterine": "uterus", "testicular": "testis", "splenic": "spleen", "thymic": "thymus",
    "duodenal": "duodenum", "ileal": "ileum", "jejunal": "jejunum", "cecal": "cecum", "appendiceal": "appendix",
    "anal": "anus", "laryngeal": "larynx", "pharyngeal": "pharynx", "nasopharyngeal": "nasopharynx",
    "oropharyngeal": "oropharynx", "hypopharyngeal": "hypopharynx", "tracheal": "trachea", "bronchial": "bronchus",
    "pleural": "pleura", "peritoneal": "peritoneum", "vaginal": "vagina", "vulvar": "vulva", "urethral": "urethra",
    "ureteral": "ureter", "retinal": "retina", "uveal": "uvea", "choroidal": "choroid",
    "conjunctival": "conjunctiva", "cerebellar": "cerebellum", "cutaneous": "skin", "cardiac": "heart",
    "intestinal": "intestine",
}
#: organs written as nouns in neoplasm names, which have no adjective above
NOUN_ORGANS = frozenset({"breast", "bladder", "bone", "brain", "thyroid", "pituitary", "tongue", "lip", "eye",
                         "gallbladder", "parathyroid", "adrenal"}) | frozenset(ORGAN_NOUNS.values())
_ADJECTIVE_OF = {noun: adjective for adjective, noun in ORGAN_NOUNS.items()}
NEOPLASM_HEADS = ("neoplasm", "cancer", "tumor", "carcinoma")
#: an alias of plain words: letters, digits, hyphens
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*(?: [A-Za-z0-9][A-Za-z0-9-]*)+")
#: a head and its plural, British "tumour" included (keys fold it to "tumor")
_HEAD = re.compile(r"^(neoplasm|cancer|tumou?r|carcinoma)s?$", re.I)


def organ_forms(word: str) -> tuple[str, ...]:
    """The organ's adjective and noun that ``word`` is one of, or none."""
    word = word.lower()
    if word in ORGAN_NOUNS:
        return (word, ORGAN_NOUNS[word])
    if word in NOUN_ORGANS:
        return tuple(form for form in (_ADJECTIVE_OF.get(word), word) if form)
    return ()


def neoplasm_variants(alias: str) -> set[str]:
    """The variants of one alias (lower case, singular heads; the alias itself, in any
    number, left out)."""
    if not _PLAIN.fullmatch(alias):
        return set()
    words = alias.split()
    head = _HEAD.match(words[-1])
    organs = organ_forms(words[-2])
    if head is None or not organs:
        return set()
    stem = head.group(1).lower().replace("tumour", "tumor")
    before = " ".join(words[:-2]).lower()
    heads = (stem,) if stem != "neoplasm" else ("neoplasm", "tumor") if "benign" in before.split() else NEOPLASM_HEADS
    variants = {" ".join(filter(None, (before, organ, new_head))) for organ in organs for new_head in heads}
    # the alias itself in the singular is no variant: its number is the compiler's business
    # (a plural annotated form must not bring in a singular its annotations disagree on)
    return variants - {" ".join(filter(None, (before, words[-2].lower(), stem)))}


def variants_of(aliases: Iterable[str]) -> set[str]:
    """Every variant of a concept's aliases."""
    found: set[str] = set()
    for alias in aliases:
        found |= neoplasm_variants(" ".join(alias.split()))
    return found
