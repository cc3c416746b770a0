"""Memory and speed of ingest and clean on a large dump.

Builds a JSON-lines dump of N distinct pages from the corpus pages (numbers in the body
re-drawn and the title numbered, so no page repeats), then runs the ``ingest`` and
``clean`` sub-commands as child processes and reports each one's pages per second and
peak resident memory. Run at two sizes, flat peaks show that the stages stream.
"""
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
from ..stages.ingest import ingest

_NUMBER = re.compile(r"(?<![\d.])\d{1,3}(?![\d/])")


def corpus_pages(corpus_dump: Path) -> list[RawDocument]:
    return [r for r in ingest([corpus_dump]) if isinstance(r, RawDocument)]


def build_dump(pages: list[RawDocument], count: int, path: Path, seed: int = 13) -> Path:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(count):
            page = pages[number % len(pages)]
            content = _NUMBER.sub(lambda m: str(rng.randint(1, 999)), page.content)
            key = "html" if page.content_type is ContentType.HTML else "text"
            handle.write(json.dumps({"id": f"page-{number:07d}", "url": page.source.url, key: content}) + "\n")
    return path


def run(corpus_dump: Path, sizes: list[int], work: Path) -> list[dict]:
    pages = corpus_pages(corpus_dump)
    rows = []
    for size in sizes:
        dump = build_dump(pages, size, work / f"dump-{size}.jsonl")
        out = work / f"out-{size}"
        for stage, arguments in (("ingest", ["ingest", str(dump), "--out", str(out)]),
                                 ("clean", ["clean", "--out", str(out)])):
            # each measurement in a fresh interpreter, so peaks are the stage's own
            code = (f"import resource, subprocess, sys; subprocess.run([sys.executable, '-m', 'pipeline', "
                    f"{', '.join(repr(a) for a in arguments)}], check=True, capture_output=True); "
                    f"print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
            started = time.perf_counter()
            peak_kib = int(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                          text=True).stdout.strip())
            seconds = time.perf_counter() - started
            row = {"pages": size, "stage": stage, "seconds": round(seconds, 1),
                   "pages_per_second": round(size / seconds, 1), "peak_mib": round(peak_kib / 1024, 1)}
            rows.append(row)
            print(f"  {size:7d} pages  {stage:7}  {row['pages_per_second']:8.1f} pages/s  peak {row['peak_mib']:7.1f} MiB")
    return rows
