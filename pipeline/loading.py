"""Feeding databases and other formats from a pipeline output folder.

``load(OUT, URL)`` streams ``OUT/articles.jsonl`` into PostgreSQL (``postgresql://…``)
or SQLite (``sqlite:///path``) and writes the records the database refused to
``OUT/load.rejects.jsonl``; ``convert(OUT, formats)`` writes Parquet, BioC and PubTator
beside the records.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator, Sequence

from .jsonl import atomic_writer, dump_line, file_sha256
from .writers.base import Writer, WriteStats
from .writers.relational import DatabaseWriter, RecordLine

RECORDS = "articles.jsonl"
FORMATS = ("parquet", "bioc-xml", "bioc-json", "pubtator")


def record_lines(path: Path) -> Iterator[RecordLine]:
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield RecordLine(line.rstrip(b"\n"), f"{path}#L{number}")


def database_writer(url: str, **options) -> DatabaseWriter:
    """The writer for a database URL: ``postgresql://…`` / ``postgres://…`` or ``sqlite:///path``."""
    if url.startswith(("postgresql://", "postgres://")):
        from .writers.postgres import PostgresWriter
        return PostgresWriter(url, **options)
    if url.startswith("sqlite:///"):
        from .writers.sqlite import SqliteWriter
        return SqliteWriter(Path(url[len("sqlite:///"):]), **options)
    raise ValueError(f"unsupported database URL {url!r}: use postgresql://… or sqlite:///path")


def load(out_dir: Path, url: str, batch_size: int = 500) -> WriteStats:
    """Load ``OUT/articles.jsonl`` into the database at ``url``; rejects go to
    ``OUT/load.rejects.jsonl``; the load is recorded in the ``runs`` table (its
    ``records_sha256`` filled when it ends)."""
    records = out_dir / RECORDS
    writer = database_writer(url, output=str(out_dir.resolve()), batch_size=batch_size)
    # the file's hash is computed beside the load (hashlib lets go of the GIL) and recorded
    # in the run's row when the load ends
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(file_sha256, records)
        with writer:
            writer.write(record_lines(records))
            writer.records_sha256 = digest.result()
    _write_rejects(out_dir / "load.rejects.jsonl", writer.stats)
    return writer.stats


def format_writer(out_dir: Path, name: str, records_sha256: str) -> Writer:
    if name == "parquet":
        from .writers.parquet import ParquetWriter
        return ParquetWriter(out_dir / "parquet", run_id=records_sha256[:16], output=str(out_dir.resolve()),
                             records_sha256=records_sha256)
    if name in ("bioc-xml", "bioc-json"):
        from .writers.bioc import BiocJsonWriter, BiocXmlWriter
        kind = BiocXmlWriter if name == "bioc-xml" else BiocJsonWriter
        return kind(out_dir / f"articles.bioc.{name.split('-')[1]}")
    if name == "pubtator":
        from .writers.pubtator import PubtatorWriter
        return PubtatorWriter(out_dir / "articles.pubtator")
    raise ValueError(f"unknown format {name!r}: one of {', '.join(FORMATS)}")


def convert(out_dir: Path, formats: Sequence[str]) -> dict[str, WriteStats]:
    """Write ``OUT/articles.jsonl`` in each of ``formats`` beside it."""
    import json
    records = out_dir / RECORDS
    sha = file_sha256(records)
    done = {}
    for name in formats:
        writer = format_writer(out_dir, name, sha)
        with writer:
            writer.write(json.loads(item.line) for item in record_lines(records))
        done[name] = writer.stats
    return done


def _write_rejects(path: Path, stats: WriteStats) -> None:
    with atomic_writer(path) as handle:
        for item in stats.rejects:
            handle.write(dump_line(item))
