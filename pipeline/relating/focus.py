"""Which therapy an article studies, and which sentences speak of something else.

News reports of trials name several therapies: the one studied, its comparator arm,
the patients' prior lines, the standard of care, background drugs. The study's results
belong to the studied therapy even in sentences that do not name it ("After the
infusion, all of them…"). A therapy's weight grows with mentions in the title and in
sentences that say it was given ("treated with", "received", "infusion"), and shrinks in
sentences that mark a comparison or a history ("versus", "compared with", "placebo",
"prior", "previously", "after failure of"). The focus is the heaviest therapy and any
within ``FOCUS_SHARE`` of it; a sentence that names only other therapies, or marks a
comparison without naming the focus, is about something else.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from ..schema import Entity
from ..text import INN_ENDINGS, sentence_spans
from .supportive import managed_event, toxicity_care

GIVEN = re.compile(r"\b(?:treated with|treatment with|received|receiving|infus\w*|administ\w*|dosed|given|"
                   r"underwent|after \w+(?:[- ]\w+)? (?:therapy|treatment|infusion)|with (?:a |an |the )?single|"
                   r"approved|approval|achieved|led to|resulted in)\b", re.I)
OTHER_ARM = re.compile(r"\b(?:versus|vs\.?|compared (?:it |them )?(?:with|to)|than|control (?:group|arm)|comparator|placebo|"
                       r"beats?|over|outperform\w*|superior to|(?:non-?)?inferior to|instead of|switch\w* from|"
                       r"standard[- ]of[- ]care|standard (?:therapy|treatment|chemotherapy)|investigator'?s choice|"
                       r"physician'?s choice|prior|previous(?:ly)?|had (?:received|failed)|failed|after failure|"
                       r"refractory to|resistant to|before (?:the )?(?:trial|study)|earlier lines?|"
                       r"lines? of (?:\w+ )?(?:therapy|treatment|chemotherapy)|had (?:undergone|underwent)|despite|"
                       r"background|conventional|lymphodeplet\w*|conditioning|premedicat\w*|prophyla\w*|bridging|"
                       r"pretreat\w*|supportive)\b", re.I)
_STEMMED = rf"[a-z]{{3,}}(?:{INN_ENDINGS})"
#: two drugs joined by a hyphen or slash: "relatlimab-nivolumab", "gemcitabine/cisplatin"
DRUG_PAIR = re.compile(rf"\b({_STEMMED})[-/]({_STEMMED})\b")
#: arms that are never the therapy under study
NOT_STUDIED = frozenset({"placebo", "standard of care", "best supportive care", "observation", "lymphodepletion",
                         "conditioning regimen", "bridging therapy"})
#: of those, the ones that treat no disease: a placebo or an observation arm, the preparation
#: for a cell product; the standard of care given as the other arm does treat it
TREATS_NOTHING = frozenset({"placebo", "observation", "lymphodepletion", "conditioning regimen"})
#: a modality or class rather than a product: studied only when no product is
GENERIC_WORDS = frozenset(
    "therapy therapie treatment cell antibody antibodie inhibitor conjugate vaccine transplant transplantation "
    "chemotherapy immunotherapy agent drug regimen car t nk tcr chimeric antigen receptor engineered modified "
    "gene cellular adoptive autologous allogeneic based monoclonal bispecific targeted stem hematopoietic "
    "haematopoietic radiotherapy radiation surgery of the and with plus immunosuppressive immunosuppressant "
    "steroid corticosteroid glucocorticoid standard conventional systemic intensive combination high dose low "
    "first second line salvage supportive maintenance induction consolidation donor derived blood cord "
    "peripheral umbilical infused infusion product products platform".split())
REGIMEN_JOIN = re.compile(r"\s+(?:plus|\+|combined with|in combination with|together with|and|with)\s+|,\s*")
DOSE_OR_ROUTE = re.compile(r"^(?:(?:low|high|standard|reduced|fixed|full) dose|short term|oral|intravenous|subcutaneous)\s+")
#: what the other arm received: "placebo plus X and Y", "versus X"
COMPARATOR_ARM = re.compile(r"(?:placebo (?:plus|and|with|\+)|versus|vs\.?|compared (?:with|to)) (?P<arm>[^.;,()\n]{1,80})")
#: an antigen's symbol: "CD19", "GPRC5D", "HER2", "IL13Rα2", "CLDN18.2"
SYMBOL = re.compile(r"(?<![\w-])(?!(?:CAR|TCR|NK|CAR-T|CAR-NK)\b)(?=\w*[A-Z]\w*[A-Z0-9])[A-Z][\w.]*[A-Z0-9α-ω]\w*")
#: what stands between a product and its description: ", an autologous", " is a"
APPOSITION = re.compile(r"^\s*(?:\([^()]{1,40}\)\s*)?(?:,\s*|\s+(?:is|was|,? which is)\s+)(?:a|an|the)\s+"
                        r"(?:[\w-]+\s+){0,3}$", re.I)
NAMED_AS = re.compile(r"^\s*(?:,?\s*(?:called|named|known as|dubbed)\s+)?$", re.I)
#: a therapy placed as the other arm in the title, or this often and in this share of its
#: mentions, is a comparator
COMPARATOR_MENTIONS = 2
COMPARATOR_SHARE = 1 / 3
#: a regimen named at least this share as often as its heaviest drug stands for the study
REGIMEN_SHARE = 0.5
#: a therapy within this share of the heaviest one's weight is studied too
FOCUS_SHARE = 0.6


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    entities: list[Entity] = field(default_factory=list)

    def therapies(self) -> set[str]:
        return {key(e) for e in self.entities if e.label == "THERAPY"}


_NAME_WORDS = re.compile(r"[\s\-/]+")
_TARGETING_WORDS = re.compile(r"\b(?:anti-?|targeted|targeting|directed|specific)\b-?", re.I)


def key(entity: Entity) -> str:
    """The concept an entity names, folded so that spelling variants of one wording
    ("CAR-T cells", "CAR T cell") share it."""
    return fold(entity.normalized.name if entity.normalized else entity.text)


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    name = DRUG_PAIR.sub(r"\1 plus \2", name.lower())  # "relatlimab-nivolumab" is a regimen
    words = re.sub(r"[\s\-\u2010-\u2015]+", " ", name).strip()
    return re.sub(r"(?<=[a-z]{2}[^\W\dsiuoay])s$", "", words)  # "cells", not "sclerosis" or "pemphigus"


def sentences_of(text: str, entities: list[Entity]) -> list[Sentence]:
    sentences = [Sentence(start, end, text[start:end]) for start, end in sentence_spans(text)]
    starts = [s.start for s in sentences]
    from bisect import bisect_right
    for entity in entities:
        index = bisect_right(starts, entity.start) - 1
        if index >= 0:
            sentences[index].entities.append(entity)
    return sentences


def focus_therapies(text: str, entities: list[Entity], sentences: list[Sentence]) -> list[str]:
    """The therapies the article studies, heaviest first."""
    title_end = text.find("\n") if "\n" in text else len(text)
    weight: dict[str, float] = defaultdict(float)
    mentions: Counter[str] = Counter()
    as_other_arm: Counter[str] = Counter()  # mentions placed as the comparator, the prior line…
    in_title_as_other_arm: set[str] = set()
    for sentence in sentences:
        therapies = [e for e in sentence.entities if e.label == "THERAPY"]
        if not therapies:
            continue  # the cues below only weigh therapies
        other_arm = bool(OTHER_ARM.search(sentence.text))
        given = bool(GIVEN.search(sentence.text))
        for entity in therapies:
            name = key(entity)
            mentions[name] += 1
            weight[name] += 1.0
            if entity.end <= title_end:
                weight[name] += 3.0
            supportive = toxicity_care(entity, sentence)  # "CRS was managed with tocilizumab"
            if given and not other_arm and not supportive:
                weight[name] += 1.5
            if supportive or other_arm and _in_other_arm(sentence.text, entity, sentence.start):
                weight[name] -= 1.5
                as_other_arm[name] += 1
                if entity.end <= title_end:
                    in_title_as_other_arm.add(name)
    for alias, product in appositions(sentences).items():  # "MCARH109, a GPRC5D-targeted CAR T-cell therapy"
        # the description under any wording: "GPRC5D CAR-T" in the title
        for name in [n for n in weight if n == alias or _specific_words(n) == _specific_words(alias) != set()]:
            if product in weight and name != product:
                weight[product] += max(weight.pop(name), 0.0)
    parts_of = {name: regimen_parts(name) for name in weight if len(regimen_parts(name)) > 1}
    for name, parts in parts_of.items():
        # a regimen named about as often as its parts outweighs them: "venetoclax plus azacitidine"
        heaviest_part = max(weight.get(p, 0.0) for p in parts)
        alone = heaviest_part - weight[name]  # each naming of the regimen names its drugs too
        if weight[name] >= REGIMEN_SHARE * alone:
            weight[name] = max(weight[name], heaviest_part) + 1.0
            for part in parts:
                if part in weight:
                    weight[part] = min(weight[part], weight[name] - 1.0)
    for name in NOT_STUDIED & set(weight):
        weight[name] = 0.0
    if not weight:
        return []
    best = max(weight.values())
    if best <= 0:
        return []
    focus = [name for name, w in weight.items() if w >= FOCUS_SHARE * best]
    # a studied regimen stands for its parts, except the one added to a backbone that the
    # other arm also received ("mRNA-4157 plus pembrolizumab" versus "pembrolizumab alone")
    plain = fold_text(text)
    within = {part for name in focus for part in parts_of.get(name, ())}
    added = [part for name in focus if name in parts_of
             for part in [_investigational_part(parts_of[name], plain, set(weight) - {name})] if part]
    focus = [name for name in focus if name not in within]
    focus += [part for part in dict.fromkeys(added) if part not in focus]
    focus = _merge_variants(focus, weight)
    # "sotorasib beats docetaxel": a therapy mostly named as the other arm is not studied
    compared = {name for name in focus if name in in_title_as_other_arm or
                as_other_arm[name] >= max(COMPARATOR_MENTIONS, COMPARATOR_SHARE * mentions[name])}
    focus = [name for name in focus if name not in compared] or focus
    products = [name for name in focus if not generic(name)]
    return sorted(products or focus, key=lambda n: -weight.get(n, 0.0))


def studied_names(focus: list[str], sentences: list[Sentence] = ()) -> set[str]:
    """The studied therapies, the drugs of studied regimens and the descriptions put beside
    a studied product: a sentence naming "venetoclax" in an article about "venetoclax plus
    azacitidine", or "the CAR T-cell therapy" in one about MCARH109, is about the study."""
    described = {alias for alias, product in appositions(sentences).items() if product in focus}
    described |= {key(e) for s in sentences for e in s.entities if e.label == "THERAPY"
                  and any(_specific_words(key(e)) == _specific_words(alias) != set() for alias in described)}
    return set(focus) | described | {part for name in focus for part in regimen_parts(name)}


def appositions(sentences: list[Sentence]) -> dict[str, str]:
    """Modalities and constructs the text puts beside a product as its description
    ("MCARH109, an autologous GPRC5D-targeted CAR T-cell therapy", "Cilta-cel is a CAR-T
    therapy targeting BCMA", "the anti-CD19 CAR-T product KYV-101"), each mapped to the
    product."""
    found: dict[str, str] = {}
    for sentence in sentences:
        therapies = sorted((e for e in sentence.entities if e.label == "THERAPY"), key=lambda e: e.start)
        for first, second in zip(therapies, therapies[1:]):
            between = sentence.text[first.end - sentence.start:second.start - sentence.start]
            if not generic(key(first)) and _description(second, sentence) and APPOSITION.match(between):
                found.setdefault(key(second), key(first))
            elif not generic(key(second)) and not _construct(second, sentence) and _description(first, sentence) \
                    and NAMED_AS.match(between):  # "the anti-CD19 CAR-T product KYV-101"
                found.setdefault(key(first), key(second))
    return found


def _description(therapy: Entity, sentence: Sentence) -> bool:
    return generic(key(therapy)) or _construct(therapy, sentence)


def fold_text(text: str) -> str:
    """Text folded as ``fold`` folds names; lines stay apart."""
    return re.sub(r"[^\S\n]+|[\-\u2010-\u2015]+", " ", text.lower())


def _investigational_part(parts: list[str], plain: str, others: set[str]) -> str | None:
    """The one drug of a regimen that the comparator arm did not also receive."""
    backbone = {part for part in parts if _is_backbone(part, plain, others)}
    added = [part for part in parts if part not in backbone]
    return added[0] if backbone and len(added) == 1 else None


def _is_backbone(part: str, plain: str, others: set[str]) -> bool:
    """The other arm received it too: "placebo plus trastuzumab and capecitabine",
    "pembrolizumab alone", "versus pembrolizumab"."""
    if any("placebo" in other and part in regimen_parts(other) for other in others):
        return True
    name = re.escape(part)
    if re.search(rf"\b{name} (?:alone|monotherapy)\b|\b{name} (?:plus|and|with) placebo\b", plain):
        return True
    return any(re.search(rf"\b{name}\b", arm.group("arm")) for arm in COMPARATOR_ARM.finditer(plain))


def _merge_variants(focus: list[str], weight: dict[str, float]) -> list[str]:
    """Wordings of one product ("cord blood-derived CAR-NK cells" and "CAR-NK cells",
    "anti-CD19 CAR-T therapy" and "CD19 CAR T cells"): of two studied names where one's
    words hold the other's, or whose specific words are the same, the heavier stands for
    both."""
    kept = list(focus)
    for a in focus:
        for b in focus:
            if a != b and a in kept and b in kept and len(regimen_parts(a)) == len(regimen_parts(b)) == 1 \
                    and (re.search(rf"\b{re.escape(b)}\b", a) or _specific_words(a) == _specific_words(b) != set()):
                kept.remove(a if weight.get(a, 0.0) < weight.get(b, 0.0) else b)
    return kept


@lru_cache(maxsize=65536)
def _specific_words(name: str) -> frozenset[str]:
    """The words that set a product apart from its modality: {"cd19"} in "anti-CD19 CAR-T therapy"."""
    return frozenset(word for word in _NAME_WORDS.split(fold(name)) if word and word != "anti"
                     and word not in GENERIC_WORDS and word.rstrip("s") not in GENERIC_WORDS)


def regimen_parts(name: str) -> list[str]:
    """The drugs of a regimen's name ("venetoclax plus azacitidine", "nivolumab plus
    low-dose ipilimumab"), or the name alone."""
    parts = [DOSE_OR_ROUTE.sub("", p).strip() for p in REGIMEN_JOIN.split(name)]
    return [p for p in parts if p]


@lru_cache(maxsize=65536)
def generic(name: str) -> bool:
    """A modality or class ("CAR-T cell therapy", "chemotherapy") rather than a product
    ("donor-derived CD7 CAR T cells", "tisagenlecleucel")."""
    return all(word in GENERIC_WORDS or word.rstrip("s") in GENERIC_WORDS
               for word in _NAME_WORDS.split(fold(name)) if word)


def _in_other_arm(sentence: str, entity: Entity, offset: int) -> bool:
    """The cue stands close before the therapy ("versus FCR", "prior daratumumab"), or the
    therapy follows "than" / "compared with"."""
    before = sentence[max(0, entity.start - offset - 60):entity.start - offset]
    return bool(OTHER_ARM.search(before))


def about_other_therapy(sentence: Sentence, focus: set[str], distinct: frozenset[str] | set[str] = frozenset()) -> bool:
    """A sentence that names therapies, none of them studied (``studied_names``). A CAR
    or other construct named by its antigen ("the CD19 CAR", "BCMA-targeted therapy") is
    part of a product, not another therapy, unless it is one of the ``distinct`` products
    ("autologous CD19 CAR-T" beside an allogeneic one); nor is a drug the sentence names as
    the care of a toxicity ("CRS occurred in 68% and was managed with tocilizumab", "was
    controlled without tocilizumab" are about the study), nor a placebo (which arm a placebo
    sentence's results belong to is ``comparator``'s question)."""
    named = {key(e) for e in sentence.entities if e.label == "THERAPY" and (not _construct(e, sentence) or key(e) in distinct)
             and not toxicity_care(e, sentence) and key(e) not in NOT_STUDIED}  # "compared with placebo"
    return bool(named) and not named & focus


def _construct(therapy: Entity, sentence: Sentence) -> bool:
    """Named by an antigen and modality words only: "the CD19 CAR", "GPRC5D-targeted CAR
    T-cell therapy", "anti-BCMA CAR-T"."""
    return _construct_wording(therapy.text)


@lru_cache(maxsize=65536)
def _construct_wording(text: str) -> bool:
    rest, symbols = SYMBOL.subn(" ", _TARGETING_WORDS.sub(" ", text))
    return bool(symbols) and bool(rest.strip(" -/")) and generic(rest)
