"""Where a cell product's cells come from: the patients' own or a donor's.

Two cell products of one modality and one target are still two products when their cells
come from different sources: an autologous CD19 CAR-T made from each patient's T cells and
an allogeneic ("universal", "off-the-shelf", donor-derived) CD19 CAR-T made in advance
from a healthy donor's share every specific word of their names, yet an article that
studies one and names the other as background speaks of two therapies. The source of a
mention is read, by pattern, in the mention and in the modifiers right before it in its
clause ("TyU19, an allogeneic [CD19 CAR-T product]", "Autologous [CD19 CAR-T cell
therapy]"): the words back to the nearest punctuation or line break, at most
``MODIFIER_WORDS`` of them. A wording's sources are those of all its mentions; two
wordings whose sources are both known and share none name different products.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Callable, Iterable, Mapping

from ..schema import Entity

ALLOGENEIC = "allogeneic"
AUTOLOGOUS = "autologous"
#: a source word and the source it names; "cord blood" and "healthy donors" give donor cells
SOURCES = (
    (ALLOGENEIC, re.compile(r"\b(?:allogene?ic|donor[- ]derived|(?:healthy|third[- ]party|unrelated)[- ]donors?|"
                            r"universal|off[- ]the[- ]shelf|ready[- ]made|(?:umbilical )?cord[- ]blood[- ]derived)\b",
                            re.I)),
    (AUTOLOGOUS, re.compile(r"\b(?:autologous|patient[- ]derived|(?:patients?|their)['’]?s? own|self[- ]derived)\b",
                            re.I)),
)
#: how many words before a mention may modify it ("a CRISPR-edited allogeneic …")
MODIFIER_WORDS = 4
_CLAUSE_BREAK = re.compile(r"[\n,;:.()\[\]]")


def modifiers(text: str, entity: Entity) -> str:
    """The words right before the mention in its clause, at most ``MODIFIER_WORDS``."""
    before = text[max(0, entity.start - 80):entity.start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end():]
    return " ".join(before.split()[-MODIFIER_WORDS:])


def mention_sources(text: str, entity: Entity) -> frozenset[str]:
    """The sources the mention and its modifiers name: {"allogeneic"} for "an allogeneic
    [CD19 CAR-T product]"; empty when they name none."""
    words = f"{modifiers(text, entity)} {entity.text}"
    return frozenset(source for source, pattern in SOURCES if pattern.search(words))


def wording_sources(text: str, therapies: Iterable[Entity], key: Callable[[Entity], str]) -> dict[str, frozenset[str]]:
    """Each wording (folded key) mapped to the sources its mentions name."""
    found: dict[str, set[str]] = defaultdict(set)
    for entity in therapies:
        found[key(entity)] |= mention_sources(text, entity)
    return {name: frozenset(sources) for name, sources in found.items()}


def different_sources(a: str, b: str, sources: Mapping[str, frozenset[str]]) -> bool:
    """Both wordings name where their cells come from, and no source is common to both."""
    first, second = sources.get(a, frozenset()), sources.get(b, frozenset())
    return bool(first) and bool(second) and not first & second
