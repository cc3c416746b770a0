"""Loading records into a real PostgreSQL server (and SQLite): the README's queries
against the records, idempotent reloads, re-crawls, concurrent loads and rejected
records. The server is the one on 127.0.0.1:5432; a database is created for the session
and dropped after."""
from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import psycopg
import pytest
from conftest import CORPUS

from pipeline.benchmarks.load import generate
from pipeline.jsonl import file_sha256
from pipeline.loading import convert, load
from pipeline.runner import run_all
from pipeline.writers.tables import TABLES

SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
LUPUS_OUTCOMES = """
SELECT f.therapy, f.disease, r.name AS outcome, f.patients, f.follow_up_value, f.follow_up_unit
FROM findings f
JOIN finding_results r ON r.finding_key = f.finding_key AND r.kind = 'outcome'
LEFT JOIN entities d ON d.entity_key = f.disease_entity_key
WHERE lower(f.disease) LIKE '%lupus%' OR lower(d.name) LIKE '%lupus%'
"""
FINDINGS_CITING_A_DOI = """
SELECT a.doc_id, f.therapy, f.citation, c.journal
FROM findings f JOIN articles a ON a.article_key = f.article_key
LEFT JOIN citations c ON c.article_key = f.article_key AND c.doi = f.citation
WHERE f.citation IS NOT NULL
"""


def _server_up() -> bool:
    try:
        psycopg.connect(SERVER, connect_timeout=3).close()
        return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def server() -> str:
    if not _server_up():
        version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=False)
        for _ in range(30):
            if _server_up():
                break
            subprocess.run(["sleep", "1"])
    assert _server_up(), "PostgreSQL on 127.0.0.1:5432 is down and could not be started"
    return SERVER


@pytest.fixture(scope="session")
def database(server: str):
    name = f"pipeline_test_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield server.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    run_all([CORPUS / "dump"], out)
    return out


@pytest.fixture(scope="session")
def records(corpus_out: Path) -> list[dict]:
    return [json.loads(line) for line in (corpus_out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def loaded(database: str, corpus_out: Path) -> str:
    stats = load(corpus_out, database)
    assert stats.rejects == [] and stats.written == stats.read
    return database


def checksums(url: str) -> dict[str, tuple[int, str]]:
    """Row count and md5 of every row (in key order) of each table but ``runs``."""
    with psycopg.connect(url) as db:
        return {t.name: db.execute(f"SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x.{t.primary_key[0]}), '')) "
                                   f"FROM {t.name} x").fetchone()
                for t in TABLES if t.name != "runs"}


def test_corpus_loads_whole(loaded: str, records: list[dict], corpus_out: Path):
    with psycopg.connect(loaded) as db:
        count = lambda table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
        assert count("articles") == len({r["article_key"] for r in records}) == len(records)
        assert count("entities") == sum(len(r["entities"]) for r in records)
        assert count("relations") == sum(len({(x["type"], x["head"], x["tail"]) for x in r["relations"]})
                                         for r in records)
        assert count("findings") == sum(len(r["findings"]) for r in records)
        assert count("citations") == sum(len(r["citations"]) for r in records)
        assert count("finding_results") == sum(len(f["outcome_results"]) + len(f["adverse_event_results"])
                                               for r in records for f in r["findings"])
        assert count("concepts") == len({e["normalized"]["id"] for r in records for e in r["entities"]} - {None})
        assert db.execute("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL").fetchone()[0] >= 1
        finished = {sha for (sha,) in db.execute("SELECT records_sha256 FROM runs WHERE finished_at IS NOT NULL")}
        assert file_sha256(corpus_out / "articles.jsonl") in finished


def test_readme_query_lupus_outcomes_match_the_records(loaded: str, records: list[dict]):
    expected = set()
    for r in records:
        names = {e["id"]: e["normalized"]["name"] for e in r["entities"]}
        for f in r["findings"]:
            if "lupus" in (f["disease"] or "").lower() or "lupus" in names.get(f["disease_entity"], "").lower():
                fu = f["follow_up"] or {}
                expected |= {(f["therapy"], f["disease"], o["name"], f["patients"],
                              None if fu.get("value") is None else float(fu["value"]), fu.get("unit"))
                             for o in f["outcome_results"]}
    with psycopg.connect(loaded) as db:
        found = set(db.execute(LUPUS_OUTCOMES).fetchall())
    assert found == expected and len(found) >= 3


def test_readme_query_findings_citing_a_doi_match_the_records(loaded: str, records: list[dict]):
    expected = [(r["doc_id"], f["therapy"], f["citation"]) for r in records for f in r["findings"] if f["citation"]]
    with psycopg.connect(loaded) as db:
        rows = db.execute(FINDINGS_CITING_A_DOI).fetchall()
    assert sorted(row[:3] for row in rows) == sorted(expected) and expected
    assert all(row[3] is not None or row[2] for row in rows)


def test_loading_the_same_output_twice_changes_nothing(loaded: str, corpus_out: Path):
    before = checksums(loaded)
    with psycopg.connect(loaded) as db:
        runs = db.execute("SELECT count(*) FROM runs").fetchone()[0]
    stats = load(corpus_out, loaded)
    assert stats.written == 0 and stats.unchanged == stats.read
    assert checksums(loaded) == before
    with psycopg.connect(loaded) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == runs + 1


def test_a_recrawl_updates_the_same_row(database: str, records: list[dict], tmp_path: Path):
    first = dict(records[0])
    first.pop("article_key")
    recrawl = dict(first, doc_id="recrawl-of-" + first["doc_id"],
                   source={"path": "recrawl/page.html", "id": "page", "url": "https://example.org/page"})
    key = _write_out(tmp_path / "one", [first])
    assert _write_out(tmp_path / "two", [recrawl]) == key
    load(tmp_path / "one", database)
    load(tmp_path / "two", database)
    with psycopg.connect(database) as db:
        rows = db.execute("SELECT doc_id FROM articles WHERE article_key = %s", (key,)).fetchall()
        assert rows == [(recrawl["doc_id"],)]
        entities = db.execute("SELECT count(*) FROM entities WHERE article_key = %s", (key,)).fetchone()[0]
        assert entities == len(first["entities"])


def _write_out(folder: Path, items: list[dict]) -> str:
    from pipeline.schema import ArticleRecord
    folder.mkdir(parents=True)
    models = [ArticleRecord.model_validate(item) for item in items]
    (folder / "articles.jsonl").write_text("".join(m.model_dump_json() + "\n" for m in models), encoding="utf-8")
    return models[0].article_key


def test_two_concurrent_loads_of_different_dumps_both_land(database: str, corpus_out: Path, tmp_path: Path):
    outs = []
    for name, offset in (("a", 0), ("b", 1)):
        out = tmp_path / name
        generate(corpus_out / "articles.jsonl", 300, out)
        lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        renamed = []
        for line in lines:
            record = json.loads(line)
            record["article_key"] = f"{name}-{record['article_key']}"
            record["doc_id"] = f"{name}-{record['doc_id']}"
            renamed.append(json.dumps(record))
        (out / "articles.jsonl").write_text("\n".join(renamed) + "\n", encoding="utf-8")
        outs.append(out)
    results, errors = {}, []

    def run(out: Path) -> None:
        try:
            results[out.name] = load(out, database, batch_size=40)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(out,)) for out in outs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors
    with psycopg.connect(database) as db:
        for out in outs:
            expected = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
            assert results[out.name].written == len(expected)
            stored = db.execute("SELECT count(*) FROM articles WHERE article_key LIKE %s", (f"{out.name}-%",)
                                ).fetchone()[0]
            assert stored == len(expected)
            entities = db.execute("SELECT count(*) FROM entities WHERE article_key LIKE %s", (f"{out.name}-%",)
                                  ).fetchone()[0]
            assert entities == sum(len(r["entities"]) for r in expected)


def test_a_record_that_breaks_a_constraint_is_rejected_whole(database: str, records: list[dict], tmp_path: Path):
    good, bad = dict(records[1]), dict(records[2])
    good["article_key"], bad["article_key"] = "constraint-good", "constraint-bad"
    bad["relations"] = bad["relations"] + [{"type": "TREATS", "head": "e1", "tail": "e99999",
                                            "evidence": {"start": 0, "end": 5}}]
    out = tmp_path / "out"
    out.mkdir()
    (out / "articles.jsonl").write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    stats = load(out, database)
    assert stats.written == 1 and len(stats.rejects) == 1
    [rejected] = [json.loads(line) for line in (out / "load.rejects.jsonl").read_text().splitlines()]
    assert rejected["doc_id"] == bad["doc_id"] and "ForeignKeyViolation" in rejected["detail"]
    with psycopg.connect(database) as db:
        for key, expected in (("constraint-good", 1), ("constraint-bad", 0)):
            assert db.execute("SELECT count(*) FROM articles WHERE article_key = %s", (key,)).fetchone()[0] == expected
            children = db.execute("SELECT count(*) FROM entities WHERE article_key = %s", (key,)).fetchone()[0]
            assert (children > 0) == bool(expected)


def test_values_with_tabs_line_breaks_and_backslashes_read_back_exactly(database: str, records: list[dict],
                                                                        tmp_path: Path):
    record = json.loads(json.dumps(records[3]))
    record["article_key"] = "special\\key\twith a tab"
    record["title"] = "A\tB\r\nC \\N D\\"
    for entity in record["entities"]:
        entity["text"] += "\t\\"
        entity["normalized"]["name"] += "\r\n\\N"
    out = tmp_path / "out"
    out.mkdir()
    (out / "articles.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert load(out, database).written == 1
    with psycopg.connect(database) as db:
        assert db.execute("SELECT title, text FROM articles WHERE article_key = %s", (record["article_key"],)
                          ).fetchone() == (record["title"], record["text"])
        stored = db.execute("SELECT entity_id, text, name FROM entities WHERE article_key = %s",
                            (record["article_key"],)).fetchall()
    assert sorted(stored) == sorted((e["id"], e["text"], e["normalized"]["name"]) for e in record["entities"])


def test_a_record_missing_a_required_value_is_rejected_whole(database: str, records: list[dict], tmp_path: Path):
    bad = json.loads(json.dumps(records[4]))
    bad["article_key"] = "missing-entity-text"
    bad["entities"][0]["text"] = None
    out = tmp_path / "out"
    out.mkdir()
    (out / "articles.jsonl").write_text(json.dumps(bad) + "\n", encoding="utf-8")
    stats = load(out, database)
    assert stats.written == 0 and len(stats.rejects) == 1 and "NotNullViolation" in stats.rejects[0].detail
    with psycopg.connect(database) as db:
        assert db.execute("SELECT count(*) FROM articles WHERE article_key = %s", (bad["article_key"],)
                          ).fetchone() == (0,)


def test_a_first_load_builds_its_indexes_at_the_end_and_a_later_load_restores_missing_ones(
        server: str, corpus_out: Path):
    from pipeline.writers.postgres import PostgresWriter
    from pipeline.loading import record_lines
    from pipeline.writers.tables import index_name
    expected = {index_name(t, columns) for t in TABLES for columns in t.indexes}
    name = f"pipeline_first_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = server.rsplit("/", 1)[0] + "/" + name

    def indexes() -> set[str]:
        with psycopg.connect(url) as db:
            return {row[0] for row in db.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}
    try:
        writer = PostgresWriter(url, batch_size=40).open()   # a first load that stops half-way
        writer.write(list(record_lines(corpus_out / "articles.jsonl"))[:50])
        assert writer.deferred and writer.stats.written == 40
        writer._disconnect()
        assert not expected <= indexes()   # its indexes were to be built at the end
        stats = load(corpus_out, url)   # articles are stored: indexes first, then the load
        assert stats.written == stats.read - 40 and not stats.rejects
        assert expected <= indexes()
        with psycopg.connect(url) as db:
            db.execute("DROP INDEX entities_concept_id")
            db.execute("TRUNCATE articles, entities, citations, relations, findings, finding_results")
        assert load(corpus_out, url).written == stats.read   # a first load again: built at its end
        assert expected <= indexes()
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_an_article_changed_by_another_load_after_its_batch_was_read_is_built_then(
        database: str, records: list[dict], tmp_path: Path):
    from pipeline.loading import record_lines
    from pipeline.writers.postgres import PostgresWriter
    first = json.loads(json.dumps(records[5]))
    first["article_key"] = "changed-meanwhile"
    other = dict(first, doc_id="another-version")
    for name, record in (("one", first), ("two", other)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "articles.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    load(tmp_path / "one", database)
    writer = PostgresWriter(database).open()
    try:
        [(given, rows)] = writer._chunk_rows(list(record_lines(tmp_path / "one" / "articles.jsonl")))
        assert rows.pending is not None and not rows.lines   # stored unchanged: not built
        load(tmp_path / "two", database)                      # meanwhile, another version is stored
        writer._batch = [(given, rows)]
        writer.flush()
    finally:
        writer.close()
    assert writer.stats.written == 1
    with psycopg.connect(database) as db:
        assert db.execute("SELECT doc_id FROM articles WHERE article_key = %s", (first["article_key"],)
                          ).fetchall() == [(first["doc_id"],)]
        assert db.execute("SELECT count(*) FROM entities WHERE article_key = %s", (first["article_key"],)
                          ).fetchone() == (len(first["entities"]),)


def test_sqlite_load_is_idempotent_and_matches_the_export(corpus_out: Path, records: list[dict], tmp_path: Path):
    path = tmp_path / "loaded.sqlite"
    assert load(corpus_out, f"sqlite:///{path}").written == len(records)
    tables = [t.name for t in TABLES if t.name != "runs"]

    def dump(file: Path) -> dict:
        with sqlite3.connect(file) as db:
            return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}

    first = dump(path)
    assert load(corpus_out, f"sqlite:///{path}").unchanged == len(records)
    assert dump(path) == first
    exported = dump(corpus_out / "articles.sqlite")
    assert {t: len(rows) for t, rows in exported.items()} == {t: len(rows) for t, rows in first.items()}


def test_parquet_dataset_reads_in_duckdb_and_pandas(corpus_out: Path, records: list[dict], tmp_path: Path):
    import duckdb
    import pandas
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(corpus_out / "articles.jsonl", out / "articles.jsonl")
    convert(out, ["parquet"])
    runs = list((out / "parquet" / "articles").glob("run=*/part-0.parquet"))
    assert len(runs) == 1
    entities = duckdb.sql(f"SELECT count(*), count(DISTINCT run) FROM read_parquet('{out}/parquet/entities/*/*.parquet',"
                          " hive_partitioning=true)").fetchall()[0]
    assert entities == (sum(len(r["entities"]) for r in records), 1)
    findings = pandas.read_parquet(out / "parquet" / "findings")
    assert len(findings) == sum(len(r["findings"]) for r in records)
    assert set(findings["therapy"]) == {f["therapy"] for r in records for f in r["findings"]}


def test_load_and_convert_commands(corpus_out: Path, records: list[dict], tmp_path: Path):
    import sys
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(corpus_out / "articles.jsonl", out / "articles.jsonl")
    database = tmp_path / "cli.sqlite"
    for arguments in (["load", str(out), "--db", f"sqlite:///{database}"], ["convert", str(out)]):
        result = subprocess.run([sys.executable, "-m", "pipeline", *arguments], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (len(records),)
        assert db.execute("SELECT writer, articles_written FROM runs").fetchall() == [("sqlite", len(records))]
    assert (out / "load.rejects.jsonl").read_text() == ""
    for produced in ("articles.bioc.xml", "articles.bioc.json", "articles.pubtator", "parquet/findings"):
        assert (out / produced).exists()
    missing = subprocess.run([sys.executable, "-m", "pipeline", "load", str(tmp_path / "nowhere"), "--db",
                              f"sqlite:///{database}"], capture_output=True, text=True)
    assert missing.returncode == 2


def test_a_page_recrawled_through_other_boilerplate_is_one_article(database: str, tmp_path: Path):
    page = (CORPUS / "dump" / "b2txt_huaxin_01.txt").read_text(encoding="utf-8")
    recrawl = page.replace("Home | Medicine | Oncology | Hematology | New Drugs | Hospitals | Health Science | Video | "
                           "E-paper", "Home | News | Oncology | Hematology | Drugs | Video")
    recrawl = "\n".join(line for line in recrawl.split("\n") if not line.startswith("【Promotion】"))
    recrawl = recrawl.replace("Multiple myeloma is a malignant", "We use cookies to improve your experience. "
                              "Accept all | Manage preferences\nMultiple myeloma is a malignant")
    assert recrawl != page
    keys = []
    for name, text in (("first", page), ("again", recrawl)):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.txt").write_text(text, encoding="utf-8")
        run_all([tmp_path / name], tmp_path / f"out-{name}")
        [record] = [json.loads(line) for line in (tmp_path / f"out-{name}" / "articles.jsonl").read_text().splitlines()]
        keys.append((record["doc_id"], record["article_key"]))
        load(tmp_path / f"out-{name}", database)
    (first_doc, key), (again_doc, again_key) = keys
    assert first_doc != again_doc and key == again_key
    with psycopg.connect(database) as db:
        assert db.execute("SELECT doc_id FROM articles WHERE article_key = %s", (key,)).fetchall() == [(again_doc,)]


def test_findings_named_gives_the_canonical_names_of_the_linked_entities(loaded: str, records: list[dict],
                                                                          corpus_out: Path):
    expected = {}
    for r in records:
        names = {e["id"]: e["normalized"]["name"] for e in r["entities"]}
        for i, f in enumerate(r["findings"]):
            therapy = names[f["therapy_entity"]] if f["therapy_entity"] else f["therapy"]
            disease = names[f["disease_entity"]] if f["disease_entity"] else f["disease"]
            expected[(r["article_key"], i)] = (therapy, disease, f["therapy_id"], f["disease_id"])
    query = "SELECT article_key, position, therapy_name, disease_name, therapy_id, disease_id FROM findings_named"
    with psycopg.connect(loaded) as db:
        found = {(row[0], row[1]): row[2:] for row in db.execute(query).fetchall()}
    keys = {r["article_key"] for r in records}   # other tests add articles of their own
    assert {k: v for k, v in found.items() if k[0] in keys} == expected
    # the point of the view: names that differ from the article's words
    assert any(name != f["disease"] for r in records for i, f in enumerate(r["findings"])
               for name in [expected[(r["article_key"], i)][1]])
    with sqlite3.connect(corpus_out / "articles.sqlite") as db:   # the export's SQLite has it too
        assert {(row[0], row[1]): row[2:] for row in db.execute(query).fetchall()} == expected
