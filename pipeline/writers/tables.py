"""The relational schema of article records, one definition for SQLite and PostgreSQL
(and the column order of the Parquet tables), and the rows of one record.

Tables, parents first::

    runs, sources, concepts -> articles -> entities, citations -> relations, findings -> finding_results

Rows are built from a record's JSON form (the contract, ``ArticleRecord.model_dump()``),
so a loader need not validate every record with pydantic: the database's keys and
checks reject what does not fit. ``tests/test_writers.py`` checks that every field of
the pydantic models has its column.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

import orjson

from ..keys import article_key, citation_key, entity_key, finding_key, relation_key, source_key

Row = tuple


@dataclass(frozen=True)
class Column:
    name: str
    type: str                       # key, text, int, real, bool, date, json
    nullable: bool = True
    check: Optional[str] = None     # an SQL expression on the column, the same in both dialects


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()   # (column, parent table, parent column)
    unique: tuple[tuple[str, ...], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    #: the column holding the article key, by which a changed article's rows are replaced
    article_column: Optional[str] = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


#: columns holding keys (or referring to them): text compared byte by byte (see SQL_TYPES)
KEY_COLUMNS = {"run_id", "source_key", "concept_id", "article_key", "entity_key", "relation_key", "head_key",
               "tail_key", "finding_key", "therapy_id", "disease_id", "therapy_entity_key", "disease_entity_key",
               "result_key", "citation_key"}


def _c(name: str, type_: str = "text", nullable: bool = True, check: Optional[str] = None) -> Column:
    if type_ == "text" and name in KEY_COLUMNS:
        type_ = "key"
    return Column(name, type_, nullable, check)


UNITS = "('day','week','month','year')"
LABELS = "('THERAPY','CELL_TYPE','ANTIGEN','DISEASE','OUTCOME','ADVERSE_EVENT')"
RELATION_TYPES = "('TREATS','TARGETS','USES_CELL_TYPE','HAS_OUTCOME','CAUSES_ADVERSE_EVENT')"

RUNS = Table("runs", (
    _c("run_id", nullable=False), _c("output"), _c("records_sha256"), _c("writer"),
    _c("started_at"), _c("finished_at"), _c("records_read", "int"), _c("articles_written", "int"),
    _c("articles_unchanged", "int"), _c("rejected", "int")), ("run_id",))

SOURCES = Table("sources", (
    _c("source_key", nullable=False), _c("path", nullable=False), _c("source_id", nullable=False), _c("url")),
    ("source_key",))

CONCEPTS = Table("concepts", (
    _c("concept_id", nullable=False), _c("label", nullable=False, check=f"label IN {LABELS}"),
    _c("name", nullable=False), _c("xrefs", "json")), ("concept_id",), indexes=(("name",),))

ARTICLES = Table("articles", (
    _c("article_key", nullable=False), _c("doc_id", nullable=False), _c("schema_version", nullable=False),
    _c("source_key", nullable=False), _c("run_id", nullable=False), _c("record_sha256", nullable=False),
    _c("title"), _c("published", "date"), _c("site"), _c("section"), _c("journal"),
    _c("text", nullable=False), _c("warnings", "json")),
    ("article_key",),
    foreign_keys=(("source_key", "sources", "source_key"), ("run_id", "runs", "run_id")),
    indexes=(("published",), ("journal",), ("doc_id",)), article_column="article_key")

def _under_article(key_column: str) -> str:
    """The check that a child's key begins with its article's key and a colon, so that the
    primary key's index finds an article's rows (``article_key_bounds``)."""
    return f"substr({key_column}, 1, length(article_key) + 1) = article_key || ':'"


ENTITIES = Table("entities", (
    _c("entity_key", nullable=False, check="entity_key = article_key || ':' || entity_id"),
    _c("article_key", nullable=False), _c("entity_id", nullable=False),
    _c("label", nullable=False, check=f"label IN {LABELS}"), _c("text", nullable=False),
    _c("start_offset", "int", False, "start_offset >= 0"), _c("end_offset", "int", False, "end_offset > start_offset"),
    _c("negated", "bool", False), _c("name", nullable=False, check="length(name) > 0"), _c("concept_id")),
    ("entity_key",),
    foreign_keys=(("article_key", "articles", "article_key"), ("concept_id", "concepts", "concept_id")),
    # (article_key, entity_id) is unique through the primary key and its check
    indexes=(("concept_id",),), article_column="article_key")

RELATIONS = Table("relations", (
    _c("relation_key", nullable=False, check=_under_article("relation_key")), _c("article_key", nullable=False),
    _c("type", nullable=False, check=f"type IN {RELATION_TYPES}"),
    _c("head_key", nullable=False), _c("tail_key", nullable=False),
    _c("evidence_start", "int", False, "evidence_start >= 0"), _c("evidence_end", "int", False)),
    ("relation_key",),
    # the article is the head's (the keys say so): no foreign key of its own, one check less a row
    foreign_keys=(("head_key", "entities", "entity_key"), ("tail_key", "entities", "entity_key")),
    indexes=(("head_key",), ("tail_key",)), article_column="article_key")

FINDINGS = Table("findings", (
    _c("finding_key", nullable=False, check=_under_article("finding_key")), _c("article_key", nullable=False),
    _c("position", "int", False),
    _c("therapy", nullable=False), _c("therapy_id"), _c("disease"), _c("disease_id"), _c("target"),
    _c("cell_types", "json"), _c("outcomes", "json"), _c("adverse_events", "json"),
    _c("patients", "int", check="patients >= 0"),
    _c("follow_up_value", "real"), _c("follow_up_unit", check=f"follow_up_unit IN {UNITS}"),
    _c("therapy_entity_key"), _c("disease_entity_key"),
    _c("patients_start", "int"), _c("patients_end", "int"), _c("follow_up_start", "int"), _c("follow_up_end", "int"),
    _c("age_kind"), _c("age_value", "real"), _c("age_low", "real"), _c("age_high", "real"), _c("age_unit"),
    _c("age_start", "int"), _c("age_end", "int"),
    _c("phase"), _c("trial"), _c("citation")),
    ("finding_key",),
    foreign_keys=(("article_key", "articles", "article_key"), ("therapy_id", "concepts", "concept_id"),
                  ("disease_id", "concepts", "concept_id"), ("therapy_entity_key", "entities", "entity_key"),
                  ("disease_entity_key", "entities", "entity_key")),
    indexes=(("therapy_id", "disease_id"), ("disease_id",), ("therapy", "disease"), ("citation",),
             ("therapy_entity_key",), ("disease_entity_key",)),
    article_column="article_key")

FINDING_RESULTS = Table("finding_results", (
    _c("result_key", nullable=False, check=_under_article("result_key")), _c("finding_key", nullable=False),
    _c("article_key", nullable=False),
    _c("kind", nullable=False, check="kind IN ('outcome','adverse_event')"), _c("position", "int", False),
    _c("name", nullable=False), _c("entity_key", nullable=False), _c("negated", "bool", False), _c("grade"),
    _c("value", "real"), _c("unit"), _c("evidence_start", "int"), _c("evidence_end", "int")),
    ("result_key",),
    foreign_keys=(("finding_key", "findings", "finding_key"), ("entity_key", "entities", "entity_key")),
    indexes=(("finding_key",), ("kind", "name"), ("entity_key",)),
    article_column="article_key")

CITATIONS = Table("citations", (
    _c("citation_key", nullable=False, check=_under_article("citation_key")), _c("article_key", nullable=False),
    _c("position", "int", False),
    _c("doi"), _c("journal"), _c("year", "int"), _c("title"), _c("authors", "json")),
    ("citation_key",),
    foreign_keys=(("article_key", "articles", "article_key"),),
    indexes=(("doi",),), article_column="article_key")

#: every table, parents before children (the order rows are inserted in)
TABLES: tuple[Table, ...] = (RUNS, SOURCES, CONCEPTS, ARTICLES, ENTITIES, CITATIONS, RELATIONS, FINDINGS,
                             FINDING_RESULTS)
BY_NAME = {t.name: t for t in TABLES}
#: tables whose rows belong to one article, children first (the order they are deleted in)
ARTICLE_CHILDREN: tuple[Table, ...] = (FINDING_RESULTS, FINDINGS, RELATIONS, CITATIONS, ENTITIES)

#: views over the tables, the same SQL in both dialects. ``findings_named``: each finding
#: with the canonical names of its therapy and disease — the names of the entities it is
#: linked to (the concepts' names where linked), beside ``therapy_id``/``disease_id`` —
#: while ``findings.therapy``/``disease`` keep the words of the article. New columns of
#: ``findings`` come last (``f.*``), so that ``CREATE OR REPLACE VIEW`` accepts them.
VIEWS = {
    "findings_named": (
        "SELECT coalesce(t.name, f.therapy) AS therapy_name, "
        "coalesce(d.name, f.disease) AS disease_name, f.* FROM findings f "
        "LEFT JOIN entities t ON t.entity_key = f.therapy_entity_key "
        "LEFT JOIN entities d ON d.entity_key = f.disease_entity_key"),
}

#: ``key`` columns are ``COLLATE "C"`` in PostgreSQL: compared byte by byte (the order
#: ``article_key_bounds`` relies on), index upkeep skips the locale's string comparison
#: (about a tenth of the server's work on a load)
SQL_TYPES = {
    "sqlite": {"key": "TEXT", "text": "TEXT", "int": "INTEGER", "real": "REAL", "bool": "INTEGER", "date": "TEXT",
               "json": "TEXT"},
    "postgresql": {"key": 'TEXT COLLATE "C"', "text": "TEXT", "int": "BIGINT", "real": "DOUBLE PRECISION",
                   "bool": "BOOLEAN", "date": "DATE", "json": "JSONB"},
}


def table_statements(dialect: str) -> list[str]:
    """``CREATE TABLE`` statements (idempotent), parents first, with their keys and checks."""
    types = SQL_TYPES[dialect]
    statements = []
    for table in TABLES:
        parts = []
        for column in table.columns:
            part = f"{column.name} {types[column.type]}" + ("" if column.nullable else " NOT NULL")
            if column.check:
                part += f" CHECK ({column.check})"
            parts.append(part)
        parts.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
        parts += [f"UNIQUE ({', '.join(u)})" for u in table.unique]
        parts += [f"FOREIGN KEY ({c}) REFERENCES {p} ({pc})" for c, p, pc in table.foreign_keys]
        statements.append(f"CREATE TABLE IF NOT EXISTS {table.name} (\n    " + ",\n    ".join(parts) + "\n)")
    return statements


def index_name(table: Table, columns: tuple[str, ...]) -> str:
    return f"{table.name}_{'_'.join(columns)}"


def index_statements(tables: Iterable[Table] = TABLES) -> list[str]:
    """``CREATE INDEX`` statements (idempotent, the same in both dialects) for the indexes
    of ``tables`` beside their keys."""
    return [f"CREATE INDEX IF NOT EXISTS {index_name(table, columns)} ON {table.name} ({', '.join(columns)})"
            for table in tables for columns in table.indexes]


def view_statements(dialect: str) -> list[str]:
    create_view = "CREATE VIEW IF NOT EXISTS" if dialect == "sqlite" else "CREATE OR REPLACE VIEW"
    return [f"{create_view} {name} AS {query}" for name, query in VIEWS.items()]


def create_statements(dialect: str) -> list[str]:
    """``CREATE TABLE``, ``CREATE INDEX`` and ``CREATE VIEW`` statements (idempotent) for
    ``sqlite`` or ``postgresql``."""
    return table_statements(dialect) + index_statements() + view_statements(dialect)


def article_key_bounds(key: str) -> tuple[str, str]:
    """Every key of an article's child rows lies in [low, high) (byte order): it begins with
    the article key and a colon (checked by the schema), and ';' follows ':'."""
    return key + ":", key + ";"


@dataclass
class ArticleRows:
    """The rows one record gives, by table; ``article_key`` names the article."""
    article_key: str
    record_sha256: str
    tables: dict[str, list[Row]] = field(default_factory=dict)


def _json(value: Any) -> Optional[str]:
    # orjson writes what json.dumps(ensure_ascii=False, separators=(",", ":")) does, ten times faster
    return None if value is None else orjson.dumps(value).decode()


def _span(evidence: Optional[dict]) -> tuple[Optional[int], Optional[int]]:
    return (evidence["start"], evidence["end"]) if evidence else (None, None)


def record_sha256(line_or_record: Any) -> str:
    """sha256 of the record's canonical JSON: what tells a newer version of an article."""
    if not isinstance(line_or_record, str):
        line_or_record = json.dumps(line_or_record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(line_or_record.encode("utf-8")).hexdigest()


def article_rows(record: dict, run_id: str, sha256: Optional[str] = None) -> ArticleRows:
    """Every row of one record (a dict in the contract's JSON form), ``runs`` excepted;
    raises ``KeyError``/``TypeError``/``ValueError`` on a record that lacks what a row needs."""
    key = record.get("article_key") or article_key(record.get("title"), record["text"])
    source = record["source"]
    source_row = (source_key(source["path"], source["id"], source.get("url")), source["path"], source["id"],
                  source.get("url"))
    rows = ArticleRows(key, sha256 or record_sha256(record))
    rows.tables["sources"] = [source_row]
    rows.tables["articles"] = [(
        key, record["doc_id"], record.get("schema_version") or "1", source_row[0], run_id, rows.record_sha256,
        record.get("title"), record.get("published"), record.get("site"), record.get("section"),
        record.get("journal"), record["text"], _json(record.get("warnings") or []))]
    concepts: dict[str, Row] = {}
    entities = []
    for e in record["entities"]:
        normalized = e["normalized"]
        concept = normalized.get("id")
        if concept and concept not in concepts:
            concepts[concept] = (concept, e["label"], normalized["name"], _json(normalized.get("xrefs") or []))
        entities.append((entity_key(key, e["id"]), key, e["id"], e["label"], e["text"], e["start"], e["end"],
                         bool(e.get("negated")), normalized["name"], concept))
    rows.tables["concepts"] = list(concepts.values())
    rows.tables["entities"] = entities
    rows.tables["citations"] = [
        (citation_key(key, i), key, i, c.get("doi"), c.get("journal"), c.get("year"), c.get("title"),
         _json(c.get("authors") or []))
        for i, c in enumerate(record.get("citations") or [])]
    rows.tables["relations"] = [
        (relation_key(key, r["type"], r["head"], r["tail"]), key, r["type"], entity_key(key, r["head"]),
         entity_key(key, r["tail"]), r["evidence"]["start"], r["evidence"]["end"])
        for r in record.get("relations") or []]
    findings, results = [], []
    for i, f in enumerate(record.get("findings") or []):
        fkey = finding_key(key, i, f["therapy"], f.get("disease"))
        follow_up = f.get("follow_up") or {}
        age = f.get("age") or {}
        findings.append((
            fkey, key, i, f["therapy"], f.get("therapy_id"), f.get("disease"), f.get("disease_id"), f.get("target"),
            _json(f.get("cell_types") or []), _json(f.get("outcomes") or []), _json(f.get("adverse_events") or []),
            f.get("patients"), follow_up.get("value"), follow_up.get("unit"),
            entity_key(key, f["therapy_entity"]) if f.get("therapy_entity") else None,
            entity_key(key, f["disease_entity"]) if f.get("disease_entity") else None,
            *_span(f.get("patients_evidence")), *_span(f.get("follow_up_evidence")),
            age.get("kind"), age.get("value"), age.get("low"), age.get("high"), age.get("unit"),
            *_span(age.get("evidence")), f.get("phase"), f.get("trial"), f.get("citation")))
        for kind, items in (("outcome", f.get("outcome_results") or []),
                            ("adverse_event", f.get("adverse_event_results") or [])):
            for j, item in enumerate(items):
                stated = item.get("result") or {}
                results.append((
                    f"{fkey}:{kind}:{j}", fkey, key, kind, j, item["name"], entity_key(key, item["entity"]),
                    bool(item.get("negated")), item.get("grade"), stated.get("value"), stated.get("unit"),
                    *_span(stated.get("evidence"))))
    rows.tables["findings"] = findings
    rows.tables["finding_results"] = results
    return rows


def run_row(run_id: str, output: str, records_sha256: Optional[str], writer: str, started_at: str,
            finished_at: Optional[str], read: int, written: int, unchanged: int, rejected: int) -> Row:
    return (run_id, output, records_sha256, writer, started_at, finished_at, read, written, unchanged, rejected)


def records_of(items: Iterable[Any]) -> Iterable[dict]:
    """Records as dicts in the contract's JSON form, whether given as models or dicts."""
    for item in items:
        yield item if isinstance(item, dict) else item.model_dump(mode="json")
