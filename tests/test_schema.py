"""The committed JSON Schema is the one the pydantic models give."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

from pipeline.schema import ArticleRecord, article_json_schema


def test_committed_schema_is_in_sync():
    committed = json.loads((ROOT / "models" / "article.schema.json").read_text(encoding="utf-8"))
    assert committed == article_json_schema(), "run `make schema` and commit models/article.schema.json"


def test_schema_command_prints_the_schema():
    out = subprocess.run([sys.executable, "-m", "pipeline", "schema"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    schema = json.loads(out)
    assert schema["title"] == "ArticleRecord"
    for field in ("schema_version", "doc_id", "source", "title", "published", "text", "citations", "entities",
                  "relations", "findings"):
        assert field in schema["properties"]


def test_contract_example_validates():
    example = {
        "schema_version": "1", "doc_id": "d1", "source": {"path": "corpus/x.txt", "id": "x", "url": None},
        "title": "t", "published": "2022-04-30", "text": "CAR T-cell therapy",
        "citations": [{"doi": "10.1038/s41586-021-04390-6", "journal": "Nature", "year": 2022,
                       "authors": ["Melenhorst JJ"], "title": "Decade-long leukaemia remissions"}],
        "entities": [{"id": "e1", "label": "THERAPY", "text": "CAR T-cell therapy", "start": 0, "end": 18,
                      "negated": False, "normalized": {"id": "NCIT:C126102", "name": "CAR T-cell therapy"}}],
        "relations": [], "findings": [{"therapy": "CAR T-cell therapy", "disease": "chronic lymphocytic leukemia",
                                       "target": None, "cell_types": [], "outcomes": ["complete remission"],
                                       "adverse_events": [], "patients": 2, "follow_up": {"value": 10, "unit": "year"}}],
    }
    record = ArticleRecord.model_validate(example)
    assert record.findings[0].follow_up.value == 10


def test_article_key_is_the_cleaned_content_whatever_the_page_or_its_spacing():
    first = ArticleRecord(doc_id="page-a", source={"path": "a.html", "id": "a"}, title="CAR-T in lupus",
                          text="CAR-T in lupus\nSeven patients  reached remission.")
    recrawl = ArticleRecord(doc_id="page-b", source={"path": "b.txt", "id": "b"}, title=" CAR-T in lupus",
                            text="CAR-T in lupus\n\nSeven patients reached\nremission. ")
    other = ArticleRecord(doc_id="page-a", source={"path": "a.html", "id": "a"}, title="CAR-T in lupus",
                          text="CAR-T in lupus\nEight patients reached remission.")
    assert first.article_key == recrawl.article_key != other.article_key
    assert len(first.article_key) == 64
    assert ArticleRecord.model_validate_json(first.model_dump_json()).article_key == first.article_key
