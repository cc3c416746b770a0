"""Dask (``--engine dask``): the same tasks on a ``dask.distributed`` cluster — an
existing one at ``--scheduler ADDRESS`` (dask-kubernetes, dask-jobqueue, ``dask
scheduler`` + ``dask worker``), else a ``LocalCluster`` of ``--workers`` processes.

Batches go out as tasks a few per worker ahead and come back in input order; what every
task shares (the learned templates) is scattered to the workers once; reduce steps of
template learning run as tasks on the cluster. Every worker needs this package installed
(with its ``models/``) in the same version: tasks name the pipeline's functions, they do
not ship code."""
from __future__ import annotations

import logging
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Optional

from .base import BATCHES_PER_WORKER, B, Executor, Prepare, R, T, Task

log = logging.getLogger("pipeline.executors")

#: batches in flight per worker: twice the process pool's, since a result reaches the
#: client through the scheduler and a fetch from the worker, not a pipe
DASK_BATCHES_PER_WORKER = 2 * BATCHES_PER_WORKER
#: settings of the workers of a local cluster (the nanny hands them to each worker): no
#: statistical profiler, which wakes every 10 ms in every worker to walk its stacks, CPU
#: the stages' tasks need on a machine whose cores they fill
LOCAL_WORKER_CONFIG = {"distributed.worker.profile.enabled": False}


class DaskExecutor(Executor):
    """A ``dask.distributed`` client; its own ``LocalCluster`` when no address is given."""

    name = "dask"

    def __init__(self, workers: int, scheduler: Optional[str] = None) -> None:
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            import dask

            with dask.config.set(LOCAL_WORKER_CONFIG):
                self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.WARNING)
            self.client = Client(self.cluster)
        self.workers = max(1, self._cluster_workers() or workers)
        log.debug("dask: %s with %d workers", self.client.scheduler.address, self.workers)

    def _cluster_workers(self) -> int:
        return sum(info.get("nthreads", 1) for info in self.client.scheduler_info()["workers"].values())

    def map_ordered(self, task: Task, batches: Iterable[B], shared: Any = None,
                    prepare: Optional[Prepare] = None) -> Iterator[R]:
        if prepare is not None:
            self.client.run(prepare)  # workers that join later load on their first task
        shared_data = self.client.scatter([shared], broadcast=True)[0] if shared is not None else None
        window = self.workers * DASK_BATCHES_PER_WORKER
        pending: deque = deque()
        try:
            for batch in batches:
                pending.append(self.client.submit(task, shared_data, batch, pure=False))
                if len(pending) >= window:
                    yield self._take(pending.popleft())
            while pending:
                yield self._take(pending.popleft())
        finally:
            for future in pending:
                future.cancel()
            if shared_data is not None:
                shared_data.release()

    @staticmethod
    def _take(future: Any) -> Any:
        result = future.result()
        future.release()
        return result

    def reduce(self, function: Callable[[list[T]], R], parts: Iterable[T]) -> R:
        """The reduce step as a task on the cluster."""
        future = self.client.submit(function, list(parts), pure=False)
        return self._take(future)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            # workers slow to exit are killed by their nanny; that is no news worth a warning
            logging.getLogger("distributed.nanny").setLevel(logging.ERROR)
            self.cluster.close()

    def describe(self) -> str:
        where = "local cluster" if self.cluster is not None else f"scheduler {self.client.scheduler.address}"
        return f"dask, {where}, {self.workers} workers"
