"""The language of a page, so that a page left untranslated is rejected (``not_english``)
rather than passed to an English pipeline.

Cheap tests first, on a sample of the page's sentence-like lines: the share of Chinese,
Japanese and Korean characters among its letters (a script count: an untranslated page
is mostly Han, Kana or Hangul, a translated one at most has a bilingual masthead), then
the share of its words that are common English function words (Grefenstette 1995's
short-word method; over a fifth in any English text, near none in other languages).
Only a page that neither test settles goes to Lingua (Stahl, lingua-py: character n-gram
models with a rule-based script filter; low-accuracy mode, trigrams only), restricted to
the languages such dumps come in and built once per process.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = (Language.ENGLISH, Language.CHINESE, Language.JAPANESE, Language.KOREAN, Language.SPANISH,
             Language.FRENCH, Language.GERMAN, Language.PORTUGUESE, Language.RUSSIAN, Language.ITALIAN)
#: characters of the page looked at (its first lines after the shortest are skipped)
SAMPLE_CHARS = 3000
#: lines shorter than this (characters) are menus and labels, left out of the sample
MIN_LINE_CHARS = 20
#: too few letters to judge: the page is taken as English
MIN_LETTERS = 50
#: above this share of CJK characters among letters, a page is not English
CJK_SHARE = 0.5
#: a sample whose words are at least this share English function words is English
ENGLISH_WORD_SHARE = 0.2
ENGLISH_WORDS = frozenset(
    "the of and to in a is was were are for with that on as by at from be been has have had it its this "
    "which or an not but their they than after who also these can may more into all".split())
#: Lingua reads at most this many characters (its cost grows with the text)
LINGUA_CHARS = 1000
_WORD = re.compile(r"[a-z]+")
#: below this confidence in English, a page Lingua names in another language is rejected
MIN_ENGLISH_CONFIDENCE = 0.2


_LETTERS = re.compile(r"[^\W\d_]+")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).with_low_accuracy_mode().build()


def sample(lines: Iterable[str]) -> str:
    """The page's sentence-like lines, up to ``SAMPLE_CHARS`` characters."""
    picked: list[str] = []
    size = 0
    for line in lines:
        if len(line) >= MIN_LINE_CHARS:
            picked.append(line)
            size += len(line) + 1
            if size >= SAMPLE_CHARS:
                break
    return "\n".join(picked)[:SAMPLE_CHARS]


def foreign_language(lines: Iterable[str]) -> Optional[str]:
    """The name of the page's language when it is not English, else None."""
    text = sample(lines)
    letters = sum(map(len, _LETTERS.findall(text)))  # runs of letters: a match per word, not per letter
    if letters < MIN_LETTERS:
        return None
    cjk = "".join(_CJK_RUN.findall(text))
    if len(cjk) >= CJK_SHARE * letters:
        return _cjk_language(cjk)
    words = _WORD.findall(text.lower())
    if words and sum(map(ENGLISH_WORDS.__contains__, words)) >= ENGLISH_WORD_SHARE * len(words):
        return None
    return _lingua_verdict(text[:LINGUA_CHARS])


def _cjk_language(chars: str) -> str:
    """Kana make a page Japanese, Hangul Korean, Han alone Chinese."""
    if len(_HANGUL.findall(chars)) > len(chars) / 4:
        return "Korean"
    if len(_KANA.findall(chars)) > len(chars) / 10:
        return "Japanese"
    return "Chinese"


def _lingua_verdict(text: str) -> Optional[str]:
    found = detector().detect_language_of(text)
    if found is None or found is Language.ENGLISH:
        return None
    if detector().compute_language_confidence(text, Language.ENGLISH) >= MIN_ENGLISH_CONFIDENCE:
        return None
    return found.name.title()
