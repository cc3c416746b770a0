"""The compiled knowledge base at run time: concepts and the match keys of their aliases."""
from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, Optional

import srsly

from ..vocabulary import MODELS_DIR
from .spelling import folded

KB_FILE = MODELS_DIR / "kb" / "kb.msgpack.gz"
HYPHENS = frozenset({"-", "–", "—"})


class KbConcept(NamedTuple):
    label: str
    name: str
    id: Optional[str]
    ae_capable: bool
    xrefs: tuple[str, ...] = ()


@dataclass
class KnowledgeBase:
    concepts: list[KbConcept]
    exact: dict[str, int]
    folded: dict[str, int]
    exact_first: dict[str, int]     # first token -> tokens of the longest key it starts
    folded_first: dict[str, int]
    #: adjectives derived from disease names ("hypertensive") -> the disease's concept
    adjectives: dict[str, int] = field(default_factory=dict)

    def lookup(self, tokens: list[str], label: Optional[str] = None) -> Optional[int]:
        """The concept of an exact alias, given its tokens (hyphens dropped); case-folded
        keys have Greek letters spelled out and American spelling."""
        key = " ".join(t for t in tokens if t not in HYPHENS)
        index = self.exact.get(key)
        if index is None:
            index = self.folded.get(folded(key))
        if index is not None and (label is None or self.concepts[index].label == label):
            return index
        return None


@lru_cache(maxsize=2)
def kb_sha256(path: Path = KB_FILE) -> Optional[str]:
    """The knowledge base's SHA-256 (hex), read once per process; None when it is missing."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@lru_cache(maxsize=2)
def load_kb(path: Path = KB_FILE) -> KnowledgeBase:
    data = srsly.msgpack_loads(gzip.decompress(path.read_bytes()))
    return KnowledgeBase([KbConcept(*c[:4], tuple(c[4]) if len(c) > 4 else ()) for c in data["concepts"]], data["exact"], data["folded"],
                         data["exact_first"], data["folded_first"], data.get("adjectives", {}))
