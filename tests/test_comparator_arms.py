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
