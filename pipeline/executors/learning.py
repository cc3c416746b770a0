"""The clean stage over a dump, on any executor: template learning as a map-reduce,
then cleaning with the learned templates.

1. map: workers extract batches of pages to lines and count, per batch, on how many
   pages of each site each line occurs (``tasks.extract_and_count``); the parent writes
   the pages to ``work/extracted.jsonl`` in input order;
2. reduce: batch counts are summed into shards of about ``shard_pages`` pages
   (``work/line-counts/shard-*.npz``), the shards merged and thresholded into the
   templates (``work/templates.npz``);
3. map: workers clean batches of the extracted pages with the templates
   (``tasks.clean_batch``), results in input order.

The serial executor runs the same steps in this process."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from ..cleaning.templates import ShardCounts, TemplateModel, merge_shards
from ..jsonl import atomic_writer, read_records
from ..schema import CleanDocument, PageLines, RawDocument, Reject
from .base import Executor, batch_size, batched
from .progress import stage_progress
from .tasks import clean_batch, extract_and_count, received, sum_counts

#: pages per shard of line counts
SHARD_PAGES = 10_000


class ShardWriter:
    """Collects batch counts and writes them as shards of about ``shard_pages`` pages."""

    def __init__(self, folder: Path, shard_pages: int, executor: Executor) -> None:
        self.folder, self.shard_pages, self.executor = folder, shard_pages, executor
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.npz"):
            old.unlink()
        self.parts: list[ShardCounts] = []
        self.pages = 0
        self.paths: list[Path] = []

    def add(self, counts: ShardCounts, pages: int) -> None:
        if pages:
            self.parts.append(counts)
            self.pages += pages
        if self.pages >= self.shard_pages:
            self.flush()

    def flush(self) -> None:
        """Sum the collected batches (a reduce step) and write them as the next shard."""
        if not self.parts:
            return
        path = self.folder / f"shard-{len(self.paths):05d}.npz"
        self.executor.reduce(sum_counts, self.parts).save(path)
        self.paths.append(path)
        self.parts, self.pages = [], 0

    def templates(self) -> TemplateModel:
        """Merge the shards and keep the lines over the thresholds (the last reduce)."""
        self.flush()
        return self.executor.reduce(merge_shards, (ShardCounts.load(path) for path in self.paths))


def learn_templates_and_clean(records: Iterable[RawDocument], work: Path, executor: Executor,
                              shard_pages: int = SHARD_PAGES, total: Optional[int] = None,
                              seconds: Optional[float] = None) -> Iterator[Union[CleanDocument, Reject]]:
    """Both passes of the clean stage, each page isolated with ``seconds`` as its budget
    in each; first-pass rejects are yielded as they come."""
    size = batch_size(total, executor.workers)
    shards = ShardWriter(work / "line-counts", shard_pages, executor)
    extracted = work / "extracted.jsonl"
    with stage_progress("clean:extract", total) as progress, atomic_writer(extracted) as handle:
        for entries, counts in executor.map_ordered(extract_and_count, batched(records, size), shared=seconds):
            kept = 0
            for entry in entries:
                if isinstance(entry, Reject):
                    yield entry
                else:
                    handle.write(entry)
                    kept += 1
            shards.add(counts, kept)
            progress.advance(len(entries))
    templates = shards.templates()
    templates.save(work / "templates.npz")
    pages = read_records(extracted, PageLines, "clean")
    for cleaned in executor.map_ordered(clean_batch, batched(pages, size), shared=(templates, seconds, executor.parallel)):
        yield from received(cleaned)
