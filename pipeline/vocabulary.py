"""Loading of the vocabularies compiled into ``models/vocabulary/`` and the surface
variants each alias is matched in (hyphen/space spellings, regular plurals)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from .schema import Concept

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
VOCABULARY_DIR = MODELS_DIR / "vocabulary"
_PLURAL_LABELS = {"CELL_TYPE", "DISEASE", "ADVERSE_EVENT", "OUTCOME", "THERAPY"}


def read_vocabulary(directory: Path = VOCABULARY_DIR) -> Iterator[Concept]:
    for path in sorted(directory.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield Concept.model_validate_json(line)


@lru_cache(maxsize=4)
def load_vocabulary(directory: Path = VOCABULARY_DIR) -> tuple[Concept, ...]:
    return tuple(read_vocabulary(directory))


def is_case_sensitive(alias: str) -> bool:
    """Acronyms and short forms are matched case-sensitively: "ALL" is a leukemia,
    "all" is a word."""
    letters = [c for c in alias if c.isalpha()]
    return len(alias) <= 4 or (bool(letters) and sum(c.isupper() for c in letters) >= max(2, len(letters) // 2))


def surface_variants(alias: str, label: str) -> set[str]:
    """The alias as written, with hyphens as spaces and the reverse, and a regular plural."""
    forms = {alias, alias.replace("-", " "), re.sub(r"(?<=\w) (?=\w)", "-", alias)}
    if label in _PLURAL_LABELS and not is_case_sensitive(alias):
        forms |= {_plural(f) for f in list(forms)}
    return {re.sub(r"\s+", " ", f).strip() for f in forms if f.strip()}


def _plural(form: str) -> str:
    last = form.split()[-1] if form.split() else form
    if not last.isalpha() or not last.islower() or len(last) <= 3 or last.endswith("s"):
        return form
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        return form[:-1] + "ies"
    return form + "s"
