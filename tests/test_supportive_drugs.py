"""A drug given to manage a toxicity treats that toxicity (``TREATS`` toward an adverse
event) and is not the therapy under study: the study's results stay with the product."""
from __future__ import annotations

from test_relations import article, triples

CAR_T = """Obe-cel induces durable remissions in adults with B-cell acute lymphoblastic leukemia
In the FELIX study, 127 adults received obecabtagene autoleucel after lymphodepletion
The overall remission rate was 77%
Cytokine release syndrome occurred in 68% of patients and was managed with tocilizumab
Patients with immune effector cell-associated neurotoxicity syndrome received corticosteroids
Tocilizumab was given for grade 2 CRS in 20 patients, and dexamethasone to treat ICANS"""


def test_drugs_that_manage_toxicities_treat_them():
    found = triples(article(CAR_T))
    assert ("TREATS", "tocilizumab", "cytokine release syndrome") in found
    assert ("TREATS", "dexamethasone", "immune effector cell-associated neurotoxicity syndrome") in found
    assert ("TREATS", "glucocorticoids", "immune effector cell-associated neurotoxicity syndrome") in found


def test_the_product_keeps_its_results_and_its_toxicities():
    found = triples(article(CAR_T))
    assert ("CAUSES_ADVERSE_EVENT", "obecabtagene autoleucel", "cytokine release syndrome") in found
    assert ("HAS_OUTCOME", "obecabtagene autoleucel", "overall remission rate") in found
    assert not any(head in ("tocilizumab", "dexamethasone", "glucocorticoids") and kind != "TREATS"
                   for kind, head, _ in found)
    assert ("TREATS", "tocilizumab", "acute lymphoblastic leukemia") not in found


def test_a_drug_named_beside_an_event_without_managing_it_is_not_supportive():
    text = ("Tocilizumab reduces joint damage in rheumatoid arthritis\n"
            "In the trial, 200 patients received tocilizumab every four weeks\n"
            "Infections occurred in 12% of patients treated with tocilizumab")
    found = triples(article(text))
    assert ("TREATS", "tocilizumab", "rheumatoid arthritis") in found
    assert not any(kind == "TREATS" and tail == "infection" for kind, _, tail in found)


def test_patients_treated_with_a_drug_are_not_an_event_managed_by_it():
    text = ("Tocilizumab reduces joint damage in rheumatoid arthritis\n"
            "In the trial, 200 patients received tocilizumab every four weeks\n"
            "Infections occurred in patients treated with tocilizumab")
    found = triples(article(text))
    assert not any(kind == "TREATS" and tail == "infection" for kind, _, tail in found)


LOOSE_CARE = """Talquetamab brings deep responses in heavily pretreated multiple myeloma
In the phase 2 study, 140 patients with relapsed multiple myeloma received talquetamab every two weeks
The overall response rate was 69% and the median duration of response was 9 months
Cytokine release syndrome happened in 80 patients, mostly grade 1, and all were resolved with tocilizumab and dexamethasone
Immune effector cell-associated neurotoxicity syndrome occurred in 10% of patients, and 6% of them received the corticosteroid dexamethasone
Two patients had pneumonia, which was controlled without intensive care
To reduce the risk of infusion reactions, all patients received acetaminophen before each dose"""


def test_a_toxicity_whose_sentence_names_only_its_care_is_the_product_s():
    found = triples(article(LOOSE_CARE))
    for event in ("cytokine release syndrome", "immune effector cell-associated neurotoxicity syndrome", "pneumonia"):
        assert ("CAUSES_ADVERSE_EVENT", "talquetamab", event) in found, event
    # the drugs of the toxicity's care are neither studied nor given the study's results
    assert not any(head in ("dexamethasone", "tocilizumab", "glucocorticoids") and kind != "TREATS"
                   for kind, head, _ in found), found
    assert [f.therapy for f in article(LOOSE_CARE).findings] == ["talquetamab"]


def test_a_drug_given_to_prevent_an_event_does_not_treat_it():
    found = triples(article(LOOSE_CARE))
    assert not any(kind == "TREATS" and head == "acetaminophen" for kind, head, _ in found)
    from pipeline.relating.focus import sentences_of
    from pipeline.relating.supportive import managed_event, toxicity_care
    record = article(LOOSE_CARE)
    [sentence] = [s for s in sentences_of(record.text, record.entities) if s.text.startswith("To reduce")]
    [drug] = [e for e in sentence.entities if e.label == "THERAPY"]
    assert managed_event(drug, sentence) is None and not toxicity_care(drug, sentence)
