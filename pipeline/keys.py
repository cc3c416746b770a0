"""Stable keys for databases: an article is keyed by its cleaned content, its parts by
the article's key and what names them inside the article.

``article_key`` hashes the title and body after cleaning, with whitespace normalized, so
that a re-crawl of the same article through other boilerplate (another banner, another
menu, other line breaks) keys the same row, while ``doc_id`` (a hash of the raw page)
differs. Child keys are readable: the article key, then the parts that name the child.
"""
from __future__ import annotations

import hashlib
from typing import Optional


def squeeze(text: Optional[str]) -> str:
    """Whitespace runs as one space, no leading or trailing space."""
    return " ".join((text or "").split())


def article_key(title: Optional[str], text: str) -> str:
    """sha256 (hex) of the whitespace-normalized title and body."""
    content = squeeze(title) + "\n" + squeeze(text)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def entity_key(article: str, entity_id: str) -> str:
    return f"{article}:{entity_id}"


def relation_key(article: str, relation_type: str, head: str, tail: str) -> str:
    return f"{article}:{relation_type}:{head}:{tail}"


def finding_key(article: str, index: int, therapy: str, disease: Optional[str]) -> str:
    """The finding's place in its article and a short hash of what it is about."""
    about = hashlib.sha256(f"{therapy}\n{disease or ''}".encode("utf-8")).hexdigest()[:12]
    return f"{article}:f{index}:{about}"


def citation_key(article: str, index: int) -> str:
    return f"{article}:c{index}"


def source_key(path: str, source_id: str, url: Optional[str]) -> str:
    """sha256 (hex, first 32) of where a page came from."""
    return hashlib.sha256(f"{path}\n{source_id}\n{url or ''}".encode("utf-8")).hexdigest()[:32]
