"""Dates, titles and DOIs in the forms pages from other sites write them: day-first and
full-width dates, headlines above a cited source, references the main-content extraction
drops, DOIs broken at every point or written with full-width marks."""
from __future__ import annotations

import pytest

from pipeline.cleaning.citations import find_dois, parse_reference_block
from pipeline.cleaning.metadata import date_from_header, parse_date
from pipeline.cleaning.repair import join_broken_lines
from pipeline.schema import ContentType, RawDocument, Source
from pipeline.stages.clean import clean_page, extract_page


@pytest.mark.parametrize("text, iso", [
    ("Published: 14/11/2023", "2023-11-14"),
    ("11/14/2023", "2023-11-14"),          # a second number over 12: month first
    ("06/07/2023 10:20", "2023-07-06"),    # ambiguous: day first
    ("Updated 12.06.2023", "2023-06-12"),
    ("２０２３年０６月１２日", "2023-06-12"),
    ("发布时间：2023年6月12日", "2023-06-12"),
    ("Date: 2023-06-12", "2023-06-12"),
])
def test_dates_in_other_forms(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_a_forum_post_is_dated_by_its_posting_not_by_its_author_s_registration() -> None:
    header = ["Oncology forum › Lymphoma › View topic",
              "dr_chen  |  Level: Member  |  Posts: 310  |  Registered: 2015-3-9",
              "Posted on 21/04/2022 08:15  |  Only see this author"]
    assert date_from_header(header) == "2022-04-21"


@pytest.mark.parametrize("lines", [
    ["doi: 10.", "1056/NEJMoa2204925"],
    ["https://doi.", "org/10.1056/NEJMoa2204925"],
    ["https://doi.org/10.", "1056/NEJMoa2204925"],
    ["doi: 10.1056/", "NEJMoa2204925"],
])
def test_dois_broken_across_lines(lines: list[str]) -> None:
    assert find_dois("\n".join(join_broken_lines(lines))) == ["10.1056/NEJMoa2204925"]


def test_doi_broken_inside_its_suffix() -> None:
    joined = join_broken_lines(["https://doi.org/10.1016/S0140-", "6736(25)00123-4"])
    assert find_dois("\n".join(joined)) == ["10.1016/S0140-6736(25)00123-4"]


@pytest.mark.parametrize("text", ["doi：10.1056／NEJMoa2204925", "doi: 10.1056 /NEJMoa2204925",
                                  "DOI: 10.1056/NEJMoa2204925."])
def test_dois_with_full_width_marks_or_spaces(text: str) -> None:
    assert find_dois(text) == ["10.1056/NEJMoa2204925"]


BODY = [
    "The FELIX study enrolled 127 adults with relapsed or refractory B-cell acute lymphoblastic leukemia.",
    "Overall remission was achieved in 77% of patients, and the median duration of remission was 14.1 months.",
    "Cytokine release syndrome of grade 3 or higher occurred in 2% of patients.",
    "Researchers said the results support the use of the therapy in adults.",
]


def _clean(text: str, content_type: ContentType = ContentType.TEXT):
    raw = RawDocument(doc_id="doc_x", source=Source(path="feed.jsonl", id="1", url="https://news.example.org/a/1"),
                      content_type=content_type, content=text, encoding="utf-8")
    return clean_page(extract_page(raw))


def test_headline_is_the_title_not_the_line_above_a_cited_source() -> None:
    text = "\n".join(["Phase 3 trial of obe-cel shows durable remissions in adult ALL", *BODY,
                      "Source: Roddie C, et al. Obecabtagene Autoleucel in Adults with B-Cell Acute Lymphoblastic "
                      "Leukemia. N Engl J Med 2024;391:2219-2230."])
    record = _clean(text)
    assert record.title == "Phase 3 trial of obe-cel shows durable remissions in adult ALL"
    assert [(c.journal, c.year, c.authors) for c in record.citations] == [("N Engl J Med", 2024, ["Roddie C"])]
    assert "Roddie" not in record.text


def _html(references: str) -> str:
    paragraphs = "".join(f"<p>{sentence}</p>" for sentence in BODY)
    return ("<html><head><title>Obe-cel news | Site</title></head><body><nav>Home &gt; News</nav>"
            "<h1>Obe-cel trial shows durable remission in adults</h1>"
            f"<article>{paragraphs}{references}</article><div class='sidebar'>Related</div></body></html>")


@pytest.mark.parametrize("references, doi", [
    ('<div class="references"><h3>References</h3><p>1. Roddie C, et al. Obecabtagene Autoleucel in Adults. '
     'N Engl J Med. 2024;391:2219.<br>doi: 10.<br>1056/NEJMoa2406526</p></div>', "10.1056/NEJMoa2406526"),
    ('<footer><div class="ref">Reference: Smith J, et al. Lancet 2025. https://doi.<br>org/10.1016/S0140-<br>'
     '6736(25)00123-4</div></footer>', "10.1016/S0140-6736(25)00123-4"),
    ('<aside class="source-info"><p>Original paper: <a href="https://doi.org/10.1038/s41591-024-01234-5">'
     'Nat Med 2024</a></p></aside>', "10.1038/s41591-024-01234-5"),
])
def test_html_reference_blocks_are_read_before_extraction_drops_them(references: str, doi: str) -> None:
    record = _clean(_html(references), ContentType.HTML)
    assert [c.doi for c in record.citations] == [doi]
    assert all(sentence in record.text for sentence in BODY)


def test_a_link_only_reference_keeps_its_journal_not_the_link_as_title() -> None:
    [citation] = parse_reference_block(["Original paper: Nat Med 2024 https://doi.org/10.1038/s41591-024-01234-5"])
    assert citation.journal == "Nat Med" and citation.year == 2024 and citation.title is None
