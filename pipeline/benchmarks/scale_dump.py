"""Throughput of every stage on a large dump of distinct pages (``make bench-scale``).

The dump. Repeated pages are not a benchmark: the clean stage learns what repeats on a
site as its template, so a dump of one page copied with new numbers is read as
boilerplate and rejected. ``build_dump`` therefore writes N pages from the corpus pages
whose body lines never repeat across the dump, compared as the template learner
compares them (``normalize_line``: case folded, digits masked):

- each page takes the site frame of a corpus page (masthead, menus, bylines, reference
  block, footer: the lines the site repeats, which stay as they are) and that page's
  body, its paragraphs reordered (the lead stays first);
- therapy and disease names are swapped for those of another corpus article (the
  surface forms listed in ``corpus/gold``), numbers re-drawn, and some lines replaced by
  lines of other articles;
- a line that would repeat one already written gets words swapped for synonyms, and
  failing that is joined with a sentence of another article, until it is new.

HTML pages are written again as HTML (the frame's lines and the body as paragraphs), text
pages as text, with the base page's site (URL host or masthead), so template learning and
HTML extraction both run as on a real dump.

The run. Each stage runs as a child process (``python -m pipeline STAGE``; the command
is a parameter, so the same table can be made for other engines or worker counts);
for each the bench reads the stage's own seconds from ``work/STAGE.stats.json``, the
child's wall time and its peak resident memory (``resource.getrusage`` of the child).
Words are the cleaned words (``CleanDocument.text``, white-space split) of the run; the
baseline in the same run is spaCy's tokenizer (``spacy.blank("en")``) over that text.
"""
from __future__ import annotations

import html
import json
import random
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from ..cleaning.templates import normalize_line
from ..schema import CleanDocument, ContentType, PageLines, RawDocument
from ..stages.clean import clean_page, extract_page
from ..stages.ingest import ingest

STAGES = ("ingest", "clean", "ner", "relations", "normalize", "export")
NON_NER = ("ingest", "clean", "relations", "normalize", "export")
#: share of body lines replaced by a line of another article
MIX_SHARE = 0.15
#: share of body lines that get one synonym swap even when already new
SWAP_SHARE = 0.3
#: synonym swaps tried on a line that repeats, before joining it with another sentence
MAX_SWAPS = 6
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?![\w/])")  # standalone numbers, not "CD19"
SYNONYMS: dict[str, tuple[str, ...]] = {w: tuple(alts.split(",")) for w, alts in (
    ("patients", "participants,subjects,people,cases"), ("study", "trial,analysis,research"),
    ("trial", "study,investigation"), ("showed", "demonstrated,revealed,indicated,found"),
    ("treatment", "therapy,management,intervention"), ("therapy", "treatment,regimen"),
    ("results", "findings,data,outcomes"), ("significant", "marked,notable,substantial"),
    ("significantly", "markedly,notably,substantially"), ("new", "novel,recent"),
    ("disease", "illness,condition"), ("researchers", "investigators,scientists,authors"),
    ("team", "group,researchers"), ("reported", "described,noted,observed"),
    ("received", "were given,got,underwent"), ("also", "moreover,in addition,furthermore"),
    ("however", "but,yet,nevertheless"), ("cells", "cell populations"), ("after", "following"),
    ("high", "elevated,increased"), ("improved", "enhanced,increased"), ("effect", "impact,influence"),
    ("data", "results,evidence"), ("first", "initial,earliest"), ("total", "overall,combined"),
    ("the", "this,that"), ("and", "as well as,plus"), ("with", "along with,alongside"),
    ("in", "among,within"), ("was", "appeared,proved"), ("were", "proved,appeared"),
)}
_SYNONYM_WORD = re.compile(r"\b(?:" + "|".join(sorted(SYNONYMS, key=len, reverse=True)) + r")\b")


@dataclass
class BasePage:
    """A corpus page split into its site frame and its article text."""
    raw: RawDocument
    lines: list[str]            # extracted lines (the frame and the body, in order)
    body: set[str]              # lines of the cleaned text, title aside
    title: str
    names: dict[str, list[list[str]]] = field(default_factory=dict)  # label -> concepts' surface forms


@dataclass
class DumpStats:
    pages: int = 0
    body_lines: int = 0
    swapped: int = 0             # lines that needed synonym swaps to be new
    joined: int = 0              # lines that needed joining with another sentence


def base_pages(corpus_dump: Path, gold_dir: Optional[Path] = None) -> list[BasePage]:
    """The corpus pages, extracted and cleaned (no templates), with the therapy and disease
    names of their gold file when there is one."""
    gold = _gold_names(gold_dir) if gold_dir and gold_dir.is_dir() else {}
    pages = []
    for raw in ingest([corpus_dump]):
        if not isinstance(raw, RawDocument):
            continue
        extracted = extract_page(raw)
        if not isinstance(extracted, PageLines):
            continue
        cleaned = clean_page(extracted)
        if not isinstance(cleaned, CleanDocument):
            continue
        title = cleaned.title or ""
        body = {line for line in cleaned.text.split("\n") if line != title}
        pages.append(BasePage(raw, extracted.lines, body, title, gold.get(_page_key(raw.source.path), {})))
    return pages


def _page_key(path: str) -> str:
    return path.replace("\\", "/").split("/")[-1].rsplit(".", 1)[0]


def _gold_names(gold_dir: Path) -> dict[str, dict[str, list[list[str]]]]:
    names = {}
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        key = _page_key(str(gold.get("file", path.stem)).split("!")[-1])
        names[key] = {label: [c["names"] for c in gold.get("entities", {}).get(label, []) if c.get("names")]
                      for label in ("THERAPY", "DISEASE")}
    return names


class DistinctLines:
    """Lines written so far, in the template learner's comparison form."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def new(self, line: str) -> bool:
        return normalize_line(line) not in self.seen

    def add(self, line: str) -> None:
        self.seen.add(normalize_line(line))


def swap_synonym(line: str, rng: random.Random) -> str:
    """One word of the line replaced by a synonym (the line unchanged if it has none)."""
    matches = list(_SYNONYM_WORD.finditer(line))
    if not matches:
        return line
    match = rng.choice(matches)
    return line[:match.start()] + rng.choice(SYNONYMS[match.group()]) + line[match.end():]


def name_swapper(base: BasePage, donor: BasePage, rng: random.Random) -> Callable[[str], str]:
    """A function that writes the base article's therapy and disease names as the donor
    article's (each base concept mapped to one donor concept of the same label)."""
    mapping: dict[str, str] = {}
    for label in ("THERAPY", "DISEASE"):
        theirs = [forms[0] for forms in donor.names.get(label, [])]
        if not theirs:
            continue
        rng.shuffle(theirs)
        for number, forms in enumerate(base.names.get(label, [])):
            for form in forms:
                if len(form) >= 3:
                    mapping.setdefault(form, theirs[number % len(theirs)])
    if not mapping:
        return lambda line: line
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in sorted(mapping, key=len, reverse=True))
                         + r")(?![\w-])")
    return lambda line: pattern.sub(lambda m: mapping[m.group()], line)


def _redraw_numbers(line: str, rng: random.Random) -> str:
    return _NUMBER.sub(lambda m: str(rng.randint(1, 99 if len(m.group()) <= 2 else 999)), line)


def _make_new(line: str, distinct: DistinctLines, rng: random.Random, sentences: Sequence[str],
              stats: DumpStats) -> str:
    """The line itself if new, else with synonyms swapped, else joined with other sentences."""
    if distinct.new(line):
        return line
    varied = line
    for _ in range(MAX_SWAPS):
        varied = swap_synonym(varied, rng)
        if distinct.new(varied):
            stats.swapped += 1
            return varied
    stats.joined += 1
    while not distinct.new(varied):
        other = rng.choice(sentences)
        varied = varied.rstrip(".") + ". " + other[:1].upper() + other[1:]
    return varied


def generate_page(number: int, base: BasePage, donor: BasePage, sentences: Sequence[str],
                  distinct: DistinctLines, rng: random.Random, stats: DumpStats) -> dict:
    """One dump line: the base page's frame around a varied, reordered, new body."""
    swap = name_swapper(base, donor, rng)

    def vary(line: str, mix: bool = True) -> str:
        if mix and rng.random() < MIX_SHARE:
            line = rng.choice(sentences)
        line = _redraw_numbers(swap(line), rng)
        if rng.random() < SWAP_SHARE:
            line = swap_synonym(line, rng)
        line = _make_new(line, distinct, rng, sentences, stats)
        distinct.add(line)
        return line

    body = [line for line in base.lines if line in base.body]
    order = body[:1] + rng.sample(body[1:], len(body) - 1)
    new_body = iter([vary(line) for line in order])
    title = vary(base.title, mix=False) if base.title else ""
    lines = [] if not title or base.title in base.lines else [title]
    for line in base.lines:
        if line in base.body:
            lines.append(next(new_body))
        elif line == base.title:
            lines.append(title)
        else:
            lines.append(line)  # the site's frame: repeats, as a template does
    stats.pages += 1
    stats.body_lines += len(body) + 1
    record = {"id": f"page-{number:07d}"}
    if base.raw.source.url:
        record["url"] = base.raw.source.url.rstrip("/") + f"/v{number}"
    if base.raw.content_type is ContentType.HTML:
        record["html"] = _html_page(title, lines)
    else:
        record["text"] = "\n".join(lines)
        if base.raw.title:
            record["title"] = title
            if lines and lines[0] == title and base.title not in base.lines:
                lines.pop(0)
                record["text"] = "\n".join(lines)
    return record


def _html_page(title: str, lines: list[str]) -> str:
    paragraphs = "\n".join(f"<h1>{html.escape(line)}</h1>" if line == title else f"<p>{html.escape(line)}</p>"
                           for line in lines)
    return (f"<!DOCTYPE html>\n<html><head><title>{html.escape(title)}</title></head>\n"
            f"<body><article>\n{paragraphs}\n</article></body></html>\n")


def build_dump(pages: list[BasePage], count: int, path: Path, seed: int = 13) -> DumpStats:
    """Write ``count`` distinct pages to a JSON-lines dump at ``path``."""
    rng = random.Random(seed)
    sentences = sorted({line for page in pages for line in page.body if len(line.split()) >= 6})
    distinct = DistinctLines()
    for page in pages:  # frame lines of every site are not body lines of any page
        for line in page.lines:
            if line not in page.body and line != page.title:
                distinct.add(line)
    stats = DumpStats()
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(count):
            base = pages[number % len(pages)]
            donor = pages[rng.randrange(len(pages))]
            handle.write(json.dumps(generate_page(number, base, donor, sentences, distinct, rng, stats),
                                    ensure_ascii=False) + "\n")
    return stats


def repeated_lines(texts: Iterable[str]) -> Counter:
    """Lines (in comparison form) that occur on more than one page of ``texts``."""
    pages: Counter = Counter()
    for text in texts:
        pages.update({normalize_line(line) for line in text.split("\n") if line.strip()})
    return Counter({line: n for line, n in pages.items() if n > 1})


# --- the run -----------------------------------------------------------------------

StageCommand = Callable[[str, Path, Path], list[str]]


def single_process(stage: str, dump: Path, out: Path) -> list[str]:
    """The command of one stage with the project's CLI in one process (one worker)."""
    inputs = [str(dump)] if stage == "ingest" else []
    workers = [] if stage == "export" else ["--workers", "1"]  # export always runs in one process
    return [sys.executable, "-m", "pipeline", stage, *inputs, "--out", str(out), *workers]


@dataclass
class StageRun:
    stage: str
    seconds: float        # the stage's own time (its stats file)
    wall: float           # the child process, start-up and imports included
    peak_mib: float


def run_stage_child(command: list[str]) -> tuple[float, float]:
    """Run a command in a fresh interpreter; its wall time and peak resident memory (MiB)."""
    code = ("import resource, subprocess, sys; "
            f"subprocess.run({command!r}, check=True, stdout=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return time.perf_counter() - started, int(done.stdout.strip().splitlines()[-1]) / 1024


def run_pipeline(dump: Path, out: Path, command: StageCommand = single_process) -> list[StageRun]:
    runs = []
    for stage in STAGES:
        wall, peak = run_stage_child(command(stage, dump, out))
        stats = json.loads((out / "work" / f"{stage}.stats.json").read_text(encoding="utf-8"))
        runs.append(StageRun(stage, float(stats["seconds"]), wall, peak))
    return runs


def cleaned_texts(out: Path) -> list[str]:
    with open(out / "work" / "cleaned.jsonl", encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def tokenizer_seconds(texts: list[str]) -> float:
    import spacy
    from ..stages.ner import spaced_lines
    nlp = spacy.blank("en")
    started = time.perf_counter()
    for _ in nlp.tokenizer.pipe((spaced_lines(t) for t in texts), batch_size=64):
        pass
    return time.perf_counter() - started


def check_every_page(out: Path, pages: int) -> dict:
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    if report["articles_written"] != pages or not report["reconciled"]:
        raise SystemExit(f"bench-scale INVALID: {pages} pages in, {report['articles_written']} records out, "
                         f"rejects {report['rejects']} {report.get('reject_reasons')}, duplicates "
                         f"{report['duplicates']}, reconciled {report['reconciled']}")
    return report


def run(corpus_dump: Path, gold_dir: Path, pages: int, work: Path,
        command: StageCommand = single_process, label: str = "1 worker") -> dict:
    work.mkdir(parents=True, exist_ok=True)
    dump, out = work / f"dump-{pages}.jsonl", work / f"out-{pages}"
    started = time.perf_counter()
    made = build_dump(base_pages(corpus_dump, gold_dir), pages, dump)
    print(f"  dump: {made.pages:,} pages, {made.body_lines:,} body lines ({made.swapped:,} given synonyms, "
          f"{made.joined:,} joined to be new) in {time.perf_counter() - started:.1f}s")
    runs = run_pipeline(dump, out, command)
    check_every_page(out, pages)
    texts = cleaned_texts(out)
    repeats = repeated_lines(texts)
    if repeats:
        raise SystemExit(f"bench-scale INVALID: {len(repeats)} cleaned lines occur on several pages, e.g. "
                         f"{next(iter(repeats))!r}")
    words = sum(len(t.split()) for t in texts)
    tokenizer = tokenizer_seconds(texts)
    return report_table(runs, pages, words, tokenizer, label)


def report_table(runs: list[StageRun], pages: int, words: int, tokenizer: float, label: str) -> dict:
    print(f"  {pages:,} pages, every one a record, no cleaned line on two pages; {words:,} cleaned words  [{label}]")
    print(f"  {'stage':10} {'seconds':>8} {'pages/s':>9} {'words/s':>10} {'wall s':>8} {'peak MiB':>9}")
    rows = []
    for r in runs:
        rows.append({"stage": r.stage, "seconds": r.seconds, "pages_per_second": round(pages / r.seconds, 1),
                     "words_per_second": round(words / r.seconds), "wall_seconds": round(r.wall, 2),
                     "peak_mib": round(r.peak_mib, 1)})
        print(f"  {r.stage:10} {r.seconds:8.2f} {pages / r.seconds:9.1f} {words / r.seconds:10,.0f} "
              f"{r.wall:8.2f} {r.peak_mib:9.1f}")
    summary = {"label": label, "pages": pages, "words": words, "stages": rows}
    for name, chosen in (("all stages", STAGES), ("non-ner stages", NON_NER)):
        seconds = sum(r.seconds for r in runs if r.stage in chosen)
        wall = sum(r.wall for r in runs if r.stage in chosen)
        summary[name] = {"seconds": round(seconds, 2), "words_per_second": round(words / seconds),
                         "pages_per_second": round(pages / seconds, 1), "wall_seconds": round(wall, 2),
                         "ratio_to_tokenizer": round(tokenizer / seconds, 3)}
        print(f"  {name:15} {seconds:8.2f}s {pages / seconds:8.1f} pages/s {words / seconds:10,.0f} words/s "
              f"(wall {wall:.1f}s with start-up: {words / wall:,.0f} words/s); "
              f"{tokenizer / seconds:.3f} of the tokenizer's speed")
    summary["tokenizer_words_per_second"] = round(words / tokenizer)
    print(f"  spaCy tokenizer alone {words / tokenizer:,.0f} words/s on the same text")
    return summary
