"""Site templates learned from the dump itself.

A page's template — navigation, banners, bylines, disclaimers, footers, "related
readings" — repeats on every page of its site, while article text does not. Like the
line-frequency filters of web-corpus pipelines (the repeated-line removal of Gopher's
MassiveText rules, Rae et al. 2021, and of CCNet, Wenzek et al. 2020), the pipeline
counts, per site, on how many pages each normalized line occurs (digits, e-mail
addresses and URLs masked, so "Last Update: 2022-04-30" and "…: 2022-10-02" are one
line), and treats lines repeated across enough pages of a site — or across many pages
of the whole dump — as template.

Counting is a map-reduce: ``LineCounter`` counts one shard of pages into compact
arrays of 64-bit line keys (``ShardCounts``), shards are written and merged
(``merge_shards``) into a ``TemplateModel``, so memory is bounded by the number of
distinct lines, 16 bytes each, never by the pages.
"""
from __future__ import annotations

import hashlib
import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

#: a line is template when it occurs on at least this many pages of its site ...
MIN_SITE_PAGES = 3
#: ... and on at least this share of the site's pages
MIN_SITE_SHARE = 0.05
#: or on at least this many pages of the whole dump, and this share of them
MIN_DUMP_PAGES = 5
MIN_DUMP_SHARE = 0.01
#: lines shorter than this (in characters, after normalization) are left to the rules
MIN_LINE_CHARS = 3
DUMP_WIDE = "*"

_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
# an address starts where a token starts and neither part holds another "@": each start
# is tried once, so "a@a@a@…" or a megabyte-long word is scanned in linear time
_EMAIL = re.compile(r"(?<![^\s@])[^\s@]+@[^\s@]+\.\w+")
_DIGITS = re.compile(r"\d+")
_NOISE = re.compile(r"[\s\u00a0\u3000•·▪►|]+")


def normalize_line(line: str) -> str:
    """The comparison form of a line: case-folded, URLs, e-mails and digits masked,
    bullets and white space folded."""
    line = line.lower()
    if "http" in line or "www." in line:  # what a URL starts with; most lines hold none
        line = _URL.sub("<url>", line)
    if "@" in line:
        line = _EMAIL.sub("<email>", line)
    line = _DIGITS.sub("0", line)
    return _NOISE.sub(" ", line).strip()


def line_key(site: str, normalized: str) -> int:
    digest = hashlib.blake2b(f"{site}\x00{normalized}".encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def site_key(site: str) -> int:
    return line_key(site, "")


@dataclass
class ShardCounts:
    """Page counts of (site, line) keys in one shard, and pages per site."""

    keys: np.ndarray            # int64 line keys, unique
    sites: np.ndarray           # int64 site key of each line key
    counts: np.ndarray          # int64 pages on which the line occurs
    site_pages: dict[int, int] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        site_ids = np.array(list(self.site_pages), dtype=np.int64)
        site_counts = np.array(list(self.site_pages.values()), dtype=np.int64)
        with open(path, "wb") as handle:
            np.savez(handle, keys=self.keys, sites=self.sites, counts=self.counts,
                     site_ids=site_ids, site_counts=site_counts)

    @classmethod
    def load(cls, path: Path) -> "ShardCounts":
        with np.load(path) as data:
            pages = dict(zip(data["site_ids"].tolist(), data["site_counts"].tolist()))
            return cls(data["keys"], data["sites"], data["counts"], pages)


class LineCounter:
    """The map step: counts the pages each line occurs on, per site and dump-wide."""

    def __init__(self) -> None:
        self._keys = array("q")
        self._sites = array("q")
        self.site_pages: dict[int, int] = {}
        self.pages = 0

    def add(self, site: str, lines: Iterable[str], cluster_counted: Optional[set[int]] = None) -> None:
        """Count a page's lines. A page of a cluster of near-duplicates passes the set of
        keys its cluster has counted so far: a line, and the page itself, then count once
        per cluster (per site and dump-wide), so an article reposted many times is not
        taken for a template."""
        self.add_keys(site, page_keys(site, lines), cluster_counted)

    def add_keys(self, site: str, keys: Iterable[int], cluster_counted: Optional[set[int]] = None) -> None:
        """Count a page by its ``page_keys`` (which a worker process may have computed)."""
        own, everyone = site_key(site), site_key(DUMP_WIDE)
        for position, key in enumerate(keys):
            if _first_in_cluster(key, cluster_counted):
                self._keys.append(key)
                self._sites.append(everyone if position % 2 else own)
        for site_id in (own, everyone):
            if _first_in_cluster(site_id, cluster_counted):
                self.site_pages[site_id] = self.site_pages.get(site_id, 0) + 1
        self.pages += 1

    def shard(self) -> ShardCounts:
        """The counts so far as compact arrays; the counter starts afresh."""
        keys = np.frombuffer(self._keys, dtype=np.int64) if self._keys else np.empty(0, dtype=np.int64)
        sites = np.frombuffer(self._sites, dtype=np.int64) if self._sites else np.empty(0, dtype=np.int64)
        unique, first, counts = np.unique(keys, return_index=True, return_counts=True)
        shard = ShardCounts(unique, sites[first], counts.astype(np.int64), dict(self.site_pages))
        self.__init__()
        return shard


def page_keys(site: str, lines: Iterable[str]) -> array:
    """The keys a page's lines are counted under: for each distinct line long enough, its
    key on the site, then its key dump-wide."""
    keys = array("q")
    seen: set[str] = set()
    for line in lines:
        normalized = normalize_line(line)
        if len(normalized) >= MIN_LINE_CHARS and normalized not in seen:
            seen.add(normalized)
            keys.append(line_key(site, normalized))
            keys.append(line_key(DUMP_WIDE, normalized))
    return keys


def sum_shards(shards: Iterable[ShardCounts]) -> ShardCounts:
    """Several shards' counts as one shard (one sort over all of them): how a shard is
    built from the counts of the batches that workers counted."""
    shards = list(shards)
    site_pages: dict[int, int] = {}
    for shard in shards:
        for site, pages in shard.site_pages.items():
            site_pages[site] = site_pages.get(site, 0) + pages
    if not shards:
        empty = np.empty(0, dtype=np.int64)
        return ShardCounts(empty, empty.copy(), empty.copy(), site_pages)
    keys, sites, counts = _sum_counts(np.concatenate([s.keys for s in shards]),
                                      np.concatenate([s.sites for s in shards]),
                                      np.concatenate([s.counts for s in shards]))
    return ShardCounts(keys, sites, counts.astype(np.int64), site_pages)


def _first_in_cluster(key: int, cluster_counted: Optional[set[int]]) -> bool:
    if cluster_counted is None:
        return True
    if key in cluster_counted:
        return False
    cluster_counted.add(key)
    return True


def merge_shards(shards: Iterable[ShardCounts]) -> "TemplateModel":
    """The reduce step: sums shard counts and keeps the keys that pass the thresholds."""
    keys = np.empty(0, dtype=np.int64)
    sites = np.empty(0, dtype=np.int64)
    counts = np.empty(0, dtype=np.int64)
    site_pages: dict[int, int] = {}
    for shard in shards:
        keys, sites, counts = _sum_counts(np.concatenate([keys, shard.keys]), np.concatenate([sites, shard.sites]),
                                          np.concatenate([counts, shard.counts]))
        for site, pages in shard.site_pages.items():
            site_pages[site] = site_pages.get(site, 0) + pages
    return TemplateModel.from_counts(keys, sites, counts, site_pages)


def _sum_counts(keys: np.ndarray, sites: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, ...]:
    order = np.argsort(keys, kind="stable")
    keys, sites, counts = keys[order], sites[order], counts[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.empty(0, dtype=np.int64)
    return keys[starts], sites[starts], np.add.reduceat(counts, starts) if len(keys) else counts


class TemplateModel:
    """The set of (site, line) keys that are template."""

    def __init__(self, template_keys: Optional[np.ndarray] = None, sites_learned: int = 0):
        self.keys = np.sort(template_keys) if template_keys is not None else np.empty(0, dtype=np.int64)
        self.sites_learned = sites_learned
        self._key_set = frozenset(self.keys.tolist())  # a set lookup per line, not a numpy search

    @classmethod
    def from_counts(cls, keys: np.ndarray, sites: np.ndarray, counts: np.ndarray,
                    site_pages: dict[int, int]) -> "TemplateModel":
        if not len(keys):
            return cls()
        dump_site = site_key(DUMP_WIDE)
        pages = np.array([site_pages.get(s, 0) for s in sites.tolist()], dtype=np.float64)
        dump_wide = sites == dump_site
        needed = np.where(dump_wide, np.maximum(MIN_DUMP_PAGES, MIN_DUMP_SHARE * pages),
                          np.maximum(MIN_SITE_PAGES, MIN_SITE_SHARE * pages))
        learned = sum(1 for s, n in site_pages.items() if s != dump_site and n >= MIN_SITE_PAGES)
        return cls(keys[counts >= needed], learned)

    def __len__(self) -> int:
        return len(self.keys)

    def is_template(self, site: str, line: str) -> bool:
        if not self._key_set:
            return False
        normalized = normalize_line(line)
        if len(normalized) < MIN_LINE_CHARS:
            return False
        return self._has(line_key(site, normalized)) or self._has(line_key(DUMP_WIDE, normalized))

    def _has(self, key: int) -> bool:
        return key in self._key_set

    def save(self, path: Path) -> None:
        with open(path, "wb") as handle:
            np.savez(handle, keys=self.keys, sites_learned=np.array([self.sites_learned]))

    @classmethod
    def load(cls, path: Path) -> "TemplateModel":
        with np.load(path) as data:
            return cls(data["keys"], int(data["sites_learned"][0]))
