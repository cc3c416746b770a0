"""Progress of each stage and the pipeline's log output.

On a terminal a stage shows a bar (pages, pages/s, ETA; rich); when stderr is not a
terminal (a batch job, a log file) a plain line is logged every
``PIPELINE_PROGRESS_SECONDS`` seconds (default 5, so that no 10 s pass without a line)
and once when the stage ends. A line names the step a stage is in when the stage has
several (``clean: learning templates, ...``), so a long step that counts no page —
template learning, loading models, committing the outputs — still says what it does.
``configure_output`` is called by the command line (``--quiet``, ``--verbose``); used as
a library the pipeline stays silent unless the ``pipeline`` logger is configured."""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from typing import Iterable, Iterator, Optional, TypeVar

T = TypeVar("T")
log = logging.getLogger("pipeline.progress")
#: seconds between two plain progress lines
DEFAULT_INTERVAL = 5.0
_active: list["Progress"] = []   # the stages showing progress, innermost last


def configure_output(quiet: bool = False, verbose: bool = False) -> None:
    """Log the pipeline's messages to stderr: warnings and errors only with ``quiet``,
    debug detail with ``verbose``, progress and stage summaries otherwise."""
    logger = logging.getLogger("pipeline")
    logger.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s" if not sys.stderr.isatty() else "%(message)s",
                                               datefmt="%Y-%m-%dT%H:%M:%S"))
        logger.addHandler(handler)
    logger.propagate = False


def is_verbose() -> bool:
    return logging.getLogger("pipeline").isEnabledFor(logging.DEBUG)


def is_quiet() -> bool:
    return not logging.getLogger("pipeline").isEnabledFor(logging.INFO)


class Progress:
    """Counts pages; this one shows nothing (quiet, or the pipeline used as a library)."""

    def __init__(self, name: str, total: Optional[int]) -> None:
        self.name, self.total, self.done = name, total, 0
        self.started = time.monotonic()
        self.step: Optional[str] = None

    def advance(self, pages: int = 1) -> None:
        self.done += pages

    def start(self) -> None:
        """Begin showing progress."""

    def set_step(self, description: Optional[str]) -> None:
        self.step = description

    def stop(self, completed: bool = True) -> None:
        """Stop showing progress; a stage that failed gets no summary (its error says it)."""

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """``ner: 1,234/5,000 pages (24.7%), 41.2 pages/s, ETA 0:01:31``"""
        rate = self.rate()
        name = f"{self.name}: {self.step}," if self.step else f"{self.name}:"
        if self.total:
            eta = timedelta(seconds=round((self.total - self.done) / rate)) if rate > 0 else "?"
            return (f"{name} {self.done:,}/{self.total:,} pages ({100 * self.done / self.total:.1f}%), "
                    f"{rate:.1f} pages/s, ETA {eta}")
        return f"{name} {self.done:,} pages, {rate:.1f} pages/s"


class LoggedProgress(Progress):
    """A plain progress line every ``interval`` seconds, from a timer thread (so a
    stalled stage still reports), and a summary line at the end."""

    def __init__(self, name: str, total: Optional[int], interval: float) -> None:
        super().__init__(name, total)
        self.interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._report, name=f"progress-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _report(self) -> None:
        while not self._stopped.wait(self.interval):
            log.info(self.line())

    def stop(self, completed: bool = True) -> None:
        self._stopped.set()
        self._thread.join()
        if not completed:
            return
        elapsed = time.monotonic() - self.started
        log.info(f"{self.name}: {self.done:,} pages in {elapsed:.1f} s, {self.rate():.1f} pages/s")


class BarProgress(Progress):
    """A rich progress bar on the terminal (stderr)."""

    def __init__(self, name: str, total: Optional[int]) -> None:
        super().__init__(name, total)
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        self.bar = Bar(TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("pages {task.fields[rate]:>7.1f}/s"), TextColumn("ETA"), TimeRemainingColumn(),
                       TimeElapsedColumn(), console=Console(stderr=True), transient=False)
        self.task = self.bar.add_task(name, total=total, rate=0.0)

    def start(self) -> None:
        self.bar.start()

    def set_step(self, description: Optional[str]) -> None:
        super().set_step(description)
        self.bar.update(self.task, description=f"{self.name}: {description}" if description else self.name)

    def advance(self, pages: int = 1) -> None:
        super().advance(pages)
        self.bar.update(self.task, advance=pages, rate=self.rate())

    def stop(self, completed: bool = True) -> None:
        self.bar.update(self.task, rate=self.rate(), total=self.total if self.total else self.done)
        self.bar.stop()


def _interval() -> float:
    try:
        return max(0.05, float(os.environ.get("PIPELINE_PROGRESS_SECONDS", DEFAULT_INTERVAL)))
    except ValueError:
        return DEFAULT_INTERVAL


def make_progress(name: str, total: Optional[int]) -> Progress:
    if is_quiet():
        return Progress(name, total)
    if sys.stderr.isatty():
        return BarProgress(name, total)
    return LoggedProgress(name, total, _interval())


@contextmanager
def stage_progress(name: str, total: Optional[int] = None) -> Iterator[Progress]:
    """Progress of one stage (or pass) over ``total`` pages (None: unknown, no ETA)."""
    progress = make_progress(name, total)
    progress.start()
    _active.append(progress)
    try:
        yield progress
    except BaseException:
        progress.stop(completed=False)
        raise
    finally:
        _active.remove(progress)
    progress.stop()


def step(description: Optional[str]) -> None:
    """Name the step the innermost stage is in (None: back to counting pages); its next
    progress line says it. Outside any stage, nothing."""
    if _active:
        _active[-1].set_step(description)


def tracked(name: str, items: Iterable[T], total: Optional[int] = None) -> Iterator[T]:
    """``items`` unchanged, each one counted as a page of stage ``name``."""
    with stage_progress(name, total) as progress:
        for item in items:
            progress.advance()
            yield item
