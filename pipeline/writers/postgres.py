"""PostgreSQL (psycopg 3): ``python -m pipeline load OUT --db postgresql://…``.

A batch (500 articles by default) is one transaction:

1. its rows are COPied into session-private staging tables (``TEMP``, emptied at commit),
2. a transaction-level advisory lock is taken, so that concurrent loads merge one batch
   at a time (no deadlock, whatever their articles and concepts share),
3. sources and concepts are inserted in key order, keeping what is stored,
4. the articles whose stored record hash differs (new ones, newer runs, re-crawls) have
   their child rows deleted and are upserted, and their child rows inserted.

An article whose hash is unchanged is not touched, so loading an output twice changes no
row. A batch that breaks a constraint is rolled back and stored record by record; the
record at fault is rejected whole with the server's message.
"""
from __future__ import annotations

from typing import Optional

import psycopg
from psycopg import sql

from .relational import DatabaseWriter
from .tables import ARTICLE_CHILDREN, BY_NAME, TABLES, ArticleRows, create_statements

#: the advisory lock key every loader takes for its merge step ("biomed" in ASCII)
MERGE_LOCK = 0x62696F6D6564
#: the advisory lock key for creating the schema
SCHEMA_LOCK = MERGE_LOCK + 1
STAGED = [t for t in TABLES if t.name != "runs"]


def _columns(table: str) -> sql.Composed:
    return sql.SQL(", ").join(sql.Identifier(c) for c in BY_NAME[table].column_names)


class PostgresWriter(DatabaseWriter):
    """Loads records into PostgreSQL through staging tables, one transaction per batch."""

    name = "postgresql"
    constraint_errors = (psycopg.errors.IntegrityError, psycopg.errors.DataError)

    def __init__(self, url: str, **options) -> None:
        super().__init__(**options)
        self.url = url
        self.connection: Optional[psycopg.Connection] = None

    def _connect(self) -> None:
        self.connection = psycopg.connect(self.url, autocommit=False)

    def _create_schema(self) -> None:
        with self.connection.transaction(), self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            for statement in create_statements("postgresql"):
                cursor.execute(statement)
        with self.connection.transaction(), self.connection.cursor() as cursor:
            for table in STAGED:
                cursor.execute(sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {}) ON COMMIT DELETE ROWS").format(
                    sql.Identifier(f"stage_{table.name}"), sql.Identifier(table.name)))
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS stage_changed (article_key TEXT PRIMARY KEY) "
                           "ON COMMIT DELETE ROWS")

    def _save_run(self, row: tuple) -> None:
        columns = BY_NAME["runs"].column_names
        updates = sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in columns[1:])
        with self.connection.transaction(), self.connection.cursor() as cursor:
            cursor.execute(sql.SQL("INSERT INTO runs ({}) VALUES ({}) ON CONFLICT (run_id) DO UPDATE SET {}").format(
                _columns("runs"), sql.SQL(", ").join(sql.Placeholder() * len(columns)), updates), row)

    def _merge(self, batch: list[ArticleRows]) -> tuple[int, int]:
        with self.connection.transaction(), self.connection.cursor() as cursor:
            for table in STAGED:
                copy = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(f"stage_{table.name}"),
                                                                 _columns(table.name))
                with cursor.copy(copy) as stream:
                    for rows in batch:
                        for row in rows.tables[table.name]:
                            stream.write_row(row)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (MERGE_LOCK,))
            self._merge_shared(cursor, "sources", "source_key")
            self._merge_shared(cursor, "concepts", "concept_id")
            cursor.execute("INSERT INTO stage_changed SELECT s.article_key FROM stage_articles s "
                           "LEFT JOIN articles a USING (article_key) "
                           "WHERE a.record_sha256 IS DISTINCT FROM s.record_sha256")
            written = cursor.rowcount
            for table in ARTICLE_CHILDREN:
                cursor.execute(sql.SQL("DELETE FROM {} WHERE article_key IN (SELECT article_key FROM stage_changed)")
                               .format(sql.Identifier(table.name)))
            self._upsert_articles(cursor)
            for table in TABLES:
                if table.article_column and table.name != "articles":
                    cursor.execute(sql.SQL(
                        "INSERT INTO {target} ({columns}) SELECT {columns} FROM {staged} "
                        "WHERE article_key IN (SELECT article_key FROM stage_changed) ORDER BY {key}").format(
                        target=sql.Identifier(table.name), columns=_columns(table.name),
                        staged=sql.Identifier(f"stage_{table.name}"), key=sql.Identifier(table.primary_key[0])))
        return written, len(batch) - written

    @staticmethod
    def _merge_shared(cursor: psycopg.Cursor, table: str, key: str) -> None:
        """Rows several articles share: inserted in key order, the stored row kept."""
        cursor.execute(sql.SQL(
            "INSERT INTO {target} ({columns}) SELECT DISTINCT ON ({key}) {columns} FROM {staged} "
            "ORDER BY {key}, {columns} ON CONFLICT ({key}) DO NOTHING").format(
            target=sql.Identifier(table), columns=_columns(table), staged=sql.Identifier(f"stage_{table}"),
            key=sql.Identifier(key)))

    @staticmethod
    def _upsert_articles(cursor: psycopg.Cursor) -> None:
        columns = BY_NAME["articles"].column_names
        updates = sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in columns[1:])
        cursor.execute(sql.SQL(
            "INSERT INTO articles ({columns}) SELECT {columns} FROM stage_articles "
            "WHERE article_key IN (SELECT article_key FROM stage_changed) ORDER BY article_key "
            "ON CONFLICT (article_key) DO UPDATE SET {updates}").format(columns=_columns("articles"),
                                                                       updates=updates))

    def _rollback(self) -> None:
        if self.connection is not None and not self.connection.closed:
            self.connection.rollback()

    def _disconnect(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
