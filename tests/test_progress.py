"""Progress of a long run when stderr is not a terminal: every stage logs periodic lines
while it works — in steps that count no page too — so no long silence is left; a line
names the step its stage is in."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import CORPUS, CORPUS_PAGES

from pipeline.benchmarks.progress import largest_gap, watch_run
from pipeline.executors.progress import LoggedProgress, stage_progress, step

STAGES = ("ingest", "clean", "ner", "relations", "normalize", "export")
_PERIODIC = re.compile(r"^\S+ (?P<stage>[a-z]+)(?::[a-z-]+)?: (?:[a-z ]+, )?[\d,]+/[\d,]+ pages \(")


def test_every_stage_logs_progress_while_it_works(tmp_path: Path):
    watch, _, _ = watch_run(CORPUS / "dump", tmp_path / "out", workers=1, interval=0.1)
    lines = [line for _, line in watch.lines]
    periodic = {match["stage"] for match in map(_PERIODIC.match, lines) if match}
    assert periodic >= set(STAGES) - {"ingest"}, lines  # ingest of the corpus may end before its first tick
    for stage in STAGES:
        assert any(re.match(rf"^\S+ {stage}: {CORPUS_PAGES} pages in ", line) for line in lines), stage
    gap, after = largest_gap(watch, start_up=False)
    # lines every 0.1 s: a gap of seconds is a step outside any progress (start-up, imports, aside)
    assert gap < 5, (gap, after)
    assert any("loading models" in line for line in lines)


def test_a_line_names_the_step_its_stage_is_in(monkeypatch):
    monkeypatch.setattr("pipeline.executors.progress.make_progress",
                        lambda name, total: LoggedProgress(name, total, interval=3600))
    with stage_progress("clean", 10) as progress:
        step("learning templates")
        assert progress.line().startswith("clean: learning templates, 0/10 pages")
        step(None)
        progress.advance(4)
        assert progress.line().startswith("clean: 4/10 pages (40.0%)")
    step("outside any stage")  # nothing to name: no error
