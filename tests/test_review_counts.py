"""In a review of several products, each trial's patient count belongs to its own product."""
from __future__ import annotations

from test_relations import article

REVIEW = """Two BCMA CAR-T products compared: idecabtagene vicleucel and ciltacabtagene autoleucel in myeloma
Both idecabtagene vicleucel and ciltacabtagene autoleucel are approved for relapsed multiple myeloma
In the KarMMa trial, 128 patients with multiple myeloma received idecabtagene vicleucel, and the overall response rate was 73%
The CARTITUDE-1 study of ciltacabtagene autoleucel treated 97 patients with multiple myeloma, and the overall response rate was 97%
Ciltacabtagene autoleucel gave deeper responses, while idecabtagene vicleucel was made faster
Cytokine release syndrome occurred with both idecabtagene vicleucel and ciltacabtagene autoleucel"""


def test_each_product_takes_its_own_trial_s_patient_count():
    findings = {f.therapy.lower(): f.patients for f in article(REVIEW).findings}
    assert findings.get("idecabtagene vicleucel") == 128, findings
    assert findings.get("ciltacabtagene autoleucel") == 97, findings

PARALLEL = """Review: BCMA CAR-T products in relapsed multiple myeloma
Idecabtagene vicleucel and ciltacabtagene autoleucel target BCMA and are approved for relapsed multiple myeloma
In the pivotal trials, idecabtagene vicleucel was given to 128 patients and ciltacabtagene autoleucel to 97 patients
The overall response rate was 73% with idecabtagene vicleucel and 97% with ciltacabtagene autoleucel
Cytokine release syndrome occurred with both products"""


def test_parallel_counts_in_one_sentence_go_to_the_product_named_with_each():
    findings = {f.therapy.lower(): f.patients for f in article(PARALLEL).findings}
    assert findings.get("idecabtagene vicleucel") == 128, findings
    assert findings.get("ciltacabtagene autoleucel") == 97, findings
