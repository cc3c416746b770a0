"""Drug classes named as the patients' earlier lines treat the disease and keep their own
targets: "proteasome inhibitors, immunomodulatory drugs and anti-CD38 antibodies"."""
from __future__ import annotations

from test_relations import article, triples

MYELOMA = """Teclistamab shows deep responses in relapsed multiple myeloma
The study enrolled 165 patients with relapsed or refractory multiple myeloma
All of them had previously received a proteasome inhibitor, an immunomodulatory drug and an anti-CD38 antibody
Patients were given teclistamab, a bispecific antibody that targets BCMA and CD3, once a week
The overall response rate was 63% and cytokine release syndrome occurred in 72% of patients"""

LYMPHOMA = """Mosunetuzumab in follicular lymphoma after two lines of therapy
Ninety patients with follicular lymphoma who had received two or more lines, including an anti-CD20 antibody and an alkylating agent, were treated with mosunetuzumab
The complete response rate was 60%"""


def test_classes_of_earlier_lines_treat_the_disease():
    found = triples(article(MYELOMA))
    for therapy in ("proteasome inhibitor", "immunomodulatory drug"):
        assert any(kind == "TREATS" and head.startswith(therapy) and tail == "multiple myeloma"
                   for kind, head, tail in found), therapy


def test_a_class_never_targets_the_antigen_named_in_its_neighbour_s_name():
    for text in (MYELOMA, LYMPHOMA):
        found = triples(article(text))
        targets = {(head, tail) for kind, head, tail in found if kind == "TARGETS"}
        assert not any(tail in ("CD38", "CD20") and "anti" not in head.lower() and "antibod" not in head
                       for head, tail in targets), targets


def test_the_product_keeps_the_targets_its_description_names():
    found = triples(article(MYELOMA))
    assert ("TARGETS", "teclistamab", "BCMA") in found
    assert ("TARGETS", "teclistamab", "CD38") not in found


BACKGROUND_THERAPY = """Inclisiran halves LDL cholesterol in familial hypercholesterolemia
Even on maximally tolerated statins and ezetimibe, a third of the patients stay far above their LDL goal
In the trial, 480 patients with heterozygous familial hypercholesterolemia received inclisiran twice a year
LDL cholesterol fell by 48%"""


def test_the_background_therapy_the_patients_stay_on_treats_the_disease():
    found = triples(article(BACKGROUND_THERAPY))
    assert {("TREATS", "statin", "familial hypercholesterolemia"),
            ("TREATS", "ezetimibe", "familial hypercholesterolemia")} <= found, found
    assert not any(head in ("statin", "ezetimibe") and kind != "TREATS" for kind, head, _ in found)
