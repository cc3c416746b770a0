"""The report's page shell, its stylesheet and its script (written once as local files,
``report.css`` and ``report.js``, beside ``index.html``: no server, no CDN)."""
from __future__ import annotations

from html import escape
from typing import Iterable, Optional

#: entity colours in the manner of displaCy's entity view
LABEL_COLOURS: dict[str, str] = {
    "THERAPY": "#7aecec",
    "CELL_TYPE": "#bfeeb7",
    "ANTIGEN": "#feca74",
    "DISEASE": "#ff9561",
    "OUTCOME": "#aa9cfc",
    "ADVERSE_EVENT": "#ff8197",
}
LABELS: tuple[str, ...] = tuple(LABEL_COLOURS)
CSS_FILE = "report.css"
JS_FILE = "report.js"


def text(value: object) -> str:
    """Text content, escaped for HTML."""
    value = "" if value is None else str(value)
    if "&" in value or "<" in value or ">" in value:
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def attr(value: object) -> str:
    """An attribute value, escaped for a double-quoted attribute."""
    value = "" if value is None else str(value)
    if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
        return escape(value, quote=True)
    return value


def label_class(label: str) -> str:
    return f"l-{label}"


def chip(label: str, content: str, title: Optional[str] = None) -> str:
    """A small coloured label chip around already-escaped ``content``."""
    tip = f' title="{attr(title)}"' if title else ""
    return f'<span class="chip {label_class(label)}"{tip}>{content}</span>'


def legend() -> str:
    """The colour legend of the entity labels, with the negated and evidence styles."""
    items = "".join(f'<li><mark class="ent {label_class(label)}" data-label="{label}">{text(label.lower().replace("_", " "))}'
                    f"</mark></li>" for label in LABELS)
    return (f'<ul class="legend" aria-label="legend">{items}'
            '<li><mark class="ent l-OUTCOME negated" data-label="OUTCOME">negated</mark></li>'
            '<li><span class="evidence-sample">evidence (click a relation)</span></li></ul>')


def page(title: str, body: str, root: str = "", scripts: Iterable[str] = ()) -> str:
    """A complete HTML page; ``root`` is the relative path to the report folder."""
    tags = "".join(f'<script src="{attr(root + src)}"></script>' for src in (*scripts, JS_FILE))
    return ("<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8"><title>{text(title)}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="stylesheet" href="{attr(root + CSS_FILE)}"></head>'
            f"<body>{body}{tags}</body></html>\n")


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], css: str = "") -> str:
    """A table from already-escaped cells; no header row when ``headers`` is empty."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    thead = f"<thead><tr>{head}</tr></thead>" if head else ""
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    klass = f' class="{css}"' if css else ""
    return f"<table{klass}>{thead}<tbody>{body}</tbody></table>"


def _label_rules() -> str:
    rules = []
    for label, colour in LABEL_COLOURS.items():
        rules.append(f".{label_class(label)}{{background:{colour}}}")
    return "".join(rules)


STYLESHEET = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--accent:#0969da}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:#fff}
header.top{background:#24292f;color:#fff;padding:12px 24px;display:flex;gap:16px;align-items:baseline;flex-wrap:wrap}
header.top a{color:#fff}
header.top h1{font-size:20px;margin:0}
main{padding:16px 24px;max-width:1400px;margin:0 auto}
h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:16px 0 6px}
a{color:var(--accent)}
.muted{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:120px;background:var(--panel)}
.card b{display:block;font-size:22px}
.card.bad b{color:#cf222e}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:8px 28px}
table{border-collapse:collapse;margin:6px 0;font-size:14px}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
th{background:var(--panel)}
td.num,th.num{text-align:right}
svg.chart{max-width:100%;height:auto;font:12px system-ui,sans-serif}
svg.chart text{fill:var(--ink)}
.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:6px 12px}
.chip{padding:1px 6px;border-radius:4px;white-space:nowrap}
.article-text{white-space:pre-wrap;line-height:2.4;font-size:16px;border:1px solid var(--line);border-radius:8px;padding:12px 16px;background:#fff}
mark.ent,mark.ent-part{color:inherit;padding:.15em .3em;border-radius:.35em;box-decoration-break:clone;-webkit-box-decoration-break:clone}
mark mark.ent,mark mark.ent-part{padding:.05em .2em;box-shadow:0 0 0 1px rgba(0,0,0,.25) inset}
mark.ent[data-label]::after{content:attr(data-label);font-size:.55em;font-weight:700;line-height:1;vertical-align:middle;margin-left:.4em;text-transform:uppercase;opacity:.85}
mark.negated{text-decoration:line-through;text-decoration-thickness:2px}
mark.focus{outline:2px solid #0969da}
.ev.evidence-on,.evidence-sample{background:rgba(255,230,0,.55);box-shadow:0 0 0 2px #d4a72c;border-radius:3px}
.layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(300px,2fr);gap:20px;align-items:start}
@media (max-width:1000px){.layout{grid-template-columns:1fr}}
aside.panel{position:sticky;top:8px;max-height:96vh;overflow:auto;border:1px solid var(--line);border-radius:8px;padding:8px 12px;background:var(--panel)}
ol.relations{padding-left:22px;margin:4px 0}
ol.relations li{margin:3px 0}
button.rel,a.evlink{cursor:pointer}
button.rel{font:inherit;text-align:left;border:1px solid var(--line);background:#fff;border-radius:6px;padding:2px 6px;width:100%}
button.rel.active,a.evlink.active{outline:2px solid #d4a72c;background:#fff8c5}
button.rel .chip{white-space:normal}
.rtype{font-weight:700;font-size:12px;letter-spacing:.02em}
.finding{border:1px solid var(--line);border-radius:8px;padding:6px 12px;margin:10px 0}
.warning{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:4px 10px;margin:4px 0}
details{margin:8px 0}
summary{cursor:pointer;font-weight:600}
pre.removed{white-space:pre-wrap;background:var(--panel);border:1px solid var(--line);padding:8px;font-size:13px;color:var(--muted)}
.search{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
.search input{font:inherit;padding:4px 8px;min-width:320px}
.search select,.search button{font:inherit;padding:3px 8px}
.pager{display:flex;gap:8px;align-items:center;margin:6px 0}
.nav{display:flex;gap:16px;margin:6px 0}
.missed{color:#cf222e}.extra{color:#9a6700}
""" + _label_rules() + "\n"

SCRIPT = r"""
(function () {
  "use strict";
  // Article pages: clicking a relation or an evidence link highlights its evidence span.
  function clearEvidence() {
    document.querySelectorAll(".article-text .evidence-on").forEach(function (e) { e.classList.remove("evidence-on"); });
    document.querySelectorAll(".active").forEach(function (e) { e.classList.remove("active"); });
    document.querySelectorAll("mark.focus").forEach(function (e) { e.classList.remove("focus"); });
  }
  function showEvidence(trigger) {
    var wasActive = trigger.classList.contains("active");
    clearEvidence();
    if (wasActive) { return; }
    trigger.classList.add("active");
    var parts = document.querySelectorAll('.article-text .ev[data-ev="' + trigger.getAttribute("data-show-ev") + '"]');
    parts.forEach(function (e) { e.classList.add("evidence-on"); });
    ["data-head", "data-tail", "data-entity"].forEach(function (name) {
      var id = trigger.getAttribute(name);
      if (id) {
        document.querySelectorAll('.article-text mark[data-ent="' + id + '"]').forEach(function (e) { e.classList.add("focus"); });
      }
    });
    if (parts.length && parts[0].scrollIntoView) { parts[0].scrollIntoView({block: "center"}); }
  }
  document.addEventListener("click", function (event) {
    var trigger = event.target.closest ? event.target.closest("[data-show-ev]") : null;
    if (trigger) { event.preventDefault(); showEvidence(trigger); }
  });

  // Index page: search and pagination over window.REPORT_INDEX.
  var root = document.getElementById("article-list");
  if (!root || !window.REPORT_INDEX) { return; }
  var data = window.REPORT_INDEX, names = data.names, rows = data.articles;
  var PAGE = 50, page = 0, shown = rows;
  var input = document.getElementById("search"), scope = document.getElementById("scope");
  var info = document.getElementById("search-info");
  function namesOf(ids) { return ids.map(function (i) { return names[i]; }); }
  var haystacks = {};
  function haystack(row, field) {
    if (field === "title") { return (row[1] || "").toLowerCase(); }
    if (field === "therapy") { return namesOf(row[3]).join(" | ").toLowerCase(); }
    if (field === "disease") { return namesOf(row[4]).join(" | ").toLowerCase(); }
    return haystack(row, "title") + " | " + haystack(row, "therapy") + " | " + haystack(row, "disease");
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; });
  }
  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean), field = scope.value;
    if (!haystacks[field]) { haystacks[field] = rows.map(function (r) { return haystack(r, field); }); }
    var hay = haystacks[field];
    shown = words.length ? rows.filter(function (r, i) {
      return words.every(function (w) { return hay[i].indexOf(w) >= 0; });
    }) : rows;
    page = 0;
    render();
  }
  function render() {
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(page, pages - 1);
    var html = shown.slice(page * PAGE, page * PAGE + PAGE).map(function (r) {
      var title = esc(r[1] || "(no title)");
      var link = r[0] ? '<a class="article-link" href="articles/' + esc(r[0]) + '.html">' + title + "</a>" : title;
      return "<tr><td>" + link + "</td><td>" + esc(r[2] || "") + "</td><td>" + esc(namesOf(r[3]).join(", ")) +
        "</td><td>" + esc(namesOf(r[4]).join(", ")) + '</td><td class="num">' + r[5] + '</td><td class="num">' + r[6] +
        '</td><td class="num">' + r[7] + "</td></tr>";
    }).join("");
    root.querySelector("tbody").innerHTML = html;
    info.textContent = shown.length + " of " + rows.length + " articles, page " + (page + 1) + " of " + pages;
    document.getElementById("prev").disabled = page === 0;
    document.getElementById("next").disabled = page >= pages - 1;
  }
  input.addEventListener("input", filter);
  scope.addEventListener("change", filter);
  document.getElementById("prev").addEventListener("click", function () { page -= 1; render(); });
  document.getElementById("next").addEventListener("click", function () { page += 1; render(); });
  render();
})();
"""
