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
from typing import Iterable, Iterator, Optional, Union

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
    """Every page of the inputs as a record, a reject or a duplicate.

    A page is a duplicate when its content was read before. A source id names one page
    within its dump: a later page with another content under an id already given in the
    same dump (two JSON lines with one ``id``) is rejected ``duplicate_id``, so that no
    two records leave the run under the same source."""
    seen: dict[str, Source] = {}
    claimed: dict[tuple[str, str], Source] = {}
    for item in read_inputs(inputs, max_page_bytes):
        if isinstance(item, Reject):
            yield item
            continue
        record = _document_or_reject(item, max_page_bytes)
        if isinstance(record, Reject):
            yield record
        elif record.doc_id in seen:
            yield Duplicate(source=record.source, doc_id=record.doc_id, duplicate_of=seen[record.doc_id])
        elif (record.source.path, record.source.id) in claimed:
            yield _reject(record.source, RejectReason.DUPLICATE_ID,
                          f"id '{record.source.id}' already names another page of this dump", record.doc_id)
        else:
            seen[record.doc_id] = record.source
            claimed[(record.source.path, record.source.id)] = record.source
            yield record


def _document_or_reject(page: Page, max_page_bytes: int) -> Union[RawDocument, Reject]:
    """``to_document``, with an error no rule foresaw made this page's reject: one page
    never ends the run."""
    try:
        return to_document(page, max_page_bytes)
    except Exception as err:  # noqa: BLE001
        return _reject(page.source, RejectReason.PROCESSING_ERROR, f"{type(err).__name__}: {err}"[:500])


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


def _reject(source: Source, reason: RejectReason, detail: str, doc_id: Optional[str] = None) -> Reject:
    return Reject(source=source, stage=STAGE, reason=reason, detail=detail, doc_id=doc_id)
