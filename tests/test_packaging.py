"""``pip install .`` into a fresh virtual environment gives a working
``biomed-pipeline`` command, the compiled vocabulary (``models/``) shipped inside."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

INSTALL_SECONDS = 180


def test_pyproject_lists_every_package():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "pipeline").rglob("__init__.py")}
    assert listed == found | {"pipeline.models"}


@pytest.mark.slow
def test_fresh_venv_install_runs_the_corpus(tmp_path: Path):
    venv = tmp_path / "venv"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--no-compile", str(ROOT)], capture_output=True,
                             text=True, env=environment, cwd=tmp_path)
    seconds = time.perf_counter() - started
    assert install.returncode == 0, install.stderr[-3000:]
    print(f"fresh venv and pip install .: {seconds:.0f} s")
    assert seconds < INSTALL_SECONDS
    out = tmp_path / "out"
    run = subprocess.run([str(venv / "bin" / "biomed-pipeline"), "run", str(CORPUS / "dump"), "--out", str(out)],
                         capture_output=True, text=True, env=environment, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads((out / "run.json").read_text())
    assert report["reconciled"] and report["articles_written"] == len(list((CORPUS / "gold").glob("*.json")))
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    assert sum(len(r["entities"]) for r in records) > 1000
