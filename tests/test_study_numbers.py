"""Study numbers on sentences written the way news reports of trials state them: the
number of patients treated (in words or digits, against trial totals, comparator arms,
outcome counts and per-disease subgroups) and the longest follow-up (each way a
duration is stated, and the durations that are not follow-up)."""
from __future__ import annotations

import re
from typing import Optional

import pytest

from pipeline.normalization.quantities import PATIENT_COUNT, to_number
from pipeline.normalization.study_numbers import longest_follow_up, treated_count
from pipeline.relating.focus import Sentence, fold, sentences_of
from pipeline.schema import Entity, Normalized


def article(text: str, therapies: dict[str, str] = {}, diseases: dict[str, str] = {}) -> list[Sentence]:
    """The text's sentences with an entity at every mention of the given wordings, each
    linked to the concept name it maps to ("SLE" -> "systemic lupus erythematosus")."""
    entities = []
    for label, names in (("THERAPY", therapies), ("DISEASE", diseases)):
        for wording, concept in names.items():
            for match in re.finditer(rf"\b{re.escape(wording)}\b", text):
                entities.append(Entity(id=f"e{len(entities)}", label=label, text=wording, start=match.start(),
                                       end=match.end(), normalized=Normalized(name=concept)))
    return sentences_of(text, sorted(entities, key=lambda e: e.start))


def patients(text: str, therapies: dict[str, str], diseases: dict[str, str] = {},
             therapy: Optional[str] = None, disease: Optional[str] = None) -> Optional[int]:
    focus = {fold(concept) for concept in therapies.values() if concept not in ("placebo", "chemotherapy")}
    return treated_count(article(text, therapies, diseases), focus, therapy and fold(therapy),
                         disease and fold(disease))


def follow_up(text: str) -> Optional[tuple[float, str]]:
    found = longest_follow_up(text)
    return (found.value, found.unit) if found else None


def patient_counts(text: str) -> list[int]:
    return [int(to_number(m.group("n"))) for m in PATIENT_COUNT.finditer(text)]


def test_counts_of_people_in_words_and_digits():
    assert patient_counts("five other patients with refractory lupus") == [5]
    assert patient_counts("Twenty-two patients and 1,024 participants") == [22, 1024]
    assert patient_counts("the 54 treated men") == [54]
    assert patient_counts("a 20-year-old woman") == []


ZAMTO = {"zamtocabtagene autoleucel": "zamtocabtagene autoleucel", "zamto-cel": "zamtocabtagene autoleucel"}


def test_the_treated_count_in_words_beats_enrolment_and_outcome_counts():
    text = ("A phase 2 trial of zamtocabtagene autoleucel\n"
            "Thirty-one patients with relapsed or refractory lymphoma were enrolled at six centres\n"
            "Twenty-eight of them received a single infusion of zamto-cel after lymphodepletion\n"
            "Nineteen patients achieved a complete response and four patients a partial response\n"
            "Seven patients (25%) had grade 3 or higher cytokine release syndrome")
    assert patients(text, ZAMTO) == 28


def test_a_randomized_total_is_not_the_treated_arm():
    text = ("In the phase 3 trial, 412 patients were randomly assigned in a 2:1 ratio, 275 to zanubrutinib and "
            "137 to placebo\nProgression-free survival was longer with zanubrutinib")
    assert patients(text, {"zanubrutinib": "zanubrutinib", "placebo": "placebo"}) == 275


def test_arms_in_parentheses_belong_to_the_name_before_them():
    text = ("A total of 236 patients were randomized to tisotumab vedotin (n = 120) or chemotherapy of "
            "investigator's choice (n = 116)")
    assert patients(text, {"tisotumab vedotin": "tisotumab vedotin", "chemotherapy": "chemotherapy"}) == 120
    text = "Patients received tisotumab vedotin (121 patients) or placebo (118 patients) every 3 weeks"
    assert patients(text, {"tisotumab vedotin": "tisotumab vedotin", "placebo": "placebo"}) == 121


def test_a_comparator_group_named_before_its_count():
    text = "The placebo group had 101 patients, and the tisotumab vedotin group had 98 patients"
    assert patients(text, {"tisotumab vedotin": "tisotumab vedotin", "placebo": "placebo"}) == 98


def test_an_arm_beside_a_comparator_is_the_studied_one_even_when_unnamed():
    # "SG" is not recognised as the therapy, but its arm stands beside the comparator's
    text = ("Sacituzumab govitecan was compared with chemotherapy\n"
            "Among the 529 patients, 267 were assigned to SG and 262 to chemotherapy of physician's choice")
    assert patients(text, {"Sacituzumab govitecan": "sacituzumab govitecan", "chemotherapy": "chemotherapy"}) == 267


def test_each_finding_gets_its_own_arm_when_two_studied_therapies_have_arms():
    text = "Overall, 310 patients were assigned to drug-A plus drug-B and 152 patients to drug-C"
    therapies = {"drug-A plus drug-B": "drug-a plus drug-b", "drug-C": "drug-c"}
    assert patients(text, therapies, therapy="drug-a plus drug-b") == 310
    assert patients(text, therapies, therapy="drug-c") == 152


def test_dose_cohorts_of_one_arm_add_up():
    text = ("Patients received zamto-cel in two dose cohorts\n"
            "Four patients received the low dose and five patients received the high dose\n"
            "Three patients had a complete response")
    assert patients(text, ZAMTO) == 9
    stated = "Nine patients were treated in two dose cohorts, four received the low dose and five received the high dose"
    assert patients(stated, ZAMTO) == 9  # the whole is stated: not counted twice


def test_a_frequency_is_not_a_cohort():
    assert patients("The disease affects about one in 2,500 people, and zamto-cel may help them", ZAMTO) is None
    text = "It affects one in 2,500 people\nTwelve patients with the disease, aged 18 to 40, were dosed with zamto-cel"
    assert patients(text, ZAMTO) == 12


def test_a_verb_before_the_count_tells_its_role():
    text = ("The trial enrolled 64 patients at 12 centres\n"
            "Grade 1 cytokine release syndrome occurred in 40 patients who received zamto-cel")
    assert patients(text, ZAMTO) == 64


AUTOIMMUNE = {"SLE": "systemic lupus erythematosus", "systemic lupus erythematosus": "systemic lupus erythematosus",
              "systemic sclerosis": "systemic sclerosis", "dermatomyositis": "dermatomyositis",
              "autoimmune disease": "autoimmune disease"}
CAR_T = {"CD19 CAR T cells": "cd19 car t cells"}


def test_a_breakdown_of_the_cohort_by_disease_gives_each_disease_its_count():
    text = ("Twenty patients with autoimmune disease received CD19 CAR T cells\n"
            "They included twelve with SLE, five with systemic sclerosis and three with dermatomyositis")
    sentences = article(text, CAR_T, AUTOIMMUNE)
    assert treated_count(sentences, {fold("cd19 car t cells")}, disease=fold("systemic lupus erythematosus")) == 12
    assert treated_count(sentences, {fold("cd19 car t cells")}, disease=fold("systemic sclerosis")) == 5
    assert treated_count(sentences, {fold("cd19 car t cells")}, disease=fold("autoimmune disease")) == 20
    assert treated_count(sentences, {fold("cd19 car t cells")}) == 20


def test_a_breakdown_named_by_abbreviation_and_in_n_equals_form():
    text = ("Forty-one patients received CD19 CAR T cells\n"
            "The patients had diffuse large B-cell lymphoma (DLBCL; n = 30) or follicular lymphoma (FL; n = 11)")
    diseases = {"diffuse large B-cell lymphoma": "diffuse large b-cell lymphoma", "DLBCL": "diffuse large b-cell lymphoma",
                "follicular lymphoma": "follicular lymphoma", "FL": "follicular lymphoma"}
    sentences = article(text, CAR_T, diseases)
    assert treated_count(sentences, {fold("cd19 car t cells")}, disease=fold("follicular lymphoma")) == 11
    assert treated_count(sentences, {fold("cd19 car t cells")}, disease=fold("diffuse large b-cell lymphoma")) == 30


def test_a_breakdown_of_responders_is_not_the_cohort_s():
    text = ("Twenty patients received CD19 CAR T cells\n"
            "Eleven patients responded (seven with SLE and four with systemic sclerosis)")
    sentences = article(text, CAR_T, AUTOIMMUNE)
    assert treated_count(sentences, {fold("cd19 car t cells")}, disease=fold("systemic lupus erythematosus")) == 20


def test_all_patients_with_a_disease_is_that_disease_s_group():
    text = ("Fifteen patients received CD19 CAR T cells\n"
            "All 9 patients with SLE reached remission, and all 6 patients with systemic sclerosis improved")
    sentences = article(text, CAR_T, AUTOIMMUNE)
    assert treated_count(sentences, {fold("cd19 car t cells")}, disease=fold("systemic sclerosis")) == 6


@pytest.mark.parametrize("text, expected", [
    ("After a median follow-up of 24.9 months, the median PFS was not reached", (24.9, "month")),
    ("The patients were followed for a median of 15 months and for up to 29 months", (29, "month")),
    ("Injections were given at week 0, 4 and 12, and the primary endpoint was assessed at week 48", (48, "week")),
    ("After two years, nine of the ten patients were still free of transfusions", (2, "year")),
    ("Regression was measured 36 weeks after the first dose", (36, "week")),
    ("All patients were insulin independent at 1 year", (1, "year")),
    ("LDL cholesterol stayed low through 180 days of follow-up", (180, "day")),
    ("a 5-year follow-up of the first cohort", (5, "year")),
])
def test_each_way_a_follow_up_is_stated(text, expected):
    assert follow_up(text) == expected


def test_a_landmark_estimate_or_a_rounded_label_yields_to_a_stated_follow_up():
    text = ("At a median follow-up of 9.1 months, overall survival at 12 months was 61%\n"
            "The 2-year progression-free survival was 40%")
    assert follow_up(text) == (9.1, "month")
    assert follow_up("NEJM two-year results of the trial\nAt week 104 factor VIII activity was 23%") == (104, "week")
    assert follow_up("The 3-year overall survival was 60%, with a response lasting up to 3 years") == (3, "year")


def test_ages_and_dosing_intervals_are_not_follow_up():
    assert follow_up("Patients aged 18 to 65 years were eligible") is None
    assert follow_up("A 7-year-old boy was diagnosed at 3 years of age") is None
    assert follow_up("The vaccine was given every 3 weeks") is None
    assert follow_up("patients aged 65 years or older") is None


def test_a_follow_up_stays_within_its_sentence_unless_the_line_was_broken():
    # "response" in one line does not make the next line's duration a response's
    assert follow_up("One patient had no response to treatment\nAnother died 20 weeks later of sepsis") is None
    assert follow_up("The oligoclonal bands decreased during the follow-up of about\n100 days") == (100, "day")


def test_a_stated_follow_up_beats_a_remission_s_duration():
    stated = follow_up("a median follow-up of 487 days; remission for up to 2 years; a 20-year-old man")
    assert stated == (487, "day")
    assert follow_up("in remission for up to 2 years; median age 76 years") == (2, "year")


def test_a_treated_count_with_its_share_and_randomisation_as_a_total():
    obe = {"obe-cel": "obecabtagene autoleucel", "obecabtagene autoleucel": "obecabtagene autoleucel"}
    text = ("Obecabtagene autoleucel in adult B-ALL\n"
            "Of the 153 enrolled patients, 127 (83.0%) received at least one infusion of obe-cel")
    assert patients(text, obe) == 127
    tepli = {"teplizumab": "teplizumab", "placebo": "placebo"}
    text = ("Teplizumab delays type 1 diabetes\n"
            "A total of 76 participants underwent randomization, forty-four received a single course of teplizumab "
            "and 32 received placebo")
    assert patients(text, tepli) == 44
