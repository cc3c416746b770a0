"""The BC5CDR CID scorer on a tiny synthetic case: document-level pairs from
``CAUSES_ADVERSE_EVENT``, ids from the normalized id or its MeSH xrefs, beside co-occurrence."""
from __future__ import annotations

from pathlib import Path

from pipeline.benchmarks.cid import read_pubtator, score_records

PUBTATOR = """101|t|Drug A induced rash
101|a|Drug B was also given.
101\tCID\tD000001\tD000010

102|t|No harm here
102|a|Drug A for fever.
102\tCID\tD000001\tD000020
"""


def entity(eid: str, label: str, curie: str, xrefs: list[str] | None = None) -> dict:
    return {"id": eid, "label": label, "normalized": {"id": curie, "name": eid, "xrefs": xrefs}}


def record(pmid: str, entities: list[dict], relations: list[tuple[str, str]]) -> dict:
    return {"source": {"id": pmid}, "entities": entities,
            "relations": [{"type": "CAUSES_ADVERSE_EVENT", "head": h, "tail": t} for h, t in relations]}


def test_pairs_are_scored_per_document_with_xrefs_and_beside_cooccurrence(tmp_path: Path):
    path = tmp_path / "tiny.PubTator.txt"
    path.write_text(PUBTATOR, encoding="utf-8")
    abstracts = read_pubtator(path)
    assert [(a.pmid, a.cid) for a in abstracts] == [("101", {("D000001", "D000010")}),
                                                      ("102", {("D000001", "D000020")})]
    records = [
        record("101", [entity("a", "THERAPY", "DRUGBANK:DB1", ["MESH:D000001"]),  # MeSH only as an xref
                       entity("b", "THERAPY", "MESH:D000002"),
                       entity("r", "ADVERSE_EVENT", "MESH:D000010"),
                       {"id": "t", "label": "ADVERSE_EVENT", "text": "toxicity", "normalized": None}],
               [("a", "r"), ("b", "r"), ("a", "t")]),  # one right; one wrong; one without a MeSH id
        record("102", [entity("a", "THERAPY", "MESH:D000001"), entity("f", "DISEASE", "MESH:D000020")], []),
    ]
    scores = score_records(abstracts, records)
    relations, cooccurrence = scores["relations"], scores["cooccurrence"]
    assert (relations["predicted"], relations["found"], relations["gold"]) == (3, 1, 2)
    assert round(relations["p"], 3) == 0.333 and relations["r"] == 0.5
    mesh_only = scores["relations_mesh_only"]
    assert (mesh_only["predicted"], mesh_only["p"], mesh_only["r"]) == (2, 0.5, 0.5)
    # co-occurrence: (1,10) (2,10) in 101 and (1,20) in 102: 3 predicted, both gold pairs found
    assert (cooccurrence["predicted"], cooccurrence["found"]) == (3, 2)
    assert round(cooccurrence["p"], 3) == 0.667 and cooccurrence["r"] == 1.0
