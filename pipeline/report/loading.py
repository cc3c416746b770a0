"""Reading a run's output folder as plain JSON: the records, ``run.json``, the stage
counts, the rejects and duplicates, and the lines each page had before cleaning."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator, Optional

#: the stages in the order they run (the runner's order, without importing the runner)
STAGE_ORDER = ("ingest", "clean", "ner", "relations", "normalize", "export")
_DOC_ID = re.compile(rb'^\{\s*"doc_id"\s*:\s*"([^"]+)"')


def read_jsonl(path: Path) -> Iterator[dict]:
    """The objects of a JSON-lines file; nothing when it is absent, bad lines skipped."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                try:
                    value = json.loads(line)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    yield value


def read_run(out: Path) -> dict:
    """``run.json``, or an empty report when the run has none."""
    path = out / "run.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def stage_stats(out: Path, run: dict) -> list[dict]:
    """Per-stage counts and seconds from ``work/*.stats.json``, else from ``run.json``."""
    work = out / "work"
    found = {}
    for path in work.glob("*.stats.json") if work.is_dir() else ():
        try:
            stats = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        found[stats.get("stage") or path.name.split(".")[0]] = stats
    if not found:
        found = {s.get("stage"): s for s in run.get("stages") or []}
    rank = {name: index for index, name in enumerate(STAGE_ORDER)}
    return [found[name] for name in sorted(found, key=lambda n: (rank.get(n, len(rank)), n))]


class ExtractedLines:
    """The text lines of each page before cleaning (``work/extracted.jsonl``, the clean
    stage's first pass), looked up by ``doc_id``: the file is indexed by byte offset
    once and a page is parsed only when asked for."""

    def __init__(self, path: Path):
        self.path = path
        self.offsets: dict[str, int] = {}
        if path.exists():
            with open(path, "rb") as handle:
                offset = 0
                for line in handle:
                    match = _DOC_ID.match(line)
                    if match:
                        self.offsets[match.group(1).decode("utf-8", "replace")] = offset
                    offset += len(line)

    @property
    def available(self) -> bool:
        return bool(self.offsets)

    def lines(self, doc_id: str) -> Optional[list[str]]:
        """The page's lines before cleaning, or None when the page is not in the file."""
        offset = self.offsets.get(doc_id)
        if offset is None:
            return None
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            try:
                page = json.loads(handle.readline())
            except ValueError:
                return None
        lines = page.get("lines")
        return [str(line) for line in lines] if isinstance(lines, list) else None
