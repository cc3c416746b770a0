"""Molecular targets found by the shape of their names and of what the text says of them,
for the targets no vocabulary lists ("prefusion F protein", "IL-4 receptor alpha").

Regular expressions over the doc's text, each for one family:

* the object of a targeting cue — "binds the activated factor XII", "an inhibitor of the
  cardiac myosin ATPase", "antibodies against the prefusion F protein", "targets
  Nectin-4": a noun phrase headed by a molecule word (receptor, protein, kinase,
  "factor XII", an enzyme's "-ase", protofibrils …) after one to three modifiers, or a
  symbol;
* a receptor named by its ligand's symbol, with its subunit ("IL-4 receptor alpha",
  "interleukin-13 receptor alpha 2"), or with the ligand's defined short form between
  ("glucagon-like peptide-1 (GLP-1) receptor": the short form's letters and digits are the
  initials of the words, or of their hyphenated parts, before it, after Schwartz & Hearst
  2003);
* the symbol a drug is named against ("anti-C5 antibodies", "anti-FXIIa antibody");
* MHC and HLA classes ("MHC class I");
* a virus's antigens and proteins ("EBV antigens", "RSV prefusion F protein", "spike
  protein");
* a protein's forms: a known target with its modified end before it and its assembly
  after it ("N-terminal pyroglutamate amyloid-β", "soluble amyloid-β protofibrils");
* a gene's allele ("APOE ε4", "HLA-C*08:02"): a genotype, which the bare symbol would
  read as the protein.

Matches join the doc's candidates without a concept, as ANTIGEN.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from spacy.tokens import Doc, Span

from .line_sentencizer import doc_text

LABEL = "ANTIGEN"
#: words that say a drug acts on what follows
_CUE = (r"(?:targets?|targeting|binds?|binding|blocks?|blocking|inhibits?|inhibiting|neutrali[sz]es|neutrali[sz]ing|"
        r"degrades?|degrading|recogni[sz]es|(?:inhibitors?|antagonists?|agonists?|blockers?|modulators?|degraders?) of|"
        r"antibod(?:y|ies) (?:against|to|directed against)|directed against)")
#: what may stand between the cue and its object
_BETWEEN = (r"(?: (?:with high affinity|selectively|specifically|directly|irreversibly|potently))?(?: to)?"
            r"(?: both)?(?: the| a| an)?")
#: words that open no molecule's name
_NOT_MODIFIER = (r"(?:the|a|an|its|their|this|that|these|those|and|or|of|in|on|with|by|for|to|from|which|who|is|are|"
                 r"was|were|be|been|it|new|same|other|another|key|target|specific|several|many|multiple|different|"
                 r"various|both|first|only|also|not|as|at|such)")
_MODIFIER = rf"(?!{_NOT_MODIFIER}\b)[\w-]+"
#: an enzyme by its ending ("ATPase", "deacetylases"), not the words that end alike
_ENZYME = r"(?![a-z]*(?:disease|crease|lease|phase|case|base|chase|ease)s?\b)[A-Za-z]{2,}ases?"
#: the head of a molecule's name
_HEAD = (rf"(?:receptors?(?: (?:alpha|beta|gamma|delta|[αβγδ]))?|(?:glyco)?proteins?|kinases?|enzymes?|"
         rf"factor (?:[IVX]{{1,4}}|\d{{1,2}})a?|ligands?|antigens?|channels?|peptides?|complex|subunits?|"
         rf"(?:proto)?fibrils|oligomers|transporters?|{_ENZYME})")
#: a symbol: "Nectin-4", "DLL3", "IL-17A"
_SYMBOL = r"(?:[A-Z][a-z]{2,}-\d{1,2}[A-Za-z]?|[A-Z][A-Z0-9]{1,7}(?:-[A-Z0-9]{1,4})?)"
#: a member's number or letter after the head ("delta-like ligand 3", "factor XII")
_MEMBER = r"(?: (?:\d{1,2}[a-z]?|[A-Z]))?"
CUE_OBJECT = re.compile(rf"\b{_CUE}{_BETWEEN} (?P<target>(?:{_MODIFIER} ){{1,3}}?{_HEAD}{_MEMBER}|{_SYMBOL})(?![\w-])")
#: a ligand's symbol: two capitals or digits at least ("GLP-1", "IL-4", "Interleukin-13"; not "The", "T-cell")
_LIGAND = r"(?=[\w-]*[A-Z0-9][\w-]*[A-Z0-9])[A-Z][A-Za-z0-9]*(?:-\d{1,2}[A-Za-z]?)?"
_SUBUNIT = r"(?: (?:alpha|beta|gamma|delta|[αβγδ])(?: ?\d)?)?"
RECEPTOR = re.compile(rf"(?<![\w-]){_LIGAND}(?: [A-Z]?\d)? receptors?{_SUBUNIT}(?![\w-])")
#: "(GLP-1) receptor": a defined short form between the long form and the head
DEFINED_RECEPTOR = re.compile(rf"\((?P<short>[A-Z][A-Za-z0-9-]{{1,9}})\) receptors?{_SUBUNIT}(?![\w-])")
_WORDS_BEFORE = re.compile(r"((?:[\w-]+ ){1,6})$")
MHC_CLASS = re.compile(r"\b(?:MHC|HLA)[- ]class[- ](?:III|II|I|[123])(?![\w-])")
_VIRUS = r"(?:EBV|CMV|HPV\d{0,2}|HBV|HCV|HIV(?:-[12])?|RSV|VZV|HSV(?:-[12])?|SARS-CoV-2)"
_VIRAL_PART = r"(?:prefusion|postfusion|spike|envelope|capsid|surface|core|nuclear|latent|lytic|fusion)"
VIRAL = re.compile(rf"\b{_VIRUS}(?: {_VIRAL_PART})?(?: [A-Z]{{1,3}}\d{{0,2}})? (?:antigens?|(?:glyco)?proteins?)(?![\w-])|"
                   rf"\b(?:prefusion|postfusion|spike) (?:[A-Z]{{1,2}}\d? )?(?:glyco)?protein(?![\w-])")
#: a protein's modified end or modification before its name, its assembly after it
_FORM_BEFORE = re.compile(r"\b(?:[NC]-terminal(?:ly)?(?: [a-z]+)?|(?:hyper)?phosphorylated|truncated|pyroglutamate) $")
_FORM_AFTER = re.compile(r"^ (?:proto)?fibrils\b|^ oligomers\b")
#: "soluble" names a form together with an assembly ("soluble amyloid-β protofibrils")
_SOLUBLE = re.compile(r"\bsoluble $")
#: "anti-C5", "anti-FXIIa": the symbol a drug is named against (not "anti-inflammatory")
ANTI_SYMBOL = re.compile(r"\b[Aa]nti-(?P<target>[A-Z][A-Za-z0-9]{0,8}\d[A-Za-z0-9]*|[A-Z]{2,}[a-z]?(?:-\d{1,2}[A-Za-z]?)?)(?![\w-])")
ALLELE = re.compile(r"\b[A-Z][A-Z0-9]{1,7} ?(?:ε|epsilon)\d\b|\bHLA-[A-Z]{1,3}\d?\*\d{2}(?::\d{2,3}){0,3}")


#: each shape with a word every match holds: the shape is tried only in windows around it,
#: which one scan for a plain word finds several times faster than the shape itself
ANCHORED = ((CUE_OBJECT, re.compile(r"target|bind|block|inhibit|neutrali|degrad|recogni|agonist|antibod|directed")),
            (ANTI_SYMBOL, re.compile(r"nti-")), (RECEPTOR, re.compile(r"receptor")), (MHC_CLASS, re.compile(r"class")),
            (VIRAL, re.compile(r"antigen|protein")), (ALLELE, re.compile(r"ε|epsilon|\*")))
#: how far a match may reach before and after its anchor word
WINDOW = 80


def target_spans(doc: Doc, known: Iterable[Span] = ()) -> Iterator[Span]:
    """The targets the shapes above find in the doc; ``known`` are the antigens already
    found (their forms are looked for around them)."""
    text = doc_text(doc)
    found = [match.span("target" if "target" in pattern.groupindex else 0)
             for pattern, anchor in ANCHORED for match in _anchored(pattern, anchor, text)]
    found += list(defined_receptors(text))
    found += list(protein_forms(text, [(s.start_char, s.end_char) for s in known if s.label_ == LABEL]))
    for start, end in found:
        span = doc.char_span(start, end, label=LABEL, alignment_mode="expand")
        if span is not None and "\n" not in span.text:
            yield span


def _anchored(pattern: re.Pattern[str], anchor: re.Pattern[str], text: str) -> Iterator[re.Match]:
    """The pattern's matches that hold an anchor word, each once."""
    seen: set[tuple[int, int]] = set()
    for hit in anchor.finditer(text):
        for match in pattern.finditer(text, max(0, hit.start() - WINDOW), min(len(text), hit.end() + WINDOW)):
            if match.start() <= hit.start() and hit.end() <= match.end() and match.span() not in seen:
                seen.add(match.span())
                yield match


def defined_receptors(text: str) -> Iterator[tuple[int, int]]:
    """"glucagon-like peptide-1 (GLP-1) receptor": the words before the bracket whose
    initials spell the short form, the short form and the head."""
    for match in DEFINED_RECEPTOR.finditer(text):
        before = _WORDS_BEFORE.search(text, max(0, match.start() - 80), match.start())
        if before is None:
            continue
        words, short = before.group(1).split(), _letters(match.group("short"))
        for count in range(1, len(words) + 1):
            if short in (_initials(words[-count:]), _initials(words[-count:], parts=False)):
                start = match.start() - len(" ".join(words[-count:])) - 1
                yield start, match.end()
                break


def _initials(words: list[str], parts: bool = True) -> str:
    """The first letter of each word, or of each hyphenated part, numbers whole:
    "glucagon-like peptide-1" -> "glp1"; "glucose-dependent insulinotropic polypeptide" ->
    "gip" by words."""
    pieces = [piece for word in words for piece in (word.split("-") if parts else [word]) if piece]
    return "".join(piece if piece.isdigit() else piece[0] for piece in pieces).lower()


def _letters(short: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", short).lower()


def protein_forms(text: str, antigens: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """A known target with its modified end or modification before it and its assembly
    after it: "N-terminal pyroglutamate amyloid-β", "soluble amyloid-β protofibrils"."""
    for start, end in antigens:
        after = _FORM_AFTER.match(text[end:end + 20])
        before = _FORM_BEFORE.search(text, max(0, start - 40), start) or (
            _SOLUBLE.search(text, max(0, start - 10), start) if after else None)
        if before or after:
            yield (before.start() if before else start), (end + after.end() if after else end)
