"""scispaCy's abbreviation detector (Schwartz & Hearst 2003) with its candidate search
done in one pass.

The detector's own ``Matcher`` pattern, "(", one or more tokens, ")", pairs every opening
bracket with every later closing one in the document, and ``filter_matches`` then keeps
only pairs at most eight tokens apart. Pairing each "(" with the ")" tokens within those
eight tokens gives the same candidates in linear time. Candidate filtering and the
long-form search are scispaCy's; later uses of a short form are found by comparing token
texts, as scispaCy's per-document matcher does, without building one.

Two documented extensions find definitions the letter rule misses:

* **Hyphenated short forms** ("ataxia-telangiectasia (A-T)", "(HPT-JT)"): the tokenizer
  splits them into pieces of one letter, which scispaCy's short-form filter (every word
  2–9 characters) refuses; a bracket holding one unspaced word of letters and hyphens is
  judged as that word.
* **Initials in another order** ("myotonic dystrophy (DM)", from *dystrophia myotonica*;
  "Hodgkin lymphoma, classic (cHL)" is not one): when the letter rule fails, a short form of
  2–6 capitals is accepted when its letters are, in any order, the initials of exactly the
  words right before the bracket, one word each.
* **The mention before the bracket**: the dictionary's mention that ends right before a
  bracketed short form is its long form when it starts with the short form's first letter —
  where the letter rule fails ("cyclosporine (CsA)": no "a" in the name) and where it stops
  inside the name ("combined oral contraceptives (COCs)": the rule finds every letter in
  "contraceptives"). The short form must look like one: two capitals at least, so that a
  brand or a company in brackets ("nivolumab (Opdivo)", "(Roche)") is not taken for one; and
  the mention must not end a list ("daratumumab, bortezomib and dexamethasone (DVd)" names
  the regimen, not its last drug).
"""
from __future__ import annotations

from typing import Optional

import re
from bisect import bisect_right
from collections import defaultdict

from scispacy.abbreviation import AbbreviationDetector, filter_matches
from spacy.language import Language
from spacy.tokens import Doc, Span

from .kb_matcher import candidates
from .line_sentencizer import token_texts

#: scispaCy's filter_matches ignores bracketed spans of more than eight tokens
MAX_INSIDE = 8
#: one unspaced word of letters (and digits) joined by hyphens: "A-T", "HPT-JT"
HYPHENATED_SHORT = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+")
MAX_SHORT_CHARS = 10
#: capitals whose order may differ from their words': "DM" for "myotonic dystrophy"
INITIALS = re.compile(r"[A-Z]{2,6}")
#: words before the last item of a list, which a bracket after the list does not name alone
_LIST_WORDS = frozenset({"and", "or", ",", "plus", "+", "/", "with"})
#: a short form for the mention-before-the-bracket extension: letters and digits, two capitals at least
ABBREVIATION_LIKE = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z][A-Za-z0-9-]{1,9}")


class LinearAbbreviationDetector(AbbreviationDetector):
    def __call__(self, doc: Doc) -> Doc:
        texts = token_texts(doc)
        closers = [index for index, text in enumerate(texts) if text == ")"]
        matches = []
        for start, text in enumerate(texts):
            if text != "(":
                continue
            for end in closers[bisect_right(closers, start + 1):bisect_right(closers, start + MAX_INSIDE + 1)]:
                matches.append((0, start + 1, end))  # the bracket's contents, as scispaCy strips them
        occurrences = self.find_matches_for(filter_matches(matches, doc) + _hyphenated(matches, doc), doc)
        for long_form, short_forms in occurrences:
            for short in short_forms:
                short._.long_form = long_form
                doc._.abbreviations.append(short)
        return doc


    def find_matches_for(self, filtered, doc: Doc):
        """scispaCy's definition search, then every later use of each short form found by
        comparing token texts instead of building a matcher for each document."""
        texts = token_texts(doc)
        occurrences: dict = defaultdict(set)
        seen_long: set[str] = set()
        seen_short: set[str] = set()
        for long_candidate, short_candidate in filtered:
            short, long = short_candidate, find_long_form(long_candidate, short_candidate)
            if long is None:
                long = _initials_in_any_order(long_candidate, short_candidate)
            mention = _mention_before(long_candidate, short_candidate)
            if mention is not None and (long is None or (mention.start < long.start and mention.end == long.end)):
                long = mention
            if long is None or long.text == short.text or long.text in seen_long or short.text in seen_short:
                continue
            seen_long.add(long.text)
            seen_short.add(short.text)
            occurrences[long].add(short)
            words = [texts[i] for i in range(short.start, short.end)]
            width = len(words)
            for start in range(len(texts) - width + 1):
                if texts[start] == words[0] and texts[start:start + width] == words:
                    occurrences[long].add(doc[start:start + width])
        return list(occurrences.items())


def find_long_form(long_candidate: Span, short: Span) -> Optional[Span]:
    """Schwartz & Hearst's letter rule, as scispaCy's ``find_abbreviation`` applies it:
    the short form's letters and digits, right to left, are found in order in the long-form
    candidate, the first at the start of a word. The span starts at the token holding that
    first letter; scispaCy counts characters over the tokens' trailing whitespace while
    searching a space-joined string, so it places the start a few tokens late after tokens
    without a space ("relapsed/refractory", "T-cell") or after a line break. A long form
    never crosses a line break."""
    tokens = list(long_candidate)
    for index in range(len(tokens) - 1, -1, -1):
        if "\n" in tokens[index].text:
            tokens = tokens[index + 1:]
            break
    if not tokens:
        return None
    starts, joined, offset = [], [], 0
    for token in tokens:
        starts.append(offset)
        joined.append(token.text)
        offset += len(token.text) + 1
    long_form = " ".join(joined)
    short_form = " ".join(t.text for t in short)
    long_index, short_index = len(long_form) - 1, len(short_form) - 1
    while short_index >= 0:
        char = short_form[short_index].lower()
        if not char.isalnum():
            short_index -= 1
            continue
        while long_index >= 0 and (long_form[long_index].lower() != char or
                                   (short_index == 0 and long_index > 0 and long_form[long_index - 1].isalnum())):
            long_index -= 1
        if long_index < 0:
            return None
        long_index -= 1
        short_index -= 1
    first = bisect_right(starts, long_index + 1) - 1
    return long_candidate.doc[tokens[first].i:tokens[-1].i + 1]


def _hyphenated(matches: list[tuple[int, int, int]], doc: Doc) -> list[tuple[Span, Span]]:
    """(long-form candidate, short form) for brackets holding one hyphenated word, which
    scispaCy's filter refuses for its one-letter pieces; the long-form window is scispaCy's."""
    found = []
    for _, start, end in matches:
        short = doc[start:end]
        if end - start < 3 or start < 2 or any(t.whitespace_ for t in short[:-1]):
            continue
        if len(short.text) <= MAX_SHORT_CHARS and HYPHENATED_SHORT.fullmatch(short.text):
            letters = sum(c.isalnum() for c in short.text)
            max_words = min(letters + 5, letters * 2)
            found.append((doc[max(start - max_words - 1, 0):start - 1], short))
    return found


def _initials_in_any_order(long_candidate: Span, short: Span) -> Optional[Span]:
    """The words right before the bracket whose initials are the short form's capitals in
    another order, or None."""
    width = len(short.text)
    if not INITIALS.fullmatch(short.text) or len(long_candidate) < width:
        return None
    tail = long_candidate[-width:]
    if not all(t.is_alpha for t in tail) or sorted(t.text[0].upper() for t in tail) != sorted(short.text):
        return None
    return tail


def _mention_before(long_candidate: Span, short: Span) -> Optional[Span]:
    """The longest mention the dictionary found that ends right before the short form's
    bracket and starts with its first letter, or None."""
    doc = short.doc
    if not len(long_candidate) or long_candidate.end != short.start - 1 or doc[short.start - 1].text != "(":
        return None
    if not ABBREVIATION_LIKE.fullmatch(short.text):
        return None
    before = [s for s in candidates(doc) if s.end == long_candidate.end and s.start >= long_candidate.start
              and s.text[:1].lower() == short.text[:1].lower() and "\n" not in s.text]
    if not before:
        return None
    mention = max(before, key=lambda s: (s.end - s.start, s.label_ != "ANTIGEN"))
    return None if mention.start > 0 and doc[mention.start - 1].lower_ in _LIST_WORDS else mention


@Language.factory("linear_abbreviation_detector")
def make_linear_abbreviation_detector(nlp: Language, name: str) -> LinearAbbreviationDetector:
    return LinearAbbreviationDetector(nlp, name)
