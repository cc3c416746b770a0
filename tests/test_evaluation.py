"""The project's scorer gives the same figures as the evaluation tool beside the project."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, SHARED

from pipeline.evaluation import format_report, name_key, score_files


def test_name_key_unifies_case_hyphens_plurals_and_articles():
    assert name_key("CAR T-cell therapy") == name_key("car-T cell therapy")
    assert name_key("The CD4+ CAR T cells") == name_key("CD4+ CAR-T cell")
    assert name_key("class") == "class" and name_key("Remissions") == "remission"


def test_same_report_as_the_shared_scorer(tmp_path: Path):
    tool = SHARED / "tools" / "score_articles.py"
    if not tool.exists():
        pytest.skip("../shared/tools is not beside the project")
    run = subprocess.run([sys.executable, "-m", "pipeline", "run", str(CORPUS / "dump"), "--out", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    theirs = subprocess.run([sys.executable, str(tool), str(tmp_path / "articles.jsonl"), str(CORPUS / "gold"),
                             "--verbose"], capture_output=True, text=True, check=True).stdout.strip()
    ours = format_report(score_files(tmp_path / "articles.jsonl", CORPUS / "gold"), verbose=True).strip()
    assert ours == theirs
