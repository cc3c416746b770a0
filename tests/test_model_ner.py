"""The trained models under ``models/ner/``: found, loaded once in a fresh process, run
line by line, their spans mapped back onto the stage's doc by character offset."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pipeline.components.model_ner import DEFAULT_MODELS, NER_MODELS_DIR, ModelNer, available_models, lines_of
from pipeline.nlp import build_nlp

ROOT = Path(__file__).resolve().parent.parent

FRESH_PROCESS = """
import json, time
from pipeline.nlp import build_nlp
from pipeline.components.model_ner import MODEL_SPANS, load_model
started = time.perf_counter()
nlp = build_nlp()
loaded = time.perf_counter() - started
text = "Cisplatin-induced nephrotoxicity and hypotension\\nPatients with Wilms tumor received vincristine"
doc = nlp(text)
again = build_nlp()
print(json.dumps({"models": len(nlp.get_pipe("model_ner").models), "same": again is nlp,
                  "loads": load_model.cache_info().misses, "seconds": loaded,
                  "spans": [[s.start_char, s.end_char, s.label_, s.text] for s in doc.user_data[MODEL_SPANS]],
                  "mentions": [[s.label_, s.text] for s in doc.spans["mentions"]]}))
"""


def test_the_default_models_are_committed():
    assert available_models(DEFAULT_MODELS) == list(DEFAULT_MODELS), f"missing under {NER_MODELS_DIR}"


def test_models_load_once_from_models_ner_in_a_fresh_process():
    # the stage runs no model unless PIPELINE_NER_MODELS names it
    environment = {**os.environ, "PIPELINE_NER_MODELS": ",".join(DEFAULT_MODELS)}
    result = subprocess.run([sys.executable, "-c", FRESH_PROCESS], cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=300, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["models"] == len(DEFAULT_MODELS) and report["loads"] == len(DEFAULT_MODELS)
    assert report["same"]
    text = "Cisplatin-induced nephrotoxicity and hypotension\nPatients with Wilms tumor received vincristine"
    assert report["spans"], "the models found nothing"
    for start, end, _, wording in report["spans"]:
        assert text[start:end] == wording
    labels = {label for _, _, label, _ in report["spans"]}
    assert labels & {"Disease", "Chemical"}
    assert ["DISEASE", "Wilms tumor"] in report["mentions"] and ["THERAPY", "vincristine"] in report["mentions"]


def test_without_models_the_stage_runs_on_the_dictionary(tmp_path):
    assert available_models(DEFAULT_MODELS, tmp_path) == []
    nlp = build_nlp(models=())
    assert nlp.get_pipe("model_ner").models == []
    doc = nlp("Patients with breast cancer received cisplatin")
    assert {(s.label_, s.text) for s in doc.spans["mentions"]} == {("DISEASE", "breast cancer"),
                                                                   ("THERAPY", "cisplatin")}


def test_lines_keep_their_offsets():
    text = "First line\n\n  \nSecond line\n"
    assert [(offset, line) for offset, line in lines_of(text)] == [(0, "First line"), (15, "Second line")]
    assert all(text[offset:offset + len(line)] == line for offset, line in lines_of(text))


def test_no_model_leaves_no_spans():
    nlp = build_nlp(models=())
    doc = ModelNer([])(nlp.make_doc("Wilms tumor"))
    assert doc.user_data["model_spans"] == []
