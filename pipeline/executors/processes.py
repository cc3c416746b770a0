"""Worker processes on this machine (``--workers N``): a process pool per map, each
worker holding the stage's models once (loaded before the fork, or by the pool's
initializer), batches submitted a few per worker ahead and their results taken back in
input order."""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Iterable, Iterator, Optional

from .base import BATCHES_PER_WORKER, B, Executor, Prepare, R, Task

#: 'fork' where there is fork (Linux): the stage's models are loaded once in this process
#: and the workers inherit them; else 'forkserver' or 'spawn', where each worker loads
#: them itself. PIPELINE_START_METHOD overrides.
START_METHOD = os.environ.get("PIPELINE_START_METHOD") or next(
    method for method in ("fork", "forkserver", "spawn") if method in multiprocessing.get_all_start_methods())
#: modules the fork server imports once, so each worker starts with them loaded
PRELOAD = ["pipeline.executors.tasks"]

_shared: Any = None


def _start_worker(shared: Any, prepare: Optional[Prepare]) -> None:
    """The pool's initializer: keep what every task of this map shares, load models.
    Ctrl-C is the parent's to handle (it stops the pool and fails in one line), so a
    worker ignores it rather than printing its own traceback."""
    global _shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _shared = shared
    if prepare is not None:
        prepare()


def _run_with_shared(task: Task, batch: Any) -> Any:
    return task(_shared, batch)


class ProcessExecutor(Executor):
    """``workers`` processes of this machine."""

    name = "processes"

    def __init__(self, workers: int, start_method: str = START_METHOD) -> None:
        self.workers = max(1, workers)
        self.context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            self.context.set_forkserver_preload(PRELOAD)

    def map_ordered(self, task: Task, batches: Iterable[B], shared: Any = None,
                    prepare: Optional[Prepare] = None) -> Iterator[R]:
        window = self.workers * BATCHES_PER_WORKER
        if prepare is not None and self.context.get_start_method() == "fork":
            prepare()  # forked workers inherit the loaded models
        pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=self.context,
                                   initializer=_start_worker, initargs=(shared, prepare))
        pending: deque[Future] = deque()
        try:
            for batch in batches:
                pending.append(pool.submit(_run_with_shared, task, batch))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def describe(self) -> str:
        return f"{self.workers} worker processes ({self.context.get_start_method()}, pid {os.getpid()} writes)"
