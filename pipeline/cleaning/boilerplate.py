"""General rules for site boilerplate lines in page dumps.

Each rule names a kind of boilerplate that recurs across news sites (navigation,
breadcrumbs, byline metadata, promotional banners, share and subscription prompts,
cookie notices, disclaimers, contact and copyright blocks, related-article lists). The
rules describe the kind, never one site's exact sentence, so they carry over to sites
the pipeline has not seen.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("breadcrumb", re.compile(r"^(?:home|homepage|current location|current position|your position|location|"
                              r"you are here|channel)\s*[>»/:|：＞›]", re.I)),
    ("meta", re.compile(r"^(?:last update[d]?|update[d]?|source|author|editor|release(?:d)? time|release date|"
                        r"publish(?:ed)?(?: time| date| on)?|posted(?: on)?|date|time|views|reads|clicks|"
                        r"responsible editor|proofread(?:ing)?|copy editor|tags?|keywords?|category)\s*[:：]", re.I)),
    ("meta", re.compile(r"^(?:by|author)\s+[A-Z][\w.\- ]{1,40}$")),
    ("meta", re.compile(r"^(?:compiled|edited|written|translated|reported|reviewed) by\b.{0,60}$", re.I)),
    ("meta", re.compile(r"^(?:text|words|written|reviewed?|edited|editor|photo|image|picture|proofread(?:ing)?|translated|"
                        r"typesetting|layout|planning|producer)\s*[/／|｜]\s*\S", re.I)),
    # a forum post's own lines: "This post was last edited by …", "[This post was added to … by the moderator]"
    ("meta", re.compile(r"^\[?this (?:post|thread|topic) (?:was|has been) (?:last )?(?:edited|added|moved|"
                        r"highlighted|pinned|recommended)\b.{0,120}$", re.I)),
    ("meta", re.compile(r"^(?:column|channel|section|tags?|keywords?|label)\s*[:：]", re.I)),
    ("meta", re.compile(r"^(?:[\w-]+\s+){0,3}(?:editor|correspondent|reporter|writer|journalist|contributor)s?$", re.I)),
    ("meta", re.compile(r"^(?:published|updated|posted|last updated|first published)(?: on)?\b.{0,30}\d{4}.{0,80}$", re.I)),
    ("meta", re.compile(r"\b\d+[- ]?(?:min|minute)s?[- ]read\s*$", re.I)),
    ("meta", re.compile(r"(?:\b(?:source|author|editor|views|reads|reading|clicks|release time)\s*[:：].*){2,}", re.I)),
    ("promo", re.compile(r"\b(?:search more information|good prices|reliable suppliers|visit www\.|"
                         r"high quality (?:chemicals|products)|request a quote|sponsored content)\b", re.I)),
    ("promo", re.compile(r"^(?:advertisement|advertising|sponsored|ad)\s*$", re.I)),
    ("promo", re.compile(r"^(?:notice|announcement|reminder|tips?)\s*[:：]", re.I)),
    ("promo", re.compile(r"^(?:webinar|sponsored|promoted|advertisement|ad|event|live|conference|summit|"
                         r"register now|sign up now)\s*[:：|]", re.I)),
    ("promo", re.compile(r"\b(?:free for (?:registered )?members|register (?:now|today)|early[- ]bird|"
                         r"click (?:here )?to (?:sign up|register|download|subscribe))\b", re.I)),
    ("share", re.compile(r"^(?:share (?:this|to|on)|follow us|scan (?:the )?qr code|wechat|weibo|"
                         r"subscribe|sign up|newsletter|download (?:the|our) app)\b.{0,80}$", re.I)),
    ("share", re.compile(r"^(?:share|print|favorite|favourite|like|collect|forward|tweet|email)\s*[:：]?\s*$", re.I)),
    ("share", re.compile(r"^\[?(?:share(?: to)?|font(?: size)?|text size)\s*[:：]", re.I)),
    ("share", re.compile(r"\b(?:scan the qr code|follow (?:us|our official account)|subscribe to our newsletter)\b", re.I)),
    ("cookie", re.compile(r"\b(?:cookies?|cookie policy|privacy policy|accept all|manage preferences)\b.{0,200}"
                          r"\b(?:accept|consent|policy|preferences|settings|experience)\b", re.I)),
    ("disclaimer", re.compile(r"\b(?:for information purposes only|makes? no representations?|"
                              r"(?:express(?:ed)?|implied) warrant|originally in the chinese language|"
                              r"(?:does|do)(?:n't| not) (?:necessarily )?represent .{0,40}(?:opinion|view|position)s?|"
                              r"(?:does|do)(?:n't| not) constitute (?:any )?(?:medical|investment|professional) advice|"
                              r"for (?:reference|exchange|communication) (?:only|purposes only)|"
                              r"unauthori[sz]ed (?:translation|reproduction|reprint\w*)|exclusively authori[sz]ed|"
                              r"legal responsibilit\w*|"
                              r"should (?:not )?be (?:taken|construed|used|regarded) as (?:\w+ )?advice|"
                              r"(?:no|not a) substitute for|"
                              r"(?:reuse|reproduc\w*|republica\w*|reprint\w*|redistribut\w*).{0,60}"
                              r"(?:permission|authori[sz]ation|authori[sz]ed)|"
                              r"(?:will|shall) be (?:removed|deleted) (?:immediately|within)|"
                              r"infring\w*.{0,80}\b(?:contact|delete|remove)|(?:contact|delete|remove)\w*.{0,80}infring\w*|"
                              r"reprint\w*.{0,60}\b(?:authori[sz]|permission|contact|indicate the source|source must)|"
                              r"plagiari[sz]\w*.{0,80}\b(?:email|contact|evidence))", re.I)),
    ("contact", re.compile(r"^(?:contact us|about us|contact|feedback|join us|advertise with us|site map|sitemap)\s*$", re.I)),
    ("contact", re.compile(r"\b(?:please (?:write|send|contact|leave a message)|will be replied|"
                           r"staff member will contact|contact (?:us|the editor) (?:at|via|by))\b", re.I)),
    ("copyright", re.compile(r"(?:©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|\bICP\b.{0,20}\d)", re.I)),
    ("related", re.compile(r"^(?:related (?:readings?|articles?|news|posts?|links?|stories)|recommended(?: reading| articles?| for you)?|"
                           r"read more|more news|hot (?:articles?|news)|most read|popular (?:articles?|posts?)|"
                           r"you may also like)\s*(?:[:：>»]|$)", re.I)),
    ("related", re.compile(r"^(?:related|see also|further reading|also read|read also)\s*[:：]", re.I)),
    ("related", re.compile(r"^(?:previous|next|prev)(?:\s+(?:article|post|story|page|news))?\s*(?:[:：>»]|$)", re.I)),
    ("comment", re.compile(r"^(?:comments?\s*\(\d+\)|leave a (?:comment|reply)|post a comment|\d+\s+comments?|"
                           r"log ?in to comment|reply|report)\s*$", re.I)),
    ("promo", re.compile(r"^\[(?:ad|ads|advert|advertisement|hot|sponsored|promotion|promo)\]", re.I)),
    # a site's own insert in the body: "【Recommended】EHA 2023 is coming…", "▶ Academy | Live course … ◀"
    ("promo", re.compile(r"^【[^】]{0,12}(?:recommend|read|hot|advert|promotion|sponsor|event|live|special)[^】]{0,12}】",
                         re.I)),
    ("promo", re.compile(r"^【[^】]{1,24}】.{0,200}\b(?:app|sign up|register|registration|subscribe|replay|live|"
                         r"scan|newsletter|column|click|class|course|webinar)\b", re.I)),
    ("promo", re.compile(r"^[▶►].{5,240}◀$")),
    ("promo", re.compile(r"^[^◆■★]{3,80}[◆■★](?:\s.{0,120})?$")),  # "◆ ASH 2022 special report ◆ …", its bullet gone
    ("promo", re.compile(r"^click here (?:for|to)\b.{0,80}$", re.I)),
    ("nav", re.compile(r"^(?:\[[^\]]{1,30}\]\s*){2,}$")),
    ("nav", re.compile(r"^search\b.{0,40}(?:\.\.\.|…)$", re.I)),
    ("nav", re.compile(r"^\(?(?:swipe|slide|scroll)(?: (?:left|right|up|down))? to (?:view|see|read)\b.{0,60}$", re.I)),
    # a masthead in two scripts: "康知健康 KANGZHI HEALTH DAILY · 康知早报"
    ("nav", re.compile(r"^[\u4e00-\u9fff]{2,10}\s+[A-Z][A-Z0-9&' ]{3,50}(?:\s*[·|•]\s*[\u4e00-\u9fff]{2,10})?\s*$")),
    ("promo", re.compile(r"^[^:：.]{2,30}\b(?:mall|shop|store)\s*[:：]", re.I)),
    ("promo", re.compile(r"^【[^】]{1,30}(?:column|album|series)】", re.I)),
    ("nav", re.compile(r"^[^\w]+$")),
    ("nav", re.compile(r"^[-—–=~*\s]*(?:the )?end[-—–=~*\s]*$", re.I)),
    ("nav", re.compile(r"^(?:hot(?: search| topics| tags)?|trending|popular searches|quick links)\s*[:：]", re.I)),
    ("nav", re.compile(r"^\S+(?:\s\S+)?\s+logo$", re.I)),
]

#: markers after which the rest of a line is a related-articles list or publisher blurb
TAIL_MARKERS = re.compile(r"\b(?:Related readings?|Related articles?|Recommended reading|Copyright Information|"
                          r"Editor'?s note|About the (?:journal|publisher))\b")


def _combine(rules: list[tuple[str, re.Pattern[str]]]) -> re.Pattern[str]:
    """All rules as one alternation, so a line is scanned once, not once per rule."""
    parts = []
    for index, (kind, pattern) in enumerate(rules):
        body = f"(?i:{pattern.pattern})" if pattern.flags & re.IGNORECASE else f"(?:{pattern.pattern})"
        parts.append(f"(?P<{kind}_{index}>{body})")
    return re.compile("|".join(parts))


_ANCHORED = _combine([rule for rule in _RULES if rule[1].pattern.startswith("^")])
_FLOATING = _combine([rule for rule in _RULES if not rule[1].pattern.startswith("^")])
#: every rule that may match inside a line needs one of these words, one its own pattern
#: spells; most article lines hold none, and a substring test is far cheaper than the rules
FLOATING_TRIGGERS = (
    "read", "source", "author", "editor", "views", "clicks", "release time", "search more", "good prices",
    "suppliers", "visit www", "high quality", "quote", "sponsored", "free for", "register", "early", "click",
    "qr code", "follow", "subscribe", "cookie", "privacy", "accept all", "preferences", "information purposes",
    "representation", "warrant", "chinese language", "represent", "constitute", "reference", "exchange",
    "communication", "unauthori", "exclusively authori", "legal respons", "removed", "deleted", "infring",
    "reprint", "plagiari", "please", "replied", "staff member", "contact", "©", "(c)", "copyright",
    "rights reserved", "icp", "should", "substitute", "reuse", "reproduc", "republica", "redistribut")


def _spelled(pattern: re.Pattern[str]) -> str:
    """The pattern's text as the words it spells: lower case, escapes dropped."""
    return pattern.pattern.lower().replace("\\", "")


#: each floating rule with the triggers its pattern spells: a line is searched only with
#: the rules whose own triggers it holds (a disclaimer's "should" does not run the
#: copyright rule), and the leftmost match wins, as in the combined pattern
_FLOATING_RULES: list[tuple[str, re.Pattern[str], tuple[str, ...]]] = [
    (kind, pattern, tuple(t for t in FLOATING_TRIGGERS if t in _spelled(pattern)))
    for kind, pattern in _RULES if not pattern.pattern.startswith("^")]
assert all(triggers for _, _, triggers in _FLOATING_RULES), "a floating rule without a trigger"
#: characters that case-insensitive matching takes for an ASCII letter while ``str.lower``
#: does not make them one ("ſ" for "s", "ı" and "İ" for "i"): a line holding one is
#: searched with the combined pattern, so the triggers never hide a match
_CASE_FOLD_SPECIAL = re.compile("[\u0130\u0131\u017f\u212a]")


_BULLET = re.compile(r"^[•·▪►▸◆■\-*]\s*")
#: a whole line of boilerplate is never longer than this (the corpus' longest, a
#: disclaimer, has 635 characters); a longer line is article text, and the rules never
#: scan more than this
MAX_BOILERPLATE_CHARS = 2000

# Breadcrumbs ("Home > News > Title") and menus ("News | Trials | Contact") are told by
# their shape — a trail of short labels — not by their separators alone: "ORR > 80% in
# patients aged > 65" and "dose 10 mg / kg / day" are sentences.
_CRUMB_SEPARATOR = re.compile(r"[>»＞›]|(?<=\s)/(?=\s)")
_MENU_SEPARATOR = re.compile(r"\|")
#: a character every breadcrumb separator holds
_CRUMB_MARKS = (">", "»", "＞", "›", "/")
#: a label of a trail has at most this many words and characters
MAX_LABEL_WORDS = 6
MAX_LABEL_CHARS = 40
#: figures a label may start with: a year ("Home > 2023 > June"), a date or time in a
#: byline ("2022-06-06 14:30 | Source: … | Hits: 2987")
_DATED_LABEL = re.compile(r"^(?:(?:19|20)\d\d(?:[-/.]\d{1,2}[-/.]\d{1,2})?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
                          r"|\d{1,2}:\d{2}(?::\d{2})?)$")
_SENTENCE_WORD = re.compile(r"\b(?:is|are|was|were|be|been|has|have|had|did|does|showed?|shown|achieved?|received?|"
                            r"reached|reported|increased|decreased|improved|reduced|compared|versus|vs|than|patients?|"
                            r"aged?|months?|weeks?|days?|years?|mg|kg|ml)\b", re.I)


def trail_segments(line: str, separator: re.Pattern[str] = _CRUMB_SEPARATOR) -> list[str]:
    """The parts of a line between separators, stripped."""
    return [part.strip(" \t•·") for part in separator.split(line)]


def _is_label(segment: str) -> bool:
    """A menu or breadcrumb label: a few words, no figures or sentence words."""
    if not segment or len(segment) > MAX_LABEL_CHARS or len(segment.split()) > MAX_LABEL_WORDS:
        return False
    if "!" in segment or "?" in segment or ". " in segment or "<" in segment:
        return False  # a sentence's punctuation, or markup ("<script>…") whose brackets are no separators
    if "%" in segment or (segment[0].isdigit() and not _DATED_LABEL.match(segment)):
        return False
    return not _SENTENCE_WORD.search(segment)


def is_breadcrumb(line: str) -> bool:
    """A breadcrumb trail: at least three parts joined by > » › or " / ", every part a
    label except the last, which may be the article's title (but not a figure)."""
    if len(line) > MAX_BOILERPLATE_CHARS or not any(mark in line for mark in _CRUMB_MARKS):
        return False  # no separator: one part (most lines; far cheaper than splitting)
    parts = trail_segments(line)
    if len(parts) < 3 or not all(_is_label(part) for part in parts[:-1]):
        return False
    last = parts[-1]
    # the trail ends in a page's title, which does not start as a sentence goes on ("… in the middle")
    return bool(last) and not last[0].isdigit() and not last[0].islower() and "%" not in last


def is_menu(line: str) -> bool:
    """A menu: at least three labels joined by "|"."""
    if len(line) > MAX_BOILERPLATE_CHARS or "|" not in line:
        return False
    parts = trail_segments(line, _MENU_SEPARATOR)
    return len(parts) >= 3 and all(_is_label(part) for part in parts)


@lru_cache(maxsize=4096)  # a header line is asked about by the date, the title and the body filter
def boilerplate_kind(line: str) -> Optional[str]:
    """The kind of boilerplate a whole line is, or None for article text."""
    stripped = _BULLET.sub("", line.strip())
    if not stripped or len(stripped) > MAX_BOILERPLATE_CHARS:
        return None
    if is_breadcrumb(stripped):
        return "breadcrumb"
    match = _ANCHORED.match(stripped)
    if match is not None:
        return match.lastgroup.rsplit("_", 1)[0]
    kind = _floating_kind(stripped)
    if kind is None and is_menu(stripped):
        return "nav"
    return kind


def _floating_kind(line: str) -> Optional[str]:
    """The kind of the leftmost floating rule that matches, the earlier rule on a tie: what
    the combined pattern finds, searched only with the rules whose triggers the line holds."""
    lowered = line.lower()
    if _CASE_FOLD_SPECIAL.search(line):
        if not any(trigger in lowered for trigger in FLOATING_TRIGGERS):
            return None
        match = _FLOATING.search(line)
        return match.lastgroup.rsplit("_", 1)[0] if match else None
    present = {trigger for trigger in FLOATING_TRIGGERS if trigger in lowered}  # each tested once, not per rule
    if not present:
        return None
    found: Optional[tuple[int, str]] = None
    for kind, pattern, triggers in _FLOATING_RULES:
        if not present.isdisjoint(triggers):
            match = pattern.search(line)
            if match is not None and (found is None or match.start() < found[0]):
                found = (match.start(), kind)
    return found[1] if found else None
