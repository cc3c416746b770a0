"""Progress and memory of a long run (``make bench-progress``).

Runs ``python -m pipeline run`` over a generated dump of N distinct pages
(``scale_dump.build_dump``) with stderr a pipe, not a terminal — a batch job's view, where
progress comes as plain log lines — and reads those lines as they come:

- the largest gap between two lines on stderr (from the start of the process to its first
  line and from its last line to its exit included), and where it was: the issue's bar is
  a line at least every 10 seconds, whatever the stage is doing;
- the resident memory of the run's process and of each worker process it starts, sampled
  from ``/proc`` every ``SAMPLE_SECONDS`` and attributed to the stage the last line named;
  the run process's own peak (``wait4``'s ``ru_maxrss``) besides.

Run at two sizes, the peaks show whether any step holds the dump in memory."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .scale_dump import base_pages, build_dump, check_every_page

#: seconds between two samples of the processes' resident memory
SAMPLE_SECONDS = 0.25
_STAGE = re.compile(r"^\S+ (?P<stage>[a-z]+)(?::[a-z-]+)?: ")
_ENDED = re.compile(r"^\S+ (?P<stage>[a-z]+): [\d,]+ pages in ")
ORDER = ("start-up", "ingest", "clean", "ner", "relations", "normalize", "export")


@dataclass
class Watch:
    """What the reader and the sampler saw of one run."""
    started: float
    lines: list[tuple[float, str]] = field(default_factory=list)
    stage: str = "start-up"
    peaks_kib: dict[str, int] = field(default_factory=dict)       # stage -> largest RSS of one process
    worker_peak_kib: int = 0                                       # largest RSS of a worker process


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    """The process's descendants (worker processes, a Dask cluster's nannies and workers)."""
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children", encoding="ascii") as handle:
                kids = [int(k) for k in handle.read().split()]
        except OSError:
            kids = []
        found.extend(kids)
        frontier.extend(kids)
    return found


def _read_lines(stream, watch: Watch) -> None:
    for raw in stream:
        line = raw.rstrip("\n")
        watch.lines.append((time.monotonic(), line))
        ended, match = _ENDED.match(line), _STAGE.match(line)
        if ended and ended["stage"] in ORDER[:-1]:  # what follows a stage's summary is the next stage's
            watch.stage = ORDER[ORDER.index(ended["stage"]) + 1]
        elif match:
            watch.stage = match["stage"]


def _sample(pid: int, watch: Watch, done: threading.Event) -> None:
    while not done.wait(SAMPLE_SECONDS):
        sizes = [_rss_kib(pid)] + [_rss_kib(child) for child in _children(pid)]
        watch.peaks_kib[watch.stage] = max(watch.peaks_kib.get(watch.stage, 0), max(sizes))
        if len(sizes) > 1:
            watch.worker_peak_kib = max(watch.worker_peak_kib, max(sizes[1:]))


def watch_run(dump: Path, out: Path, workers: int, extra: Optional[list[str]] = None,
              interval: Optional[float] = None) -> tuple[Watch, float, int]:
    """Run the pipeline over ``dump``; what was seen, the wall seconds and the run
    process's own peak RSS (KiB). ``interval``: seconds between progress lines (None:
    the pipeline's default)."""
    command = [sys.executable, "-m", "pipeline", "run", str(dump), "--out", str(out), "--workers", str(workers),
               *(extra or [])]
    environment = {k: v for k, v in os.environ.items() if k != "PIPELINE_PROGRESS_SECONDS"}
    if interval is not None:
        environment["PIPELINE_PROGRESS_SECONDS"] = str(interval)
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             env=environment)
    watch = Watch(time.monotonic())
    done = threading.Event()
    reader = threading.Thread(target=_read_lines, args=(child.stderr, watch), daemon=True)
    sampler = threading.Thread(target=_sample, args=(child.pid, watch, done), daemon=True)
    reader.start()
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    ended = time.monotonic()
    child.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    reader.join()
    sampler.join()
    if child.returncode:
        tail = "\n".join(line for _, line in watch.lines[-5:])
        raise SystemExit(f"bench-progress: the run failed ({child.returncode}):\n{tail}")
    watch.lines.append((ended, "(exit)"))
    return watch, ended - watch.started, usage.ru_maxrss


def largest_gap(watch: Watch, start_up: bool = True) -> tuple[float, str]:
    """The longest silence on stderr and the line it followed; ``start_up=False`` leaves
    out the time before the first line (starting Python and importing the packages)."""
    previous, before, gap, after = watch.started, "(start)", 0.0, "(start)"
    if not start_up and watch.lines:
        previous, before = watch.lines[0]
    for moment, line in watch.lines:
        if moment - previous > gap:
            gap, after = moment - previous, before
        previous, before = moment, line
    return gap, after


def run(corpus_dump: Path, gold_dir: Path, sizes: list[int], workers: int, work: Path) -> list[dict]:
    work.mkdir(parents=True, exist_ok=True)
    pages = None
    rows = []
    for size in sizes:
        dump, out = work / f"dump-{size}.jsonl", work / f"out-{size}-w{workers}"
        if not dump.exists():  # the generated dump is deterministic: kept between runs
            pages = pages or base_pages(corpus_dump, gold_dir)
            build_dump(pages, size, dump)
        if out.exists():
            subprocess.run(["rm", "-rf", str(out)], check=True)  # a fresh run, no shard reused
        watch, wall, peak_kib = watch_run(dump, out, workers)
        check_every_page(out, size)
        gap, after = largest_gap(watch)
        row = {"pages": size, "workers": workers, "wall_seconds": round(wall, 1), "stderr_lines": len(watch.lines) - 1,
               "largest_gap_seconds": round(gap, 1), "gap_after": after,
               "run_process_peak_mib": round(peak_kib / 1024, 1),
               "worker_peak_mib": round(watch.worker_peak_kib / 1024, 1),
               "stage_peak_mib": {stage: round(kib / 1024, 1) for stage, kib in watch.peaks_kib.items()}}
        rows.append(row)
        print(f"  {size:,} pages, --workers {workers}: {wall:.0f} s, {row['stderr_lines']} lines on stderr, "
              f"largest gap {gap:.1f} s (after: {after[:100]!r})")
        print(f"    peak RSS: run process {row['run_process_peak_mib']} MiB, a worker process "
              f"{row['worker_peak_mib']} MiB; by stage (largest process) "
              + ", ".join(f"{s} {m}" for s, m in row["stage_peak_mib"].items()))
    return rows


def main(argv: Optional[list[str]] = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, action="append", help="dump sizes (repeat)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("out/bench-progress"))
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent.parent
    rows = run(root / "corpus" / "dump", root / "corpus" / "gold", arguments.pages or [20_000], arguments.workers,
               arguments.work)
    if arguments.json:
        arguments.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
