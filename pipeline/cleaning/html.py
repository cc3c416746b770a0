"""HTML pages: the main content by trafilatura (Barbaresi 2021, ACL demo; its fast path,
without the readability/jusText fallbacks) and the page's metadata read directly from
the parsed tree — headline, publication date, site name — so the page is parsed once and
no date-guessing pass runs over the whole document.

Bounds: a page of more than ``MAX_HTML_TAGS`` tags (the largest page of the extraction
benchmark has 3,229) is not built into a tree, so a page of a million ``<p>`` costs
memory in proportion to its text, not 1.7 GB of elements; libxml2 reads no element nested
deeper than 256 (the rest of the page is lost). Both pages' text is extracted flat — tags
dropped, block tags to line breaks, comments, scripts and styles removed — by patterns
that scan the page in linear time, and the page says so in its warnings."""
from __future__ import annotations

import html as html_entities
import re
from dataclasses import dataclass, field
from typing import Optional

import lxml.html
import trafilatura

from ..text import word_count
from .citations import DOI, REFERENCE_HEADING, find_dois
from .metadata import date_from_header, parse_date

_DATE_META = ("article:published_time", "og:article:published_time", "datepublished", "publishdate", "pubdate",
              "publish-date", "date", "dc.date", "dc.date.issued", "citation_publication_date", "sailthru.date",
              "article.published", "parsely-pub-date")
_SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher")
_SPACE = re.compile(r"\s+")


#: a tree this deep has met libxml2's nesting limit (256)
PARSER_DEPTH = 250
#: pages with more tags than this are not parsed into a tree
MAX_HTML_TAGS = 50_000
# flat extraction: each pattern scans a stretch of text at most once
_COMMENT = re.compile(r"<!--(?:.*?-->|.*)", re.S)
_HIDDEN_BLOCK = re.compile(r"<(script|style|noscript|template|svg)\b[^<>]*>(?:.*?</\1\s*>|.*)", re.S | re.I)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|hr|h[1-6]|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|section|article|"
                        r"header|footer|main|aside|nav|blockquote|pre|figure|figcaption|title|form|address)\b[^<>]*>",
                        re.I)
_ANY_TAG = re.compile(r"<[/!?]?[A-Za-z][^<>]*>")


@dataclass
class HtmlPage:
    text: str
    title: Optional[str]
    published: Optional[str]
    site_name: Optional[str]
    warnings: list[str] = field(default_factory=list)


def parse_html(html: str) -> Optional[lxml.html.HtmlElement]:
    """trafilatura's own loader: its extraction is tuned to the trees it builds."""
    return trafilatura.load_html(html)


def read_html(html: str, url: Optional[str] = None) -> Optional[HtmlPage]:
    tags = html.count("<")
    if tags > MAX_HTML_TAGS:
        return _flat_page(html, f"HTML of {tags:,} tags, over the {MAX_HTML_TAGS:,} read as a tree: "
                                "text extracted without the page's structure")
    tree = parse_html(html)
    if tree is None or not tree.text_content().strip() or _at_depth_limit(tree):
        return _flat_page(html, "HTML nested deeper than the parser reads: text extracted without the page's structure")
    meta = _meta(tree)
    headline = _headline(tree, meta)
    published = _meta_date(meta) or _date_near(tree, headline)
    site_name = next((meta[k] for k in _SITE_META if meta.get(k)), None) or _title_suffix(tree)
    references = reference_blocks(tree)
    text = trafilatura.extract(tree, url=url, fast=True, include_comments=False, include_tables=True) or ""
    if text.strip():
        text = _with_references(text, references)
    return HtmlPage(text=text, title=headline, published=published, site_name=site_name)


def _at_depth_limit(tree: lxml.html.HtmlElement) -> bool:
    """libxml2 stops reading a page where its elements nest deeper than 256: a tree that
    reaches ``PARSER_DEPTH`` may have lost what was nested below."""
    return bool(tree.xpath(f"boolean(//*[count(ancestor::*) >= {PARSER_DEPTH}])"))


def _flat_page(html: str, warning: str) -> Optional[HtmlPage]:
    text = flat_text(html)
    return HtmlPage(text=text, title=None, published=None, site_name=None, warnings=[warning]) if text.strip() else None


def flat_text(html: str) -> str:
    """Text of a page without its tree: comments, scripts and styles removed, block tags
    to line breaks, other tags dropped, entities decoded."""
    text = _HIDDEN_BLOCK.sub(" ", _COMMENT.sub(" ", html))
    text = _ANY_TAG.sub("", _BLOCK_TAG.sub("\n", text))
    return html_entities.unescape(text)


def _meta(tree: lxml.html.HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = (element.get("content") or "").strip()
        if key and value and key not in found:
            found[key] = value
    for element in tree.iter("time"):
        if element.get("datetime") and "time" not in found:
            found["time"] = element.get("datetime")
    return found


def _meta_date(meta: dict[str, str]) -> Optional[str]:
    for key in (*_DATE_META, "time"):
        if meta.get(key):
            iso = parse_date(meta[key])
            if iso:
                return iso
    return None


def _headline(tree: lxml.html.HtmlElement, meta: dict[str, str]) -> Optional[str]:
    """The first <h1> if there is one, else og:title, else <title> without its site suffix."""
    for element in tree.iter("h1"):
        text = _SPACE.sub(" ", element.text_content()).strip()
        if word_count(text) >= 3:
            return text
    title = meta.get("og:title") or next((_SPACE.sub(" ", t.text_content()).strip() for t in tree.iter("title")), None)
    if not title:
        return None
    return re.split(r"\s+[-|–—_]\s+(?=[^-|–—_]+$)", title)[0].strip()


def _title_suffix(tree: lxml.html.HtmlElement) -> Optional[str]:
    """The site's name as the <title> gives it after the headline ("… | Vitalis Clinical Wire")."""
    title = next((_SPACE.sub(" ", t.text_content()).strip() for t in tree.iter("title")), "")
    parts = re.split(r"\s+[-|–—_]\s+", title)
    return parts[-1] if len(parts) > 1 and 1 <= len(parts[-1].split()) <= 6 else None


def _date_near(tree: lxml.html.HtmlElement, headline: Optional[str]) -> Optional[str]:
    """A date shown on the page just after the headline (a byline), when the markup has
    none: looked for in the headline's nearest enclosing block that holds more than it."""
    heading = next(tree.iter("h1"), None)
    if heading is None or not headline:
        return None
    block = heading
    for _ in range(3):
        parent = block.getparent()
        if parent is None:
            break
        block = parent
        text = block.text_content()
        if len(text) > len(headline) + 20:
            if len(text) > 5000:
                text = text[:5000]
            after = text.split(headline[:40], 1)[-1]
            lines = [_SPACE.sub(" ", line).strip() for line in after.split("\n")]
            return date_from_header([line for line in lines if line][:12])
    return None


#: class or id of a block that holds the article's references on many sites
_REFERENCE_BLOCK = re.compile(r"referen|citation|cite|biblio|literature|source|doi|original", re.I)
_BLOCK_TAGS = {"p", "div", "li", "ol", "ul", "section", "aside", "footer", "br", "h2", "h3", "h4", "h5", "h6",
               "tr", "dd", "dt", "blockquote"}
_MAX_REFERENCE_BLOCKS = 20
_MAX_REFERENCE_CHARS = 20_000


def reference_blocks(tree: lxml.html.HtmlElement) -> list[list[str]]:
    """The lines of blocks that hold references — marked as such by their class or id, or
    opened by a reference heading — read before the main-content extraction, which drops
    them on many sites as page furniture. ``<br>`` and block elements break lines, and a
    DOI that is only a link's target is written after the link's text."""
    blocks: list[list[str]] = []
    taken: set[int] = set()
    for element in tree.iter("div", "section", "aside", "footer", "ol", "ul", "p"):
        if len(blocks) >= _MAX_REFERENCE_BLOCKS:
            break
        if any(id(ancestor) in taken for ancestor in element.iterancestors()):
            continue
        marked = _REFERENCE_BLOCK.search(f"{element.get('class') or ''} {element.get('id') or ''}")
        head = (element.text or "").strip() or next((t.strip() for t in element.itertext() if t.strip()), "")
        if not (marked or REFERENCE_HEADING.match(head)):
            continue
        lines = _block_lines(element)
        if sum(map(len, lines)) <= _MAX_REFERENCE_CHARS and find_dois("\n".join(lines)):
            blocks.append(lines)
            taken.add(id(element))
    return blocks


def _block_lines(element: lxml.html.HtmlElement) -> list[str]:
    pieces: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        if not isinstance(node.tag, str):
            pieces.append(node.tail or "")
            return
        if node.tag in _BLOCK_TAGS:
            pieces.append("\n")
        pieces.append(node.text or "")
        for child in node:
            walk(child)
        href = node.get("href") or "" if node.tag == "a" else ""
        if DOI.search(href) and not DOI.search(node.text_content()):
            pieces.append(" " + href)
        if node.tag in _BLOCK_TAGS:
            pieces.append("\n")
        pieces.append(node.tail or "")

    walk(element)
    return [_SPACE.sub(" ", line).strip() for line in "".join(pieces).split("\n") if line.strip()]


def _with_references(text: str, blocks: list[list[str]]) -> str:
    """The extracted text with each reference block whose DOIs it lacks appended, under a
    heading so the clean stage reads it as the reference block."""
    if not blocks:
        return text  # nothing to append: the page's own DOIs need not be read
    known = {doi.lower() for doi in find_dois(text)}
    for lines in blocks:
        dois = {doi.lower() for doi in find_dois("\n".join(lines))}
        if dois and not dois <= known:
            heading = [] if REFERENCE_HEADING.match(lines[0]) else ["References:"]
            text = text.rstrip("\n") + "\n" + "\n".join(heading + lines)
            known |= dois
    return text
