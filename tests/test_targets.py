"""Molecular targets named as proteins, receptors, enzymes and complexes rather than gene
symbols, and the TARGETS relations that read them: the knowledge base's protein names, the
shapes of target names and of what is said of them, the symbols that name something else,
and the products a class of drugs is put beside."""
from __future__ import annotations

import importlib.util

import pytest
from conftest import SHARED

from pipeline.knowledge.kb import load_kb
from pipeline.schema import CleanDocument, Source
from pipeline.stages.ner import ner
from pipeline.stages.normalize import normalize
from pipeline.stages.relations import relations

DATA = SHARED / "data"


def antigens(text: str) -> set[str]:
    doc = CleanDocument(doc_id="d", source=Source(path="p", id="p"), text=text)
    [record] = list(ner([doc]))
    return {e.text for e in record.entities if e.label == "ANTIGEN"}


def targets(text: str) -> set[tuple[str, str]]:
    doc = CleanDocument(doc_id="d", source=Source(path="p", id="p"), text=text)
    record = next(iter(normalize(relations(ner([doc])))))
    by_id = {e.id: e for e in record.entities}
    return {(by_id[r.head].text.lower(), by_id[r.tail].text) for r in record.relations if r.type == "TARGETS"}


# --- the knowledge base ------------------------------------------------------------------

@pytest.mark.parametrize("words", [["plasma", "kallikrein"], ["bradykinin", "B2", "receptor"], ["tau", "protein"],
                                   ["estrogen", "receptor"], ["otoferlin"], ["Nectin-4"], ["amyloid", "-", "β"],
                                   ["amyloid", "beta"]])
def test_proteins_receptors_and_enzymes_are_targets(words):
    kb = load_kb()
    index = kb.lookup(words)
    assert index is not None and kb.concepts[index].label == "ANTIGEN", words


def test_greek_letters_and_their_names_are_one_key():
    kb = load_kb()
    assert kb.lookup(["amyloid", "-", "β"]) == kb.lookup(["amyloid", "beta"])


@pytest.mark.parametrize("words", [["antigen", "receptor"], ["mutant", "protein"], ["cerebrospinal", "fluid"],
                                   ["pancreatic"], ["amyloid"], ["insulin"], ["glucagon"],
                                   ["alanine", "aminotransferase"], ["glycated", "hemoglobin"]])
def test_kinds_groupings_hormones_and_laboratory_values_are_no_targets(words):
    kb = load_kb()
    index = kb.lookup(words)
    assert index is None or kb.concepts[index].label != "ANTIGEN", (words, kb.concepts[index])


def _mesh_extract(folder, ctcae):
    """A MeSH extract of one family of five receptors, a kinase class with eleven enzymes, a
    hormone, a laboratory enzyme and a grouping, and a CTCAE table with one investigation."""
    folder.mkdir()
    ctcae.mkdir()
    trees = [("D1", "Receptors, Widget", "D12.776.543.750.900"), ("D9", "Kinases, Widget", "D08.811.913.500"),
             ("D7", "Hormone X", "D06.472.900"), ("D7", "Hormone X", "D12.644.900"),
             ("D8", "Widget Transaminase", "D08.811.913.477.900"), ("D6", "Mutant Proteins", "D12.776.602")]
    trees += [(f"D1{n}", f"Widget Receptor {n}", f"D12.776.543.750.900.{n}") for n in range(5)]
    trees += [(f"D9{n:02d}", f"Widget Kinase {n}", f"D08.811.913.500.{n:02d}") for n in range(11)]
    rows = ["DescriptorUI\tDescriptorName\ttree_location"] + ["\t".join(row) for row in trees]
    (folder / "mesh2024_trees.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    terms = [("D1", "Receptors, Widget", "Receptors, Widget", "N"), ("D1", "Receptors, Widget", "Widget Receptor", "N"),
             ("D1", "Receptors, Widget", "Receptor, Widget", "Y"), ("D10", "Widget Receptor 0", "Widget Receptor 0", "N"),
             ("D10", "Widget Receptor 0", "WR0 Protein", "N"), ("D10", "Widget Receptor 0", "Orphan Protein", "N"),
             ("D9", "Kinases, Widget", "Widget Kinase", "N"), ("D900", "Widget Kinase 0", "Widget Kinase 0", "N"),
             ("D7", "Hormone X", "Hormone X", "N"),
             ("D8", "Widget Transaminase", "Widget Transaminase", "N"), ("D6", "Mutant Proteins", "Mutant Proteins", "N")]
    header = "DescriptorUI\tDescriptorName\tTermName\tIsPermutedTermYN"
    (folder / "mesh2024_descriptor_terms.tsv").write_text(
        "\n".join([header] + ["\t".join(row) for row in terms]) + "\n", encoding="utf-8")
    (ctcae / "CTCAE_v5.0_clean_copy.tsv").write_text(
        "MedDRA Code\tMedDRA SOC\tCTCAE Term\n1\tInvestigations\tWidget transaminase increased\n", encoding="utf-8")


def test_mesh_proteins_keep_molecules_in_natural_order_and_leave_out_classes(tmp_path):
    from pipeline.knowledge.sources import mesh_proteins
    _mesh_extract(tmp_path / "mesh", tmp_path / "ctcae")
    found = {c.id: c for c in mesh_proteins(tmp_path / "mesh", tmp_path / "ctcae")}
    # a family of five is a molecule's name; its inverted term is read in natural order only
    assert found["MESH:D1"].name == "Widget Receptors"
    assert "Widget Receptor" in found["MESH:D1"].aliases and "Receptor, Widget" not in found["MESH:D1"].aliases
    # a generic head goes when a symbol stays ("WR0"), not when an adjective would ("Orphan")
    assert {"WR0 Protein", "WR0"} <= set(found["MESH:D10"].aliases) and "Orphan" not in found["MESH:D10"].aliases
    # eleven kinases make a class; a hormone, a laboratory value and a first grouping are no targets
    assert not {"MESH:D9", "MESH:D7", "MESH:D8", "MESH:D6"} & set(found)
    assert "MESH:D900" in found


@pytest.mark.skipif(not DATA.is_dir(), reason="needs ../shared/data")
def test_hgnc_gives_one_word_protein_names_and_word_number_symbols_but_not_hormones():
    from pipeline.knowledge.sources import hgnc
    genes = {c.name: c for c in hgnc(DATA / "hgnc", frozenset({"insulin"}))}
    assert "otoferlin" in genes["OTOF"].aliases
    assert {"nectin-4", "nectin 4"} <= set(genes["NECTIN4"].aliases)
    assert "insulin" not in genes["INS"].aliases


@pytest.mark.skipif(not (DATA / "mesh-2024").is_dir() or not importlib.util.find_spec("wordfreq"),
                    reason="needs ../shared/data/mesh-2024")
def test_mesh_proteins_read_the_real_extract():
    from pipeline.knowledge.sources import mesh_proteins
    found = {c.name: c for c in mesh_proteins(DATA / "mesh-2024", DATA / "ctcae-v5")}
    assert "Plasma Kallikrein" in found and "Cytokines" not in found and "Alanine Transaminase" not in found
    assert "Amyloid beta" in found["Amyloid beta-Peptides"].aliases and "tau" in found["tau Proteins"].aliases


# --- shapes of target names and of what is said of them ----------------------------------

@pytest.mark.parametrize("text, target", [
    ("Nipocalimab blocks the neonatal Fc receptor and lowers IgG", "neonatal Fc receptor"),
    ("Aficamten is a selective inhibitor of the cardiac myosin ATPase", "cardiac myosin ATPase"),
    ("The antibody binds the activated factor IX and leaves bleeding unchanged", "activated factor IX"),
    ("The compound stimulates the soluble guanylate cyclase in smooth muscle", "soluble guanylate cyclase"),
    ("Tirzepatide is a glucose-dependent insulinotropic polypeptide (GIP) receptor agonist",
     "glucose-dependent insulinotropic polypeptide (GIP) receptor"),
    ("Lebrikizumab does not bind the IL-13 receptor alpha 1 subunit", "IL-13 receptor alpha 1"),
    ("The nonavalent vaccine carries the HPV L1 protein of nine types", "HPV L1 protein"),
    ("T cells against the CMV antigens were expanded", "CMV antigens"),
    ("The oncolytic virus lowers the MHC class II expression", "MHC class II"),
    ("Remternetug clears the N-terminal truncated amyloid-β in the plaques", "N-terminal truncated amyloid-β"),
    ("The new antibody targets Siglec-8 on mast cells", "Siglec-8"),
    ("The anti-TSLP antibody was given monthly", "TSLP"),
])
def test_a_target_is_found_by_its_shape(text, target):
    assert target in antigens(text)


def test_an_allele_is_a_genotype_not_the_protein():
    found = antigens("Homozygous APOE ε4 carriers had more ARIA; HLA-B*57:01 was tested before abacavir")
    assert {"APOE ε4", "HLA-B*57:01"} <= found and "APOE" not in found


@pytest.mark.parametrize("text", [
    "The drug inhibits the new blood vessels of the tumour and blocks the first step of the cascade",
    "It binds the receptor tightly and targets the underlying mechanism",
    "Grade 3 increased alanine aminotransferase occurred in 4% of patients",
    "All had received two proteasome inhibitors before",
])
def test_words_that_only_look_like_targets_are_none(text):
    assert not antigens(text)


@pytest.mark.parametrize("text, symbol", [
    ("The CDR-SB improved by 0.4 points at week 76", "CDR"),
    ("Results were shown at the ATS conference in May", "ATS"),
    ("Sotorasib (AMG 510) was given daily", "AMG"),
])
def test_a_genes_other_symbol_used_for_something_else_is_no_gene(text, symbol):
    assert symbol not in antigens(text)


def test_a_fusion_of_two_genes_keeps_both():
    assert {"BCR", "ABL"} <= antigens("The BCR-ABL fusion was found in all patients with chronic myeloid leukemia")


def test_a_receptor_leaves_its_ligand_a_mention():
    doc = CleanDocument(doc_id="d", source=Source(path="p", id="p"),
                        text="Memantine is an NMDA receptor antagonist used in dementia")
    [record] = list(ner([doc]))
    found = {(e.label, e.text) for e in record.entities}
    assert ("ANTIGEN", "NMDA receptor") in found and ("THERAPY", "memantine".capitalize()) in found


# --- TARGETS --------------------------------------------------------------------------------

def test_a_product_named_with_its_code_and_brand_takes_the_target_it_binds():
    text = ("Efgartigimod in generalized myasthenia gravis\n"
            "Efgartigimod (ARGX-113, Vyvgart) is an antibody fragment that binds the neonatal Fc receptor "
            "and lowers the pathogenic IgG\n"
            "The response rate was 68%")
    assert ("efgartigimod", "neonatal Fc receptor") in targets(text)


def test_every_product_a_class_is_put_beside_takes_its_target():
    text = ("Isatuximab and daratumumab in myeloma\n"
            "The anti-CD38 antibodies daratumumab and isatuximab deplete the plasma cells\n"
            "The overall response rate was 60%")
    found = targets(text)
    assert {("daratumumab", "CD38"), ("isatuximab", "CD38")} <= found


def test_the_examples_a_cue_gives_take_its_object():
    text = ("Inclisiran lowers LDL cholesterol for six months\n"
            "The antibodies that inhibit PCSK9 such as evolocumab and alirocumab are injected every two weeks\n"
            "Inclisiran silences the PCSK9 gene in the liver")
    found = targets(text)
    assert {("evolocumab", "PCSK9"), ("alirocumab", "PCSK9")} <= found


def test_a_class_in_a_title_is_not_the_other_arms_target():
    text = ("Tebotelimab beats nivolumab head-to-head: PD-1/LAG-3 bispecific antibody extends survival\n"
            "Tebotelimab is a bispecific antibody that blocks PD-1 and LAG-3 at the same time\n"
            "The median overall survival was 14 months")
    found = targets(text)
    assert ("tebotelimab", "LAG-3") in found and ("nivolumab", "LAG-3") not in found


def test_a_class_said_of_the_subject_gives_it_the_target():
    text = ("Pirtobrutinib in mantle cell lymphoma\n"
            "Pirtobrutinib (LOXO-305) developed by Loxo is a non-covalent BTK inhibitor taken once a day\n"
            "The overall response rate was 57%")
    assert ("pirtobrutinib", "BTK") in targets(text)
