"""The public-test-set NER benchmark's readers and scorer on tiny synthetic cases."""
from __future__ import annotations

from pipeline.benchmarks.ner_public import (Document, document_id_scores, mention_scores, read_iob,
                                            read_pubtator)


def test_strict_needs_the_exact_span_and_type_lenient_an_overlap_of_the_same_type():
    gold = {("d", 0, 10, "disease"), ("d", 20, 25, "chemical"), ("d", 30, 35, "disease")}
    predicted = {("d", 0, 10, "disease"),     # exact
                 ("d", 18, 25, "chemical"),   # overlaps, wider
                 ("d", 30, 35, "chemical"),   # right span, wrong type
                 ("d", 40, 45, "disease")}    # nothing there
    strict, lenient = mention_scores(gold, predicted)
    assert (strict["p"], strict["r"]) == (0.25, round(1 / 3, 4))
    assert (lenient["p"], lenient["r"]) == (0.5, round(2 / 3, 4))
    assert strict["predicted"] == 4 and strict["gold"] == 3


def test_lenient_counts_each_side_once():
    gold = {("d", 0, 20, "disease")}
    predicted = {("d", 0, 5, "disease"), ("d", 10, 20, "disease")}  # two pieces of one mention
    strict, lenient = mention_scores(gold, predicted)
    assert strict["f1"] == 0.0
    assert (lenient["p"], lenient["r"]) == (1.0, 1.0)


def test_mentions_in_another_document_never_match():
    strict, lenient = mention_scores({("a", 0, 5, "x")}, {("b", 0, 5, "x")})
    assert strict["f1"] == lenient["f1"] == 0.0


def test_pubtator_documents_are_title_line_break_abstract_with_ids(tmp_path):
    path = tmp_path / "tiny.PubTator.txt"
    path.write_text("1|t|Naloxone reverses hypotension\n1|a|Clonidine caused hypotension.\n"
                    "1\t0\t8\tNaloxone\tChemical\tD009270\n"
                    "1\t18\t29\thypotension\tDisease\tMESH:D007022\n"
                    "1\t47\t58\thypotension\tDisease\tD007022|D000001\n"
                    "1\tCID\tD003000\tD007022\n\n", encoding="utf-8")
    [doc] = read_pubtator(path)
    assert doc.text == "Naloxone reverses hypotension\nClonidine caused hypotension."
    assert [doc.text[s:e] for s, e, _, _ in doc.mentions] == ["Naloxone", "hypotension", "hypotension"]
    assert doc.mentions[1][3] == ["D007022"] and doc.mentions[2][3] == ["D007022", "D000001"]


def test_iob_sentences_become_lines_with_character_offsets(tmp_path):
    path = tmp_path / "tiny.tsv"
    path.write_text("Tamoxifen\tB-Simple_chemical\ntreats\tO\nbreast\tB-Cancer\ncancer\tI-Cancer\n\n"
                    "T\tB-Cell\ncells\tI-Cell\n\n", encoding="utf-8")
    [doc] = read_iob(path)
    assert doc.text == "Tamoxifen treats breast cancer\nT cells"
    assert [(doc.text[s:e], t) for s, e, t, _ in doc.mentions] == [
        ("Tamoxifen", "Simple_chemical"), ("breast cancer", "Cancer"), ("T cells", "Cell")]


def test_document_ids_count_concepts_and_gold_ids_found():
    doc = Document("1", "", [(0, 1, "Disease", ["D1"]), (2, 3, "Disease", ["D2"]), (4, 5, "Chemical", ["C9"])])
    linked = {"1": [["MESH:D1", "DOID:5"], ["MESH:D1"], ["DOID:77"], []]}
    scores = document_id_scores([doc], linked, {"Disease"})
    # concepts: {D1} (twice, merged) and one linked elsewhere; D1 of D1, D2 found
    assert (scores["p"], scores["r"]) == (0.5, 0.5)
