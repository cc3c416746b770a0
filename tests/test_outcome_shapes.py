"""Endpoints recognized by their shape, not by a list, and related to the studied therapy."""
from __future__ import annotations

import pytest

from test_relations import article, triples

REPORT = """Obe-cel brings lasting remissions in adult leukemia and lupus
In the study, 40 patients received obecabtagene autoleucel
The SLEDAI-2K score fell from 14 to 2, and the BILAG-2004 index improved in all of them
Lung function with FEV1 and forced vital capacity stayed stable during follow-up
Freedom from severe flares was kept by 38 patients, and the median time to first response was 1.1 months
The median duration of remission was 21 months, and 6 patients had complete remission with incomplete hematologic recovery
Minimal residual disease (MRD) negativity was reached by 75%, and undetectable MRD by 70%
In the infant cohort 9 children achieved functional independent sitting and all survived without permanent ventilation
Tumour shrinkage was seen in 55% and the annualized relapse rate fell by 70%
It is time to act, the time of this analysis was June, and the duration of follow-up was 2 years"""

SHAPES = ["SLEDAI-2K score", "BILAG-2004 index", "Lung function", "FEV1", "forced vital capacity",
          "Freedom from severe flares", "time to first response", "duration of remission",
          "complete remission with incomplete hematologic recovery", "Minimal residual disease (MRD) negativity",
          "undetectable MRD", "functional independent sitting", "survived without permanent ventilation",
          "Tumour shrinkage", "annualized relapse rate"]


@pytest.fixture(scope="module")
def record():
    return article(REPORT)


@pytest.mark.parametrize("wording", SHAPES)
def test_an_endpoint_shape_is_an_outcome(record, wording):
    assert wording in {e.text for e in record.entities if e.label == "OUTCOME"}


def test_times_and_durations_that_are_not_endpoints_are_left_alone(record):
    outcomes = {e.text.lower() for e in record.entities if e.label == "OUTCOME"}
    assert not any(text.startswith(("time to act", "time of", "duration of follow")) for text in outcomes)


def test_the_studied_therapy_takes_the_shaped_endpoints(record):
    found = {tail.lower() for kind, head, tail in triples(record) if kind == "HAS_OUTCOME"
             and head == "obecabtagene autoleucel"}
    assert {"sledai-2k score", "duration of remission", "undetectable mrd"} <= found, found
