"""Entity recognition on the public test sets: the trained models and the ner stage.

For each corpus (NCBI-disease, BC5CDR, JNLPBA, BioNLP13CG) one table block:

* the trained model of that corpus (``models/ner/<corpus>/``) with the corpus's own
  types, micro-averaged over them — the definition of the published figures;
* the whole ner stage (dictionary, patterns, models, merge policy, mention resolver),
  its labels paired with the corpus's types (DISEASE vs the disease types, THERAPY vs
  Chemical, CELL_TYPE vs cell_type, ANTIGEN vs protein, four BioNLP13CG types; and
  DISEASE with ADVERSE_EVENT, since the product calls a disease caused by a treatment an
  adverse event where the text reports toxicity);
* document-level concept-id F1 where the corpus has ids (NCBI-disease, BC5CDR): the
  stage's DISEASE entities linked as the normalize stage links them;
* words per second of each, on the same texts in the same run.

Mentions are scored as ``extbench`` (``../shared/tools``) scores them: *strict*, exact
character span and type; *lenient*, a prediction is right when it overlaps a gold mention
of its type, and a gold mention is found when a prediction of its type overlaps it.
A document is its title, a line break and its abstract (the PubTator offsets hold);
BioNLP13CG, given as tokenized sentences without document marks, is read as its
sentences joined by spaces, 20 sentences per document, one per line.

Test splits are read only here and in the scorer's tests. Choices are made with
``--split dev`` (JNLPBA has no dev split: every tenth training abstract, which the
model's training holds out, stands in).
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

#: (doc id, start, end, type)
Mention = tuple[str, int, int, str]


@dataclass
class Document:
    id: str
    text: str
    #: (start, end, type, concept ids)
    mentions: list[tuple[int, int, str, list[str]]] = field(default_factory=list)


# ----------------------------------------------------------------------------- readers

def _split_ids(concept: str) -> list[str]:
    """A PubTator concept field as ids: composites split on ``|`` and ``+``, ``-1``
    dropped, a ``MESH:`` prefix stripped (``OMIM:`` ids kept as written)."""
    ids = []
    for part in re.split(r"[|+]", concept or ""):
        part = part.strip()
        part = part[5:] if part[:5].upper() == "MESH:" else part
        if part and part != "-1":
            ids.append(part)
    return ids


def read_pubtator(path: Path) -> list[Document]:
    titles: dict[str, dict] = {}
    head = re.compile(r"^([^|\t]+)\|([ta])\|(.*)$")
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        match = head.match(line)
        if match:
            pmid, kind, body = match.groups()
            titles.setdefault(pmid, {"t": "", "a": "", "mentions": []})[kind] = body
            continue
        cells = line.split("\t")
        if len(cells) >= 6 and cells[0] in titles and cells[1].isdigit():
            titles[cells[0]]["mentions"].append((int(cells[1]), int(cells[2]), cells[4], _split_ids(cells[5])))
    return [Document(pmid, d["t"] + "\n" + d["a"], d["mentions"]) for pmid, d in titles.items()]


def read_standoff_jsonl(path: Path, every: int = 1) -> list[Document]:
    """Documents of a JSON-lines file; with ``every`` n, only every n-th (the held-out
    tenth of JNLPBA's training documents that the model's training leaves for development)."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Document(str(d["id"]), d["text"], [(s, e, t, []) for s, e, t in d["entities"]])
            for number, d in enumerate(lines) if number % every == every - 1]


def read_iob(path: Path, sentences_per_document: int = 20) -> list[Document]:
    sentences: list[list[tuple[str, str]]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        cells = line.split("\t")
        sentences[-1].append((cells[0], cells[-1]))
    sentences = [s for s in sentences if s]
    documents = []
    for number in range(0, len(sentences), sentences_per_document):
        lines, mentions, offset = [], [], 0
        for sentence in sentences[number:number + sentences_per_document]:
            mentions += _iob_mentions(sentence, offset)
            line = " ".join(word for word, _ in sentence)
            lines.append(line)
            offset += len(line) + 1
        documents.append(Document(f"s{number}", "\n".join(lines), mentions))
    return documents


def _iob_mentions(sentence: list[tuple[str, str]], offset: int) -> list[tuple[int, int, str, list[str]]]:
    mentions, open_mention, position = [], None, offset
    for word, tag in sentence:
        start, end = position, position + len(word)
        if tag.startswith("I-") and open_mention and open_mention[2] == tag[2:]:
            open_mention[1] = end
        else:
            if open_mention:
                mentions.append(tuple(open_mention) + ([],))
            open_mention = [start, end, tag[2:]] if tag[:2] in ("B-", "I-") else None
        position = end + 1
    if open_mention:
        mentions.append(tuple(open_mention) + ([],))
    return mentions


# ----------------------------------------------------------------------------- corpora

NCBI_TYPES = frozenset({"SpecificDisease", "DiseaseClass", "Modifier", "CompositeMention"})


@dataclass
class Corpus:
    name: str
    model: str  # folder under models/ner/
    splits: dict[str, Callable[[Path], list[Document]]]
    #: gold type -> the model's type (lower-cased), for the model rows
    own_type: Callable[[str], str]
    #: (row title, {product label: pair key}, {gold type: pair key})
    stage_rows: list[tuple[str, dict[str, str], dict[str, str]]]
    published_model: str
    published_stage: dict[str, str] = field(default_factory=dict)
    disease_ids: frozenset = frozenset()  # gold types whose ids are scored at document level


def _each(keys, value):
    return {key: value for key in keys}


CORPORA = [
    Corpus("NCBI-disease", "ncbi-disease",
           {"test": lambda d: read_pubtator(d / "ncbi-disease/original-pubtator/NCBItestset_corpus.txt"),
            "dev": lambda d: read_pubtator(d / "ncbi-disease/original-pubtator/NCBIdevelopset_corpus.txt")},
           lambda t: "disease",
           [("DISEASE vs all disease types", {"DISEASE": "d"}, _each(NCBI_TYPES, "d")),
            ("DISEASE+ADVERSE_EVENT vs all disease types", {"DISEASE": "d", "ADVERSE_EVENT": "d"},
             _each(NCBI_TYPES, "d"))],
           "Stanza 87.49, Spark NLP 89.13, BioBERT 89.7, BERN2 88.6",
           {"DISEASE vs all disease types": "BioBERT 89.7 (trained)"}, NCBI_TYPES),
    Corpus("BC5CDR", "bc5cdr",
           {"test": lambda d: read_pubtator(d / "bc5cdr/pubtator/CDR_TestSet.PubTator.txt"),
            "dev": lambda d: read_pubtator(d / "bc5cdr/pubtator/CDR_DevelopmentSet.PubTator.txt")},
           str.lower,
           [("DISEASE vs Disease", {"DISEASE": "d"}, {"Disease": "d"}),
            ("DISEASE+ADVERSE_EVENT vs Disease", {"DISEASE": "d", "ADVERSE_EVENT": "d"}, {"Disease": "d"}),
            ("THERAPY vs Chemical", {"THERAPY": "c"}, {"Chemical": "c"}),
            ("both", {"DISEASE": "d", "THERAPY": "c"}, {"Disease": "d", "Chemical": "c"})],
           "scispaCy 84.28, Stanza 88.08, Spark NLP 89.73",
           {"DISEASE vs Disease": "BioBERT 87.2", "THERAPY vs Chemical": "BioBERT 93.5"},
           frozenset({"Disease"})),
    Corpus("JNLPBA", "jnlpba",
           {"test": lambda d: read_standoff_jsonl(d / "jnlpba/test.jsonl"),
            "dev": lambda d: read_standoff_jsonl(d / "jnlpba/train.jsonl", every=10)},
           str.lower,
           [("CELL_TYPE vs cell_type", {"CELL_TYPE": "t"}, {"cell_type": "t"}),
            ("ANTIGEN vs protein", {"ANTIGEN": "p"}, {"protein": "p"})],
           "scispaCy 72.06, Stanza 76.09, Spark NLP 81.29"),
    Corpus("BioNLP13CG", "bionlp13cg",
           {"test": lambda d: read_iob(d / "bionlp13cg/iob/test.tsv"),
            "dev": lambda d: read_iob(d / "bionlp13cg/iob/devel.tsv")},
           str.lower,
           [("4 mapped types", {"CELL_TYPE": "t", "ANTIGEN": "p", "DISEASE": "d", "THERAPY": "c"},
             {"Cell": "t", "Gene_or_gene_product": "p", "Cancer": "d", "Simple_chemical": "c"})],
           "scispaCy 77.84 (16 types)"),
]


# ----------------------------------------------------------------------------- scoring

def prf(correct_predicted: int, predicted: int, found: int, gold: int) -> dict:
    p = correct_predicted / predicted if predicted else 0.0
    r = found / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "predicted": predicted, "gold": gold}


def mention_scores(gold: set[Mention], predicted: set[Mention]) -> tuple[dict, dict]:
    """(strict, lenient) P/R/F1: strict is an exact span and type; lenient an overlap
    with a mention of the same type, counted on each side."""
    correct = len(gold & predicted)
    strict = prf(correct, len(predicted), correct, len(gold))
    by_key: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for doc, start, end, kind in gold:
        by_key.setdefault((doc, kind), []).append((start, end))
    predicted_by_key: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for doc, start, end, kind in predicted:
        predicted_by_key.setdefault((doc, kind), []).append((start, end))

    def overlaps(start: int, end: int, others: list[tuple[int, int]]) -> bool:
        return any(start < o_end and o_start < end for o_start, o_end in others)

    right = sum(overlaps(s, e, by_key.get((d, k), [])) for d, s, e, k in predicted)
    found = sum(overlaps(s, e, predicted_by_key.get((d, k), [])) for d, s, e, k in gold)
    return strict, prf(right, len(predicted), found, len(gold))


def _merge_groups(groups: list[set[str]]) -> list[set[str]]:
    """Id sets that share an id are one concept (a concept named by several CURIEs)."""
    merged: list[set[str]] = []
    for group in groups:
        group = set(group)
        keep = []
        for other in merged:
            if other & group:
                group |= other
            else:
                keep.append(other)
        merged = keep + [group]
    return merged


def gold_namespace_ids(curies: list[str]) -> set[str]:
    """MeSH ids without their prefix and OMIM ids as NCBI-disease writes them."""
    ids = {c[5:] for c in curies if c[:5].upper() == "MESH:" and c[5:]}
    return ids | {"OMIM:" + c[5:] for c in curies if c[:5].upper() == "OMIM:" and c[5:]}


def document_id_scores(documents: list[Document], linked: dict[str, list[list[str]]], gold_types) -> dict:
    """Document-level concept ids, as extbench: each predicted entity gives its MeSH/OMIM
    ids (an entity linked elsewhere counts as one concept that cannot match); P = concepts
    with a gold id / concepts, R = gold ids found."""
    n_pred = c_pred = n_gold = f_gold = 0
    for document in documents:
        gold = {i for _, _, kind, ids in document.mentions if kind in gold_types for i in ids}
        groups = []
        for curies in linked.get(document.id, []):
            ids = gold_namespace_ids(curies) or ({"other:" + curies[0]} if curies else set())
            if ids:
                groups.append(ids)
        concepts = _merge_groups(groups)
        found = set().union(*concepts) if concepts else set()
        n_pred += len(concepts)
        c_pred += sum(1 for c in concepts if c & gold)
        n_gold += len(gold)
        f_gold += len(gold & found)
    return prf(c_pred, n_pred, f_gold, n_gold)


def _words(documents: list[Document]) -> int:
    return sum(len(d.text.split()) for d in documents)


# ----------------------------------------------------------------------------- running

def run_model(path: Path, documents: list[Document]) -> tuple[set[Mention], float]:
    """The model's entities over the documents (lines through ``nlp.pipe``, as the ner
    stage runs it), and the seconds it took once loaded."""
    from ..components.model_ner import lines_of, load_model
    model = load_model(path)
    list(model.pipe(["warm up"]))
    started = time.perf_counter()
    pieces = [(d.id, offset, line) for d in documents for offset, line in lines_of(d.text)]
    predicted = set()
    for (doc_id, offset, _), doc in zip(pieces, model.pipe((line for _, _, line in pieces), batch_size=256)):
        predicted |= {(doc_id, offset + e.start_char, offset + e.end_char, e.label_.lower()) for e in doc.ents}
    return predicted, time.perf_counter() - started


def run_stage(documents: list[Document]) -> tuple[dict[str, list], float]:
    """The ner stage's entities of each document (linked as the normalize stage links
    them) and the stage's seconds (linking not counted)."""
    from ..normalization.linker import default_linker
    from ..schema import CleanDocument, Source
    from ..stages.ner import prepare, recognize
    from ..stages.normalize import link
    prepare()
    records = [CleanDocument.model_construct(doc_id=d.id, source=Source.model_construct(path=d.id), text=d.text,
                                             citations=[], warnings=[], title=None) for d in documents]
    started = time.perf_counter()
    recognized = [recognize(record) for record in records]
    seconds = time.perf_counter() - started
    linker = default_linker()
    entities = {}
    for record in recognized:
        names: dict = {}
        entities[record.doc_id] = [link(e, linker, names) for e in record.entities]
    return entities, seconds


def score_corpus(corpus: Corpus, documents: list[Document], models_dir: Path) -> dict:
    from ..components.model_ner import is_model
    result: dict = {"corpus": corpus.name, "documents": len(documents), "words": _words(documents), "rows": []}
    gold_own = {(d.id, s, e, corpus.own_type(t)) for d in documents for s, e, t, _ in d.mentions}
    path = models_dir / corpus.model
    row = {"what": f"model {corpus.model}, own types", "published": corpus.published_model}
    if is_model(path):
        predicted, seconds = run_model(path, documents)
        row["strict"], row["lenient"] = mention_scores(gold_own, predicted)
        row["words_per_second"] = round(result["words"] / seconds) if seconds else None
    result["rows"].append(row)
    entities, seconds = run_stage(documents)
    stage_speed = round(result["words"] / seconds) if seconds else None
    for title, labels, types in corpus.stage_rows:
        gold = {(d.id, s, e, types[t]) for d in documents for s, e, t, _ in d.mentions if t in types}
        predicted = {(doc_id, e.start, e.end, labels[e.label]) for doc_id, found in entities.items()
                     for e in found if e.label in labels}
        strict, lenient = mention_scores(gold, predicted)
        result["rows"].append({"what": f"ner stage, {title}", "strict": strict, "lenient": lenient,
                               "words_per_second": stage_speed, "published": corpus.published_stage.get(title, "")})
    if corpus.disease_ids:
        linked = {doc_id: [_curies(e) for e in found if e.label == "DISEASE"] for doc_id, found in entities.items()}
        result["rows"].append({"what": "ner stage, document-level disease ids",
                               "ids": document_id_scores(documents, linked, corpus.disease_ids), "published": ""})
    return result


def _curies(entity) -> list[str]:
    normalized = entity.normalized
    if normalized is None:
        return []
    return ([normalized.id] if normalized.id else []) + [x for x in (normalized.xrefs or []) if x != normalized.id]


# ----------------------------------------------------------------------------- report

def _cells(scores: Optional[dict]) -> str:
    if scores is None:
        return f"{'':>20}"
    return f"{scores['p']:6.3f} {scores['r']:6.3f} {scores['f1']:6.3f}"


def print_table(results: list[dict], split: str) -> None:
    print(f"{'':60} {'strict P':>8} {'R':>6} {'F1':>6}   {'lenient P':>9} {'R':>6} {'F1':>6}  {'words/s':>8}  published F1")
    for result in results:
        print(f"{result['corpus']} ({split}, {result['documents']} documents, {result['words']:,} words)")
        for row in result["rows"]:
            if "ids" in row:
                print(f"  {row['what']:58}   {_cells(row['ids'])}")
            elif "strict" not in row:
                print(f"  {row['what']:58} {'no model':>20}   {'':>22}  {'':>8}  {row['published']}")
            else:
                speed = f"{row['words_per_second']:>8,}" if row.get("words_per_second") else f"{'':>8}"
                print(f"  {row['what']:58}   {_cells(row['strict'])}   {_cells(row['lenient'])}  {speed}  {row['published']}")


def run(data: Path, split: str = "test", models_dir: Optional[Path] = None, only: Optional[list[str]] = None,
        json_path: Optional[Path] = None) -> list[dict]:
    from ..components.model_ner import NER_MODELS_DIR
    models_dir = models_dir or NER_MODELS_DIR
    results = []
    for corpus in CORPORA:
        if only and corpus.name.lower() not in {name.lower() for name in only}:
            continue
        documents = corpus.splits[split](data)
        results.append(score_corpus(corpus, documents, models_dir))
    print_table(results, split)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return results
