"""Results stated for the comparator arm belong to the comparator, not to the studied drug."""
from __future__ import annotations

from test_relations import article, triples

TRIAL = """Sotorasib prolongs survival in pretreated KRAS G12C lung cancer
In the phase 3 study, 345 patients with non-small cell lung cancer were randomly assigned to sotorasib or docetaxel
The median progression-free survival was 5.6 months with sotorasib versus 4.5 months with docetaxel
The most common adverse events with sotorasib were diarrhea and nausea
In the docetaxel group, neutropenia and alopecia were the most frequent adverse events
Among patients in the placebo group of an earlier study, fatigue was reported by 30%"""

CONTROLLED = """Inebilizumab cuts attacks in neuromyelitis optica spectrum disorder
In the trial, 230 patients with neuromyelitis optica spectrum disorder were given inebilizumab or placebo
Compared with the placebo group, the annualized relapse rate fell by 77%
Urinary tract infection occurred in 11% of the inebilizumab group and in 4% of the placebo group
In the placebo group, headache was reported by 9% of patients"""


def test_adverse_events_of_the_comparator_group_are_not_the_studied_drugs():
    found = triples(article(TRIAL))
    assert ("CAUSES_ADVERSE_EVENT", "sotorasib", "diarrhea") in found
    assert ("CAUSES_ADVERSE_EVENT", "sotorasib", "neutropenia") not in found
    assert ("CAUSES_ADVERSE_EVENT", "sotorasib", "alopecia") not in found


def test_a_named_comparator_takes_its_own_group_s_adverse_events():
    found = triples(article(TRIAL))
    assert ("CAUSES_ADVERSE_EVENT", "docetaxel", "neutropenia") in found


def test_results_stated_for_both_arms_stay_with_the_studied_drug():
    found = triples(article(TRIAL))
    assert ("HAS_OUTCOME", "sotorasib", "progression-free survival") in found
    found = triples(article(CONTROLLED))
    assert ("CAUSES_ADVERSE_EVENT", "inebilizumab", "urinary tract infection") in found


def test_a_placebo_group_s_events_go_to_no_therapy_and_placebo_treats_nothing():
    found = triples(article(CONTROLLED))
    assert not any(tail == "headache" for _, _, tail in found)
    assert not any(head == "placebo" for _, head, _ in found)


def test_a_result_compared_with_the_control_group_is_the_studied_drug_s():
    found = triples(article(CONTROLLED))
    assert any(kind == "HAS_OUTCOME" and head == "inebilizumab" for kind, head, _ in found)

STANDARD_CARE = """Pembrolizumab after surgery lowers recurrence in kidney cancer
A total of 994 patients with renal cell carcinoma were assigned to pembrolizumab or standard care
Disease-free survival at 24 months was 77% with pembrolizumab, whereas in the standard care group it was 68%
Hypothyroidism occurred in 21% of patients given pembrolizumab, while fatigue was most common in the standard care group"""


def test_a_clause_about_the_standard_care_group_keeps_its_result_from_the_studied_drug():
    found = triples(article(STANDARD_CARE))
    assert ("CAUSES_ADVERSE_EVENT", "pembrolizumab", "hypothyroidism") in found
    assert ("CAUSES_ADVERSE_EVENT", "pembrolizumab", "fatigue") not in found
    assert any(kind == "HAS_OUTCOME" and head == "pembrolizumab" for kind, head, _ in found)


STANDARD_CARE_ARM = """Zanidatamab beats chemotherapy in previously treated biliary tract cancer
A total of 300 patients with biliary tract cancer were randomly assigned in a 1:1 ratio to zanidatamab or to the investigator's choice of standard care, zanidatamab was given every 2 weeks
The median overall survival was 15.1 months with zanidatamab and 9.8 months in the standard care group
In the standard care group, neutropenia and vomiting were the most frequent adverse events, and no pneumonitis was seen with zanidatamab
Diarrhea occurred in 40% of the patients receiving zanidatamab"""

DOCETAXEL_ARM = """Datroxumab extends survival over docetaxel in pretreated lung cancer
In the phase 3 trial, 600 patients with non-small cell lung cancer that progressed after platinum chemotherapy were randomized to datroxumab or docetaxel
The median progression-free survival was 5.4 months with datroxumab versus 3.7 months with docetaxel
Stomatitis and nausea were the most common adverse events of datroxumab
With docetaxel, the most common grade 3 or higher events were neutropenia and febrile neutropenia"""


def test_standard_care_as_the_other_arm_takes_its_adverse_events_and_treats_the_disease():
    found = triples(article(STANDARD_CARE_ARM))
    assert ("CAUSES_ADVERSE_EVENT", "standard of care", "neutropenia") in found
    assert ("CAUSES_ADVERSE_EVENT", "standard of care", "vomiting") in found
    assert ("TREATS", "standard of care", "biliary tract cancer") in found
    assert ("CAUSES_ADVERSE_EVENT", "zanidatamab", "neutropenia") not in found
    # the clause after ", and no …" is the studied drug's again
    assert ("CAUSES_ADVERSE_EVENT", "standard of care", "pneumonitis") not in found
    assert ("CAUSES_ADVERSE_EVENT", "zanidatamab", "diarrhea") in found


def test_a_randomized_comparator_treats_the_disease_and_a_clause_opened_by_its_name_is_its_own():
    found = triples(article(DOCETAXEL_ARM))
    assert ("TREATS", "docetaxel", "lung cancer") in found or ("TREATS", "docetaxel", "non-small cell lung cancer") in found
    assert ("CAUSES_ADVERSE_EVENT", "docetaxel", "neutropenia") in found
    assert ("CAUSES_ADVERSE_EVENT", "docetaxel", "febrile neutropenia") in found
    assert not any(head == "datroxumab" and tail in ("neutropenia", "febrile neutropenia") for _, head, tail in found)
    assert ("CAUSES_ADVERSE_EVENT", "datroxumab", "nausea") in found


def test_the_other_arm_is_found_after_an_allocation_or_a_comparison_cue_only():
    from pipeline.relating.control_arms import control_arms
    from pipeline.relating.focus import key, sentences_of
    record = article(DOCETAXEL_ARM)
    arms = control_arms(sentences_of(record.text, record.entities), {"datroxumab"}, {"datroxumab"}, key)
    assert set(arms) == {"docetaxel"}  # the platinum chemotherapy the disease progressed after is a prior line


VACCINE_ADDED = """Adding the vaccine autogene cevumeran to atezolizumab delays relapse of resected bladder cancer
In resected bladder cancer, the anti-PD-1 antibody nivolumab is the standard therapy after surgery, but many patients still relapse
For patients who relapse, the second-line treatment has been enfortumab vedotin or chemotherapy
In the phase 2 trial, 150 patients with resected bladder cancer were randomly assigned to autogene cevumeran plus atezolizumab or to atezolizumab monotherapy
Relapse-free survival at 18 months was 79% with the combination, and fatigue was the most common adverse event"""


def test_a_studied_regimen_s_drug_given_alone_is_the_other_arm():
    from pipeline.relating.control_arms import control_arms
    from pipeline.relating.focus import key, sentences_of
    record = article(VACCINE_ADDED)
    regimen = {"autogene cevumeran plus atezolizumab", "autogene cevumeran"}
    arms = control_arms(sentences_of(record.text, record.entities), regimen | {"atezolizumab"}, regimen, key)
    assert set(arms) == {"atezolizumab"}
    [(mention, sentence)] = arms.values()
    assert sentence.text[mention.end - sentence.start:].startswith(" monotherapy")


def test_the_drugs_of_today_s_standard_treatment_treat_the_disease_the_sentence_names():
    found = triples(article(VACCINE_ADDED))
    bladder = {tail for kind, head, tail in found if kind == "TREATS" and head == "nivolumab"}
    assert bladder == {"urinary bladder cancer"}, found
    assert ("TREATS", "enfortumab vedotin", "urinary bladder cancer") in found  # "the second-line treatment has been"
    assert not any(kind == "TREATS" and head == "standard of care" for kind, head, _ in found)  # the words, not a drug


SIDE_BY_SIDE = """Luspatercept beats epoetin alfa in lower-risk myelodysplastic syndromes
In the phase 3 trial, 350 patients with myelodysplastic syndromes were randomly assigned to luspatercept or epoetin alfa
Transfusion independence was reached by 59% of patients with luspatercept versus 31% with epoetin alfa
The most common adverse events with luspatercept were fatigue and diarrhea, while with epoetin alfa the hypertension and the headache were more frequent"""


def test_a_clause_opened_by_the_other_arm_without_a_comma_is_that_arm_s():
    found = triples(article(SIDE_BY_SIDE))
    assert {("CAUSES_ADVERSE_EVENT", "luspatercept", "fatigue"), ("CAUSES_ADVERSE_EVENT", "luspatercept", "diarrhea"),
            ("CAUSES_ADVERSE_EVENT", "erythropoietin", "hypertension"),
            ("CAUSES_ADVERSE_EVENT", "erythropoietin", "headache")} <= found, found
    assert not any(head == "luspatercept" and tail in ("hypertension", "headache") for _, head, tail in found)
