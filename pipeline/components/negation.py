"""Negation of outcomes and adverse events, after NegEx (Chapman et al. 2001) and its
ConText extension (Harkema et al. 2009): a negation cue before a mention ("no",
"without", "none of the patients", "free of") or after it ("was not observed", "were not
reported") negates it, within its sentence and a window of tokens, unless a scope
terminator ("but", "however", "although", "except", ";") stands between them.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from .line_sentencizer import SentenceIndex
from .mention_resolver import MENTIONS

NEGATED_LABELS = frozenset({"OUTCOME", "ADVERSE_EVENT"})
WINDOW_TOKENS = 8
PRE_CUES = re.compile(
    r"\b(?:no|not|without|never|neither|nor|none(?: of (?:the|these|those) (?:patients|participants|children|subjects))?|"
    r"free (?:of|from)|absence of|absent|lack of|did not (?:have|develop|experience|show|see|observe|report)|"
    r"no (?:evidence|sign|signs|case|cases) of|ruled out|denied|no patients? (?:had|developed|experienced|showed))\b"
    r"[^.;]*$", re.I)
POST_CUES = re.compile(
    r"^[^.;]*?\b(?:(?:was|were|is|are|has been|have been) (?:not|never) (?:observed|reported|seen|detected|found|noted|"
    r"recorded)|did not occur|(?:was|were) absent|occurred in no|in none of)\b", re.I)
TERMINATORS = re.compile(r"\b(?:but|however|although|though|except|apart from|yet|whereas|while)\b|[;:]", re.I)
if not Span.has_extension("negated"):
    Span.set_extension("negated", default=False)


def is_negated(span: Span, sentences: SentenceIndex) -> bool:
    start, end = sentences.bounds(span.start)
    before = sentences.between(max(start, span.start - WINDOW_TOKENS), span.start)
    after = sentences.between(span.end, min(end, span.end + WINDOW_TOKENS))
    pre = PRE_CUES.search(before)
    if pre and not TERMINATORS.search(before[pre.start():]):
        return True
    post = POST_CUES.search(after)
    return bool(post) and not TERMINATORS.search(after[:post.start()])


@Language.component("negation")
def negation(doc: Doc) -> Doc:
    sentences = SentenceIndex(doc)
    negated = set()
    for span in doc.spans.get(MENTIONS, []):
        if span.label_ in NEGATED_LABELS and is_negated(span, sentences):
            span._.negated = True
            negated.add((span.start, span.end, span.label_))
    doc.user_data["negated"] = negated  # read back without the extension's overhead
    return doc
