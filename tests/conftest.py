"""Shared fixtures: the project's corpus, the seed pages beside the project (when
present) and builders for dumps in every input format."""
from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SEED_GOLD = SHARED / "eval" / "seeds" / "gold"
#: pages in corpus/dump: one gold file for each
CORPUS_PAGES = len(list((CORPUS / "gold").glob("*.json")))


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def corpus_page() -> str:
    """One real page of the corpus, as text."""
    txt = sorted((CORPUS / "dump").glob("*.txt"))
    assert txt, "corpus/dump holds no .txt page"
    return txt[0].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def corpus_html() -> str:
    pages = sorted((CORPUS / "dump").glob("*.htm*"))
    assert pages, "corpus/dump holds no HTML page"
    return pages[0].read_text(encoding="utf-8")


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def write_tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def write_jsonl(path: Path, objects: list) -> Path:
    path.write_text("".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def corpus_lines() -> list[str]:
    """Every line of every corpus page, boilerplate and article alike."""
    from pipeline.schema import RawDocument
    from pipeline.stages.ingest import ingest

    lines: list[str] = []
    for record in ingest([CORPUS / "dump"]):
        if isinstance(record, RawDocument):
            lines += [line for line in record.content.splitlines() if line.strip()]
    return lines
