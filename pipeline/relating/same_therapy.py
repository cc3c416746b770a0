"""One therapy under several wordings in one article.

News text names a construct product in many ways: "CD19 CAR T cells" in the title, "CD19
CAR-T cell therapy" in the body, "the CD19-specific CAR", "anti-CD19 CAR T cells", "the
CAR-T therapy". They are one therapy and its relations belong together. Two wordings name
the same product when their specific words — what remains after modality words
("CAR", "T", "cell", "therapy") and targeting words ("anti", "specific", "directed") are
set aside — are the same and not empty; a bare modality ("CAR-T therapy") is the product
when its words are all in the product's own name and no other product of the article has
them. The wording that names the therapy as a therapy ("… therapy", "… product") rather
than as cells heads the merged relations, since "CAR T cells" also names the cells.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Mapping, Optional

from ..schema import Entity
from .cell_source import different_sources, wording_sources
from .focus import GENERIC_WORDS, fold, generic, key

_WORDS = re.compile(r"[\s\-/]+")
TARGETING = frozenset({"anti", "targeted", "targeting", "directed", "specific", "redirected"})
THERAPY_WORDING = re.compile(r"\b(?:therapy|therapies|treatment|product|immunotherapy)\b", re.I)


@lru_cache(maxsize=65536)
def _words(name: str) -> frozenset[str]:
    return frozenset(word for word in _WORDS.split(fold(name)) if word)


@lru_cache(maxsize=65536)
def specific_words(name: str) -> frozenset[str]:
    """{"cd19"} for "anti-CD19 CAR-T cell therapy"."""
    return frozenset(word for word in _words(name) if word not in TARGETING and word not in GENERIC_WORDS
                     and word.rstrip("s") not in GENERIC_WORDS)


#: modality words by kind: a CAR and an antibody against the same antigen are two therapies
KINDS = {"car": "cell", "cart": "cell", "t": "cell", "nk": "cell", "tcr": "cell", "cell": "cell", "cellular": "cell",
         "antibody": "antibody", "antibodie": "antibody", "monoclonal": "antibody", "bispecific": "antibody",
         "conjugate": "antibody", "inhibitor": "inhibitor", "vaccine": "vaccine", "gene": "gene"}


@lru_cache(maxsize=65536)
def kinds(name: str) -> frozenset[str]:
    return frozenset(KINDS[w] for w in _words(name) if w in KINDS) | frozenset(
        KINDS[w.rstrip("s")] for w in _words(name) if w.rstrip("s") in KINDS)


def same_kind(a: str, b: str) -> bool:
    return not (kinds(a) and kinds(b)) or bool(kinds(a) & kinds(b))


def wordings(product: str, names: Iterable[str], sources: Optional[Mapping[str, frozenset[str]]] = None) -> set[str]:
    """The article's names (folded keys) that are other wordings of the product;
    ``sources`` gives each name the sources of its cells (``cell_source``)."""
    names = {name for name in names if name != product and not different_sources(name, product, sources or {})}
    own = specific_words(product)
    if not own:
        return set()
    same = {name for name in names if specific_words(name) == own and same_kind(name, product)}
    others = [name for name in names - same if not generic(name)]
    modality = {name for name in names if generic(name) and _words(name) <= _words(product) | {"therapy", "therapie"}
                and not any(_words(name) <= _words(other) for other in others)}
    return same | modality


def head_mentions(product: str, therapies: list[Entity], alias: dict[str, str]) -> list[Entity]:
    """The mentions of the wording that heads the product's relations: of the wordings
    with the product's specific words, the first that names a therapy as a therapy, else
    the product's own."""
    own = specific_words(product)
    wordings = [e for e in therapies if key(e) == product or (alias.get(key(e)) == product
                                                              and specific_words(key(e)) == own)]
    if not wordings:
        return []
    head = next((e for e in wordings if THERAPY_WORDING.search(e.text)), wordings[0])
    return [e for e in wordings if key(e) == key(head)]


def merged(focus: list[str], therapies: list[Entity], described: Optional[dict[str, str]] = None,
           text: str = "") -> dict[str, str]:
    """Each other wording of a studied product, mapped to the product's key; ``described``
    adds the constructs the text puts beside a product as its description
    ("liso-cel is a CD19-directed CAR T-cell product"); ``text``, the page the mentions
    are in, tells where each wording's cells come from."""
    names = {key(e) for e in therapies}
    sources = wording_sources(text, therapies, key) if text else {}
    alias: dict[str, str] = {name: product for name, product in (described or {}).items()
                             if product in focus and name not in focus and not generic(name)}
    for product in focus:
        for name in wordings(product, names, sources):
            if name not in focus:
                alias.setdefault(name, product)
    return alias


def other_sourced(focus: list[str], therapies: list[Entity], alias: dict[str, str], text: str) -> set[str]:
    """The wordings whose cells come from a source no wording of a studied product names:
    "autologous CD19 CAR-T cell therapy" in an article on an allogeneic CD19 CAR-T. They
    are other products, whatever words they share with the studied one."""
    sources = wording_sources(text, therapies, key)
    found: set[str] = set()
    for product in focus:
        own = frozenset().union(*(sources.get(name, frozenset()) for name in [product, *alias]
                                  if name == product or alias[name] == product))
        found |= {name for name, named in sources.items() if own and named and not named & own
                  and name not in focus and name not in alias}
    return found
