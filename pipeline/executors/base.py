"""What every executor does: run a task over batches of records and give the results
back in input order, and run a reduce step over partial results.

An executor never holds a stage's logic: the tasks it runs call the same stage
functions the serial path calls (``pipeline.executors.tasks``)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Optional, TypeVar

B = TypeVar("B")
R = TypeVar("R")
T = TypeVar("T")

#: records per batch sent to a worker
BATCH_RECORDS = 64
#: batches in flight per worker: enough to keep a worker busy while the parent writes
BATCHES_PER_WORKER = 2

Task = Callable[[Any, B], R]          # (shared, batch) -> result
Prepare = Callable[[], None]          # loads a stage's models once in a worker


def batch_size(total: Optional[int], workers: int) -> int:
    """``BATCH_RECORDS``, or smaller when the stage has few records, so that every
    worker gets several batches (the batch size does not change the output)."""
    if not total:
        return BATCH_RECORDS
    return max(1, min(BATCH_RECORDS, -(-total // (workers * BATCHES_PER_WORKER * 2))))


def batched(items: Iterable[T], size: int = BATCH_RECORDS) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last one shorter)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class Executor(ABC):
    """Runs tasks over batches; ``workers`` is how many run at once."""

    name: str = "executor"
    workers: int = 1

    @property
    def parallel(self) -> bool:
        """False only for the in-process executor, which keeps today's serial path."""
        return True

    @abstractmethod
    def map_ordered(self, task: Task, batches: Iterable[B], shared: Any = None,
                    prepare: Optional[Prepare] = None) -> Iterator[R]:
        """``task(shared, batch)`` for every batch, results yielded in input order, at
        most a few batches per worker in flight (memory stays bounded on any dump).
        ``shared`` is sent to each worker once; ``prepare`` runs once per worker before
        its first task."""

    def reduce(self, function: Callable[[list[T]], R], parts: Iterable[T]) -> R:
        """``function(parts)``: a reduce step of a map-reduce (here, in this process)."""
        return function(parts)  # type: ignore[arg-type]

    def close(self) -> None:
        """Release workers and connections."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> str:
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"


class SerialExecutor(Executor):
    """Everything in this process, one batch after another: no process is started."""

    name = "serial"
    workers = 1

    @property
    def parallel(self) -> bool:
        return False

    def map_ordered(self, task: Task, batches: Iterable[B], shared: Any = None,
                    prepare: Optional[Prepare] = None) -> Iterator[R]:
        if prepare is not None:
            prepare()
        for batch in batches:
            yield task(shared, batch)
