"""Export: ``ArticleRecord`` -> ``articles.jsonl`` and an SQLite database.

SQLite is the embedded default for downstream use: one table for articles and one each
for entities, relations, findings and citations, keyed by ``doc_id``; the full record is
kept as JSON beside the columns so that nothing in the contract is lost. Both files are
written to temporary names and renamed into place.
"""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..jsonl import atomic_writer, dump_line
from ..schema import ArticleRecord

STAGE = "export"
SQLITE_SCHEMA = """
CREATE TABLE articles (doc_id TEXT PRIMARY KEY, schema_version TEXT, source_path TEXT, source_id TEXT,
    url TEXT, title TEXT, published TEXT, site TEXT, section TEXT, text TEXT, record JSON);
CREATE TABLE entities (doc_id TEXT, entity_id TEXT, label TEXT, text TEXT, start INTEGER, end INTEGER,
    negated INTEGER, norm_id TEXT, norm_name TEXT, PRIMARY KEY (doc_id, entity_id));
CREATE TABLE relations (doc_id TEXT, type TEXT, head TEXT, tail TEXT, evidence_start INTEGER, evidence_end INTEGER);
CREATE TABLE findings (doc_id TEXT, therapy TEXT, therapy_id TEXT, disease TEXT, disease_id TEXT, target TEXT,
    patients INTEGER, follow_up_value REAL, follow_up_unit TEXT, record JSON);
CREATE TABLE citations (doc_id TEXT, doi TEXT, journal TEXT, year INTEGER, title TEXT, authors JSON);
CREATE INDEX entities_concept ON entities (label, norm_name);
CREATE INDEX findings_therapy ON findings (therapy, disease);
CREATE INDEX citations_doi ON citations (doi);
"""


def export(records: Iterable[ArticleRecord], out_dir: Path) -> Iterator[ArticleRecord]:
    """Write ``articles.jsonl`` and ``articles.sqlite`` under ``out_dir``, yielding each
    record as it is written."""
    database = out_dir / "articles.sqlite"
    temporary = database.with_name(f".{database.name}.tmp")
    temporary.unlink(missing_ok=True)
    connection = sqlite3.connect(temporary)
    try:
        connection.executescript(SQLITE_SCHEMA)
        with atomic_writer(out_dir / "articles.jsonl") as handle:
            for record in records:
                line = dump_line(record)
                handle.write(line)
                insert(connection, record, line.rstrip("\n"))
                yield record
        connection.commit()
    finally:
        connection.close()
    os.replace(temporary, database)


def insert(connection: sqlite3.Connection, record: ArticleRecord, record_json: Optional[str] = None) -> None:
    """One record's rows; ``record_json`` is its JSON when the caller has it already."""
    doc = record.doc_id
    connection.execute(
        "INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (doc, record.schema_version, record.source.path, record.source.id, record.source.url, record.title,
         record.published, record.site, record.section, record.text, record_json or record.model_dump_json()))
    connection.executemany(
        "INSERT OR REPLACE INTO entities VALUES (?,?,?,?,?,?,?,?,?)",
        [(doc, e.id, e.label, e.text, e.start, e.end, int(e.negated), e.normalized.id, e.normalized.name)
         for e in record.entities])
    connection.executemany(
        "INSERT INTO relations VALUES (?,?,?,?,?,?)",
        [(doc, r.type, r.head, r.tail, r.evidence.start, r.evidence.end) for r in record.relations])
    connection.executemany(
        "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(doc, f.therapy, f.therapy_id, f.disease, f.disease_id, f.target, f.patients,
          f.follow_up.value if f.follow_up else None, f.follow_up.unit if f.follow_up else None,
          f.model_dump_json()) for f in record.findings])
    connection.executemany(
        "INSERT INTO citations VALUES (?,?,?,?,?,?)",
        [(doc, c.doi, c.journal, c.year, c.title, json.dumps(c.authors)) for c in record.citations])
