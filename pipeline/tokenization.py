"""The tokenizer of the ner stage and of the knowledge base's keys: spaCy's English rules
with three more splits that names in biomedical text need.

spaCy splits a hyphen only between two letters or digits, so a name next to a bracket or
before a space stays glued to its punctuation, and neither the dictionary nor the
abbreviation detector sees it:

* a suspended hyphen: "ciprofloxacin- and norfloxacin-treated", "pilocarpine- and kainic
  acid-induced" (the hyphen at a word's end, before a space);
* a short form's closing bracket before a hyphen: "nitroglycerin (NTG)-induced" gives
  "NTG", ")", "-", "induced"; so does a hyphen after a stereo descriptor, "(+)-cibenzoline";
* an isotope label in square brackets: "[3H]spiperone" gives "[", "3H", "]", "spiperone".

Keys are compiled with the same tokenizer (``knowledge.build``), so a name and its key
always split alike.
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

#: a bracket closing a word before a hyphen, the hyphen after it, a square bracket inside a word
INFIXES = (r"(?<=[A-Za-z0-9])\)(?=-[A-Za-z])", r"(?<=\))-(?=[A-Za-z])", r"(?<=[A-Za-z0-9])\](?=[A-Za-z])")
#: a suspended hyphen at the end of a word of three letters or more
SUFFIXES = (r"(?<=[A-Za-z]{3})-",)
#: a hyphen opening a word ("-cibenzoline" after "(+)")
PREFIXES = (r"-(?=[A-Za-z]{3})",)


def customize(tokenizer: Tokenizer) -> Tokenizer:
    """Add the splits above to an English tokenizer, in place."""
    defaults = spacy.blank("en").Defaults
    tokenizer.infix_finditer = compile_infix_regex(list(defaults.infixes) + list(INFIXES)).finditer
    tokenizer.suffix_search = compile_suffix_regex(list(defaults.suffixes) + list(SUFFIXES)).search
    tokenizer.prefix_search = compile_prefix_regex(list(defaults.prefixes) + list(PREFIXES)).search
    return tokenizer


@lru_cache(maxsize=1)
def english_tokenizer() -> Tokenizer:
    """A stand-alone tokenizer with the stage's rules (for keys and linking)."""
    return customize(spacy.blank("en").tokenizer)
