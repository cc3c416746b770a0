"""Seed corpora for the fuzz targets, built from ``corpus/dump`` at fuzz time (nothing
generated is committed): the dump's files as ingest inputs, its decoded pages for clean,
its cleaned article texts, cut into windows of lines, for ner."""
from __future__ import annotations

import hashlib
import io
import zipfile
import tarfile
from pathlib import Path
from typing import Iterator

from .targets import HTML_FLAG, INGEST_SUFFIXES, join_ingest_input

DUMP = Path(__file__).resolve().parent.parent.parent / "corpus" / "dump"
#: longest seed of each target (bytes); libFuzzer's -max_len is set to the same
MAX_LEN = {"ingest": 32768, "clean": 32768, "ner": 8192}
#: a ner seed is a window of this many characters of cleaned text at most
NER_WINDOW = 3000


def ingest_seeds(dump: Path = DUMP) -> Iterator[bytes]:
    """Each page file, each JSON line as a one-line dump, the archives, and a small zip
    and tar.gz of one page each."""
    for path in sorted(dump.iterdir()):
        suffix = next((s for s in INGEST_SUFFIXES if path.name.endswith(s)), ".html" if path.suffix == ".htm" else None)
        if suffix is None:
            continue
        data = path.read_bytes()
        if suffix == ".jsonl":
            for line in data.splitlines(keepends=True):
                yield join_ingest_input(".jsonl", path.stem.encode()[:16], line)
        else:
            yield join_ingest_input(suffix, path.stem.encode()[:16], data)
    page = next(p for p in sorted(dump.glob("*.txt"))).read_bytes()
    yield join_ingest_input(".zip", b"one", _zip({"a.txt": page[:4000]}))
    yield join_ingest_input(".tar.gz", b"one", _tar({"a.txt": page[:4000]}))


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _raw_documents(dump: Path):
    from ..schema import RawDocument
    from ..stages.ingest import ingest
    return [r for r in ingest([dump]) if isinstance(r, RawDocument)]


def clean_seeds(dump: Path = DUMP) -> Iterator[bytes]:
    """Every decoded page, with the flag byte that says text or HTML."""
    from ..schema import ContentType
    for raw in _raw_documents(dump):
        flag = HTML_FLAG if raw.content_type is ContentType.HTML else 0
        yield bytes([flag]) + raw.content.encode("utf-8")


def ner_seeds(dump: Path = DUMP) -> Iterator[bytes]:
    """Cleaned article texts (no templates), in windows of whole lines."""
    from ..schema import CleanDocument
    from ..stages.clean import clean
    for document in clean(_raw_documents(dump)):
        if not isinstance(document, CleanDocument):
            continue
        window: list[str] = []
        for line in document.text.split("\n"):
            if window and sum(len(w) + 1 for w in window) + len(line) > NER_WINDOW:
                yield "\n".join(window).encode("utf-8")
                window = []
            window.append(line[:NER_WINDOW])
        if window:
            yield "\n".join(window).encode("utf-8")


SEEDS = {"ingest": ingest_seeds, "clean": clean_seeds, "ner": ner_seeds}


def write_seeds(target: str, folder: Path) -> int:
    """Write the target's seeds (each cut to its maximum length) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for seed in SEEDS[target]():
        seed = seed[:MAX_LEN[target]]
        (folder / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
        count += 1
    return count
