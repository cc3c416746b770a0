"""Wiring of stages to files: each stage reads the previous stage's JSON lines from
``OUT/work/`` and writes its own, with its rejects and counts beside it; export gathers
the final outputs (``articles.jsonl``, ``articles.sqlite``, ``rejects.jsonl``,
``duplicates.jsonl``, ``run.json``), reconciles the counts and commits them together
(``pipeline.outputs.Staging``). Nothing here transforms records.

Every per-page function is wired through ``pipeline.isolation.isolate``: a page that
raises, spends its time budget or hits a limit becomes that page's reject, and a record
that cannot be written (text UTF-8 cannot encode) becomes an ``invalid_unicode`` reject
when it is written."""
from __future__ import annotations

import importlib
import json
import time
from datetime import datetime, timezone
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence, Union

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from . import __version__
from .errors import Refused
from .isolation import PAGE_SECONDS, describe, isolate, reject_for
from .jsonl import atomic_writer, dump_line, file_sha256, read_records, write_text_atomic
from .outputs import OUTPUTS, REPORT, Staging
from .schema import (ArticleRecord, CleanDocument, Duplicate, EntityDocument, PageLines, RawDocument, Reject,
                     RejectReason, RelationDocument, RunReport, Source, StageStats)
from .knowledge.kb import kb_sha256
from .cleaning.near_duplicates import POLICIES, NearDuplicateIndex, NearDuplicatePolicy
from .cleaning.templates import LineCounter, ShardCounts, TemplateModel, merge_shards
from .executors import Executor, stage_progress
from .executors.progress import step
from .executors.learning import SHARD_PAGES
from .executors.shards import Tally
from .executors.staging import PER_RECORD_STAGES, count_lines, stage_stream
from .stages.clean import clean_page, extract_page
from .stages.export import export
from .stages.ingest import ingest

WORK = "work"


#: a stage's function: (records, work folder, seconds a page may take or None) -> records
StageFunction = Callable[..., Iterator]  # (records, work folder, seconds per page, **options) -> records


@dataclass(frozen=True)
class Stage:
    name: str
    function: StageFunction
    reads: Optional[str]            # file in OUT/work the stage reads
    reads_model: Optional[type[BaseModel]]
    writes: str                     # file in OUT/work the stage writes


def _per_page(stage: str, function_name: str) -> StageFunction:
    """A stage made of a one-page function (``pipeline.stages.<stage>.<function_name>``),
    each page isolated with its time budget. The module is imported when the stage runs
    (cleaning a dump need not load spaCy), and its ``prepare()``, if it has one, runs before
    the first page, outside any budget: loading models is not a page's time."""
    def run(records: Iterable, work: Path, seconds: Optional[float], **options) -> Iterator:
        module = importlib.import_module(f"pipeline.stages.{stage}")
        guarded = isolate(getattr(module, function_name), stage, seconds)
        prepare: Optional[Callable[[], None]] = getattr(module, "prepare", None)
        for number, record in enumerate(records):
            if number == 0 and prepare is not None:
                step("loading models")
                prepare()
                step(None)
            yield guarded(record)
    return run


STAGES: dict[str, Stage] = {s.name: s for s in (
    Stage("ingest", lambda inputs, work, seconds, **options: ingest(inputs), None, None, "ingested.jsonl"),
    Stage("clean", lambda records, work, seconds, **options: clean_learning_templates(records, work, seconds=seconds,
                                                                                      **options),
          "ingested.jsonl", RawDocument, "cleaned.jsonl"),
    Stage("ner", _per_page("ner", "recognize"), "cleaned.jsonl", CleanDocument, "entities.jsonl"),
    Stage("relations", _per_page("relations", "relate_document"), "entities.jsonl", EntityDocument,
          "relations.jsonl"),
    Stage("normalize", _per_page("normalize", "normalize_document"), "relations.jsonl", RelationDocument,
          "normalized.jsonl"),
)}
ORDER = ["ingest", "clean", "ner", "relations", "normalize", "export"]


def run_ingest(inputs: Sequence[Union[str, Path]], out_dir: Path) -> StageStats:
    (out_dir / WORK).mkdir(parents=True, exist_ok=True)
    write_text_atomic(out_dir / WORK / "inputs.json", json.dumps([str(p) for p in inputs]))
    return _write_stage(STAGES["ingest"], inputs, out_dir, read=None)


def run_stage(name: str, out_dir: Path, page_seconds: Optional[float] = PAGE_SECONDS,
              executor: Optional[Executor] = None, **options) -> StageStats:
    """One stage from its input file in ``OUT/work``; ``page_seconds`` is each page's time
    budget (None or 0: none); ``executor`` spreads the pages over workers (default: none,
    this process); ``options`` go to the stage's function (clean: ``near_duplicates``)."""
    stage = STAGES[name]
    source = out_dir / WORK / stage.reads
    if not source.exists():
        raise Refused(f"{source} is missing: run the stage before '{name}' first")
    counter = _Counter()
    items = counter.count(read_records(source, stage.reads_model, name))
    early_rejects: list[Reject] = []
    records = _split_rejects(items, early_rejects)
    return _write_stage(stage, records, out_dir, read=counter, extra_rejects=early_rejects, seconds=page_seconds,
                        executor=executor, total=count_lines(source), options=options)


def run_export(out_dir: Path) -> RunReport:
    """Write the final outputs into the staging folder, reconcile, and commit them together."""
    work = out_dir / WORK
    source = work / STAGES["normalize"].writes
    if not source.exists():
        raise Refused(f"{source} is missing: run 'normalize' first")
    with Staging(out_dir) as staging:
        started = time.perf_counter()
        stats = StageStats(stage="export", engine="serial", workers=1)  # export runs in this process
        invalid: list[Reject] = []
        records = _split_rejects(read_records(source, ArticleRecord, "export"), invalid)
        with stage_progress("export", count_lines(source)) as progress:
            step("hashing the normalized records")
            digest = file_sha256(source)
            step(None)
            for record in export(records, staging.folder, digest):
                stats.written += 1
                progress.advance()
            stats.rejected = len(invalid)
            stats.read = stats.processed = stats.written + stats.rejected
            _write_all(work / "export.rejects.jsonl", invalid)
            stats.seconds = round(time.perf_counter() - started, 3)
            write_text_atomic(work / "export.stats.json", stats.model_dump_json(indent=2))
            step("gathering rejects and duplicates")  # a long step that counts no page: named in the progress lines
            report = _report(out_dir, staging.folder)
            step("committing the outputs")
            staging.commit(OUTPUTS, REPORT)
    return report


def run_all(inputs: Sequence[Union[str, Path]], out_dir: Path, page_seconds: Optional[float] = PAGE_SECONDS,
            clean_options: Optional[dict] = None, executor: Optional[Executor] = None) -> RunReport:
    run_ingest(inputs, out_dir)
    for name in ORDER[1:-1]:
        run_stage(name, out_dir, page_seconds, executor, **((clean_options or {}) if name == "clean" else {}))
    return run_export(out_dir)


def clean_learning_templates(records: Iterable[RawDocument], work: Path, shard_pages: int = SHARD_PAGES,
                             seconds: Optional[float] = None, near_duplicates: NearDuplicatePolicy = "keep"
                             ) -> Iterator[Union[CleanDocument, Duplicate, Reject]]:
    """The clean stage over a dump: extract every page to lines (written to
    ``work/extracted.jsonl``) while clustering near-duplicate pages; count lines shard by
    shard (map), each line once per cluster, merge the shards into the dump's site
    templates (reduce, ``work/templates.npz``), then clean each page with them. A
    near-duplicate is reported as a ``Duplicate`` of its cluster's canonical page; with
    ``near_duplicates="collapse"`` it is not cleaned, with "keep" it is. Each page's
    extraction and cleaning is isolated, with ``seconds`` as its budget for each."""
    if near_duplicates not in POLICIES:
        raise ValueError(f"near_duplicates must be one of {POLICIES}, not {near_duplicates!r}")
    clusters = NearDuplicateIndex()
    extracted = work / "extracted.jsonl"
    step("extracting pages")
    with atomic_writer(extracted) as handle:
        for page in map(isolate(extract_page, "clean", seconds), records):
            page, line = _writable(page, "clean")
            if isinstance(page, Reject):
                yield page
                continue
            handle.write(line)
            clusters.add(page.lines)
    step("learning templates")
    templates = _learn_templates(extracted, work, clusters, shard_pages)
    step(None)
    yield from _clean_extracted(extracted, templates, clusters, near_duplicates, seconds)


def _learn_templates(extracted: Path, work: Path, clusters: NearDuplicateIndex, shard_pages: int) -> TemplateModel:
    """Count every page's lines, once per cluster of near-duplicates; a cluster's set of
    counted keys is dropped when its last page has been counted."""
    shard_dir = work / "line-counts"
    shard_dir.mkdir(parents=True, exist_ok=True)
    for old in shard_dir.glob("*.npz"):
        old.unlink()
    counter, shards = LineCounter(), []
    counted: dict[int, set[int]] = {}
    left = dict(clusters.sizes)
    for index, page in enumerate(_split_rejects(read_records(extracted, PageLines, "clean"), [])):
        cluster = clusters.cluster_of(index)
        counter.add(page.site, page.lines, None if cluster is None else counted.setdefault(cluster, set()))
        if cluster is not None:
            left[cluster] -= 1
            if not left[cluster]:
                del counted[cluster]
        if counter.pages >= shard_pages:
            shards.append(_save_shard(counter, shard_dir, len(shards)))
    if counter.pages:
        shards.append(_save_shard(counter, shard_dir, len(shards)))
    templates = merge_shards(ShardCounts.load(path) for path in shards)
    templates.save(work / "templates.npz")
    return templates


def _clean_extracted(extracted: Path, templates: TemplateModel, clusters: NearDuplicateIndex,
                     near_duplicates: NearDuplicatePolicy, seconds: Optional[float] = None
                     ) -> Iterator[Union[CleanDocument, Duplicate, Reject]]:
    """The second pass, each page isolated with its budget. A canonical page precedes its
    copies in the dump, so its source is known when they come."""
    clean_one = isolate(lambda page: clean_page(page, templates), "clean", seconds)
    canonical_sources: dict[int, Source] = {}
    for index, page in enumerate(_split_rejects(read_records(extracted, PageLines, "clean"), [])):
        if index in clusters.sizes:
            canonical_sources[index] = page.source
        membership = clusters.members.get(index)
        keep = membership is None or near_duplicates == "keep"
        if keep:
            yield clean_one(page)
        if membership is not None:
            yield Duplicate(source=page.source, doc_id=page.doc_id, duplicate_of=canonical_sources[membership.canonical],
                            kind="near", similarity=membership.similarity, kept=keep)


def _save_shard(counter: LineCounter, folder: Path, number: int) -> Path:
    path = folder / f"shard-{number:05d}.npz"
    counter.shard().save(path)
    return path


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
                 extra_rejects: Optional[list[Reject]] = None, seconds: Optional[float] = None,
                 executor: Optional[Executor] = None, total: Optional[int] = None,
                 options: Optional[dict] = None) -> StageStats:
    work = out_dir / WORK
    started = time.perf_counter()
    stats = StageStats(stage=stage.name, engine=executor.name if executor else "serial",
                       workers=executor.workers if executor else 1)
    tally = Tally()
    rejects_path, duplicates_path = work / f"{stage.name}.rejects.jsonl", work / f"{stage.name}.duplicates.jsonl"
    with atomic_writer(work / stage.writes) as out, atomic_writer(rejects_path) as rejected, \
            atomic_writer(duplicates_path) as duplicated:
        for item in stage_stream(stage.name, stage.function, items, work, seconds, executor, total, tally,
                                 **(options or {})):
            item, line = _writable(item, stage.name)
            if isinstance(item, Reject):
                rejected.write(line)
                stats.rejected += 1
            elif isinstance(item, Duplicate):
                duplicated.write(line)
                stats.duplicates += 1
            else:
                out.write(line)
                stats.written += 1
        for item in extra_rejects or []:
            rejected.write(_writable(item, stage.name)[1])
            stats.rejected += 1
    if stats.duplicates == 0:
        duplicates_path.unlink(missing_ok=True)
    stats.read = read.n if read is not None else stats.written + stats.rejected + stats.duplicates
    # a per-record stage counts what it ran and reused; the others run on every record they read
    stats.processed, stats.reused = (tally.processed, tally.reused) if stage.name in PER_RECORD_STAGES \
        else (stats.read, 0)
    stats.seconds = round(time.perf_counter() - started, 3)
    write_text_atomic(work / f"{stage.name}.stats.json", stats.model_dump_json(indent=2))
    return stats


def _writable(item: BaseModel, stage: str) -> tuple[BaseModel, str]:
    """The item and its JSON line — or, for a record that cannot be serialized (a lone
    surrogate that UTF-8 cannot encode), that record's reject and the reject's line: one
    page's bad text is that page's ``invalid_unicode`` reject, not a crash of the stage."""
    try:
        return item, dump_line(item)  # pydantic refuses text UTF-8 cannot encode
    except (PydanticSerializationError, UnicodeError) as err:
        if isinstance(item, Reject):  # keep its reason; escape what cannot be written
            reject = reject_for(item, item.stage, item.reason, item.detail)
        else:
            reason = RejectReason.INVALID_UNICODE if "surrogate" in str(err) or isinstance(err, UnicodeError) \
                else RejectReason.PROCESSING_ERROR
            reject = reject_for(item, stage, reason, f"the record cannot be written: {describe(err)}")
        return reject, dump_line(reject)


def _write_all(path: Path, records: Iterable[BaseModel]) -> None:
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(dump_line(record))


def _utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")


def _report(out_dir: Path, staged: Path) -> RunReport:
    """Gather every stage's rejects and duplicates and reconcile the counts:
    inputs read = articles written + rejects + duplicates. ``rejects.jsonl``,
    ``duplicates.jsonl`` and ``run.json`` are written into ``staged``, to be committed
    with the articles."""
    work = out_dir / WORK
    stats = [StageStats.model_validate_json((work / f"{name}.stats.json").read_text(encoding="utf-8"))
             for name in ORDER if (work / f"{name}.stats.json").exists()]
    reasons: dict[str, int] = {}
    rejects = 0
    with atomic_writer(staged / "rejects.jsonl") as handle:
        for name in ORDER:
            path = work / f"{name}.rejects.jsonl"
            if path.exists():
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        handle.write(line + "\n")
                        rejects += 1
                        reason = json.loads(line)["reason"]
                        reasons[reason] = reasons.get(reason, 0) + 1
    duplicates = near = 0
    with atomic_writer(staged / "duplicates.jsonl") as handle:
        for path in (work / "ingest.duplicates.jsonl", work / "clean.duplicates.jsonl"):
            if path.exists():
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        handle.write(line + "\n")
                        entry = json.loads(line)
                        near += entry.get("kind") == "near"
                        duplicates += not entry.get("kept", False)  # a kept near-duplicate is also an article
    by_name = {s.stage: s for s in stats}
    inputs_read = by_name["ingest"].read if "ingest" in by_name else 0
    articles = by_name["export"].written if "export" in by_name else 0
    chained = all(by_name[b].read == by_name[a].written for a, b in zip(ORDER, ORDER[1:])
                  if a in by_name and b in by_name)
    inputs_file = work / "inputs.json"
    spread = [s for s in stats if s.stage in ("clean", *PER_RECORD_STAGES) and s.engine]  # stages an executor ran
    engines = {s.engine for s in spread}
    report = RunReport(
        inputs=json.loads(inputs_file.read_text(encoding="utf-8")) if inputs_file.exists() else [],
        stages=stats, inputs_read=inputs_read, articles_written=articles, rejects=rejects,
        duplicates=duplicates, reconciled=chained and inputs_read == articles + rejects + duplicates,
        near_duplicates=near, reject_reasons=dict(sorted(reasons.items())), complete=True,
        pipeline_version=__version__, kb_sha256=kb_sha256(),
        engine=(engines.pop() if len(engines) == 1 else "mixed") if engines else None,
        workers=max((s.workers or 1 for s in spread), default=None),
        pages_processed=by_name["ner"].processed if "ner" in by_name else None,
        pages_reused=by_name["ner"].reused if "ner" in by_name else 0,
        started=_utc(inputs_file.stat().st_mtime) if inputs_file.exists() else None, finished=_utc(time.time()))
    write_text_atomic(staged / REPORT, report.model_dump_json(indent=2))
    return report
