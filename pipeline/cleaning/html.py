"""HTML pages: the main content by trafilatura (Barbaresi 2021, ACL demo; its fast path,
without the readability/jusText fallbacks) and the page's metadata read directly from
the parsed tree — headline, publication date, site name — so the page is parsed once and
no date-guessing pass runs over the whole document."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import lxml.html
import trafilatura

from ..text import word_count
from .metadata import date_from_header, parse_date

_DATE_META = ("article:published_time", "og:article:published_time", "datepublished", "publishdate", "pubdate",
              "publish-date", "date", "dc.date", "dc.date.issued", "citation_publication_date", "sailthru.date",
              "article.published", "parsely-pub-date")
_SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher")
_SPACE = re.compile(r"\s+")


@dataclass
class HtmlPage:
    text: str
    title: Optional[str]
    published: Optional[str]
    site_name: Optional[str]


def parse_html(html: str) -> Optional[lxml.html.HtmlElement]:
    """trafilatura's own loader: its extraction is tuned to the trees it builds."""
    return trafilatura.load_html(html)


def read_html(html: str, url: Optional[str] = None) -> Optional[HtmlPage]:
    tree = parse_html(html)
    if tree is None:
        return None
    meta = _meta(tree)
    headline = _headline(tree, meta)
    published = _meta_date(meta) or _date_near(tree, headline)
    site_name = next((meta[k] for k in _SITE_META if meta.get(k)), None) or _title_suffix(tree)
    text = trafilatura.extract(tree, url=url, fast=True, include_comments=False, include_tables=True) or ""
    return HtmlPage(text=text, title=headline, published=published, site_name=site_name)


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
