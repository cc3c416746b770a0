"""Pages per second of a whole run with one process, N worker processes and a local Dask
cluster, on the same generated dump in the same session. Each mode is a fresh ``pipeline
run`` process; the runs' ``articles.jsonl`` are compared byte for byte.

The dump is the corpus copied until it has the pages asked for, every copy distinct:
numbers re-drawn (``pipeline.benchmarks.scale``) and, since template learning masks
digits, a made-up word of the copy's own (``vab``, ``vac``…) added to every sentence-long
line, so that the article text of a copy is not taken for a template repeated across the
dump, while the sites' boilerplate still is."""
from __future__ import annotations

import json
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from ..schema import ContentType, RawDocument
from .scale import _NUMBER, corpus_pages

#: a text line, or the text between two tags, this long is article text
SENTENCE_CHARS = 60
_TEXT_LINE = re.compile(rf"^([^<\n]{{{SENTENCE_CHARS},}}?)[ \t]*$", re.M)
_TEXT_NODE = re.compile(rf">([^<>]{{{SENTENCE_CHARS},}})<")


def copy_word(number: int) -> str:
    """``vba``, ``vbb``… ``vca``…: letters only, so that masking digits keeps copies apart."""
    letters = ""
    number += 26
    while number:
        number, digit = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return "v" + letters


def distinct_copy(page: RawDocument, copy: int, rng: random.Random) -> str:
    content = _NUMBER.sub(lambda m: str(rng.randint(1, 999)), page.content)
    word = copy_word(copy)
    if page.content_type is ContentType.HTML:
        return _TEXT_NODE.sub(lambda m: f">{m.group(1).rstrip()} {word}<", content)
    return _TEXT_LINE.sub(lambda m: f"{m.group(1)} {word}", content)


def build_dump(pages: list[RawDocument], count: int, path: Path, seed: int = 13) -> Path:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(count):
            page = pages[number % len(pages)]
            key = "html" if page.content_type is ContentType.HTML else "text"
            handle.write(json.dumps({"id": f"page-{number:07d}", "url": page.source.url,
                                     key: distinct_copy(page, number // len(pages), rng)}) + "\n")
    return path


#: (label, extra options of ``pipeline run``)
def modes(workers: int) -> list[tuple[str, list[str]]]:
    return [("1 process", ["--workers", "1"]),
            (f"{workers} processes", ["--workers", str(workers)]),
            (f"dask, {workers} workers", ["--engine", "dask", "--workers", str(workers)])]


def run(corpus_dump: Path, pages: int, workers: int, work: Path) -> list[dict]:
    dump = build_dump(corpus_pages(corpus_dump), pages, work / f"dump-{pages}.jsonl")
    rows, outputs = [], []
    for label, options in modes(workers):
        out = work / f"out-{label.replace(' ', '-').replace(',', '')}"
        started, cpu_before = time.perf_counter(), _children_cpu()
        subprocess.run([sys.executable, "-m", "pipeline", "--quiet", "run", str(dump), "--out", str(out), *options],
                       check=True)
        seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
        report = json.loads((out / "run.json").read_text(encoding="utf-8"))
        stages = {s["stage"]: round(s["read"] / s["seconds"], 1) if s["seconds"] else None for s in report["stages"]}
        row = {"mode": label, "pages": pages, "articles": report["articles_written"], "seconds": round(seconds, 1),
               "cpu_seconds": round(cpu, 1),
               "pages_per_second": round(pages / seconds, 1), "stage_pages_per_second": stages}
        rows.append(row)
        outputs.append((out / "articles.jsonl").read_bytes())
        print(f"  {label:22} {row['articles']} articles  {row['seconds']:8.1f} s  {row['pages_per_second']:7.1f} pages/s  CPU {row['cpu_seconds']:7.1f} s  "
              + "  ".join(f"{name} {rate}" for name, rate in stages.items()), flush=True)
    print("  articles.jsonl identical in every mode:", all(o == outputs[0] for o in outputs), flush=True)
    return rows


def _children_cpu() -> float:
    """User and system seconds of the finished child processes (a run, its workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
