"""Ingest: paths of dumps -> ``RawDocument`` records.

Reads every supported dump format (see ``pipeline.readers``), decodes bytes robustly
(``pipeline.encoding``), tells HTML from plain text, gives each page a content-derived
``doc_id`` (the same page gets the same id on every run) and recognises exact duplicate
pages, which are counted and reported rather than processed twice.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterable, Iterator, Union

from ..encoding import Decoded, decode_bytes
from ..readers import MAX_PAGE_BYTES, Page, read_inputs
from ..schema import ContentType, Duplicate, RawDocument, Reject, RejectReason, Source

STAGE = "ingest"
_HTML_START_TEXT = re.compile(r"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)


def content_id(text: str) -> str:
    """A stable document id derived from the page's content."""
    return "doc_" + hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:20]


def ingest(inputs: Iterable[Union[str, Path]], max_page_bytes: int = MAX_PAGE_BYTES
           ) -> Iterator[Union[RawDocument, Reject, Duplicate]]:
    seen: dict[str, Source] = {}
    for item in read_inputs(inputs, max_page_bytes):
        if isinstance(item, Reject):
            yield item
            continue
        record = to_document(item, max_page_bytes)
        if isinstance(record, Reject):
            yield record
        elif record.doc_id in seen:
            yield Duplicate(source=record.source, doc_id=record.doc_id, duplicate_of=seen[record.doc_id])
        else:
            seen[record.doc_id] = record.source
            yield record


def to_document(page: Page, max_page_bytes: int = MAX_PAGE_BYTES) -> Union[RawDocument, Reject]:
    if isinstance(page.data, bytes):
        if len(page.data) > max_page_bytes:
            return _reject(page.source, RejectReason.OVERSIZED, f"over {max_page_bytes} bytes")
        decoded = decode_bytes(page.data)
        if not isinstance(decoded, Decoded):
            reason, detail = decoded
            return _reject(page.source, reason, detail)
    else:
        decoded = Decoded(page.data, "utf-8")
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    content_type = page.content_type or ContentType.TEXT
    if content_type is ContentType.TEXT and _HTML_START_TEXT.match(text[:2000]):
        content_type = ContentType.HTML
    return RawDocument(doc_id=content_id(text), source=page.source, content_type=content_type,
                       content=text, title=page.title, encoding=decoded.encoding,
                       warnings=page.warnings + decoded.warnings)


def _reject(source: Source, reason: RejectReason, detail: str) -> Reject:
    return Reject(source=source, stage=STAGE, reason=reason, detail=detail)
