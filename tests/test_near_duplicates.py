"""Near-duplicate pages: reposts of one article (paragraphs reordered, numbers changed)
lose nothing to template learning, are clustered and reported with their canonical page,
and are collapsed on request; a site's own template is still learned."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from conftest import CORPUS

from pipeline import runner
from pipeline.cleaning.near_duplicates import NUM_PERM, SEED, NearDuplicateIndex, body_shingles, minhash_values
from pipeline.cleaning.templates import LineCounter, merge_shards
from pipeline.runner import clean_learning_templates
from pipeline.schema import CleanDocument, ContentType, Duplicate, RawDocument, Reject, Source

HEADER = ["Zorbleton Health Wire", "Home | News | Trials | Contact"]
FOOTER = ["Zorbleton Health Wire is a service of Zorbleton Media Group and its partners",
          "Powered by MediCMS 4.2 for newsrooms"]


def articles(count: int) -> list[tuple[str, list[str]]]:
    """Titles and body sentences of real corpus articles (from their gold)."""
    out = []
    for path in sorted((CORPUS / "gold").glob("*.json"))[:count]:
        gold = json.loads(path.read_text(encoding="utf-8"))
        out.append((gold["title"], [s for s in gold["body_sentences"] if "<" not in s]))
    return out


def repost(sentences: list[str], rng: random.Random) -> list[str]:
    """A repost: the same sentences, paragraphs shuffled, every number re-drawn."""
    shuffled = sentences[:]
    rng.shuffle(shuffled)
    return [re.sub(r"\d+", lambda m: str(rng.randint(1, 99)), s) for s in shuffled]


def repost_dump(n_articles: int, copies: int, seed: int = 7) -> list[RawDocument]:
    rng = random.Random(seed)
    pages = []
    for a, (title, sentences) in enumerate(articles(n_articles)):
        for c in range(copies):
            lines = HEADER + [title] + repost(sentences, rng) + FOOTER
            pages.append(RawDocument(doc_id=f"a{a}c{c}", source=Source(path=f"a{a}c{c}.txt", id=f"a{a}c{c}"),
                                     content_type=ContentType.TEXT, content="\n".join(lines), encoding="utf-8"))
    rng.shuffle(pages)
    return pages


def test_shingles_ignore_numbers_and_line_order():
    one = ["The overall response rate was 81% in 42 patients after a median of 12 months", "Short menu line"]
    other = ["Another line that is long enough to be a body sentence here",
             "The overall response rate was 64% in 17 patients after a median of 9 months"]
    assert body_shingles(one) < body_shingles(other)
    assert body_shingles(["Home News Trials"]) == set()


def test_reposts_cluster_and_distinct_articles_do_not():
    index = NearDuplicateIndex()
    rng = random.Random(1)
    found = [index.add(repost(sentences, rng)) for _, sentences in articles(6) for _ in range(3)]
    assert [m is None for m in found] == [True, False, False] * 6
    assert all(m.similarity >= 0.8 for m in found if m)
    assert sorted(index.sizes.values()) == [3] * 6


def test_a_dump_of_reposts_loses_no_article(tmp_path: Path):
    pages = repost_dump(6, 5)
    out = list(clean_learning_templates(pages, tmp_path))
    docs = [d for d in out if isinstance(d, CleanDocument)]
    near = [d for d in out if isinstance(d, Duplicate)]
    assert not [d for d in out if isinstance(d, Reject)]
    assert len(docs) == 30 and len(near) == 24
    assert all(d.kind == "near" and d.kept and d.similarity >= 0.8 for d in near)
    canonical = {d.duplicate_of.id for d in near}
    assert len(canonical) == 6 and {d.source.id[:2] for d in near} == {c[:2] for c in canonical}
    for doc in docs:
        assert "Zorbleton" not in doc.text and "MediCMS" not in doc.text  # the site's template is still learned
        assert len(doc.text.splitlines()) >= 5


def test_collapse_reports_copies_instead_of_cleaning_them(tmp_path: Path):
    pages = repost_dump(6, 5)
    out = list(clean_learning_templates(pages, tmp_path, near_duplicates="collapse"))
    docs = [d for d in out if isinstance(d, CleanDocument)]
    near = [d for d in out if isinstance(d, Duplicate)]
    assert len(docs) == 6 and len(near) == 24 and len(docs) + len(near) == len(pages)
    assert not any(d.kept for d in near)
    assert {d.doc_id for d in docs} == {d.duplicate_of.id for d in near}


def test_unknown_policy_is_refused(tmp_path: Path):
    with pytest.raises(ValueError):
        list(clean_learning_templates(repost_dump(1, 2), tmp_path, near_duplicates="drop"))


def test_lines_count_once_per_cluster():
    counter = LineCounter()
    counted: set[int] = set()
    for _ in range(5):
        counter.add("site", ["One article sentence repeated on every repost of it"], counted)
    counter.add("site", ["Another article entirely, on its own page"])
    model = merge_shards([counter.shard()])
    assert not model.is_template("site", "One article sentence repeated on every repost of it")


@pytest.mark.parametrize("policy, articles_out, duplicates", [("keep", 30, 0), ("collapse", 6, 24)])
def test_run_report_reconciles_near_duplicates(tmp_path: Path, policy: str, articles_out: int, duplicates: int):
    dump = tmp_path / "dump"
    dump.mkdir()
    for page in repost_dump(6, 5):
        (dump / page.source.path).write_text(page.content, encoding="utf-8")
    out = tmp_path / "out"
    runner.run_ingest([dump], out)
    runner.run_stage("clean", out, near_duplicates=policy)
    stats = json.loads((out / "work" / "clean.stats.json").read_text())
    assert stats["written"] == articles_out
    # the later stages are not needed to check the books: stand in for them
    for name in ("ner", "relations", "normalize", "export"):
        (out / "work" / f"{name}.stats.json").write_text(json.dumps(
            {"stage": name, "read": articles_out, "written": articles_out, "rejected": 0, "duplicates": 0,
             "seconds": 0}))
    report = runner._report(out, out)  # staged in place: the test reads OUT's files
    assert report.inputs_read == 30 and report.duplicates == duplicates and report.near_duplicates == 24
    assert report.reconciled
    lines = (out / "duplicates.jsonl").read_text().splitlines()
    assert len(lines) == 24 and all(json.loads(line)["kind"] == "near" for line in lines)


def test_signature_values_are_datasketchs(corpus_lines):
    """The vectorized MinHash gives datasketch's values, shingle set by shingle set."""
    from datasketch import MinHash

    pages = [corpus_lines[start:start + 40] for start in range(0, len(corpus_lines), 40)]
    checked = 0
    for lines in pages:
        shingles = body_shingles(lines)
        expected = MinHash(num_perm=NUM_PERM, seed=SEED)
        expected.update_batch([s.encode("utf-8") for s in shingles])
        assert (minhash_values(shingles) == expected.hashvalues).all()
        checked += bool(shingles)
    assert checked > 20
