"""What a finding reads from its article beyond names: each result's value and grade,
the trial's phase and name, the patients' age, the cited paper, and the entity ids and
offsets a curator checks them against."""
from __future__ import annotations

from pipeline.normalization.study_design import patient_age, trial_name, trial_phase
from pipeline.schema import CleanDocument, Citation, Source
from pipeline.stages.ner import ner
from pipeline.stages.normalize import normalize
from pipeline.stages.relations import relations

ARTICLE = """Zanubrutinib brings durable responses in relapsed mantle cell lymphoma
In the phase II BGB-3111-206 study, 86 patients with a median age of 60 years received zanubrutinib 160 mg twice daily
The overall response rate was 84% and 78% of patients achieved complete response
Median progression-free survival was 33 months after a median follow-up of 35.3 months
Grade 3 or higher adverse events included neutropenia (20%) and pneumonia (8%)
No tumor lysis syndrome was observed"""


def finding():
    doc = CleanDocument(doc_id="d", source=Source(path="p", id="p"), text=ARTICLE,
                        citations=[Citation(doi="10.1111/example.2024.1", journal="Blood")])
    record = next(iter(normalize(relations(ner([doc])))))
    [result] = record.findings
    return record, result


def test_outcomes_carry_the_value_stated_after_them_or_the_share_before_them():
    record, found = finding()
    results = {o.name: o for o in found.outcome_results}
    assert (results["overall response rate"].result.value, results["overall response rate"].result.unit) == (84, "%")
    assert (results["complete response"].result.value, results["complete response"].result.unit) == (78, "%")
    pfs = results["progression-free survival"].result
    assert (pfs.value, pfs.unit) == (33, "month")
    assert record.text[pfs.evidence.start:pfs.evidence.end] == "33 months"


def test_adverse_events_carry_grade_share_and_negation():
    _, found = finding()
    events = {a.name: a for a in found.adverse_event_results}
    assert events["neutropenia"].grade == ">=3" and events["neutropenia"].result.value == 20
    assert events["pneumonia"].result.value == 8
    assert events["tumor lysis syndrome"].negated and events["tumor lysis syndrome"].result is None


def test_finding_points_at_its_entities_and_reads_design_and_citation():
    record, found = finding()
    by_id = {e.id: e for e in record.entities}
    assert by_id[found.therapy_entity].normalized.name == "zanubrutinib"
    assert by_id[found.disease_entity].label == "DISEASE"
    for result in found.outcome_results + found.adverse_event_results:
        assert by_id[result.entity].normalized.name == result.name
    assert found.phase == "2" and found.trial == "BGB-3111-206"
    assert (found.age.kind, found.age.value) == ("median", 60)
    assert found.citation == "10.1111/example.2024.1"


def test_phase_forms():
    assert trial_phase("a phase 1b/2 trial") == "1b/2"
    assert trial_phase("the Phase III study") == "3"
    assert trial_phase("a phase I/II trial") == "1/2"
    assert trial_phase("in the first phase of the disease") is None


def test_trial_names_are_proper_names_called_trial_or_study():
    assert trial_name("Results of the ZUMA-7 trial were published", []) == "ZUMA-7"
    assert trial_name("the phase 3 CodeBreaK 200 trial compared", []) == "CodeBreaK 200"
    assert trial_name("CARTITUDE-1 (NCT03548207) enrolled", []) == "CARTITUDE-1"
    assert trial_name("The FDA study and a Nature study", []) is None


def test_age_forms():
    assert (patient_age("patients aged 18 to 65 years").low, patient_age("patients aged 18 to 65 years").high) == (18, 65)
    assert patient_age("a 45-year-old woman with lupus").value == 45
    assert patient_age("followed for 10 years") is None


def test_the_reported_trial_wins_over_earlier_ones_it_recalls():
    text = ("REACH2: ruxolitinib beats best available therapy in acute GVHD\n"
            "The FDA approved ruxolitinib based on the single-arm REACH1 study\n"
            "The randomized phase 3 REACH2 trial enrolled 309 patients")
    assert trial_name(text, []) == "REACH2"
    assert trial_name("the confirmatory phase 3 CodeBreaK 200 compared it with docetaxel", []) == "CodeBreaK 200"


def test_patients_and_follow_up_point_at_the_words_that_state_them():
    record, found = finding()
    assert found.patients == 86 and "86" in record.text[found.patients_evidence.start:found.patients_evidence.end]
    assert record.text[found.follow_up_evidence.start:found.follow_up_evidence.end] == "35.3 months"


def test_a_negated_outcome_stays_negated_in_the_finding():
    text = ("CAR-T therapy in lupus: five patients in drug-free remission\n"
            "The team treated five patients with refractory systemic lupus erythematosus with CD19 CAR T cells\n"
            "All of them reached drug-free remission and no relapse occurred during 17 months of follow-up")
    doc = CleanDocument(doc_id="d", source=Source(path="p", id="p"), text=text)
    record = next(iter(normalize(relations(ner([doc])))))
    results = {o.name: o for f in record.findings for o in f.outcome_results}
    assert results["relapse"].negated and not results["drug-free remission"].negated


def test_trial_name_scans_a_megabyte_word_in_linear_time():
    import time
    text = "The ZUMA-7 trial enrolled patients. " + "ACGT" * 250_000 + " trial"
    started = time.perf_counter()
    assert trial_name(text, []) == "ZUMA-7"
    assert time.perf_counter() - started < 5
