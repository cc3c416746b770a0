"""A record's rows as PostgreSQL ``COPY … FROM STDIN`` text, built in one pass.

The PostgreSQL loader sends each table's rows of a batch as one preformatted buffer
(``copy.write``) instead of one ``write_row`` call a row: formatting rows value by value
through the driver cost more client time than parsing the records. ``copy_rows`` walks
a record (its JSON form) and writes every line of every table at once, in the columns'
order of ``tables``, in COPY's text format: fields separated by a tab, ``\\N`` for NULL,
a line a row, booleans ``t``/``f``, numbers and strings as ``str`` writes them, JSON
columns as orjson writes them; a backslash, tab, newline or carriage return inside a
value must be escaped.

Escaping without looking at every value. A record read from a line of JSON says whether
any of its strings holds one of those characters: JSON writes each of them (and a
quote, and any control character) as an escape beginning with a backslash, so if the
line holds no backslash but those of its text and title (counted as orjson writes them:
the fewest a JSON writer may use), no other string of the record needs escaping
(``plain``). The lines of such a record are written straight from its values, the text
and title alone escaped (``_plain_rows``). Any other record — or one given without its
line, or one that lacks a value a column requires — is written through
``tables.article_rows``, the SQLite writer's rows, every value escaped (``escaped_rows``):
slower, and the reference the fast path is tested against (``tests/test_copy_text.py``:
both give the same lines, on real records and on records full of tabs and backslashes).

While the rows are built, the references to the article's own rows (relation heads and
tails, the entities of findings and results) are checked against its entity ids, and the
concepts referred to but not given by the article are collected, so that the loader
checks foreign keys without a second pass (``postgres._check_references``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import orjson

from ..keys import article_key, finding_key, source_key
from .tables import BY_NAME, ArticleRows, article_rows

#: NULL in COPY text
NULL = "\\N"
#: the tables of rows several articles share (the loader stages them and merges)
SHARED = ("sources", "concepts")


def escape(value: str) -> str:
    """``value`` as a COPY text field: backslash, tab, newline, carriage return escaped."""
    if "\\" in value or not value.isprintable():   # isprintable: false for tab, newline, return
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def copy_field(value: Any) -> str:
    """One value as a COPY text field: ``\\N`` for None, else ``str(value)`` escaped."""
    if value is None:
        return NULL
    return escape(value if value.__class__ is str else str(value))


def plain(record: dict, line: bytes) -> bool:
    """Whether no string of ``record`` but its text and title holds a backslash, tab, line
    break or carriage return, judged from the JSON ``line`` it was parsed from."""
    expected = orjson.dumps(record["text"]).count(b"\\")
    if record.get("title"):
        expected += orjson.dumps(record["title"]).count(b"\\")
    return line.count(b"\\") == expected


@dataclass
class CopyRows:
    """One record's lines, by table (each line ends with a newline), with what the loader
    checks before sending them."""
    article_key: str
    record_sha256: str
    #: ``stage_versions`` line: the article key and the record hash
    version: bytes = b""
    #: by table, the lines of the rows the article owns, UTF-8 (what is sent: encoded here,
    #: in the build thread)
    lines: dict[str, bytes] = field(default_factory=dict)
    #: ``sources`` and ``concepts`` (rows articles share): by table, the line of each key
    shared: dict[str, dict[str, str]] = field(default_factory=dict)
    #: concept ids the rows refer to that the article does not give
    foreign_concepts: set = field(default_factory=set)
    #: the first reference to a missing row of the article, worded as PostgreSQL would
    dangling: Optional[str] = None
    #: for an article stored with the same hash when its batch was read, whose lines were
    #: not built: the record as given (its line), to build them should it change meanwhile
    pending: Any = None

    @classmethod
    def unbuilt(cls, key: str, sha256: str, given: Any) -> "CopyRows":
        return cls(key, sha256, version=f"{copy_field(key)}\t{copy_field(sha256)}\n".encode(),
                   shared={table: {} for table in SHARED}, pending=given)


def record_key(record: dict) -> str:
    """The article key of a record: its ``article_key``, else the hash of its content."""
    key = record.get("article_key") or article_key(record.get("title"), record["text"])
    if key.__class__ is not str:
        raise TypeError(f"article_key is a {type(key).__name__}, not a string")
    return key


def copy_rows(record: dict, run_id: str, sha256: str, line: Optional[bytes] = None) -> CopyRows:
    """Every line of one record (a dict in the contract's JSON form, parsed from ``line``
    where given), ``runs`` excepted; raises ``KeyError``/``TypeError``/``ValueError``/
    ``AttributeError`` on a record that lacks what a row needs, as ``article_rows`` does."""
    rows, complete = _plain_rows(record, run_id, sha256)
    if line is None or not complete or not plain(record, line):
        escaped = escaped_rows(article_rows(record, run_id, sha256))
        rows.version, rows.lines, rows.shared = escaped.version, escaped.lines, escaped.shared
    return rows


def escaped_rows(rows: ArticleRows) -> CopyRows:
    """The lines of ``article_rows``'s rows, every value escaped (``copy_field``); no
    reference checked."""
    found = CopyRows(rows.article_key, rows.record_sha256,
                     version=f"{copy_field(rows.article_key)}\t{copy_field(rows.record_sha256)}\n".encode())
    for table, table_rows in rows.tables.items():
        bools = [column.type == "bool" for column in BY_NAME[table].columns]
        lines = ["\t".join(NULL if v is None else ("t" if v else "f") if b else copy_field(v)
                           for v, b in zip(row, bools)) + "\n" for row in table_rows]
        if table in SHARED:   # one row a key (article_rows keeps the first)
            found.shared[table] = {row[0]: line for row, line in zip(table_rows, lines)}
        else:
            found.lines[table] = "".join(lines).encode()
    return found


def _n(value: Any) -> Any:
    return NULL if value is None else value


def _json(value: Any) -> str:
    # the strings of a plain record hold no quote, backslash or control character: JSON
    # escapes none of them
    return orjson.dumps(value).decode()


def _span(evidence: Optional[dict]) -> str:
    return f"{evidence['start']}\t{evidence['end']}" if evidence else f"{NULL}\t{NULL}"


def _missing(table: str, column: str, key: str, parent: str) -> str:
    return (f'insert or update on table "{table}" violates foreign key constraint "{table}_{column}_fkey" '
            f'DETAIL: Key ({column})=({key}) is not present in table "{parent}".')


def _plain_rows(record: dict, run_id: str, sha256: str) -> tuple[CopyRows, bool]:
    """The lines of a plain record, its values written as they are (``None`` as NULL where
    a column may be NULL), with its references checked; and whether every value a column
    requires is there (if not, the lines are not to be sent: ``None`` would be the text
    "None" where the server must see NULL and refuse it)."""
    key = record_key(record)
    rows = CopyRows(key, sha256, version=f"{key}\t{sha256}\n".encode())
    lines = rows.lines
    given: dict[str, str] = {}
    rows.shared = {"sources": {}, "concepts": given}
    source = record["source"]
    path, source_id, url = source["path"], source["id"], source.get("url")
    skey = source_key(path, source_id, url)
    complete = path is not None and source_id is not None
    rows.shared["sources"][skey] = f"{skey}\t{path}\t{source_id}\t{_n(url)}\n"
    lines["articles"] = (
        f"{copy_field(key)}\t{copy_field(record['doc_id'])}\t{copy_field(record.get('schema_version') or '1')}\t"
        f"{skey}\t{copy_field(run_id)}\t{copy_field(sha256)}\t{copy_field(record.get('title'))}\t"
        f"{copy_field(record.get('published'))}\t{copy_field(record.get('site'))}\t"
        f"{copy_field(record.get('section'))}\t{copy_field(record.get('journal'))}\t"
        f"{copy_field(record['text'])}\t{copy_field(_json(record.get('warnings') or []))}\n").encode()

    entities: list[str] = []
    entity_ids: set = set()
    for e in record["entities"]:
        normalized = e["normalized"]
        eid, label, text, start, end = e["id"], e["label"], e["text"], e["start"], e["end"]
        name, concept = normalized["name"], normalized.get("id")
        if None in (eid, label, text, start, end, name):
            complete = False
        entity_ids.add(eid)
        if concept is not None and concept not in given:
            if concept:   # an empty id gives no concept row: the server refuses the reference
                given[concept] = f"{concept}\t{label}\t{name}\t{_json(normalized.get('xrefs') or [])}\n"
            else:
                rows.foreign_concepts.add(concept)
        entities.append(f"{key}:{eid}\t{key}\t{eid}\t{label}\t{text}\t{start}\t{end}\t"
                        f"{'t' if e.get('negated') else 'f'}\t{name}\t{NULL if concept is None else concept}\n")
    lines["entities"] = "".join(entities).encode()

    lines["citations"] = "".join(
        f"{key}:c{i}\t{key}\t{i}\t{_n(c.get('doi'))}\t{_n(c.get('journal'))}\t{_n(c.get('year'))}\t"
        f"{_n(c.get('title'))}\t{_json(c.get('authors') or [])}\n"
        for i, c in enumerate(record.get("citations") or [])).encode()

    relations = []
    for r in record.get("relations") or []:
        kind, head, tail, evidence = r["type"], r["head"], r["tail"], r["evidence"]
        start, end = evidence["start"], evidence["end"]
        if None in (kind, head, tail, start, end):
            complete = False
        if (head not in entity_ids or tail not in entity_ids) and rows.dangling is None:
            column, entity = ("head_key", head) if head not in entity_ids else ("tail_key", tail)
            rows.dangling = _missing("relations", column, f"{key}:{entity}", "entities")
        relations.append(f"{key}:{kind}:{head}:{tail}\t{key}\t{kind}\t{key}:{head}\t{key}:{tail}\t{start}\t{end}\n")
    lines["relations"] = "".join(relations).encode()

    findings, results = [], []
    for i, f in enumerate(record.get("findings") or []):
        fkey = finding_key(key, i, f["therapy"], f.get("disease"))
        if f["therapy"] is None:
            complete = False
        follow_up = f.get("follow_up") or {}
        age = f.get("age") or {}
        references = []
        for column in ("therapy_entity", "disease_entity"):
            entity = f.get(column)
            if entity:
                if entity not in entity_ids and rows.dangling is None:
                    rows.dangling = _missing("findings", f"{column}_key", f"{key}:{entity}", "entities")
                references.append(f"{key}:{entity}")
            else:
                references.append(NULL)
        for column in ("therapy_id", "disease_id"):
            concept = f.get(column)
            if concept is not None and concept not in given:
                rows.foreign_concepts.add(concept)
        findings.append(
            f"{fkey}\t{key}\t{i}\t{f['therapy']}\t{_n(f.get('therapy_id'))}\t{_n(f.get('disease'))}\t"
            f"{_n(f.get('disease_id'))}\t{_n(f.get('target'))}\t{_json(f.get('cell_types') or [])}\t"
            f"{_json(f.get('outcomes') or [])}\t{_json(f.get('adverse_events') or [])}\t{_n(f.get('patients'))}\t"
            f"{_n(follow_up.get('value'))}\t{_n(follow_up.get('unit'))}\t{references[0]}\t{references[1]}\t"
            f"{_span(f.get('patients_evidence'))}\t{_span(f.get('follow_up_evidence'))}\t"
            f"{_n(age.get('kind'))}\t{_n(age.get('value'))}\t{_n(age.get('low'))}\t{_n(age.get('high'))}\t"
            f"{_n(age.get('unit'))}\t{_span(age.get('evidence'))}\t"
            f"{_n(f.get('phase'))}\t{_n(f.get('trial'))}\t{_n(f.get('citation'))}\n")
        for kind, items in (("outcome", f.get("outcome_results") or []),
                            ("adverse_event", f.get("adverse_event_results") or [])):
            for j, item in enumerate(items):
                entity = item["entity"]
                if entity is None or item["name"] is None:
                    complete = False
                if entity not in entity_ids and rows.dangling is None:
                    rows.dangling = _missing("finding_results", "entity_key", f"{key}:{entity}", "entities")
                stated = item.get("result") or {}
                results.append(
                    f"{fkey}:{kind}:{j}\t{fkey}\t{key}\t{kind}\t{j}\t{item['name']}\t{key}:{entity}\t"
                    f"{'t' if item.get('negated') else 'f'}\t{_n(item.get('grade'))}\t{_n(stated.get('value'))}\t"
                    f"{_n(stated.get('unit'))}\t{_span(stated.get('evidence'))}\n")
    lines["findings"] = "".join(findings).encode()
    lines["finding_results"] = "".join(results).encode()
    return rows, complete
