"""Building ``OUT/report/``.

The records are read as lines and cut into chunks; each chunk is parsed, counted for the
dashboard and indexed for the search, and its sampled articles' pages are written — in
worker processes when more than one core is asked for, since rendering 10,000 pages is
the build's cost. The chunks' figures are merged in order, then the dashboard, the
index script, the stylesheet and the script are written.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from ..evaluation import record_key
from .article import Navigation, article_page, page_name
from .dashboard import RejectSummary, RunStatistics, dashboard_page
from .gold import GoldComparison, article_differences
from .loading import ExtractedLines, read_jsonl, read_run, stage_stats
from .search_index import INDEX_SCRIPT, IndexEntry, SearchIndex, index_entry
from .templates import CSS_FILE, JS_FILE, SCRIPT, STYLESHEET

REPORT_FOLDER = "report"
ARTICLES_FOLDER = "articles"
#: article pages written by default: every article of a run of up to this many
DEFAULT_SAMPLE = 10_000
CHUNK_RECORDS = 250
MAX_JOBS = 4
_DOC_ID = re.compile(r'^\{\s*(?:"schema_version"\s*:\s*"[^"]*"\s*,\s*)?"doc_id"\s*:\s*"([^"\\]+)"')


@dataclass(frozen=True)
class ReportSummary:
    """What a build wrote, and how long it took."""
    folder: Path
    articles: int
    pages: int
    seconds: float
    index_bytes: int
    search_index_bytes: int

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


@dataclass(frozen=True)
class _Context:
    """What every chunk needs, set once per build and inherited by forked workers (so
    the records' lines are not sent to them)."""
    pages_folder: Path
    extracted: ExtractedLines
    golds: dict[str, dict]
    lines: list[str]
    names: list[Optional[str]]   # the page of each record, None beyond the sample


@dataclass
class _ChunkResult:
    statistics: RunStatistics = field(default_factory=RunStatistics)
    entries: list[IndexEntry] = field(default_factory=list)
    gold_records: list[dict] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)


_context: Optional[_Context] = None


def _render_chunk(bounds: tuple[int, int]) -> _ChunkResult:
    """Parse, count, index and write the pages of records ``start`` to ``stop``."""
    assert _context is not None
    result = _ChunkResult()
    start, stop = bounds
    names = _context.names
    for number in range(start, stop):
        try:
            record = json.loads(_context.lines[number])
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        result.statistics.add(record)
        key = record_key(record)
        gold = _context.golds.get(key)
        if gold is not None:
            result.gold_records.append(record)
        name = names[number]
        if name is not None:
            differences = article_differences(key, gold, record) if gold is not None else None
            navigation = Navigation(previous=names[number - 1] if number else None,
                                    next=names[number + 1] if number + 1 < len(names) else None)
            html = article_page(record, navigation,
                                _context.extracted.lines(str(record.get("doc_id"))), differences)
            (_context.pages_folder / name).write_text(html, encoding="utf-8")
            result.pages.append(name)
        result.entries.append(index_entry(record, name))
    return result


def _record_lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [line for line in handle if line.strip()]


def _page_names(lines: list[str], sample: Optional[int]) -> list[Optional[str]]:
    """The page of each record, from its ``doc_id`` (read without parsing the whole line)."""
    names: list[Optional[str]] = []
    for number, line in enumerate(lines):
        if sample is not None and number >= sample:
            names.append(None)
            continue
        match = _DOC_ID.match(line)
        if match:
            names.append(page_name({"doc_id": match.group(1)}))
        else:
            try:
                names.append(page_name(json.loads(line)))
            except (ValueError, AttributeError):
                names.append(None)
    return names


def _chunks(count: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _run_chunks(chunks: list[tuple[int, int]], jobs: int) -> Iterator[_ChunkResult]:
    if jobs <= 1 or len(chunks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_render_chunk, chunks)
        return
    with multiprocessing.get_context("fork").Pool(min(jobs, len(chunks))) as pool:
        yield from pool.imap(_render_chunk, chunks)


def _fresh_folder(folder: Path) -> Path:
    """An empty folder beside ``folder`` for this build's pages. Pages are written to new
    files, never over an earlier build's: overwriting a file on ext4 flushes it to disk
    on close (its replace-by-truncate heuristic), which made a build several times slower."""
    fresh = folder.with_name(f"{folder.name}.new-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    return fresh


def _swap_in(fresh: Path, folder: Path) -> None:
    """Put the new pages in place of the earlier build's, and delete those (and any left
    by an interrupted build) in the background: on a disk mounted with ``discard``
    deleting 10,000 pages written minutes ago took longer than building them."""
    old = folder.with_name(f"{folder.name}.old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    fresh.rename(folder)
    leftovers = sorted(folder.parent.glob(f"{folder.name}.old-*"))
    if leftovers:
        _removals.append(subprocess.Popen(["rm", "-rf", "--", *map(str, leftovers)], stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          start_new_session=True))


#: removals of earlier builds' pages still running (kept so that they are not waited for)
_removals: list[subprocess.Popen] = []


def _rejects(out: Path) -> RejectSummary:
    summary = RejectSummary()
    for reject in read_jsonl(out / "rejects.jsonl"):
        summary.add_reject(reject)
    for duplicate in read_jsonl(out / "duplicates.jsonl"):
        summary.add_duplicate(duplicate)
    return summary


def default_jobs() -> int:
    """Processes writing pages: the cores, at most ``MAX_JOBS``."""
    return max(1, min(MAX_JOBS, os.cpu_count() or 1))


def build_report(out: Path, gold: Optional[Path] = None, sample: Optional[int] = DEFAULT_SAMPLE,
                 jobs: Optional[int] = None) -> ReportSummary:
    """Write ``out/report/`` from the run in ``out``: article pages for the first
    ``sample`` records (all when None), on ``jobs`` processes (default: the cores, at
    most 4). Raises FileNotFoundError without ``articles.jsonl``."""
    global _context
    started = time.perf_counter()
    records_path = out / "articles.jsonl"
    if not records_path.exists():
        raise FileNotFoundError(f"{records_path} is missing: run the pipeline (or its export stage) first")
    folder = out / REPORT_FOLDER
    pages_folder = folder / ARTICLES_FOLDER
    fresh = _fresh_folder(pages_folder)
    comparison = GoldComparison(gold) if gold is not None else None
    extracted = ExtractedLines(out / "work" / "extracted.jsonl")
    lines = _record_lines(records_path)
    names = _page_names(lines, sample)
    _context = _Context(fresh, extracted, comparison.golds if comparison is not None else {}, lines, names)
    statistics, index = RunStatistics(), SearchIndex()
    written: set[str] = set()
    try:
        for result in _run_chunks(_chunks(len(lines), CHUNK_RECORDS), jobs or default_jobs()):
            statistics.merge(result.statistics)
            written.update(result.pages)
            for entry in result.entries:
                index.add(entry)
            for record in result.gold_records:
                comparison.compare(record)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    finally:
        _context = None
    _swap_in(fresh, pages_folder)
    notes = []
    if len(written) < statistics.articles:
        notes.append(f"Article pages for the first {len(written):,} of {statistics.articles:,} articles "
                     f"(--sample {sample}).")
    if not extracted.available:
        notes.append("work/extracted.jsonl is absent: article pages do not show the removed boilerplate.")
    (folder / INDEX_SCRIPT).write_text(index.script(), encoding="utf-8")
    (folder / CSS_FILE).write_text(STYLESHEET, encoding="utf-8")
    (folder / JS_FILE).write_text(SCRIPT, encoding="utf-8")
    run = read_run(out)
    dashboard = dashboard_page(run, stage_stats(out, run), statistics, _rejects(out), INDEX_SCRIPT, len(written),
                               comparison.scores() if comparison is not None else None,
                               str(gold) if gold is not None else None, notes)
    (folder / "index.html").write_text(dashboard, encoding="utf-8")
    return ReportSummary(folder, statistics.articles, len(written), round(time.perf_counter() - started, 2),
                         (folder / "index.html").stat().st_size, (folder / INDEX_SCRIPT).stat().st_size)
