"""``python -m pipeline bench reposts``: a dump of reposted articles loses none of them.

Re-crawls and syndicated press releases put the same article on many pages, its
sentences reordered and its numbers changed. The dump made here takes the corpus's text
pages and writes each of them ``copies`` times: the site's header lines and the
reference block stay where they are, the body's sentences are shuffled and every number
in them is re-drawn. The whole pipeline then runs over it with each near-duplicate
policy, and every page must come out as a record or as a reported near-duplicate of a
record (``--near-duplicates collapse``), with no reject.
"""
from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

from ..cleaning.citations import opens_reference_block
from ..text import word_count

#: the site's header: masthead, menus, title and byline stay in place on a repost
HEADER_LINES = 8
#: a line this long is a body sentence a repost may move
SENTENCE_WORDS = 8
_NUMBER = re.compile(r"\d+")


def repost(page: str, rng: random.Random) -> str:
    """The page with its body sentences shuffled among their places and their numbers re-drawn."""
    lines = page.split("\n")
    end = next((i for i, line in enumerate(lines) if i > HEADER_LINES and opens_reference_block(line.strip())),
               len(lines))
    places = [i for i in range(HEADER_LINES, end) if word_count(lines[i]) >= SENTENCE_WORDS]
    moved = [lines[i] for i in places]
    rng.shuffle(moved)
    for place, line in zip(places, moved):
        lines[place] = _NUMBER.sub(lambda m: str(rng.randint(1, 99)), line)
    return "\n".join(lines)


def make_dump(corpus_dump: Path, folder: Path, pages: int, seed: int = 11) -> int:
    """``pages`` reposts of the corpus's text pages, as many copies of each as it takes."""
    sources = sorted(corpus_dump.glob("*.txt"))
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(pages):
        source = sources[number % len(sources)]
        text = source.read_text(encoding="utf-8")
        (folder / f"{source.stem}-repost-{number:05d}.txt").write_text(repost(text, rng), encoding="utf-8")
    return len(sources)


def run(corpus_dump: Path, pages: int, work: Path) -> bool:
    dump = work / "dump"
    if dump.exists():
        for old in dump.glob("*.txt"):
            old.unlink()
    articles = make_dump(corpus_dump, dump, pages)
    print(f"{pages:,} pages: reposts of {articles} articles in {dump}")
    ok = True
    for policy in ("keep", "collapse"):
        out = work / f"out-{policy}"
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(dump), "--out", str(out),
                               "--near-duplicates", policy], capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            print(f"{policy}: exit {done.returncode}: {done.stderr.strip().splitlines()[-1:]}")
            ok = False
            continue
        report = json.loads((out / "run.json").read_text(encoding="utf-8"))
        reported = [json.loads(line) for line in (out / "duplicates.jsonl").read_text(encoding="utf-8").splitlines()]
        collapsed = sum(1 for d in reported if d.get("kind") == "near" and not d.get("kept"))
        kept_copies = sum(1 for d in reported if d.get("kind") == "near" and d.get("kept"))
        lossless = report["articles_written"] + collapsed == pages and report["rejects"] == 0
        ok &= lossless and report["reconciled"]
        print(f"{policy:8}  records {report['articles_written']:6,}  near-duplicates reported {collapsed + kept_copies:6,} "
              f"(kept as records {kept_copies:,})  rejects {report['rejects']}  reconciled {report['reconciled']}  "
              f"{'no article lost' if lossless else 'ARTICLES LOST'}  {seconds:.0f} s")
    return ok
