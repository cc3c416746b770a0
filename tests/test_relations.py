"""Relations and findings on article-like text: the studied therapy takes the results
across sentences, a comparator arm or a prior therapy does not, and the numbers come
from the sentences that state them."""
from __future__ import annotations

from pipeline.schema import CleanDocument, Source
from pipeline.stages.ner import ner
from pipeline.stages.normalize import normalize
from pipeline.stages.relations import relations

ARTICLE = """Zanubrutinib brings durable responses in relapsed mantle cell lymphoma
Patients had received a median of two prior lines, including rituximab and bendamustine
In the phase 2 study, 86 patients were enrolled and 85 patients received zanubrutinib 160 mg twice daily
The overall response rate was 84% and the complete response rate was 78%
Median progression-free survival was 33 months after a median follow-up of 35.3 months
In an earlier trial, ibrutinib led to atrial fibrillation in 11% of patients
The most common adverse events were neutropenia and upper respiratory tract infection
No tumor lysis syndrome was observed"""


def article(text: str = ARTICLE):
    doc = CleanDocument(doc_id="d", source=Source(path="p", id="p"), text=text)
    return next(iter(normalize(relations(ner([doc])))))


def triples(record) -> set[tuple[str, str, str]]:
    by_id = {e.id: e for e in record.entities}
    return {(r.type, by_id[r.head].normalized.name, by_id[r.tail].normalized.name) for r in record.relations}


def test_the_studied_therapy_takes_results_stated_without_its_name():
    found = triples(article())
    assert ("HAS_OUTCOME", "zanubrutinib", "overall response rate") in found
    assert ("HAS_OUTCOME", "zanubrutinib", "progression-free survival") in found
    assert ("CAUSES_ADVERSE_EVENT", "zanubrutinib", "neutropenia") in found
    assert ("TREATS", "zanubrutinib", "mantle cell lymphoma") in found


def test_prior_and_comparator_therapies_do_not_take_the_results():
    found = triples(article())
    assert not any(head in ("rituximab", "bendamustine", "ibrutinib") and kind in ("HAS_OUTCOME",)
                   for kind, head, _ in found)
    assert ("CAUSES_ADVERSE_EVENT", "zanubrutinib", "atrial fibrillation") not in found


def test_negated_adverse_event_stays_negated_and_related():
    record = article()
    lysis = [e for e in record.entities if e.normalized.name == "tumor lysis syndrome"]
    assert lysis and all(e.negated for e in lysis)


def test_finding_counts_the_treated_not_the_enrolled_and_takes_the_stated_follow_up():
    [finding] = article().findings
    assert finding.therapy == "zanubrutinib" and finding.disease == "mantle cell lymphoma"
    assert finding.patients == 85
    assert (finding.follow_up.value, finding.follow_up.unit) == (35.3, "month")


def test_word_numbers_and_durations_in_days():
    text = ("CAR-T therapy in lupus: five patients in remission\n"
            "The team treated five patients with refractory systemic lupus erythematosus with CAR-T cells\n"
            "All of them reached drug-free remission, with a median follow-up of 487 days")
    [finding] = article(text).findings
    assert finding.patients == 5
    assert (finding.follow_up.value, finding.follow_up.unit) == (487, "day")


ADD_ON_TRIAL = """Tucatinib plus trastuzumab and capecitabine extends survival in HER2-positive breast cancer
In the HER2CLIMB trial, 612 patients were randomized to tucatinib plus trastuzumab and capecitabine or to placebo plus trastuzumab and capecitabine
Patients who received tucatinib plus trastuzumab and capecitabine had longer progression-free survival
Overall survival was also longer with tucatinib plus trastuzumab and capecitabine
Diarrhea was the most common adverse event"""

COMBINATION_TRIAL = """Amivantamab plus lazertinib improves survival in EGFR-mutant non-small cell lung cancer
In the MARIPOSA trial, 429 patients received amivantamab plus lazertinib and 429 received osimertinib
Progression-free survival was longer with amivantamab plus lazertinib than with osimertinib
Rash was the most common adverse event with amivantamab plus lazertinib"""


def test_a_drug_added_to_a_backbone_is_studied_with_its_regimen():
    found = triples(article(ADD_ON_TRIAL))
    heads = {head for kind, head, tail in found if kind == "HAS_OUTCOME" and tail == "progression-free survival"}
    assert {"tucatinib plus trastuzumab and capecitabine", "tucatinib"} <= heads
    assert not heads & {"trastuzumab", "capecitabine"}  # the backbone both arms received


def test_a_studied_combination_stands_for_its_drugs_and_the_comparator_gets_nothing():
    found = triples(article(COMBINATION_TRIAL))
    heads = {head for kind, head, _ in found if kind in ("HAS_OUTCOME", "CAUSES_ADVERSE_EVENT")}
    assert heads == {"amivantamab plus lazertinib"}


HEAD_TO_HEAD = """Lorlatinib beats crizotinib in ALK-positive non-small cell lung cancer
In the CROWN trial, 149 patients received lorlatinib and 147 received crizotinib
Progression-free survival at 5 years was 60% with lorlatinib and 8% with crizotinib
Intracranial response was seen in 82% of patients in the lorlatinib group and 23% in the crizotinib group
Hyperlipidemia and edema were the most common adverse events with lorlatinib"""


def test_the_arm_a_title_sets_against_the_studied_therapy_takes_no_results():
    found = triples(article(HEAD_TO_HEAD))
    heads = {head for kind, head, _ in found if kind in ("HAS_OUTCOME", "CAUSES_ADVERSE_EVENT")}
    assert heads == {"lorlatinib"}


def test_targets_read_through_a_class_in_apposition_and_go_to_the_nearest_drug():
    text = ("Nivolumab plus ipilimumab in colorectal cancer\n"
            "Patients received nivolumab, which targets PD-1, and ipilimumab, which blocks CTLA-4\n"
            "Osimertinib is an oral inhibitor that blocks mutant EGFR\n"
            "The objective response rate was 69%")
    found = {(head, tail) for kind, head, tail in triples(article(text)) if kind == "TARGETS"}
    assert {("nivolumab", "PD-1"), ("ipilimumab", "CTLA-4"), ("osimertinib", "EGFR")} <= found
    assert ("nivolumab", "CTLA-4") not in found and ("ipilimumab", "PD-1") not in found


def test_a_cell_therapy_uses_the_cells_it_is_made_of_not_the_ones_it_depletes():
    text = ("CD19 CAR T cells in lupus\n"
            "Autologous CAR T cells were made from the patients' T cells and infused after lymphodepletion\n"
            "The CAR T cells depleted B cells within days and all patients reached remission")
    found = {(head, tail) for kind, head, tail in triples(article(text)) if kind == "USES_CELL_TYPE"}
    tails = {tail for _, tail in found}
    assert "T cell" in tails or "T cells" in tails or any("T cell" in t for t in tails)
    assert not any(t.lower().startswith("b cell") for t in tails)


def test_treatments_in_the_patients_history_are_not_the_studied_one():
    text = ("Engineered T cells shrink lung metastases of pancreatic cancer\n"
            "The team reported a case of TCR gene therapy in a woman with metastatic pancreatic cancer\n"
            "She had undergone pancreaticoduodenectomy and several lines of chemotherapy including gemcitabine\n"
            "After the infusion of the TCR-engineered T cells, the metastases shrank by 72%, a partial response")
    found = triples(article(text))
    heads = {head for kind, head, _ in found if kind == "HAS_OUTCOME"}
    assert heads and not heads & {"pancreaticoduodenectomy", "gemcitabine", "chemotherapy"}


def test_adverse_events_blamed_on_another_therapy_go_to_it():
    text = ("Rituximab first-line in pemphigus\n"
            "Long-term use of corticosteroids brings serious side effects, such as diabetes and osteoporosis\n"
            "Patients received rituximab and 89% reached complete remission\n"
            "The transient cytopenias were mainly attributed to the lymphodepleting chemotherapy")
    found = triples(article(text))
    assert ("CAUSES_ADVERSE_EVENT", "glucocorticoids", "osteoporosis") in found
    assert ("CAUSES_ADVERSE_EVENT", "rituximab", "osteoporosis") not in found
    assert not any(kind == "CAUSES_ADVERSE_EVENT" and head == "rituximab" and "cytopenia" in tail
                   for kind, head, tail in found)


def test_the_standard_of_care_treats_the_articles_disease_without_naming_it():
    text = ("Gene therapy for Duchenne muscular dystrophy\n"
            "Boys with Duchenne muscular dystrophy received delandistrogene moxeparvovec\n"
            "At present corticosteroids such as prednisone and deflazacort are the standard of care")
    found = triples(article(text))
    assert ("TREATS", "deflazacort", "Duchenne muscular dystrophy") in found


def test_a_product_takes_the_description_put_beside_it():
    text = ("GPRC5D CAR-T works in myeloma after BCMA therapy\n"
            "The team reported the phase 1 study of MCARH109, an autologous GPRC5D-targeted CAR T-cell therapy\n"
            "Seventeen patients received MCARH109 at four dose levels\n"
            "The GPRC5D CAR-T led to a complete response in 71% of patients")
    found = triples(article(text))
    assert ("HAS_OUTCOME", "MCARH109", "complete response") in found
    assert not any(head.startswith("GPRC5D") and kind == "HAS_OUTCOME" for kind, head, _ in found)


def test_a_class_that_names_its_target_gives_it_to_every_product_listed_after_it():
    text = ("Teclistamab brings deep responses in relapsed multiple myeloma\n"
            "The anti-CD38 antibodies daratumumab and isatuximab have improved the outcome of multiple myeloma, "
            "but most patients relapse\n"
            "In the study, 165 patients with relapsed multiple myeloma received teclistamab\n"
            "The overall response rate was 63%")
    found = triples(article(text))
    assert {("TARGETS", "daratumumab", "CD38"), ("TARGETS", "isatuximab", "CD38")} <= found, found
    assert ("TARGETS", "teclistamab", "CD38") not in found
