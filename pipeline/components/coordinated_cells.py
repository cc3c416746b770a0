"""Coordinated marker-defined cell populations split into one mention each.

"CD4+ and CD8+ CAR T cells" names two cell types that share a head: "CD4+ CAR T cells"
and "CD8+ CAR T cells" (the same ellipsis as "B- and T-cell lymphomas"). The pattern
component finds the phrase as one span; here each marker becomes its own mention — the
first covers its marker and is named with the shared head, the last keeps the head.
"""
from __future__ import annotations

import re

from ..schema import Entity, Normalized

_MARKER = r"CD\d{1,3}[a-z]?(?:\+|−|-positive|-negative)"
COORDINATED = re.compile(rf"^(?P<markers>{_MARKER}(?:\s*(?:,|/|and|or|,\s*and)\s*{_MARKER})+)\s+(?P<head>\S.*)$")
_ONE_MARKER = re.compile(_MARKER)


def split_coordinated(entities: list[Entity]) -> list[Entity]:
    """The entities with each coordinated cell mention split; ids renumbered in order."""
    split: list[Entity] = []
    for entity in entities:
        match = COORDINATED.match(entity.text) if entity.label == "CELL_TYPE" else None
        if match is None:
            split.append(entity)
            continue
        markers = list(_ONE_MARKER.finditer(match.group("markers")))
        head = match.group("head")
        for marker in markers[:-1]:
            split.append(entity.model_copy(update=dict(
                text=marker.group(0), start=entity.start + marker.start(), end=entity.start + marker.end(),
                normalized=Normalized(id=None, name=f"{marker.group(0)} {head}"))))
        last = markers[-1]
        split.append(entity.model_copy(update=dict(text=entity.text[last.start():], start=entity.start + last.start(),
                                                   normalized=None)))
    if len(split) == len(entities):
        return entities
    return [e.model_copy(update=dict(id=f"e{number}")) for number, e in enumerate(split, 1)]
