"""The knowledge base: compiled deterministically from its sources, in sync with the
committed artifact, and free of the collisions that sink a naive dictionary tagger."""
from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import ROOT, SHARED

from pipeline.knowledge.build import build
from pipeline.knowledge.kb import load_kb

DATA = SHARED / "data"


def test_common_words_and_domain_acronyms_are_not_names():
    kb = load_kb()
    for words in (["was"], ["be"], ["as"], ["can"], ["has"], ["all"], ["cell"], ["common"], ["complete"],
                  ["CAR"], ["FDA"], ["ICU"], ["14.1"], ["Gen"]):
        assert kb.lookup(words) is None, words
    # acronyms of the domain mean what the curated vocabulary says, not a gene or a rare disease
    assert kb.concepts[kb.lookup(["ORR"])].name == "overall response rate"
    crs = kb.concepts[kb.lookup(["CRS"])]
    assert (crs.label, crs.name) == ("ADVERSE_EVENT", "cytokine release syndrome")
    assert kb.concepts[kb.lookup(["temozolomide"])].name == "temozolomide"


def test_sources_give_ids_of_their_kind():
    kb = load_kb()
    expected = {("systemic", "lupus", "erythematosus"): "MESH:", ("keratinocytes",): "CL:", ("NPM1",): "HGNC:",
                ("dinutuximab",): "DRUGBANK:", ("Lynch", "syndrome"): "MESH:"}
    for words, prefix in expected.items():
        concept = kb.concepts[kb.lookup(list(words))]
        assert concept.id and concept.id.startswith(prefix), (words, concept)


@pytest.mark.skipif(not (DATA.is_dir() and importlib.util.find_spec("wordfreq")
                         and importlib.util.find_spec("drug_named_entity_recognition")),
                    reason="needs ../shared/data and the [kb] extra")
def test_build_is_deterministic_and_matches_the_committed_artifact(tmp_path):
    first = build(DATA, tmp_path / "a" / "kb.msgpack.gz")
    second = build(DATA, tmp_path / "b" / "kb.msgpack.gz")
    assert first["sha256"] == second["sha256"]
    committed = json.loads((ROOT / "models" / "kb" / "kb.summary.json").read_text(encoding="utf-8"))
    assert first["sha256"] == committed["sha256"], "run `python -m pipeline kb build` and commit models/kb"
