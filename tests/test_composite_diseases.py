"""Composite disease mentions: the coordination as one mention linked to its first
conjunct, beside the last conjunct's own mention."""
from __future__ import annotations

import pytest

from test_ner import mentions


def diseases(text: str) -> set[tuple[str, str]]:
    return {(mention, name) for label, mention, _, name in mentions(text) if label == "DISEASE"}


@pytest.mark.parametrize("text, composite, first", [
    ("Carriers have a high risk of breast and ovarian cancer by age 70.", "breast and ovarian cancer", "breast cancer"),
    ("Risk of breast/ovarian cancer was high in carriers.", "breast/ovarian cancer", "breast cancer"),
    ("Women with colorectal, endometrial, or ovarian cancer were enrolled.", "colorectal, endometrial, or ovarian cancer",
     "colorectal cancer"),
    ("A history of breast and/or ovarian cancers was recorded.", "breast and/or ovarian cancers", "breast cancer"),
])
def test_a_coordination_sharing_a_head_is_one_mention_beside_its_last_conjunct(text, composite, first):
    found = diseases(text)
    assert (composite, first) in found
    assert any(name == "ovarian cancer" for _, name in found)


def test_a_word_that_names_no_disease_with_the_head_is_no_conjunct():
    found = diseases("After surgery and ovarian cancer staging, patients were followed.")
    assert {mention for mention, _ in found} == {"ovarian cancer"}
