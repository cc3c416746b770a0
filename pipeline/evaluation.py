"""Scoring of article records against gold files (format: ``corpus/gold/*.json``).

Entities are scored as document-level concepts: a gold concept is found when any
predicted mention of its label matches one of its names (case-folded, hyphens, spaces,
quotes and a plural -s unified) or its id; a prediction is a false positive when its
canonical name matches no concept of its label. ``optional`` concepts and relations are
neither rewarded nor penalized. Relations are (type, head concept, tail concept) triples;
findings are matched on therapy and disease, then patients and follow-up are compared.
Cleaning is scored by the body sentences kept, boilerplate strings removed, title, date
and DOIs.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

LABELS = ("THERAPY", "CELL_TYPE", "ANTIGEN", "DISEASE", "OUTCOME", "ADVERSE_EVENT")
_SEPARATORS = re.compile(r"[\u2010-\u2015\u2212_/-]+")
_PUNCTUATION = re.compile(r"[\"'(),.;:\[\]]")
_ARTICLE = re.compile(r"^(?:the|a|an) ")
_WHITE = re.compile(r"\s+")
_MARKUP = re.compile(r"<[^>]+>")
_CURIE_PREFIX = re.compile(r"^(MESH|NCIT|HGNC|CL|DOID|MONDO|UMLS|ORDO|HP):?")


def name_key(text: Optional[str]) -> str:
    """The comparison key of a name."""
    if not text:
        return ""
    text = text.lower().replace("\u2019", "'").replace("\u00a0", " ")
    text = _PUNCTUATION.sub(" ", _SEPARATORS.sub(" ", text))
    text = _ARTICLE.sub("", _WHITE.sub(" ", text).strip())
    return "".join(_singular(word) for word in text.split())


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def id_key(curie: Optional[str]) -> str:
    if not curie:
        return ""
    curie = curie.strip().upper().replace("_", ":")
    return _CURIE_PREFIX.sub(lambda m: m.group(1) + ":", curie)


def fold_space(text: Optional[str]) -> str:
    return _WHITE.sub(" ", text or "").strip()


@dataclass
class GoldConcept:
    label: str
    names: list[str]
    id: str
    negated: Optional[bool]
    optional: bool
    keys: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return self.names[0] if self.names else ""

    def matches(self, text: str, name: str, curie: str) -> bool:
        if name_key(text) in self.keys or (name and name_key(name) in self.keys):
            return True
        return bool(self.id) and id_key(curie) == self.id


def gold_concepts(gold: dict) -> dict[str, list[GoldConcept]]:
    concepts: dict[str, list[GoldConcept]] = defaultdict(list)
    for section, optional in (("entities", False), ("optional", True)):
        for label, specs in (gold.get(section) or {}).items():
            for spec in specs:
                names = spec.get("names") or []
                concepts[label].append(GoldConcept(label, names, id_key(spec.get("id")), spec.get("negated"),
                                                   optional, {name_key(n) for n in names}))
    return concepts


def relation_triples(gold: dict, concepts: dict[str, list[GoldConcept]], by_id: dict[str, dict], record: dict
                     ) -> tuple[set, set]:
    """(gold triples, predicted triples) of one article, as (type, head concept, tail
    concept); a predicted entity no gold concept names is keyed "?" + its name, relations
    touching an optional concept and optional gold relations are left out."""
    wanted = {(r["type"], r["head"], r["tail"]) for r in gold.get("relations") or []}
    allowed = {(r["type"], r["head"], r["tail"]) for r in gold.get("optional_relations") or []}
    predicted = set()
    for relation in record.get("relations") or []:
        head, tail = by_id.get(relation.get("head")), by_id.get(relation.get("tail"))
        if not head or not tail:
            continue
        head_concept, tail_concept = find_concept(head, concepts), find_concept(tail, concepts)
        if (head_concept and head_concept.optional) or (tail_concept and tail_concept.optional):
            continue
        predicted.add((relation.get("type"),
                       head_concept.key if head_concept else "?" + predicted_key(head),
                       tail_concept.key if tail_concept else "?" + predicted_key(tail)))
    return wanted, predicted - allowed


def find_concept(entity: dict, concepts: dict[str, list[GoldConcept]]) -> Optional[GoldConcept]:
    normalized = entity.get("normalized") or {}
    for concept in concepts.get(entity.get("label", ""), []):
        if concept.matches(entity.get("text", ""), normalized.get("name", ""), normalized.get("id", "")):
            return concept
    return None


def predicted_key(entity: dict) -> str:
    return name_key((entity.get("normalized") or {}).get("name") or entity.get("text", ""))


def record_key(record: dict) -> str:
    source = record.get("source") or {}
    if source.get("id"):
        return str(source["id"])
    if source.get("path"):
        return Path(str(source["path"])).stem
    return str(record.get("doc_id", ""))


def ratio(numerator: float, denominator: float) -> Optional[float]:
    return numerator / denominator if denominator else None


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


class Scorer:
    """Accumulates counts over documents; ``report()`` gives the metrics."""

    def __init__(self) -> None:
        self.entity = {label: [0, 0, 0] for label in LABELS}
        self.relation = [0, 0, 0]
        self.negation = [0, 0]
        self.findings = defaultdict(int)
        self.cleaning = defaultdict(int)
        self.missing: list[str] = []
        self.notes: list[str] = []
        self.documents = 0

    def add(self, gold_id: str, gold: dict, record: Optional[dict]) -> None:
        self.documents += 1
        if record is None:
            self.missing.append(gold_id)
            record = {}
        concepts = gold_concepts(gold)
        entities = record.get("entities") or []
        self._entities(gold_id, concepts, entities)
        self._relations(gold_id, gold, concepts, {e.get("id"): e for e in entities}, record)
        self._findings(gold, concepts, record)
        self._cleaning(gold, record)

    def _entities(self, gold_id: str, concepts: dict[str, list[GoldConcept]], entities: list[dict]) -> None:
        found: dict[str, set[str]] = defaultdict(set)
        unmatched: dict[str, set[str]] = defaultdict(set)
        matched: dict[str, set[str]] = defaultdict(set)
        negations: dict[tuple[str, str], list[bool]] = defaultdict(list)
        for entity in entities:
            label = entity.get("label", "")
            if label not in self.entity:
                continue
            concept = find_concept(entity, concepts)
            if concept is None:
                unmatched[label].add(predicted_key(entity))
            elif not concept.optional:
                found[label].add(concept.key)
                matched[label].add(predicted_key(entity))
                negations[(label, concept.key)].append(bool(entity.get("negated")))
        for label in LABELS:
            required = {c.key for c in concepts.get(label, []) if not c.optional}
            false_positives = unmatched[label] - matched[label]
            self.entity[label][0] += len(found[label])
            self.entity[label][1] += len(false_positives)
            self.entity[label][2] += len(required - found[label])
            for concept in concepts.get(label, []):
                if concept.optional or concept.negated is None or concept.key not in found[label]:
                    continue
                self.negation[1] += 1
                self.negation[0] += bool(concept.negated) in negations[(label, concept.key)]
            if required - found[label] or false_positives:
                self.notes.append(f"{gold_id} {label}: missed {sorted(required - found[label])} "
                                  f"extra {sorted(false_positives)}")

    def _relations(self, gold_id: str, gold: dict, concepts: dict[str, list[GoldConcept]],
                   by_id: dict[str, dict], record: dict) -> None:
        wanted, predicted = relation_triples(gold, concepts, by_id, record)
        self.relation[0] += len(predicted & wanted)
        self.relation[1] += len(predicted - wanted)
        self.relation[2] += len(wanted - predicted)
        if predicted ^ wanted:
            self.notes.append(f"{gold_id} REL: missed {sorted(wanted - predicted)} extra {sorted(predicted - wanted)}")

    def _findings(self, gold: dict, concepts: dict[str, list[GoldConcept]], record: dict) -> None:
        therapies = concepts.get("THERAPY", [])
        diseases = concepts.get("DISEASE", [])

        def resolve(name: Optional[str], pool: list[GoldConcept]) -> Optional[str]:
            key = name_key(name)
            return next((c.key for c in pool if name and key in c.keys), None)

        predicted = []
        for finding in record.get("findings") or []:
            therapy, disease = finding.get("therapy"), finding.get("disease")
            therapy = therapy.get("name") if isinstance(therapy, dict) else therapy
            disease = disease.get("name") if isinstance(disease, dict) else disease
            predicted.append((resolve(therapy, therapies), resolve(disease, diseases), finding))
        for wanted in gold.get("findings") or []:
            self.findings["gold"] += 1
            names = wanted["therapy"] if isinstance(wanted["therapy"], list) else [wanted["therapy"]]
            keys = {resolve(n, therapies) or n for n in names}
            disease = resolve(wanted.get("disease"), diseases) if wanted.get("disease") else None
            hits = [p for p in predicted if p[0] in keys and (disease is None or p[1] == disease)]
            if not hits:
                continue
            self.findings["matched"] += 1
            if wanted.get("patients") is not None:
                self.findings["patients_n"] += 1
                self.findings["patients_ok"] += any(_patients(h[2]) == wanted["patients"] for h in hits)
            if wanted.get("follow_up"):
                self.findings["follow_n"] += 1
                target = (float(wanted["follow_up"]["value"]), wanted["follow_up"]["unit"].rstrip("s"))
                self.findings["follow_ok"] += any(_follow_up(h[2]) == target for h in hits)

    def _cleaning(self, gold: dict, record: dict) -> None:
        text = fold_space(record.get("text", ""))
        counts = self.cleaning
        for sentence in gold.get("body_sentences") or []:
            counts["body_n"] += 1
            counts["body_found"] += fold_space(_MARKUP.sub(" ", sentence)) in text
        for snippet in gold.get("boilerplate") or []:
            counts["boiler_n"] += 1
            counts["boiler_left"] += fold_space(snippet) in text
        counts["meta_n"] += 1
        counts["title_ok"] += fold_space(record.get("title")).lower() == fold_space(gold.get("title")).lower()
        counts["date_ok"] += (record.get("published") or None) == (gold.get("published") or None)
        dois = {str(c.get("doi") or "").lower() for c in record.get("citations") or []}
        for doi in gold.get("dois") or []:
            counts["doi_n"] += 1
            counts["doi_found"] += doi.lower() in dois

    def report(self) -> dict[str, Any]:
        entities = {}
        macro = []
        totals = [0, 0, 0]
        for label in LABELS:
            tp, fp, fn = self.entity[label]
            scores = prf(tp, fp, fn)
            if tp + fn:
                macro.append(scores["f1"])
            totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
            entities[label] = {**scores, "gold": tp + fn, "false_pos": fp}
        f, c = self.findings, self.cleaning
        body = ratio(c["body_found"], c["body_n"])
        boiler = None if not c["boiler_n"] else 1 - c["boiler_left"] / c["boiler_n"]
        return {
            "documents": self.documents,
            "missing_records": self.missing,
            "entities": entities,
            "entity_micro": prf(*totals),
            "entity_macro_f1": sum(macro) / len(macro) if macro else 0.0,
            "relations": {**prf(*self.relation), "gold": self.relation[0] + self.relation[2]},
            "negation_accuracy": ratio(self.negation[0], self.negation[1]),
            "findings": {"recall": ratio(f["matched"], f["gold"]),
                         "patients_accuracy": ratio(f["patients_ok"], f["patients_n"]),
                         "follow_up_accuracy": ratio(f["follow_ok"], f["follow_n"])},
            "cleaning": {"body_retained": body, "boilerplate_removed": boiler,
                         "title_accuracy": ratio(c["title_ok"], c["meta_n"]),
                         "date_accuracy": ratio(c["date_ok"], c["meta_n"]),
                         "doi_recall": ratio(c["doi_found"], c["doi_n"])},
            "notes": self.notes,
        }


def _patients(finding: dict) -> Optional[int]:
    value = finding.get("patients")
    return value.get("n") if isinstance(value, dict) else value


def _follow_up(finding: dict) -> Optional[tuple[float, str]]:
    value = finding.get("follow_up") or {}
    if not value:
        return None
    return float(value.get("value", -1)), str(value.get("unit", "")).rstrip("s")


def load_records(path: Path) -> dict[str, dict]:
    records = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                records[record_key(record)] = record
    return records


def load_gold(directory: Path) -> dict[str, dict]:
    golds = {}
    for path in sorted(Path(directory).glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        golds[gold.get("id") or path.stem] = gold
    return golds


def score_files(records_path: Path, gold_dir: Path) -> dict[str, Any]:
    records, golds = load_records(records_path), load_gold(gold_dir)
    scorer = Scorer()
    for gold_id, gold in sorted(golds.items()):
        scorer.add(gold_id, gold, records.get(gold_id))
    return scorer.report()


def _fmt(value: Optional[float]) -> str:
    return "  -  " if value is None else f"{value:5.3f}"


def format_report(report: dict[str, Any], verbose: bool = False) -> str:
    lines = [f"documents {report['documents']}  missing records {len(report['missing_records'])} "
             f"{report['missing_records'][:10]}",
             f"{'label':14} {'P':>5} {'R':>5} {'F1':>5} {'gold':>5} {'FP':>4}"]
    for label, v in report["entities"].items():
        lines.append(f"{label:14} {_fmt(v['precision'])} {_fmt(v['recall'])} {_fmt(v['f1'])} {v['gold']:5d} "
                     f"{v['false_pos']:4d}")
    m, r, f, c = report["entity_micro"], report["relations"], report["findings"], report["cleaning"]
    lines.append(f"{'entity micro':14} {_fmt(m['precision'])} {_fmt(m['recall'])} {_fmt(m['f1'])}   "
                 f"macro F1 {_fmt(report['entity_macro_f1'])}")
    lines.append(f"{'relations':14} {_fmt(r['precision'])} {_fmt(r['recall'])} {_fmt(r['f1'])} {r['gold']:5d}")
    lines.append(f"negation accuracy {_fmt(report['negation_accuracy'])}")
    lines.append(f"findings recall {_fmt(f['recall'])}  patients acc {_fmt(f['patients_accuracy'])}  "
                 f"follow-up acc {_fmt(f['follow_up_accuracy'])}")
    lines.append("cleaning " + "  ".join(f"{k} {_fmt(v)}" for k, v in c.items()))
    if verbose:
        lines += report["notes"]
    clean_parts = [v for v in (c["body_retained"], c["boilerplate_removed"]) if v is not None]
    clean_score = sum(clean_parts) / 2 if clean_parts else 0.0
    lines.append(f"SCORE entity_f1={m['f1']:.3f} relation_f1={r['f1']:.3f} clean={clean_score:.3f} "
                 f"findings={f['recall'] if f['recall'] is not None else 0:.3f}")
    return "\n".join(lines)
