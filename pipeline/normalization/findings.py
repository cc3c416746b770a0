"""Findings: one record per studied therapy and disease, with the numbers that matter.

The studied therapies are the relation stage's focus (``pipeline.relating.focus``); the
diseases are those it ``TREATS``. Names are the concept's canonical name when the
article uses it, else the article's own most frequent wording of the concept, so that a
curator finds them in the text; ids are the concept's, taken from any mention of it that
was linked (the first mention may be an unlinked wording of a linked concept), and
``therapy_entity``/``disease_entity`` lead to the canonical name. The
number of patients treated and the longest follow-up come from
``pipeline.normalization.study_numbers``.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Callable, Optional, Sequence

from ..isolation import Steps
from ..relating.focus import appositions, focus_therapies, key, sentences_of
from ..relating.same_therapy import head_mentions, merged
from ..schema import Citation, Evidence, Finding, LinkedEntity, Relation
from .results import adverse_event_result, outcome_result
from .study_design import patient_age, trial_name, trial_phase
from .study_numbers import follow_up_evidence, longest_follow_up, treated


#: "LBCL", "SLE": a curator reads the spelled-out wording better
ABBREVIATION = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Z0-9][A-Za-z0-9αβγ\-]{1,9}")


def build_findings(text: str, entities: list[LinkedEntity], relations: list[Relation],
                   citations: Sequence[Citation] = (), steps: Optional[Steps] = None) -> list[Finding]:
    """One finding per studied therapy and disease. Each part is a guarded step: a number
    or a detail that fails to be read is left empty, a finding that fails to be built is
    left out, and ``steps`` names what was skipped."""
    steps = steps or Steps("normalize")
    sentences = steps.run("sentences", sentences_of, text, entities, default=[])
    focus = steps.run("studied therapy", focus_therapies, text, entities, sentences, default=[])
    if not focus:
        return []
    by_id = {e.id: e for e in entities}
    follow_up = steps.run("follow-up", longest_follow_up, text, default=None)
    stated_at = steps.run("follow-up evidence", follow_up_evidence, text, follow_up, default=None)
    follow_up_at = Evidence(start=stated_at[0], end=stated_at[1]) if stated_at else None
    on_focus = [(s.start, s.end) for s in sentences if s.therapies() & set(focus)]
    design = dict(age=steps.run("age", patient_age, text, default=None),
                  phase=steps.run("phase", trial_phase, text, default=None),
                  trial=steps.run("trial name", trial_name, text, entities, on_focus, default=None),
                  citation=next((c.doi for c in citations if c.doi), None))
    findings = []
    therapies = [e for e in entities if e.label == "THERAPY"]
    alias = steps.run("one therapy's wordings", merged, focus, therapies, appositions(sentences), text,
                      default={})
    best_counts: dict = {}  # the count of patients treated, per therapy, whatever the disease
    for name in focus:
        with steps.step("finding"):
            related = [(r.type, by_id[r.tail]) for r in relations if r.head in by_id and r.tail in by_id
                       and alias.get(key(by_id[r.head]), key(by_id[r.head])) == name]
            results = _Memo(_results)  # a therapy's results are the same for each of its diseases
            therapy = head_mentions(name, therapies, alias)
            diseases = steps.run("study diseases", _study_diseases, text, entities,
                                 [t for kind, t in related if kind == "TREATS"], default=[]) or [None]
            targets = _distinct([t for kind, t in related if kind == "TARGETS"])
            for disease in diseases:
                with steps.step("finding"):
                    patients = steps.run("patients treated", treated, sentences, set(focus), name,
                                         key(disease) if disease else None, best_counts, default=None)
                    disease_mentions = ([e for e in entities if e.label == "DISEASE" and key(e) == key(disease)]
                                        if disease else [])
                    findings.append(Finding(
                        therapy=display_name(therapy, text), therapy_id=concept_id(therapy),
                        disease=display_name(disease_mentions, text) if disease else None,
                        disease_id=concept_id(disease_mentions) if disease else None,
                        target=targets[0].normalized.name if targets else None,
                        cell_types=_names(t for kind, t in related if kind == "USES_CELL_TYPE"),
                        outcomes=_names(t for kind, t in related if kind == "HAS_OUTCOME"),
                        adverse_events=_names(t for kind, t in related if kind == "CAUSES_ADVERSE_EVENT"),
                        patients=patients.value if patients else None,
                        patients_evidence=Evidence(start=patients.start, end=patients.end) if patients else None,
                        follow_up=follow_up, follow_up_evidence=follow_up_at,
                        therapy_entity=therapy[0].id,
                        disease_entity=_first_mention(disease, entities).id if disease else None,
                        outcome_results=steps.run("outcome results", results, "HAS_OUTCOME", related, entities, text,
                                                  default=[]),
                        adverse_event_results=steps.run("adverse event results", results, "CAUSES_ADVERSE_EVENT",
                                                        related, entities, text, default=[]),
                        **design))
    return findings


def concept_id(mentions: list[LinkedEntity]) -> Optional[str]:
    """The concept's id: the first mention of it that was linked to one."""
    return next((m.normalized.id for m in mentions if m.normalized.id), None)


def display_name(mentions: list[LinkedEntity], text: str) -> str:
    """The article's most specific wording of the concept when it narrows the canonical
    name ("triple-negative breast cancer", "allogeneic hematopoietic stem cell
    transplantation"), else the canonical name if the article uses it, else the article's
    most frequent wording."""
    canonical = mentions[0].normalized.name
    wordings = Counter(" ".join(m.text.split()) for m in mentions)
    narrower = [w for w in wordings if canonical.lower() in w.lower() and len(w) > len(canonical)]
    if narrower:
        return max(narrower, key=lambda w: (wordings[w], len(w)))
    if canonical.lower() in text.lower():
        return canonical
    spelled_out = [w for w in wordings if not ABBREVIATION.fullmatch(w)] or list(wordings)
    return max(spelled_out, key=lambda w: (wordings[w], len(w)))


def _study_diseases(text: str, entities: list[LinkedEntity], treated: list[LinkedEntity]) -> list[LinkedEntity]:
    """Of the diseases the therapy treats, those the study is about: named in the title,
    the one the article names most, and any other it names at least twice."""
    treated = _distinct(treated)
    if not treated:
        return []
    title_end = text.find("\n") if "\n" in text else len(text)
    in_title = {key(e) for e in entities if e.label == "DISEASE" and e.end <= title_end}
    counts = Counter(key(e) for e in entities if e.label == "DISEASE")
    top = max(treated, key=lambda d: counts[key(d)])
    return [d for d in treated if key(d) in in_title or d is top or counts[key(d)] >= 2]


def _results(kind: str, related: list[tuple[str, LinkedEntity]], entities: list[LinkedEntity],
             text: str) -> list:
    """One result per related concept, read from its first mention that states a value
    (else its first mention), in the order the article gives them."""
    label = "OUTCOME" if kind == "HAS_OUTCOME" else "ADVERSE_EVENT"
    read = outcome_result if label == "OUTCOME" else adverse_event_result
    same_label = [e for e in entities if e.label == label]
    starts = sorted(e.start for e in same_label)
    results = []
    for tail in sorted(_distinct([t for k, t in related if k == kind]), key=lambda e: e.start):
        candidates = (read(m, text, starts) for m in same_label if key(m) == key(tail))
        stated = next((r for r in candidates if r.result or getattr(r, "grade", None)), None)
        results.append(stated or read(tail, text, starts))
    return results


class _Memo:
    """``function`` remembered by its first argument for one therapy's findings; a call
    that raises is not remembered, so each finding that asks fails (and is counted) alike."""

    def __init__(self, function: Callable[..., list]) -> None:
        self.function = function
        self.found: dict[str, list] = {}

    def __call__(self, kind: str, *args: Any) -> list:
        if kind not in self.found:
            self.found[kind] = self.function(kind, *args)
        return self.found[kind]


def _first_mention(concept: LinkedEntity, entities: list[LinkedEntity]) -> LinkedEntity:
    return next(e for e in entities if e.label == concept.label and key(e) == key(concept))


def _distinct(entities: list[LinkedEntity]) -> list[LinkedEntity]:
    seen, out = set(), []
    for entity in entities:
        if key(entity) not in seen:
            seen.add(key(entity))
            out.append(entity)
    return out


def _names(entities) -> list[str]:
    return sorted({e.normalized.name for e in entities})
