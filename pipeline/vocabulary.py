"""The curated vocabulary in ``models/vocabulary/`` and the spelling rules its aliases
and the ontologies' are compiled with (case sensitivity, regular plurals)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .schema import Concept

#: the compiled vocabulary: ``pipeline/models/`` in an installed wheel (the repository's
#: top-level ``models/``, shipped as package data), else ``models/`` beside the package
_PACKAGED_MODELS = Path(__file__).resolve().parent / "models"
MODELS_DIR = _PACKAGED_MODELS if _PACKAGED_MODELS.is_dir() else Path(__file__).resolve().parent.parent / "models"
VOCABULARY_DIR = MODELS_DIR / "vocabulary"


def read_vocabulary(directory: Path = VOCABULARY_DIR) -> Iterator[Concept]:
    for path in sorted(directory.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield Concept.model_validate_json(line)


def is_case_sensitive(alias: str) -> bool:
    """Acronyms and short forms are matched case-sensitively: "ALL" is a leukemia,
    "all" is a word."""
    letters = [c for c in alias if c.isalpha()]
    return len(alias) <= 4 or (bool(letters) and sum(c.isupper() for c in letters) >= max(2, len(letters) // 2))


def plural(form: str) -> str:
    """The regular plural of a name's last word ("T cell" -> "T cells", "therapy" -> "therapies")."""
    last = form.split()[-1] if form.split() else form
    if not last.isalpha() or not last.islower() or len(last) <= 3 or last.endswith("s"):
        return form
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        return form[:-1] + "ies"
    return form + "s"
