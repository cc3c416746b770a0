"""The scale benchmark's dump and the run's provenance: a generated dump repeats no
body line across pages (the template learner would take repeated lines as the site's
template), every generated page becomes a record, and run.json names the version, the
knowledge base and the run's times."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import __version__
from pipeline.benchmarks.scale_dump import base_pages, build_dump, repeated_lines
from pipeline.knowledge.kb import KB_FILE
from pipeline.runner import run_all

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bases():
    return base_pages(ROOT / "corpus" / "dump", ROOT / "corpus" / "gold")


def _pages(dump: Path) -> list[dict]:
    return [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]


def test_generated_pages_share_no_body_line(bases, tmp_path: Path):
    dump = tmp_path / "dump.jsonl"
    count = 3 * len(bases)  # every corpus page used three times
    stats = build_dump(bases, count, dump)
    pages = _pages(dump)
    assert len(pages) == count == stats.pages and len({p["id"] for p in pages}) == count
    frame = {line for base in bases for line in base.lines if line not in base.body and line != base.title}
    bodies = []
    for page in pages:
        content = page.get("text") or page["html"]
        bodies.append("\n".join(line for line in content.split("\n") if line not in frame))
    text_bodies = [b for b, p in zip(bodies, pages) if "text" in p]
    assert not repeated_lines(text_bodies)
    # the same pages again with another seed differ, so a dump is not one page's copies
    again = tmp_path / "again.jsonl"
    build_dump(bases, len(bases), again, seed=14)
    assert _pages(again)[0] != pages[0]


def test_every_generated_page_becomes_a_distinct_record(bases, tmp_path: Path):
    dump = tmp_path / "dump.jsonl"
    count = 2 * len(bases)
    build_dump(bases, count, dump)
    report = run_all([dump], tmp_path / "out")
    assert report.articles_written == count and report.reconciled
    texts = [json.loads(line)["text"] for line in (tmp_path / "out" / "articles.jsonl").read_text().splitlines()]
    assert not repeated_lines(texts)


def test_run_json_names_version_knowledge_base_and_times(tmp_path: Path):
    page = tmp_path / "page.txt"
    page.write_text("CAR-T cell therapy for lupus\nTwelve patients with systemic lupus erythematosus received "
                    "CD19 CAR T cells and all reached remission within three months of the infusion\n",
                    encoding="utf-8")
    report = run_all([page], tmp_path / "out")
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["pipeline_version"] == __version__ == report.pipeline_version
    assert run["kb_sha256"] == hashlib.sha256(KB_FILE.read_bytes()).hexdigest()
    assert run["started"] <= run["finished"] and run["finished"].endswith("+00:00")


def test_version_flag():
    result = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0 and result.stdout.strip() == __version__
