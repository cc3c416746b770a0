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


def test_annotated_mentions_give_forms_their_annotations_agree_on(tmp_path):
    from pipeline.knowledge.sources import annotated_diseases
    folder = tmp_path / "bc5cdr" / "pubtator"
    folder.mkdir(parents=True)
    rows = [("Acne", "D000152"), ("acne", "D000152"), ("acne", "D000152"), ("acne", "D012871"),
            ("spasm", "D013035"), ("spasm", "D009120"), ("seizures", "-1"),
            ("nausea and vomiting", "D009325|D014839"), ("Gout", "D006073")]
    lines = ["1|t|A title", "1|a|An abstract"] + [f"1\t0\t4\t{text}\tDisease\t{mesh}" for text, mesh in rows]
    lines.append("1\t0\t4\tcisplatin\tChemical\tD002945")
    (folder / "CDR_TrainingSet.PubTator.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "CDR_TestSet.PubTator.txt").write_text("2\t0\t4\tchorea\tDisease\tD002819\n", encoding="utf-8")
    found = dict(annotated_diseases(tmp_path))
    # 3 of 4 agree on acne; spasm is split; -1, composite ids and the test set give nothing
    assert found == {"acne": "MESH:D000152", "gout": "MESH:D006073"}


@pytest.mark.parametrize("form, kept", [
    ("acne", True), ("insomnia", True), ("blurred vision", True), ("acute liver injury", True),
    ("pain", False), ("toxicity", False), ("tumours", False), ("hypertensive", False), ("PD", False),
    ("platelet aggregation", False), ("nausea, vomiting", False), ("breast and ovarian cancer", False)])
def test_annotated_mentions_that_are_generic_adjectives_or_acronyms_are_left_out(form, kept):
    from pipeline.knowledge.build import _zipf, keep_mention
    pytest.importorskip("wordfreq")
    assert keep_mention(form, _zipf()) is kept


def test_annotated_mentions_name_their_mesh_concepts():
    kb = load_kb()
    for words, mesh in ((["acne"], "MESH:D000152"), (["Insomnia"], "MESH:D007319"),
                        (["blurred", "vision"], "MESH:D014786"), (["cerebral", "edema"], "MESH:D001929")):
        index = kb.lookup(words, "DISEASE")
        assert index is not None and kb.concepts[index].id == mesh, words
    for words in (["hypertensive"], ["platelet", "aggregation"], ["metastases"]):
        assert kb.lookup(words, "DISEASE") is None, words


@pytest.mark.parametrize("british, american_form", [
    ("haematuria", "hematuria"), ("hypophosphataemia", "hypophosphatemia"), ("oedema", "edema"),
    ("leukaemia", "leukemia"), ("tumour", "tumor"), ("oesophageal", "esophageal"), ("paediatric", "pediatric"),
    ("diarrhoea", "diarrhea"), ("foetal", "fetal"), ("dyspnoea", "dyspnea"), ("hospitalisation", "hospitalization"),
    ("four", "four"), ("hour", "hour"), ("aerosol", "aerosol"), ("poetry", "poetry"), ("does", "does")])
def test_british_spellings_fold_to_american_and_nothing_else_does(british, american_form):
    from pipeline.knowledge.spelling import american
    assert american(british) == american_form


def test_british_spellings_find_the_american_keys():
    kb = load_kb()
    for british, american_form in ((["haematuria"], ["hematuria"]),
                                   (["Oesophageal", "cancer"], ["esophageal", "cancer"]),
                                   (["acute", "myeloid", "leukaemia"], ["acute", "myeloid", "leukemia"]),
                                   (["hypophosphataemia"], ["hypophosphatemia"])):
        index = kb.lookup(british)
        assert index is not None and index == kb.lookup(american_form), british


@pytest.mark.parametrize("alias, expected, absent", [
    ("Castration-Resistant Prostatic Neoplasms", {"castration-resistant prostate cancer",
                                                  "castration-resistant prostate tumor",
                                                  "castration-resistant prostatic carcinoma"}, set()),
    ("Hepatic Neoplasms", {"liver cancer", "liver tumor", "hepatic tumor"}, set()),
    ("Castration-Resistant Prostatic Cancer", {"castration-resistant prostate cancer"},
     {"castration-resistant prostate tumor"}),                       # a cancer is not renamed a tumour
    ("Benign Brain Neoplasm", {"benign brain tumor"}, {"benign brain cancer", "benign brain carcinoma"}),
    ("hereditary breast cancers", set(), {"hereditary breast cancer"}),  # only its number changes
    ("Neoplasms", set(), set()), ("Cancer of the Prostate", set(), set()), ("Prostate (Neoplasms)", set(), set())])
def test_organ_neoplasm_names_give_the_variants_writers_use(alias, expected, absent):
    from pipeline.knowledge.variants import neoplasm_variants
    found = neoplasm_variants(alias)
    assert expected <= found and not (absent & found), found
    assert alias.lower() not in found


def test_a_variant_that_is_another_descriptors_term_is_left_out():
    from pipeline.knowledge.build import Entry, add_variants
    from pipeline.schema import Concept
    entry = Entry(Concept(label="DISEASE", name="prostate cancer", id="MESH:D011471"), "mesh",
                  {"Prostatic Neoplasms"})
    terms = {"prostate cancer": {"MESH:D011471"}, "prostate tumor": {"MESH:D999999"}}
    add_variants([entry], terms)
    assert "prostate cancer" in entry.variants and "prostate tumor" not in entry.variants


def test_neoplasm_variants_match_their_mesh_concepts_and_take_no_alias():
    kb = load_kb()
    for words, mesh in ((["castration", "-", "resistant", "prostate", "cancer"], "MESH:D064129"),
                        (["prostate", "tumours"], "MESH:D011471"), (["liver", "tumors"], "MESH:D008113"),
                        (["kidney", "tumor"], "MESH:D007680"), (["gastric", "tumour"], "MESH:D013274")):
        index = kb.lookup(words, "DISEASE")
        assert index is not None and kb.concepts[index].id == mesh, words
    # an alias keeps its concept: "renal cell carcinoma" is no "kidney neoplasm"
    assert kb.concepts[kb.lookup(["renal", "cell", "carcinoma"])].id == "MESH:D002292"


@pytest.mark.parametrize("noun, adjective", [
    ("hypertension", "hypertensive"), ("epilepsy", "epileptic"), ("parkinsonism", "parkinsonian"),
    ("diabetes", "diabetic"), ("nephrotoxicity", "nephrotoxic"), ("psychosis", "psychotic"),
    ("schizophrenia", "schizophrenic"), ("dyskinesia", "dyskinetic"), ("obesity", "obese")])
def test_suffix_rules_derive_the_adjective_of_a_disease_name(noun, adjective):
    from pipeline.knowledge.adjectives import derive
    assert adjective in derive(noun)


def test_derived_adjectives_are_attested_and_have_no_sense_of_their_own():
    from pipeline.knowledge.adjectives import disease_adjectives
    zipf = {"epileptic": 2.9, "epilepsy": 3.3, "gigantic": 3.6, "gigantism": 1.9, "aggressive": 4.3,
            "aggression": 3.9, "psychotic": 2.8, "psychosis": 3.0}.get
    names = [(1, "epilepsy"), (2, "gigantism"), (3, "aggression"), (4, "psychosis"), (5, "psychosis")]
    found = disease_adjectives(names, lambda word: zipf(word, 0.0), taken=set())
    # "epileptian" is no word; "gigantic" far outnumbers "gigantism"; "aggressive" is common
    # English; two concepts derive "psychotic"
    assert found == {"epileptic": 1}


def test_the_knowledge_base_derives_adjectives_of_its_diseases():
    kb = load_kb()
    for adjective, mesh in (("hypertensive", "MESH:D006973"), ("epileptic", "MESH:D004827"),
                            ("diabetic", "MESH:D003920"), ("nephrotoxic", "MESH:D007674")):
        assert kb.concepts[kb.adjectives[adjective]].id == mesh, adjective
    assert not {"gigantic", "mongolian", "aggressive", "narcotic", "prostatic", "epileptian"} & set(kb.adjectives)


def test_a_drug_takes_its_mesh_entry_terms_as_names_of_last_resort():
    from pipeline.knowledge.build import Entry, add_drug_synonyms
    from pipeline.schema import Concept
    drug = Entry(Concept(label="THERAPY", name="nitroglycerin", id="DRUGBANK:DB00727", xrefs=["MESH:D005996"]),
                 "drugs", {"nitroglycerin"})
    annotated = Entry(Concept(label="THERAPY", name="hepatitis b e antigen", id="MESH:D006513"), "annotated")
    synonyms = {"MESH:D005996": {"Glyceryl Trinitrate", "GTN", "NTG-2020", "Nitrostat", "Trinitrin"},
                "MESH:D006513": {"HBeAg", "e Antigen"}}
    terms = {"trinitrin": {"MESH:D005996", "MESH:D999999"}}
    add_drug_synonyms([drug, annotated], synonyms, terms, lambda word: 2.0)
    # letters alone are no drug code; a term MeSH gives two descriptors names neither;
    # only the drug list's drugs take synonyms
    assert drug.variants == {"Glyceryl Trinitrate", "NTG-2020", "Nitrostat"}
    assert not annotated.variants


def test_mesh_drug_synonyms_match_their_drug_and_never_an_alias_of_another_concept():
    kb = load_kb()
    assert kb.concepts[kb.lookup(["VM-26"])].name == "teniposide"
    assert kb.lookup(["ATP"]) is None and kb.lookup(["LSD"]) is None
    assert kb.concepts[kb.lookup(["Gleevec"])].name == "imatinib"
