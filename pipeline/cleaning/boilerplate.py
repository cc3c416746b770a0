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
    ("breadcrumb", re.compile(r"^[^/.!?]{1,40}(?: / [^/.!?]{1,40}){2,}$")),
    ("breadcrumb", re.compile(r"^[^.!?]{0,200}(?:\s?[>»＞›]\s?[^>»＞›]+){2,}$")),
    ("meta", re.compile(r"^(?:last update[d]?|update[d]?|source|author|editor|release(?:d)? time|release date|"
                        r"publish(?:ed)?(?: time| date| on)?|posted(?: on)?|date|time|views|reads|clicks|"
                        r"responsible editor|proofread(?:ing)?|copy editor|tags?|keywords?|category)\s*[:：]", re.I)),
    ("meta", re.compile(r"^(?:by|author)\s+[A-Z][\w.\- ]{1,40}$")),
    ("meta", re.compile(r"^(?:compiled|edited|written|translated|reported|reviewed) by\b.{0,60}$", re.I)),
    ("meta", re.compile(r"^(?:text|words|written|reviewed|edited|photo|image|picture|proofread|translated)\s*[/／]\s*\S",
                        re.I)),
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
    ("nav", re.compile(r"^(?:[^|]{1,30}\|){2,}[^|]{1,30}$")),
    ("nav", re.compile(r"^search\b.{0,40}(?:\.\.\.|…)$", re.I)),
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
#: every rule that may match inside a line needs one of these words; most article lines
#: hold none, and a substring test is far cheaper than the rules
FLOATING_TRIGGERS = (
    "read", "source", "author", "editor", "views", "clicks", "release time", "search more", "good prices",
    "suppliers", "visit www", "high quality", "quote", "sponsored", "free for", "register", "early", "click",
    "qr code", "follow", "subscribe", "cookie", "privacy", "accept all", "preferences", "information purposes",
    "representation", "warrant", "chinese language", "represent", "constitute", "reference", "exchange",
    "communication", "unauthori", "exclusively authori", "legal respons", "removed", "deleted", "infring",
    "reprint", "plagiari", "please", "replied", "staff member", "contact", "©", "(c)", "copyright",
    "rights reserved", "icp", "should", "substitute", "reuse", "reproduc", "republica", "redistribut")


_BULLET = re.compile(r"^[•·▪►▸◆■\-*]\s*")


@lru_cache(maxsize=4096)  # a header line is asked about by the date, the title and the body filter
def boilerplate_kind(line: str) -> Optional[str]:
    """The kind of boilerplate a whole line is, or None for article text."""
    stripped = _BULLET.sub("", line.strip())
    if not stripped:
        return None
    match = _ANCHORED.match(stripped)
    if match is None:
        lowered = stripped.lower()
        if any(trigger in lowered for trigger in FLOATING_TRIGGERS):
            match = _FLOATING.search(stripped)
    return match.lastgroup.rsplit("_", 1)[0] if match else None
