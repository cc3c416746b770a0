"""PostgreSQL (psycopg 3): ``python -m pipeline load OUT --db postgresql://…``.

A batch (500 articles by default) is one transaction:

1. the batch's article keys and record hashes, sources and concepts are COPied into
   session-private staging tables (``TEMP``, emptied at commit),
2. a transaction-level advisory lock is taken, so that concurrent loads merge one batch
   at a time (no deadlock, whatever their articles and concepts share),
3. sources and concepts are inserted from staging in key order, keeping what is stored,
4. the foreign keys of the rows of articles whose stored record hash differs (new ones,
   newer runs, re-crawls) are checked (below),
5. those articles have their rows and child rows deleted, and their new rows are COPied
   straight into the tables, parents first.

An article whose hash is unchanged is not touched, so loading an output twice changes no
row. A batch that breaks a constraint is rolled back and stored record by record; the
record at fault is rejected whole with the server's message.

Foreign keys, checked by the loader. PostgreSQL checks a foreign key with a trigger per
inserted row (a query on the parent's index each time), which was more than half of the
server's work on a load. Where the role may (a superuser, or one granted ``SET`` on
``session_replication_role``), the loader sets ``session_replication_role = replica`` —
what ``pg_restore --disable-triggers`` does — so those triggers do not fire for its own
rows, and checks every foreign key of the rows it is about to COPY itself: references
to the article's own rows (its article row, entities, findings: child keys begin with
the article key, so no other article's row can be the parent) in memory, references to
shared rows (concepts, sources, runs) with one query per key for the batch's distinct
keys; a missing parent raises ``ForeignKeyViolation`` as the trigger would. Loaders never
delete shared rows, and replace an article's rows all together, so what is checked holds
at commit. Keys, ``NOT NULL`` and ``CHECK`` constraints are enforced by the server as
always, and other sessions keep the triggers. Without that right the triggers stay on.

Durability: the load sets ``synchronous_commit = off``: a batch's commit returns before
its WAL is flushed, so a server crash can lose the last batches committed (never half of
one); the next load of the same output stores them again.
"""
from __future__ import annotations

from typing import Optional

import psycopg
from psycopg import sql

from .relational import DatabaseWriter
from .tables import (ARTICLE_CHILDREN, BY_NAME, TABLES, ArticleRows, article_key_bounds, create_statements,
                     dangling_reference, shared_references)

#: the advisory lock key every loader takes for its merge step ("biomed" in ASCII)
MERGE_LOCK = 0x62696F6D6564
#: the advisory lock key for creating the schema
SCHEMA_LOCK = MERGE_LOCK + 1
#: rows several articles share, merged through staging tables
SHARED = ("sources", "concepts")
#: rows one article owns, parents first: COPied straight into their tables
OWNED = [t for t in TABLES if t.article_column]


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
        #: whether the loader checks foreign keys itself (the server's triggers being off for it)
        self.checks_references = False

    def _connect(self) -> None:
        self.connection = psycopg.connect(self.url, autocommit=False)
        self.connection.execute("SET synchronous_commit = off")
        self.connection.commit()
        try:
            self.connection.execute("SET session_replication_role = replica")
            self.connection.commit()
            self.checks_references = True
        except psycopg.errors.InsufficientPrivilege:
            self.connection.rollback()
            self.checks_references = False   # the server's triggers check them

    def _create_schema(self) -> None:
        with self.connection.transaction(), self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            for statement in create_statements("postgresql"):
                cursor.execute(statement)
        with self.connection.transaction(), self.connection.cursor() as cursor:
            for table in SHARED:
                cursor.execute(sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {}) ON COMMIT DELETE ROWS").format(
                    sql.Identifier(f"stage_{table}"), sql.Identifier(table)))
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS stage_versions (article_key TEXT, record_sha256 TEXT) "
                           "ON COMMIT DELETE ROWS")

    def _save_run(self, row: tuple) -> None:
        columns = BY_NAME["runs"].column_names
        updates = sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in columns[1:])
        with self.connection.transaction(), self.connection.cursor() as cursor:
            cursor.execute(sql.SQL("INSERT INTO runs ({}) VALUES ({}) ON CONFLICT (run_id) DO UPDATE SET {}").format(
                _columns("runs"), sql.SQL(", ").join(sql.Placeholder() * len(columns)), updates), row)

    def _merge(self, batch: list[ArticleRows]) -> tuple[int, int]:
        with self.connection.transaction(), self.connection.cursor() as cursor:
            self._copy(cursor, "stage_versions", ["article_key", "record_sha256"],
                       ((rows.article_key, rows.record_sha256) for rows in batch))
            for table in SHARED:
                self._copy(cursor, f"stage_{table}", BY_NAME[table].column_names,
                           (row for rows in batch for row in rows.tables[table]))
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (MERGE_LOCK,))
            self._merge_shared(cursor, "sources", "source_key")
            self._merge_shared(cursor, "concepts", "concept_id")
            cursor.execute("SELECT s.article_key, a.article_key IS NOT NULL FROM stage_versions s "
                           "LEFT JOIN articles a USING (article_key) "
                           "WHERE a.record_sha256 IS DISTINCT FROM s.record_sha256")
            found = sorted(cursor.fetchall())
            changed = [key for key, _ in found]
            if changed:
                keep = set(changed)
                if self.checks_references:
                    _check_references(cursor, [rows for rows in batch if rows.article_key in keep])
                replaced = [key for key, stored in found if stored]
                if replaced:
                    _delete_articles(cursor, replaced)
                for table in OWNED:
                    self._copy(cursor, table.name, table.column_names,
                               (row for rows in batch if rows.article_key in keep for row in rows.tables[table.name]))
        return len(changed), len(batch) - len(changed)

    @staticmethod
    def _copy(cursor: psycopg.Cursor, table: str, columns: list[str], rows) -> None:
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns))
        with cursor.copy(statement) as stream:
            for row in rows:
                stream.write_row(row)

    @staticmethod
    def _merge_shared(cursor: psycopg.Cursor, table: str, key: str) -> None:
        """Rows several articles share: inserted in key order, the stored row kept."""
        cursor.execute(sql.SQL(
            "INSERT INTO {target} ({columns}) SELECT DISTINCT ON ({key}) {columns} FROM {staged} "
            "ORDER BY {key}, {columns} ON CONFLICT ({key}) DO NOTHING").format(
            target=sql.Identifier(table), columns=_columns(table), staged=sql.Identifier(f"stage_{table}"),
            key=sql.Identifier(key)))

    def _rollback(self) -> None:
        if self.connection is not None and not self.connection.closed:
            self.connection.rollback()

    def _disconnect(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None



def _delete_articles(cursor: psycopg.Cursor, keys: list[str]) -> None:
    """Delete the articles' rows, children first; a child table is searched by its primary
    key's range for each article (``article_key_bounds``)."""
    lows, highs = zip(*(article_key_bounds(key) for key in keys))
    for table in ARTICLE_CHILDREN:
        cursor.execute(sql.SQL(
            "DELETE FROM {table} x USING unnest(%s::text[], %s::text[], %s::text[]) AS k(key, low, high) "
            "WHERE x.{pk} >= k.low AND x.{pk} < k.high AND x.article_key = k.key").format(
            table=sql.Identifier(table.name), pk=sql.Identifier(table.primary_key[0])), (keys, list(lows), list(highs)))
    cursor.execute("DELETE FROM articles WHERE article_key = ANY(%s)", (keys,))


def _check_references(cursor: psycopg.Cursor, batch: list[ArticleRows]) -> None:
    """Raise ``ForeignKeyViolation`` if a row of the batch refers to no parent row: the
    article's own rows are checked in memory, shared ones (concepts, sources, runs) with one
    look-up of the batch's distinct keys per foreign key."""
    shared: dict[tuple[str, str], set] = {}
    for rows in batch:
        dangling = dangling_reference(rows)
        if dangling:
            raise psycopg.errors.ForeignKeyViolation(dangling)
        for parent, keys in shared_references(rows).items():
            shared.setdefault(parent, set()).update(keys)
    for (parent, column), keys in shared.items():
        cursor.execute(sql.SQL("SELECT k FROM unnest(%s::text[]) k WHERE NOT EXISTS "
                               "(SELECT 1 FROM {parent} p WHERE p.{column} = k) LIMIT 1").format(
            parent=sql.Identifier(parent), column=sql.Identifier(column)), (sorted(keys),))
        missing = cursor.fetchone()
        if missing:
            raise psycopg.errors.ForeignKeyViolation(
                f'insert or update violates a foreign key constraint DETAIL: Key ({column})=({missing[0]}) is '
                f'not present in table "{parent}".')
