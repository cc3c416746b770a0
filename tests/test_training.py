"""Training of the NER models: corpus conversion, a smoke training through the
``train ner`` command, and the committed models in ``models/ner/`` loading in a fresh
process."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import spacy
from conftest import ROOT
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.training.corpora import CORPORA, iob_doc, jsonl_doc, read_iob

MODELS = ROOT / "models" / "ner"

SENTENCES = [
    [("Cisplatin", "B-Chemical"), ("-", "O"), ("induced", "O"), ("nephrotoxicity", "B-Disease"), (".", "O")],
    [("Lithium", "B-Chemical"), ("may", "O"), ("cause", "O"), ("diabetes", "B-Disease"), ("insipidus", "I-Disease"),
     (".", "O")],
    [("Haloperidol", "B-Chemical"), ("induced", "O"), ("tardive", "B-Disease"), ("dyskinesia", "I-Disease"),
     ("in", "O"), ("rats", "O"), (".", "O")],
]


def _write_iob(path: Path, sentences: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join("\n".join(f"{t}\t{g}" for t, g in s) for s in sentences) + "\n", encoding="utf-8")


def test_iob_sentences_become_entities(tmp_path: Path):
    _write_iob(tmp_path / "train.tsv", SENTENCES)
    sentences = list(read_iob(tmp_path / "train.tsv"))
    assert len(sentences) == 3
    doc = iob_doc(spacy.blank("en"), sentences)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Cisplatin", "Chemical"), ("nephrotoxicity", "Disease"), ("Lithium", "Chemical"),
        ("diabetes insipidus", "Disease"), ("Haloperidol", "Chemical"), ("tardive dyskinesia", "Disease")]
    assert [s.text.split()[0] for s in doc.sents] == ["Cisplatin", "Lithium", "Haloperidol"]


def test_offsets_inside_a_token_are_left_unknown_not_guessed():
    text = "IL-2R alpha chain on T cells"
    doc = jsonl_doc(spacy.blank("en"), {"text": text, "entities": [[0, 4, "protein"], [21, 28, "cell_type"]]})
    # "IL-2" ends inside the token "2R": that stretch is unknown, the aligned mention is kept
    assert [(e.text, e.label_) for e in doc.ents] == [("T cells", "cell_type")]
    assert doc[0].ent_iob_ == ""


def test_training_never_reads_a_test_split():
    for corpus in CORPORA.values():
        assert "test" not in corpus.train.lower() and "test" not in corpus.dev.lower(), corpus


def test_smoke_training_through_the_command(tmp_path: Path):
    data = tmp_path / "data"
    _write_iob(data / CORPORA["bc5cdr"].train, SENTENCES * 3)
    _write_iob(data / CORPORA["bc5cdr"].dev, SENTENCES)
    out = tmp_path / "model"
    result = CliRunner().invoke(app, ["train", "ner", "--corpus", "bc5cdr", "--data", str(data), "--max-steps", "6",
                                      "--work", str(tmp_path / "work"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["pipeline"] == ["kb_features", "tok2vec", "ner"]
    assert sorted(meta["labels"]["ner"]) == ["Chemical", "Disease"]
    assert _load_and_tag(out, "Lithium may cause diabetes insipidus.") is not None


def test_training_refuses_an_unknown_corpus(tmp_path: Path):
    result = CliRunner().invoke(app, ["train", "ner", "--corpus", "conll2003", "--data", str(tmp_path)])
    assert result.exit_code != 0


def test_the_model_factory_is_a_spacy_entry_point():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["spacy_factories"]["kb_features"] == "pipeline.components.kb_features:make_kb_features"


def test_the_knowledge_base_tags_tokens_for_the_models():
    from pipeline.components.kb_features import make_kb_features
    nlp = spacy.blank("en")
    doc = make_kb_features(nlp, "kb_features", None)(nlp("Cisplatin caused acute renal failure in two patients."))
    assert [t.tag_ for t in doc] == ["B-THERAPY", "", "B-DISEASE", "I-DISEASE", "I-DISEASE", "", "", "", ""]


def _load_and_tag(model: Path, text: str) -> list | None:
    """Entities of ``text`` found by the model loaded with ``spacy.load`` in a new process."""
    script = ("import json, sys, spacy, pipeline.components.kb_features\n"
              "nlp = spacy.load(sys.argv[1])\n"
              "print(json.dumps([(e.text, e.label_) for e in nlp(sys.argv[2]).ents]))\n")
    run = subprocess.run([sys.executable, "-c", script, str(model), text], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return [tuple(e) for e in json.loads(run.stdout.strip().splitlines()[-1])]


COMMITTED = {
    "bc5cdr": ("Cisplatin-induced nephrotoxicity was seen in patients treated with lithium.",
               [("Cisplatin", "Chemical"), ("nephrotoxicity", "Disease"), ("lithium", "Chemical")]),
    "ncbi-disease": ("Boys with Duchenne muscular dystrophy lack dystrophin.",
                     [("Duchenne muscular dystrophy", "Disease")]),
    "jnlpba": ("Interleukin-2 is secreted by activated T lymphocytes.",
               [("Interleukin-2", "protein"), ("activated T lymphocytes", "cell_type")]),
    "bionlp13cg": ("The p53 protein is mutated in most human breast cancers.",
                   [("p53", "Gene_or_gene_product"), ("breast cancers", "Cancer")]),
}


@pytest.mark.parametrize("corpus", sorted(COMMITTED))
def test_committed_model_loads_in_a_fresh_process_and_tags(corpus: str):
    text, expected = COMMITTED[corpus]
    found = _load_and_tag(MODELS / corpus, text)
    for mention in expected:
        assert mention in found, (corpus, found)
