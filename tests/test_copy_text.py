"""The PostgreSQL loader's COPY text against the SQLite writer's rows: for a record of the
pipeline (written straight from its values) and for the same record with tabs, line
breaks, carriage returns and backslashes in every string (every value escaped), the
lines read back (as PostgreSQL reads COPY text) as the rows of ``tables.article_rows``;
references to missing entities and concepts are found while the lines are built."""
from __future__ import annotations

import copy
import json
import re

import orjson
import pytest

from pipeline.schema import CleanDocument, Source
from pipeline.stages.ner import ner
from pipeline.stages.normalize import normalize
from pipeline.stages.relations import relations
from pipeline.writers.copy_text import copy_rows, plain
from pipeline.writers.tables import BY_NAME, article_rows, record_sha256

ARTICLE = """Anti-CD19 CAR-T cell therapy induces remission in refractory systemic lupus erythematosus
Five patients with systemic lupus erythematosus received CD19 CAR-T cells
All five reached drug-free remission after a median follow-up of 8 months
Cytokine release syndrome was mild"""

_ESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}


def read_copy_text(data: bytes) -> list[tuple]:
    """Rows of COPY text as PostgreSQL reads them: ``\\N`` alone is NULL, backslash escapes."""
    rows = []
    for line in data.decode("utf-8").split("\n")[:-1]:
        rows.append(tuple(None if f == "\\N" else re.sub(r"\\[\\tnr]", lambda m: _ESCAPES[m.group(0)], f)
                          for f in line.split("\t")))
    return rows


def as_text(row: tuple, table: str) -> tuple:
    """A row of ``article_rows`` as the text the server is given for it."""
    return tuple(None if v is None else ("t" if v else "f") if column.type == "bool" else str(v)
                 for v, column in zip(row, BY_NAME[table].columns))


@pytest.fixture(scope="module")
def record() -> dict:
    doc = CleanDocument(doc_id="d1", source=Source(path="p.txt", id="p"), title=ARTICLE.split("\n")[0], text=ARTICLE)
    found = next(iter(normalize(relations(ner([doc]))))).model_dump(mode="json")
    assert found["entities"] and found["relations"] and found["findings"]
    return found


def hostile(record: dict) -> dict:
    """The record with a tab, a CRLF and a backslash added to every string but those the
    schema checks (labels, types, units, the date), ids and references alike (so that keys
    built from them need escaping, and references still find their entity)."""
    keep = {"published", "label", "type", "kind", "unit"}

    def walk(value, key=None):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str) and key not in keep:
            return value + "\tx\r\ny\\z"
        return value
    return walk(copy.deepcopy(record))


@pytest.mark.parametrize("make, is_plain", [(lambda r: r, True), (hostile, False)], ids=["record", "hostile strings"])
def test_copy_lines_read_back_as_the_rows_of_article_rows(record: dict, make, is_plain: bool):
    given = make(record)
    line = orjson.dumps(given)
    assert plain(given, line) == is_plain
    sha = record_sha256(given)
    expected = article_rows(given, "run-1", sha)
    lines = copy_rows(given, "run-1", sha, line)
    assert lines.article_key == expected.article_key
    assert set(lines.lines) | set(lines.shared) == set(expected.tables)
    for table, rows in expected.tables.items():
        sent = lines.lines[table] if table in lines.lines else "".join(lines.shared[table].values()).encode()
        assert read_copy_text(sent) == [as_text(row, table) for row in rows], table
    assert list(lines.shared["concepts"]) == [row[0] for row in expected.tables["concepts"]]
    assert read_copy_text(lines.version) == [(expected.article_key, sha)]
    assert lines.dangling is None


def test_a_line_written_with_more_escapes_than_needed_is_not_taken_as_plain(record: dict):
    line = json.dumps(record, ensure_ascii=True).encode()   # every non-ASCII character as \\uXXXX
    assert (b"\\u" in line) == (not plain(record, line))
    given = dict(record, title=record["title"] + " \u2014 \u03b1")
    assert not plain(given, json.dumps(given, ensure_ascii=True).encode())
    assert plain(given, json.dumps(given, ensure_ascii=False).encode())


def test_the_hostile_record_needed_escapes(record: dict):
    lines = copy_rows(hostile(record), "run-1", "0" * 64, orjson.dumps(hostile(record)))
    entities = lines.lines["entities"].decode()
    assert "\\t" in entities and "\\r\\n" in entities and "\\\\" in entities
    assert entities.count("\n") == len(record["entities"])   # one line an entity, breaks escaped


def test_references_to_missing_rows_are_found_while_building(record: dict):
    broken = copy.deepcopy(record)
    broken["relations"].append({"type": "TREATS", "head": broken["entities"][0]["id"], "tail": "e99999",
                                "evidence": {"start": 0, "end": 5}})
    lines = copy_rows(broken, "run-1", "0" * 64)
    assert lines.dangling and "tail_key" in lines.dangling and ":e99999" in lines.dangling
    broken = copy.deepcopy(record)
    broken["findings"][0]["therapy_id"] = "NCIT:C0000000"
    assert "NCIT:C0000000" in copy_rows(broken, "run-1", "0" * 64).foreign_concepts


def test_a_missing_required_value_is_sent_as_null_for_the_server_to_refuse(record: dict):
    broken = copy.deepcopy(record)
    broken["entities"][0]["text"] = None
    line = orjson.dumps(broken)
    assert plain(broken, line)
    [row, *_] = read_copy_text(copy_rows(broken, "run-1", "0" * 64, line).lines["entities"])
    assert row[4] is None   # entities.text is NOT NULL: the server rejects the record
