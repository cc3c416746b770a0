"""Wiring of stages to files: each stage reads the previous stage's JSON lines from
``OUT/work/`` and writes its own, with its rejects and counts beside it; export gathers
the final outputs (``articles.jsonl``, ``articles.sqlite``, ``rejects.jsonl``,
``run.json``) and reconciles the counts. Nothing here transforms records."""
from __future__ import annotations

import importlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence, Union

from pydantic import BaseModel

from .jsonl import atomic_writer, dump_line, read_records
from .schema import (ArticleRecord, CleanDocument, Duplicate, EntityDocument, PageLines, RawDocument, Reject,
                     RelationDocument, RunReport, StageStats)
from .executors import Executor, SerialExecutor, tracked
from .executors.learning import SHARD_PAGES, learn_templates_and_clean
from .executors.staging import count_lines, stage_stream
from .stages.export import export
from .stages.ingest import ingest

WORK = "work"


@dataclass(frozen=True)
class Stage:
    name: str
    function: Callable[[Iterable, Path], Iterator]   # (records, work folder) -> records
    reads: Optional[str]            # file in OUT/work the stage reads
    reads_model: Optional[type[BaseModel]]
    writes: str                     # file in OUT/work the stage writes


STAGES: dict[str, Stage] = {s.name: s for s in (
    Stage("ingest", lambda inputs, work: ingest(inputs), None, None, "ingested.jsonl"),
    Stage("clean", lambda records, work: clean_learning_templates(records, work), "ingested.jsonl", RawDocument,
          "cleaned.jsonl"),
    Stage("ner", lambda records, work: _stage("ner")(records), "cleaned.jsonl", CleanDocument, "entities.jsonl"),
    Stage("relations", lambda records, work: _stage("relations")(records), "entities.jsonl", EntityDocument,
          "relations.jsonl"),
    Stage("normalize", lambda records, work: _stage("normalize")(records), "relations.jsonl", RelationDocument,
          "normalized.jsonl"),
)}
ORDER = ["ingest", "clean", "ner", "relations", "normalize", "export"]


def _stage(name: str) -> Callable[[Iterable], Iterator]:
    """A stage's function, imported when it runs: cleaning a dump need not load spaCy."""
    return getattr(importlib.import_module(f"pipeline.stages.{name}"), name)


def run_ingest(inputs: Sequence[Union[str, Path]], out_dir: Path) -> StageStats:
    (out_dir / WORK).mkdir(parents=True, exist_ok=True)
    (out_dir / WORK / "inputs.json").write_text(json.dumps([str(p) for p in inputs]), encoding="utf-8")
    return _write_stage(STAGES["ingest"], inputs, out_dir, read=None)


def run_stage(name: str, out_dir: Path, executor: Optional[Executor] = None) -> StageStats:
    stage = STAGES[name]
    source = out_dir / WORK / stage.reads
    if not source.exists():
        raise FileNotFoundError(f"{source} is missing: run the stage before '{name}' first")
    counter = _Counter()
    items = counter.count(read_records(source, stage.reads_model, name))
    early_rejects: list[Reject] = []
    records = _split_rejects(items, early_rejects)
    return _write_stage(stage, records, out_dir, read=counter, extra_rejects=early_rejects, executor=executor,
                        total=count_lines(source))


def run_export(out_dir: Path) -> RunReport:
    work = out_dir / WORK
    source = work / STAGES["normalize"].writes
    if not source.exists():
        raise FileNotFoundError(f"{source} is missing: run 'normalize' first")
    started = time.perf_counter()
    stats = StageStats(stage="export")
    invalid: list[Reject] = []
    records = _split_rejects(read_records(source, ArticleRecord, "export"), invalid)
    for record in tracked("export", export(records, out_dir), count_lines(source)):
        stats.written += 1
    stats.rejected = len(invalid)
    stats.read = stats.written + stats.rejected
    _write_all(work / "export.rejects.jsonl", invalid)
    stats.seconds = round(time.perf_counter() - started, 3)
    (work / "export.stats.json").write_text(stats.model_dump_json(indent=2), encoding="utf-8")
    return _report(out_dir)


def run_all(inputs: Sequence[Union[str, Path]], out_dir: Path, executor: Optional[Executor] = None) -> RunReport:
    run_ingest(inputs, out_dir)
    for name in ORDER[1:-1]:
        run_stage(name, out_dir, executor)
    return run_export(out_dir)


def clean_learning_templates(records: Iterable[RawDocument], work: Path, shard_pages: int = SHARD_PAGES,
                             executor: Optional[Executor] = None) -> Iterator[Union[CleanDocument, Reject]]:
    """The clean stage over a dump: extract every page to lines (written to
    ``work/extracted.jsonl``) while counting lines shard by shard (map), merge the
    shards into the dump's site templates (reduce, ``work/templates.npz``), then clean
    each page with them (``pipeline.executors.learning``; in this process by default)."""
    return learn_templates_and_clean(records, work, executor or SerialExecutor(), shard_pages)


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def count(self, items: Iterable) -> Iterator:
        for item in items:
            self.n += 1
            yield item


def _split_rejects(items: Iterable, rejects: list[Reject]) -> Iterator:
    for item in items:
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            yield item


def _write_stage(stage: Stage, items: Iterable, out_dir: Path, read: Optional[_Counter],
                 extra_rejects: Optional[list[Reject]] = None, executor: Optional[Executor] = None,
                 total: Optional[int] = None) -> StageStats:
    work = out_dir / WORK
    started = time.perf_counter()
    stats = StageStats(stage=stage.name)
    rejects_path, duplicates_path = work / f"{stage.name}.rejects.jsonl", work / f"{stage.name}.duplicates.jsonl"
    with atomic_writer(work / stage.writes) as out, atomic_writer(rejects_path) as rejected, \
            atomic_writer(duplicates_path) as duplicated:
        for item in stage_stream(stage.name, stage.function, items, work, executor, total):
            if isinstance(item, Reject):
                rejected.write(dump_line(item))
                stats.rejected += 1
            elif isinstance(item, Duplicate):
                duplicated.write(dump_line(item))
                stats.duplicates += 1
            else:
                out.write(dump_line(item))
                stats.written += 1
        for item in extra_rejects or []:
            rejected.write(dump_line(item))
            stats.rejected += 1
    if stats.duplicates == 0:
        duplicates_path.unlink(missing_ok=True)
    stats.read = read.n if read is not None else stats.written + stats.rejected + stats.duplicates
    stats.seconds = round(time.perf_counter() - started, 3)
    (work / f"{stage.name}.stats.json").write_text(stats.model_dump_json(indent=2), encoding="utf-8")
    return stats


def _write_all(path: Path, records: Iterable[BaseModel]) -> None:
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(dump_line(record))


def _report(out_dir: Path) -> RunReport:
    """Gather every stage's rejects and duplicates and reconcile the counts:
    inputs read = articles written + rejects + duplicates."""
    work = out_dir / WORK
    stats = [StageStats.model_validate_json((work / f"{name}.stats.json").read_text(encoding="utf-8"))
             for name in ORDER if (work / f"{name}.stats.json").exists()]
    reasons: dict[str, int] = {}
    rejects = 0
    with atomic_writer(out_dir / "rejects.jsonl") as handle:
        for name in ORDER:
            path = work / f"{name}.rejects.jsonl"
            if path.exists():
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        handle.write(line + "\n")
                        rejects += 1
                        reason = json.loads(line)["reason"]
                        reasons[reason] = reasons.get(reason, 0) + 1
    duplicates = 0
    with atomic_writer(out_dir / "duplicates.jsonl") as handle:
        path = work / "ingest.duplicates.jsonl"
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    handle.write(line + "\n")
                    duplicates += 1
    by_name = {s.stage: s for s in stats}
    inputs_read = by_name["ingest"].read if "ingest" in by_name else 0
    articles = by_name["export"].written if "export" in by_name else 0
    chained = all(by_name[b].read == by_name[a].written for a, b in zip(ORDER, ORDER[1:])
                  if a in by_name and b in by_name)
    inputs_file = work / "inputs.json"
    report = RunReport(
        inputs=json.loads(inputs_file.read_text(encoding="utf-8")) if inputs_file.exists() else [],
        stages=stats, inputs_read=inputs_read, articles_written=articles, rejects=rejects,
        duplicates=duplicates, reconciled=chained and inputs_read == articles + rejects + duplicates,
        reject_reasons=dict(sorted(reasons.items())))
    (out_dir / "run.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    return report
