"""The one interface every output writer follows, datatrove-style::

    with SqliteWriter(path) as writer:
        writer.write(records)

``open`` prepares the destination, ``write`` takes any number of records (models or their
JSON form) and may be called more than once, ``close`` finishes it. A writer that can
refuse a record (a database constraint) reports it in ``rejects`` with the reason and
never keeps part of it.
"""
from __future__ import annotations

import secrets
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from ..schema import Reject, RejectReason, Source


@dataclass
class WriteStats:
    """What a writer did with the records it was given."""
    read: int = 0
    written: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)


class Writer(ABC):
    """Base of all writers: a context manager around ``open``/``write``/``close``."""

    #: short name used in ``runs.writer`` and on the command line
    name: str = "writer"

    def __init__(self) -> None:
        self.stats = WriteStats()

    def open(self) -> "Writer":
        return self

    @abstractmethod
    def write(self, records: Iterable[Any]) -> None:
        """Write records (``ArticleRecord`` or its JSON form as a dict)."""

    def close(self) -> None:
        pass

    def __enter__(self) -> "Writer":
        return self.open()

    def __exit__(self, kind, error, traceback) -> None:
        self.close()


def new_run_id() -> str:
    """A run id that sorts by time: ``20261204T165501Z-3fa2c1``."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(3)


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def reject(record: Any, stage: str, detail: str, where: Optional[str] = None) -> Reject:
    """A ``Reject`` for a record a writer refused, with the database's reason."""
    source = record.get("source") if isinstance(record, dict) else None
    if isinstance(source, dict) and "path" in source and "id" in source:
        origin = Source(path=str(source["path"]), id=str(source["id"]), url=source.get("url"))
    else:
        origin = Source(path=where or "?", id=where or "?")
    doc_id = record.get("doc_id") if isinstance(record, dict) else None
    return Reject(source=origin, stage=stage, reason=RejectReason.INVALID_RECORD, detail=detail[:500],
                  doc_id=doc_id if isinstance(doc_id, str) else None)
