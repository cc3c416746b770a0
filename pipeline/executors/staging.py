"""Where the runner hands a stage's record stream to an executor.

The serial executor keeps today's path: the stage's function over the whole stream in
this process. A parallel one sends batches of records to its workers — the per-record
stages (ner, relations, normalize) as ``STAGES[name].function`` over each batch, clean as
the map-reduce of ``pipeline.executors.learning`` — and yields the results in input
order, so the stage's output is the same bytes as the serial run's. The per-record stages
keep each record's output under its key (``pipeline.executors.shards``): a run killed and
run again resumes from its last completed shard, and a run over a dump it has seen
processes only the records it has no output for."""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from .base import Executor, SerialExecutor, batch_size, batched
from .learning import learn_templates_and_clean
from .progress import stage_progress
from .shards import Tally, resumable
from .tasks import prepare_stage, received, run_stage_batch, send

PER_RECORD_STAGES = frozenset({"ner", "relations", "normalize"})


StageFunction = Callable[..., Iterator]  # (records, work folder, seconds per page, **options) -> records


def stage_stream(name: str, function: StageFunction, items: Iterable, work: Path, seconds: Optional[float] = None,
                 executor: Optional[Executor] = None, total: Optional[int] = None, tally: Optional[Tally] = None,
                 **options: Any) -> Iterator[Any]:
    """The stage's output records, in input order, with the stage's progress shown;
    ``seconds`` is each page's time budget, ``tally`` counts the records a per-record
    stage processed and reused, ``options`` go to the stage's function (clean:
    ``near_duplicates``)."""
    executor = executor or SerialExecutor()
    if name in PER_RECORD_STAGES:
        stream = resumable(name, lambda shard: _run(name, function, shard, work, seconds, executor, len(shard),
                                                    options), items, work, seconds, tally=tally)
    else:
        stream = _run(name, function, items, work, seconds, executor, total, options)
    with stage_progress(name, total) as progress:
        for item in stream:
            progress.advance()
            yield item


def _run(name: str, function: StageFunction, items: Iterable, work: Path, seconds: Optional[float],
         executor: Executor, total: Optional[int], options: dict[str, Any]) -> Iterator[Any]:
    if not executor.parallel:
        return function(items, work, seconds, **options)
    if name == "clean":
        return learn_templates_and_clean(items, work, executor, total=total, seconds=seconds, **options)
    if name in PER_RECORD_STAGES:
        batches = (send(batch) for batch in batched(items, batch_size(total, executor.workers)))
        return _flatten(executor.map_ordered(run_stage_batch, batches, shared=(name, str(work), seconds),
                                             prepare=partial(prepare_stage, name)))
    return function(items, work, seconds, **options)  # ingest: reading and de-duplication stay in this process


def _flatten(batches: Iterable[list]) -> Iterator[Any]:
    for batch in batches:
        yield from received(batch)


def count_lines(path: Path) -> int:
    """Records in a JSON-lines file (its line breaks), for the progress display's ETA."""
    lines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines
