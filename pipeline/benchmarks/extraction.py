"""Benchmarks of the clean stage's HTML path against trafilatura, in one run on the same
pages, on two public data sets read from a folder given by path (never copied):

* the article-extraction benchmark (181 pages, manually checked article bodies): word
  tokens (``\\w+``), multiset overlap of word 4-gram shingles per page, precision and
  recall averaged over pages, F1 of the averages — the benchmark's published method;
  speed is the median of three passes;
* trafilatura's evaluation set (990 pages with snippets that must and must not appear):
  snippet counts summed over pages, precision, recall and F1.

"Project" is the clean stage's HTML path on a single page (``extract_page`` then
``clean_page``; with one page there are no learned templates), body lines without the
title line. "trafilatura" is ``trafilatura.extract`` with its default settings.
"""
from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import trafilatura

from ..schema import ContentType, RawDocument, Reject, Source
from ..stages.clean import clean_page, extract_page

_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


def decode_html(data: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def project_extract(html: str, url: Optional[str] = None) -> str:
    raw = RawDocument(doc_id="bench", source=Source(path="bench.html", id="bench", url=url),
                      content_type=ContentType.HTML, content=html, encoding="utf-8")
    page = extract_page(raw)
    if isinstance(page, Reject):
        return ""
    doc = clean_page(page)
    if isinstance(doc, Reject):
        return ""
    lines = doc.text.split("\n")
    return "\n".join(lines[1:] if lines and lines[0] == doc.title else lines)


def trafilatura_extract(html: str, url: Optional[str] = None) -> str:
    return trafilatura.extract(html, url=url) or ""


EXTRACTORS: dict[str, Callable[[str, Optional[str]], str]] = {
    "trafilatura": trafilatura_extract,
    "project": project_extract,
}


@dataclass
class Result:
    name: str
    precision: float
    recall: float
    f1: float
    pages: int
    seconds: float

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (f"  {self.name:12} P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
                f"{self.pages_per_second:7.1f} pages/s  ({self.pages} pages, {self.seconds:.1f} s)")


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _shingles(text: str, size: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + size]) for i in range(max(1, len(tokens) - size + 1)))


def shingle_scores(predicted: str, truth: str) -> tuple[float, float]:
    pred, true = _shingles(predicted), _shingles(truth)
    overlap = sum((pred & true).values())
    precision = overlap / sum(pred.values()) if sum(pred.values()) else 0.0
    recall = overlap / sum(true.values()) if sum(true.values()) else 0.0
    return precision, recall


def _timed(extract: Callable[[str, Optional[str]], str], pages: list[tuple[str, Optional[str]]],
           passes: int = 1) -> tuple[list[str], float]:
    """Outputs and the median time of ``passes`` passes (a 2-core machine varies by ±10%)."""
    for html, url in pages[:3]:  # warm-up, so neither side pays first-call costs in its time
        extract(html, url)
    times = []
    for _ in range(passes):
        started = time.perf_counter()
        outputs = [extract(html, url) for html, url in pages]
        times.append(time.perf_counter() - started)
    return outputs, sorted(times)[len(times) // 2]


def article_extraction_benchmark(folder: Path, limit: Optional[int] = None) -> list[Result]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    pages = [(decode_html(gzip.open(folder / "html" / f"{i}.html.gz").read()), truth[i].get("url")) for i in ids]
    results = []
    for name, extract in EXTRACTORS.items():
        outputs, seconds = _timed(extract, pages, passes=3)
        scores = [shingle_scores(out, truth[i]["articleBody"]) for out, i in zip(outputs, ids)]
        precision = sum(p for p, _ in scores) / len(scores)
        recall = sum(r for _, r in scores) / len(scores)
        results.append(Result(name, precision, recall, _f1(precision, recall), len(pages), seconds))
    return results


def trafilatura_evaluation_set(folder: Path, limit: Optional[int] = None) -> list[Result]:
    annotations = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    urls = sorted(annotations)[:limit] if limit else sorted(annotations)
    pages, kept = [], []
    for url in urls:
        path = folder / "html" / f"{annotations[url]['file']}.gz"
        if path.exists():
            pages.append((decode_html(gzip.open(path).read()), url))
            kept.append(url)
    results = []
    for name, extract in EXTRACTORS.items():
        outputs, seconds = _timed(extract, pages)
        tp = fn = fp = 0
        for output, url in zip(outputs, kept):
            text = _SPACE.sub(" ", output).strip()
            for snippet in annotations[url].get("with") or []:
                found = _SPACE.sub(" ", snippet).strip() in text
                tp, fn = tp + found, fn + (not found)
            for snippet in annotations[url].get("without") or []:
                fp += _SPACE.sub(" ", snippet).strip() in text
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        results.append(Result(name, precision, recall, _f1(precision, recall), len(pages), seconds))
    return results


def run(data_dir: Path, limit: Optional[int] = None) -> dict[str, list[Result]]:
    """Both benchmarks that are present under ``data_dir``; a missing one is skipped
    with a message."""
    report: dict[str, list[Result]] = {}
    for name, folder_name, bench in (
            ("article-extraction-benchmark", "article-extraction-benchmark", article_extraction_benchmark),
            ("trafilatura-eval", "trafilatura-eval", trafilatura_evaluation_set)):
        folder = data_dir / folder_name
        if not folder.is_dir():
            print(f"{name}: skipped, {folder} is absent")
            continue
        report[name] = bench(folder, limit)
        print(f"{name}:")
        for result in report[name]:
            print(result.line())
    return report
