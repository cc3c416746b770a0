"""The review report without a browser: nested highlighting, charts, the folder it writes
from hand-written records, gold differences, the size of its index, and that it reads
records without importing a stage."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from pipeline.benchmarks.report_scale import replicate_run
from pipeline.report import build_report
from pipeline.report.article import entity_layer, evidence_layer
from pipeline.report.highlight import Layer, render_layers
from pipeline.report.svg import Bar, bar_chart, histogram, integer_bins

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Anti-CD19 CAR-T cell therapy induced remission; no relapse was seen.\nNo cytokine release syndrome."


def entity(ident: str, label: str, start: int, end: int, name: str, curie: str | None = None,
           negated: bool = False) -> dict:
    return {"id": ident, "label": label, "text": TEXT[start:end], "start": start, "end": end, "negated": negated,
            "normalized": {"id": curie, "name": name}}


def sample_record(doc_id: str = "doc_a", source_id: str = "page_a") -> dict:
    entities = [entity("e1", "THERAPY", 0, 28, "chimeric antigen receptor T-cell therapy", "NCIT:C126102"),
                entity("e2", "ANTIGEN", 5, 9, "CD19", "HGNC:1633"),
                entity("e3", "OUTCOME", 37, 46, "remission"),
                entity("e4", "OUTCOME", 51, 58, "relapse", negated=True),
                # crosses e1's end: starts inside it and ends after it
                entity("e5", "CELL_TYPE", 21, 36, "T cell"),
                entity("e6", "ADVERSE_EVENT", 72, 97, "cytokine release syndrome", negated=True)]
    return {"schema_version": "1", "doc_id": doc_id, "source": {"path": f"dump/{source_id}.txt", "id": source_id,
                                                                 "url": None},
            "title": "CAR-T for lupus", "published": "2024-01-02", "site": None, "section": None, "journal": None,
            "text": TEXT, "citations": [{"doi": "10.1/x", "journal": "Nat Med", "year": 2022, "authors": ["A B"],
                                         "title": "A paper"}],
            "entities": entities,
            "relations": [{"type": "TARGETS", "head": "e1", "tail": "e2", "evidence": {"start": 0, "end": 68}},
                          {"type": "HAS_OUTCOME", "head": "e1", "tail": "e3", "evidence": {"start": 0, "end": 68}},
                          {"type": "CAUSES_ADVERSE_EVENT", "head": "e1", "tail": "e6",
                           "evidence": {"start": 69, "end": 98}}],
            "findings": [{"therapy": "chimeric antigen receptor T-cell therapy", "disease": None, "target": "CD19",
                          "cell_types": [], "outcomes": ["remission"], "adverse_events": [], "patients": 12,
                          "follow_up": {"value": 2, "unit": "year"}, "therapy_entity": "e1",
                          "outcome_results": [{"name": "remission", "entity": "e3", "negated": False,
                                               "result": {"value": 73, "unit": "%",
                                                          "evidence": {"start": 37, "end": 46}}}],
                          "adverse_event_results": [{"name": "cytokine release syndrome", "entity": "e6",
                                                     "negated": True, "grade": ">=3", "result": None}],
                          "patients_evidence": {"start": 0, "end": 4}}],
            "warnings": ["truncated number: '0.'"]}


def write_run(folder: Path, records: list[dict], extracted: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "articles.jsonl").write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records),
                                           encoding="utf-8")
    (folder / "rejects.jsonl").write_text(json.dumps({"source": {"path": "dump/empty.txt", "id": "empty"},
                                                      "stage": "ingest", "reason": "empty", "detail": ""}) + "\n")
    (folder / "duplicates.jsonl").write_text("")
    (folder / "run.json").write_text(json.dumps({
        "inputs": ["dump"], "inputs_read": len(records) + 1, "articles_written": len(records), "rejects": 1,
        "duplicates": 0, "reconciled": True, "reject_reasons": {"empty": 1},
        "stages": [{"stage": "ingest", "read": len(records) + 1, "written": len(records), "rejected": 1,
                    "duplicates": 0, "seconds": 0.5}]}))
    if extracted:
        work = folder / "work"
        work.mkdir(exist_ok=True)
        (work / "extracted.jsonl").write_text("".join(json.dumps(
            {"doc_id": r["doc_id"], "source": r["source"], "site": "s",
             "lines": ["Menu | Home | News", *r["text"].split("\n"), "Copyright 2024"]}) + "\n" for r in records))
    return folder


class ElementCounter(HTMLParser):
    """Counts elements by class and checks they nest properly."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.classes: list[set[str]] = []
        self.nested_entities = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if "ent" in classes and any("ent" in c or "ent-part" in c for c in self.classes):
            self.nested_entities += 1
        self.stack.append(tag)
        self.classes.append(classes)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()
        self.classes.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_overlapping_spans_nest_with_one_first_element_each():
    record = sample_record()
    layers = [entity_layer(e) for e in record["entities"]] + [evidence_layer(0, 68, "v1"), evidence_layer(37, 46, "v2")]
    html = render_layers(TEXT, layers)
    parser = ElementCounter()
    parser.feed(html)
    assert not parser.stack
    assert "".join(parser.text) == TEXT  # the text is whole, in order
    assert html.count('<mark class="ent ') == len(record["entities"])
    assert parser.nested_entities >= 2  # CD19 inside the therapy; the crossing cell type's first part too
    assert html.count('data-ent="e5"') == 2  # the crossing mention: its first element and one part
    assert 'class="ent l-OUTCOME negated"' in html


def test_layers_outside_the_text_are_left_out():
    html = render_layers("abc", [Layer(1, 9, "<b>", "<b>", "</b>"), Layer(0, 1, "<i>", "<i>", "</i>")])
    assert html == "<i>a</i>bc"


def test_text_and_attributes_are_escaped():
    html = render_layers('<a href="x">&', [Layer(0, 2, '<mark class="ent">', "<mark>", "</mark>")])
    assert html == '<mark class="ent">&lt;a</mark> href="x"&gt;&amp;'


def test_svg_charts():
    chart = bar_chart([Bar("THERAPY", 10), Bar("DISEASE", 5)], "entities by label")
    assert chart.startswith("<svg") and chart.count("<rect") == 2 and "entities by label" in chart
    assert [(b.low, b.high, b.count) for b in integer_bins([0, 1, 1, 5], bins=3)] == [(0, 1, 3), (2, 3, 0), (4, 5, 1)]
    assert histogram([0, 1, 1, 5], "h", "x", bins=3).count("<rect") == 3
    assert "nothing to show" in bar_chart([], "empty")


def test_report_folder_from_records(tmp_path: Path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "page_a.json").write_text(json.dumps({
        "id": "page_a", "entities": {"THERAPY": [{"names": ["CAR-T cell therapy"], "id": "NCIT:C126102"}],
                                     "DISEASE": [{"names": ["lupus"]}]},
        "relations": [{"type": "TREATS", "head": "CAR-T cell therapy", "tail": "lupus"}]}))
    out = write_run(tmp_path / "run", [sample_record(), sample_record("doc_b", "page_b")])
    summary = build_report(out, gold, jobs=1)
    assert (summary.articles, summary.pages) == (2, 2)
    folder = out / "report"
    index = (folder / "index.html").read_text(encoding="utf-8")
    for expected in ("Stages: time and throughput", "rejects by reason", "entities by label", "Most frequent therapies",
                     "entities per article", "with patients", "Scores against gold", "index.js"):
        assert expected in index
    assert not re.search(r'(?:src|href)="(?:https?:)?//', index)  # nothing from the network
    page = (folder / "articles" / "doc_a.html").read_text(encoding="utf-8")
    highlighted = page.split('class="article-text"')[1].split("</div>")[0]
    assert highlighted.count('<mark class="ent ') == 6  # as many as the record's entities (the legend aside)
    assert page.count("negated") >= 2
    assert 'data-show-ev="v1"' in page and 'class="ev" data-ev="v1"' in page
    assert "Removed boilerplate (2 of 4 extracted lines)" in page and "Copyright 2024" in page
    assert "&gt;=3" in page  # the adverse event's grade
    assert "lupus" in page.split('id="gold"')[1]  # the missed gold disease
    assert 'rel="next" href="doc_b.html"' in page
    script = (folder / "index.js").read_text(encoding="utf-8")
    assert script.startswith("window.REPORT_INDEX=")
    assert json.loads(script[len("window.REPORT_INDEX="):-2])["articles"][0][0] == "doc_a"


def test_without_extracted_lines_the_boilerplate_is_skipped(tmp_path: Path):
    out = write_run(tmp_path / "run", [sample_record()], extracted=False)
    build_report(out, jobs=1)
    page = (out / "report" / "articles" / "doc_a.html").read_text(encoding="utf-8")
    assert "not available for this article" in page


def test_sample_limits_the_pages_not_the_index_and_the_index_page_does_not_grow(tmp_path: Path):
    source = write_run(tmp_path / "source", [sample_record()])
    sizes = []
    for articles in (20, 300):
        run = tmp_path / f"run{articles}"
        replicate_run(source, run, articles)
        summary = build_report(run, sample=10, jobs=2)
        assert (summary.articles, summary.pages) == (articles, 10)
        assert len(list((run / "report" / "articles").glob("*.html"))) == 10
        sizes.append(summary.index_bytes)
    assert abs(sizes[1] - sizes[0]) < 400  # the list lives in index.js; index.html holds the figures only
    rebuilt = build_report(tmp_path / "run300", sample=3, jobs=1)
    assert len(list((rebuilt.folder / "articles").glob("*.html"))) == 3  # no stale page of the earlier build


def test_the_report_imports_no_stage():
    code = ("import sys, pipeline.report, pipeline.report.build; "
            "bad = [m for m in sys.modules if m.startswith(('pipeline.stages', 'pipeline.nlp', 'pipeline.components', "
            "'pipeline.runner', 'spacy'))]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_command_without_a_run_exits_2(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "pipeline", "report", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2 and "articles.jsonl is missing" in result.stderr


def test_article_differences_agree_with_the_scorer():
    from pipeline.evaluation import Scorer
    from pipeline.report.gold import article_differences

    gold = {"id": "page_a", "entities": {"THERAPY": [{"names": ["CAR-T cell therapy"], "id": "NCIT:C126102"}],
                                         "OUTCOME": [{"names": ["remission"]}], "DISEASE": [{"names": ["lupus"]}]},
            "relations": [{"type": "HAS_OUTCOME", "head": "CAR-T cell therapy", "tail": "remission"},
                          {"type": "TREATS", "head": "CAR-T cell therapy", "tail": "lupus"}]}
    record = sample_record()
    differences = article_differences("page_a", gold, record)
    assert differences.missed_entities["DISEASE"] == ["lupus"]
    assert "CD19" in differences.extra_entities["ANTIGEN"]
    assert differences.missed_relations == [("TREATS", "CAR-T cell therapy", "lupus")]
    scorer = Scorer()
    scorer.add("page_a", gold, record)
    report = scorer.report()
    assert differences.scores == {"entity_f1": report["entity_micro"]["f1"], "relation_f1": report["relations"]["f1"]}
