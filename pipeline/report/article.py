"""One article's page: the cleaned text with its entities highlighted (nested where they
overlap, negated ones struck through), the relations (a click highlights the evidence),
the findings with their values, grades and evidence links, citations, warnings, the
boilerplate the cleaning removed and, with gold, what the record missed and added."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .gold import ArticleDifferences
from .highlight import Layer, render_layers
from .templates import LABELS, attr, chip, label_class, legend, page, table, text

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_SPACE = re.compile(r"\s+")
_DURATION_UNITS = frozenset({"day", "week", "month", "year"})


def page_name(record: dict) -> str:
    """The file name of an article's page, from its ``doc_id``."""
    return _UNSAFE.sub("_", str(record.get("doc_id") or "article"))[:120] + ".html"


@dataclass(frozen=True)
class Navigation:
    """Links to the report's index and to the previous and next article pages."""
    index: str = "../index.html"
    previous: Optional[str] = None
    next: Optional[str] = None


class EvidenceIds:
    """A short id per distinct evidence span of a record (``v1``, ``v2``…)."""

    def __init__(self) -> None:
        self.ids: dict[tuple[int, int], str] = {}

    def of(self, evidence: Optional[dict]) -> Optional[str]:
        """The id of an evidence span, given on first sight; None without a span."""
        if not evidence:
            return None
        key = (int(evidence["start"]), int(evidence["end"]))
        if key not in self.ids:
            self.ids[key] = f"v{len(self.ids) + 1}"
        return self.ids[key]


def entity_title(entity: dict) -> str:
    """An entity's tooltip: id, label, canonical name, CURIE, negation."""
    normalized = entity.get("normalized") or {}
    parts = [f'{entity.get("id")} {entity.get("label")}', normalized.get("name") or ""]
    if normalized.get("id"):
        parts.append(normalized["id"])
    if entity.get("negated"):
        parts.append("negated")
    return " · ".join(p for p in parts if p)


def entity_layer(entity: dict) -> Layer:
    """An entity's mark: the first element carries its id, label (shown after it) and a
    tooltip with its canonical name and CURIE."""
    label = entity.get("label", "")
    negated = " negated" if entity.get("negated") else ""
    classes = f"{label_class(label)}{negated}"
    ident = attr(entity.get("id"))
    return Layer(int(entity["start"]), int(entity["end"]),
                 first=(f'<mark class="ent {classes}" id="ent-{ident}" data-ent="{ident}" data-label="{attr(label)}" '
                        f'title="{attr(entity_title(entity))}">'),
                 part=f'<mark class="ent-part {classes}" data-ent="{ident}">', close="</mark>")


def evidence_layer(start: int, end: int, ident: str) -> Layer:
    """An evidence span: outermost among spans of the same extent, so a click can light it whole."""
    tag = f'<span class="ev" data-ev="{ident}">'
    return Layer(start, end, first=tag, part=tag, close="</span>", outer=True)


def highlighted_text(record: dict, evidence: EvidenceIds) -> str:
    """The record's text with every entity and every evidence span as elements."""
    layers = [entity_layer(e) for e in record.get("entities") or []]
    layers += [evidence_layer(start, end, ident) for (start, end), ident in evidence.ids.items()]
    return render_layers(record.get("text") or "", layers)


def _entity_chip(entity: Optional[dict], fallback: str = "?") -> str:
    if entity is None:
        return text(fallback)
    return chip(entity.get("label", ""), text(entity.get("text")))


def relations_section(record: dict, by_id: dict[str, dict], evidence: EvidenceIds) -> str:
    """The relations as buttons that light their evidence (and their head and tail) in the text."""
    relations = record.get("relations") or []
    if not relations:
        return '<h2 id="relations">Relations</h2><p class="muted">No relation.</p>'
    items = []
    for number, relation in enumerate(relations, 1):
        ident = evidence.of(relation.get("evidence"))
        head, tail = by_id.get(relation.get("head")), by_id.get(relation.get("tail"))
        items.append(f'<li><button type="button" class="rel" id="rel-{number}" data-show-ev="{attr(ident)}" '
                     f'data-head="{attr(relation.get("head"))}" data-tail="{attr(relation.get("tail"))}" '
                     f'title="show the evidence"><span class="rtype">{text(relation.get("type"))}</span> '
                     f'{_entity_chip(head, relation.get("head"))} → {_entity_chip(tail, relation.get("tail"))}'
                     f"</button></li>")
    return (f'<h2 id="relations">Relations ({len(relations)})</h2><p class="muted">Click a relation to highlight '
            f'its evidence in the text.</p><ol class="relations">{"".join(items)}</ol>')


def _evidence_link(label: str, span: Optional[dict], evidence: EvidenceIds, entity: Optional[str] = None) -> str:
    ident = evidence.of(span)
    if ident is None:
        return text(label)
    entity_attr = f' data-entity="{attr(entity)}"' if entity else ""
    return f'<a href="#" class="evlink" data-show-ev="{ident}"{entity_attr} title="show the evidence">{text(label)}</a>'


def _value(result: Optional[dict]) -> str:
    """A stated value with its unit: "73%", "11.9 months", "0.66"."""
    if not result:
        return ""
    value, unit = result.get("value"), result.get("unit") or ""
    if unit in _DURATION_UNITS:
        return f"{value} {unit}" + ("" if value == 1 else "s")
    return f"{value}{unit}" if unit in ("%", "") else f"{value} {unit}"


def _stated(result: Optional[dict], evidence: EvidenceIds, entity: Optional[str]) -> str:
    if not result:
        return '<span class="muted">—</span>'
    return _evidence_link(_value(result), result.get("evidence"), evidence, entity)


def _entity_link(entity_id: Optional[str], name: Optional[str], by_id: dict[str, dict]) -> str:
    if not name:
        return '<span class="muted">—</span>'
    entity = by_id.get(entity_id or "")
    if entity is None:
        return text(name)
    return f'<a href="#ent-{attr(entity_id)}">{chip(entity.get("label", ""), text(name), entity_title(entity))}</a>'


def _age(age: Optional[dict], evidence: EvidenceIds) -> str:
    if not age:
        return '<span class="muted">—</span>'
    if age.get("kind") == "range":
        wording = f'{age.get("low")}–{age.get("high")} {age.get("unit")}s'
    else:
        wording = f'{age.get("kind")} {age.get("value")} {age.get("unit")}s'
    return _evidence_link(wording, age.get("evidence"), evidence)


def finding_block(number: int, finding: dict, by_id: dict[str, dict], evidence: EvidenceIds) -> str:
    """One finding: its facts with evidence links, then its outcomes and adverse events."""
    follow_up = finding.get("follow_up")
    follow_text = _value(follow_up) if follow_up else None
    patients = finding.get("patients")
    facts = [
        ("therapy", _entity_link(finding.get("therapy_entity"), finding.get("therapy"), by_id)
         + (f' <span class="muted">{text(finding.get("therapy_id"))}</span>' if finding.get("therapy_id") else "")),
        ("disease", _entity_link(finding.get("disease_entity"), finding.get("disease"), by_id)
         + (f' <span class="muted">{text(finding.get("disease_id"))}</span>' if finding.get("disease_id") else "")),
        ("target", text(finding.get("target") or "—")),
        ("cell types", text(", ".join(finding.get("cell_types") or []) or "—")),
        ("patients", _evidence_link(str(patients), finding.get("patients_evidence"), evidence)
         if patients is not None else '<span class="muted">—</span>'),
        ("follow-up", _evidence_link(follow_text, finding.get("follow_up_evidence"), evidence)
         if follow_text else '<span class="muted">—</span>'),
        ("age", _age(finding.get("age"), evidence)),
        ("phase / trial", text(" / ".join(v for v in (finding.get("phase"), finding.get("trial")) if v) or "—")),
        ("citation", text(finding.get("citation") or "—")),
    ]
    facts_table = table((), ([f"<b>{name}</b>", value] for name, value in facts), css="facts")
    results = []
    for result in finding.get("outcome_results") or []:
        results.append((chip("OUTCOME", text(result.get("name"))), "negated" if result.get("negated") else "",
                        "", _stated(result.get("result"), evidence, result.get("entity")),
                        _entity_ref(result.get("entity"))))
    for result in finding.get("adverse_event_results") or []:
        results.append((chip("ADVERSE_EVENT", text(result.get("name"))), "negated" if result.get("negated") else "",
                        text(result.get("grade") or ""), _stated(result.get("result"), evidence, result.get("entity")),
                        _entity_ref(result.get("entity"))))
    results_table = (table(("result", "negated", "grade", "value (evidence)", "mention"), results, css="results")
                     if results else '<p class="muted">No outcome or adverse event.</p>')
    return (f'<div class="finding" id="finding-{number}"><h3>Finding {number}: {text(finding.get("therapy"))} — '
            f'{text(finding.get("disease") or "no disease")}</h3>{facts_table}{results_table}</div>')


def _entity_ref(entity_id: Optional[str]) -> str:
    return f'<a href="#ent-{attr(entity_id)}">{text(entity_id)}</a>' if entity_id else ""


def findings_section(record: dict, by_id: dict[str, dict], evidence: EvidenceIds) -> str:
    """Every finding of the article."""
    findings = record.get("findings") or []
    if not findings:
        return '<h2 id="findings">Findings</h2><p class="muted">No finding.</p>'
    blocks = "".join(finding_block(n, f, by_id, evidence) for n, f in enumerate(findings, 1))
    return f'<h2 id="findings">Findings ({len(findings)})</h2>{blocks}'


def citations_section(record: dict) -> str:
    """The papers the article cites."""
    citations = record.get("citations") or []
    if not citations:
        return '<h2 id="citations">Citations</h2><p class="muted">No citation.</p>'
    rows = []
    for citation in citations:
        authors = citation.get("authors") or []
        rows.append((text(", ".join(authors[:6]) + (" et al." if len(authors) > 6 else "")),
                     text(citation.get("title") or ""), text(citation.get("journal") or ""),
                     text(citation.get("year") or ""), text(citation.get("doi") or "")))
    return (f'<h2 id="citations">Citations ({len(citations)})</h2>'
            + table(("authors", "title", "journal", "year", "DOI"), rows))


def warnings_section(record: dict) -> str:
    """The record's warnings (truncated numbers and the like), when it has any."""
    warnings = record.get("warnings") or []
    if not warnings:
        return ""
    items = "".join(f'<div class="warning">{text(w)}</div>' for w in warnings)
    return f'<h2 id="warnings">Warnings ({len(warnings)})</h2>{items}'


def removed_lines(record: dict, page_lines: Optional[list[str]]) -> Optional[list[str]]:
    """The lines of the page's first pass that the body does not hold (whitespace folded)."""
    if page_lines is None:
        return None
    body = _SPACE.sub(" ", record.get("text") or "")
    return [line for line in page_lines if _SPACE.sub(" ", line).strip() and _SPACE.sub(" ", line).strip() not in body]


def boilerplate_section(removed: Optional[list[str]], extracted: int) -> str:
    """The lines cleaning removed, folded away."""
    if removed is None:
        return ('<details class="boilerplate"><summary>Removed boilerplate</summary><p class="muted">The page\'s '
                "extracted lines (work/extracted.jsonl) are not available for this article.</p></details>")
    body = "\n".join(text(line) for line in removed) or "(nothing removed)"
    return (f'<details class="boilerplate"><summary>Removed boilerplate ({len(removed)} of {extracted} extracted '
            f'lines)</summary><pre class="removed">{body}</pre></details>')


def entity_counts(record: dict) -> str:
    """The article's entity count per label, as chips."""
    counts = {label: 0 for label in LABELS}
    for entity in record.get("entities") or []:
        counts[entity.get("label", "")] = counts.get(entity.get("label", ""), 0) + 1
    chips = " ".join(chip(label, f"{text(label)} {count}") for label, count in counts.items() if count)
    return f'<p class="entity-counts">{sum(counts.values())} entities: {chips}</p>'


def gold_section(differences: Optional[ArticleDifferences]) -> str:
    """What the record missed and added against its gold file, with the article's F1s."""
    if differences is None:
        return ""
    if differences.clean:
        return (f'<h2 id="gold">Against gold ({text(differences.gold_id)})</h2><p>Every gold concept and relation '
                "found, nothing extra.</p>")
    rows = []
    for label in LABELS:
        missed, extra = differences.missed_entities.get(label) or [], differences.extra_entities.get(label) or []
        if missed or extra:
            rows.append((chip(label, text(label)), f'<span class="missed">{text("; ".join(missed))}</span>',
                         f'<span class="extra">{text("; ".join(extra))}</span>'))
    relation_rows = ([("missed", f'<span class="missed">{text(" ".join(r))}</span>') for r in differences.missed_relations]
                     + [("extra", f'<span class="extra">{text(" ".join(r))}</span>') for r in differences.extra_relations])
    scores = differences.scores
    return (f'<h2 id="gold">Against gold ({text(differences.gold_id)})</h2>'
            f'<p>entity F1 {scores.get("entity_f1", 0):.3f} · relation F1 {scores.get("relation_f1", 0):.3f}</p>'
            + (table(("label", "missed concepts", "extra concepts"), rows) if rows else "")
            + (table(("", "relation (type, head, tail; ? = no gold concept)"), relation_rows) if relation_rows else ""))


def _metadata(record: dict) -> str:
    source = record.get("source") or {}
    facts = [("doc_id", record.get("doc_id")), ("source", source.get("path")), ("url", source.get("url")),
             ("published", record.get("published")), ("site", record.get("site")), ("section", record.get("section")),
             ("journal", record.get("journal"))]
    return " · ".join(f'<span class="muted">{name}</span> {text(value)}' for name, value in facts if value)


def _navigation(navigation: Navigation) -> str:
    links = [f'<a href="{attr(navigation.index)}">← all articles</a>']
    if navigation.previous:
        links.append(f'<a rel="prev" href="{attr(navigation.previous)}">previous</a>')
    if navigation.next:
        links.append(f'<a rel="next" href="{attr(navigation.next)}">next</a>')
    return f'<nav class="nav">{"".join(links)}</nav>'


def article_page(record: dict, navigation: Navigation = Navigation(), page_lines: Optional[list[str]] = None,
                 differences: Optional[ArticleDifferences] = None) -> str:
    """The HTML page of one article record."""
    by_id = {e.get("id"): e for e in record.get("entities") or []}
    evidence = EvidenceIds()
    relations = relations_section(record, by_id, evidence)
    findings = findings_section(record, by_id, evidence)  # evidence ids first, then the text that holds them
    title = record.get("title") or "(no title)"
    body = (f'<header class="top"><h1>{text(title)}</h1></header><main>{_navigation(navigation)}'
            f'<p class="meta">{_metadata(record)}</p>{legend()}{entity_counts(record)}{warnings_section(record)}'
            f'<div class="layout"><section><h2 id="text">Text</h2>'
            f'<div class="article-text" data-entities="{len(record.get("entities") or [])}">{highlighted_text(record, evidence)}</div>'
            f'{boilerplate_section(removed_lines(record, page_lines), len(page_lines or []))}</section>'
            f'<aside class="panel">{relations}</aside></div>'
            f"{findings}{citations_section(record)}{gold_section(differences)}</main>")
    return page(title, body, root="../")

