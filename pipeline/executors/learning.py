"""The clean stage over a dump, on any executor: template learning as a map-reduce,
then cleaning with the learned templates.

1. map: workers extract batches of pages to lines and compute each page's MinHash
   signature (``tasks.extract_and_sign``); the parent writes the pages to
   ``work/extracted.jsonl`` and clusters near-duplicates (``NearDuplicateIndex``), both
   in input order;
2. map: workers count, per batch, on how many pages of each site each line occurs
   (``tasks.count_batch``), for the pages in no cluster; the pages of a cluster come back
   as their line keys and the parent counts them in input order, each line once per
   cluster, as ``runner.clean_learning_templates`` does;
3. reduce: batch counts are summed into shards of about ``shard_pages`` pages
   (``work/line-counts/shard-*.npz``), the shards merged and thresholded into the
   templates (``work/templates.npz``);
4. map: workers clean batches of the extracted pages with the templates
   (``tasks.clean_batch``), results in input order, each near-duplicate followed by its
   ``Duplicate`` record (with ``near_duplicates="collapse"``, instead of being cleaned).

The serial executor runs the same steps in this process; ``--workers 1`` runs
``runner.clean_learning_templates`` itself."""
from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from ..cleaning.near_duplicates import POLICIES, NearDuplicateIndex, NearDuplicatePolicy
from ..cleaning.templates import LineCounter, ShardCounts, TemplateModel, merge_shards
from ..jsonl import atomic_writer, read_records
from ..schema import CleanDocument, Duplicate, PageLines, RawDocument, Reject, Source
from .base import Executor, batch_size, batched
from .progress import stage_progress, step
from .tasks import clean_batch, count_batch, extract_and_sign, received, sum_counts

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
                              seconds: Optional[float] = None, near_duplicates: NearDuplicatePolicy = "keep"
                              ) -> Iterator[Union[CleanDocument, Duplicate, Reject]]:
    """The passes of the clean stage, each page isolated with ``seconds`` as its budget
    in each; first-pass rejects are yielded as they come. What
    ``runner.clean_learning_templates`` does in one process, the same records in the same
    order: near-duplicates are clustered in input order here, from the signatures the
    workers compute, and are reported as ``Duplicate`` records (with
    ``near_duplicates="collapse"`` not cleaned)."""
    if near_duplicates not in POLICIES:
        raise ValueError(f"near_duplicates must be one of {POLICIES}, not {near_duplicates!r}")
    size = batch_size(total, executor.workers)
    clusters = NearDuplicateIndex()
    extracted = work / "extracted.jsonl"
    with stage_progress("clean:extract", total) as progress, atomic_writer(extracted) as handle:
        for entries in executor.map_ordered(extract_and_sign, batched(records, size),
                                            shared=(seconds, clusters.num_perm)):
            for entry in entries:
                if isinstance(entry, Reject):
                    yield entry
                else:
                    line, signature = entry
                    handle.write(line)
                    clusters.add_signature(signature)
            progress.advance(len(entries))
    step("learning templates")
    templates = _learn_templates(extracted, work, clusters, executor, shard_pages, size)
    templates.save(work / "templates.npz")
    step(None)
    yield from _clean_extracted(extracted, templates, clusters, near_duplicates, seconds, executor, size)


def _extracted_pages(extracted: Path) -> Iterator[PageLines]:
    from ..runner import _split_rejects

    return _split_rejects(read_records(extracted, PageLines, "clean"), [])


def _learn_templates(extracted: Path, work: Path, clusters: NearDuplicateIndex, executor: Executor,
                     shard_pages: int, size: int) -> TemplateModel:
    """Workers count the lines of the pages in no cluster; the pages of a cluster come
    back as their keys and are counted here, in input order, each line once per cluster
    (a cluster's set of counted keys dropped when its last page has been counted)."""
    shards = ShardWriter(work / "line-counts", shard_pages, executor)
    cluster_pages = LineCounter()
    counted: dict[int, set[int]] = {}
    left = dict(clusters.sizes)
    batches: deque[list[Optional[int]]] = deque()  # each batch's clusters, for the pages of a cluster

    def flagged() -> Iterator[list[tuple[PageLines, bool]]]:
        for batch in batched(enumerate(_extracted_pages(extracted)), size):
            of = [clusters.cluster_of(index) for index, _ in batch]
            batches.append([cluster for cluster in of if cluster is not None])
            yield [(page, cluster is not None) for (_, page), cluster in zip(batch, of)]

    for counts, pages, clustered in executor.map_ordered(count_batch, flagged()):
        shards.add(counts, pages)
        for cluster, (site, keys) in zip(batches.popleft(), clustered):
            cluster_pages.add_keys(site, keys, counted.setdefault(cluster, set()))
            left[cluster] -= 1
            if not left[cluster]:
                del counted[cluster]
        if cluster_pages.pages:
            in_clusters = cluster_pages.pages
            shards.add(cluster_pages.shard(), in_clusters)
    return shards.templates()


def _clean_extracted(extracted: Path, templates: TemplateModel, clusters: NearDuplicateIndex,
                     near_duplicates: NearDuplicatePolicy, seconds: Optional[float], executor: Executor,
                     size: int) -> Iterator[Union[CleanDocument, Duplicate, Reject]]:
    """The last pass: workers clean the pages to be cleaned; each near-duplicate's
    ``Duplicate`` follows its page, as in one process. A canonical page precedes its
    copies in the dump, so its source is known when they come."""
    canonical_sources: dict[int, Source] = {}
    plans: deque[list[tuple[bool, Optional[Duplicate]]]] = deque()  # each batch's pages: cleaned?, duplicate

    def to_clean() -> Iterator[list[PageLines]]:
        for batch in batched(enumerate(_extracted_pages(extracted)), size):
            plan, pages = [], []
            for index, page in batch:
                if index in clusters.sizes:
                    canonical_sources[index] = page.source
                membership = clusters.members.get(index)
                keep = membership is None or near_duplicates == "keep"
                if keep:
                    pages.append(page)
                plan.append((keep, None if membership is None else Duplicate(
                    source=page.source, doc_id=page.doc_id, duplicate_of=canonical_sources[membership.canonical],
                    kind="near", similarity=membership.similarity, kept=keep)))
            plans.append(plan)
            yield pages

    for cleaned in executor.map_ordered(clean_batch, to_clean(), shared=(templates, seconds, executor.parallel)):
        results = iter(received(cleaned))
        for keep, duplicate in plans.popleft():
            if keep:
                yield next(results)
            if duplicate is not None:
                yield duplicate
