"""Page metadata read from the header of a page dump: title, publication date,
section (breadcrumb) and site."""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

from ..text import word_count
from .boilerplate import boilerplate_kind, is_breadcrumb, trail_segments

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTH_FIRST = re.compile(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_DAY_FIRST = re.compile(r"\b(\d{1,2})\s+([A-Z][a-z]{2,8})\.?,?\s+(\d{4})\b")
#: "14/11/2023", "11-14-2023": day first unless the first number cannot be a day's month
#: partner (a second number over 12 makes it month first); ambiguous dates read day first
_NUMERIC_DMY = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
_FULLWIDTH = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)}, "／": "/", "－": "-", "．": ".", "：": ":"})
_DATE_CUE = re.compile(r"(?:update|publish|release|posted|date|time|issued|source|author|editor)", re.I)
_DATE_LABEL = re.compile(r"\b(?:(?:published|updated|released?|posted|issued) on\s+|"
                         r"(?:date|time|published|updated|released?|posted|issued)(?: on)?\s*[:：]\s*)(?P<rest>.{6,40})",
                         re.I)
#: dates of a member profile or a visit in a forum post's header, not of the page
_PROFILE_DATE = re.compile(r"(?:registered|joined|member since|last (?:login|visit|active|online))\s*(?:on)?\s*[:：]?\s*"
                           r"[\d/.\-年月日 ]{6,12}", re.I)


def parse_date(text: str) -> Optional[str]:
    """The first date in ``text`` as ISO YYYY-MM-DD, or None."""
    found: list[tuple[int, str]] = []
    if not text.isascii():
        text = text.translate(_FULLWIDTH)
    for pattern, order in ((_ISO, "ymd"), (_CJK, "ymd"), (_MONTH_FIRST, "mdy"), (_DAY_FIRST, "dmy")):
        for match in pattern.finditer(text):
            iso = _to_iso(match.groups(), order)
            if iso:
                found.append((match.start(), iso))
    for match in _NUMERIC_DMY.finditer(text):
        first, second, _ = match.groups()
        order = "mdy" if int(second) > 12 >= int(first) else "dmy"
        iso = _to_iso(match.groups(), order)
        if iso and not any(start <= match.start() < start + 10 for start, _ in found):
            found.append((match.start(), iso))
    return min(found)[1] if found else None


def _to_iso(parts: tuple[str, ...], order: str) -> Optional[str]:
    values = dict(zip(order, parts))
    month = values["m"]
    month_number = int(month) if month.isdigit() else MONTHS.get(month[:3].lower())
    try:
        return date(int(values["y"]), month_number or 0, int(values["d"])).isoformat()
    except (ValueError, TypeError):
        return None


def date_from_header(lines: list[str]) -> Optional[str]:
    """The page's date: from a byline-like line ("Last Update: …", "2018-02-05 10:26
    Source: …") rather than from a body sentence that mentions a date."""
    lines = [_PROFILE_DATE.sub(" ", line) for line in lines]
    for line in lines:
        labelled = _DATE_LABEL.search(line)
        if labelled and parse_date(labelled.group("rest")):
            return parse_date(labelled.group("rest"))
    short = [line for line in lines if word_count(line) <= 16 or boilerplate_kind(line) == "meta"]
    for pool in ([line for line in short if _DATE_CUE.search(line) or boilerplate_kind(line)], short):
        for line in pool:
            iso = parse_date(line)
            if iso:
                return iso
    return None


def breadcrumb_parts(line: str) -> list[str]:
    if ">" not in line and "»" not in line and " / " not in line:
        return [line.strip(" •·")] if line.strip(" •·") else []
    return [part for part in trail_segments(line.strip()) if part]


def title_from_header(lines: list[str], hint: Optional[str] = None) -> Optional[str]:
    """The title: the dump's own title if given; else a header line the breadcrumb ends
    with; else the headline-like line just above the byline ("Time: … Source: …");
    else the first headline-like line of the header."""
    if hint and hint.strip():
        return strip_title_marker(hint.strip())
    crumbs = [breadcrumb_parts(line)[-1] for line in lines if is_breadcrumb(line)]
    candidates = [(i, line) for i, line in enumerate(lines) if _headline_like(line)]
    for _, line in candidates:
        if line in crumbs:
            return strip_title_marker(line)
    byline = next((i for i, line in enumerate(lines) if _is_byline(line)), None)
    if byline is not None:
        above = [line for i, line in candidates if i < byline]
        headlines = [line for line in above if not line.endswith((".", "。"))]
        if headlines or above:
            return strip_title_marker((headlines or above)[-1])
    return strip_title_marker(candidates[0][1]) if candidates else None


def _is_byline(line: str) -> bool:
    """"Source: Xinhua  Author: Li Wei", not "Source: Roddie C, et al. Obecabtagene … N Engl
    J Med 2024" (a citation, which a headline does not stand above)."""
    return (word_count(line) <= _BYLINE_WORDS and bool(_BYLINE.match(line))) or boilerplate_kind(line) == "meta"


_TITLE_MARKER = re.compile(r"^(?:\[[^\]]{1,12}\]|【[^】]{1,12}】)\s*")


def strip_title_marker(title: str) -> str:
    """"[Original] Med | CD19 CAR-T …" -> "Med | CD19 CAR-T …": a site's tag before a headline."""
    return _TITLE_MARKER.sub("", title)


_BYLINE = re.compile(r"^[•·]?\s*(?:last update|update|time|date|release|publish|posted|source|author|editor|by)\b.{0,20}[:：]",
                     re.I)
_BYLINE_WORDS = 16
_MENU_SEPARATOR = re.compile(r"\s[|»>/]\s")


def _headline_like(line: str) -> bool:
    return (4 <= word_count(line) <= 60 and len(line) < 400 and len(_MENU_SEPARATOR.findall(line)) < 2 and not line.endswith(":")
            and boilerplate_kind(line) is None and len(breadcrumb_parts(line)) < 3)
