"""Incremental runs: a run into a completed ``--out`` over the same dump plus new pages
runs ner, relations and normalize on the new pages only, and writes what a run from
scratch over the whole dump writes; a changed page, version or knowledge base is
processed again."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from pipeline.benchmarks.scale_dump import base_pages, build_dump
from pipeline.executors import shards
from pipeline.schema import CleanDocument, Source

#: pages of the first run, and the pages added for the second
FIRST, NEW = 40, 10
COMPARED = ["articles.jsonl", "rejects.jsonl", "duplicates.jsonl", "work/cleaned.jsonl", "work/normalized.jsonl"]


def run_cli(dump: Path, out: Path) -> dict:
    result = subprocess.run([sys.executable, "-m", "pipeline", "--quiet", "run", str(dump), "--out", str(out),
                             "--workers", "1"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PIPELINE_SHARD_RECORDS": "16"})
    assert result.returncode == 0, result.stderr
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def by_stage(report: dict) -> dict[str, dict]:
    return {stage["stage"]: stage for stage in report["stages"]}


@pytest.fixture(scope="module")
def dump_lines(tmp_path_factory) -> list[str]:
    """FIRST + NEW distinct generated pages (corpus pages with their site frames)."""
    path = tmp_path_factory.mktemp("generated") / "dump.jsonl"
    build_dump(base_pages(CORPUS / "dump", CORPUS / "gold"), FIRST + NEW, path)
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_new_pages_alone_are_processed_and_the_records_are_a_fresh_runs(dump_lines: list[str], tmp_path: Path):
    dump, out, fresh = tmp_path / "dump", tmp_path / "out", tmp_path / "fresh"
    dump.mkdir()
    (dump / "part-1.jsonl").write_text("".join(dump_lines[:FIRST]), encoding="utf-8")
    first = run_cli(dump, out)
    assert first["pages_processed"] == FIRST and first["pages_reused"] == 0

    (dump / "part-2.jsonl").write_text("".join(dump_lines[FIRST:]), encoding="utf-8")
    second = run_cli(dump, out)
    stages = by_stage(second)
    # ingest and clean read the whole dump (clean learns its templates over all of it) ...
    assert stages["ingest"]["processed"] == stages["clean"]["processed"] == FIRST + NEW
    # ... and ner, relations, normalize run on the new pages only
    for name in ("ner", "relations", "normalize"):
        assert (stages[name]["processed"], stages[name]["reused"]) == (NEW, FIRST), name
    assert (second["pages_processed"], second["pages_reused"]) == (NEW, FIRST)
    assert second["reconciled"] and second["articles_written"] == FIRST + NEW

    from_scratch = run_cli(dump, fresh)
    assert from_scratch["pages_processed"] == FIRST + NEW
    for name in COMPARED:  # the same records in the same order: the dump's
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
    keys = [json.loads(line)["article_key"] for line in (out / "articles.jsonl").read_text().splitlines()]
    assert len(keys) == len(set(keys)) == FIRST + NEW

    # a page edited in place is processed again, the others are not
    edited = dump_lines[:FIRST]
    page = json.loads(edited[3])
    field = "html" if "html" in page else "text"
    page[field] = page[field].replace("patients", "participants", 1)
    edited[3] = json.dumps(page, ensure_ascii=False) + "\n"
    (dump / "part-1.jsonl").write_text("".join(edited), encoding="utf-8")
    third = run_cli(dump, out)
    assert (third["pages_processed"], third["pages_reused"]) == (1, FIRST + NEW - 1)
    assert third["reconciled"] and third["articles_written"] == FIRST + NEW


def test_a_new_version_or_knowledge_base_changes_every_key(monkeypatch):
    document = CleanDocument(doc_id="d1", source=Source(path="a.txt", id="a"), text="Imatinib in chronic myeloid leukemia.")
    key = shards.record_key("ner", 60.0, document)
    assert key == shards.record_key("ner", 60.0, document)
    assert key != shards.record_key("normalize", 60.0, document)
    assert key != shards.record_key("ner", 30.0, document)
    assert key != shards.record_key("ner", 60.0, document.model_copy(update={"text": "Imatinib in CML."}))

    import pipeline
    shards.code_fingerprint.cache_clear()
    monkeypatch.setattr(pipeline, "__version__", "99.0.0")
    assert shards.record_key("ner", 60.0, document) != key  # another version
    shards.code_fingerprint.cache_clear()
    monkeypatch.undo()
    assert shards.record_key("ner", 60.0, document) == key

    shards.code_fingerprint.cache_clear()
    kb = shards.PACKAGE.parent / "models" / "kb" / "kb.msgpack.gz"
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: real(self) + b"changed" if self == kb else real(self))
    assert shards.record_key("ner", 60.0, document) != key  # another knowledge base
    monkeypatch.undo()
    shards.code_fingerprint.cache_clear()
