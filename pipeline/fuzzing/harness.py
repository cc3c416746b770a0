"""One fuzz target under atheris (libFuzzer), recording faults instead of stopping.

    python -m pipeline.fuzzing.harness TARGET FAULT_DIR [libFuzzer flags] CORPUS_DIR...

Every exception a target raises, and every input that spends more than
``HANG_SECONDS`` of CPU time, is a fault. Faults are grouped by signature (exception type
and the innermost frame in the pipeline's code); for each the harness keeps the count and
the shortest input that caused it, in ``FAULT_DIR/faults.json`` and ``FAULT_DIR/*.bin``,
and fuzzing goes on. The per-input budget is CPU time (``ITIMER_VIRTUAL``), so a loaded
machine does not turn slow inputs into hangs (a backtracking regular expression is
interrupted too: ``re`` checks for signals as it matches); libFuzzer's own wall-clock
``-timeout`` is the backstop for time spent in code that does not return to Python.
"""
from __future__ import annotations

import hashlib
import json
import signal
import sys
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import Callable, Optional

#: CPU seconds one input may take before it counts as a hang
HANG_SECONDS = 5.0
#: how often (seconds) fault counts are written out while nothing new is found
FLUSH_SECONDS = 5.0
PIPELINE_DIR = str(Path(__file__).resolve().parent.parent)


class Hang(Exception):
    """Raised inside a target when its input has used up the per-input CPU budget."""


def _on_alarm(signum: int, frame: Optional[FrameType]) -> None:
    raise Hang(f"over {HANG_SECONDS:g} s of CPU time on one input")


def signature(kind: str, err: BaseException) -> tuple[str, str]:
    """(signature, formatted traceback): the exception type and the innermost frame in the
    pipeline's own code (outside the fuzzing package), else the innermost frame."""
    frames = traceback.extract_tb(err.__traceback__)
    own = [f for f in frames if f.filename.startswith(PIPELINE_DIR) and "/fuzzing/" not in f.filename]
    place = _place((own or frames)[-1]) if frames else "?"
    name = "hang" if kind == "hang" else type(err).__name__
    return f"{name} at {place}", "".join(traceback.format_exception(type(err), err, err.__traceback__))[-6000:]


def _place(frame: traceback.FrameSummary) -> str:
    """``pipeline/x.py:12 function`` (paths outside the project as they are)."""
    path = frame.filename
    if path.startswith(PIPELINE_DIR):
        path = str(Path(path).relative_to(Path(PIPELINE_DIR).parent))
    return f"{path}:{frame.lineno} {frame.name}"


class FaultLog:
    """Faults by signature: count, shortest input, its traceback; written to ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "faults.json"
        self.faults: dict[str, dict] = json.loads(path.read_text()) if path.exists() else {}
        self.flushed = time.monotonic()

    def add(self, kind: str, err: BaseException, data: bytes) -> None:
        key, trace = signature(kind, err)
        fault = self.faults.setdefault(key, {"kind": kind, "count": 0, "size": None, "input": None})
        fault["count"] += 1
        if fault["size"] is None or len(data) < fault["size"]:
            name = f"{kind}-{hashlib.sha1(key.encode()).hexdigest()[:10]}.bin"
            (self.folder / name).write_bytes(data)
            fault.update(size=len(data), input=name, message=str(err)[:300], traceback=trace)
            self.flush()
        elif time.monotonic() - self.flushed > FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        tmp = self.folder / ".faults.json.tmp"
        tmp.write_text(json.dumps(self.faults, indent=1, sort_keys=True))
        tmp.replace(self.folder / "faults.json")
        self.flushed = time.monotonic()


def guarded(target: Callable[[bytes], None], log: FaultLog) -> Callable[[bytes], None]:
    """The target as libFuzzer's callback: faults are logged, never raised."""
    def one_input(data: bytes) -> None:
        signal.setitimer(signal.ITIMER_VIRTUAL, HANG_SECONDS)
        try:
            target(data)
        except Hang as err:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            log.add("hang", err, data)
        except Exception as err:  # noqa: BLE001 - every exception is a finding
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            log.add("crash", err, data)
        finally:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
    return one_input


def _warm_up(name: str) -> None:
    """Load what a target loads once per process (spaCy pipeline, linker) before fuzzing."""
    if name == "ner":
        from ..nlp import build_nlp
        from ..normalization.linker import default_linker
        build_nlp()
        default_linker()


def main(argv: list[str]) -> None:
    import atheris
    name, faults, rest = argv[1], Path(argv[2]), argv[3:]
    with atheris.instrument_imports(include=["pipeline"]):
        from . import targets
        from ..stages import clean, ingest, ner, normalize, relations  # noqa: F401 - instrumented here
    _warm_up(name)
    signal.signal(signal.SIGVTALRM, _on_alarm)
    log = FaultLog(faults)
    atheris.Setup([argv[0], *rest], guarded(targets.TARGETS[name], log))
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
