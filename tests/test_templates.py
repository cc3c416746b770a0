"""Site templates learned from the dump: lines repeated across a site's pages go, article
lines stay, on a site no rule was written for; counting shard by shard gives the same
templates as counting at once."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import CORPUS

from pipeline.cleaning.templates import LineCounter, TemplateModel, merge_shards, normalize_line
from pipeline.runner import clean_learning_templates
from pipeline.schema import CleanDocument, ContentType, RawDocument, Source

# a masthead, a promotion and a footer no rule names
NEW_SITE_HEADER = ["Zorbleton Health Wire", "Members save 20% on the annual congress pass with code ZHW{n}"]
NEW_SITE_FOOTER = ["Powered by MediCMS 4.2 — build 77{n}", "Zorbleton Health Wire is a service of Zorbleton Media Group"]


def bodies(count: int) -> list[tuple[str, list[str]]]:
    """Titles and body sentences of real corpus articles (from their gold)."""
    golds = sorted((CORPUS / "gold").glob("*.json"))[:count]
    out = []
    for path in golds:
        gold = json.loads(path.read_text(encoding="utf-8"))
        out.append((gold["title"], [s for s in gold["body_sentences"] if "<" not in s]))
    return out


def new_site_pages(count: int) -> list[RawDocument]:
    pages = []
    for n, (title, sentences) in enumerate(bodies(count)):
        lines = [h.format(n=n) for h in NEW_SITE_HEADER] + [title] + sentences + [f.format(n=n) for f in NEW_SITE_FOOTER]
        pages.append(RawDocument(doc_id=f"d{n}", source=Source(path=f"p{n}.txt", id=f"p{n}"),
                                 content_type=ContentType.TEXT, content="\n".join(lines), encoding="utf-8"))
    return pages


def test_template_lines_of_an_unseen_site_are_learned_and_removed(tmp_path: Path):
    pages = new_site_pages(6)
    cleaned = [d for d in clean_learning_templates(pages, tmp_path) if isinstance(d, CleanDocument)]
    assert len(cleaned) == 6
    for doc, (title, sentences) in zip(cleaned, bodies(6)):
        assert doc.title == title
        for sentence in sentences:
            assert " ".join(sentence.split()) in " ".join(doc.text.split())
        assert "Zorbleton" not in doc.text and "MediCMS" not in doc.text and "congress pass" not in doc.text
    assert len(TemplateModel.load(tmp_path / "templates.npz")) >= len(NEW_SITE_HEADER + NEW_SITE_FOOTER)


def test_a_single_page_keeps_what_no_rule_knows(tmp_path: Path):
    [doc] = [d for d in clean_learning_templates(new_site_pages(1), tmp_path)]
    assert "Powered by MediCMS" in doc.text  # one page cannot show what repeats


def test_masking_makes_dated_lines_one_template_line():
    assert normalize_line("• Last Update: 2022-04-30") == normalize_line("Last Update: 2022-10-02")
    assert normalize_line("write to service@site.com or www.site.com/x") == "write to <email> or <url>"


def test_shards_merge_to_the_same_templates():
    pages = new_site_pages(8)
    whole, parts = LineCounter(), LineCounter()
    shards = []
    for number, page in enumerate(pages):
        whole.add("zorbleton", page.content.split("\n"))
        parts.add("zorbleton", page.content.split("\n"))
        if number % 3 == 2:
            shards.append(parts.shard())
    shards.append(parts.shard())
    one, many = merge_shards([whole.shard()]), merge_shards(shards)
    assert len(many) > 0 and list(one.keys) == list(many.keys)
    assert many.is_template("zorbleton", "Zorbleton Health Wire")
    assert not many.is_template("zorbleton", pages[0].content.split("\n")[3])
