"""Resumable per-record stages: a stage's output kept shard by shard.

The records a stage reads are cut into shards of ``SHARD_RECORDS``; each shard's output
(records, rejects and duplicates, in order) is written atomically to
``OUT/work/<stage>/shard-XXXXX.jsonl`` under a key: the SHA-256 of the shard's input
records, the page time budget and the pipeline's code and models. A run killed at any
point (even by SIGKILL) and run again into the same ``--out`` reuses every completed shard
whose key still matches and processes the rest; the stage's output file is then written
from the shards in order, so no record is lost or written twice. Changed code, models or
input change the key, so a stale shard is never reused."""
from __future__ import annotations

import hashlib
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from pydantic import BaseModel

from ..jsonl import atomic_writer, dump_line
from ..schema import Duplicate, Reject
from .base import batched
from .tasks import Written

log = logging.getLogger("pipeline.executors")
#: input records per shard; PIPELINE_SHARD_RECORDS overrides
SHARD_RECORDS = int(os.environ.get("PIPELINE_SHARD_RECORDS") or 1000)
_KINDS: dict[str, type[BaseModel]] = {"reject": Reject, "duplicate": Duplicate}
PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of the pipeline's source and models: what a stage's output depends on
    besides its input."""
    digest = hashlib.sha256()
    for root in (PACKAGE, PACKAGE.parent / "models"):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def shard_key(stage: str, seconds: Optional[float], records: list[BaseModel]) -> str:
    digest = hashlib.sha256(f"{stage}\0{seconds}\0{code_fingerprint()}\0".encode("utf-8"))
    for record in records:
        try:
            text = dump_line(record)
        except ValueError:  # text UTF-8 cannot encode: the stage rejects the record; its key still needs it
            text = repr(record.model_dump())
        digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class ShardStore:
    """The completed shards of one stage, in ``OUT/work/<stage>/``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.glob(".*.tmp"):  # a killed writer's temporary
            leftover.unlink(missing_ok=True)

    def path(self, number: int) -> Path:
        return self.folder / f"shard-{number:05d}.jsonl"

    def load(self, number: int, key: str) -> Optional[list[BaseModel]]:
        """The shard's output, or None when it is missing or was made from other input."""
        path = self.path(number)
        if not path.exists():
            return None
        with open(path, encoding="utf-8") as handle:
            if handle.readline().rstrip("\n") != key:
                return None
            items: list[Any] = []
            for line in handle:
                kind, _, text = line.partition("\t")
                items.append(_KINDS[kind].model_validate_json(text) if kind in _KINDS else Written(text.rstrip("\n")))
            return items

    def save(self, number: int, key: str, items: list[Any]) -> list[Any]:
        """Write the shard atomically — its key line, then one ``kind<TAB>json`` line an
        item — and give back the items as written (a record that cannot be written is
        the reject the runner would write for it)."""
        from ..runner import _writable

        written = []
        with atomic_writer(self.path(number)) as handle:
            handle.write(key + "\n")
            for item in items:
                item, line = _writable(item, self.folder.name)
                kind = "reject" if isinstance(item, Reject) else "duplicate" if isinstance(item, Duplicate) else "record"
                handle.write(f"{kind}\t{line}")
                written.append(item)
        return written

    def remove_from(self, number: int) -> None:
        """Drop the shards past the stage's last one (left by a run over a longer input)."""
        for path in self.folder.glob("shard-*.jsonl"):
            if int(path.stem.split("-")[1]) >= number:
                path.unlink(missing_ok=True)


def resumable(stage: str, run_shard: Callable[[list], Iterable[Any]], records: Iterable[BaseModel], work: Path,
              seconds: Optional[float], shard_records: int = SHARD_RECORDS) -> Iterator[Any]:
    """``run_shard`` over the records shard by shard, completed shards reused."""
    store = ShardStore(work / stage)
    reused = count = 0
    for count, shard in enumerate(batched(records, shard_records), 1):
        key = shard_key(stage, seconds, shard)
        done = store.load(count - 1, key)
        if done is None:
            done = store.save(count - 1, key, list(run_shard(shard)))
        else:
            reused += len(shard)
        yield from done
    store.remove_from(count)
    if reused:
        log.info(f"{stage}: {reused:,} pages reused from the shards of an earlier run")
