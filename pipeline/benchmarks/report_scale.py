"""Build time and index size of the review report over a large run.

Writes a run of N records replicated from a real run's ``articles.jsonl`` (each copy with
its own ``doc_id``, source id and numbered title, so every article gets its own page and
index row) with a ``run.json`` scaled to match, then times ``python -m pipeline report``
on it as a child process (start-up included) with an article page for every record —
wall time, and CPU time, which a loaded machine does not inflate — and checks the
acceptance limits: under 60 s, and ``index.html`` and its search index each under 2 MB.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

MAX_SECONDS = 60.0
MAX_INDEX_BYTES = 2_000_000


def replicate_run(source: Path, target: Path, articles: int) -> int:
    """Write ``target/articles.jsonl`` and ``target/run.json`` with ``articles`` records
    cycled from ``source/articles.jsonl``; the number written."""
    lines = [line for line in (source / "articles.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{source / 'articles.jsonl'} holds no record")
    templates = [json.loads(line) for line in lines]
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "articles.jsonl", "w", encoding="utf-8") as handle:
        for number in range(articles):
            record = dict(templates[number % len(templates)])
            copy = number // len(templates)
            record["doc_id"] = f'{record["doc_id"]}_{copy:05d}'
            record["source"] = {**record["source"], "id": f'{record["source"]["id"]}_{copy:05d}'}
            record["title"] = f'{record.get("title") or ""} [{copy + 1}]'
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    (target / "run.json").write_text(json.dumps(_scaled_run(source, articles, len(templates)), indent=2),
                                     encoding="utf-8")
    return articles


def _scaled_run(source: Path, articles: int, originals: int) -> dict:
    """The source run's report with every count and time scaled to ``articles`` records."""
    run = json.loads((source / "run.json").read_text(encoding="utf-8")) if (source / "run.json").exists() else {}
    factor = articles / originals
    stages = [{**s, **{k: round(s.get(k, 0) * factor) for k in ("read", "written", "rejected", "duplicates")},
               "seconds": round(s.get("seconds", 0) * factor, 3)} for s in run.get("stages") or []]
    return {"inputs": ["(generated: corpus records replicated)"], "stages": stages, "inputs_read": articles,
            "articles_written": articles, "rejects": 0, "duplicates": 0, "reconciled": True, "reject_reasons": {}}


def run(source: Path, work: Path, articles: int) -> bool:
    """Replicate, build the report with a page per record, print the figures; True when
    within the limits."""
    replicate_run(source, work, articles)
    shutil.rmtree(work / "report", ignore_errors=True)  # time a first build, not the removal of an earlier one
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "report", str(work), "--sample", str(articles)], check=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    folder = work / "report"
    index_bytes = (folder / "index.html").stat().st_size
    search_bytes = (folder / "index.js").stat().st_size
    pages = sum(1 for _ in (folder / "articles").glob("*.html"))
    page_bytes = sum(p.stat().st_size for p in (folder / "articles").glob("*.html"))
    print(f"report over {articles:,} articles: {seconds:.1f} s wall (limit {MAX_SECONDS:.0f} s), {cpu:.1f} s CPU "
          f"(all processes; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores), {pages:,} article pages "
          f"({page_bytes / 1e6:.0f} MB, {page_bytes / max(pages, 1) / 1e3:.1f} kB each), index.html "
          f"{index_bytes / 1e3:.0f} kB, index.js {search_bytes / 1e3:.0f} kB (limit {MAX_INDEX_BYTES / 1e6:.1f} MB each)")
    ok = seconds < MAX_SECONDS and index_bytes < MAX_INDEX_BYTES and search_bytes < MAX_INDEX_BYTES
    print("within limits" if ok else "OVER THE LIMITS")
    return ok
