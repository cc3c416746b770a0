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
from bisect import bisect_right
from collections import Counter
from typing import Callable, Optional

from ..relating.effector_cells import effector_lineage, uses_cells
from ..relating.focus import (APPOSITION, NAMED_AS, NOT_STUDIED, OTHER_ARM, TREATS_NOTHING, Sentence, about_other_therapy, appositions, focus_therapies, generic, key, sentences_of,
                             studied_names)
from ..isolation import Steps
from ..schema import Entity, EntityDocument, Evidence, Relation, RelationDocument
from ..relating.comparator import comparator_arm
from ..relating.control_arms import control_arms
from ..relating.prior_lines import prior_therapies
from ..relating.same_therapy import head_mentions, merged, other_sourced
from ..relating.supportive import managed_event
from ..relating.induced import Mention, induced_pairs
from . import per_record

STAGE = "relations"
TARGET_CUE = re.compile(r"\b(?:target\w*|directed|against|anti-|binds?|binding|bispecific|specific|engager|inhibit\w*|"
                        r"block\w*|antagonist|agonist|antibod\w*|conjugate|degrad\w*|recogni[sz]\w*|edit\w*|knock\w*|"
                        r"silenc\w*|deliver\w*|encod\w*|neutrali[sz]\w*|copy of|×|x\b|/)", re.I)
#: a sentence on how the article's disease is treated today
STANDARD_TREATMENT = re.compile(r"\b(?:standard (?:of care|treatment|therapy)|standard-of-care|mainstay|"
                                r"current (?:drugs|treatments?|therap(?:y|ies)|options)|treatment options?|"
                                r"(?:first|second|third)-line (?:treatment|therapy)|"
                                r"approved (?:drugs|treatments?|therap(?:y|ies)))\b", re.I)
#: a therapy blamed for the adverse events named after it
BLAMED_AFTER = re.compile(r"\s*-?\s*(?:related|associated|induced|caused)\b|(?:\s+\w+){0,3}\s+(?:brings?|caus\w+|"
                          r"leads? to|led to|induc\w+|results? in|has|had)\b[^.;]{0,30}\b(?:side effects?|toxicit\w+|"
                          r"adverse|complications?)|(?:\s+\w+){0,3}\s+(?:brings?|causes?|induces?)\s+(?!\w+ (?:benefit|"
                          r"response|remission|improvement))", re.I)
#: "… were mainly attributed to the lymphodepleting chemotherapy"
BLAMED_LATER = re.compile(r"^[^.;]{0,40}\b(?:attributed|related|due|linked|ascribed) to\s+(?:the\s+)?$", re.I)
BLAMED_BEFORE = re.compile(r"\b(?:(?:side|off-target|toxic|unwanted) effects?|adverse (?:events?|effects?|reactions?)|toxicit(?:y|ies)|complications?|"
                           r"events?)\s+(?:of|from|caused by|due to|related to|associated with|attributed to|induced by)"
                           r"(?:\s+(?:the|long-term|high-dose|prolonged))?\s*$|\b(?:related|due|attributed) to\s+(?:the\s+)?$"
                           r"|\bcaused by\s+(?:the\s+)?$", re.I)
#: what is left between a preparation step and a drug of its list once the other drugs are
#: taken out: " with ", " with  and "
PREPARATION_LIST = re.compile(r"\s*(?:with|using|of|consisting of)\b[\s,+/]*(?:(?:and|plus)\b[\s,+/]*)*", re.I)
#: what joins the products of a list: ", ", " and ", ", or "
#: how far a target may stand from the therapy said to target it
TARGET_DISTANCE = 60
#: the cells a therapy acts on ("depletes B cells"), not the ones it is made of
ACTED_ON = re.compile(r"\b(?:deplet\w*|eliminat\w*|kill\w*|attack\w*|destroy\w*|target\w*|reset\w*|reconstitut\w*|"
                      r"recover\w*|return\w*|repopulat\w*|reappear\w*|aplasia)\b", re.I)
#: "malignant B cells", "autoreactive plasma cells": the disease's cells
DISEASED = re.compile(r"\b(?:malignant|autoreactive|leuka?emic|cancerous|clonal|abnormal)\W*$", re.I)
ENGINEERED_CELLS = re.compile(r"\bcar\b|car-|engineered|modified|transduced|armou?red|product", re.I)
TREAT_CUE = re.compile(r"\b(?:in|for|with|treat\w*|patients|children|adults|against)\b", re.I)
CELL_THERAPY = re.compile(r"cell|car\b|car-|car |tcr|til\b|lymphocyte|nk\b|leucel|-cel\b|autotemcel|transplant|stem|"
                          r"infusion|graft|islet|progenitor", re.I)
DISEASE_CELLS = re.compile(r"tumou?r|cancer|leuka?emi|lymphoma|myeloma|malignant|blast", re.I)


def relate_document(record: EntityDocument) -> RelationDocument:
    """The record with its relations; a rule that fails on the page is skipped and named in
    ``warnings`` (fewer relations, never a rejected article)."""
    steps = Steps(STAGE)
    found = relate(record.text, record.entities, steps)
    # the record was validated when read; only the new fields are built (and validated) here
    fields = dict(record)
    fields["warnings"] = [*record.warnings, *steps.warnings]
    return RelationDocument.model_construct(**fields, relations=found)


relations = per_record(STAGE, relate_document)


def relate(text: str, entities: list[Entity], steps: Optional[Steps] = None) -> list[Relation]:
    """The page's relations. Each rule runs as its own step (per studied therapy, per
    sentence): one that raises costs the relations it would have added, not the others."""
    steps = steps or Steps(STAGE)
    entities = steps.run("ligands inside targets", _without_named_ligands, entities, default=entities)
    sentences = steps.run("sentences", sentences_of, text, entities, default=[])
    focus = steps.run("studied therapy", focus_therapies, text, entities, sentences, default=[])
    therapies = [e for e in entities if e.label == "THERAPY"]
    alias = steps.run("one therapy's wordings", merged, focus, therapies, appositions(sentences), text,
                      default={})
    focus_set = set(focus) | set(alias)
    # "autologous CD19 CAR-T" beside a studied allogeneic one is another product, not its description
    distinct = steps.run("other products of the modality", other_sourced, focus, therapies, alias, text, default=set())
    studied = (steps.run("studied names", studied_names, focus, sentences, default=set()) - distinct) | set(alias)
    heads = {key(e): e for e in reversed(therapies)}  # first mention of each therapy
    for name in focus:  # "CD19 CAR T cells" and "CD19 CAR-T cell therapy": one head for both
        heads[name] = next(iter(head_mentions(name, therapies, alias)), heads.get(name))
    main_diseases = steps.run("main diseases", _main_diseases, text, entities, default=set())
    found: dict[tuple[str, str, str], Relation] = {}

    def add(kind: str, head: Entity, tail: Entity, sentence: Sentence) -> None:
        if alias.get(key(head)) in heads:
            head = heads[alias[key(head)]]
        triple = (kind, key(head), key(tail))
        if triple not in found and key(head) != key(tail):
            found[triple] = Relation(type=kind, head=head.id, tail=tail.id,
                                     evidence=Evidence(start=sentence.start, end=sentence.end))

    primary = steps.run("primary disease", _primary_disease, entities, main_diseases, default=None)
    arms = {name: arm for name, arm in steps.run("control arms", control_arms, sentences, studied, focus_set, key,
                                                 default={}).items() if name not in TREATS_NOTHING}
    controls = set(arms)
    for name in focus:
        with steps.step("studied therapy's relations"):
            if heads.get(name) is not None:  # a studied name no mention carries (a regimen's drug named only inside it) has none
                _relate_studied(name, heads[name], text, entities, sentences, studied, distinct, controls, main_diseases,
                                add)
    for name, (mention, sentence) in arms.items():
        with steps.step("control arms treat the disease"):
            if primary is not None:  # "randomly assigned to tarlatamab or to standard chemotherapy": both arms treat it
                add("TREATS", heads.get(name, mention), primary, sentence)
    for sentence in sentences:
        with steps.step("adverse events blamed on a therapy"):
            for tail in (e for e in sentence.entities if e.label == "ADVERSE_EVENT"):
                blamed = _blamed_therapy(tail, sentence)
                if blamed is not None and key(blamed) in heads:  # "glucocorticoid-related side effects such as acne"
                    add("CAUSES_ADVERSE_EVENT", heads[key(blamed)], tail, sentence)
        with steps.step("diseases a drug induced"):
            for cause, effect in _induced(sentence):  # "phenobarbital-induced dyskinesia"
                add("CAUSES_ADVERSE_EVENT", heads.get(key(cause), cause), effect, sentence)
        with steps.step("targets stated"):
            for tail in (e for e in sentence.entities if e.label == "ANTIGEN"):
                for stated in _stated_targeters(tail, sentence):
                    if stated in heads:  # "daratumumab, an antibody that targets CD38"
                        add("TARGETS", heads[stated], tail, sentence)
        with steps.step("drugs given for a toxicity"):
            for head in (e for e in sentence.entities if e.label == "THERAPY" and key(e) not in focus_set):
                managed = managed_event(head, sentence)
                if managed is not None:  # "CRS was managed with tocilizumab": the drug treats the toxicity
                    add("TREATS", heads.get(key(head), head), managed, sentence)
        with steps.step("comparator arm's results"):
            for tail in (e for e in sentence.entities if e.label in ("OUTCOME", "ADVERSE_EVENT")):
                arm = comparator_arm(tail, sentence, studied, key, controls)
                if arm is not None and arm.therapy is not None and key(arm.therapy) not in TREATS_NOTHING:
                    kind = "HAS_OUTCOME" if tail.label == "OUTCOME" else "CAUSES_ADVERSE_EVENT"
                    add(kind, heads.get(key(arm.therapy), arm.therapy), tail, sentence)
                    if primary is not None:  # the other arm was given for the trial's disease too
                        add("TREATS", heads.get(key(arm.therapy), arm.therapy), primary, sentence)
        with steps.step("earlier lines"):
            for head in prior_therapies(sentence):
                if primary is not None and key(head) not in focus_set and key(head) not in TREATS_NOTHING:
                    add("TREATS", heads.get(key(head), head), primary, sentence)  # "had received a proteasome inhibitor"
        with steps.step("other therapies"):
            _relate_others(sentence, focus_set, main_diseases, primary, add)
    return list(found.values())


def _without_named_ligands(entities: list[Entity]) -> list[Entity]:
    """The entities but therapies inside an antigen's name: "adenosine" in "adenosine A2A
    receptor antagonist" names the receptor's ligand, not a drug given."""
    antigens = sorted((e.start, e.end) for e in entities if e.label == "ANTIGEN")
    starts = [start for start, _ in antigens]

    def inside(entity: Entity) -> bool:
        index = bisect_right(starts, entity.start)
        return any(end >= entity.end for _, end in antigens[max(0, index - 8):index])
    return [e for e in entities if e.label != "THERAPY" or not inside(e)]


def _induced(sentence: Sentence) -> list[tuple[Entity, Entity]]:
    """(therapy, adverse event) pairs the sentence states as a drug causing a disease."""
    members = [e for e in sentence.entities if e.label in ("THERAPY", "DISEASE", "ADVERSE_EVENT")]
    mentions = [Mention(e.start - sentence.start, e.end - sentence.start, e.label) for e in members]
    return [(members[c], members[e]) for c, e in induced_pairs(sentence.text, mentions)
            if members[e].label == "ADVERSE_EVENT"]


def _relate_studied(name: str, head: Entity, text: str, entities: list[Entity], sentences: list[Sentence],
                    studied: set[str], distinct: set[str], controls: set[str], main_diseases: set[str],
                    add: Callable) -> None:
    """A studied therapy takes the article's results, diseases, targets and cells;
    ``distinct`` are the constructs that are other products (``other_sourced``), ``controls``
    the trial's other arms (``control_arms``), whose results are theirs."""
    described = [name, head.text, *(alias for alias, product in appositions(sentences).items() if product == name)]
    cell_therapy = any(CELL_THERAPY.search(n) for n in described)
    lineage = effector_lineage(described)  # a CAR-T product uses T cells, whatever else the article names
    for sentence in sentences:
        other = about_other_therapy(sentence, studied, distinct)
        names_focus = name in sentence.therapies()
        for tail in sentence.entities:
            if tail.label in ("OUTCOME", "ADVERSE_EVENT") and not other \
                    and comparator_arm(tail, sentence, studied, key, controls) is not None:
                continue  # "nausea in 12% of the placebo group": the comparator's result
            if tail.label == "OUTCOME" and not other:
                add("HAS_OUTCOME", head, tail, sentence)
            elif tail.label == "ADVERSE_EVENT" and not other and not _blamed_on_other(tail, sentence, studied):
                add("CAUSES_ADVERSE_EVENT", head, tail, sentence)
            elif tail.label == "DISEASE" and key(tail) in main_diseases and not other:
                add("TREATS", head, tail, sentence)
            elif tail.label == "ANTIGEN" and _studied_targets(name, tail, sentence, entities, names_focus):
                add("TARGETS", head, tail, sentence)
            elif tail.label == "CELL_TYPE" and cell_therapy and not other and not DISEASE_CELLS.search(tail.text) \
                    and not DISEASED.search(text[max(0, tail.start - 20):tail.start]) \
                    and uses_cells(lineage, tail.text) is not False \
                    and (ENGINEERED_CELLS.search(tail.text) or not ACTED_ON.search(sentence.text)):
                add("USES_CELL_TYPE", head, tail, sentence)


def _studied_targets(name: str, tail: Entity, sentence: Sentence, entities: list[Entity], names_focus: bool) -> bool:
    """Whether the studied therapy ``name`` targets the antigen this sentence names: the
    antigen is inside the therapy's name; or a target cue stands in a sentence that names
    the therapy (or no product, no other arm or history — "despite a stable regimen of
    anti-C5 therapy" — and the gene is not named as mutated), no other product is nearer
    the antigen or said to target it, and an antigen inside a class's name ("BTK inhibitor")
    goes to the product the class is put beside or, failing that, the sentence's subject
    ("PD-1/VEGF bispecific antibody" in "Ivonescimab beats pembrolizumab: …" is not
    pembrolizumab's)."""
    if _inside_any(tail, entities, name):
        return True
    if not (names_focus or not _products(sentence) and not OTHER_ARM.search(sentence.text)
            and not _MUTATED.match(sentence.text, tail.end - sentence.start)):
        return False  # without the therapy: another arm or a history, or the patients' mutated gene
    if not TARGET_CUE.search(sentence.text):
        return False
    if _nearest_therapy(tail, sentence) not in (None, name) or _said_to_target(tail, sentence) not in (None, name):
        return False
    holder = _holder(tail, sentence.entities)
    if holder is None or key(holder) == name:
        return True
    apposed = _apposed_product(holder, sentence)
    return (apposed or _subject_product(holder, sentence)) == name


#: what says a product is a class or is made of one: "X … is a next-generation BTK inhibitor",
#: "it consists of … fused to an anti-CD3 effector"
_COPULA = re.compile(r"\b(?:is|are|was|were|acts as|works as|consists? of|composed of|contains?)\b", re.I)


#: a gene named as mutated: "in tumors with BRCA1 or BRCA2 mutation"
_MUTATED = re.compile(r"(?:\s*(?:,|or|and)\s*[\w-]+)*(?:\s+gene)?(?:\s+|-)(?:mutations?|mutated|mutant|variants?|"
                      r"deletions?|amplifications?|rearrangements?|rearranged|alterations?)\b", re.I)


def _subject_product(description: Entity, sentence: Sentence) -> Optional[str]:
    """The product a class describes when nothing puts them side by side: the sentence's
    first product, said to be the class ("Zanubrutinib (BGB-3111) developed by BeiGene is
    a next-generation BTK inhibitor"), unless the class is its other arm ("Ivonescimab beats
    pembrolizumab: PD-1/VEGF bispecific antibody …", "iptacopan beats anti-C5 antibodies")."""
    products = [e for e in sentence.entities if e.label == "THERAPY" and not generic(key(e))
                and e.end <= description.start]
    if not products:
        return None
    subject = min(products, key=lambda e: e.start)
    between = sentence.text[subject.end - sentence.start:description.start - sentence.start]
    if not _COPULA.search(between) or OTHER_ARM.search(between):
        return None  # "iptacopan beats anti-C5 antibodies": the class is the other arm
    return _product_key(subject, sentence)


def _relate_others(sentence: Sentence, focus_set: set[str], main_diseases: set[str], primary: Optional[Entity],
                   add: Callable) -> None:
    """Other therapies take only what their own sentence states; in a sentence on how the
    disease is treated today, the disease it names, else the article's."""
    named_main = [e for e in sentence.entities if e.label == "DISEASE" and key(e) in main_diseases]
    standard = [(m.start() + sentence.start, m.end() + sentence.start) for m in STANDARD_TREATMENT.finditer(sentence.text)]
    for head in (e for e in sentence.entities if e.label == "THERAPY" and key(e) not in focus_set):
        if key(head) in TREATS_NOTHING or _in_preparation(head, sentence):
            continue  # a placebo or an observation arm treats nothing, nor the drugs of a conditioning
        # "at present corticosteroids are the standard of care"; the words "standard treatment" themselves name no drug
        if standard and primary is not None and not any(a < head.end and head.start < b for a, b in standard):
            for disease in named_main or [primary]:
                add("TREATS", head, disease, sentence)
        for tail in sentence.entities:
            if tail.label == "ANTIGEN" and head.start <= tail.start and tail.end <= head.end:
                add("TARGETS", head, tail, sentence)
            elif tail.label == "DISEASE" and key(tail) in main_diseases and TREAT_CUE.search(
                    sentence.text[min(head.end, tail.end) - sentence.start:max(head.start, tail.start) - sentence.start]):
                add("TREATS", head, tail, sentence)


def _in_preparation(head: Entity, sentence: Sentence) -> bool:
    """A drug listed as what a preparation step is made of: "conditioning with busulfan and
    cyclophosphamide", "lymphodepletion with fludarabine, cyclophosphamide"."""
    steps = [e for e in sentence.entities if e.label == "THERAPY" and key(e) in TREATS_NOTHING and e.end <= head.start]
    for step in steps:
        listed = sentence.text[step.end - sentence.start:head.start - sentence.start]
        for other in sentence.entities:  # the drugs listed before this one
            if other.label == "THERAPY" and step.end <= other.start and other.end <= head.start:
                listed = listed.replace(other.text, "", 1)
        if PREPARATION_LIST.fullmatch(listed):
            return True
    return False


def _primary_disease(entities: list[Entity], main_diseases: set[str]) -> Optional[Entity]:
    """The first mention of the article's most named main disease."""
    counts = Counter(key(e) for e in entities if e.label == "DISEASE" and key(e) in main_diseases)
    if not counts:
        return None
    top = counts.most_common(1)[0][0]
    return next(e for e in entities if e.label == "DISEASE" and key(e) == top)


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


def _said_to_target(tail: Entity, sentence: Sentence) -> Optional[str]:
    """The product the sentence says targets the antigen (the first of ``_stated_targeters``)."""
    return next(iter(_stated_targeters(tail, sentence)), None)


def _stated_targeters(tail: Entity, sentence: Sentence) -> list[str]:
    """The products the sentence says target the antigen: those a class holding the antigen
    is put beside ("the PD-1 inhibitor pembrolizumab", "the anti-C5 antibodies eculizumab
    and ravulizumab"; "proteasome inhibitors and anti-CD38 antibodies" gives it to neither
    neighbour); else the nearest product with a target cue between them, close by
    ("nivolumab, which targets PD-1, and ipilimumab"), and the examples a cue's object is
    given ("the biologics that block IL-17A such as secukinumab and ixekizumab")."""
    holder = _holder(tail, sentence.entities)
    if holder is not None:
        return _apposed_products(holder, sentence)
    stated = [(distance, _product_key(head, sentence)) for head in sentence.entities
              if head.label == "THERAPY" and not generic(key(head))
              for distance in [_target_distance(head, tail, sentence)] if distance is not None]
    return ([min(stated)[1]] if stated else []) + _examples(tail, sentence)


#: examples introduced after a cue's object
_EXAMPLES = re.compile(r"^\s*,?\s*(?:such as|including|like|e\.g\.,?|for example,?)\s+$", re.I)
#: what joins the products of a list
_LISTED = re.compile(r"^\s*(?:,|and|or|, and|, or)\s*$")


def _examples(tail: Entity, sentence: Sentence) -> list[str]:
    """Products given as examples right after a cue's object: "biologics that block IL-17A
    such as secukinumab and ixekizumab" -> both."""
    before = sentence.text[max(0, tail.start - sentence.start - 30):tail.start - sentence.start]
    if not TARGET_CUE.search(before):
        return []
    following = sorted((e for e in sentence.entities if e.label == "THERAPY" and e.start >= tail.end), key=lambda e: e.start)
    if not following or not _EXAMPLES.match(sentence.text[tail.end - sentence.start:following[0].start - sentence.start]):
        return []
    return [_product_key(product, sentence) for product in _listed(following, sentence) if not generic(key(product))]


def _listed(products: list[Entity], sentence: Sentence) -> list[Entity]:
    """The first product and those listed right after it ("A, B and C")."""
    listed = products[:1]
    for product in products[1:]:
        if not _LISTED.match(sentence.text[listed[-1].end - sentence.start:product.start - sentence.start]):
            break
        listed.append(product)
    return listed


def _target_distance(head: Entity, tail: Entity, sentence: Sentence) -> Optional[int]:
    """How far the antigen stands from the therapy when a target cue stands between them,
    and the therapy is not named by another target ("a BRAF inhibitor" targets BRAF only)."""
    if head.start <= tail.start and tail.end <= head.end:
        return None
    if any(e.label == "ANTIGEN" and head.start <= e.start and e.end <= head.end for e in sentence.entities):
        return None
    lo, hi = (head.end, tail.start) if head.end <= tail.start else (tail.end, head.start)
    between = list(sentence.text[lo - sentence.start:hi - sentence.start])
    for other in sentence.entities:  # "anti-" inside "anti-CD38 antibodies" is that therapy's cue,
        if other.label in ("THERAPY", "ANTIGEN") and lo <= other.start and other.end <= hi:  # "/" in "PD-1/VEGF" the pair's
            between[other.start - lo:other.end - lo] = " " * (other.end - other.start)
    _unjoin(between, head.end <= tail.start)
    if hi - lo <= TARGET_DISTANCE and TARGET_CUE.search("".join(between)):
        return hi - lo
    return None


def _unjoin(between: list[str], tail_last: bool) -> None:
    """A slash that joins the antigen to its neighbour ("PD-1/VEGF") is the pair's, and an
    "anti-" before it after other words the name of a drug the text leaves unnamed ("… and
    35 continued the anti-C5 therapy"), not a cue between a therapy and its target: blanked
    in ``between``. "rituximab (anti-CD20)" keeps its cue."""
    if tail_last and between and between[-1] == "/":
        between[-1] = " "
    elif not tail_last and between and between[0] == "/":
        between[0] = " "
    text = "".join(between)
    if tail_last and text.lower().endswith("anti-") and re.search(r"[A-Za-z0-9]", text[:-5]):
        between[-5:] = " " * 5


def _blamed_therapy(tail: Entity, sentence: Sentence) -> Optional[Entity]:
    """The therapy the sentence blames for the adverse event: "glucocorticoid-related side
    effects such as acne", "use of corticosteroids brings serious side effects, such as
    diabetes", "the cytopenias were mainly attributed to the lymphodepleting chemotherapy"."""
    blamed = None
    for therapy in sentence.entities:
        if therapy.label != "THERAPY":
            continue
        start, end = therapy.start - sentence.start, therapy.end - sentence.start
        if therapy.start < tail.start:
            after = sentence.text[end:end + 60]
            before = sentence.text[max(0, start - 50):start]
            if BLAMED_AFTER.match(after) or BLAMED_BEFORE.search(before):
                blamed = therapy
        elif blamed is None and BLAMED_LATER.search(sentence.text[tail.end - sentence.start:start]):
            return therapy
    return blamed


def _blamed_on_other(tail: Entity, sentence: Sentence, studied: set[str]) -> bool:
    blamed = _blamed_therapy(tail, sentence)
    return blamed is not None and key(blamed) not in studied


def _products(sentence: Sentence) -> set[str]:
    """The therapies a sentence names, classes and modalities aside."""
    return {name for name in sentence.therapies() if not generic(name)}


def _nearest_therapy(tail: Entity, sentence: Sentence) -> Optional[str]:
    """The product named nearest the mention: "nivolumab (anti-PD-1) plus ipilimumab
    (anti-CTLA-4)" gives PD-1 to nivolumab alone; a class in apposition ("a monoclonal
    antibody that targets CD38") does not count."""
    therapies = [e for e in sentence.entities if e.label == "THERAPY" and not generic(key(e))
                 and not (e.start <= tail.start and tail.end <= e.end) and not (tail.start <= e.start and e.end <= tail.end)]
    if not therapies:
        return None
    return _product_key(min(therapies, key=lambda e: min(abs(tail.start - e.end), abs(e.start - tail.end))), sentence)


#: a bracket opened right after a product, up to a wording of its own: "Lecanemab (BAN2401, "
_OWN_BRACKET = re.compile(r"^\s*\((?:[^()]*?,\s*)?$")


def _product_key(therapy: Entity, sentence: Sentence) -> str:
    """The product a wording names: a code or brand in a bracket right after a product
    ("Lecanemab (BAN2401, Leqembi)", "Tabelecleucel (tab-cel)") is that product's."""
    for product in sentence.entities:
        if product.label == "THERAPY" and product.end <= therapy.start and not generic(key(product)) \
                and _OWN_BRACKET.match(sentence.text[product.end - sentence.start:therapy.start - sentence.start]):
            return key(product)
    return key(therapy)


def _inside_any(tail: Entity, entities: list[Entity], name: str) -> bool:
    return any(e.label == "THERAPY" and key(e) == name and e.start <= tail.start and tail.end <= e.end
               for e in entities)


def _holder(tail: Entity, entities: list[Entity]) -> Optional[Entity]:
    """The therapy whose name holds the antigen ("anti-CD38 antibodies", "BCMA-directed therapies")."""
    return next((e for e in entities if e.label == "THERAPY" and e.start <= tail.start and tail.end <= e.end
                 and (e.start, e.end) != (tail.start, tail.end)), None)


def _apposed_product(description: Entity, sentence: Sentence) -> Optional[str]:
    """The product a class is put beside as its description (the first of ``_apposed_products``)."""
    return next(iter(_apposed_products(description, sentence)), None)


#: a class's defined short form between it and its product: "EGFR tyrosine kinase inhibitor (TKI) osimertinib"
_SHORT_FORM = re.compile(r"^\s*\([^()]{1,20}\)")


def _apposed_products(description: Entity, sentence: Sentence) -> list[str]:
    """The products a class is put beside as their description: "the PD-1 inhibitor
    pembrolizumab", "the anti-C5 antibodies eculizumab and ravulizumab", "zolbetuximab, a
    claudin 18.2 antibody", "rituximab (anti-CD20)"."""
    products = sorted((e for e in sentence.entities if e.label == "THERAPY" and not generic(key(e)) and e is not description),
                      key=lambda e: e.start)
    for index, product in enumerate(products):
        if description.end <= product.start:
            between = sentence.text[description.end - sentence.start:product.start - sentence.start]
            if NAMED_AS.match(_SHORT_FORM.sub("", between)):
                return [_product_key(p, sentence) for p in _listed(products[index:], sentence)]
        elif product.end <= description.start:
            between = sentence.text[product.end - sentence.start:description.start - sentence.start]
            if APPOSITION.match(between) or re.fullmatch(r"\s*\(\s*", between):
                return [key(product)]
    return []
