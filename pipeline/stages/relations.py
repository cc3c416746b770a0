"""Relations: ``EntityDocument`` -> ``RelationDocument``.

The studied therapy (``pipeline.relating.focus``) takes the article's results: every
outcome and adverse event stated outside sentences about other therapies
(``HAS_OUTCOME``, ``CAUSES_ADVERSE_EVENT``; across sentences, since news text says
"After the infusion, all of them…"), the diseases the article is about (``TREATS``), the
antigens it is named by or said to target (``TARGETS``), and, for a cell therapy, the
cell populations it is made of or acts on (``USES_CELL_TYPE``). Other therapies get only
what their own sentence states: the disease they are given for and the target inside
their name. Each relation's evidence is the sentence of its tail.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from ..relating.focus import Sentence, about_other_therapy, focus_therapies, key, sentences_of, studied_names
from ..schema import Entity, EntityDocument, Evidence, Relation, RelationDocument
from . import per_record

STAGE = "relations"
TARGET_CUE = re.compile(r"\b(?:target\w*|directed|against|anti-|binds?|bispecific|specific|engager|×|x\b|/)", re.I)
TREAT_CUE = re.compile(r"\b(?:in|for|with|treat\w*|patients|children|adults|against)\b", re.I)
CELL_THERAPY = re.compile(r"cell|car\b|car-|car |tcr|til\b|lymphocyte|nk\b|leucel|-cel\b|autotemcel|transplant|stem|"
                          r"infusion|graft|islet|progenitor", re.I)
DISEASE_CELLS = re.compile(r"tumou?r|cancer|leuka?emi|lymphoma|myeloma|malignant|blast", re.I)


def relate_document(record: EntityDocument) -> RelationDocument:
    return RelationDocument(**record.model_dump(), relations=relate(record.text, record.entities))


relations = per_record(STAGE, relate_document)


def relate(text: str, entities: list[Entity]) -> list[Relation]:
    sentences = sentences_of(text, entities)
    focus = focus_therapies(text, entities, sentences)
    focus_set = set(focus)
    studied = studied_names(focus)
    heads = {key(e): e for e in reversed(entities) if e.label == "THERAPY"}  # first mention of each therapy
    main_diseases = _main_diseases(text, entities)
    found: dict[tuple[str, str, str], Relation] = {}

    def add(kind: str, head: Entity, tail: Entity, sentence: Sentence) -> None:
        triple = (kind, key(head), key(tail))
        if triple not in found and key(head) != key(tail):
            found[triple] = Relation(type=kind, head=head.id, tail=tail.id,
                                     evidence=Evidence(start=sentence.start, end=sentence.end))

    for name in focus:
        head = heads[name]
        cell_therapy = bool(CELL_THERAPY.search(name) or CELL_THERAPY.search(head.text))
        for sentence in sentences:
            other = about_other_therapy(sentence, studied)
            names_focus = name in sentence.therapies()
            for tail in sentence.entities:
                if tail.label == "OUTCOME" and not other:
                    add("HAS_OUTCOME", head, tail, sentence)
                elif tail.label == "ADVERSE_EVENT" and not other:
                    add("CAUSES_ADVERSE_EVENT", head, tail, sentence)
                elif tail.label == "DISEASE" and key(tail) in main_diseases and not other:
                    add("TREATS", head, tail, sentence)
                elif tail.label == "ANTIGEN" and (_inside_any(tail, entities, name) or
                                                  (names_focus and TARGET_CUE.search(sentence.text))):
                    add("TARGETS", head, tail, sentence)
                elif tail.label == "CELL_TYPE" and cell_therapy and not other and not DISEASE_CELLS.search(tail.text):
                    add("USES_CELL_TYPE", head, tail, sentence)
    for sentence in sentences:
        for head in (e for e in sentence.entities if e.label == "THERAPY" and key(e) not in focus_set):
            for tail in sentence.entities:
                if tail.label == "ANTIGEN" and head.start <= tail.start and tail.end <= head.end:
                    add("TARGETS", head, tail, sentence)
                elif tail.label == "DISEASE" and key(tail) in main_diseases and TREAT_CUE.search(
                        sentence.text[min(head.end, tail.end) - sentence.start:max(head.start, tail.start) - sentence.start]):
                    add("TREATS", head, tail, sentence)
    return list(found.values())


def _main_diseases(text: str, entities: list[Entity]) -> set[str]:
    """The diseases the article is about: those in its title, else the most mentioned."""
    title_end = text.find("\n") if "\n" in text else len(text)
    diseases = [e for e in entities if e.label == "DISEASE"]
    in_title = {key(e) for e in diseases if e.end <= title_end}
    counts = Counter(key(e) for e in diseases)
    if not counts:
        return set()
    top = counts.most_common(1)[0][1]
    return in_title | {name for name, n in counts.items() if n >= max(2, 0.5 * top)}


def _inside_any(tail: Entity, entities: list[Entity], name: str) -> bool:
    return any(e.label == "THERAPY" and key(e) == name and e.start <= tail.start and tail.end <= e.end
               for e in entities)
