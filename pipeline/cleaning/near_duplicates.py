"""Near-duplicate pages: re-crawls, syndicated press releases, reposts with their
paragraphs reordered or their numbers changed.

A page is reduced to its set of word shingles (w-shingling, Broder 1997, "On the
resemblance and containment of documents"): the 5-word windows of its body-like lines,
case-folded, with digits masked — shingles never cross a line, so reordering paragraphs
leaves the set unchanged, and masking makes "ORR 81%" and "ORR 84%" one shingle. Two
pages' resemblance is the Jaccard similarity of their sets, estimated from MinHash
signatures (Broder 1997) of ``NUM_PERM`` permutations. Candidates are found by
locality-sensitive hashing with banding (Indyk & Motwani 1998; Leskovec, Rajaraman &
Ullman, *Mining of Massive Datasets*, ch. 3): a signature is cut into b bands of r rows
and pages sharing a band are candidates; a candidate is accepted when its estimated
Jaccard similarity is at least ``THRESHOLD``. The signatures are datasketch's; the band
index is a plain map from a band's hash to the page that first had it, which takes a
quarter of the memory of datasketch's ``MinHashLSH`` (5.8 KB a page measured).

Why 0.8: two copies of one article that differ in a re-worded sentence or two, in the
site's chrome or in numbers stay above 0.9; an article rewritten by another outlet
shares few 5-word shingles with its source (well under 0.5). 0.8 is also the Jaccard
threshold of MinHash near-duplicate removal in web-text corpora (Lee et al. 2022,
"Deduplicating Training Data Makes Language Models Better", 5-gram shingles). The bands
are chosen for recall (14 bands of 9 rows: what datasketch's ``MinHashLSH`` picks for this
threshold with false negatives weighted 9 to 1): a pair at 0.8 is a candidate with
probability 0.87, at 0.9 with 0.999; false candidates are dropped by the estimate.

Clustering is by leader: a page joins the first earlier canonical page it resembles, else
becomes canonical itself. Only canonical pages are indexed, so memory grows with the
number of distinct articles (about 2 KB each: the signature and its band keys), not with
the number of copies.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import sha1
from typing import Iterable, Literal, Optional

import numpy as np
from datasketch import MinHash

from .boilerplate import boilerplate_kind

#: what to do with the non-canonical pages of a cluster: clean every copy into a record,
#: or report each as a duplicate of its canonical page and process it no further
NearDuplicatePolicy = Literal["keep", "collapse"]
POLICIES: tuple[str, ...] = ("keep", "collapse")

THRESHOLD = 0.8
NUM_PERM = 128
BANDS, ROWS = 14, 9
SHINGLE_WORDS = 5
#: lines shorter than this (in words) are menus, labels or headings, not body text
MIN_LINE_WORDS = 6
#: pages with fewer shingles than this have too little text to be judged
MIN_SHINGLES = 10
#: a fixed seed: the same dump gives the same clusters on every run
SEED = 1

#: datasketch's universal hashing constants (``datasketch.minhash``)
_MERSENNE_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_SHIFT = np.uint64(61)
#: shingles hashed under all permutations at once
_HASH_BLOCK = 4096
_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")


def body_shingles(lines: Iterable[str], width: int = SHINGLE_WORDS) -> set[str]:
    """The word shingles of a page's body-like lines: case-folded, digits masked, never
    across a line; a line shorter than ``width`` words is one shingle."""
    shingles: set[str] = set()
    for line in lines:
        words = _WORD.findall(_DIGITS.sub("0", line.lower()))
        if len(words) < MIN_LINE_WORDS or boilerplate_kind(line):
            continue
        if len(words) < width:
            shingles.add(" ".join(words))
        else:  # the windows as shifted copies zipped: one C loop, not a slice per window
            shingles.update(map(" ".join, zip(*(words[shift:] for shift in range(width)))))
    return shingles


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The hash permutations, drawn once per process rather than once per page."""
    return MinHash(num_perm=num_perm, seed=SEED).permutations


def minhash_values(shingles: Iterable[str], num_perm: int = NUM_PERM) -> np.ndarray:
    """The values datasketch's ``MinHash.update_batch`` gives (each shingle's first 4 bytes
    of SHA-1, little-endian, under each permutation ``(a*h + b) mod (2**61 - 1)``, low 32
    bits, the minimum over the shingles), computed on the shingles' digests as one array
    rather than unpacked one by one in Python."""
    values = np.full(num_perm, _MAX_HASH, dtype=np.uint64)
    digests = b"".join([sha1(shingle.encode("utf-8")).digest()[:4] for shingle in shingles])
    hashes = np.frombuffer(digests, dtype="<u4").astype(np.uint64)[:, np.newaxis]
    a, b = _permutations(num_perm)
    for start in range(0, len(hashes), _HASH_BLOCK):  # blocks bound the (shingles x permutations) temporaries
        permuted = _mod_mersenne(hashes[start:start + _HASH_BLOCK] * a + b)
        values = np.minimum(values, np.bitwise_and(permuted, _MAX_HASH).min(axis=0))
    return values


def _mod_mersenne(x: np.ndarray) -> np.ndarray:
    """``x % (2**61 - 1)`` for uint64 ``x`` without a division: 2**61 is 1 modulo the
    prime, so x = hi * 2**61 + lo is hi + lo modulo it, and hi + lo < 2 * (2**61 - 1)."""
    folded = np.bitwise_and(x, _MERSENNE_PRIME) + np.right_shift(x, _SHIFT)
    folded[folded >= _MERSENNE_PRIME] -= _MERSENNE_PRIME
    return folded


def page_signature(lines: Iterable[str], num_perm: int = NUM_PERM) -> Optional[np.ndarray]:
    """A page's MinHash values, or None when it has too little body text to be judged."""
    shingles = body_shingles(lines)
    if len(shingles) < MIN_SHINGLES:
        return None
    return minhash_values(shingles, num_perm).astype(np.uint32)  # values < 2**32


def _band_keys(values: np.ndarray) -> list[int]:
    """One key per band: the band's number and rows hashed together."""
    return [hash((band, values[band * ROWS:(band + 1) * ROWS].tobytes())) for band in range(BANDS)]


@dataclass(frozen=True)
class Membership:
    """A page's place in a cluster of near-duplicates."""

    canonical: int       # the index of the cluster's canonical page (the first seen)
    similarity: float    # estimated Jaccard similarity to it


@dataclass
class NearDuplicateIndex:
    """Leader clustering of pages by MinHash LSH, page by page in dump order."""

    threshold: float = THRESHOLD
    num_perm: int = NUM_PERM
    pages: int = 0
    #: non-canonical page index -> its membership
    members: dict[int, Membership] = field(default_factory=dict)
    #: canonical page index -> pages in its cluster (itself included), clusters of two or more
    sizes: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if BANDS * ROWS > self.num_perm:
            raise ValueError(f"{BANDS} bands of {ROWS} rows need {BANDS * ROWS} permutations")
        self._bands: dict[int, int] = {}        # hash of (band, its rows) -> first canonical page with it
        self._signatures: dict[int, np.ndarray] = {}

    def add(self, lines: list[str]) -> Optional[Membership]:
        """Index the next page; its membership if it is a near-duplicate of an earlier one."""
        return self.add_signature(page_signature(lines, self.num_perm))

    def add_signature(self, values: Optional[np.ndarray]) -> Optional[Membership]:
        """Index the next page by its ``page_signature`` (which a worker process may have
        computed); its membership if it is a near-duplicate of an earlier one."""
        index = self.pages
        self.pages += 1
        if values is None:
            return None
        keys = _band_keys(values)
        best = self._best_candidate(values, keys)
        if best is None:
            for key in keys:
                self._bands.setdefault(key, index)
            self._signatures[index] = values
            return None
        membership = Membership(canonical=best[0], similarity=round(best[1], 3))
        self.members[index] = membership
        self.sizes[best[0]] = self.sizes.get(best[0], 1) + 1
        return membership

    def _best_candidate(self, values: np.ndarray, keys: list[int]) -> Optional[tuple[int, float]]:
        best: Optional[tuple[int, float]] = None
        candidates = {self._bands[key] for key in keys if key in self._bands}
        for candidate in sorted(candidates):
            similarity = float(np.mean(self._signatures[candidate] == values))
            if similarity >= self.threshold and (best is None or (similarity, -candidate) > (best[1], -best[0])):
                best = (candidate, similarity)
        return best

    def cluster_of(self, index: int) -> Optional[int]:
        """The canonical page of a page's cluster of two or more pages, else None."""
        if index in self.members:
            return self.members[index].canonical
        return index if index in self.sizes else None
