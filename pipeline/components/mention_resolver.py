"""From candidate spans to the document's mentions.

1. Abbreviations defined in the article (scispaCy's ``AbbreviationDetector``, the
   algorithm of Schwartz & Hearst 2003) rule their short forms: every use of the short
   form takes the long form's label and concept; a short form whose long form is no
   entity ("ACR (American College of Rheumatology)") is no entity either.
2. Signs and symptoms (MeSH C23 and the like) are adverse events in a sentence that
   reports toxicity ("grade 3", "adverse events", "side effects such as …"), diseases
   elsewhere; so is a disease other than the article's main one in such a sentence.
   A disease mention whose sentence says a drug caused it ("phenobarbital-induced
   dyskinesia", ``pipeline.relating.induced``) is an adverse event wherever it stands,
   title included; the same disease's other mentions keep their own label ("dyskinesia is
   common in the elderly" stays a disease): the label follows what each sentence says.
3. A mention inside a longer mention of another label is dropped ("leukemia" in
   "leukemia-free survival", "B cell" in "B-cell lymphoma"), except antigens, which name
   targets inside therapies and diseases ("anti-CD19 CAR-T", "HER2-positive") — not a
   laboratory value inside an adverse event or outcome ("increased alanine
   aminotransferase"), nor a molecule written as a word inside a drug class ("proteasome
   inhibitors"). A drug named as the protein it is ("GM-CSF") is a therapy, not an antigen.
4. Within a label the longest mention wins; mentions of different labels may overlap.
   Combinations ("nivolumab plus ipilimumab") are kept beside their parts, and so are
   composite diseases ("breast and ovarian cancer", ``composite_diseases``).
The result is the span group ``mentions``; ``doc.ents`` holds the same mentions made
non-overlapping (longest first, ``spacy.util.filter_spans``) with the concept's CURIE as
``kb_id_``, so that displaCy's entity view and other spaCy tools can show them.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..knowledge.kb import KB_FILE, KnowledgeBase, load_kb
from ..relating.induced import Mention, induced_statements, named_as_treated
from ..text import INN_ENDINGS
from .composite_diseases import composite_spans
from .kb_matcher import candidates
from .line_sentencizer import SentenceIndex, doc_text

MENTIONS = "mentions"
ADVERSE_CONTEXT = re.compile(
    r"adverse|side[- ]effects?|toxicit|grade\s*(?:[1-5]|≥|>=|[IV]{1,3}\b)|treatment[- ](?:related|emergent)|"
    r"safety|tolerab|most common|complications?|discontinu|experienced|occurred in|were reported|was reported|"
    r"more (?:common|frequent) (?:with|in)|\(\d+(?:\.\d+)?%\s*(?:vs\.?|versus)\s*\d+(?:\.\d+)?%\)",
    re.I)
#: diseases that a toxicity sentence names as the patients' cancer, not as a toxicity
NEOPLASM = re.compile(r"cancer|carcinoma|lymphoma|leuka?emia|myeloma|tumou?r|neoplasm|sarcoma|glioma|melanoma|"
                      r"blastoma|malignanc", re.I)
#: "plus", "combined with", with the dose or route of the next drug: "plus low-dose ipilimumab";
#: or a bare hyphen or slash between two drugs: "relatlimab-nivolumab", "gemcitabine/cisplatin"
_COMBINATION = re.compile(r"^\s*(?:plus|\+|combined with|in combination with|together with)\s*"
                          r"(?:(?:(?:low|high|standard|reduced|fixed|full)[- ]dose|short[- ]term|oral|intravenous|"
                          r"subcutaneous)\s+)?$|^[-/]$", re.I)
#: one drug's name by its INN stem ("relatlimab", "lazertinib", "azacitidine", "cisplatin")
_DRUG_NAME = re.compile(rf"[A-Za-z][a-z]{{2,}}(?:{INN_ENDINGS})")
#: a long form that names a molecule: "programmed death 1", "Delta-like ligand 3"
MOLECULE = re.compile(r"\b(?:ligand|receptor|protein|antigen|factor|kinase|gene|molecule|enzyme|peptide|domain|"
                      r"transporter|channel)s?\b|\s\d{1,2}[a-z]?$", re.I)
#: a word of inheritance right before a disease ("familial", "X-linked", "autosomal recessive")
_INHERITANCE = re.compile(r"(?<![\w-])(?:hereditary|familial|inherited|congenital|X-linked|"
                          r"autosomal[- ](?:dominant|recessive))\s+$", re.I)
_AND = re.compile(r"^\s*(?:,|and|, and)\s*$", re.I)


class MentionResolver:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    def __call__(self, doc: Doc) -> Doc:
        spans = list(candidates(doc))
        sentences = SentenceIndex(doc)
        spans = self._abbreviations(doc, spans)
        spans = _drop_organization_acronyms(doc, spans)
        antigen_tokens = {i for s in spans if s.label_ == "ANTIGEN" for i in range(s.start, s.end)}
        spans = [s for s in spans if not self._symbol_of_something_else(doc, s, antigen_tokens)]
        spans = _drop_therapies_naming_a_state(doc, spans)
        spans = self._context_labels(doc, spans, sentences)
        spans = _drop_inside_other_labels(spans, self._named_after_parts)
        spans = _with_inheritance(doc, spans)
        kept: list[Span] = []
        for label in sorted({s.label_ for s in spans}):
            kept += filter_spans([s for s in spans if s.label_ == label])
        kept += _combinations(doc, [s for s in kept if s.label_ == "THERAPY"], sentences)
        kept += composite_spans(doc, [s for s in kept if s.label_ == "DISEASE"], self.kb)
        kept.sort(key=lambda s: (s.start, -s.end, s.label_))
        doc.spans[MENTIONS] = kept
        doc.ents = self._entity_view(doc, kept)
        # the same as plain tuples, which the ner stage reads without building Span objects
        doc.user_data[MENTIONS] = [(s.start, s.end, s.label_, s.kb_id_) for s in kept]
        return doc

    def _entity_view(self, doc: Doc, mentions: list[Span]) -> list[Span]:
        """The mentions without overlaps (the longest of overlapping ones), each with
        its concept's CURIE as ``kb_id`` (empty when the concept has none or the mention
        was found by pattern)."""
        return [Span(doc, s.start, s.end, label=s.label_, kb_id=self._curie(s)) for s in filter_spans(mentions)]

    def _curie(self, span: Span) -> str:
        concept = self._concept(span)
        return (concept.id or "") if concept is not None else ""

    def _abbreviations(self, doc: Doc, spans: list[Span]) -> list[Span]:
        if not Doc.has_extension("abbreviations"):
            return spans
        uses: dict[str, list[Span]] = {}
        long_forms: dict[str, Span] = {}
        for short in doc._.abbreviations:  # every use of a short form, each with its long form
            uses.setdefault(short.text, []).append(short)
            long_forms.setdefault(short.text, short._.long_form)
        for text, forms in uses.items():
            definition = _best_cover(spans, long_forms[text]) or _antigen_named(spans, long_forms[text])
            positions = {(f.start, f.end) for f in forms}
            if definition is None and MOLECULE.search(long_forms[text].text):
                continue  # "Delta-like ligand 3 (DLL3)": the symbol keeps what the dictionary found
            spans = [s for s in spans if (s.start, s.end) not in positions]
            if definition is not None:
                spans += [Span(doc, f.start, f.end, label=definition.label_, kb_id=definition.kb_id_) for f in forms]
        return spans

    def _context_labels(self, doc: Doc, spans: list[Span], sentences: SentenceIndex) -> list[Span]:
        """A disease mentioned where the text reports toxicity is an adverse event in the
        whole article — unless it is what the article is about (in its title, or its most
        mentioned disease). Apart from that, a mention a sentence says a drug induced is an
        adverse event."""
        diseases = [s for s in spans if s.label_ == "DISEASE"]
        text = doc_text(doc)
        title_end = text.find("\n") if "\n" in text else len(text)
        subject = {self._concept_key(s) for s in diseases if s.end_char <= title_end}
        counts = Counter(self._concept_key(s) for s in diseases)
        if counts:
            subject.add(counts.most_common(1)[0][0])
        stated = self._induced(doc, spans, sentences, subject)
        adverse: set[str] = set()
        reports_toxicity: dict[tuple[int, int], bool] = {}
        for span in diseases:
            key = self._concept_key(span)
            if key in subject or key in adverse or NEOPLASM.search(key):
                continue
            bounds = sentences.bounds(span.start)
            if bounds not in reports_toxicity:
                reports_toxicity[bounds] = bool(ADVERSE_CONTEXT.search(sentences.between(*bounds)))
            if reports_toxicity[bounds]:
                adverse.add(key)
        return [Span(doc, s.start, s.end, label="ADVERSE_EVENT", kb_id=s.kb_id_)
                if s.label_ == "DISEASE" and (self._concept_key(s) in adverse or (s.start, s.end) in stated) else s
                for s in spans]

    def _induced(self, doc: Doc, spans: list[Span], sentences: SentenceIndex,
                 subject: set[str]) -> set[tuple[int, int]]:
        """The disease mentions (token bounds) whose sentence says a drug caused them:
        strongly ("X-induced Y") for any disease; loosely ("Y after X") for one that is no
        neoplasm (a cancer "after" a drug is its history: "prostate cancer, after
        abiraterone … fail") and is not both the article's subject and named as treated."""
        by_sentence: dict[tuple[int, int], list[Span]] = {}
        for span in filter_spans([s for s in spans if s.label_ == "THERAPY"]) + \
                filter_spans([s for s in spans if s.label_ == "DISEASE"]):
            by_sentence.setdefault(sentences.bounds(span.start), []).append(span)
        treated = {self._concept_key(s) for s in spans if s.label_ == "DISEASE"
                   and named_as_treated(sentences.text(s.start), s.start_char - doc[sentences.bounds(s.start)[0]].idx)}
        induced = set()
        for (first, _), members in by_sentence.items():
            if not any(s.label_ == "THERAPY" for s in members) or not any(s.label_ == "DISEASE" for s in members):
                continue
            offset = doc[first].idx
            mentions = [Mention(s.start_char - offset, s.end_char - offset, s.label_) for s in members]
            for statement in induced_statements(sentences.text(first), mentions):
                key = self._concept_key(members[statement.effect])
                if statement.strong or not (NEOPLASM.search(key) or (key in treated and key in subject)):
                    effect = members[statement.effect]
                    induced.add((effect.start, effect.end))
        return induced

    def _symbol_of_something_else(self, doc: Doc, span: Span, antigen_tokens: set[int]) -> bool:
        """A gene's other symbol (an alias or a withdrawn one: "CDR" of CDR1, "ADL" of SGCA,
        "AMG" of AMELX) where the text uses the letters for something else: a part of a
        hyphenated acronym ("CDR-SB", "MG-ADL", "T-DM1"; not a fusion of two genes, "BCR-ABL"),
        a product's code ("AMG 510") or an organisation's meeting ("the ATS conference")."""
        if span.label_ != "ANTIGEN" or span.end - span.start != 1:
            return False
        concept = self._concept(span)
        if concept is None or concept.name == span.text or not _SYMBOL.fullmatch(span.text):
            return False
        token = doc[span.start]
        following = doc[span.end] if span.end < len(doc) else None
        if following is not None and token.whitespace_ and (following.like_num or _OTHER_THING.fullmatch(following.text)):
            return True
        return _in_acronym(doc, span.start, -1, antigen_tokens) or _in_acronym(doc, span.end - 1, 1, antigen_tokens)

    def _named_after_parts(self, span: Span) -> bool:
        """A MeSH protein or enzyme, or a receptor, channel, transporter or enzyme found by
        the shape of its name: its name holds the ligand, substrate or disease it is named after ("angiotensin-converting
        enzyme", "NMDA receptor", "Wiskott-Aldrich syndrome protein"), each a mention of its own."""
        concept = self._concept(span)
        if concept is None:
            return bool(_NAMED_AFTER.search(span.text))
        return concept.label == "ANTIGEN" and (concept.id or "").startswith("MESH:")

    def _concept(self, span: Span):
        return self.kb.concepts[int(span.kb_id_)] if span.kb_id_ else None

    def _concept_key(self, span: Span) -> str:
        concept = self._concept(span)
        return concept.name if concept is not None else span.text.lower()


#: the head of a name given after a ligand or substrate ("NMDA receptor", "chloride channels")
_NAMED_AFTER = re.compile(r"(?:receptors?|channels?|transporters?|[a-z]ases?)(?: (?:alpha|beta|gamma|delta|[αβγδ]|\d+))?$",
                          re.I)
#: a gene symbol as written: capitals and digits ("ADL", "DM1")
_SYMBOL = re.compile(r"[A-Z][A-Z0-9]{1,7}")
#: what follows an acronym that names a meeting, a body or a score, not a gene
_OTHER_THING = re.compile(r"conference|congress|meeting|annual|guidelines?|criteria|score|scale|questionnaire|index",
                          re.I)


def _in_acronym(doc: Doc, index: int, step: int, antigen_tokens: set[int]) -> bool:
    """The token at ``index`` is joined by a hyphen, without spaces, to a capitalised
    token on the side of ``step`` (-1 before, 1 after) that is no antigen: "CDR-SB", "T-DM1"."""
    hyphen, other = index + step, index + 2 * step
    if not (0 <= other < len(doc)) or doc[hyphen].text != "-" or other in antigen_tokens:
        return False
    joined = doc[min(index, hyphen)].whitespace_ == "" and doc[min(hyphen, other)].whitespace_ == ""
    return joined and bool(re.fullmatch(r"[A-Z][A-Za-z]*", doc[other].text))


_ORGANIZATION_HEAD = re.compile(r"(?:[A-Z][\w'&.-]*\s+(?:(?:of|for|and|the|de|&)\s+)*){2,}$")


def _drop_organization_acronyms(doc: Doc, spans: list[Span]) -> list[Span]:
    """"University of Erlangen-Nuremberg (FAU)", "American College of Rheumatology
    (ACR)": an acronym in brackets after a capitalised name that is no entity names an
    organisation, not a gene or a disease."""
    dropped = set()
    for span in spans:
        if span.end - span.start != 1 or span.label_ not in ("ANTIGEN", "DISEASE"):
            continue
        if span.start < 1 or doc[span.start - 1].text != "(" or span.end >= len(doc) or doc[span.end].text != ")":
            continue
        before = doc[max(0, span.start - 8):span.start - 1]
        covered = any(other.end == span.start - 1 for other in spans)
        if not covered and _ORGANIZATION_HEAD.search(before.text + " "):
            dropped.add(span.text)
    return [s for s in spans if not (s.end - s.start == 1 and s.text in dropped and s.label_ in ("ANTIGEN", "DISEASE"))]


#: "steroid-refractory", "steroid-sparing", "TKI-naive": the drug names the patients' or
#: the disease's state, and nothing is given
_STATE_AFTER_HYPHEN = frozenset({"refractory", "resistant", "dependent", "naive", "naïve", "sparing",
                                 "intolerant", "free", "exposed"})


def _drop_therapies_naming_a_state(doc: Doc, spans: list[Span]) -> list[Span]:
    """A therapy joined by a hyphen to a word of state is a modifier, not a therapy given."""
    def names_a_state(span: Span) -> bool:
        end = span.end
        return (span.label_ == "THERAPY" and end + 1 < len(doc) and not doc[end - 1].whitespace_
                and doc[end].text == "-" and not doc[end].whitespace_
                and doc[end + 1].lower_ in _STATE_AFTER_HYPHEN)
    return [s for s in spans if not names_a_state(s)]


#: the words before a disease that say what caused it: "heparin-induced", "warfarin-associated"
_CAUSED_BY = re.compile(r"\w[-\s](?:induced|associated|related)\s*$", re.I)


def _antigen_named(spans: list[Span], long_form: Span) -> Optional[Span]:
    """The antigen that is the whole long form ("Glypican-3 (GPC3)", "superoxide dismutase
    (SOD)"): its short form names it, not what the letters spell elsewhere."""
    return next((s for s in spans if s.label_ == "ANTIGEN" and (s.start, s.end) == (long_form.start, long_form.end)), None)


def _best_cover(spans: list[Span], target: Span) -> Optional[Span]:
    """The candidate that is the long form, or the longest one inside it that ends where
    it ends: a name's head is its last word, so "B-cell" in "B-cell maturation antigen",
    "microsatellite instability" in "microsatellite instability-high" or "B-cell lymphoma"
    in "B-cell lymphoma 2" does not say what the short form names. The head must cover half
    the long form, unless what comes before it names a cause ("heparin-induced
    thrombocytopenia (HIT)", "levodopa-induced dyskinesias (LID)": the short form names the
    disease)."""
    inside = [s for s in spans if s.start >= target.start and s.end <= target.end and s.label_ != "ANTIGEN"]
    exact = [s for s in inside if s.start == target.start and s.end == target.end]
    if exact:
        return exact[0]
    headed = [s for s in inside if s.end == target.end]
    if headed:
        best = max(headed, key=lambda s: s.end - s.start)
        cause = target.doc[target.start:best.start].text
        if (best.end - best.start) * 2 >= target.end - target.start or _CAUSED_BY.search(cause):
            return best  # "levodopa-induced dyskinesia (LID)": the short form names the disease
    return None


def _drop_inside_other_labels(spans: list[Span], named_after_parts: Callable[[Span], bool]) -> list[Span]:
    """Mentions inside a longer mention of another label, but antigens (``_target_inside``)
    and the parts of a molecule's name that name what it is named after (``named_after_parts``)."""
    by_start = sorted(spans, key=lambda s: (s.start, -s.end))
    kept = []
    open_spans: list[Span] = []  # a sweep: only spans still open can hold the next one
    for span in by_start:
        open_spans = [o for o in open_spans if o.end > span.start]
        outer = [o for o in open_spans if o.end >= span.end and o.label_ != span.label_
                 and (o.end - o.start) > (span.end - span.start)
                 and not (o.label_ == "ANTIGEN" and (span.label_ == "DISEASE" or named_after_parts(o)))]
        open_spans.append(span)
        if outer and not _target_inside(span, outer):
            continue
        kept.append(span)
    # a drug named as the protein it is ("GM-CSF"): a therapy, not a target
    therapies = {(s.start, s.end) for s in kept if s.label_ == "THERAPY"}
    return [s for s in kept if s.label_ != "ANTIGEN" or (s.start, s.end) not in therapies]


#: a molecule written as a word ("proteasome", "acetylcholinesterase"), not as a symbol
_WORD_NAMED = re.compile(r"[A-Za-z][a-z]*(?:[ -][a-z]+)*")


def _target_inside(span: Span, outer: list[Span]) -> bool:
    """An antigen names the target inside a therapy or disease ("anti-CD19 CAR-T",
    "HER2-positive"), but not inside a cell population (the population's marker: "CD34+
    cells"), an adverse event or outcome (a laboratory value: "increased alanine
    aminotransferase"), nor, written as a word, inside a therapy (the class's mechanism:
    "proteasome inhibitors")."""
    if span.label_ != "ANTIGEN" or any(o.label_ in ("CELL_TYPE", "ADVERSE_EVENT", "OUTCOME") for o in outer):
        return False
    return not (_WORD_NAMED.fullmatch(span.text) and any(o.label_ == "THERAPY" for o in outer))


def _with_inheritance(doc: Doc, spans: list[Span]) -> list[Span]:
    """A disease mention takes in the word of inheritance before it ("familial
    hypercholesterolemia", "X-linked adrenoleukodystrophy"): it is part of the disease's
    name, not its course; the concept stays the head's."""
    text = doc_text(doc)
    extended = []
    for span in spans:
        if span.label_ == "DISEASE":
            before = _INHERITANCE.search(text, max(0, span.start_char - 40), span.start_char)
            wider = doc.char_span(before.start(), span.end_char) if before else None
            if wider is not None:
                span = Span(doc, wider.start, wider.end, label=span.label_, kb_id=span.kb_id_)
        extended.append(span)
    return extended


def _combinations(doc: Doc, therapies: list[Span], sentences: SentenceIndex) -> list[Span]:
    """"A plus B (and C)": the regimen, besides its parts. A placebo arm is not a regimen."""
    therapies = sorted(therapies, key=lambda s: s.start)
    text = doc_text(doc)
    combined = []
    for index, left in enumerate(therapies[:-1]):
        right = therapies[index + 1]
        between = text[left.end_char:right.start_char]
        sentence = sentences.bounds(left.start)
        if sentences.bounds(right.start) != sentence or not _COMBINATION.match(between) or left.text.lower() == "placebo":
            continue
        if between in "-/" and not (_DRUG_NAME.fullmatch(left.text) and _DRUG_NAME.fullmatch(right.text)):
            continue  # "CAR-T", "anti-CD19": a hyphen joins two drugs only
        end = right
        for following in therapies[index + 2:]:
            if sentences.bounds(following.start) == sentence and _AND.match(text[end.end_char:following.start_char]):
                end = following
            else:
                break
        combined.append(Span(doc, left.start, end.end, label="THERAPY"))
    return combined


@Language.factory("mention_resolver", default_config={"kb_file": None})
def make_mention_resolver(nlp: Language, name: str, kb_file: Optional[str]) -> MentionResolver:
    from pathlib import Path
    return MentionResolver(load_kb(Path(kb_file) if kb_file else KB_FILE))
