"""Overlapping spans of a text as nested HTML elements.

Entity mentions may overlap (a THERAPY holding an ANTIGEN, a regimen holding its drugs)
and so may evidence spans (a sentence, a value inside it). The text is cut at every
span boundary and the spans are opened and closed with a stack, longest outermost, so
nested spans become nested elements. A span that crosses another (starts inside it and
ends after it) is closed where the other closes and reopened as a continuation part:
each span has exactly one *first* element (``mark.ent`` for an entity) and zero or more
parts, so the count of ``mark.ent`` elements is the count of entities.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, NamedTuple

from .templates import text as escape_text


class Layer(NamedTuple):
    """One span to wrap: ``first`` opens its first element, ``part`` each continuation,
    ``close`` ends either."""
    start: int
    end: int
    first: str
    part: str
    close: str
    outer: bool = False  # among spans of the same extent, opened first


def _opening_order(layer: Layer) -> tuple[int, int]:
    return (-layer.end, 0 if layer.outer else 1)


def render_layers(content: str, layers: Iterable[Layer]) -> str:
    """``content`` escaped, with every non-empty layer inside ``0..len(content)`` wrapped."""
    size = len(content)
    valid = [layer for layer in layers if 0 <= layer.start < layer.end <= size]
    starting: dict[int, list[Layer]] = defaultdict(list)
    for layer in valid:
        starting[layer.start].append(layer)
    for group in starting.values():
        group.sort(key=_opening_order)
    ends = {layer.end for layer in valid}
    bounds = sorted({0, size, *starting, *ends})
    out: list[str] = []
    stack: list[Layer] = []
    for index, position in enumerate(bounds):
        if position in ends:
            _close_ending(stack, position, out)
        for layer in starting.get(position, ()):
            out.append(layer.first)
            stack.append(layer)
        if index + 1 < len(bounds):
            out.append(escape_text(content[position:bounds[index + 1]]))
    for layer in reversed(stack):  # only layers ending at the text's end remain
        out.append(layer.close)
    return "".join(out)


def _close_ending(stack: list[Layer], position: int, out: list[str]) -> None:
    """Close the layers that end at ``position``; layers opened inside them that go on
    are closed with them and reopened as parts."""
    ending = [depth for depth, layer in enumerate(stack) if layer.end == position]
    if not ending:
        return
    depth = ending[0]
    above = stack[depth:]
    for layer in reversed(above):
        out.append(layer.close)
    del stack[depth:]
    for layer in above:
        if layer.end != position:
            out.append(layer.part)
            stack.append(layer)

