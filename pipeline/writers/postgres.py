"""PostgreSQL (psycopg 3): ``python -m pipeline load OUT --db postgresql://…``.

Rows travel as ``COPY … FROM STDIN`` text: each record's lines of every table are built
in one pass (``copy_text.copy_rows``) in the build thread, one batch ahead of the
database, and a batch's lines of a table are sent as one buffer (``copy.write``), never
row by row.

A batch (500 articles by default) is one transaction:

1. the batch's article keys and record hashes are COPied into a session-private staging
   table (``TEMP``, emptied at commit),
2. a transaction-level advisory lock is taken, so that concurrent loads merge one batch
   at a time (no deadlock, whatever their articles and concepts share),
3. one query against the staged hashes finds the articles whose stored record hash
   differs (new ones, newer runs, re-crawls),
4. their sources and concepts that this load has not stored yet are staged and inserted
   with one ``INSERT … ON CONFLICT DO NOTHING`` a table, in key order, keeping what is
   stored; their foreign keys are checked (below),
5. those of them already stored have their rows and child rows deleted, and the new rows
   are COPied straight into the tables, parents first, a table a statement.

An article whose hash is unchanged is not touched, so loading an output twice changes no
row. A batch that breaks a constraint is rolled back and stored record by record; the
record at fault is rejected whole with the server's message.

Not building what is stored. When the database holds articles, the build thread asks a
second connection, for each chunk of records, which of them are stored with the same
record hash, and builds the lines of the others only: a reload parses and hashes its
records and builds nothing. Step 3 has the last word: an article changed by another load
in between is built then.

First load: indexes built once, at the end. When the database holds no article yet,
the secondary indexes of the tables articles own (``tables.Table.indexes``: dates,
journals, concept ids, the entity keys of relations and findings…) are dropped if
present and created after the last batch, each by one sort, two at a time on two
connections — cheaper than keeping them up row by row, which was about half of the
server's work. The loader's own look-ups all go through primary keys, which stay. Later
loads, and a load that finds articles already stored, keep every index (``CREATE INDEX
IF NOT EXISTS`` at the start, which also rebuilds those of a first load that did not
finish). Schema changes take the schema lock, then the merge lock, so they wait for a
concurrent load's batch rather than deadlock with it.

Foreign keys, checked by the loader. PostgreSQL checks a foreign key with a trigger per
inserted row (a query on the parent's index each time), which was more than half of the
server's work on a load. Where the role may (a superuser, or one granted ``SET`` on
``session_replication_role``), the loader sets ``session_replication_role = replica`` —
what ``pg_restore --disable-triggers`` does — so those triggers do not fire for its own
rows, and checks every foreign key of the rows it is about to COPY itself:

- references to the article's own rows (relation heads and tails, the entities of
  findings and results: child keys begin with the article key, so no other article's
  row can be the parent) against its entity ids, while its lines are built;
- its source, and the concepts of its entities, are merged in the same transaction
  before its rows are sent (or were stored by an earlier batch of the load);
- concepts referred to by findings (``therapy_id``, ``disease_id``) that are neither:
  one query for the batch's distinct ids;
- its run is the loader's own row, stored when the load began.

A missing parent raises ``ForeignKeyViolation`` as the trigger would. Loaders never
delete shared rows, and replace an article's rows all together, so what is checked holds
at commit. Keys, ``NOT NULL`` and ``CHECK`` constraints are enforced by the server as
always, and other sessions keep the triggers. Without that right the triggers stay on.

Compression: the session's ``default_toast_compression`` is ``lz4`` where the server has
it: an article's text is compressed several times faster than with ``pglz``, and
PostgreSQL reads either.

Durability: the load sets ``synchronous_commit = off``: a batch's commit returns before
its WAL is flushed, so a server crash can lose the last batches committed (never half of
one); the next load of the same output stores them again.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterable, Optional

import psycopg
from psycopg import sql

from .copy_text import SHARED, CopyRows, copy_rows, record_key
from .relational import DatabaseWriter, RecordLine, given_record
from .tables import (ARTICLE_CHILDREN, BY_NAME, TABLES, Table, article_key_bounds, index_name, index_statements,
                     table_statements, view_statements)

#: the advisory lock key every loader takes for its merge step ("biomed" in ASCII)
MERGE_LOCK = 0x62696F6D6564
#: the advisory lock key for changing the schema (taken before the merge lock)
SCHEMA_LOCK = MERGE_LOCK + 1
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
        #: tables whose secondary indexes are created when the load ends (a first load)
        self.deferred: list[Table] = []
        #: keys of the shared rows (sources, concepts) this load's committed batches stored
        self.stored: dict[str, set] = {table: set() for table in SHARED}
        #: a second connection, for the build thread to ask which articles are stored
        #: unchanged (not on a first load: none is)
        self.reader: Optional[psycopg.Connection] = None

    def _connect(self) -> None:
        self.connection = psycopg.connect(self.url, autocommit=False)
        self.connection.execute("SET synchronous_commit = off")
        self.connection.commit()
        self.checks_references = self._try_setting("SET session_replication_role = replica",
                                                   psycopg.errors.InsufficientPrivilege)
        self._try_setting("SET default_toast_compression = lz4", psycopg.errors.InvalidParameterValue)

    def _try_setting(self, statement: str, refused: type[Exception]) -> bool:
        """Run ``statement`` and commit; False (and nothing changed) if the server refuses it."""
        try:
            self.connection.execute(statement)
            self.connection.commit()
            return True
        except refused:
            self.connection.rollback()
            return False

    def _create_schema(self) -> None:
        with self.connection.transaction(), self.connection.cursor() as cursor:
            _lock_schema(cursor)
            for statement in table_statements("postgresql") + index_statements(
                    [t for t in TABLES if not t.article_column]):
                cursor.execute(statement)
            cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM articles)")
            if cursor.fetchone()[0]:
                self.deferred = OWNED
                for table in OWNED:
                    for columns in table.indexes:
                        cursor.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(
                            sql.Identifier(index_name(table, columns))))
            else:
                for statement in index_statements(OWNED):
                    cursor.execute(statement)
            for statement in view_statements("postgresql"):
                cursor.execute(statement)
        if not self.deferred:
            self.reader = psycopg.connect(self.url, autocommit=True)
        with self.connection.transaction(), self.connection.cursor() as cursor:
            for table in SHARED:
                cursor.execute(sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {}) ON COMMIT DELETE ROWS").format(
                    sql.Identifier(f"stage_{table}"), sql.Identifier(table)))
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS stage_versions (article_key TEXT, record_sha256 TEXT) "
                           "ON COMMIT DELETE ROWS")

    def _finish(self) -> None:
        """After a first load: its tables' secondary indexes, each built by one sort; the
        tables are shared out between this connection and a second one, two builds at once
        (the server may add a worker of its own to each), all under this connection's
        locks: the second connection's builds are committed before this one commits."""
        if not self.deferred:
            return
        with self.connection.transaction(), self.connection.cursor() as cursor:
            _lock_schema(cursor)
            cursor.execute("SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname = ANY(%s) "
                           "AND relkind = 'r' AND pg_table_is_visible(oid)", ([t.name for t in self.deferred],))
            mine, theirs = _share_out(self.deferred, dict(cursor.fetchall()))
            with ThreadPoolExecutor(max_workers=1) as pool:
                other = pool.submit(_create_indexes, self.url, theirs)
                for statement in index_statements(mine):
                    cursor.execute(statement)
                other.result()
        self.deferred = []

    def _save_run(self, row: tuple) -> None:
        columns = BY_NAME["runs"].column_names
        updates = sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in columns[1:])
        with self.connection.transaction(), self.connection.cursor() as cursor:
            cursor.execute(sql.SQL("INSERT INTO runs ({}) VALUES ({}) ON CONFLICT (run_id) DO UPDATE SET {}").format(
                _columns("runs"), sql.SQL(", ").join(sql.Placeholder() * len(columns)), updates), row)

    def _build(self, record: dict, sha256: str, line: Optional[bytes]) -> CopyRows:
        return copy_rows(record, self.run_id, sha256, line)

    def _chunk_rows(self, items: list) -> list[tuple[Any, CopyRows]]:
        """Where articles may be stored already: the chunk's records read for their keys
        and hashes (each dropped at once: a chunk of parsed records kept alive costs more
        than parsing again the few that change), their stored hashes asked for at once, and
        only the records not stored with the same hash parsed again and built; a reload
        builds nothing. The others are kept as they were given."""
        if self.reader is None:
            return super()._chunk_rows(items)
        read = []
        for item in items:
            parsed = self._parse(item)
            if parsed:
                given, record, sha, line = parsed
                try:
                    key = record_key(record)
                except (KeyError, TypeError, ValueError, AttributeError):
                    key = None   # rejected when built
                read.append((given, key, sha, line))
        stored = dict(self.reader.execute("SELECT article_key, record_sha256 FROM articles WHERE article_key = ANY(%s)",
                                          (list({key for _, key, _, _ in read if key is not None}),)).fetchall())
        chunk = []
        for given, key, sha, line in read:
            if key is not None and stored.get(key) == sha:
                chunk.append((given, CopyRows.unbuilt(key, sha, given)))
            elif (rows := self._built(given, given_record(given), sha, line)) is not None:
                chunk.append((given, rows))
        return chunk

    def _merge(self, batch: list[CopyRows]) -> tuple[int, int]:
        with self.connection.transaction(), self.connection.cursor() as cursor:
            _copy(cursor, "stage_versions", ["article_key", "record_sha256"], (rows.version for rows in batch))
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (MERGE_LOCK,))
            cursor.execute("SELECT s.article_key, a.article_key IS NOT NULL FROM stage_versions s "
                           "LEFT JOIN articles a USING (article_key) "
                           "WHERE a.record_sha256 IS DISTINCT FROM s.record_sha256")
            found = cursor.fetchall()
            if found:
                keep = {key for key, _ in found}
                changed = [self._ready(rows) for rows in batch if rows.article_key in keep]
                self._merge_shared(cursor, changed)
                if self.checks_references:
                    _check_references(cursor, changed, self.stored["concepts"])
                replaced = sorted(key for key, stored in found if stored)
                if replaced:
                    _delete_articles(cursor, replaced)
                for table in OWNED:
                    _copy(cursor, table.name, table.column_names, (rows.lines[table.name] for rows in changed))
        if found:   # committed: stored for good (loaders never delete shared rows)
            for table in SHARED:
                self.stored[table].update(key for rows in changed for key in rows.shared[table])
        return len(found), len(batch) - len(found)

    def _ready(self, rows: CopyRows) -> CopyRows:
        """The article's lines, built now if they were not (it changed since its batch was read)."""
        if rows.pending is None:
            return rows
        return copy_rows(given_record(rows.pending), self.run_id, rows.record_sha256,
                         rows.pending.line if isinstance(rows.pending, RecordLine) else None)

    def _merge_shared(self, cursor: psycopg.Cursor, changed: list[CopyRows]) -> None:
        """The sources and concepts of the changed articles that this load has not stored
        yet: staged (each distinct line), then inserted in key order, the stored row kept."""
        for table, key in (("sources", "source_key"), ("concepts", "concept_id")):
            lines = {line for rows in changed for k, line in rows.shared[table].items() if k not in self.stored[table]}
            if not lines:
                continue
            _copy(cursor, f"stage_{table}", BY_NAME[table].column_names, ["".join(lines).encode()])
            cursor.execute(sql.SQL(
                "INSERT INTO {target} ({columns}) SELECT DISTINCT ON ({key}) {columns} FROM {staged} "
                "ORDER BY {key}, {columns} ON CONFLICT ({key}) DO NOTHING").format(
                target=sql.Identifier(table), columns=_columns(table), staged=sql.Identifier(f"stage_{table}"),
                key=sql.Identifier(key)))

    def _rollback(self) -> None:
        if self.connection is not None and not self.connection.closed:
            self.connection.rollback()

    def _disconnect(self) -> None:
        for connection in (self.reader, self.connection):
            if connection is not None:
                connection.close()
        self.connection = self.reader = None


def _lock_schema(cursor: psycopg.Cursor) -> None:
    """The schema lock, then the merge lock (the order every loader takes them in)."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s), pg_advisory_xact_lock(%s)", (SCHEMA_LOCK, MERGE_LOCK))


def _share_out(tables: list[Table], sizes: dict[str, int]) -> tuple[list[Table], list[Table]]:
    """Two lists of tables whose index builds weigh about the same: a table weighs its
    size times its number of indexes; the heaviest go first, each to the lighter list."""
    shares: tuple[list[Table], list[Table]] = ([], [])
    weights = [0, 0]
    for table in sorted(tables, key=lambda t: -sizes.get(t.name, 0) * len(t.indexes)):
        lighter = weights.index(min(weights))
        shares[lighter].append(table)
        weights[lighter] += sizes.get(table.name, 0) * len(table.indexes)
    return shares


def _create_indexes(url: str, tables: list[Table]) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        for statement in index_statements(tables):
            connection.execute(statement)


def _copy(cursor: psycopg.Cursor, table: str, columns: list[str], lines: Iterable[bytes]) -> None:
    """COPY the lines (COPY text, UTF-8, each ending with a newline) into ``table`` as one buffer."""
    data = b"".join(lines)
    if not data:
        return
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns))
    with cursor.copy(statement) as stream:
        stream.write(data)


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


def _check_references(cursor: psycopg.Cursor, changed: list[CopyRows], stored: set) -> None:
    """Raise ``ForeignKeyViolation`` if a row of the changed articles refers to no parent
    row: their own rows were checked while their lines were built; concepts neither
    merged for them above nor ``stored`` by an earlier batch are looked up at once."""
    for rows in changed:
        if rows.dangling:
            raise psycopg.errors.ForeignKeyViolation(rows.dangling)
    wanted = set().union(*(rows.foreign_concepts for rows in changed)) - stored
    if wanted:
        wanted -= set().union(*(rows.shared["concepts"] for rows in changed))
    if not wanted:
        return
    cursor.execute("SELECT k FROM unnest(%s::text[]) k WHERE NOT EXISTS "
                   "(SELECT 1 FROM concepts p WHERE p.concept_id = k) LIMIT 1", (sorted(wanted),))
    missing = cursor.fetchone()
    if missing:
        raise psycopg.errors.ForeignKeyViolation(
            f'insert or update violates a foreign key constraint DETAIL: Key (concept_id)=({missing[0]}) is '
            f'not present in table "concepts".')
