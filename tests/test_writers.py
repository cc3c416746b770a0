"""Every writer against the records it was given: the relational schema covers the
pydantic models, BioC (XML and JSON) and PubTator read back with the ``bioc`` package."""
from __future__ import annotations

from pathlib import Path

import pytest
from bioc import biocjson, biocxml, pubtator

from pipeline.schema import AdverseEventResult, AgeStated, ArticleRecord, Citation, CleanDocument, Finding, \
    LinkedEntity, OutcomeResult, Relation, Source
from pipeline.stages.ner import ner
from pipeline.stages.normalize import normalize
from pipeline.stages.relations import relations
from pipeline.writers.bioc import BiocJsonWriter, BiocXmlWriter
from pipeline.writers.pubtator import PubtatorWriter
from pipeline.writers.tables import BY_NAME, create_statements

ARTICLE = """Anti-CD19 CAR-T cell therapy induces remission in refractory systemic lupus erythematosus
Five patients with systemic lupus erythematosus received CD19 CAR-T cells
All five reached drug-free remission after a median follow-up of 8 months
Cytokine release syndrome was mild"""

#: where each field of the record's models is stored: "table.column"
COLUMNS = {
    ArticleRecord: {"schema_version": "articles.schema_version", "doc_id": "articles.doc_id",
                    "article_key": "articles.article_key", "source": "articles.source_key",
                    "title": "articles.title", "published": "articles.published", "site": "articles.site",
                    "section": "articles.section", "journal": "articles.journal", "text": "articles.text",
                    "citations": "citations.article_key", "entities": "entities.article_key",
                    "relations": "relations.article_key", "findings": "findings.article_key",
                    "warnings": "articles.warnings"},
    Source: {"path": "sources.path", "id": "sources.source_id", "url": "sources.url"},
    LinkedEntity: {"id": "entities.entity_id", "label": "entities.label", "text": "entities.text",
                   "start": "entities.start_offset", "end": "entities.end_offset", "negated": "entities.negated",
                   "normalized": "entities.concept_id"},
    Relation: {"type": "relations.type", "head": "relations.head_key", "tail": "relations.tail_key",
               "evidence": "relations.evidence_start"},
    Citation: {"doi": "citations.doi", "journal": "citations.journal", "year": "citations.year",
               "authors": "citations.authors", "title": "citations.title"},
    Finding: {"therapy": "findings.therapy", "therapy_id": "findings.therapy_id", "disease": "findings.disease",
              "disease_id": "findings.disease_id", "target": "findings.target", "cell_types": "findings.cell_types",
              "outcomes": "findings.outcomes", "adverse_events": "findings.adverse_events",
              "patients": "findings.patients", "follow_up": "findings.follow_up_value",
              "therapy_entity": "findings.therapy_entity_key", "disease_entity": "findings.disease_entity_key",
              "outcome_results": "finding_results.kind", "adverse_event_results": "finding_results.kind",
              "patients_evidence": "findings.patients_start", "follow_up_evidence": "findings.follow_up_start",
              "age": "findings.age_kind", "phase": "findings.phase", "trial": "findings.trial",
              "citation": "findings.citation"},
    OutcomeResult: {"name": "finding_results.name", "entity": "finding_results.entity_key",
                    "negated": "finding_results.negated", "result": "finding_results.value"},
    AdverseEventResult: {"name": "finding_results.name", "entity": "finding_results.entity_key",
                         "negated": "finding_results.negated", "grade": "finding_results.grade",
                         "result": "finding_results.value"},
    AgeStated: {"kind": "findings.age_kind", "value": "findings.age_value", "low": "findings.age_low",
                "high": "findings.age_high", "unit": "findings.age_unit", "evidence": "findings.age_start"},
}


@pytest.mark.parametrize("model", list(COLUMNS), ids=lambda m: m.__name__)
def test_every_model_field_has_its_column(model):
    assert set(model.model_fields) == set(COLUMNS[model]), "a field was added: give it a column in writers/tables.py"
    for place in COLUMNS[model].values():
        table, column = place.split(".")
        assert column in BY_NAME[table].column_names


def test_both_dialects_get_keys_and_indexes():
    for dialect in ("sqlite", "postgresql"):
        statements = "\n".join(create_statements(dialect))
        for needed in ("PRIMARY KEY (article_key)", "REFERENCES articles (article_key)",
                       "REFERENCES concepts (concept_id)", "findings_therapy_id_disease_id", "finding_results_kind_name",
                       "entities_concept_id", "articles_published", "citations_doi"):
            assert needed in statements


@pytest.fixture(scope="module")
def records() -> list[dict]:
    doc = CleanDocument(doc_id="d1", source=Source(path="p.txt", id="p"), title=ARTICLE.split("\n")[0], text=ARTICLE)
    return [next(iter(normalize(relations(ner([doc]))))).model_dump(mode="json")]


def test_bioc_xml_and_json_read_back_as_the_records(records: list[dict], tmp_path: Path):
    for kind, module in ((BiocXmlWriter, biocxml), (BiocJsonWriter, biocjson)):
        path = tmp_path / f"a.{kind.name}"
        with kind(path) as writer:
            writer.write(records)
        with open(path, encoding="utf-8") as handle:
            collection = module.load(handle)
        [document] = collection.documents
        record = records[0]
        assert document.id == record["article_key"]
        title, body = document.passages
        assert (title.infons["type"], title.offset, title.text) == ("title", 0, record["text"].split("\n")[0])
        assert body.offset == len(title.text) + 1 and body.text == record["text"][body.offset:]
        annotations = {a.id: a for p in document.passages for a in p.annotations}
        assert len(annotations) == len(record["entities"]) > 3
        for entity in record["entities"]:
            annotation = annotations[entity["id"]]
            location = annotation.total_span
            assert (location.offset, location.end) == (entity["start"], entity["end"])
            assert annotation.text == entity["text"]
            assert annotation.infons["type"] == entity["label"]
            assert annotation.infons.get("identifier") == entity["normalized"]["id"]
        found = {(r.infons["type"], r.nodes[0].refid, r.nodes[1].refid) for r in document.relations}
        assert found == {(r["type"], r["head"], r["tail"]) for r in record["relations"]} and found


def test_pubtator_reads_back_as_the_records(records: list[dict], tmp_path: Path):
    path = tmp_path / "a.pubtator"
    with PubtatorWriter(path) as writer:
        writer.write(records)
    with open(path, encoding="utf-8") as handle:
        [document] = pubtator.load(handle)
    record = records[0]
    assert document.pmid == record["article_key"]
    assert document.text.replace("\n", " ") == record["text"].replace("\n", " ")
    spans = {(a.start, a.end, a.text, a.type, a.id) for a in document.annotations}
    assert spans == {(e["start"], e["end"], e["text"], e["label"], e["normalized"]["id"] or "-")
                     for e in record["entities"]}
    assert {(r.type, r.id1, r.id2) for r in document.relations} == {(r["type"], r["head"], r["tail"])
                                                                    for r in record["relations"]}
