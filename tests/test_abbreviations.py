"""Abbreviation definitions: Schwartz & Hearst's letter rule with the long form placed on
the right token, the two documented extensions, and the label a short form takes."""
from __future__ import annotations

import pytest

from pipeline.nlp import build_nlp
from test_ner import labelled


def definitions(text: str) -> set[tuple[str, str]]:
    doc = build_nlp()(text)
    return {(short.text, short._.long_form.text) for short in doc._.abbreviations}


@pytest.mark.parametrize("text, short, long", [
    # the letter rule, the long form starting after tokens without a space between them
    ("Adults with relapsed/refractory T-cell acute lymphoblastic leukemia (T-ALL) were enrolled.",
     "T-ALL", "T-cell acute lymphoblastic leukemia"),
    ("Treatment of r/r B-cell acute lymphoblastic leukemia (B-ALL) improved.", "B-ALL",
     "B-cell acute lymphoblastic leukemia"),
    # a hyphenated short form, split by the tokenizer into one-letter pieces
    ("Children with ataxia-telangiectasia (A-T) carry ATM mutations.", "A-T", "ataxia-telangiectasia"),
    # initials in another order than their words
    ("Myotonic dystrophy (DM) is the commonest adult muscular dystrophy.", "DM", "Myotonic dystrophy"),
    ("The complete remission (RC) rate was 40%.", "RC", "complete remission"),
    # the dictionary's mention right before the bracket, where the letter rule fails or stops short
    ("Patients undergoing cyclosporine (CsA) conversion were followed.", "CsA", "cyclosporine"),
    ("Women on combined oral contraceptives (COCs) were counted.", "COCs", "combined oral contraceptives"),
])
def test_definitions_the_letter_rule_and_its_extensions_find(text, short, long):
    assert (short, long) in definitions(text)


def test_a_long_form_never_crosses_a_line_break():
    found = definitions("Read more at the site\nT-cell acute lymphoblastic leukemia (T-ALL) is aggressive.")
    assert ("T-ALL", "T-cell acute lymphoblastic leukemia") in found


@pytest.mark.parametrize("text", [
    "The death of cells (DM) was measured.",  # initials that are not the short form's
])
def test_initials_must_be_the_words_right_before_the_bracket(text):
    assert not any(short == "DM" for short, _ in definitions(text))


def test_the_short_form_takes_the_label_of_its_long_form():
    found = labelled("Myotonic dystrophy (DM) is inherited. In DM, muscle weakness progresses.\n"
                     "Ataxia-telangiectasia (A-T) is rare; A-T patients are radiosensitive.")
    assert ("DISEASE", "DM") in found
    assert ("DISEASE", "A-T") in found


def test_a_short_form_names_the_head_of_its_long_form_not_a_word_before_it():
    found = labelled("Teclistamab targets B-cell maturation antigen (BCMA) on myeloma cells; BCMA is expressed "
                     "on plasma cells. Tumours that are microsatellite instability-high (MSI-H) respond.")
    assert ("ANTIGEN", "BCMA") in found
    assert ("CELL_TYPE", "BCMA") not in found
    assert ("DISEASE", "MSI-H") not in found


def test_a_short_form_of_a_disease_named_by_its_cause_names_the_disease():
    found = labelled("Heparin-induced thrombocytopenia (HIT) is rare. HIT was confirmed in two patients.")
    assert any(label in ("DISEASE", "ADVERSE_EVENT") and text == "HIT" for label, text in found)


@pytest.mark.parametrize("text, short", [
    ("Nivolumab (Opdivo) was approved in 2014.", "Opdivo"),     # a brand: one capital only
    ("Daratumumab, bortezomib and dexamethasone (DVd) were given.", "DVd"),  # the list, not its last drug
    ("Cyclosporine (TAC) levels were measured.", "TAC"),        # another first letter
])
def test_a_mention_before_the_bracket_is_no_long_form_of_what_is_no_short_form_of_it(text, short):
    assert not any(found == short for found, _ in definitions(text))


def test_a_short_form_after_a_drug_induced_disease_names_the_disease():
    found = labelled("Heparin-induced thrombocytopenia (HIT) is rare. HIT occurred in 2 patients.\n"
                     "Ribavirin-induced hemolytic anemia (RIHA) was reported; RIHA resolved.")
    assert {label for label, mention in found if mention == "HIT"} == \
        {label for label, mention in found if mention == "thrombocytopenia"}
    assert any(mention == "RIHA" and label in ("DISEASE", "ADVERSE_EVENT") for label, mention in found)
    assert not any(mention in ("HIT", "RIHA") and label == "THERAPY" for label, mention in found)
