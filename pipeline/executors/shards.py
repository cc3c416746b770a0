"""Resumable and incremental per-record stages: each record's output kept under its key.

ner, relations and normalize turn one input record into one output item (a record or
its reject), and that item depends only on the record, the page time budget and the
pipeline's code, version and models (the knowledge base among them). So a record's key
is the SHA-256 of those, and ``OUT/work/reuse.sqlite`` keeps each stage's output items
by key. The stage reads its input in shards of ``SHARD_RECORDS``: the records of a shard
whose key is already stored are reused; the rest go to the stage (its executor's
workers), and the shard's new items are stored in one transaction. Hence:

- **resume**: a run killed at any point (even by SIGKILL) and run again into the same
  ``--out`` reuses every shard committed before the kill and processes the rest; the
  stage's output file is written again from the items in input order, so no record is
  lost or written twice;
- **incremental**: a run into a completed ``--out`` over the same dump plus new pages
  processes only the records it has no output for — the new pages, and any page whose
  input to the stage changed (an edited page, or a page clean now cleans otherwise);
- a new version, new code or models change every key: everything is processed again.

When a stage completes, items no record of this run used are deleted, so the store
holds one run's outputs (and, after a kill, the killed run's besides)."""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from pydantic import BaseModel

from ..jsonl import dump_line
from ..schema import Duplicate, Reject
from .base import batched
from .tasks import Written

log = logging.getLogger("pipeline.executors")
#: input records per shard, the unit of a commit; PIPELINE_SHARD_RECORDS overrides
SHARD_RECORDS = int(os.environ.get("PIPELINE_SHARD_RECORDS") or 1000)
STORE = "reuse.sqlite"
_KINDS: dict[str, type[BaseModel]] = {"reject": Reject, "duplicate": Duplicate}
PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of the pipeline's version, source and models (``models/kb`` included):
    what a stage's output depends on besides its input."""
    from .. import __version__

    digest = hashlib.sha256(f"version {__version__}\0".encode("utf-8"))
    for root in (PACKAGE, PACKAGE.parent / "models"):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def record_key(stage: str, seconds: Optional[float], record: BaseModel, fingerprint: Optional[str] = None) -> bytes:
    """The key of one record's output in ``stage``: its input line, the budget, the code."""
    try:
        text = dump_line(record)
    except ValueError:  # text UTF-8 cannot encode: the stage rejects the record; its key still needs it
        text = repr(record.model_dump())
    prefix = f"{stage}\0{seconds}\0{fingerprint or code_fingerprint()}\0"
    return hashlib.sha256((prefix + text).encode("utf-8", "surrogatepass")).digest()


def written(item: Any, stage: str) -> tuple[Any, str]:
    """The item as the runner writes it, and its line: a record is serialized once, here,
    for both the store and the stage's output (as the line it already is, ``Written``); a
    record that cannot be written becomes its reject (``runner._writable``)."""
    from ..runner import _writable

    item, line = _writable(item, stage)
    if isinstance(item, (Reject, Duplicate, Written)):
        return item, line
    return Written(line.removesuffix("\n")), line


@dataclass
class Tally:
    """How many input records a stage ran, and how many it took from the store."""
    processed: int = 0
    reused: int = 0


class OutputStore:
    """Output items of the per-record stages by key, in ``OUT/work/reuse.sqlite``.
    Only the process that writes the stage's output opens it (workers return items)."""

    def __init__(self, work: Path, stage: str) -> None:
        self.stage = stage
        shutil.rmtree(work / stage, ignore_errors=True)  # shard files of earlier versions
        self.db = sqlite3.connect(work / STORE, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # a commit survives a killed process (not a power cut)
        self.db.execute("CREATE TABLE IF NOT EXISTS outputs (stage TEXT NOT NULL, key BLOB NOT NULL, "
                        "generation INTEGER NOT NULL, kind TEXT NOT NULL, line TEXT NOT NULL, "
                        "PRIMARY KEY (stage, key)) WITHOUT ROWID")
        (last,) = self.db.execute("SELECT MAX(generation) FROM outputs WHERE stage = ?", (stage,)).fetchone()
        self.generation = (last or 0) + 1

    def found(self, keys: list[bytes]) -> dict[bytes, Any]:
        """The stored items of the keys that have one."""
        items: dict[bytes, Any] = {}
        for start in range(0, len(keys), 500):  # under SQLite's limit of bound parameters
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, kind, line in self.db.execute(
                    f"SELECT key, kind, line FROM outputs WHERE stage = ? AND key IN ({marks})", (self.stage, *chunk)):
                items[key] = _KINDS[kind].model_validate_json(line) if kind in _KINDS else Written(line)
        return items

    def commit(self, used: list[bytes], new: list[tuple[bytes, Any, str]]) -> None:
        """In one transaction: mark the reused keys as used by this run and store the new
        items, each with the line the runner writes for it (``written``)."""
        rows = []
        for key, item, line in new:
            kind = "reject" if isinstance(item, Reject) else "duplicate" if isinstance(item, Duplicate) else "record"
            rows.append((self.stage, key, self.generation, kind, line.removesuffix("\n")))
        self.db.execute("BEGIN")
        self.db.executemany("UPDATE outputs SET generation = ? WHERE stage = ? AND key = ?",
                            [(self.generation, self.stage, key) for key in used])
        self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?)", rows)
        self.db.execute("COMMIT")

    def forget_unused(self) -> None:
        """The stage is complete: drop the items no record of this run used."""
        self.db.execute("DELETE FROM outputs WHERE stage = ? AND generation < ?", (self.stage, self.generation))

    def close(self) -> None:
        self.db.close()


def resumable(stage: str, run_shard: Callable[[list], Iterable[Any]], records: Iterable[BaseModel], work: Path,
              seconds: Optional[float], shard_records: int = SHARD_RECORDS, tally: Optional[Tally] = None
              ) -> Iterator[Any]:
    """``run_shard`` over the records it has no stored output for, shard by shard; every
    record's item yielded in input order. ``tally`` counts processed and reused records."""
    tally = tally if tally is not None else Tally()
    store = OutputStore(work, stage)
    fingerprint = code_fingerprint()
    try:
        for shard in batched(records, shard_records):
            keys = [record_key(stage, seconds, record, fingerprint) for record in shard]
            found = store.found(keys)
            missing = [record for key, record in zip(keys, shard) if key not in found]
            results = iter(run_shard(missing) if missing else ())
            new: list[tuple[bytes, Any, str]] = []
            for key in keys:  # in input order; new items as the stage gives them, so progress counts them
                if key in found:
                    yield found[key]
                    continue
                item = next(results, None)
                if item is None:
                    raise RuntimeError(f"{stage} gave fewer items than the {len(missing)} records it was given")
                item, line = written(item, stage)
                new.append((key, item, line))
                yield item
            if next(results, None) is not None:
                raise RuntimeError(f"{stage} gave more items than the {len(missing)} records it was given")
            store.commit([key for key in keys if key in found], new)  # the shard is done: one transaction
            tally.processed += len(missing)
            tally.reused += len(shard) - len(missing)
        store.forget_unused()
    finally:
        store.close()
    if tally.reused:
        log.info(f"{stage}: {tally.reused:,} pages reused from an earlier run, {tally.processed:,} processed")
