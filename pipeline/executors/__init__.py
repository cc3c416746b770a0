"""Executors: how a stage's records are spread over workers.

- ``SerialExecutor`` — ``--workers 1``: this process only, today's path;
- ``ProcessExecutor`` — ``--workers N``: N worker processes of this machine;
- ``DaskExecutor`` — ``--engine dask [--scheduler ADDRESS]``: a Dask cluster.

Like datatrove's executors, they run the same stage functions over batches of records
(``tasks``); the output is written in input order, so it is the same bytes whatever the
executor. ``open_executor`` picks one from the command-line options."""
from __future__ import annotations

import os
from enum import Enum
from typing import Optional

from .base import BATCH_RECORDS, Executor, SerialExecutor, batched
from .progress import configure_output, is_quiet, is_verbose, stage_progress, tracked

__all__ = ["BATCH_RECORDS", "Engine", "Executor", "SerialExecutor", "batched", "configure_output", "default_workers",
           "is_quiet", "is_verbose", "open_executor", "stage_progress", "tracked"]


class Engine(str, Enum):
    LOCAL = "local"
    DASK = "dask"


def default_workers() -> int:
    return os.cpu_count() or 1


def open_executor(workers: Optional[int] = None, engine: Engine = Engine.LOCAL,
                  scheduler: Optional[str] = None) -> Executor:
    """The executor the options ask for; a scheduler address implies the Dask engine."""
    workers = workers or default_workers()
    if workers < 1:
        raise ValueError("--workers must be at least 1")
    if engine is Engine.DASK or scheduler:
        from .dask_engine import DaskExecutor
        return DaskExecutor(workers, scheduler)
    if workers == 1:
        return SerialExecutor()
    from .processes import ProcessExecutor
    return ProcessExecutor(workers)
