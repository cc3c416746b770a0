"""Composite disease mentions: conjuncts that share the head of the last one.

"breast and ovarian cancer", "breast/ovarian cancer" and "colorectal, endometrial, or
ovarian cancer" name one disease per conjunct with the head written once (ellipsis, as
the NCBI-disease corpus's CompositeMention marks them). The dictionary finds the last
conjunct with its head ("ovarian cancer"); the first conjunct alone ("breast") names
nothing. Here the whole coordination becomes one more mention beside the last one, linked
to the first conjunct's concept ("breast cancer"), so a record carries both diseases and
the mention covers the text as written. A conjunct counts only when it and the shared
words form a disease the knowledge base knows, so "surgery and ovarian cancer" stays as
it is.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

from ..knowledge.kb import KnowledgeBase

#: words that join conjuncts, read backwards from the last conjunct
_JOINERS = frozenset({"and", "or", "and/or", "/", ","})
#: the most conjuncts one composite holds
MAX_CONJUNCTS = 4
_LABELS = ("DISEASE",)


def composite_spans(doc: Doc, spans: list[Span], kb: KnowledgeBase) -> list[Span]:
    """A composite mention for each disease mention preceded by conjuncts of its head."""
    found = []
    for span in spans:
        if span.label_ not in _LABELS or len(span) < 2:
            continue
        composite = _composite(doc, span, kb)
        if composite is not None:
            found.append(composite)
    return found


def _composite(doc: Doc, span: Span, kb: KnowledgeBase) -> Span | None:
    """The coordination ending in ``span``, linked to its first conjunct's concept."""
    shared = [t.text for t in span[1:]]
    first, concept = None, None
    index = span.start - 1
    for _ in range(MAX_CONJUNCTS - 1):
        joined = False
        while index >= 0 and _joins(doc, index):
            joined = True
            index -= 1
        if not joined or index < 0 or not doc[index].is_alpha:
            break
        found = kb.lookup([doc[index].text, *shared], label=span.label_)
        if found is None:
            break
        first, concept = index, found
        index -= 1
    if first is None:
        return None
    return Span(doc, first, span.end, label=span.label_, kb_id=str(concept))


def _joins(doc: Doc, index: int) -> bool:
    token = doc[index]
    return token.text.lower() in _JOINERS and "\n" not in token.whitespace_
