"""The tasks executors run in workers. Each calls the stage functions the serial path
calls — ``pipeline.runner.STAGES`` for the per-record stages, the two passes of
``pipeline.stages.clean`` for cleaning — on one batch of records; none re-implements a
stage. Module-level functions, so that worker processes and Dask can pickle them by
name."""
from __future__ import annotations

import importlib
from array import array
from functools import partial
from pathlib import Path
from typing import Iterable, Optional, Union

import numpy as np
from pydantic import BaseModel

from ..cleaning.near_duplicates import page_signature
from ..cleaning.templates import LineCounter, ShardCounts, TemplateModel, page_keys, sum_shards
from ..isolation import isolate
from ..schema import Duplicate, PageLines, RawDocument, Reject
from ..stages.clean import clean_page, extract_page

def prepare_stage(name: str) -> None:
    """Import the stage and load its models (its module's ``prepare()``: the spaCy
    pipeline, the linker's indexes) in this worker, outside any page's time budget;
    later batches find them loaded."""
    prepare = getattr(importlib.import_module(f"pipeline.stages.{name}"), "prepare", None)
    if prepare is not None:
        prepare()


class Written:
    """A record a worker has already written as its JSON line: the parent copies the line
    out as it is (``jsonl.dump_line`` asks it for ``model_dump_json``), without decoding
    and encoding the record again."""

    __slots__ = ("line",)

    def __init__(self, line: str) -> None:
        self.line = line

    def model_dump_json(self, **_: object) -> str:
        return self.line


Sent = Union[str, BaseModel]   # a record as its JSON line, or the record itself when it cannot be written


def send(records: list[BaseModel]) -> list[Sent]:
    """Records on their way to a worker: JSON lines, cheaper to send than the objects."""
    sent: list[Sent] = []
    for record in records:
        try:
            sent.append(record.model_dump_json(exclude_none=False))
        except ValueError:  # text UTF-8 cannot encode: the object goes, the stage rejects it
            sent.append(record)
    return sent


def written(stage: str, items: Iterable[BaseModel]) -> list[Union[str, BaseModel]]:
    """A stage's output on its way back: each record as the line the runner writes (a
    record that cannot be written as the reject the runner writes for it); rejects and
    duplicates as they are."""
    from ..runner import _writable

    back: list[Union[str, BaseModel]] = []
    for item in items:
        item, line = _writable(item, stage)
        back.append(item if isinstance(item, (Reject, Duplicate)) else line.removesuffix("\n"))
    return back


def received(items: list[Union[str, BaseModel]]) -> list[Union[Written, BaseModel]]:
    return [Written(item) if isinstance(item, str) else item for item in items]


def run_stage_batch(stage: tuple[str, str, Optional[float]], records: list[Sent]) -> list[Union[str, BaseModel]]:
    """A per-record stage over one batch: ``STAGES[name].function``, as the runner calls
    it on the whole stream. ``stage`` is (name, work folder, seconds a page may take)."""
    from ..runner import STAGES

    name, work, seconds = stage
    model = STAGES[name].reads_model
    parsed = [model.model_validate_json(r) if isinstance(r, str) else r for r in records]
    return written(name, STAGES[name].function(parsed, Path(work), seconds))


def extract_and_sign(shared: tuple[Optional[float], int], records: list[RawDocument]
                     ) -> list[Union[tuple[str, Optional[np.ndarray]], Reject]]:
    """Clean's first pass over one batch: each page extracted to lines — as the JSON line
    ``work/extracted.jsonl`` gets, with the page's MinHash signature for the parent's
    near-duplicate clustering — or its reject. ``shared`` is (seconds a page may take,
    permutations of the signature)."""
    from ..runner import _writable

    seconds, num_perm = shared
    extract_one = isolate(extract_page, "clean", seconds)
    entries: list[Union[tuple[str, Optional[np.ndarray]], Reject]] = []
    for record in records:
        page, line = _writable(extract_one(record), "clean")
        entries.append(page if isinstance(page, Reject) else (line, page_signature(page.lines, num_perm)))
    return entries


def count_batch(_: None, pages: list[tuple[PageLines, bool]]
                ) -> tuple[ShardCounts, int, list[tuple[str, array]]]:
    """The map step of template learning over one batch of extracted pages: the line
    counts of the pages in no cluster of near-duplicates, how many they are, and for
    each page of a cluster (flagged True) its site and ``page_keys``, in order: a
    cluster's lines count once, which only the parent, seeing every cluster's pages in
    order, can tell."""
    counter = LineCounter()
    clustered: list[tuple[str, array]] = []
    for page, in_cluster in pages:
        if in_cluster:
            clustered.append((page.site, page_keys(page.site, page.lines)))
        else:
            counter.add(page.site, page.lines)
    pages_counted = counter.pages
    return counter.shard(), pages_counted, clustered


def clean_batch(shared: tuple[TemplateModel, Optional[float], bool], pages: list[Union[PageLines, Reject]]
                ) -> list[Union[str, BaseModel]]:
    """Clean's second pass over one batch, with the templates learned from the dump;
    ``shared`` is (templates, seconds a page may take, whether the records go back as
    JSON lines — from a worker — or as they are, in this process)."""
    templates, seconds, as_lines = shared
    cleaned = map(isolate(partial(clean_page, templates=templates), "clean", seconds), pages)
    return written("clean", cleaned) if as_lines else list(cleaned)


def sum_counts(parts: list[ShardCounts]) -> ShardCounts:
    """Reduce: batch counts into one shard's counts."""
    return sum_shards(parts)
