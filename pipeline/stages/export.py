"""Export: ``ArticleRecord`` -> ``articles.jsonl`` and an SQLite database.

SQLite is the embedded default for downstream use, written by
``pipeline.writers.sqlite.SqliteWriter`` into the relational schema every database
writer shares (``pipeline.writers.tables``, documented in ``docs/database.md``): one row
per article keyed by its content (``article_key``), its text stored once, and tables for
sources, concepts, entities, relations, findings, finding results, citations and runs.
Both files are written to temporary names and renamed into place. A record the
database's constraints refuse stays in ``articles.jsonl`` and is listed, with the
reason, in ``sqlite.rejects.jsonl``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..jsonl import atomic_writer, dump_line
from ..schema import ArticleRecord
from ..writers.sqlite import SqliteWriter

STAGE = "export"


def export(records: Iterable[ArticleRecord], out_dir: Path, records_sha256: Optional[str] = None
           ) -> Iterator[ArticleRecord]:
    """Write ``articles.jsonl`` and ``articles.sqlite`` under ``out_dir``, yielding each
    record as it is written. Given the sha256 of the records' file, the database's run id
    is derived from it, so the same records give the same database on every run."""
    database = out_dir / "articles.sqlite"
    temporary = database.with_name(f".{database.name}.tmp")
    for leftover in (temporary, *(temporary.with_name(temporary.name + s) for s in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    writer = SqliteWriter(temporary, output=str(out_dir), records_sha256=records_sha256,
                          run_id=f"export-{records_sha256[:16]}" if records_sha256 else None)
    with writer, atomic_writer(out_dir / "articles.jsonl") as handle:
        for record in records:
            handle.write(dump_line(record))
            writer.write([record])
            yield record
    os.replace(temporary, database)
    rejects = out_dir / "sqlite.rejects.jsonl"
    rejects.unlink(missing_ok=True)
    if writer.stats.rejects:  # a record the database's constraints refuse: said, not dropped silently
        with atomic_writer(rejects) as handle:
            handle.writelines(dump_line(reject) for reject in writer.stats.rejects)
