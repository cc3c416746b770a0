"""NER on sentences of the kind the pages hold: dictionary matches, each pattern family,
abbreviations, adverse-event context, negation and linking."""
from __future__ import annotations

import pytest

from pipeline.nlp import build_nlp
from pipeline.normalization.linker import default_linker
from pipeline.schema import CleanDocument, Source
from pipeline.stages.ner import ner


def mentions(text: str) -> list[tuple[str, str, bool, str | None]]:
    doc = CleanDocument(doc_id="d", source=Source(path="p", id="p"), text=text)
    [record] = list(ner([doc]))
    return [(e.label, e.text, e.negated, e.normalized.name if e.normalized else None) for e in record.entities]


def labelled(text: str) -> set[tuple[str, str]]:
    return {(label, mention) for label, mention, _, _ in mentions(text)}


def test_dictionary_matches_with_ids_and_case_rules():
    found = mentions("Patients with chronic lymphocytic leukemia (CLL) received CAR T-cell therapy, and all of them "
                     "were followed; ALL was not studied")
    assert ("DISEASE", "chronic lymphocytic leukemia", False, "chronic lymphocytic leukemia") in found
    assert ("DISEASE", "CLL", False, "chronic lymphocytic leukemia") in found
    assert ("THERAPY", "CAR T-cell therapy", False, "chimeric antigen receptor T-cell therapy") in found
    texts = [m[1] for m in found]
    assert "all" not in texts and "were" not in texts  # English words are not acronyms
    assert "ALL" in texts


def test_hyphen_and_plural_variants_match_one_concept():
    found = labelled("CAR-T cells and CAR T-cells expanded; infections and T cells were counted")
    assert ("CELL_TYPE", "CAR-T cells") in found and ("CELL_TYPE", "CAR T-cells") in found
    assert ("CELL_TYPE", "T cells") in found


@pytest.mark.parametrize("text, label, mention", [
    ("She received anti-CD19 CAR-T cell therapy last year", "THERAPY", "anti-CD19 CAR-T cell therapy"),
    ("Anti-CD19 CAR-T therapy brings remission in myositis", "THERAPY", "Anti-CD19 CAR-T therapy"),
    ("They received nivolumab plus low-dose ipilimumab", "THERAPY", "nivolumab plus low-dose ipilimumab"),
    ("Relatlimab-nivolumab doubled progression-free survival", "THERAPY", "Relatlimab-nivolumab"),
    ("Patients received gemcitabine/cisplatin", "THERAPY", "gemcitabine/cisplatin"),
    ("GD2-CAR T cells were infused into the children", "THERAPY", "GD2-CAR T cells"),
    ("A BCMA/CD19 dual-target CAR-T was given to patients", "THERAPY", "BCMA/CD19 dual-target CAR-T"),
    ("The patients were treated with zorvatinib for a year", "THERAPY", "zorvatinib"),
    ("Patients switched to cilta-cel after failure", "THERAPY", "cilta-cel"),
    ("The vaccine VGX-3100 was given by electroporation", "THERAPY", "VGX-3100"),
    ("The mRNA CAR-T Descartes-08 was infused weekly", "THERAPY", "Descartes-08"),
    ("Most had received a BRAF inhibitor before", "THERAPY", "BRAF inhibitor"),
    ("An anti-CD38 monoclonal antibody was part of every regimen", "THERAPY", "anti-CD38 monoclonal antibody"),
    ("All patients received intensive chemotherapy first", "THERAPY", "intensive chemotherapy"),
    ("Seven patients underwent radical cystectomy", "THERAPY", "radical cystectomy"),
    ("Persistent CD4+ CAR T cells were detected", "CELL_TYPE", "CD4+ CAR T cells"),
    ("Depletion of CD19-positive B cells was complete", "CELL_TYPE", "CD19-positive B cells"),
    ("Leukemic blasts disappeared from the marrow", "CELL_TYPE", "Leukemic blasts"),
    ("The hematologic complete response rate was 53%", "OUTCOME", "hematologic complete response rate"),
    ("Distant metastasis-free survival improved", "OUTCOME", "Distant metastasis-free survival"),
    ("The disease control rate reached 80%", "OUTCOME", "disease control rate"),
    ("Factor IX activity rose and the annualized bleeding rate fell", "OUTCOME", "annualized bleeding rate"),
    ("Mean factor VIII activity was 42 IU/dL", "OUTCOME", "factor VIII activity"),
    ("Fetal hemoglobin rose above 30%", "OUTCOME", "Fetal hemoglobin"),
    ("Ten of twelve reached insulin independence", "OUTCOME", "insulin independence"),
    ("Adverse events included decreased neutrophil count in 30%", "ADVERSE_EVENT", "decreased neutrophil count"),
    ("Injection-site pain was the most common adverse event", "ADVERSE_EVENT", "Injection-site pain"),
    ("Cytokine-mediated events were mostly grade 1", "ADVERSE_EVENT", "Cytokine-mediated events"),
    ("Others included the increase of aspartate aminotransferase", "ADVERSE_EVENT", "increase of aspartate aminotransferase"),
    ("No dose-limiting toxicities occurred", "ADVERSE_EVENT", "dose-limiting toxicities"),
    ("Patients with the EGFR T790M mutation were enrolled", "ANTIGEN", "T790M"),
    ("All patients had heart valve fibrosis at baseline", "DISEASE", "heart valve fibrosis"),
])
def test_pattern_families(text, label, mention):
    assert (label, mention) in labelled(text)


def test_regimens_are_kept_beside_their_parts():
    found = labelled("Patients received nivolumab plus ipilimumab every three weeks")
    assert {("THERAPY", "nivolumab plus ipilimumab"), ("THERAPY", "nivolumab"), ("THERAPY", "ipilimumab")} <= found


def test_abbreviation_defined_in_the_article_rules_its_short_form():
    found = mentions("Patients with systemic sclerosis (SSc) were treated.\nAll SSc patients improved.\n"
                     "Cytokine release syndrome (CRS) was mild.\nCRS resolved within days.")
    ssc = [m for m in found if m[1] == "SSc"]
    assert len(ssc) == 2 and all(m[0] == "DISEASE" and m[3] == "systemic sclerosis" for m in ssc)
    assert [m[3] for m in found if m[1] == "CRS"] == ["cytokine release syndrome"] * 2


def test_a_short_form_defined_as_something_else_is_no_entity():
    found = labelled("Responses were graded by the American College of Rheumatology (ACR) criteria.\n"
                     "The team at the University of Erlangen-Nuremberg (FAU) reported it")
    assert not any(text in ("ACR", "FAU") for _, text in found)


def test_symptoms_are_adverse_events_where_toxicity_is_reported():
    found = labelled("Lupus nephritis: a CAR-T study\nFatigue and arthritis improved in all patients\n"
                     "Grade 1 fever occurred in 3 patients")
    assert ("DISEASE", "Fatigue") in found and ("DISEASE", "arthritis") in found
    assert ("ADVERSE_EVENT", "fever") in found


def test_words_writers_use_for_diseases_match_their_mesh_concepts():
    found = mentions("Gene therapy for hemophilia B\nThe most common adverse events were acne, insomnia and "
                     "blurred vision, all of grade 1 or 2. One patient had cerebral edema.")
    assert ("ADVERSE_EVENT", "acne", False, "acne") in found
    assert ("ADVERSE_EVENT", "insomnia", False, "sleep initiation and maintenance disorders") in found
    assert ("ADVERSE_EVENT", "blurred vision", False, "vision disorders") in found
    assert ("DISEASE", "cerebral edema", False, "brain edema") in found
    # a bodily process that annotated corpora tag as a disease is no name here, nor is an
    # adjective of a disease unless it says who has the disease
    found = mentions("Hypertensive patients were excluded; platelet aggregation was measured after a hypertensive "
                     "response")
    assert ("DISEASE", "Hypertensive", False, "hypertension") in found
    assert not {m[1] for m in found} & {"hypertensive", "platelet aggregation"}


@pytest.mark.parametrize("text, adjective, disease", [
    ("Epileptic children were enrolled", "Epileptic", "epilepsy"),
    ("Spontaneously hypertensive and normotensive rats were compared", "hypertensive", "hypertension"),
    ("in diabetic female rats", "diabetic", "diabetes mellitus"),
    ("Parkinsonian patients on levodopa", "Parkinsonian", "Parkinsonism"),
    ("Schizophrenic patients were randomized", "Schizophrenic", "schizophrenia"),
    ("The dose was lowered in neutropenic patients", "neutropenic", "neutropenia"),
    ("an ischemic stroke unit", None, None),                         # the dictionary's longer name
    ("the diabetic\npatients", None, None),                          # a line is a sentence
    ("Mongolian patients and gigantic tumours", None, None)])       # words with a sense of their own
def test_an_adjective_of_a_disease_names_it_where_it_says_who_has_it(text, adjective, disease):
    found = [(m[1], m[3]) for m in mentions(text) if m[0] in ("DISEASE", "ADVERSE_EVENT")]
    adjectives = [(mention, name) for mention, name in found if " " not in mention]
    assert adjectives == ([(adjective, disease)] if adjective else []), found


def test_british_spellings_match_with_their_own_text_and_offsets():
    text = ("Paediatric leukaemia: a CAR-T study\nGrade 3 adverse events were haematuria, hypophosphataemia "
            "and oedema; one oesophageal tumour was found. Four patients were treated for an hour.")
    doc = CleanDocument(doc_id="d", source=Source(path="p", id="p"), text=text)
    [record] = list(ner([doc]))
    found = {e.text: e for e in record.entities}
    for mention, name in (("leukaemia", "leukemia"), ("haematuria", "hematuria"),
                          ("hypophosphataemia", "hypophosphatemia"), ("oedema", "edema")):
        entity = found[mention]
        assert text[entity.start:entity.end] == mention
        assert entity.normalized is not None and entity.normalized.name == name, entity
    assert found["haematuria"].label == "ADVERSE_EVENT"
    assert not {"Four", "hour"} & set(found)


@pytest.mark.parametrize("text, mention, negated", [
    ("No recurrence was observed in patients up to 17 months", "recurrence", True),
    ("with no apparent adverse effects", "adverse effects", True),
    ("None of the patients experienced cytokine release syndrome", "cytokine release syndrome", True),
    ("Cytokine release syndrome was not observed in any patient", "Cytokine release syndrome", True),
    ("without grade 3 or higher neurotoxicity", "neurotoxicity", True),
    ("No patient died, but cytokine release syndrome occurred in two", "cytokine release syndrome", False),
    ("Complete remission was achieved in 8 patients", "Complete remission", False),
])
def test_negation(text, mention, negated):
    found = {m[1]: m[2] for m in mentions(text)}
    assert found[mention] is negated


def test_linking_by_head_and_by_similarity():
    linker = default_linker()
    head = linker.by_head("DISEASE", "relapsed or refractory neuroblastoma")
    assert head is not None and head.id == "MESH:D009447" and head.name == "neuroblastoma"
    assert linker.by_head("THERAPY", "anti-CD19 CAR-T cell therapy") is None  # narrower: no broader id
    near = linker.approximate("DISEASE", "systemic lupus erythematous")  # a translation's misspelling
    assert near is not None and near.id == "MESH:D008180"
    assert linker.approximate("DISEASE", "quarterly revenue report") is None


def test_pipeline_components_in_order():
    assert build_nlp().pipe_names == ["line_sentencizer", "kb_matcher", "disease_adjectives", "biomedical_patterns",
                                      "model_ner", "model_merge", "linear_abbreviation_detector", "mention_resolver",
                                      "negation"]


def test_numbered_biology_is_no_product_code():
    found = labelled("Interleukin-13 and Phase-2 results were reported on Day-28")
    assert not any(label == "THERAPY" for label, _ in found)


def test_a_gene_symbol_defined_by_its_molecule_name_stays_an_antigen():
    found = labelled("Delta-like ligand 3 (DLL3) is a Notch ligand; tarlatamab binds DLL3 on tumour cells")
    assert ("ANTIGEN", "DLL3") in found
    found = labelled("Venetoclax inhibits B-cell lymphoma 2 (BCL-2), a protein that keeps cells alive")
    assert ("ANTIGEN", "BCL-2") in found and ("DISEASE", "BCL-2") not in found


def test_doc_ents_are_the_longest_non_overlapping_mentions_with_their_curies():
    from spacy import displacy
    doc = build_nlp()("Patients with chronic lymphocytic leukemia received anti-CD19 CAR-T cell therapy")
    mentions = {(s.label_, s.text) for s in doc.spans["mentions"]}
    assert ("ANTIGEN", "CD19") in mentions  # the antigen inside the therapy stays a mention
    ents = [(e.label_, e.text, e.kb_id_) for e in doc.ents]
    assert ("DISEASE", "chronic lymphocytic leukemia", "MESH:D015451") in ents
    assert any(label == "THERAPY" and "CD19" in text for label, text, _ in ents)
    assert not any(label == "ANTIGEN" for label, _, _ in ents)  # the overlap went to the longer mention
    assert all(a.end <= b.start for a, b in zip(doc.ents, doc.ents[1:]))
    html = displacy.render(doc, style="ent")
    assert "chronic lymphocytic leukemia" in html and "DISEASE" in html


def _document(doc_id: str, text: str) -> CleanDocument:
    return CleanDocument(doc_id=doc_id, source=Source(path=f"{doc_id}.txt", id=doc_id), text=text)


def test_text_over_the_page_limit_is_rejected_too_long_and_the_rest_tagged(monkeypatch):
    import pipeline.stages.ner as stage
    monkeypatch.setattr(stage, "MAX_TEXT_CHARS", 100)
    records = list(ner([_document("long", "CAR-T cells " * 20), _document("short", "Rituximab was given.")]))
    assert [(r.doc_id, getattr(r, "reason", None)) for r in records] == [("long", "too_long"), ("short", None)]


def test_a_page_that_raises_is_rejected_alone(monkeypatch):
    import pipeline.stages.ner as stage
    real = stage.entities_of

    def failing(doc, kb, text, *args, **kwargs):
        if "poison" in text:
            raise RuntimeError("boom")
        return real(doc, kb, text, *args, **kwargs)
    monkeypatch.setattr(stage, "entities_of", failing)
    records = list(ner([_document("a", "Rituximab was given."), _document("b", "poison"),
                        _document("c", "Blinatumomab was given.")]))
    assert [r.doc_id for r in records] == ["a", "b", "c"]
    assert records[1].reason == "processing_error" and "boom" in records[1].detail
    assert [e.text for e in records[2].entities] == ["Blinatumomab"]


def test_text_within_the_limit_is_tagged_though_spaced_lines_exceed_spacys_default():
    import pipeline.stages.ner as stage
    text = "Patients received rituximab." + "\n" * 500_000 + "Then blinatumomab was given."
    assert len(text) <= stage.MAX_TEXT_CHARS and len(stage.spaced_lines(text)) > 1_000_000  # spaCy's default limit
    [record] = list(ner([_document("big", text)]))
    assert {e.text for e in record.entities} >= {"rituximab", "blinatumomab"}


def test_a_drug_joined_to_a_state_is_no_therapy_given():
    nlp = build_nlp(models=())
    doc = nlp("Ruxolitinib was tested in steroid-refractory acute graft-versus-host disease; "
              "patients then received steroids")
    therapies = [(s.text, s.start_char) for s in doc.spans["mentions"] if s.label_ == "THERAPY"]
    assert ("steroid", doc.text.index("steroid-")) not in therapies
    assert ("steroids", doc.text.index("steroids")) in therapies and ("Ruxolitinib", 0) in therapies


def test_a_radioligand_is_named_with_its_isotope():
    found = labelled("177Lu-PSMA-617 plus standard care prolonged survival; [177Lu]Lu-DOTATATE and 131I-MIBG are "
                     "other radioligands, and 225Ac-J591 is in trials.")
    for name in ("177Lu-PSMA-617", "[177Lu]Lu-DOTATATE", "131I-MIBG", "225Ac-J591"):
        assert ("THERAPY", name) in found
    assert ("THERAPY", "PSMA-617") not in found


def test_a_word_of_inheritance_is_part_of_the_disease_mention_not_of_its_concept():
    found = mentions("Children with X-linked adrenoleukodystrophy and adults with familial hypercholesterolemia or "
                     "hereditary breast cancer were enrolled.")
    texts = {mention: name for label, mention, _, name in found if label == "DISEASE"}
    assert texts["hereditary breast cancer"] == "breast cancer"
    assert "X-linked adrenoleukodystrophy" in texts
    assert "familial hypercholesterolemia" in texts


def test_a_disease_named_by_its_missing_enzyme_or_factor():
    found = labelled("Complement C7 deficiency was found in two sisters; children with ADA deficiency received gene "
                     "therapy. Iron deficiency was corrected.")
    assert ("DISEASE", "Complement C7 deficiency") in found
    assert ("DISEASE", "ADA deficiency") in found
    assert not any(text == "Iron deficiency" for _, text in found)


def test_vector_constructs_and_code_names_with_a_greek_letter_are_therapies():
    found = labelled("The oncolytic herpes virus G47Δ was injected into the tumour; AAV1-hOTOF restored hearing and "
                     "AAV5-hFVIII-SQ raised factor VIII activity.")
    for name in ("G47Δ", "AAV1-hOTOF", "AAV5-hFVIII-SQ"):
        assert ("THERAPY", name) in found


def test_pharmacological_classes_are_therapies_with_their_route():
    found = labelled("Beta-blockers and anticoagulants were allowed; patients kept inhaled glucocorticoids and a "
                     "long-acting muscarinic antagonist, and oral candidiasis was treated with antifungal therapy.")
    for name in ("Beta-blockers", "anticoagulants", "inhaled glucocorticoids", "long-acting muscarinic antagonist",
                 "antifungal therapy"):
        assert ("THERAPY", name) in found


def test_names_glued_to_brackets_and_suspended_hyphens_are_found():
    found = labelled("Nimodipine at the onset of nitroglycerin (NTG)-induced hypotension; NTG was given at 3 h\n"
                     "Ciprofloxacin- and norfloxacin-treated rats received [3H]spiperone and (+)-cibenzoline")
    for therapy in ("nitroglycerin", "NTG", "Ciprofloxacin", "norfloxacin", "spiperone", "cibenzoline"):
        assert ("THERAPY", therapy) in found, therapy
    assert {mention for _, mention in found} >= {"hypotension"}


@pytest.mark.parametrize("text, tokens", [
    ("(NTG)-induced", ["(", "NTG", ")", "-", "induced"]),
    ("ciprofloxacin- and", ["ciprofloxacin", "-", "and"]),
    ("[3H]spiperone", ["[", "3H", "]", "spiperone"]),
    ("(+)-cibenzoline", ["(", "+", ")", "-", "cibenzoline"]),
    ("anti-CD19 CAR-T B-cell IL-6", ["anti", "-", "CD19", "CAR", "-", "T", "B", "-", "cell", "IL-6"])])
def test_the_tokenizer_splits_names_from_their_punctuation_and_nothing_more(text, tokens):
    from pipeline.tokenization import english_tokenizer
    assert [t.text for t in english_tokenizer()(text)] == tokens
