"""Executors: one process, worker processes and a Dask cluster write the same bytes; the
template map-reduce gives the same templates over shards of batches; progress is logged
when stderr is not a terminal, and ``--quiet`` silences it; a run killed mid-way resumes
from its last completed shard."""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from conftest import CORPUS, CORPUS_PAGES, ROOT
from test_near_duplicates import repost_dump
from test_templates import new_site_pages

from pipeline.cleaning.templates import TemplateModel
from pipeline.executors import SerialExecutor, open_executor
from pipeline.executors.learning import learn_templates_and_clean
from pipeline.executors.processes import ProcessExecutor
from pipeline.jsonl import dump_line
from pipeline.runner import clean_learning_templates

#: the files of the dump that every run writes and that must not depend on the executor
OUTPUTS = ["articles.jsonl", "rejects.jsonl", "work/cleaned.jsonl", "work/extracted.jsonl", "work/entities.jsonl",
           "work/relations.jsonl", "work/normalized.jsonl"]


def pipeline_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env})


def assert_same_outputs(one: Path, other: Path) -> None:
    for name in OUTPUTS:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name
    assert (one / "articles.jsonl").read_bytes()


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("one-worker")
    result = pipeline_cli("--quiet", "run", str(CORPUS / "dump"), "--out", str(out), "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # --quiet: no progress, no summary
    return out


def test_two_worker_processes_write_the_bytes_one_process_writes(one_worker: Path, tmp_path: Path):
    result = pipeline_cli("run", str(CORPUS / "dump"), "--out", str(tmp_path), "--workers", "2",
                          PIPELINE_PROGRESS_SECONDS="0.2")
    assert result.returncode == 0, result.stderr
    assert_same_outputs(one_worker, tmp_path)
    assert len((tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()) == CORPUS_PAGES
    # stderr is a pipe: plain progress lines, periodic ones with the rate and ETA, and a summary per stage
    lines = result.stderr.splitlines()
    for stage in ("clean:extract", "clean", "ner", "relations", "normalize", "export"):
        assert any(line.split(" ", 1)[-1].startswith(f"{stage}: {CORPUS_PAGES} pages in ") and "pages/s" in line
                   for line in lines), stage
    assert any("ETA" in line and "pages/s" in line for line in lines)


def subset_dump(folder: Path, count: int = 12) -> Path:
    folder.mkdir()
    for path in sorted(p for p in (CORPUS / "dump").iterdir() if p.suffix in (".txt", ".html", ".htm"))[:count]:
        shutil.copy(path, folder / path.name)
    return folder


def test_a_local_dask_cluster_writes_the_same_bytes(tmp_path: Path):
    dump = subset_dump(tmp_path / "dump")
    serial, dask = tmp_path / "serial", tmp_path / "dask"
    for out, options in ((serial, ["--workers", "1"]), (dask, ["--engine", "dask", "--workers", "2"])):
        result = pipeline_cli("--quiet", "run", str(dump), "--out", str(out), *options)
        assert result.returncode == 0, result.stderr
    assert_same_outputs(serial, dask)
    assert len((dask / "articles.jsonl").read_text(encoding="utf-8").splitlines()) == 12


def test_templates_learned_over_worker_batches_and_shards_are_the_same(tmp_path: Path):
    pages = new_site_pages(8)
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    serial.mkdir(), parallel.mkdir()
    expected = [dump_line(d) for d in clean_learning_templates(pages, serial)]
    with ProcessExecutor(2) as executor:
        got = [dump_line(d) for d in learn_templates_and_clean(pages, parallel, executor, shard_pages=3, total=8)]
    assert got == expected
    assert len(list((parallel / "line-counts").glob("shard-*.npz"))) >= 2
    one, many = TemplateModel.load(serial / "templates.npz"), TemplateModel.load(parallel / "templates.npz")
    assert len(one) > 0 and list(one.keys) == list(many.keys)


@pytest.mark.parametrize("policy", ["keep", "collapse"])
def test_near_duplicates_clustered_over_worker_batches_are_the_same(tmp_path: Path, policy: str):
    pages = repost_dump(6, 5) + new_site_pages(8)  # clusters spread over many batches, and pages in none
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    serial.mkdir(), parallel.mkdir()
    expected = [dump_line(d) for d in clean_learning_templates(pages, serial, near_duplicates=policy)]
    with ProcessExecutor(2) as executor:
        got = [dump_line(d) for d in learn_templates_and_clean(pages, parallel, executor, shard_pages=7,
                                                               total=len(pages), near_duplicates=policy)]
    assert got == expected
    assert sum('"kind":"near"' in line for line in got) >= 24
    assert (serial / "extracted.jsonl").read_bytes() == (parallel / "extracted.jsonl").read_bytes()
    one, many = TemplateModel.load(serial / "templates.npz"), TemplateModel.load(parallel / "templates.npz")
    assert len(one) > 0 and list(one.keys) == list(many.keys)


def _slow_square(_: None, batch: list[int]) -> list[int]:
    time.sleep(0.05 * (batch[0] % 3))  # later batches often finish first
    return [n * n for n in batch]


def test_worker_results_come_back_in_input_order():
    batches = [[n, n + 1] for n in range(0, 24, 2)]
    with ProcessExecutor(2) as executor:
        assert [n for part in executor.map_ordered(_slow_square, batches) for n in part] == [n * n for n in range(24)]


def test_one_worker_starts_no_process():
    executor = open_executor(1)
    assert isinstance(executor, SerialExecutor) and not executor.parallel
    assert list(executor.map_ordered(_slow_square, [[3]])) == [[9]]
    assert not multiprocessing.active_children()


def stored_items(out: Path, stage: str) -> int:
    """Items of ``stage`` committed to the run's store of outputs (0 before it exists)."""
    path = out / "work" / "reuse.sqlite"
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)) as db:
            return db.execute("SELECT COUNT(*) FROM outputs WHERE stage = ?", (stage,)).fetchone()[0]
    except sqlite3.OperationalError:  # the table is being created
        return 0


def test_a_run_killed_mid_way_resumes_from_its_last_completed_shard(one_worker: Path, tmp_path: Path):
    shards = {"PIPELINE_SHARD_RECORDS": "8"}
    command = [sys.executable, "-m", "pipeline", "--quiet", "run", str(CORPUS / "dump"), "--out", str(tmp_path),
               "--workers", "2"]
    killed = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **shards}, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while stored_items(tmp_path, "normalize") < 24 and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(killed.pid, signal.SIGKILL)  # the run and its worker processes, mid-way through normalize
    killed.wait()
    done_before_kill = stored_items(tmp_path, "normalize")
    assert 24 <= done_before_kill < CORPUS_PAGES and not (tmp_path / "articles.jsonl").exists()
    result = pipeline_cli("run", str(CORPUS / "dump"), "--out", str(tmp_path), "--workers", "1", **shards)
    assert result.returncode == 0, result.stderr
    assert f"ner: {CORPUS_PAGES} pages reused" in result.stderr
    assert f"relations: {CORPUS_PAGES} pages reused" in result.stderr
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    stages = {stage["stage"]: stage for stage in report["stages"]}
    assert (stages["ner"]["processed"], stages["ner"]["reused"]) == (0, CORPUS_PAGES)
    assert stages["normalize"]["reused"] >= done_before_kill  # every shard committed before the kill
    assert stages["normalize"]["processed"] + stages["normalize"]["reused"] == CORPUS_PAGES
    assert_same_outputs(one_worker, tmp_path)  # nothing lost, nothing twice, same order
    keys = [json.loads(line)["article_key"] for line in (tmp_path / "articles.jsonl").read_text().splitlines()]
    assert len(keys) == len(set(keys)) == CORPUS_PAGES
    assert report["reconciled"] and report["inputs_read"] == report["articles_written"] == CORPUS_PAGES
    assert (report["engine"], report["workers"]) == ("serial", 1)  # the run that completed
    assert report["started"] <= report["finished"] and all(stage["seconds"] >= 0 for stage in stages.values())
    assert stored_items(tmp_path, "normalize") == CORPUS_PAGES  # the store holds this run's outputs, once each
