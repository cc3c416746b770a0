"""What the SQLite and PostgreSQL writers share: records to rows, rows in batches, one
transaction per batch, and a batch that breaks a constraint retried record by record so
that only the records at fault are rejected (each whole: never half-loaded).

An article already stored with the same record hash is left as it is (loading the same
output twice changes nothing); one stored with another hash — a newer run of it, or the
same article re-crawled through other boilerplate — has its row updated and its child
rows replaced in the same transaction.

For a database server (PostgreSQL), records are parsed and turned into rows in a thread
of their own, one batch ahead of the database: while the server stores batch *n* (the
client waits on its socket, the GIL free), batch *n + 1* is being built, so that two
cores both work.
"""
from __future__ import annotations

import hashlib
import queue
import threading
from abc import abstractmethod
from dataclasses import dataclass
from itertools import islice
from typing import Any, Iterable, Iterator, Optional

import orjson

from .base import Writer, new_run_id, reject, utc_now
from .tables import article_rows, record_sha256, records_of, run_row

BATCH_ARTICLES = 500


@dataclass(frozen=True)
class RecordLine:
    """A record as read from ``articles.jsonl``: its line (UTF-8 bytes, without the line
    break) is parsed once and hashed as is."""
    line: bytes
    where: str = ""


def given_record(item: Any) -> Any:
    """The record (its JSON form) of what ``_parse`` gives as the record given."""
    return orjson.loads(item.line) if isinstance(item, RecordLine) else item


class DatabaseWriter(Writer):
    """A writer into a relational database; subclasses connect and merge a batch."""

    stage = "load"
    #: whether the database works in a process of its own, so that building the next batch
    #: in a thread overlaps with it (an embedded one would only contend for the GIL)
    server_process = True
    #: exceptions that mean "this data breaks a constraint", not "the database is gone"
    constraint_errors: tuple[type[BaseException], ...] = ()

    def __init__(self, run_id: Optional[str] = None, output: str = "", records_sha256: Optional[str] = None,
                 batch_size: int = BATCH_ARTICLES) -> None:
        super().__init__()
        self.run_id = run_id or new_run_id()
        self.output = output
        self.records_sha256 = records_sha256
        self.batch_size = batch_size
        self.started_at = utc_now()
        self._batch: list[tuple[Any, Any]] = []

    # -- what a database provides
    @abstractmethod
    def _connect(self) -> None: ...

    @abstractmethod
    def _create_schema(self) -> None: ...

    @abstractmethod
    def _save_run(self, row: tuple) -> None:
        """Insert or update the ``runs`` row and commit."""

    @abstractmethod
    def _merge(self, batch: list[Any]) -> tuple[int, int]:
        """Store a batch (what ``_build`` gives, one per article) in one transaction;
        return (articles written, unchanged)."""

    @abstractmethod
    def _rollback(self) -> None: ...

    def _finish(self) -> None:
        """What a database does once every batch is stored (nothing here)."""

    def _build(self, record: dict, sha256: str, line: Optional[bytes]) -> Any:
        """The rows of one record (parsed from ``line``, where given) in the form ``_merge``
        takes (``ArticleRows`` here); a subclass may build another form, with an
        ``article_key`` all the same."""
        return article_rows(record, self.run_id, sha256)

    @abstractmethod
    def _disconnect(self) -> None: ...

    # -- the interface
    def open(self) -> "DatabaseWriter":
        self._connect()
        self._create_schema()
        self._save_run(self._run_row(finished=False))
        return self

    def write(self, records: Iterable[Any]) -> None:
        chunks = (self._chunk_rows(items) for items in _chunks(records, self.batch_size))
        for chunk in (prefetched(chunks) if self.server_process else chunks):
            self._batch.extend(chunk)
            if len(self._batch) >= self.batch_size:
                self.flush()

    def flush(self) -> None:
        batch, self._batch = _latest_per_article(self._batch), []
        if not batch:
            return
        try:
            self._count(self._merge([rows for _, rows in batch]))
        except self.constraint_errors:
            self._rollback()
            for record, rows in batch:
                try:
                    self._count(self._merge([rows]))
                except self.constraint_errors as error:
                    self._rollback()
                    self.stats.rejects.append(reject(given_record(record), self.stage, _reason(error)))

    def close(self) -> None:
        try:
            self.flush()
            self._finish()
            self._save_run(self._run_row(finished=True))
        finally:
            self._disconnect()

    # -- helpers
    def _chunk_rows(self, items: list) -> list[tuple[Any, Any]]:
        """(the record as given, its rows) for each record of a chunk that gives rows; a
        subclass may first ask the database which records it need not build."""
        found = []
        for item in items:
            parsed = self._parse(item)
            rows = parsed and self._built(*parsed)
            if rows is not None:
                found.append((parsed[0], rows))
        return found

    def _parse(self, item: Any) -> Optional[tuple[Any, dict, str, Optional[bytes]]]:
        """(the record as given, its JSON form, its hash, its line or None), or None for a
        record that cannot be read (rejected). A line is parsed once and hashed as read;
        what is kept of it is the line itself: a batch of parsed records kept alive cost
        more to allocate and free than the rows, and a rejected record is simply parsed
        again (``given_record``)."""
        self.stats.read += 1
        try:
            if isinstance(item, RecordLine):
                return item, orjson.loads(item.line), hashlib.sha256(item.line).hexdigest(), item.line
            record = next(iter(records_of([item])))
            return record, record, record_sha256(record), None
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            self._reject_unbuilt(item, {}, error)
            return None

    def _built(self, given: Any, record: dict, sha256: str, line: Optional[bytes]) -> Any:
        """The record's rows (``_build``), or None if it lacks what a row needs (rejected)."""
        try:
            return self._build(record, sha256, line)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            self._reject_unbuilt(given, record, error)
            return None

    def _reject_unbuilt(self, given: Any, record: Any, error: BaseException) -> None:
        where = given.where if isinstance(given, RecordLine) else None
        self.stats.rejects.append(reject(record if isinstance(record, dict) else {}, self.stage,
                                         f"{type(error).__name__}: {error}", where))

    def _count(self, counts: tuple[int, int]) -> None:
        self.stats.written += counts[0]
        self.stats.unchanged += counts[1]

    def _run_row(self, finished: bool) -> tuple:
        return run_row(self.run_id, self.output, self.records_sha256, self.name, self.started_at,
                       utc_now() if finished else None, self.stats.read, self.stats.written,
                       self.stats.unchanged, len(self.stats.rejects))


def _chunks(items: Iterable[Any], size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


_DONE = object()


def prefetched(items: Iterable[Any], depth: int = 1) -> Iterator[Any]:
    """``items`` in order, produced by a thread that keeps up to ``depth`` of them ready;
    an exception in the producer is raised here."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                ready.put((item, None))
            ready.put((_DONE, None))
        except BaseException as error:  # handed to the consumer
            ready.put((_DONE, error))

    producer = threading.Thread(target=produce, name="rows", daemon=True)
    producer.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        while producer.is_alive():   # unblock a producer waiting on a full queue
            try:
                ready.get(timeout=0.1)
            except queue.Empty:
                pass
        producer.join()


def _latest_per_article(batch: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """One entry per article key, the last given (a later version supersedes an earlier one)."""
    latest: dict[str, tuple[Any, Any]] = {}
    for record, rows in batch:
        latest.pop(rows.article_key, None)
        latest[rows.article_key] = (record, rows)
    return list(latest.values())


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())}"
