"""What the compiled vocabulary covers beyond one source's preferred names: gene symbols
that carry a number, numbered alias symbols of one gene, MeSH entry terms, and the same
concept's ids in other vocabularies (cross-references) carried to the records."""
from __future__ import annotations

import pytest

from pipeline.knowledge.build import _spells_stopped_acronym
from pipeline.knowledge.kb import load_kb


@pytest.mark.parametrize("symbol, stopped", [
    ("IL2", False), ("IL-8", False), ("ESR1", False), ("CR1", False),   # a number makes a gene symbol
    ("C.A.R.", True), ("I-L", True), ("IL", True)])                      # punctuation only: the acronym
def test_a_symbol_is_stopped_by_its_letters_only_when_it_carries_no_number(symbol, stopped):
    letters = "".join(c for c in symbol if c.isalpha())
    assert _spells_stopped_acronym(symbol, letters) is stopped


@pytest.mark.parametrize("text, symbol", [
    ("IL2", "IL2"), ("IL-2", "IL2"), ("IL-10", "IL10"), ("ESR1", "ESR1"), ("IL-8", "CXCL8"), ("p53", "TP53")])
def test_gene_symbols_with_numbers_and_numbered_aliases_are_found(text, symbol):
    from pipeline.nlp import build_nlp
    kb = load_kb()
    words = [token.text for token in build_nlp().tokenizer(text)]
    index = kb.lookup(words, "ANTIGEN")
    assert index is not None and kb.concepts[index].name == symbol, words


def test_an_alias_symbol_two_genes_share_names_neither():
    kb = load_kb()
    assert kb.lookup(["COX2"], "ANTIGEN") is None  # PTGS2 and MT-CO2 are both "COX2"


def test_ordinal_remissions_are_not_complement_receptors():
    kb = load_kb()
    assert kb.lookup(["CR1"]) is None and kb.lookup(["CR2"]) is None


@pytest.mark.parametrize("words, mesh", [
    (["Libman", "-", "Sacks", "Disease"], "MESH:D008180"),   # an entry term of systemic lupus erythematosus
    (["Lupus", "Erythematosus", "Disseminatus"], "MESH:D008180"),
    (["B", "-", "Cell", "Chronic", "Lymphocytic", "Leukemia"], "MESH:D015451"),
])
def test_mesh_entry_terms_name_their_descriptor(words, mesh):
    kb = load_kb()
    index = kb.lookup(words, "DISEASE")
    assert index is not None and kb.concepts[index].id == mesh, words


def test_generic_heads_and_response_measures_are_no_disease():
    kb = load_kb()
    for words in (["tumor"], ["tumors"], ["malignancy"], ["neoplasm"], ["residual", "disease"]):
        assert kb.lookup(words, "DISEASE") is None, words


def test_drugs_carry_their_mesh_id_beside_their_drugbank_id():
    kb = load_kb()
    rituximab = kb.concepts[kb.lookup(["rituximab"], "THERAPY")]
    ids = {rituximab.id, *rituximab.xrefs}
    assert "DRUGBANK:DB00073" in ids and "MESH:D000069283" in ids
    lupus = kb.concepts[kb.lookup(["systemic", "lupus", "erythematosus"], "DISEASE")]
    assert lupus.id == "MESH:D008180" and any(x.startswith("DOID:") for x in lupus.xrefs)


def test_records_carry_cross_references():
    from pipeline.schema import CleanDocument, Source
    from pipeline.stages.ner import ner

    text = "Rituximab was given to patients with systemic lupus erythematosus."
    document = CleanDocument(doc_id="doc_x", source=Source(path="x.txt", id="x"), title=None, text=text)
    [record] = list(ner([document]))
    by_text = {e.text: e.normalized for e in record.entities}
    assert "MESH:D000069283" in {by_text["Rituximab"].id, *(by_text["Rituximab"].xrefs or [])}
    assert by_text["systemic lupus erythematosus"].xrefs
