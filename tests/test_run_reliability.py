"""Run-level reliability: one page never takes a run down, the outputs of a run commit
together, and a run that cannot start or fails says so in one line with a non-zero exit.

Most tests run ``python -m pipeline`` on small dumps built from corpus pages."""
from __future__ import annotations

import fcntl
import json
import os
import resource
import shutil
import signal
import sqlite3
import string
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

import pytest
from conftest import CORPUS, ROOT, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import isolation
from pipeline.isolation import PageRejected, Steps, isolate, time_budget
from pipeline.schema import (CleanDocument, Entity, EntityDocument, Evidence, Normalized, Reject, RejectReason,
                             Relation, RelationDocument, Source)

OUTPUTS = ("articles.jsonl", "articles.sqlite", "rejects.jsonl", "duplicates.jsonl", "run.json")
LABELS = ("THERAPY", "CELL_TYPE", "ANTIGEN", "DISEASE", "OUTCOME", "ADVERSE_EVENT")
RELATION_TYPES = ("TREATS", "TARGETS", "USES_CELL_TYPE", "HAS_OUTCOME", "CAUSES_ADVERSE_EVENT")


def pipeline_cli(*args: str, umask: Optional[int] = None, **kwargs) -> subprocess.CompletedProcess:
    def child() -> None:
        if umask is not None:
            os.umask(umask)
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=child, **kwargs)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The failure's message: a single line on stderr, no traceback."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def corpus_pages(count: int) -> list[Path]:
    return sorted((CORPUS / "dump").glob("*.txt"))[:count]


def small_dump(folder: Path, count: int = 2) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for page in corpus_pages(count):
        shutil.copy(page, folder / page.name)
    return folder


def long_page(chars: int) -> str:
    """A corpus page grown to ``chars`` characters with distinct body lines (lines repeated
    verbatim would be learned as a site template and removed by clean)."""
    page = corpus_pages(6)[5].read_text(encoding="utf-8").splitlines()
    body = [line for line in page[3:] if len(line.split()) > 6]
    lines, size, number = page[:6], 0, 0
    while size < chars:
        tag = "".join(string.ascii_lowercase[int(digit)] for digit in str(number))
        line = f"In the {tag} cohort, {body[number % len(body)]}"
        lines.append(line)
        size += len(line) + 1
        number += 1
    return "\n".join(lines + page[6:])


def run_report(out: Path) -> dict:
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def counts(report: dict) -> dict:
    """What must not change between an interrupted-then-rerun run and an uninterrupted one."""
    return {key: report[key] for key in ("inputs_read", "articles_written", "rejects", "duplicates", "reconciled",
                                         "reject_reasons", "complete")} | {
        "stages": [(s["stage"], s["read"], s["written"], s["rejected"], s["duplicates"]) for s in report["stages"]]}


def lines_in(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def assert_consistent(out: Path, complete_runs: list[bytes]) -> None:
    """Whenever run.json exists, the files beside it are the run it describes (one of the
    runs known to have completed); without run.json no run is claimed."""
    if not (out / "run.json").exists():
        return
    report = run_report(out)
    assert report["complete"]
    articles = (out / "articles.jsonl").read_bytes()
    assert articles in complete_runs
    assert report["articles_written"] == articles.count(b"\n")
    with sqlite3.connect(out / "articles.sqlite") as db:
        assert db.execute("select count(*) from articles").fetchone()[0] == report["articles_written"]
    assert lines_in(out / "rejects.jsonl") == report["rejects"]
    assert lines_in(out / "duplicates.jsonl") == report["duplicates"]


def temporaries(out: Path) -> list[Path]:
    return [p for folder in (out, out / "work") for pattern in (".*.tmp", ".*.tmp-journal") for p in folder.glob(pattern)
            ] + [p for p in [out / ".staging"] if p.exists()]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An uninterrupted run on two corpus pages, under umask 027."""
    base = tmp_path_factory.mktemp("reference")
    dump = small_dump(base / "dump")
    out = base / "out"
    result = pipeline_cli("run", str(dump), "--out", str(out), umask=0o027)
    assert result.returncode == 0, result.stderr
    return out


# -- one page never takes a run down ---------------------------------------------------

def _spin(record: CleanDocument) -> CleanDocument:
    while True:
        pass


def test_time_budget_rejects_the_slow_page_and_is_reset_after_it():
    page = CleanDocument(doc_id="d", source=Source(path="p", id="p"), text="t")
    slow = isolate(_spin, "ner", seconds=0.2)
    started = time.perf_counter()
    reject = slow(page)
    assert isinstance(reject, Reject) and reject.reason is RejectReason.TIMEOUT and reject.stage == "ner"
    assert time.perf_counter() - started < 5
    assert isolate(lambda r: r, "ner", seconds=0.2)(page) is page
    time.sleep(0.4)  # no alarm is left armed after a page
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_loading_a_stage_does_not_count_against_the_first_page(monkeypatch, tmp_path: Path):
    from pipeline import runner
    from pipeline.stages import relations as relations_module
    monkeypatch.setattr(relations_module, "prepare", lambda: time.sleep(0.6), raising=False)
    pages = [EntityDocument(doc_id=f"d{n}", source=Source(path="p", id=f"p{n}"), text="A page.") for n in range(2)]
    out = list(runner.STAGES["relations"].function(pages, tmp_path, 0.4))
    assert [type(record) for record in out] == [RelationDocument, RelationDocument]


def test_time_budget_outside_the_main_thread_sets_none():
    finished = []

    def work() -> None:
        with time_budget(0.05):
            time.sleep(0.2)
        finished.append(True)
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert finished == [True]


def test_isolate_names_the_reason_and_escapes_what_cannot_be_written():
    page = CleanDocument(doc_id="d", source=Source(path="bad\udcffname.txt", id="x"), text="t")

    def too_long(record):
        raise PageRejected(RejectReason.TOO_LONG, "over the limit")

    def bad_text(record):
        "\ud800".encode("utf-8")

    def broken(record):
        return {}["missing therapy"]
    for function, reason in ((too_long, RejectReason.TOO_LONG), (bad_text, RejectReason.INVALID_UNICODE),
                             (broken, RejectReason.PROCESSING_ERROR)):
        reject = isolate(function, "relations")(page)
        assert reject.reason is reason
        reject.model_dump_json()  # the reject itself can be written
        assert reject.source.path == "bad\\udcffname.txt"
    assert "KeyError" in isolate(broken, "relations")(page).detail


def test_ner_runs_a_long_text_in_pieces_with_offsets_kept(monkeypatch):
    from pipeline.nlp import build_nlp
    from pipeline.stages import ner as ner_module
    text = "\n".join(long_page(12_000).splitlines()[:200])
    page = CleanDocument(doc_id="d", source=Source(path="p", id="p"), text=text)
    nlp = build_nlp()
    monkeypatch.setattr(nlp, "max_length", 5_000)
    monkeypatch.setattr(ner_module, "PIECE_CHARS", 10 ** 9)
    with pytest.raises(ValueError, match="E088"):  # what a long text did to the run before
        ner_module.recognize(page)
    monkeypatch.setattr(ner_module, "PIECE_CHARS", 4_000)
    record = ner_module.recognize(page)
    assert len(record.entities) > 20
    assert [e.id for e in record.entities] == [f"e{n}" for n in range(1, len(record.entities) + 1)]
    for entity in record.entities:
        assert text[entity.start:entity.end] == entity.text
    assert max(e.start for e in record.entities) > 3 * 4_000  # entities found in the later pieces too
    monkeypatch.setattr(ner_module, "MAX_TEXT_CHARS", 1_000)
    reject = isolate(ner_module.recognize, "ner")(page)
    assert reject.reason is RejectReason.TOO_LONG


def test_a_failing_rule_costs_relations_or_findings_not_the_article(monkeypatch):
    from pipeline.normalization import findings as findings_module
    from pipeline.stages import normalize as normalize_module
    from pipeline.stages import relations as relations_module
    from pipeline.stages.ner import recognize
    text = corpus_pages(1)[0].read_text(encoding="utf-8")
    document = recognize(CleanDocument(doc_id="d", source=Source(path="p", id="p"), text=text))
    whole = relations_module.relate_document(document)

    def broken(*args):
        raise KeyError("a therapy missing from a map")
    monkeypatch.setattr(relations_module, "_blamed_therapy", broken)  # a rule that raises on this page
    degraded = relations_module.relate_document(document)
    assert isinstance(degraded, RelationDocument)
    assert 0 < len(degraded.relations) < len(whole.relations)
    assert any("relations: rule" in w and "KeyError" in w for w in degraded.warnings)
    monkeypatch.setattr(findings_module, "treated", broken)
    article = normalize_module.normalize_document(whole)
    assert article.findings and all(f.patients is None for f in article.findings)
    assert any("normalize: rule 'patients treated'" in w for w in article.warnings)


def test_steps_report_each_failing_rule_once():
    steps = Steps("relations")
    for _ in range(3):
        with steps.step("targets stated"):
            raise KeyError("x")
    assert steps.run("sentences", lambda: 1 / 0, default=[]) == []
    assert len(steps.warnings) == 2 and "3 times" in steps.warnings[0]


@pytest.fixture(scope="module")
def corpus_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in corpus_pages(8)]


@st.composite
def documents_with_random_entities(draw, texts: list[str]) -> RelationDocument:
    text = draw(st.sampled_from(texts))
    entities = []
    for number in range(1, draw(st.integers(0, 25)) + 1):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, min(len(text), start + 60)))
        named = draw(st.booleans())
        entities.append(Entity(id=f"e{number}", label=draw(st.sampled_from(LABELS)), text=text[start:end],
                               start=start, end=end, negated=draw(st.booleans()),
                               normalized=Normalized(id=None, name=text[start:end].strip() or "x") if named else None))
    ids = [e.id for e in entities] + ["e999"]  # and an id no entity has
    relations = [Relation(type=draw(st.sampled_from(RELATION_TYPES)), head=draw(st.sampled_from(ids)),
                          tail=draw(st.sampled_from(ids)), evidence=Evidence(start=0, end=len(text)))
                 for _ in range(draw(st.integers(0, 10)))]
    return RelationDocument(doc_id="d", source=Source(path="p", id="p"), text=text, entities=entities,
                            relations=relations)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_relations_and_normalize_never_raise_on_random_entities(corpus_texts, data):
    from pipeline.stages.normalize import normalize_document
    from pipeline.stages.relations import relate_document
    document = data.draw(documents_with_random_entities(corpus_texts))
    related = relate_document(EntityDocument(**document.model_dump(exclude={"relations"})))
    ids = {e.id for e in document.entities}
    assert all(r.head in ids and r.tail in ids for r in related.relations)
    article = normalize_document(document)
    assert len(article.entities) == len(document.entities)
    for finding in article.findings:
        assert finding.therapy_entity in ids


def test_a_record_that_cannot_be_written_is_that_records_reject(tmp_path: Path):
    """Text UTF-8 cannot encode (a lone surrogate) fails only when the record is written:
    the record becomes an ``invalid_unicode`` reject, a reject that cannot be written is
    written escaped, and the stage goes on."""
    from pipeline import runner
    good = CleanDocument(doc_id="a", source=Source(path="a.txt", id="a"), text="A page.")
    bad = CleanDocument(doc_id="b", source=Source(path="b\udcff.txt", id="b"), text="A lone \ud800 surrogate.")
    unwritable_reject = Reject(source=Source(path="c\udcff.txt", id="c"), stage="ner", reason=RejectReason.EMPTY)
    stage = runner.Stage("ner", lambda records, work, seconds: iter(records), "cleaned.jsonl", CleanDocument,
                         "entities.jsonl")
    stats = runner._write_stage(stage, [good, bad, unwritable_reject], tmp_path, read=None)
    assert (stats.read, stats.written, stats.rejected) == (3, 1, 2)
    rejects = [json.loads(line) for line in (tmp_path / "work" / "ner.rejects.jsonl").read_text().splitlines()]
    assert [(r["source"]["path"], r["reason"]) for r in rejects] == [("b\\udcff.txt", "invalid_unicode"),
                                                                     ("c\\udcff.txt", "empty")]
    assert lines_in(tmp_path / "work" / "entities.jsonl") == 1


def test_a_page_over_spacys_length_limit_does_not_end_the_run(tmp_path: Path):
    """A page of 1.1M characters (spaCy's limit is 1M; before, error E088 ended the run with
    no outputs) is processed in pieces — or, on a slow machine, rejected as ``timeout`` —
    and the other pages are articles."""
    dump = small_dump(tmp_path / "dump")
    (dump / "long.txt").write_text(long_page(1_100_000), encoding="utf-8")
    out = tmp_path / "out"
    result = pipeline_cli("run", str(dump), "--out", str(out), "--page-seconds", "10")
    assert result.returncode == 0, result.stderr
    report = run_report(out)
    assert report["reconciled"] and report["complete"] and report["inputs_read"] == 3
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert all(r["source"]["id"] == "long" and r["reason"] == "timeout" for r in rejects), rejects
    articles = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    assert {p.stem for p in corpus_pages(2)} <= {a["source"]["id"] for a in articles}
    for article in articles:
        assert all(article["text"][e["start"]:e["end"]] == e["text"] for e in article["entities"])


# -- outputs commit together -----------------------------------------------------------

def test_outputs_are_written_with_the_users_umask(reference: Path):
    for name in OUTPUTS + ("work/cleaned.jsonl", "work/normalized.jsonl"):
        assert (reference / name).stat().st_mode & 0o777 == 0o640, name
    report = run_report(reference)
    assert report["complete"] and report["reconciled"] and report["articles_written"] == 2
    assert temporaries(reference) == []


KILL_BEFORE_MOVE = """
import os, signal, sys
from pipeline import outputs
limit, real, done = int(sys.argv[1]), outputs._move, []
def move(source, target):
    if len(done) == limit:
        os.kill(os.getpid(), signal.SIGKILL)
    real(source, target)
    done.append(target)
outputs._move = move
sys.argv = ["pipeline"] + sys.argv[2:]
from pipeline.cli import main
main()
"""


def kill_before_move(moves: int, *args: str) -> int:
    """Run the command line, SIGKILLed as its commit is about to rename output number
    ``moves`` (0: the first output; 4: run.json)."""
    return subprocess.run([sys.executable, "-c", KILL_BEFORE_MOVE, str(moves), *args], cwd=ROOT,
                          capture_output=True).returncode


def kill_when(path: Path, *args: str) -> None:
    """Start the command line and SIGKILL it as soon as ``path`` exists."""
    process = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not path.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_kill_at_any_point_then_rerun_gives_the_uninterrupted_outputs(reference: Path, tmp_path: Path):
    dump = reference.parent / "dump"
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    expected = (reference / "articles.jsonl").read_bytes()
    # an earlier, different complete run in the folder: one article fewer
    normalized = out / "work" / "normalized.jsonl"
    normalized.write_text(normalized.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert pipeline_cli("export", "--out", str(out)).returncode == 1  # one record short: not reconciled
    earlier = (out / "articles.jsonl").read_bytes()
    assert earlier != expected and run_report(out)["complete"]
    complete_runs = [earlier, expected]
    (out / "work" / "entities.jsonl").unlink()
    kill_when(out / "work" / "entities.jsonl", "run", str(dump), "--out", str(out))  # in the middle of the stages
    assert_consistent(out, complete_runs)
    assert (out / "articles.jsonl").read_bytes() == earlier
    assert kill_before_move(2, "run", str(dump), "--out", str(out)) == -signal.SIGKILL  # half of the outputs renamed
    assert not (out / "run.json").exists() and (out / ".staging").exists()
    assert_consistent(out, complete_runs)
    assert kill_before_move(4, "export", "--out", str(out)) == -signal.SIGKILL  # all but run.json renamed
    assert not (out / "run.json").exists()
    result = pipeline_cli("run", str(dump), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "articles.jsonl").read_bytes() == expected
    assert counts(run_report(out)) == counts(run_report(reference))
    assert_consistent(out, complete_runs)
    assert temporaries(out) == []


def test_a_full_disk_during_export_leaves_the_previous_outputs(reference: Path, tmp_path: Path):
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    limit = (out / "articles.sqlite").stat().st_size // 2

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    result = subprocess.run([sys.executable, "-m", "pipeline", "export", "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True, preexec_fn=small_disk)
    assert result.returncode == 4
    assert "failed" in one_line_error(result)
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before
    assert temporaries(out) == []


# -- one run per output folder; failures say so ------------------------------------------

def test_a_second_run_into_the_same_folder_is_refused(tmp_path: Path):
    dump = small_dump(tmp_path / "dump", 1)
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = pipeline_cli("run", str(dump), "--out", str(out))
    assert result.returncode == 3
    assert "in use by another run" in one_line_error(result)
    assert not (out / "work").exists()


def test_a_run_that_does_not_reconcile_exits_non_zero(reference: Path, tmp_path: Path):
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    normalized = out / "work" / "normalized.jsonl"
    normalized.write_text(normalized.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    result = pipeline_cli("export", "--out", str(out))
    assert result.returncode == 1
    assert "error: the run's counts do not reconcile" in result.stderr.splitlines()[-1]
    assert not run_report(out)["reconciled"]


def test_refusals_are_one_line_with_a_non_zero_exit(tmp_path: Path):
    dump = small_dump(tmp_path / "dump", 1)
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    cases = [
        (("run", str(tmp_path / "absent"), "--out", str(tmp_path / "o1")), "input not found"),
        (("run", str(dump), "--out", str(a_file)), "is a file"),
        (("run", str(dump), "--out", str(dump / "out")), "inside the input"),
        (("run", str(dump), "--out", str(dump)), "is the input"),
        (("run", str(dump / corpus_pages(1)[0].name), "--out", str(dump)), "is inside --out"),
        (("ingest", str(tmp_path / "absent"), "--out", str(tmp_path / "o2")), "input not found"),
        (("ner", "--out", str(tmp_path / "o3")), "does not exist"),
        (("eval", str(a_file), str(tmp_path / "no-gold")), "gold folder not found"),
        (("kb", "build", "--data", str(tmp_path / "no-data"), "--out", str(tmp_path / "kb.msgpack.gz")),
         "kb build needs the source data"),
    ]
    for args, message in cases:
        result = pipeline_cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in one_line_error(result), args
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()
    assert not (tmp_path / "kb.msgpack.gz").exists()
    assert sorted(p.name for p in dump.iterdir()) == [corpus_pages(1)[0].name]
    verbose = pipeline_cli("--verbose", "run", str(tmp_path / "absent"), "--out", str(tmp_path / "o1"))
    assert verbose.returncode == 2 and "Traceback" in verbose.stderr


def test_an_unwritable_output_folder_is_refused(tmp_path: Path):
    dump = small_dump(tmp_path / "dump", 1)
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    if os.geteuid() == 0:  # root writes through permission bits: make the folder immutable
        made = subprocess.run(["chattr", "+i", str(read_only)], capture_output=True) if shutil.which("chattr") else None
        if made is None or made.returncode != 0:
            pytest.skip("running as root where chattr +i is unavailable")
    else:
        read_only.chmod(0o555)
    try:
        result = pipeline_cli("run", str(dump), "--out", str(read_only / "out"))
        assert result.returncode == 2, result.stderr
        assert "cannot write to --out" in one_line_error(result)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(read_only)], capture_output=True)
        read_only.chmod(0o755)
