"""A record's rows as PostgreSQL ``COPY … FROM STDIN`` text, built in one pass.

The PostgreSQL loader sends each table's rows of a batch as one preformatted buffer
(``copy.write``) instead of one ``write_row`` call a row: formatting a row value by value
through the driver cost more client time than parsing the record. ``copy_rows`` walks a
record (its JSON form, as ``tables.article_rows`` does for SQLite) and writes every line
of every table at once, in the columns' order of ``tables``:

- text format (``COPY`` defaults): fields separated by a tab, ``\\N`` for NULL, a line a
  row; a value is written as ``str()`` writes it (numbers: the shortest form that reads
  back exactly; a value of the wrong type reaches the server as text, to be read or
  refused there, as a row of ``article_rows`` would be), with backslash, tab, newline
  and carriage return escaped (``escape``); booleans ``t``/``f``, JSON columns as orjson
  writes them;
- one test a row instead of one a value: the row's values are joined into one probe
  string, and only a row whose probe holds a backslash or a non-printable character,
  or whose required value is missing, has its values escaped one by one (``copy_field``);
  keys are built from escaped parts (``:`` needs no escape, so the escaped key is the
  key of the escaped parts);
- while the rows are built, the references to the article's own rows (relation heads
  and tails, the entities of findings and results) are checked against its entity ids,
  and the concepts referred to but not given by the article are collected, so that the
  loader checks foreign keys without a second pass (``postgres._check_references``).

``tests/test_copy_text.py`` checks, on real records, that the lines read back as the
rows of ``tables.article_rows``: the two stay one mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import orjson

from ..keys import article_key, finding_key, source_key

#: NULL in COPY text
NULL = "\\N"


def escape(value: str) -> str:
    """``value`` as a COPY text field: backslash, tab, newline, carriage return escaped."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def clean(probe: str) -> bool:
    """Whether ``probe`` needs no escape: no backslash, and every character printable
    (``isprintable`` is false for tab, newline and carriage return)."""
    return "\\" not in probe and probe.isprintable()


def copy_field(value: Any) -> str:
    """One value as a COPY text field: ``\\N`` for None, else ``str(value)`` escaped."""
    if value is None:
        return NULL
    text = value if value.__class__ is str else str(value)
    return text if clean(text) else escape(text)


def _json(value: Any) -> str:
    # orjson writes what json.dumps(ensure_ascii=False, separators=(",", ":")) does; JSON
    # escapes control characters, so only its backslashes need escaping
    return NULL if value is None else copy_field(orjson.dumps(value).decode())


def _span(evidence: Optional[dict]) -> str:
    return f"{copy_field(evidence['start'])}\t{copy_field(evidence['end'])}" if evidence else f"{NULL}\t{NULL}"


@dataclass
class CopyRows:
    """One record's lines, by table (each line ends with a newline), with what the loader
    checks before sending them."""
    article_key: str
    record_sha256: str
    #: ``stage_versions`` line: the article key and the record hash
    version: bytes = b""
    #: by table, the article's lines, UTF-8 (what is sent: encoded here, in the build thread)
    lines: dict[str, bytes] = field(default_factory=dict)
    #: the concept ids given by the article's own ``concepts`` lines
    concepts: set = field(default_factory=set)
    #: concept ids the rows refer to that the article does not give
    foreign_concepts: set = field(default_factory=set)
    #: the first reference to a missing row of the article, worded as PostgreSQL would
    dangling: Optional[str] = None


def _missing(table: str, column: str, key: str, parent: str) -> str:
    return (f'insert or update on table "{table}" violates foreign key constraint "{table}_{column}_fkey" '
            f'DETAIL: Key ({column})=({key}) is not present in table "{parent}".')


def copy_rows(record: dict, run_id: str, sha256: str) -> CopyRows:
    """Every line of one record (a dict in the contract's JSON form), ``runs`` excepted;
    raises ``KeyError``/``TypeError``/``ValueError``/``AttributeError`` on a record that
    lacks what a row needs, as ``tables.article_rows`` does."""
    raw_key = record.get("article_key") or article_key(record.get("title"), record["text"])
    if raw_key.__class__ is not str:
        raise TypeError(f"article_key is a {type(raw_key).__name__}, not a string")
    key = copy_field(raw_key)
    rows = CopyRows(raw_key, sha256, version=f"{key}\t{copy_field(sha256)}\n".encode())
    lines = rows.lines
    source = record["source"]
    path, source_id, url = source["path"], source["id"], source.get("url")
    skey = source_key(path, source_id, url)
    lines["sources"] = f"{skey}\t{copy_field(path)}\t{copy_field(source_id)}\t{copy_field(url)}\n".encode()
    lines["articles"] = (
        f"{key}\t{copy_field(record['doc_id'])}\t{copy_field(record.get('schema_version') or '1')}\t{skey}\t"
        f"{copy_field(run_id)}\t{copy_field(sha256)}\t{copy_field(record.get('title'))}\t"
        f"{copy_field(record.get('published'))}\t{copy_field(record.get('site'))}\t"
        f"{copy_field(record.get('section'))}\t{copy_field(record.get('journal'))}\t"
        f"{copy_field(record['text'])}\t{_json(record.get('warnings') or [])}\n").encode()

    concepts: list[str] = []
    given = rows.concepts
    entities: list[str] = []
    entity_ids: set = set()
    for e in record["entities"]:
        normalized = e["normalized"]
        eid, label, text, start, end, name = e["id"], e["label"], e["text"], e["start"], e["end"], normalized["name"]
        concept = normalized.get("id")
        entity_ids.add(eid)
        if None in (eid, label, text, start, end, name) or \
                not clean(f"{eid}{label}{text}{start}{end}{name}{concept}"):
            eid, label, text, start, end, name, concept_field = map(
                copy_field, (eid, label, text, start, end, name, concept))
        else:
            concept_field = NULL if concept is None else concept
        if concept is not None and concept not in given:
            if concept:   # an empty id gives no concept row: the server refuses the reference
                given.add(concept)
                concepts.append(f"{concept_field}\t{label}\t{name}\t{_json(normalized.get('xrefs') or [])}\n")
            else:
                rows.foreign_concepts.add(concept)
        entities.append(f"{key}:{eid}\t{key}\t{eid}\t{label}\t{text}\t{start}\t{end}\t"
                        f"{'t' if e.get('negated') else 'f'}\t{name}\t{concept_field}\n")
    lines["concepts"] = "".join(concepts).encode()
    lines["entities"] = "".join(entities).encode()

    lines["citations"] = "".join(
        f"{key}:c{i}\t{key}\t{i}\t{copy_field(c.get('doi'))}\t{copy_field(c.get('journal'))}\t"
        f"{copy_field(c.get('year'))}\t{copy_field(c.get('title'))}\t{_json(c.get('authors') or [])}\n"
        for i, c in enumerate(record.get("citations") or [])).encode()

    relations = []
    for r in record.get("relations") or []:
        kind, head, tail, evidence = r["type"], r["head"], r["tail"], r["evidence"]
        start, end = evidence["start"], evidence["end"]
        for column, entity in (("head_key", head), ("tail_key", tail)):
            if entity not in entity_ids and rows.dangling is None:
                rows.dangling = _missing("relations", column, f"{raw_key}:{entity}", "entities")
        if None in (kind, head, tail, start, end) or not clean(f"{kind}{head}{tail}{start}{end}"):
            kind, head, tail, start, end = map(copy_field, (kind, head, tail, start, end))
        relations.append(
            f"{key}:{kind}:{head}:{tail}\t{key}\t{kind}\t{key}:{head}\t{key}:{tail}\t{start}\t{end}\n")
    lines["relations"] = "".join(relations).encode()

    findings, results = [], []
    for i, f in enumerate(record.get("findings") or []):
        fkey = copy_field(finding_key(raw_key, i, f["therapy"], f.get("disease")))
        follow_up = f.get("follow_up") or {}
        age = f.get("age") or {}
        references = []
        for column in ("therapy_entity", "disease_entity"):
            entity = f.get(column)
            if entity:
                if entity not in entity_ids and rows.dangling is None:
                    rows.dangling = _missing("findings", f"{column}_key", f"{raw_key}:{entity}", "entities")
                references.append(f"{key}:{copy_field(entity)}")
            else:
                references.append(NULL)
        for column in ("therapy_id", "disease_id"):
            concept = f.get(column)
            if concept is not None and concept not in given:
                rows.foreign_concepts.add(concept)
        findings.append(
            f"{fkey}\t{key}\t{i}\t{copy_field(f['therapy'])}\t{copy_field(f.get('therapy_id'))}\t"
            f"{copy_field(f.get('disease'))}\t{copy_field(f.get('disease_id'))}\t{copy_field(f.get('target'))}\t"
            f"{_json(f.get('cell_types') or [])}\t{_json(f.get('outcomes') or [])}\t"
            f"{_json(f.get('adverse_events') or [])}\t{copy_field(f.get('patients'))}\t"
            f"{copy_field(follow_up.get('value'))}\t{copy_field(follow_up.get('unit'))}\t"
            f"{references[0]}\t{references[1]}\t"
            f"{_span(f.get('patients_evidence'))}\t{_span(f.get('follow_up_evidence'))}\t"
            f"{copy_field(age.get('kind'))}\t{copy_field(age.get('value'))}\t{copy_field(age.get('low'))}\t"
            f"{copy_field(age.get('high'))}\t{copy_field(age.get('unit'))}\t{_span(age.get('evidence'))}\t"
            f"{copy_field(f.get('phase'))}\t{copy_field(f.get('trial'))}\t{copy_field(f.get('citation'))}\n")
        for kind, items in (("outcome", f.get("outcome_results") or []),
                            ("adverse_event", f.get("adverse_event_results") or [])):
            for j, item in enumerate(items):
                name, entity, grade = item["name"], item["entity"], item.get("grade")
                stated = item.get("result") or {}
                value, unit = stated.get("value"), stated.get("unit")
                if entity not in entity_ids and rows.dangling is None:
                    rows.dangling = _missing("finding_results", "entity_key", f"{raw_key}:{entity}", "entities")
                if None in (name, entity) or not clean(f"{name}{entity}{grade}{value}{unit}"):
                    name, entity, grade, value, unit = map(copy_field, (name, entity, grade, value, unit))
                else:   # clean: only the missing values to write as NULL
                    grade = NULL if grade is None else grade
                    value = NULL if value is None else value
                    unit = NULL if unit is None else unit
                results.append(
                    f"{fkey}:{kind}:{j}\t{fkey}\t{key}\t{kind}\t{j}\t{name}\t{key}:{entity}\t"
                    f"{'t' if item.get('negated') else 'f'}\t{grade}\t{value}\t{unit}\t"
                    f"{_span(stated.get('evidence'))}\n")
    lines["findings"] = "".join(findings).encode()
    lines["finding_results"] = "".join(results).encode()
    return rows
