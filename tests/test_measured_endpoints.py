"""Endpoints named as measures: found from what a results sentence does with them (a change,
a value, an attainment, an end point, a named instrument, a responder threshold), not from
a list, and related to the studied therapy; the noun phrases that are no result are left
alone."""
from __future__ import annotations

import pytest

from test_ner import labelled
from test_relations import article, triples

FOUND = [
    # a change noun before the measure
    ("At week 24, the mean change from baseline in serum uric acid was -4.2 mg/dL", "serum uric acid"),
    # the measure as the subject of a change verb, with a prepositional phrase or an apposition after it
    ("The visual analogue scale for pain fell from 7.2 to 2.5", "visual analogue scale"),
    ("The forced expiratory flow (FEF25-75), a marker of small-airway function, increased steadily",
     "forced expiratory flow"),
    ("The amyloid load on PET decreased by 40 centiloids", "amyloid load"),
    ("The serum ferritin returned to normal in all three patients", "serum ferritin"),
    ("In the treated eyes, the retinal thickness was significantly reduced within 6 months", "retinal thickness"),
    ("The NT-proBNP and the hs-troponin T, two markers of cardiac stress, rose less with the drug", "NT-proBNP"),
    ("The monthly migraine frequency fell by 4.1 days", "monthly migraine frequency"),
    # the objects of a change verb, coordinated
    ("Treatment improved the hand grip strength, the gait speed and the sleep quality", "hand grip strength"),
    ("Treatment improved the hand grip strength, the gait speed and the sleep quality", "gait speed"),
    ("Treatment improved the hand grip strength, the gait speed and the sleep quality", "sleep quality"),
    ("Lumasiran reduces urinary oxalate excretion in children", "urinary oxalate excretion"),
    # a value, an attainment with its threshold, a counted attainment
    ("The seroconversion rate was 94.3%", "seroconversion rate"),
    ("An ACQ-5 improvement of 0.5 points or more was reached by 64% of patients",
     "ACQ-5 improvement of 0.5 points or more"),
    ("Eight of the ten patients achieved hemoglobin normalization", "hemoglobin normalization"),
    ("The proportion of patients achieving a tender joint count of 0 was higher", "tender joint count"),
    # the study's end points, a state free of an event
    ("The key secondary end points were the BASDAI and the DLQI", "DLQI"),
    ("Half of the patients remained seizure-free at one year", "seizure-free"),
    # responder thresholds and named instruments
    ("PASI 90 was achieved by 70% of patients and ACR50 responses by 40%", "PASI 90"),
    ("PASI 90 was achieved by 70% of patients and ACR50 responses by 40%", "ACR50"),
    ("An EASI-75 response was seen at week 16", "EASI-75 response"),
    ("The Hamilton Depression Rating Scale (HAM-D) total score dropped by 12 points",
     "Hamilton Depression Rating Scale (HAM-D) total score"),
    ("Scores on the Unified Parkinson's Disease Rating Scale were stable", "Unified Parkinson's Disease Rating Scale"),
]


@pytest.mark.parametrize("sentence, measure", FOUND)
def test_a_measure_a_results_sentence_names_is_an_outcome(sentence, measure):
    assert ("OUTCOME", measure) in labelled(sentence)


NOT_RESULTS = [
    "The drug increased the number of regulatory T cells in the blood",
    "The mean age was 54 years and the mean body weight at baseline was 88 kg",
    "Patients whose ejection fraction was 45% or more were enrolled",
    "It increases the risk of fractures and lowers the dose needed",
    "Serum creatinine rose by 0.4 mg/dL in one patient, a grade 2 adverse event",
    "The International Prognostic Index was high in 40% and the ECOG Performance Status Scale was 0 or 1",
    "The rates were 48% and 30%, and the difference was 18 points",
    "The company raised 50 million dollars and its market share rose by 10%",
    "The company's revenue rose by 12%, and the market size was 4.5 billion dollars",
    "CD20 and CD70 are expressed on 90 of 100 samples",
    "In cultured cells, TZD increased EPC numbers and migration",
    "The airway changes induced by the allergen were smaller, and the dose was increased significantly by week 4",
]


@pytest.mark.parametrize("sentence", NOT_RESULTS)
def test_noun_phrases_that_are_no_result_are_no_outcome(sentence):
    assert not {mention for label, mention in labelled(sentence) if label == "OUTCOME"}, sentence


def test_a_mention_of_another_label_inside_a_phrase_keeps_it_out_unless_measured():
    found = labelled("The number of CD8+ T cells increased, and the fractional exhaled nitric oxide fell by 20 ppb")
    assert ("OUTCOME", "fractional exhaled nitric oxide") in found
    assert not any(label == "OUTCOME" and "CD8" in mention for label, mention in found)


def test_a_heading_in_capitals_is_not_part_of_the_measure():
    found = {mention for label, mention in labelled("RESULTS In the treated group the diastolic blood pressure fell "
                                                    "by 8 mm Hg") if label == "OUTCOME"}
    assert found == {"diastolic blood pressure"}, found


def test_a_molecule_that_changed_is_named_with_its_change():
    found = labelled("One patient had a 61% reduction of PCSK9 at day 90")
    assert ("OUTCOME", "reduction of PCSK9") in found


def test_a_named_instrument_takes_its_short_form_everywhere():
    found = labelled("The primary end point was the change in the Clinical Global Impression of Severity (CGI-S) score\n"
                     "The CGI-S fell by 1.6 points")
    assert ("OUTCOME", "CGI-S") in found


REPORT = """Weekly efpeglenatide lowers body weight and glycated hemoglobin in adults with type 2 diabetes
In the phase 3 trial, 312 adults with type 2 diabetes received efpeglenatide 6 mg once weekly
At week 56, the mean change from baseline in body weight was -7.9%
The fasting plasma glucose fell by 38 mg/dL, and efpeglenatide also improved the waist circumference and the triglycerides
A glycated hemoglobin below 7% was reached by 64% of the participants
The most common adverse events were nausea and vomiting"""


def test_the_studied_therapy_takes_the_measured_endpoints():
    found = {tail.lower() for kind, head, tail in triples(article(REPORT))
             if kind == "HAS_OUTCOME" and head == "efpeglenatide"}
    assert {"body weight", "fasting plasma glucose", "waist circumference"} <= found, found
    assert any(tail.startswith("glycated hemoglobin below 7") for tail in found), found
