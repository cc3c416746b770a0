"""Clean: ``RawDocument`` -> ``CleanDocument``, in two passes over the dump.

1. ``extract``: a page to text lines. HTML goes through ``pipeline.cleaning.html``
   (trafilatura's main-content extraction, metadata from the tree); both then
   get Unicode repair (ftfy) and the re-joining of lines broken by translation. The
   page's site is named for template learning: its URL host, the site name in its
   markup, else its first line (a text dump's logo or masthead line).
2. Site templates are learned from all pages' lines (``pipeline.cleaning.templates``).
3. ``clean_page``: title, date and breadcrumb section from the header; the reference
   block split off into citations (what follows it — related readings, a publisher's
   blurb — is dropped); template lines and lines of a general boilerplate kind removed.
   The cleaned text is the title line, then the body, one sentence or paragraph a line.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator, Optional, Union
from urllib.parse import urlparse

from ..cleaning.boilerplate import TAIL_MARKERS, boilerplate_kind, is_breadcrumb
from ..cleaning.html import read_html
from ..cleaning.language import foreign_language
from ..cleaning.journals import canonical_journal, inline_citations, merge_citations
from ..cleaning.citations import find_dois, opens_reference_block, parse_reference_block
from ..cleaning.metadata import breadcrumb_parts, date_from_header, title_from_header
from ..cleaning.repair import fix_encoding, join_broken_lines, truncated_number_warnings
from ..cleaning.templates import TemplateModel, normalize_line
from ..schema import Citation, CleanDocument, ContentType, PageLines, RawDocument, Reject, RejectReason
from ..text import word_count
from . import per_record

STAGE = "clean"
#: how many leading lines are searched for title, date and breadcrumb
HEADER_LINES = 20
#: a reference block is only taken as such after this many body lines
MIN_BODY_BEFORE_REFERENCES = 3
#: a line above the title is kept only if it is at least this long (a lede, not a menu)
MIN_LEAD_WORDS = 12
NO_TEMPLATES = TemplateModel()
#: a page with more text lines than this is no news article (the corpus' longest has
#: fewer than 200): it is rejected as too long rather than cleaned line by line
MAX_PAGE_LINES = 20_000
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_REFERENCE_START = re.compile(r"^(?:\[?\d{1,3}[.\])]\s|[A-Z][A-Za-z'\-]+,?\s+(?:[A-Z]\.?\s?){1,3}[,.]|.{2,60} et al\.?)")


def extract_page(raw: RawDocument) -> Union[PageLines, Reject]:
    if raw.content_type is ContentType.HTML:
        return _html_lines(raw)
    lines = _repaired_lines(raw, raw.content)
    if isinstance(lines, Reject):
        return lines
    return PageLines(doc_id=raw.doc_id, source=raw.source, site=_site(raw, None, lines), lines=lines,
                     title=raw.title, encoding=raw.encoding, warnings=raw.warnings)


def _repaired_lines(raw: RawDocument, text: str) -> Union[list[str], Reject]:
    """A page's text as repaired lines (Unicode fixed, broken lines re-joined), or its
    reject when it is too long or not in English."""
    lines = text_lines(fix_encoding(text))
    if len(lines) > MAX_PAGE_LINES:
        return _too_long(raw, len(lines))
    lines = join_broken_lines(lines)
    if foreign_language(lines):
        return _not_english(raw, lines)
    return lines


def _html_lines(raw: RawDocument) -> Union[PageLines, Reject]:
    page = read_html(raw.content, raw.source.url)
    if page is None or not page.text.strip():
        return _reject(raw, "the HTML has no main content")
    lines = _repaired_lines(raw, page.text)
    if isinstance(lines, Reject):
        return lines
    return PageLines(doc_id=raw.doc_id, source=raw.source, site=_site(raw, page.site_name, lines), lines=lines,
                     title=raw.title or _title_line(page.title, lines), published=page.published,
                     site_name=page.site_name, encoding=raw.encoding, warnings=raw.warnings + page.warnings)


def clean_page(page: PageLines, templates: TemplateModel = NO_TEMPLATES) -> Union[CleanDocument, Reject]:
    header = page.lines[:HEADER_LINES]
    template = {line: templates.is_template(page.site, line) for line in header}  # asked again of the body
    title = page.title or title_from_header([line for line in header if not template[line]])
    body, references = split_references(page.lines)
    body = [line for line in body if line == title or not (
        (template[line] if line in template else templates.is_template(page.site, line))
        or _is_boilerplate(line, title))]
    if title:
        body = _drop_header_menu(body, title)
    if not any(word_count(line) >= 5 for line in body):
        return Reject(source=page.source, stage=STAGE, reason=RejectReason.NO_BODY_TEXT,
                      detail="no article text left after removing boilerplate", doc_id=page.doc_id)
    citations = parse_reference_block(references) if references else []
    citations += _inline_dois(body, citations)
    citations = merge_citations(citations, inline_citations(([title] if title else []) + body))
    text_lines_ = ([title] if title and body[0] != title else []) + body
    return CleanDocument(
        doc_id=page.doc_id, source=page.source, title=title, published=page.published or date_from_header(header),
        site=page.site_name or _host(page.source.url), section=_section(header),
        journal=next((canonical_journal(c.journal) or c.journal for c in citations if c.journal), None),
        text="\n".join(text_lines_),
        citations=citations, encoding=page.encoding, warnings=page.warnings + truncated_number_warnings(body))


extract = per_record(STAGE, extract_page)


def clean_pages(pages: Iterable[Union[PageLines, Reject]], templates: TemplateModel = NO_TEMPLATES
                ) -> Iterator[Union[CleanDocument, Reject]]:
    """The second pass; rejects of the first pass pass through."""
    return per_record(STAGE, lambda page: page if isinstance(page, Reject) else clean_page(page, templates))(pages)


def clean(records: Iterable[RawDocument], templates: TemplateModel = NO_TEMPLATES
          ) -> Iterator[Union[CleanDocument, Reject]]:
    """Both passes with given (or no) templates; the runner learns them from the dump."""
    return clean_pages(extract(records), templates)


def text_lines(text: str) -> list[str]:
    # spaces folded in one pass over the page, not once per line (they never span a line break)
    return [line for line in (raw.strip() for raw in _SPACES.sub(" ", text).split("\n")) if line]


def split_references(lines: list[str]) -> tuple[list[str], list[str]]:
    """Body lines and reference-block lines. What follows the reference block (related
    readings, a publisher's blurb, disclaimers) is dropped."""
    body: list[str] = []
    for index, line in enumerate(lines):
        if len(body) >= MIN_BODY_BEFORE_REFERENCES and opens_reference_block(line):
            return body, _reference_lines(lines[index:])
        body.append(line)
    return body, []


def _reference_lines(lines: list[str]) -> list[str]:
    block: list[str] = []
    for index, line in enumerate(lines):
        marker = TAIL_MARKERS.search(line)
        if marker:
            if line[:marker.start()].strip():
                block.append(line[:marker.start()].strip())
            break
        if index and boilerplate_kind(line) and not find_dois(line):  # the opening line may look like a byline
            break
        block.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if find_dois(line) and not _starts_reference(following):
            break
    return block


def _starts_reference(line: str) -> bool:
    """A numbered or author-led line after a DOI continues a reference list."""
    return bool(_REFERENCE_START.match(line))


def _inline_dois(body: list[str], known: list[Citation]) -> list[Citation]:
    seen = {(c.doi or "").lower() for c in known}
    return [Citation(doi=doi) for doi in find_dois("\n".join(body)) if doi.lower() not in seen]


def _is_boilerplate(line: str, title: Optional[str]) -> bool:
    if boilerplate_kind(line):
        return True
    return is_breadcrumb(line) and bool(title) and line.endswith(title or "")


def _drop_header_menu(body: list[str], title: str) -> list[str]:
    """Above a title line near the top of the page stand the site's masthead, menus and
    search box: short lines there are dropped."""
    if title not in body[:HEADER_LINES]:
        return body
    position = body.index(title)
    return [line for line in body[:position] if word_count(line) >= MIN_LEAD_WORDS] + body[position:]


def _title_line(headline: Optional[str], lines: list[str]) -> Optional[str]:
    """The headline as the extracted text writes it, when the text repeats it."""
    if not headline:
        return lines[0] if lines else None
    folded = " ".join(headline.split())
    return next((line for line in lines[:5] if line == folded), folded)


def _section(header: list[str]) -> Optional[str]:
    for line in header:
        if is_breadcrumb(line):
            return " > ".join(breadcrumb_parts(line)[1:-1])
    return None


def _site(raw: RawDocument, site_name: Optional[str], lines: list[str]) -> str:
    host = _host(raw.source.url)
    if host:
        return host.removeprefix("www.")
    if site_name:
        return site_name.lower()
    return "first-line:" + normalize_line(lines[0]) if lines else ""


def _host(url: Optional[str]) -> Optional[str]:
    return urlparse(url).hostname if url else None


def _not_english(raw: RawDocument, lines: list[str]) -> Reject:
    return Reject(source=raw.source, stage=STAGE, reason=RejectReason.NOT_ENGLISH,
                  detail=f"the page is in {foreign_language(lines)}, not English", doc_id=raw.doc_id)


def _too_long(raw: RawDocument, lines: int) -> Reject:
    return Reject(source=raw.source, stage=STAGE, reason=RejectReason.TOO_LONG,
                  detail=f"{lines:,} text lines, over the limit of {MAX_PAGE_LINES:,} a page", doc_id=raw.doc_id)


def _reject(raw: RawDocument, detail: str) -> Reject:
    return Reject(source=raw.source, stage=STAGE, reason=RejectReason.NO_BODY_TEXT, detail=detail, doc_id=raw.doc_id)
