"""``python -m pipeline kb build``: compile the knowledge base into ``models/kb/``.

Concepts from every source (``pipeline.knowledge.sources``) are merged by id, each
alias is assigned to one concept (the curated vocabulary first, then drugs, Disease
Ontology, MeSH, Cell Ontology, HGNC, annotated chemicals and last MeSH proteins and
enzymes), filtered, and turned into match keys with the same tokenizer the pipeline runs
(case-folded keys with Greek letters spelled out, in American spelling, see ``spelling``).
Disease mentions of annotated corpora (BC5CDR, NCBI-disease) add the words writers use
for MeSH concepts ("acne", "blurred vision"), joined on the MeSH id; organ-site neoplasm
names get the variants writers use ("prostate tumour" for "Prostatic Neoplasms",
``variants``), as keys of last resort. Filters keep out what made a naive dictionary tagger fail: aliases that are common
English words (by their Zipf frequency in the ``wordfreq`` lists), two-letter acronyms
from ontologies, acronyms that name other things in this domain ("CAR", "ORR", "FDA"),
proteins and nucleic acids in the drug list that are not drugs ("antibodies", "mRNA"),
and pseudogenes and non-coding loci among genes.

The artifact is deterministic: the same sources give the same bytes.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import srsly

from ..schema import Concept
from ..tokenization import english_tokenizer
from ..vocabulary import MODELS_DIR, is_case_sensitive, plural
from . import adjectives, sources, variants
from .spelling import american, folded

KB_DIR = MODELS_DIR / "kb"
KB_FILE = KB_DIR / "kb.msgpack.gz"
#: single-word aliases from ontologies at or above this Zipf frequency are English words
COMMON_WORD_ZIPF = 4.3
#: every word of a multi-word ontology alias this common makes it a phrase, not a name
COMMON_PHRASE_ZIPF = 5.0
MAX_ALIAS_TOKENS = 10
PLURAL_LABELS = {"CELL_TYPE", "DISEASE", "ADVERSE_EVENT", "OUTCOME"}
BIOLOGIC_SUFFIX = re.compile(r"(?:mab|cept|kin|ase|tide|cel|vec|gene|sen|rsen|stim|plase|mig)\b", re.I)
#: acronyms of trials, agencies, endpoints and methods in this domain that gene and disease
#: lists also use as symbols
ACRONYM_STOPLIST = frozenset("""
CAR TCR TIL CRS ORR PFS EFS DFS RFS DOR MRD DLT ICU FDA EMA NMPA WHO NIH ASCO ASH EHA ESMO AACR NEJM JAMA BMJ
DNA RNA PET MRI ICANS HLA GVHD HSCT ASCT IRB IIT CI HR OR RR SD PD PR CR VGPR NCCN USA EU UK IND NDA BLA
AUC PK PD ECOG KPS BMI AE SAE TEAE IRR IV SC PO BID QD QW ATCC CMV EBV HIV HBV HCV HPV COVID SARS MERS
RCT ITT MTD RP2D CAR-T ADC TKI BTK PI IMiD MAB ICI PDX NK NKT DC MSC IPSC TREG TH1 TH2 TH17 IL ANC WBC
PLT HB HGB ALT AST LDH CRP ESR IGG IGM IGA IGE CT CAT MET SET TAT REST CAPS MICE MAX ELN ACR EULAR IFN
CR1 CR2 CR3
""".split())  # CR1-CR3: first to third complete remission in clinical text, not complement receptors
#: substances in the drug list that articles mention as anything but a treatment
#: MeSH C23 clinical-course concepts a report states as an event, not a disease the patient has
NOT_DISEASES = frozenset({"MESH:D018450",   # Disease Progression
                          "MESH:D018365"})  # Neoplasm, Residual ("minimal residual disease": a response measure)
NOT_THERAPIES = frozenset("""
oxygen water alanine creatine creatinine glucose sodium potassium calcium magnesium iron zinc gadolinium nitrogen
ethanol alcohol caffeine nicotine albumin hemoglobin haemoglobin urea lactate bilirubin cholesterol histamine
platinum adenine ribose guanine cytosine thymine uracil estrogen estrogens oestrogen testosterone cortisol dopamine
serotonin melatonin c-peptide glucagon epinephrine norepinephrine adrenaline interferon-gamma interleukin-12
interleukin-6 interleukin-2 nepidermin hyaluronidase collagen elastin keratin ferritin transferrin fibrinogen
thrombin plasmin heparin-like gadolinium-based contrast
""".split())
_SPACE = re.compile(r"\s+")
#: annotated disease mentions too generic to name a concept on their own
GENERIC_MENTIONS = frozenset("""
pain pains toxicity toxicities toxic disease diseases disorder disorders syndrome syndromes illness injury injuries
death deaths damage lesion lesions tumor tumors tumour tumours neoplasm neoplasms neoplasia cancer cancers malignancy
malignancies defect defects deficiency dysfunction impairment abnormality abnormalities malformation malformations
complication complications weakness inflammation infection infections condition conditions symptoms adverse events
metastasis metastases
""".split())
#: heads of annotated mentions that name a bodily process rather than a disorder ("platelet aggregation")
PROCESS_HEADS = frozenset("""
aggregation coagulation excretion secretion release rotation apoptosis activity metabolism reduction increase
decrease elevation elevations changes effects response responses behavior behaviour
""".split())
#: a list or coordination of conditions ("nausea, vomiting", "breast and ovarian cancer"):
#: texts name each condition by itself
_COORDINATION = re.compile(r",|/|\b(?:and|or)\b")
#: a one-word mention with these endings is an adjective ("hypertensive", "diabetic") in running text
_ADJECTIVE_ENDING = re.compile(r"(?:ic|ive|al|ed|ous|ary|ile)$")


@dataclass
class Entry:
    concept: Concept
    source: str
    aliases: set[str] = field(default_factory=set)
    #: forms seen as mentions of the concept in annotated text, matched case-folded
    mentions: set[str] = field(default_factory=set)
    #: generated lexical variants, matched case-folded where no alias of any concept is
    variants: set[str] = field(default_factory=set)


def _zipf():
    from wordfreq import zipf_frequency
    return lambda word: zipf_frequency(word, "en")


#: "GPRC5D CAR-T", "anti-BCMA CAR T cells": a construct any product of its kind fits, not
#: one product's name (drug lists give them as synonyms of one product)
CONSTRUCT_ONLY = re.compile(r"^(?:anti-?)?[A-Za-z0-9/.-]{2,14}[- ](?:(?:targeted|directed|specific)[- ])?"
                            r"(?:CAR|chimeric antigen receptor)(?:[- ]?(?:T|NK|M))?(?:[- ]cells?|[- ]cell therapy|"
                            r"[- ]therapy)?$", re.I)


def keep_alias(alias: str, entry: Entry, zipf) -> bool:
    """Whether an ontology alias may be matched in text."""
    if entry.source == "curated":
        return True
    text = _SPACE.sub(" ", alias).strip()
    words = text.split()
    if len(text) < 3 or len(words) > MAX_ALIAS_TOKENS or "obsolete" in text.lower() or ";" in text:
        return False
    if len(re.findall(r"[A-Za-z]", text)) < 2 and not re.fullmatch(r"p\d{2,3}", text):
        return False  # "14.1", an alias of a gene, is a number in text; "p53" is a protein
    if entry.source == "drugs" and (text.lower() in NOT_THERAPIES or CONSTRUCT_ONLY.match(text)):
        return False
    if entry.concept.label == "DISEASE" and text.lower() in GENERIC_MENTIONS:
        return False  # "tumor", "malignancy": a head that names no disease on its own (a stated policy)
    if is_case_sensitive(text):
        letters = re.sub(r"[^A-Za-z]", "", text)
        if len(text) < 3 or text.upper() in ACRONYM_STOPLIST or _spells_stopped_acronym(text, letters):
            return False
        if len(words) == 1 and text[:1].isupper() and text[1:].islower():
            return False  # "Gen", "Fever": a capitalised word, not a symbol
        return not (len(words) == 1 and text.isalpha() and text.lower() == text)
    if len(words) == 1:
        return zipf(text.lower()) < COMMON_WORD_ZIPF
    return not all(zipf(w.lower()) >= COMMON_PHRASE_ZIPF for w in re.findall(r"[A-Za-z]+", text))


def _spells_stopped_acronym(text: str, letters: str) -> bool:
    """"C.A.R." or "C-A-R" spell a stopped acronym with punctuation; a symbol that adds a
    number ("IL2", "IL-8", "ESR1", "CR1") is a gene, not the acronym its letters spell."""
    return not re.search(r"\d", text) and letters.upper() in ACRONYM_STOPLIST


def keep_mention(form: str, zipf) -> bool:
    """Whether a disease mention of an annotated corpus may name its concept anywhere:
    not an acronym (those are defined per article; the abbreviation detector links
    them), not a generic word ("pain", "toxicity"), a one-word adjective ("hypertensive
    rats"), a bodily process ("platelet aggregation") or a list of conditions ("nausea,
    vomiting"), and not common English by the same Zipf limits as ontology aliases. Short
    words pass when rare in English ("acne", "gout"): they were seen naming a disease."""
    text = _SPACE.sub(" ", form).strip()
    words = text.split()
    if sources.is_acronym(text) or text.lower() in GENERIC_MENTIONS or len(words) > MAX_ALIAS_TOKENS:
        return False
    if len(re.findall(r"[A-Za-z]", text)) < 3 or ";" in text or words[-1].lower() in PROCESS_HEADS:
        return False
    if _COORDINATION.search(text):
        return False
    if len(words) == 1:
        return not _ADJECTIVE_ENDING.search(text.lower()) and zipf(text.lower()) < COMMON_WORD_ZIPF
    return not all(zipf(w.lower()) >= COMMON_PHRASE_ZIPF for w in re.findall(r"[A-Za-z]+", text))


def add_mentions(entries: list[Entry], mentions: Iterable[tuple[str, str]], zipf) -> int:
    """Annotated mention forms join the disease concept of their MeSH id; a form whose id
    is in no entry, or that ``keep_mention`` rejects, is left out. Returns forms added."""
    by_id = {entry.concept.id: entry for entry in entries if entry.concept.label == "DISEASE" and entry.concept.id}
    added = 0
    for form, curie in mentions:
        entry = by_id.get(curie)
        if entry is not None and keep_mention(form, zipf):
            entry.mentions.add(_SPACE.sub(" ", form).strip())
            added += 1
    return added


def add_chemical_mentions(entries: list[Entry], mentions: Iterable[tuple[str, str]], zipf) -> int:
    """Annotated chemical mention forms. A therapy that already has the form as its name or
    alias takes the annotated MeSH id as a cross-reference (corpora annotate with MeSH
    records, some older than the drug list's: "valsartan" is C081489 there); a form no
    therapy has becomes a therapy of its MeSH id, the forms of one id pooled, when it
    names a chemical on its own (``_keep_chemical``). Returns forms used."""
    by_form: dict[str, Entry] = {}
    for entry in entries:
        if entry.concept.label == "THERAPY":
            for alias in sorted(entry.aliases):
                by_form.setdefault(_SPACE.sub(" ", alias).strip().lower(), entry)
    created: dict[str, Entry] = {}
    used = 0
    for form, curie in mentions:
        text = _SPACE.sub(" ", form).strip()
        entry = by_form.get(text.lower())
        if entry is not None:
            if curie != entry.concept.id and curie not in entry.concept.xrefs:
                entry.concept = entry.concept.model_copy(update={"xrefs": sorted({*entry.concept.xrefs, curie})})
            used += 1
        elif _keep_chemical(text, zipf):
            entry = created.get(curie)
            if entry is None:
                entry = created[curie] = Entry(Concept(label="THERAPY", name=text.lower(), id=curie), "annotated")
            entry.mentions.add(text)
            used += 1
    entries += [created[curie] for curie in sorted(created)]
    return used


def _keep_chemical(form: str, zipf) -> bool:
    """``keep_mention`` for a chemical's name, whose one-word forms may end like adjectives
    ("phenobarbital", "arsenic"); substances named as anything but a treatment are left out."""
    text = form.lower()
    if sources.is_acronym(form) or text in GENERIC_MENTIONS or text in NOT_THERAPIES or _COORDINATION.search(text):
        return False
    words = text.split()
    if len(re.findall(r"[a-z]", text)) < 4 or len(words) > MAX_ALIAS_TOKENS:
        return False
    if len(words) == 1:
        return zipf(text) < COMMON_WORD_ZIPF
    return not all(zipf(w) >= COMMON_PHRASE_ZIPF for w in re.findall(r"[a-z]+", text))


def add_variants(entries: list[Entry], mesh_terms: dict[str, set[str]]) -> int:
    """Each disease concept's organ-site neoplasm variants (``variants``), less those that
    are a MeSH entry term of another descriptor. Returns variants added."""
    added = 0
    for entry in entries:
        if entry.concept.label != "DISEASE":
            continue
        own = {entry.concept.id, *entry.concept.xrefs}
        for form in sorted(variants.variants_of(entry.aliases | entry.mentions)):
            if mesh_terms.get(form, set()) - own:
                continue  # "another descriptor's term": MeSH means something else by it
            entry.variants.add(form)
            added += 1
    return added


#: the number of a drug code ("VM-26", "E-2020", "AZD6140")
_DRUG_CODE = re.compile(r"\d{2}")


def add_drug_synonyms(entries: list[Entry], synonyms: dict[str, set[str]], mesh_terms: dict[str, set[str]],
                      zipf) -> int:
    """A drug of the drug list with one MeSH chemical descriptor (its id or a
    cross-reference) takes the descriptor's entry terms as variants ("glyceryl trinitrate"
    for nitroglycerin, "metrazol" for pentylenetetrazole, "VM-26" for teniposide): keys of
    last resort, filtered as drug names are (``keep_alias``), and left out where MeSH gives
    the term to another descriptor too. An acronym is taken only as a drug code, with a
    number of two digits or more: letters alone ("ATP", "LSD") name substances and other
    things in text. Substances named as anything but a treatment (``NOT_THERAPIES``) take
    none. Returns variants added."""
    added = 0
    for entry in entries:
        concept = entry.concept
        if concept.label != "THERAPY" or entry.source != "drugs" or concept.name.lower() in NOT_THERAPIES:
            continue
        descriptors = sorted({c for c in (concept.id, *concept.xrefs) if c and c.startswith("MESH:D")})
        if len(descriptors) != 1:
            continue
        as_drug = Entry(concept, "drugs")
        for term in sorted(synonyms.get(descriptors[0], ())):
            if mesh_terms.get(" ".join(term.lower().split()), set()) - {descriptors[0]}:
                continue  # another descriptor's term as well
            if sources.is_acronym(term) and not _DRUG_CODE.search(term):
                continue
            if keep_alias(term, as_drug, zipf):
                entry.variants.add(term)
                added += 1
    return added


def _source_entries(data_dir: Optional[Path]) -> Iterable[tuple[str, Concept]]:
    yield from (("curated", c) for c in sources.curated())
    try:
        xref_folder = data_dir / "drug-xrefs" if data_dir is not None else None
        mesh_of_drugbank = (sources.drugbank_mesh(xref_folder, data_dir / "mesh-2024")
                            if xref_folder and xref_folder.is_dir() else None)
        yield from (("drugs", c) for c in sources.drugs(mesh_of_drugbank)
                    if c.kind != "protein" or BIOLOGIC_SUFFIX.search(c.name))
    except ModuleNotFoundError:
        print("kb build: drug-named-entity-recognition is not installed; drugs left out (pip install '.[kb]')")
    if data_dir is None:
        return
    readers = (("disease_ontology", "disease-ontology", sources.disease_ontology),
               ("mesh", "mesh-disease", sources.mesh_diseases),
               ("mesh_entry_terms", "mesh-2024", sources.mesh_entry_terms),
               ("cell_ontology", "cell-ontology", sources.cell_ontology),
               ("hgnc", "hgnc", lambda folder: sources.hgnc(folder, _hormones(data_dir))),
               ("mesh_proteins", "mesh-2024", lambda folder: sources.mesh_proteins(folder, data_dir / "ctcae-v5")))
    mesh_ids: set[str] = set()  # entry terms join descriptors the disease extract holds
    for name, folder, reader in readers:
        path = data_dir / folder
        if not path.is_dir():
            print(f"kb build: {path} is absent; {name} left out")
            continue
        for concept in reader(path):
            if concept.id in NOT_DISEASES or (name == "mesh_entry_terms" and concept.id not in mesh_ids):
                continue
            if name == "mesh":
                mesh_ids.add(concept.id)
            yield name, concept


def _hormones(data_dir: Path) -> frozenset[str]:
    mesh = data_dir / "mesh-2024"
    return sources.hormone_terms(mesh) if mesh.is_dir() else frozenset()


def merge(entries: Iterable[tuple[str, Concept]]) -> list[Entry]:
    """One entry per (label, id) — or per (label, name) for concepts without id — the
    first source's name kept, aliases pooled."""
    merged: dict[tuple[str, str], Entry] = {}
    for source, concept in entries:
        key = (concept.label, concept.id or "name:" + concept.name.lower())
        entry = merged.get(key)
        if entry is None:
            merged[key] = Entry(concept, source, {concept.name, *concept.aliases})
        else:
            entry.aliases |= {concept.name, *concept.aliases}
            if set(concept.xrefs) - set(entry.concept.xrefs):
                xrefs = sorted(set(entry.concept.xrefs) | set(concept.xrefs))
                entry.concept = entry.concept.model_copy(update={"xrefs": xrefs})
            if concept.ae_capable and not entry.concept.ae_capable:
                entry.concept = entry.concept.model_copy(update={"ae_capable": True})
    return link_cross_references(list(merged.values()))


def link_cross_references(entries: list[Entry]) -> list[Entry]:
    """Entries of one label that name each other (a curated drug under its MeSH id and the
    drug list's DrugBank record whose cross-references give that MeSH id) share their
    ids as cross-references; each keeps its own aliases, filtered by its own source."""
    by_id = {(e.concept.label, e.concept.id): e for e in entries if e.concept.id}
    by_name: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        if entry.source == "drugs":
            by_name.setdefault((entry.concept.label, entry.concept.name.lower()), entry)
    for entry in entries:
        namesake = by_name.get((entry.concept.label, entry.concept.name.lower())) if entry.source == "curated" else None
        if namesake is not None and entry.concept.id is None and namesake.concept.id:
            # a curated drug without an id takes the drug list's, so records can join on it
            entry.concept = entry.concept.model_copy(update={"id": namesake.concept.id,
                                                             "xrefs": list(namesake.concept.xrefs)})
            continue
        others = [by_id.get((entry.concept.label, xref)) for xref in entry.concept.xrefs] + [namesake]
        for other in others:
            if other is None or other is entry or other.concept.id is None or entry.concept.id is None:
                continue
            for one, two in ((entry, other), (other, entry)):
                wanted = sorted(set(one.concept.xrefs) | set(two.concept.xrefs) | {two.concept.id} - {one.concept.id})
                if wanted != one.concept.xrefs:
                    one.concept = one.concept.model_copy(update={"xrefs": wanted})
    return entries


def compile_kb(entries: list[Entry]) -> dict:
    zipf = _zipf()
    tokenizer = english_tokenizer()
    concepts: list[list] = []
    claimed: dict[tuple[str, str], int] = {}  # (case mode, key) -> concept index
    names: dict[tuple[str, str], int] = {}    # a concept's own name beats another's alias ...
    curated_keys: set[tuple[str, str]] = set()  # ... but never a curated one
    for entry in entries:
        index = len(concepts)
        concept = entry.concept
        concepts.append([concept.label, concept.name, concept.id, bool(concept.ae_capable),
                         sorted(set(concept.xrefs) - {concept.id})])
        forms: set[str] = set()
        for alias in sorted(entry.aliases):
            if not keep_alias(alias, entry, zipf):
                continue
            alias = _SPACE.sub(" ", alias).strip()
            forms.add(alias)
            if concept.label in PLURAL_LABELS and not is_case_sensitive(alias):
                forms.add(plural(alias))
        mentions = {m.lower() for m in entry.mentions} - {f.lower() for f in forms}
        mentions |= {plural(m) for m in mentions}
        forms |= mentions
        for form in sorted(forms):
            tokens = [t.text for t in tokenizer(form) if t.text not in ("-", "–", "—")]
            if not tokens:
                continue
            # annotated mentions are never acronyms: short ones ("acne") fold case too
            mode = "exact" if is_case_sensitive(form) and form not in mentions else "folded"
            key = " ".join(tokens) if mode == "exact" else folded(" ".join(tokens))
            claimed.setdefault((mode, key), index)  # first entry (by source priority) keeps an alias
            if entry.source == "curated":
                curated_keys.add((mode, key))
            elif form.lower() == concept.name.lower():
                names.setdefault((mode, key), index)
    claimed.update({key: index for key, index in names.items() if key not in curated_keys})
    claimed.update(_variant_keys(entries, claimed, tokenizer))
    derived = adjectives.disease_adjectives(_one_word_disease_names(entries, concepts, claimed, zipf), zipf,
                                            {key for mode, key in claimed if mode == "folded"})
    tables: dict[str, dict[str, int]] = {"exact": {}, "folded": {}}
    for (mode, key), index in sorted(claimed.items()):
        tables[mode][key] = index
    return {"format": 3, "concepts": concepts, "exact": tables["exact"], "folded": tables["folded"],
            "adjectives": derived,
            "exact_first": _first_token_lengths(tables["exact"]),
            "folded_first": _first_token_lengths(tables["folded"])}


def _one_word_disease_names(entries: list[Entry], concepts: list[list], claimed: dict[tuple[str, str], int],
                            zipf) -> Iterable[tuple[int, str]]:
    """(concept index, folded key) for the one-word names of diseases that may be matched
    (``keep_alias``, or annotated forms): what adjectives are derived from. The concept is
    the disease the word names in the knowledge base, else — where the word is a curated
    adverse event's ("hypertension") — the disease concept whose name it is."""
    for index, entry in enumerate(entries):
        if entry.concept.label != "DISEASE":
            continue
        for name in sorted(entry.aliases | entry.mentions):
            name = name.strip()
            if " " in name or is_case_sensitive(name) or not (name in entry.mentions or keep_alias(name, entry, zipf)):
                continue
            key = american(name.lower())
            owner = claimed.get(("folded", key))
            yield (owner if owner is not None and concepts[owner][0] == "DISEASE" else index), key


def _variant_keys(entries: list[Entry], claimed: dict[tuple[str, str], int], tokenizer) -> dict[tuple[str, str], int]:
    """Keys of generated variants (plurals of diseases' included) that no alias claims and
    only one concept generates: a variant never takes a key from a name. Acronyms
    ("CCNU") are matched case-sensitively, as aliases are."""
    owners: dict[tuple[str, str], set[int]] = {}
    for index, entry in enumerate(entries):
        for form in entry.variants:
            exact = is_case_sensitive(form)
            forms = (form,) if exact or entry.concept.label not in PLURAL_LABELS else (form, plural(form))
            for inflected in forms:
                tokens = [t.text for t in tokenizer(inflected) if t.text not in ("-", "–", "—")]
                key = ("exact", " ".join(tokens)) if exact else ("folded", american(" ".join(tokens).lower()))
                if tokens and key not in claimed:
                    owners.setdefault(key, set()).add(index)
    return {key: next(iter(indices)) for key, indices in owners.items() if len(indices) == 1}


def _first_token_lengths(table: dict[str, int]) -> dict[str, int]:
    """The longest key (in tokens) that starts with each first token: how far a match may reach."""
    longest: dict[str, int] = {}
    for key in table:
        first = key.split(" ", 1)[0]
        longest[first] = max(longest.get(first, 0), key.count(" ") + 1)
    return dict(sorted(longest.items()))


def required_sources() -> list[str]:
    """The files of ``../shared/data`` a build reads, relative to the data folder."""
    return ["mesh-disease/mesh_descriptors_c_f_tree.tsv", "mesh-disease/mesh_scr.tsv",
            "disease-ontology/reports/HumanDO.tsv", "disease-ontology/reports/MESHinDO.tsv",
            "cell-ontology/cl-edit.owl", "hgnc/HGNCgenes.txt", "mesh-2024/mesh2024_trees.tsv",
            "mesh-2024/mesh2024_descriptor_terms.tsv", "ctcae-v5/CTCAE_v5.0_clean_copy.tsv"] + [f"{folder}/{name}"
                                                                for folder, name in sources.ANNOTATED_CORPORA]


def missing_sources(data_dir: Path) -> list[str]:
    """What a full build lacks: the data folder, or source files in it. A build without
    them would silently compile a much smaller knowledge base over the committed one."""
    if not data_dir.is_dir():
        return [str(data_dir)]
    return [name for name in required_sources() if not (data_dir / name).is_file()]


def build(data_dir: Optional[Path], out_file: Path = KB_FILE) -> dict:
    entries = merge(_source_entries(data_dir))
    if data_dir is not None:
        add_mentions(entries, sources.annotated_diseases(data_dir), _zipf())
        add_chemical_mentions(entries, sources.annotated_chemicals(data_dir), _zipf())
        if (data_dir / "mesh-2024").is_dir():
            mesh_terms = sources.mesh_terms(data_dir / "mesh-2024")
            add_variants(entries, mesh_terms)
            add_drug_synonyms(entries, sources.mesh_drug_synonyms(data_dir / "mesh-2024"), mesh_terms, _zipf())
    # protein names are the least specific source: every other one, annotated chemical
    # forms included, claims a shared key first
    entries.sort(key=lambda entry: entry.source == "mesh_proteins")
    kb = compile_kb(entries)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    payload = srsly.msgpack_dumps(kb)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as handle:
        handle.write(payload)
    out_file.write_bytes(buffer.getvalue())
    labels: dict[str, int] = {}
    for label, *_ in kb["concepts"]:
        labels[label] = labels.get(label, 0) + 1
    summary = {"concepts": len(kb["concepts"]), "by_label": dict(sorted(labels.items())),
               "exact_keys": len(kb["exact"]), "folded_keys": len(kb["folded"]), "adjectives": len(kb["adjectives"]),
               "bytes": out_file.stat().st_size, "sha256": hashlib.sha256(out_file.read_bytes()).hexdigest()}
    (out_file.parent / "kb.summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary
