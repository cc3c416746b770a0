"""Cleaning: line repair, DOIs, metadata, boilerplate rules, on the seeds' artifacts and
on corpus pages."""
from __future__ import annotations

from pipeline.cleaning.boilerplate import boilerplate_kind
from pipeline.cleaning.citations import find_dois, parse_reference_block
from pipeline.cleaning.metadata import parse_date
from pipeline.cleaning.repair import fix_encoding, join_broken_lines, truncated_number_warnings
from pipeline.schema import ContentType, RawDocument, Reject, Source
from pipeline.stages.clean import clean


def clean_document(raw):
    [result] = clean([raw])
    return result


def test_lines_broken_inside_names_dois_and_sentences_are_joined():
    lines = ["Review by Anthony L.", "Komaroff, MD", "These data offer new possibilities", "for controlling lupus.",
             "Mackensen, A.", ", Müller, F.", "et al.", "https://doi.", "org/10.", "1038/s41591-022-02017-5.",
             "A sentence without a full stop", "Another sentence"]
    assert join_broken_lines(lines) == [
        "Review by Anthony L. Komaroff, MD", "These data offer new possibilities for controlling lupus.",
        "Mackensen, A., Müller, F. et al.", "https://doi.org/10.1038/s41591-022-02017-5.",
        "A sentence without a full stop", "Another sentence"]


def test_lines_broken_inside_dois_are_joined():
    assert join_broken_lines(["DOI: 10.1056/NEJMoa", "2204925", "Disclaimer: none"]) == [
        "DOI: 10.1056/NEJMoa2204925", "Disclaimer: none"]
    assert join_broken_lines(["https://doi.org/10.1016/", "S0140-6736(25)00860-8"]) == [
        "https://doi.org/10.1016/S0140-6736(25)00860-8"]
    assert join_broken_lines(["doi.org/10.1182/", "blood.2021014162", "Tags: lymphoma"]) == [
        "doi.org/10.1182/blood.2021014162", "Tags: lymphoma"]


def test_words_split_by_a_hyphen_at_a_line_end_are_joined():
    assert join_broken_lines(["patients received CAR-", "T cells after lymphodepletion"]) == [
        "patients received CAR-T cells after lymphodepletion"]


def test_sentences_without_full_stop_stay_apart_and_lowercase_tokens_start_sentences():
    lines = ["The trial met its primary endpoint", "Median follow-up was 18 months",
             "mRNA-4157 is a personalized vaccine", "pCR rates were higher in the combination arm"]
    assert join_broken_lines(lines) == lines


def test_inline_dois_broken_by_folded_lines():
    assert find_dois("N Engl J Med 2022;387:2220 https://doi. org/10. 1056/NEJMoa2206913 |") == ["10.1056/NEJMoa2206913"]


def test_dois_repaired_and_stripped():
    assert find_dois("https://doi.org/10.1038/s41591-022-02017-5.") == ["10.1038/s41591-022-02017-5"]
    assert find_dois("1038/s41586-021-04390-6 ) Related readings") == ["10.1038/s41586-021-04390-6"]
    assert find_dois("doi: 10.1056/NEJMoa2116133;") == ["10.1056/NEJMoa2116133"]
    assert find_dois("(see 10.1016/S0140-6736(23)01234-5).") == ["10.1016/S0140-6736(23)01234-5"]
    assert find_dois("Released 2022/05/12 in Beijing") == []


def test_reference_block_parsed_into_citation():
    block = ["Original Source:", "Mackensen A, Müller F, Mougiakakos D et al.",
             "Anti-CD19 CAR T cell therapy for refractory systemic lupus erythematosus.", "Nat Med (2022).",
             "https://doi.org/10.1038/s41591-022-02017-5."]
    [citation] = parse_reference_block(block)
    assert citation.doi == "10.1038/s41591-022-02017-5"
    assert citation.journal == "Nat Med" and citation.year == 2022
    assert citation.title.startswith("Anti-CD19 CAR T cell therapy")
    assert citation.authors[0].startswith("Mackensen")


def test_run_together_reference_and_known_journal():
    block = ["Reference:", "Richardson PG, Jacobus SJ, Weller EA, et al. Triplet Therapy, Transplantation, and "
             "Maintenance until Progression in Myeloma. N Engl J Med 2022;387:132-147.", "DOI: 10.1056/NEJMoa2204925"]
    [citation] = parse_reference_block(block)
    assert citation.authors[:2] == ["Richardson PG", "Jacobus SJ"]
    assert citation.title == "Triplet Therapy, Transplantation, and Maintenance until Progression in Myeloma"
    assert (citation.journal, citation.year, citation.doi) == ("N Engl J Med", 2022, "10.1056/NEJMoa2204925")
    [other] = parse_reference_block(["Original link:", "Brown, C.E., Hibbard, J.C., Alizadeh, D. et al.",
                                     "Locoregional delivery of IL-13Rα2-targeting CAR-T cells: a phase 1 trial.",
                                     "Nat Med 30, 1001–1012 (2024).", "https://doi.org/10.1038/s41591-024-02875-1"])
    assert (other.journal, other.year) == ("Nat Med", 2024)


def test_inline_journal_mentions_become_citations():
    from pipeline.cleaning.journals import inline_citations, merge_citations
    from pipeline.schema import Citation

    lines = ["Nat Med: A new breakthrough in CAR-T cell therapy",
             "The results were published in The New England Journal of Medicine in 2023",
             "an earlier report (Nat Med (2021)) described the first patient",
             "Cell therapy is changing how lupus is treated"]
    found = inline_citations(lines)
    assert [(c.journal, c.year) for c in found] == [("Nat Med", 2021), ("N Engl J Med", None)]
    merged = merge_citations([Citation(doi="10.1038/s41591-022-02017-5")], found)
    assert merged[0].journal == "Nat Med" and merged[0].doi and len(merged) == 2


def test_dates_in_many_forms():
    assert parse_date("Last Update: 2022-04-30") == "2022-04-30"
    assert parse_date("Release time: 2023/5/12 | Editor: Li") == "2023-05-12"
    assert parse_date("Published March 3, 2021") == "2021-03-03"
    assert parse_date("发布时间：2021年8月5日") == "2021-08-05"
    assert parse_date("On 5 August 2021 the team") == "2021-08-05"
    assert parse_date("no date here 2021") is None


def test_each_boilerplate_kind():
    examples = {
        "nav": ["[Home] [News] [Clinical Trials] [Events]", "Login | Register | APP Download | Chinese Version",
                "Hot search: CAR-T ADC PD-1", "Search MedWire..."],
        "breadcrumb": ["Your position: Home / Frontier / CAR-T", "News / Solid Tumors / Gastric Cancer",
                       "Home » Clinical » Tumor Immunity » Cell Therapy"],
        "meta": ["• Last Update: 2022-04-30", "Release time: 2023-05-12 | Editor: Li | Views: 1523",
                 "2024-02-26 16:08 Source: Cell Watch Author: Zhou Ting Reading: 4,106",
                 "Published 2024-01-22 · Compiled by the editorial team · 5 min read"],
        "promo": ["[AD] Summit on cell therapy, Suzhou, June 8-9: early-bird registration is open",
                  "Webinar: Managing chronic GVHD – free for registered members",
                  "Search more information of high quality chemicals, good prices and reliable suppliers"],
        "share": ["Share to: WeChat | Weibo | QQ Zone", "Font size: [Large] [Medium] [Small]",
                  "Scan the QR code to follow our official account"],
        "cookie": ["We use cookies to improve your experience. By clicking Accept all, you consent to our Cookie Policy."],
        "disclaimer": ["This article is provided for information purposes only and makes no representation of accuracy",
                       "If there is any infringement, please contact us and we will delete it within 48 hours.",
                       "Reprinting requires authorization; please indicate the source."],
        "contact": ["Contact Us", "If you have any queries, please write to us. It will be replied within 5 days."],
        "copyright": ["Copyright © 2016-2024 BioWire All rights reserved | ICP No. 17028836-1"],
        "related": ["Related reading", "Previous: Gene therapy for hemophilia", "Next article:",
                    "Related: Why insertional oncogenesis is back"],
        "comment": ["Leave a comment", "3 comments", "Comments (12)"],
    }
    examples["nav"] += ["(Swipe left to see the whole table)", "医讯 MEDNEWS DAILY · 医讯早报"]
    examples["meta"] += ["Text | Li Na   Review | Dr. Wang   Typesetting | Xiaomei",
                         "This post was last edited by onco_fan at 2023-5-2 10:11",
                         "[This thread was highlighted by the moderator]"]
    examples["promo"] += ["Yikang Health Mall: book a flu shot for your parents in three steps",
                          "【Rare Disease Column】Every Friday, one rare disease explained"]
    for kind, lines in examples.items():
        for line in lines:
            assert boilerplate_kind(line) == kind, (kind, line)


def test_boilerplate_kinds_are_general():
    assert boilerplate_kind("Home > News > Oncology > Some headline") == "breadcrumb"
    assert boilerplate_kind("Editor: Wang Li") == "meta"
    assert boilerplate_kind("We use cookies to improve your experience. Accept all") == "cookie"
    assert boilerplate_kind("Scan the QR code to follow our official account") == "share"
    assert boilerplate_kind("© 2024 Health News Network. All rights reserved.") == "copyright"
    assert boilerplate_kind("Previous article: Gene therapy for hemophilia") == "related"
    assert boilerplate_kind("The views expressed do not represent the position of this site") == "disclaimer"
    for body in ("Two patients with aggressive CLL who received CAR T-cell therapy 10 years ago are still alive",
                 "Next steps include a phase 3 trial in 2025",
                 "- Grade 3 neutropenia",
                 "Patients were followed up at the clinic and contacted by phone every 3 months",
                 "Like other CAR-T products, the therapy caused cytokine release syndrome in most patients",
                 "Source data were reviewed by an independent committee and shared with regulators."):
        assert boilerplate_kind(body) is None, body


def test_truncated_number_is_kept_and_flagged():
    lines = ["Systemic sclerosis is rare with an incidence of 0.", "It affects women more often"]
    assert len(truncated_number_warnings(lines)) == 1


def test_mojibake_repaired_without_touching_quotes():
    assert fix_encoding("Ã©tude “quoted”") == "étude “quoted”"


def test_seed_pages_clean_to_title_date_body_and_doi(seed_paths):
    for path in seed_paths:
        raw = RawDocument(doc_id="d", source=Source(path=str(path), id=path.stem), content_type=ContentType.TEXT,
                          content=path.read_text(encoding="utf-8"), encoding="utf-8")
        doc = clean_document(raw)
        assert doc.title and doc.published and doc.citations and doc.citations[0].doi.startswith("10.1038/")
        assert "Search more information" not in doc.text and "plagiarism" not in doc.text
        assert "Contact Us" not in doc.text and doc.text.splitlines()[0] == doc.title


def test_html_page_main_content(corpus_html):
    raw = RawDocument(doc_id="d", source=Source(path="p.html", id="p"), content_type=ContentType.HTML,
                      content=corpus_html, encoding="utf-8")
    doc = clean_document(raw)
    assert not isinstance(doc, Reject)
    assert doc.title and len(doc.text.split()) > 100 and "<" not in doc.text


def test_page_with_only_boilerplate_is_rejected():
    content = "Home > News > Health\nLast Update: 2022-01-01\nContact Us\n© 2022 Site. All rights reserved."
    raw = RawDocument(doc_id="d", source=Source(path="p.txt", id="p"), content_type=ContentType.TEXT,
                      content=content, encoding="utf-8")
    result = clean_document(raw)
    assert isinstance(result, Reject) and result.reason.value == "no_body_text"


def test_trigger_prefilter_changes_no_decision(corpus_lines):
    from pipeline.cleaning import boilerplate

    for line in corpus_lines:
        stripped = boilerplate._BULLET.sub("", line.strip())
        full = boilerplate._ANCHORED.match(stripped) or boilerplate._FLOATING.search(stripped)
        expected = full.lastgroup.rsplit("_", 1)[0] if full else ("nav" if boilerplate.is_menu(stripped) else None)
        if boilerplate.is_breadcrumb(stripped):  # told by shape before any rule
            expected = "breadcrumb"
        assert boilerplate.boilerplate_kind(line) == expected, line


def test_separator_prefilters_change_no_decision(corpus_lines):
    """A line without a separator character is one part: no breadcrumb, no menu."""
    from pipeline.cleaning import boilerplate

    for line in corpus_lines:
        if not any(mark in line for mark in boilerplate._CRUMB_MARKS):
            assert len(boilerplate.trail_segments(line)) < 3, line
        if "|" not in line:
            assert len(boilerplate.trail_segments(line, boilerplate._MENU_SEPARATOR)) < 3, line


def test_a_decimal_broken_at_its_point_is_joined_but_a_doi_is_not_taken_for_one():
    from pipeline.cleaning.repair import join_broken_lines
    assert join_broken_lines(["At a median follow-up of 21.", "1 months, the median"]) == [
        "At a median follow-up of 21.1 months, the median"]
    assert join_broken_lines(["the median follow-up was 10.", "6 months in the 10-mg group"]) == [
        "the median follow-up was 10.6 months in the 10-mg group"]
    assert join_broken_lines(["doi: 10.", "1056/NEJMoa2406526"]) == ["doi: 10.1056/NEJMoa2406526"]
    assert join_broken_lines(["References", "1. Smith J", "2. Lee K"]) == ["References", "1. Smith J", "2. Lee K"]


def test_site_inserts_in_the_body_are_boilerplate_but_bracketed_section_labels_are_not():
    from pipeline.cleaning.boilerplate import boilerplate_kind
    assert boilerplate_kind("【Recommended】EHA 2023 is coming: subscribe to our lymphoma newsletter") == "promo"
    assert boilerplate_kind("▶ Academy | Live course this Thursday: scan the code in the app to sign up ◀") == "promo"
    assert boilerplate_kind("【Results】Of 86 patients, 85 received zanubrutinib") is None


def test_a_prefixless_doi_broken_after_its_registrant_is_joined():
    from pipeline.cleaning.citations import find_dois
    from pipeline.cleaning.repair import join_broken_lines
    lines = join_broken_lines(["N Engl J Med. 2021;385(13):1196-1206. DOI: 1056/", "NEJMoa2103485"])
    assert find_dois(lines[0]) == ["10.1056/NEJMoa2103485"]


def test_framed_meeting_inserts_and_spaced_dois():
    from pipeline.cleaning.boilerplate import boilerplate_kind
    from pipeline.cleaning.citations import find_dois
    assert boilerplate_kind("【Recommended reading】Gene therapy price list 2024") == "promo"
    assert boilerplate_kind("◆ ASH 2022 special report ◆ Click here for all our reports") == "promo"
    assert boilerplate_kind("The response rate was 45%, click here for details") is None
    assert find_dois("DOI: 10.1056 / NEJMoa2313811") == ["10.1056/NEJMoa2313811"]
