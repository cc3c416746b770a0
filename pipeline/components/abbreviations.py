"""scispaCy's abbreviation detector (Schwartz & Hearst 2003) with its candidate search
done in one pass.

The detector's own ``Matcher`` pattern, "(", one or more tokens, ")", pairs every opening
bracket with every later closing one in the document, and ``filter_matches`` then keeps
only pairs at most eight tokens apart. Pairing each "(" with the ")" tokens within those
eight tokens gives the same candidates in linear time. Candidate filtering and the
long-form search are scispaCy's; later uses of a short form are found by comparing token
texts, as scispaCy's per-document matcher does, without building one.
"""
from __future__ import annotations

from bisect import bisect_right

from collections import defaultdict

from scispacy.abbreviation import AbbreviationDetector, filter_matches, find_abbreviation
from spacy.language import Language
from spacy.tokens import Doc

from .line_sentencizer import token_texts

#: scispaCy's filter_matches ignores bracketed spans of more than eight tokens
MAX_INSIDE = 8


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
        occurrences = self.find_matches_for(filter_matches(matches, doc), doc)
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
            short, long = find_abbreviation(long_candidate, short_candidate)
            if long is None or long.text in seen_long or short.text in seen_short:
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


@Language.factory("linear_abbreviation_detector")
def make_linear_abbreviation_detector(nlp: Language, name: str) -> LinearAbbreviationDetector:
    return LinearAbbreviationDetector(nlp, name)
