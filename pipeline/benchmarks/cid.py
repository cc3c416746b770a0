"""``python -m pipeline bench cid``: chemical-induced disease relations on BC5CDR.

BioCreative V CDR (Li et al. 2016, "BioCreative V CDR task corpus", Database) annotates,
per PubMed abstract, the (chemical MeSH, disease MeSH) pairs the abstract says are
induced. Each abstract goes through the whole pipeline as one JSON-lines page
(``{"id", "text"}``, text = title + newline + abstract); the predicted pairs are the
``CAUSES_ADVERSE_EVENT`` relations of the records, read with the project's own ids: the
therapy's MeSH id or MeSH xref, the event's MeSH id. Scoring is document-level, as in the
shared task. Beside it, from the same records, the co-occurrence baseline: every therapy
paired with every disease or adverse event of the abstract.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

SPLITS = {"train": "CDR_TrainingSet.PubTator.txt", "dev": "CDR_DevelopmentSet.PubTator.txt",
          "test": "CDR_TestSet.PubTator.txt"}
_HEAD = re.compile(r"^([^|\t]+)\|([ta])\|(.*)$")

@dataclass
class Abstract:
    pmid: str
    text: str
    cid: set[tuple[str, str]]


def read_pubtator(path: Path) -> list[Abstract]:
    """The abstracts of a PubTator file with their gold CID pairs (MeSH ids, prefix dropped)."""
    titles: dict[str, dict[str, str]] = {}
    pairs: dict[str, set[tuple[str, str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        head = _HEAD.match(line)
        if head:
            pmid, part, body = head.groups()
            titles.setdefault(pmid, {})[part] = body
            continue
        cells = line.split("\t")
        if len(cells) >= 4 and cells[1] == "CID":
            pairs.setdefault(cells[0], set()).add((_mesh(cells[2]), _mesh(cells[3])))
    return [Abstract(pmid, parts.get("t", "") + "\n" + parts.get("a", ""), pairs.get(pmid, set()))
            for pmid, parts in titles.items()]


def _mesh(curie: str) -> str:
    curie = curie.strip()
    return curie[5:] if curie.upper().startswith("MESH:") else curie


def mesh_ids(entity: dict) -> set[str]:
    """The entity's MeSH ids: its normalized id and xrefs."""
    norm = entity.get("normalized") or {}
    curies = [norm.get("id") or "", *(norm.get("xrefs") or [])]
    return {c[5:] for c in curies if c.upper().startswith("MESH:")}


def concept_ids(entity: dict) -> frozenset[str]:
    """The entity's MeSH ids; else one key that matches no gold id (its other id or text)."""
    found = mesh_ids(entity)
    if found:
        return frozenset(found)
    norm = entity.get("normalized") or {}
    return frozenset(["other:" + (norm.get("id") or "text:" + str(entity.get("text", "")).lower())])


def predicted_instances(record: dict, mesh_only: bool = False) -> set[tuple[frozenset[str], frozenset[str]]]:
    """(chemical ids, disease ids) of a record's ``CAUSES_ADVERSE_EVENT`` relations; an end
    may carry several MeSH ids (an id and its xrefs). A relation whose end has no MeSH id
    still counts as a (wrong) prediction, unless ``mesh_only``."""
    by_id = {e["id"]: e for e in record.get("entities", [])}
    instances = set()
    for relation in record.get("relations", []):
        if relation.get("type") != "CAUSES_ADVERSE_EVENT":
            continue
        head, tail = by_id.get(relation["head"]), by_id.get(relation["tail"])
        if head is None or tail is None:
            continue
        chemical, disease = concept_ids(head), concept_ids(tail)
        if not mesh_only or (mesh_ids(head) and mesh_ids(tail)):
            instances.add((chemical, disease))
    return instances


def cooccurring_pairs(record: dict) -> set[tuple[str, str]]:
    """Every therapy's MeSH id with every disease's or adverse event's, in one abstract."""
    entities = record.get("entities", [])
    chemicals = set().union(*(mesh_ids(e) for e in entities if e["label"] == "THERAPY"))
    diseases = set().union(*(mesh_ids(e) for e in entities if e["label"] in ("DISEASE", "ADVERSE_EVENT")))
    return {(c, d) for c in chemicals for d in diseases}


def prf(correct: int, predicted: int, found: int, gold: int) -> dict[str, float]:
    p = correct / predicted if predicted else 0.0
    r = found / gold if gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "predicted": predicted, "gold": gold, "found": found}


def score_records(abstracts: Iterable[Abstract], records: Iterable[dict]) -> dict[str, dict]:
    """The pipeline's CID relations and the co-occurrence baseline, scored on the same
    records. A relation whose ends carry several MeSH ids is one prediction, right when
    any of its pairs is gold; recall counts gold pairs any relation names. The headline
    counts every relation (one without MeSH ids at an end is wrong); ``relations_mesh_only``
    leaves those out."""
    by_pmid = {str((r.get("source") or {}).get("id")): r for r in records}
    abstracts = list(abstracts)
    result = {name: _score_relations(abstracts, by_pmid, mesh_only)
              for name, mesh_only in (("relations", False), ("relations_mesh_only", True))}
    n_gold = sum(len(a.cid) for a in abstracts)
    n_cooccurring = n_cooccurring_found = 0
    for abstract in abstracts:
        record = by_pmid.get(abstract.pmid)
        if record is not None:
            cooccurring = cooccurring_pairs(record)
            n_cooccurring += len(cooccurring)
            n_cooccurring_found += len(abstract.cid & cooccurring)
    result["cooccurrence"] = prf(n_cooccurring_found, n_cooccurring, n_cooccurring_found, n_gold)
    result["records"] = len(by_pmid)
    return result


def _score_relations(abstracts: list[Abstract], by_pmid: dict[str, dict], mesh_only: bool) -> dict[str, float]:
    n_gold = n_predicted = n_correct = n_found = 0
    for abstract in abstracts:
        gold = abstract.cid
        n_gold += len(gold)
        record = by_pmid.get(abstract.pmid)
        if record is None:
            continue
        instances = predicted_instances(record, mesh_only)
        n_predicted += len(instances)
        n_correct += sum(1 for chemical, disease in instances
                         if any((c, d) in gold for c in chemical for d in disease))
        n_found += len(gold & {(c, d) for chemical, disease in instances for c in chemical for d in disease})
    return prf(n_correct, n_predicted, n_found, n_gold)


def write_dump(abstracts: list[Abstract], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for abstract in abstracts:
            handle.write(json.dumps({"id": abstract.pmid, "text": abstract.text}) + "\n")


def run(data: Path, split: str, work: Path) -> dict:
    """The split through ``pipeline run`` (a separate process, as a user runs it), then scored."""
    abstracts = read_pubtator(data / "bc5cdr" / "pubtator" / SPLITS[split])
    dump, out = work / f"{split}.jsonl", work / split
    write_dump(abstracts, dump)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "pipeline", "run", str(dump), "--out", str(out)], check=True)
    seconds = time.monotonic() - started
    records = [json.loads(line) for line in open(out / "articles.jsonl", encoding="utf-8") if line.strip()]
    result = score_records(abstracts, records)
    result.update(split=split, abstracts=len(abstracts), seconds=round(seconds, 1))
    print_result(result)
    return result


def print_result(result: dict) -> None:
    print(f"BC5CDR CID, {result['split']} split: {result['abstracts']} abstracts, {result['records']} records, "
          f"{result['seconds']} s")
    print(f"  {'':36} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}")
    for name, title in (("relations", "CAUSES_ADVERSE_EVENT, own MeSH ids"),
                        ("relations_mesh_only", "  same, both ends MeSH-linked only"),
                        ("cooccurrence", "co-occurrence baseline, same records")):
        m = result[name]
        print(f"  {title:36} {m['p']:6.3f} {m['r']:6.3f} {m['f1']:6.3f} {m['predicted']:6d} {m['gold']:6d}")
