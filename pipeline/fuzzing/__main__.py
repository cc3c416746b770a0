"""``python -m pipeline.fuzzing [TARGET...] --seconds N --work DIR``: fuzz each target for
N seconds (seed corpus built first), then print per target the executions, executions per
second, coverage, crashes and hangs, and each fault with its shortest input.

A libFuzzer-level stop is a fault too: its wall-clock timeout (``WALL_TIMEOUT``, for
code that does not return to Python, or a machine so loaded that 5 s of CPU take longer)
a hang, out of memory or a signal a crash; fuzzing then resumes from the corpus until the target's time
is spent.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .seeds import MAX_LEN, write_seeds
from .targets import TARGETS

#: wall-clock seconds libFuzzer lets one input run before it stops the process
WALL_TIMEOUT = 15
RSS_LIMIT_MB = 2048
_STATUS = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+)")
_DONE = re.compile(r"^Done (\d+) runs in (\d+) second")
_STOP = re.compile(r"ERROR: libFuzzer: ([\w -]+)|deadly signal")


@dataclass
class Figures:
    target: str
    seconds: float = 0.0
    executions: int = 0
    coverage: int = 0
    features: int = 0
    stops: list[str] = field(default_factory=list)
    faults: dict[str, dict] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.executions / self.seconds if self.seconds else 0.0

    def count(self, kind: str) -> tuple[int, int]:
        """(inputs, distinct signatures) of one kind of fault, libFuzzer's stops included
        (each its own input and kind: a stop has no Python signature to group by)."""
        chosen = [f for f in self.faults.values() if f["kind"] == kind]
        stops = [s for s in self.stops if (s.startswith("timeout") == (kind == "hang"))]
        return sum(f["count"] for f in chosen) + len(stops), len(chosen) + len(stops)


def fuzz(target: str, seconds: float, work: Path) -> Figures:
    """Fuzz one target for ``seconds`` of wall time, resuming after libFuzzer stops."""
    seeds, corpus, faults = work / "seeds" / target, work / "corpus" / target, work / "faults" / target
    write_seeds(target, seeds)
    corpus.mkdir(parents=True, exist_ok=True)
    figures = Figures(target)
    deadline = time.monotonic() + seconds
    segment = 0
    while (left := int(deadline - time.monotonic())) > 5:
        segment += 1
        log = work / f"{target}.{segment}.log"
        started = time.monotonic()
        with open(log, "w") as handle:
            code = subprocess.call(
                [sys.executable, "-m", "pipeline.fuzzing.harness", target, str(faults), f"-max_total_time={left}",
                 f"-timeout={WALL_TIMEOUT}", f"-rss_limit_mb={RSS_LIMIT_MB}", f"-max_len={MAX_LEN[target]}",
                 f"-artifact_prefix={faults}/", "-print_final_stats=1", str(corpus), str(seeds)],
                stdout=handle, stderr=subprocess.STDOUT)
        figures.seconds += time.monotonic() - started
        _read_log(log, figures)
        if code == 0:
            break
    path = faults / "faults.json"
    figures.faults = json.loads(path.read_text()) if path.exists() else {}
    return figures


def _read_log(log: Path, figures: Figures) -> None:
    """Add one libFuzzer log's executions, coverage and stop (at most one: libFuzzer exits
    on it) to the figures."""
    last_runs, stop, artifact = 0, None, ""
    for line in log.read_text(errors="replace").splitlines():
        if match := _STATUS.match(line):
            last_runs = int(match.group(1))
            figures.coverage = max(figures.coverage, int(match.group(2)))
            figures.features = max(figures.features, int(match.group(3)))
        elif match := _DONE.match(line):
            last_runs = int(match.group(1))
        elif match := _STOP.search(line):
            stop = (match.group(1) or "deadly signal").strip()
        elif "Test unit written to " in line:
            artifact = line.rsplit(" ", 1)[-1]
    figures.executions += last_runs
    if stop:
        figures.stops.append(f"{stop} ({log.name}; input {artifact or 'not written'})")


def report(all_figures: list[Figures]) -> str:
    """A table of the figures, then each fault with its shortest input."""
    lines = ["| target | seconds | executions | exec/s | coverage (edges) | features | crashes (inputs / kinds) | "
             "hangs (inputs / kinds) |",
             "|---|---|---|---|---|---|---|---|"]
    for f in all_figures:
        crashes, hangs = f.count("crash"), f.count("hang")
        lines.append(f"| {f.target} | {f.seconds:.0f} | {f.executions:,} | {f.rate:.1f} | {f.coverage:,} | "
                     f"{f.features:,} | {crashes[0]} / {crashes[1]} | {hangs[0]} / {hangs[1]} |")
    for f in all_figures:
        for key, fault in sorted(f.faults.items()):
            lines.append(f"{f.target}: {key}: {fault['count']} inputs, shortest {fault['size']} bytes "
                         f"({fault['input']}): {fault.get('message', '')[:160]}")
        for stop in f.stops:
            lines.append(f"{f.target}: libFuzzer stopped: {stop}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.fuzzing", description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=f"among {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--seconds", type=float, default=600, help="wall-clock seconds per target")
    parser.add_argument("--work", type=Path, default=Path("out/fuzz"), help="seeds, corpora, faults, logs")
    args = parser.parse_args()
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown target {unknown[0]!r}: choose among {', '.join(TARGETS)}")
    figures = [fuzz(target, args.seconds, args.work) for target in args.targets or list(TARGETS)]
    (args.work / "summary.json").write_text(json.dumps([asdict(f) for f in figures], indent=1))
    print(report(figures))


if __name__ == "__main__":
    main()
