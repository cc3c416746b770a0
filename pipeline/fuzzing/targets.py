"""The fuzz targets: bytes in, nothing out; any exception is a fault.

Each target turns the fuzzer's bytes into the input of one part of the pipeline the way
the pipeline itself would meet it, runs it, and checks what came out against the schema
(every record must serialize as the runner writes it). A ``Reject`` is a valid answer.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from pydantic import BaseModel

#: the extensions the ingest target names its file with, chosen by the input's first byte
INGEST_SUFFIXES = (".txt", ".html", ".jsonl", ".zip", ".tar.gz")
#: longest file-name stem (in bytes) the ingest target takes from its input
MAX_NAME_BYTES = 16
#: the clean target's first byte: even bytes are text pages, odd bytes HTML pages
HTML_FLAG = 1


def split_ingest_input(data: bytes) -> tuple[str, bytes, bytes]:
    """(extension, file-name stem, file content) from a fuzz input: byte 0 picks the
    extension, byte 1 the length of the stem that follows, the rest is the file."""
    if len(data) < 2:
        return INGEST_SUFFIXES[0], b"page", data
    suffix = INGEST_SUFFIXES[data[0] % len(INGEST_SUFFIXES)]
    length = data[1] % (MAX_NAME_BYTES + 1)
    stem = bytes(b for b in data[2:2 + length] if b not in b"/\x00") or b"page"
    if stem.startswith(b"."):
        stem = b"_" + stem[1:]
    return suffix, stem, data[2 + length:]


def join_ingest_input(suffix: str, stem: bytes, content: bytes) -> bytes:
    """The fuzz input ``split_ingest_input`` reads back as this file (for seeds)."""
    return bytes([INGEST_SUFFIXES.index(suffix), len(stem)]) + stem + content


def _serialize(record: BaseModel) -> None:
    """Fail as the runner would when it writes the record."""
    from ..jsonl import dump_line
    dump_line(record)


def fuzz_ingest(data: bytes) -> None:
    """A file named by the input (possibly with bytes that are not UTF-8) read by the
    ingest stage from a fresh folder."""
    from ..schema import Duplicate, RawDocument, Reject
    from ..stages.ingest import ingest
    suffix, stem, content = split_ingest_input(data)
    with tempfile.TemporaryDirectory(prefix="fuzz-ingest-") as folder:
        path = Path(folder) / os.fsdecode(stem + suffix.encode())
        path.write_bytes(content)
        for record in ingest([Path(folder)]):
            assert isinstance(record, (RawDocument, Reject, Duplicate)), type(record)
            _serialize(record)


def fuzz_clean(data: bytes) -> None:
    """A decoded page (text or HTML by the first byte) through the clean stage's per-page
    functions: extraction to lines, line counting for templates, cleaning."""
    from ..cleaning.templates import LineCounter
    from ..schema import CleanDocument, ContentType, PageLines, RawDocument, Reject, Source
    from ..stages.clean import clean_page, extract_page
    if not data:
        return
    html = bool(data[0] & HTML_FLAG)
    text = data[1:].decode("utf-8", errors="replace")
    raw = RawDocument(doc_id="doc_fuzz", source=Source(path="fuzz.html" if html else "fuzz.txt", id="fuzz"),
                      content_type=ContentType.HTML if html else ContentType.TEXT, content=text, encoding="utf-8")
    page = extract_page(raw)
    _serialize(page)
    if isinstance(page, Reject):
        return
    assert isinstance(page, PageLines), type(page)
    LineCounter().add(page.site, page.lines)
    cleaned = clean_page(page)
    assert isinstance(cleaned, (CleanDocument, Reject)), type(cleaned)
    _serialize(cleaned)


def fuzz_ner(data: bytes) -> None:
    """A cleaned text through the ner stage, then relations and normalize; entity
    offsets must point at the entity's text."""
    from ..schema import CleanDocument, EntityDocument, Reject, Source
    from ..stages.ner import ner
    from ..stages.normalize import normalize_document
    from ..stages.relations import relate_document
    text = data.decode("utf-8", errors="replace")
    document = CleanDocument(doc_id="doc_fuzz", source=Source(path="fuzz.txt", id="fuzz"), text=text)
    for record in ner([document]):
        if isinstance(record, Reject):
            continue
        assert isinstance(record, EntityDocument), type(record)
        for entity in record.entities:
            assert 0 <= entity.start < entity.end <= len(text), (entity.start, entity.end, len(text))
            assert text[entity.start:entity.end] == entity.text, (entity.text, text[entity.start:entity.end])
        _serialize(normalize_document(relate_document(EntityDocument.model_validate(record.model_dump()))))


TARGETS: dict[str, Callable[[bytes], None]] = {"ingest": fuzz_ingest, "clean": fuzz_clean, "ner": fuzz_ner}
