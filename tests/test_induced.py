"""Chemical-induced disease statements: each shape on hand-written sentences, the label a
disease mention takes from what its sentence says of it (not from where it stands), and
the relation."""
from __future__ import annotations

import re

import pytest

from pipeline.relating.induced import Mention, induced_statements
from test_ner import labelled
from test_relations import article, triples


def statements(sentence: str, therapies: list[str], diseases: list[str]) -> set[tuple[str, str, bool]]:
    """The shapes read on a sentence whose mentions are given by their words."""
    mentions = [Mention(m.start(), m.end(), label) for label, words in (("THERAPY", therapies), ("DISEASE", diseases))
                for word in words for m in [re.search(re.escape(word), sentence)]]
    text = {i: sentence[m.start:m.end] for i, m in enumerate(mentions)}
    return {(text[s.cause], text[s.effect], s.strong) for s in induced_statements(sentence, mentions)}


@pytest.mark.parametrize("sentence, therapy, disease, strong", [
    ("We describe a case of valproate-induced pancreatitis in a teenager", "valproate", "pancreatitis", True),
    ("Severe rhabdomyolysis associated with simvastatin use was seen in two men", "simvastatin", "rhabdomyolysis",
     False),
    ("Hepatitis induced by isoniazid resolved after withdrawal", "isoniazid", "Hepatitis", True),
    ("Interstitial nephritis caused by omeprazole is rare", "omeprazole", "Interstitial nephritis", True),
    ("Lactic acidosis due to metformin accumulation was diagnosed", "metformin", "Lactic acidosis", True),
    ("Seizures following tramadol overdose were recorded in 14 cases", "tramadol", "Seizures", False),
    ("Cardiomyopathy after doxorubicin administration developed in one child", "doxorubicin", "Cardiomyopathy",
     False),
    ("The main concern is the nephrotoxicity of gentamicin", "gentamicin", "nephrotoxicity", True),
    ("A woman who received amiodarone for three months developed pulmonary fibrosis", "amiodarone",
     "pulmonary fibrosis", False),
    ("Catalepsy was induced in rats by haloperidol given intraperitoneally", "haloperidol", "Catalepsy", True),
    ("In mice, high doses of cisplatin produced hearing loss within a week", "cisplatin", "hearing loss", False),
    ("Peripheral neuropathy is a well-known side effect of vincristine", "vincristine", "Peripheral neuropathy", True),
    ("Palsy of the peroneal nerve due to vincristine was reported in two boys", "vincristine", "Palsy", True),
    ("Chest pain in young cocaine users is often cardiac", "cocaine", "Chest pain", False),
    ("Myocarditis after commencement of clozapine is rare but serious", "clozapine", "Myocarditis", False),
    ("In the trial, opioids increased the risk of respiratory depression", "opioids", "respiratory depression", False),
])
def test_each_shape_relates_the_drug_to_the_disease(sentence, therapy, disease, strong):
    assert statements(sentence, [therapy], [disease]) == {(therapy, disease, strong)}


@pytest.mark.parametrize("sentence, therapy, disease", [
    ("Methotrexate did not cause liver fibrosis in this cohort", "Methotrexate", "liver fibrosis"),
    ("Pretreatment with magnesium prevented arrhythmias in the animals", "magnesium", "arrhythmias"),
    ("Insulin is the mainstay of treatment for diabetes", "Insulin", "diabetes"),
    ("Adults with epilepsy received lamotrigine for a year", "lamotrigine", "epilepsy"),
    ("Sotorasib is approved for lung cancer after chemotherapy failure", "chemotherapy", "lung cancer"),
])
def test_prevention_negation_and_treatment_are_no_statement(sentence, therapy, disease):
    assert statements(sentence, [therapy], [disease]) == set()


def test_listed_effects_share_the_statement():
    found = statements("A boy on valproate presented with hyperammonemia, lethargy and thrombocytopenia",
                       ["valproate"], ["hyperammonemia", "lethargy", "thrombocytopenia"])
    assert {(c, d) for c, d, _ in found} == {("valproate", "hyperammonemia"), ("valproate", "lethargy"),
                                             ("valproate", "thrombocytopenia")}


def test_coordinated_drugs_share_the_effect_and_the_nearest_drug_is_meant():
    found = statements("Both sertraline and fluoxetine caused hyponatremia, while lithium was given for mania",
                       ["sertraline", "fluoxetine", "lithium"], ["hyponatremia", "mania"])
    assert {(c, d) for c, d, _ in found} == {("sertraline", "hyponatremia"), ("fluoxetine", "hyponatremia")}


def test_a_drug_induced_disease_is_an_adverse_event_where_a_sentence_says_so():
    """Title included; a sentence about the disease in general keeps it a disease (the
    mention's label follows what its own sentence says)."""
    found = labelled("Amiodarone-induced hypothyroidism in an elderly man\n"
                     "Hypothyroidism is common in old age. "
                     "An 80-year-old man developed hypothyroidism six months after starting amiodarone.")
    assert ("ADVERSE_EVENT", "hypothyroidism") in found
    assert ("DISEASE", "hypothyroidism") not in found
    assert ("DISEASE", "Hypothyroidism") in found


def test_a_disease_named_as_treated_stays_a_disease_beside_a_loose_statement():
    found = labelled("Lenalidomide for multiple myeloma\n"
                     "Patients with multiple myeloma received lenalidomide after transplantation.\n"
                     "Deep vein thrombosis occurred after lenalidomide in 5% of patients.")
    assert ("DISEASE", "multiple myeloma") in found
    assert ("ADVERSE_EVENT", "deep vein thrombosis") in found or ("ADVERSE_EVENT", "Deep vein thrombosis") in found


def test_the_induced_disease_is_caused_by_its_drug():
    found = triples(article("Amiodarone-induced hypothyroidism in an elderly man\n"
                            "An 80-year-old man developed hypothyroidism six months after starting amiodarone."))
    assert any(kind == "CAUSES_ADVERSE_EVENT" and head.lower() == "amiodarone" and "hypothyroidism" in tail.lower()
               for kind, head, tail in found)


def test_a_cancer_after_a_drug_is_history_not_an_adverse_event():
    found = labelled("Radioligand therapy prolongs survival in prostate cancer\n"
                     "Castration-resistant disease is the lethal stage of prostate cancer, after abiraterone and "
                     "enzalutamide fail the choices are few.")
    assert ("ADVERSE_EVENT", "prostate cancer") not in found
