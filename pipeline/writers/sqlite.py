"""SQLite: the embedded default (``OUT/articles.sqlite``) and a ``load`` target
(``sqlite:///path``). Same tables as PostgreSQL (``pipeline.writers.tables``); foreign
keys enforced; a batch is one transaction, rolled back whole when a record breaks a
constraint (the records are then stored one by one and the one at fault rejected)."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Optional

from .relational import DatabaseWriter
from .tables import ARTICLE_CHILDREN, BY_NAME, TABLES, ArticleRows, article_key_bounds, create_statements

MERGED = ("sources", "concepts")   # shared by articles: kept as first stored


def _insert(table: str, verb: str = "INSERT") -> str:
    columns = BY_NAME[table].column_names
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _upsert_article() -> str:
    columns = BY_NAME["articles"].column_names
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "article_key")
    return _insert("articles") + f" ON CONFLICT (article_key) DO UPDATE SET {updates}"


class SqliteWriter(DatabaseWriter):
    """Writes records into an SQLite file (created if missing)."""

    name = "sqlite"
    server_process = False
    constraint_errors = (sqlite3.IntegrityError,)

    def __init__(self, path: Path, **options) -> None:
        super().__init__(**options)
        self.path = Path(path)
        self.connection: Optional[sqlite3.Connection] = None

    def _connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=120)
        self.connection.execute("PRAGMA foreign_keys = ON")

    def _create_schema(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")
        for statement in create_statements("sqlite"):
            self.connection.execute(statement)
        self.connection.execute("COMMIT")

    def _save_run(self, row: tuple) -> None:
        self.connection.execute(_insert("runs", "INSERT OR REPLACE"), row)

    def _merge(self, batch: list[ArticleRows]) -> tuple[int, int]:
        db = self.connection
        written = unchanged = 0
        db.execute("BEGIN IMMEDIATE")
        try:
            for rows in batch:
                stored = db.execute("SELECT record_sha256 FROM articles WHERE article_key = ?",
                                    (rows.article_key,)).fetchone()
                if stored and stored[0] == rows.record_sha256:
                    unchanged += 1
                    continue
                low, high = article_key_bounds(rows.article_key)
                for table in ARTICLE_CHILDREN:   # found by their primary key's range
                    key = table.primary_key[0]
                    db.execute(f"DELETE FROM {table.name} WHERE {key} >= ? AND {key} < ? AND article_key = ?",
                               (low, high, rows.article_key))
                for name in MERGED:
                    db.executemany(_insert(name, "INSERT OR IGNORE"), rows.tables[name])
                db.executemany(_upsert_article(), rows.tables["articles"])
                for table in TABLES:
                    if table.article_column and table.name != "articles":
                        db.executemany(_insert(table.name), rows.tables[table.name])
                written += 1
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return written, unchanged

    def _rollback(self) -> None:
        if self.connection is not None and self.connection.in_transaction:
            self.connection.execute("ROLLBACK")

    def _disconnect(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
