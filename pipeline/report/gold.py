"""Gold comparison for the report, with the scorer's own rules (``pipeline.evaluation``):
per article the concepts and relations missed and the extra ones, and the run's scores."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..evaluation import LABELS, Scorer, find_concept, gold_concepts, load_gold, predicted_key, prf, record_key, \
    relation_triples

RelationKey = tuple[str, str, str]


@dataclass
class ArticleDifferences:
    """What an article's record misses and adds against its gold file."""
    gold_id: str
    missed_entities: dict[str, list[str]] = field(default_factory=dict)
    extra_entities: dict[str, list[str]] = field(default_factory=dict)
    missed_relations: list[RelationKey] = field(default_factory=list)
    extra_relations: list[RelationKey] = field(default_factory=list)
    scores: dict = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not (any(self.missed_entities.values()) or any(self.extra_entities.values())
                    or self.missed_relations or self.extra_relations)


def article_differences(gold_id: str, gold: dict, record: dict) -> ArticleDifferences:
    """Missed and extra concepts per label and relation triples, and the article's F1s,
    as the scorer counts them."""
    concepts = gold_concepts(gold)
    entities = record.get("entities") or []
    differences = ArticleDifferences(gold_id)
    found: dict[str, set[str]] = {label: set() for label in LABELS}
    matched: dict[str, set[str]] = {label: set() for label in LABELS}
    unmatched: dict[str, set[str]] = {label: set() for label in LABELS}
    for entity in entities:
        label = entity.get("label", "")
        if label not in found:
            continue
        concept = find_concept(entity, concepts)
        if concept is None:
            unmatched[label].add(predicted_key(entity))
        elif not concept.optional:
            found[label].add(concept.key)
            matched[label].add(predicted_key(entity))
    for label in LABELS:
        required = {c.key for c in concepts.get(label, []) if not c.optional}
        differences.missed_entities[label] = sorted(required - found[label])
        differences.extra_entities[label] = sorted(_display_names(entities, label, unmatched[label] - matched[label]))
    wanted, predicted = relation_triples(gold, concepts, {e.get("id"): e for e in entities}, record)
    differences.missed_relations = sorted(wanted - predicted)
    differences.extra_relations = sorted(predicted - wanted)
    entity_counts = (sum(len(found[label]) for label in LABELS),
                     sum(len(unmatched[label] - matched[label]) for label in LABELS),
                     sum(len(missed) for missed in differences.missed_entities.values()))
    differences.scores = {"entity_f1": prf(*entity_counts)["f1"],
                          "relation_f1": prf(len(predicted & wanted), len(predicted - wanted),
                                             len(wanted - predicted))["f1"]}
    return differences


def _display_names(entities: list[dict], label: str, keys: set[str]) -> set[str]:
    """The canonical names of a label's predictions whose comparison key is in ``keys``."""
    names = set()
    for entity in entities:
        if entity.get("label") == label and predicted_key(entity) in keys:
            names.add((entity.get("normalized") or {}).get("name") or entity.get("text", ""))
    return names


class GoldComparison:
    """The gold files of a folder, compared with records as they stream by; ``scores()``
    gives the report over the articles that have a gold file (a gold file without a
    record in this run is listed, not counted as a miss: a report may cover part of a
    corpus)."""

    def __init__(self, directory: Path):
        self.golds = load_gold(directory)
        self.scorer = Scorer()
        self.seen: set[str] = set()

    def compare(self, record: dict) -> Optional[ArticleDifferences]:
        """The record's differences from its gold file (and its share of the run's scores), or None without one."""
        key = record_key(record)
        gold = self.golds.get(key)
        if gold is None or key in self.seen:
            return None
        self.seen.add(key)
        self.scorer.add(key, gold, record)
        return article_differences(key, gold, record)

    def scores(self) -> dict:
        """The scorer's report over the articles compared so far."""
        report = self.scorer.report()
        report["gold_files"] = len(self.golds)
        report["without_record"] = sorted(set(self.golds) - self.seen)
        return report
