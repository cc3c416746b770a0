"""Stage behaviour on real pages: a failing record becomes a reject and the stream goes
on; NER, relations and normalization on the seed pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.schema import ArticleRecord, ContentType, RawDocument, Reject, RejectReason, Source
from pipeline.stages import clean as clean_module
from pipeline.stages.clean import clean
from pipeline.stages.ner import ner
from pipeline.stages.normalize import normalize
from pipeline.stages.relations import relations


def raw_page(path: Path) -> RawDocument:
    return RawDocument(doc_id=path.stem, source=Source(path=str(path), id=path.stem), content_type=ContentType.TEXT,
                       content=path.read_text(encoding="utf-8"), encoding="utf-8")


def test_a_record_that_breaks_a_stage_is_rejected_and_the_stream_goes_on(monkeypatch, seed_paths):
    original = clean_module.fix_encoding

    def fragile(text):
        if "Komaroff" in text:
            raise RuntimeError("extractor crashed")
        return original(text)

    monkeypatch.setattr(clean_module, "fix_encoding", fragile)
    out = list(clean(raw_page(p) for p in seed_paths))
    assert isinstance(out[0], Reject) and out[0].reason is RejectReason.PROCESSING_ERROR
    assert "extractor crashed" in out[0].detail and out[0].stage == "clean"
    assert not isinstance(out[1], Reject)


@pytest.fixture(scope="module")
def seed_articles(seed_paths) -> list[ArticleRecord]:
    return list(normalize(relations(ner(clean(raw_page(p) for p in seed_paths)))))


def test_entities_have_offsets_labels_and_canonical_names(seed_articles):
    for article in seed_articles:
        assert article.entities
        for entity in article.entities:
            assert article.text[entity.start:entity.end] == entity.text
            assert entity.normalized.name
    lupus = seed_articles[1]
    labels = {(e.label, e.normalized.name) for e in lupus.entities}
    assert ("DISEASE", "systemic lupus erythematosus") in labels
    assert ("ANTIGEN", "CD19") in labels and ("ADVERSE_EVENT", "fever") in labels
    sle = {e.normalized.id for e in lupus.entities if e.text in ("SLE", "systemic lupus erythematosus")}
    assert sle == {"MESH:D008180"}


def test_acronyms_match_case_sensitively(seed_articles):
    texts = {e.text for a in seed_articles for e in a.entities}
    assert "CLL" in texts
    assert not any(t.lower() in {"all", "was", "as", "be"} and t != t.upper() for t in texts)


def test_relations_link_therapy_to_cooccurring_entities(seed_articles):
    lupus = seed_articles[1]
    by_id = {e.id: e for e in lupus.entities}
    pairs = {(r.type, by_id[r.head].normalized.name, by_id[r.tail].normalized.name) for r in lupus.relations}
    assert ("TREATS", "chimeric antigen receptor T-cell therapy", "systemic lupus erythematosus") in pairs
    for relation in lupus.relations:
        assert by_id[relation.head].label == "THERAPY"
        assert relation.evidence.start <= by_id[relation.tail].start < relation.evidence.end


def test_finding_for_the_seed_studies(seed_articles):
    cll, lupus = seed_articles
    assert cll.findings[0].disease == "chronic lymphocytic leukemia"
    assert (cll.findings[0].patients, cll.findings[0].follow_up.value, cll.findings[0].follow_up.unit) == (2, 10, "year")
    assert lupus.findings[0].patients == 5
    assert (lupus.findings[0].follow_up.value, lupus.findings[0].follow_up.unit) == (17, "month")
