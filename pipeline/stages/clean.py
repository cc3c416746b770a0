"""Clean: ``RawDocument`` -> ``CleanDocument``.

HTML pages go through trafilatura's main-content extraction; plain-text dumps are
already text. Both then share the line-level pass: Unicode repair (ftfy), re-joining of
lines broken by translation, metadata from the header (title, date, breadcrumb section),
removal of boilerplate lines by general rules, and the reference block split off into
parsed citations. The cleaned text starts with the title line, then the body, one
sentence or paragraph a line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union
from urllib.parse import urlparse

import trafilatura

from ..cleaning.boilerplate import TAIL_MARKERS, boilerplate_kind, is_short_menu_line
from ..cleaning.citations import REFERENCE_HEADING, find_dois, parse_reference_block
from ..cleaning.metadata import breadcrumb_parts, date_from_header, parse_date, title_from_header
from ..cleaning.repair import fix_encoding, join_broken_lines, truncated_number_warnings
from . import per_record
from ..schema import Citation, CleanDocument, ContentType, RawDocument, Reject, RejectReason

STAGE = "clean"
#: how many leading lines are searched for title, date and breadcrumb
HEADER_LINES = 20
#: a reference block is only taken as such after this many body lines
MIN_BODY_BEFORE_REFERENCES = 3


@dataclass
class PageText:
    lines: list[str]
    title: Optional[str] = None
    published: Optional[str] = None
    site: Optional[str] = None
    warnings: list[str] = field(default_factory=list)


def clean_document(raw: RawDocument) -> Union[CleanDocument, Reject]:
    page = html_page(raw) if raw.content_type is ContentType.HTML else text_page(raw)
    if page is None:
        return _reject(raw, "the HTML has no main content")
    lines = join_broken_lines(page.lines)
    header = lines[:HEADER_LINES]
    title = page.title or title_from_header(header, raw.title)
    published = page.published or date_from_header(header)
    section = _section(header)
    body, references = split_references(lines)
    body = [line for line in body if not _is_boilerplate(line, title)]
    if title:
        body = _drop_header_menu(body, title)
    if not any(len(line.split()) >= 5 for line in body):
        return _reject(raw, "no article text left after removing boilerplate")
    citations = parse_reference_block(references) if references else []
    citations += _inline_dois(body, citations)
    text_lines = ([title] if title and (not body or body[0] != title) else []) + body
    return CleanDocument(
        doc_id=raw.doc_id, source=raw.source, title=title, published=published,
        site=page.site or _host(raw.source.url), section=section, text="\n".join(text_lines),
        citations=citations, encoding=raw.encoding,
        warnings=raw.warnings + page.warnings + truncated_number_warnings(body))


clean = per_record(STAGE, clean_document)


def text_page(raw: RawDocument) -> PageText:
    return PageText(lines=_lines(fix_encoding(raw.content)))


def html_page(raw: RawDocument) -> Optional[PageText]:
    doc = trafilatura.bare_extraction(raw.content, url=raw.source.url, with_metadata=True,
                                      include_comments=False, include_tables=True)
    if doc is None or not (doc.text or "").strip():
        return None
    lines = _lines(fix_encoding(doc.text))
    title = raw.title or _page_title(doc.title, lines)
    published = doc.date if doc.date and parse_date(doc.date) else None
    return PageText(lines=lines, title=title, published=published, site=doc.sitename or doc.hostname)


def split_references(lines: list[str]) -> tuple[list[str], list[str]]:
    """Body lines and reference-block lines. What follows the reference block (related
    readings, a publisher's blurb, disclaimers) is dropped."""
    body: list[str] = []
    for index, line in enumerate(lines):
        if len(body) >= MIN_BODY_BEFORE_REFERENCES and REFERENCE_HEADING.match(line):
            return body, _reference_lines(lines[index:])
        body.append(line)
    return body, []


def _reference_lines(lines: list[str]) -> list[str]:
    block: list[str] = []
    for line in lines:
        marker = TAIL_MARKERS.search(line)
        if marker:
            if line[:marker.start()].strip():
                block.append(line[:marker.start()].strip())
            break
        if boilerplate_kind(line) and not find_dois(line):
            break
        block.append(line)
        if find_dois(line) and not _more_references_follow(lines, line):
            break
    return block


def _more_references_follow(lines: list[str], current: str) -> bool:
    """A numbered or author-led line after a DOI continues a reference list."""
    index = lines.index(current)
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return bool(re.match(r"^(?:\[?\d{1,3}[.\])]\s|[A-Z][A-Za-z'\-]+,?\s+(?:[A-Z]\.?\s?){1,3}[,.]|.{2,60} et al\.?)", following))


def _inline_dois(body: list[str], known: list[Citation]) -> list[Citation]:
    seen = {(c.doi or "").lower() for c in known}
    return [Citation(doi=doi) for doi in find_dois("\n".join(body)) if doi.lower() not in seen]


def _is_boilerplate(line: str, title: Optional[str]) -> bool:
    if title and line == title:
        return False
    if boilerplate_kind(line):
        return True
    return len(breadcrumb_parts(line)) >= 3 and bool(title) and line.endswith(title or "")


def _drop_header_menu(body: list[str], title: str) -> list[str]:
    """Short menu entries above the title line are navigation."""
    if title not in body:
        return body
    position = body.index(title)
    head = [line for line in body[:position] if not is_short_menu_line(line)]
    return head + body[position:]


def _page_title(meta_title: Optional[str], lines: list[str]) -> Optional[str]:
    """The headline without a " - Site" suffix: prefer a text line the meta title starts with."""
    if not meta_title:
        return lines[0] if lines else None
    for line in lines[:5]:
        if meta_title.startswith(line) and len(line) >= 0.5 * len(meta_title.split(" - ")[0]):
            return line
    return re.split(r"\s+[-|–—_]\s+(?=[^-|–—_]+$)", meta_title)[0].strip()


def _section(header: list[str]) -> Optional[str]:
    for line in header:
        parts = breadcrumb_parts(line)
        if len(parts) >= 3:
            return " > ".join(parts[1:-1])
    return None


def _lines(text: str) -> list[str]:
    return [re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in text.split("\n") if line.strip()]


def _host(url: Optional[str]) -> Optional[str]:
    return urlparse(url).hostname if url else None


def _reject(raw: RawDocument, detail: str) -> Reject:
    return Reject(source=raw.source, stage=STAGE, reason=RejectReason.NO_BODY_TEXT, detail=detail, doc_id=raw.doc_id)
