"""The merge policy of trained-model spans and dictionary candidates
(``pipeline.components.model_merge``), on hand-written sentences with the model's spans
given by hand: the stage's pipeline runs as usual, with the spans set where ``model_ner``
would set them."""
from __future__ import annotations

from pipeline.components.model_ner import MODEL_SPANS
from pipeline.nlp import build_nlp


def mentions(text: str, model_spans: list[tuple[str, str]]) -> set[tuple[str, str, str]]:
    """(label, text, concept id or "") of every mention, the model having found each
    (wording, type) of ``model_spans`` (at its first occurrence)."""
    nlp = build_nlp(models=())
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name == "model_merge":
            spans = []
            for wording, kind in model_spans:
                start = text.index(wording)
                span = doc.char_span(start, start + len(wording), label=kind)
                assert span is not None, wording
                spans.append(span)
            doc.user_data[MODEL_SPANS] = spans
        doc = component(doc)
    return {(s.label_, s.text, s.kb_id_ and (nlp.get_pipe("kb_matcher").kb.concepts[int(s.kb_id_)].id or ""))
            for s in doc.spans["mentions"]}


def labelled(found: set[tuple[str, str, str]]) -> set[tuple[str, str]]:
    return {(label, text) for label, text, _ in found}


def test_a_model_span_with_a_dictionary_candidates_bounds_keeps_the_dictionarys_label_and_concept():
    found = mentions("Patients with breast cancer received cisplatin", [("breast cancer", "Disease"),
                                                                         ("cisplatin", "Chemical")])
    assert ("DISEASE", "breast cancer", "MESH:D001943") in found
    assert ("THERAPY", "cisplatin", "DRUGBANK:DB00515") in found
    assert len(found) == 2


def test_a_model_span_inside_or_crossing_a_dictionary_mention_is_dropped():
    found = mentions("Patients with chronic lymphocytic leukemia were seen", [("lymphocytic leukemia", "Disease"),
                                                                           ("leukemia were", "Disease")])
    assert labelled(found) == {("DISEASE", "chronic lymphocytic leukemia")}


def test_a_longer_model_span_takes_the_concept_and_label_at_its_head():
    found = mentions("Women with hereditary breast cancer were enrolled", [("hereditary breast cancer", "Disease")])
    assert ("DISEASE", "hereditary breast cancer", "MESH:D001943") in found
    assert ("DISEASE", "breast cancer") not in labelled(found)  # the longest mention wins
    found = mentions("Ten patients had a maculopapular rash after the second dose",
                     [("maculopapular rash", "Disease")])
    assert ("ADVERSE_EVENT", "maculopapular rash", "MESH:D005076") in found  # as "rash" alone: both labels
    assert ("DISEASE", "rash") not in labelled(found) and ("ADVERSE_EVENT", "rash") not in labelled(found)


def test_a_model_disease_span_holding_a_therapy_is_dropped():
    found = mentions("Cisplatin nephrotoxicity limits the dose", [("Cisplatin nephrotoxicity", "Disease")])
    assert ("DISEASE", "Cisplatin nephrotoxicity") not in labelled(found)
    assert ("THERAPY", "Cisplatin") in labelled(found)


def test_a_model_disease_the_dictionary_does_not_know_comes_out_without_a_concept():
    found = mentions("Two siblings had spondylo-ocular dysplasia of early onset",
                     [("spondylo-ocular dysplasia", "Disease")])
    assert ("DISEASE", "spondylo-ocular dysplasia", "") in found


def test_a_chemical_is_a_therapy_only_when_given_or_named_like_a_drug():
    assert not mentions("Serum glucose and calcium were measured at baseline", [("glucose", "Chemical"),
                                                                                ("calcium", "Chemical")])
    found = mentions("Rats were given 5 mg/kg of foscolamide daily", [("foscolamide", "Chemical")])
    assert ("THERAPY", "foscolamide", "") in found
    found = mentions("Exposure to brexatinib was associated with rash", [("brexatinib", "Chemical")])
    assert ("THERAPY", "brexatinib") in labelled(found)  # a kinase inhibitor's INN stem


def test_a_chemical_the_knowledge_base_knows_takes_its_label():
    found = mentions("Zonisamide levels were measured", [("Zonisamide", "Chemical")])
    assert ("THERAPY", "Zonisamide", "DRUGBANK:DB00909") in found


def test_generic_words_and_unmapped_types_give_nothing():
    assert not mentions("The tumor and the cells were examined", [("tumor", "Disease"), ("cells", "cell_type")])
    assert not mentions("Expression of the Zorbex locus was low", [("Zorbex locus", "DNA")])


def test_a_model_disease_in_a_toxicity_sentence_is_an_adverse_event():
    text = "Metastatic melanoma was treated with nivolumab\nGrade 3 adverse events included palmoplantar zeroderma"
    found = mentions(text, [("palmoplantar zeroderma", "Disease")])
    assert ("ADVERSE_EVENT", "palmoplantar zeroderma") in labelled(found)


def test_an_acronym_the_knowledge_base_does_not_know_is_the_articles_to_define():
    assert not mentions("Levels of HDL fell in the TD group", [("HDL", "Disease"), ("TD", "Disease")])
    found = mentions("Patients with zorbic polyneuritis (ZPN) improved; ZPN relapsed in two",
                     [("zorbic polyneuritis", "Disease"), ("ZPN", "Disease")])
    assert ("DISEASE", "zorbic polyneuritis") in labelled(found)
    assert ("DISEASE", "ZPN") in labelled(found)  # the article's definition gives it


def test_a_disease_keeps_its_name_without_its_course_and_two_names_stay_two():
    found = mentions("Patients with aggressive chronic lymphocytic leukemia were enrolled",
                     [("aggressive chronic lymphocytic leukemia", "Disease")])
    assert labelled(found) == {("DISEASE", "chronic lymphocytic leukemia")}
    found = mentions("Patients with chronic lymphocytic leukemia (CLL) were enrolled; aggressive CLL progressed",
                     [("aggressive CLL", "Disease")])
    assert ("DISEASE", "aggressive CLL") not in labelled(found) and ("DISEASE", "CLL") in labelled(found)
    text = "Chronic Lymphocytic Leukemia Chronic Lymphocytic Leukemia"
    found = mentions(text, [(text, "Disease")])
    assert ("DISEASE", text) not in labelled(found)


def test_words_the_knowledge_base_leaves_out_stay_out():
    text = "Researchers in California saw fibrous change happen in Dickinson's cohort"
    assert not mentions(text, [("California", "Disease"), ("fibrous", "Disease"), ("happen", "Chemical"),
                               ("Dickinson", "Chemical")])
    assert not mentions("Creatine kinase levels were given as a steroid-refractory marker",
                        [("Creatine", "Chemical"), ("steroid", "Chemical")])
    found = mentions("Three ocular adverse events were seen", [("ocular adverse events", "Disease")])
    assert ("ADVERSE_EVENT", "ocular adverse events") not in labelled(found)  # the dictionary's phrase stands
    assert not mentions("Eye inflammation was reported", [("inflammation", "Disease")])
    assert not mentions("Of 94 patients with morphologic disease, 60 responded", [("morphologic disease", "Disease")])
