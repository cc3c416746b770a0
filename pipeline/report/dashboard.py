"""The run dashboard (``index.html``): inputs, records, rejects by reason and stage,
duplicates, per-stage time and throughput, entity counts, the most frequent therapies,
diseases, targets and outcomes, entities per article, findings with and without patients
and follow-up, gold scores when given, and the searchable list of articles."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from .svg import Bar, bar_chart, histogram, stacked_share
from .templates import LABEL_COLOURS, LABELS, attr, chip, legend, page, table, text

TOP_NAMES = 15
LISTED_REJECTS = 100
LISTED_DUPLICATES = 100


def _canonical(entity: dict) -> str:
    return (entity.get("normalized") or {}).get("name") or entity.get("text") or ""


@dataclass
class RunStatistics:
    """Figures over the records, gathered one record at a time."""
    articles: int = 0
    labels: Counter = field(default_factory=Counter)
    negated: Counter = field(default_factory=Counter)
    relation_types: Counter = field(default_factory=Counter)
    therapies: Counter = field(default_factory=Counter)   # articles naming each canonical name
    diseases: Counter = field(default_factory=Counter)
    targets: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    entities_per_article: list[int] = field(default_factory=list)
    findings: int = 0
    findings_with_patients: int = 0
    findings_with_follow_up: int = 0
    findings_with_both: int = 0
    articles_without_findings: int = 0
    articles_with_warnings: int = 0
    citations: int = 0

    def merge(self, other: "RunStatistics") -> None:
        """Add the figures of another share of the records."""
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(mine, Counter):
                mine.update(value)
            elif isinstance(mine, list):
                mine.extend(value)
            else:
                setattr(self, name, mine + value)

    def add(self, record: dict) -> None:
        """Count one record."""
        entities = record.get("entities") or []
        self.articles += 1
        self.entities_per_article.append(len(entities))
        labels = [e.get("label", "") for e in entities]
        self.labels.update(labels)
        self.negated.update(label for label, e in zip(labels, entities) if e.get("negated"))
        names: dict[str, set[str]] = {"THERAPY": set(), "DISEASE": set(), "OUTCOME": set()}
        for label, entity in zip(labels, entities):
            if label in names:
                names[label].add(_canonical(entity))
        relations = record.get("relations") or []
        self.relation_types.update(r.get("type") for r in relations)
        targeted = {r.get("tail") for r in relations if r.get("type") == "TARGETS"}
        targets = {_canonical(e) for e in entities if e.get("id") in targeted}
        findings = record.get("findings") or []
        for finding in findings:
            self.findings += 1
            patients, follow_up = finding.get("patients") is not None, bool(finding.get("follow_up"))
            self.findings_with_patients += patients
            self.findings_with_follow_up += follow_up
            self.findings_with_both += patients and follow_up
            if finding.get("target"):
                targets.add(finding["target"])
        self.articles_without_findings += not findings
        self.articles_with_warnings += bool(record.get("warnings"))
        self.citations += len(record.get("citations") or [])
        self.therapies.update(names["THERAPY"])
        self.diseases.update(names["DISEASE"])
        self.outcomes.update(names["OUTCOME"])
        self.targets.update(targets)


@dataclass
class RejectSummary:
    """``rejects.jsonl`` and ``duplicates.jsonl`` counted, with the first few listed."""
    by_stage_reason: Counter = field(default_factory=Counter)
    listed: list[dict] = field(default_factory=list)
    duplicates: int = 0
    listed_duplicates: list[dict] = field(default_factory=list)

    def add_reject(self, reject: dict) -> None:
        self.by_stage_reason[(str(reject.get("stage")), str(reject.get("reason")))] += 1
        if len(self.listed) < LISTED_REJECTS:
            self.listed.append(reject)

    def add_duplicate(self, duplicate: dict) -> None:
        self.duplicates += 1
        if len(self.listed_duplicates) < LISTED_DUPLICATES:
            self.listed_duplicates.append(duplicate)

    @property
    def rejects(self) -> int:
        return sum(self.by_stage_reason.values())


def _card(name: str, value: object, bad: bool = False) -> str:
    shown = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else text(value)
    return f'<div class="card{" bad" if bad else ""}"><b>{shown}</b>{text(name)}</div>'


def summary_cards(run: dict, statistics: RunStatistics, rejects: RejectSummary) -> str:
    """The run's headline counts."""
    reconciled = run.get("reconciled")
    cards = [_card("inputs read", run.get("inputs_read", statistics.articles + rejects.rejects + rejects.duplicates)),
             _card("records", statistics.articles),
             _card("rejects", rejects.rejects, bad=rejects.rejects > 0),
             _card("duplicates", rejects.duplicates),
             _card("reconciled", "yes" if reconciled else ("no" if reconciled is False else "—"), bad=reconciled is False),
             _card("entities", sum(statistics.labels.values())),
             _card("relations", sum(statistics.relation_types.values())),
             _card("findings", statistics.findings),
             _card("citations", statistics.citations),
             _card("articles with warnings", statistics.articles_with_warnings)]
    return f'<div class="cards">{"".join(cards)}</div>'


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.1f}" if seconds else "—"


def stages_section(stages: list[dict]) -> str:
    """Per-stage counts, seconds and records per second, with a chart of the seconds."""
    if not stages:
        return '<h2 id="stages">Stages</h2><p class="muted">No stage statistics (work/*.stats.json) found.</p>'
    rows = [(text(s.get("stage")), *(f"{int(s.get(k) or 0):,}" for k in ("read", "written", "rejected", "duplicates")),
             f'{float(s.get("seconds") or 0):.2f}', _rate(int(s.get("read") or 0), float(s.get("seconds") or 0)))
            for s in stages]
    total = sum(float(s.get("seconds") or 0) for s in stages)
    chart = bar_chart([Bar(str(s.get("stage")), round(float(s.get("seconds") or 0), 2)) for s in stages],
                      "seconds per stage", unit=" s")
    return (f'<h2 id="stages">Stages: time and throughput</h2><div class="grid"><div>'
            + table(("stage", "read", "written", "rejected", "duplicates", "seconds", "records/s"), rows)
            + f'<p class="muted">total {total:.2f} s</p></div><div>{chart}</div></div>')


def inputs_section(run: dict) -> str:
    """The inputs the run was given."""
    inputs = run.get("inputs") or []
    if not inputs:
        return ""
    items = "".join(f"<li><code>{text(i)}</code></li>" for i in inputs[:50])
    more = f'<li class="muted">… and {len(inputs) - 50} more</li>' if len(inputs) > 50 else ""
    return f'<h2 id="inputs">Inputs</h2><ul>{items}{more}</ul>'


def rejects_section(rejects: RejectSummary) -> str:
    """Rejects by reason and by stage, and the first rejects and duplicates."""
    if not rejects.rejects and not rejects.duplicates:
        return '<h2 id="rejects">Rejects and duplicates</h2><p>No reject, no duplicate.</p>'
    reasons: Counter = Counter()
    for (_, reason), count in rejects.by_stage_reason.items():
        reasons[reason] += count
    chart = bar_chart([Bar(reason, count, "#e5826f") for reason, count in reasons.most_common()], "rejects by reason")
    rows = [(text(stage), text(reason), f"{count:,}")
            for (stage, reason), count in sorted(rejects.by_stage_reason.items())]
    listed = [(text((r.get("source") or {}).get("path")), text(r.get("stage")), text(r.get("reason")),
               text(str(r.get("detail") or "")[:200])) for r in rejects.listed]
    duplicates = [(text((d.get("source") or {}).get("path")), text((d.get("duplicate_of") or {}).get("path")))
                  for d in rejects.listed_duplicates]
    return (f'<h2 id="rejects">Rejects ({rejects.rejects:,}) and duplicates ({rejects.duplicates:,})</h2>'
            f'<div class="grid"><div>{chart}</div><div>' + table(("stage", "reason", "rejects"), rows) + "</div></div>"
            + (f"<details><summary>First {len(listed)} rejects</summary>"
               + table(("source", "stage", "reason", "detail"), listed) + "</details>" if listed else "")
            + (f"<details><summary>First {len(duplicates)} duplicates</summary>"
               + table(("page", "copy of"), duplicates) + "</details>" if duplicates else ""))


def entities_section(statistics: RunStatistics) -> str:
    """Entities by label (negated ones counted), relations by type, entities per article."""
    bars = [Bar(label, statistics.labels.get(label, 0), LABEL_COLOURS[label]) for label in LABELS]
    rows = [(chip(label, text(label)), f"{statistics.labels.get(label, 0):,}", f"{statistics.negated.get(label, 0):,}")
            for label in LABELS]
    relation_bars = [Bar(kind, count) for kind, count in statistics.relation_types.most_common()]
    return ('<h2 id="entities">Entities and relations</h2><div class="grid"><div>'
            + bar_chart(bars, "entities by label") + table(("label", "mentions", "negated"), rows)
            + "</div><div>" + bar_chart(relation_bars, "relations by type")
            + histogram(statistics.entities_per_article, "entities per article", "entities per article", colour="#8fb7e3")
            + "</div></div>")


def top_names_section(statistics: RunStatistics) -> str:
    """The most frequent therapies, diseases, targets and outcomes."""
    charts = []
    for title, counter, label in (("therapies", statistics.therapies, "THERAPY"),
                                  ("diseases", statistics.diseases, "DISEASE"),
                                  ("targets", statistics.targets, "ANTIGEN"),
                                  ("outcomes", statistics.outcomes, "OUTCOME")):
        bars = [Bar(name, count, LABEL_COLOURS[label]) for name, count in counter.most_common(TOP_NAMES)]
        charts.append(f"<div><h3>Most frequent {title} <span class=\"muted\">(articles naming them)</span></h3>"
                      f"{bar_chart(bars, 'most frequent ' + title)}</div>")
    return f'<h2 id="frequent">Most frequent concepts</h2><div class="grid">{"".join(charts)}</div>'


def findings_section(statistics: RunStatistics) -> str:
    """Findings with and without patients and follow-up."""
    total = statistics.findings
    with_colour, without_colour = "#57ab5a", "#d0d7de"
    shares = [stacked_share([Bar("with patients", statistics.findings_with_patients, with_colour),
                             Bar("without", total - statistics.findings_with_patients, without_colour)],
                            "findings with and without the number of patients"),
              stacked_share([Bar("with follow-up", statistics.findings_with_follow_up, with_colour),
                             Bar("without", total - statistics.findings_with_follow_up, without_colour)],
                            "findings with and without a follow-up"),
              stacked_share([Bar("with both", statistics.findings_with_both, with_colour),
                             Bar("not both", total - statistics.findings_with_both, without_colour)],
                            "findings with both patients and follow-up")]
    rows = [("findings", f"{total:,}"), ("with patients", f"{statistics.findings_with_patients:,}"),
            ("without patients", f"{total - statistics.findings_with_patients:,}"),
            ("with follow-up", f"{statistics.findings_with_follow_up:,}"),
            ("without follow-up", f"{total - statistics.findings_with_follow_up:,}"),
            ("with both", f"{statistics.findings_with_both:,}"),
            ("articles without a finding", f"{statistics.articles_without_findings:,}")]
    return ('<h2 id="findings">Findings</h2><div class="grid"><div>' + table(("", "count"), rows)
            + "</div><div>" + "".join(f"<p>{s}</p>" for s in shares) + "</div></div>")


def _score(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.3f}"


def gold_section(scores: Optional[dict], gold_dir: Optional[str]) -> str:
    """The run's scores against gold, when gold was given."""
    if scores is None:
        return ""
    rows = [(chip(label, text(label)), _score(v["precision"]), _score(v["recall"]), _score(v["f1"]), f'{v["gold"]:,}',
             f'{v["false_pos"]:,}') for label, v in scores["entities"].items()]
    micro, relations = scores["entity_micro"], scores["relations"]
    rows.append(("<b>entity micro</b>", _score(micro["precision"]), _score(micro["recall"]), _score(micro["f1"]), "", ""))
    rows.append(("<b>relations</b>", _score(relations["precision"]), _score(relations["recall"]), _score(relations["f1"]),
                 f'{relations["gold"]:,}', ""))
    findings, cleaning = scores["findings"], scores["cleaning"]
    others = [("negation accuracy", _score(scores["negation_accuracy"])),
              ("findings recall", _score(findings["recall"])),
              ("patients accuracy", _score(findings["patients_accuracy"])),
              ("follow-up accuracy", _score(findings["follow_up_accuracy"]))]
    others += [(name.replace("_", " "), _score(value)) for name, value in cleaning.items()]
    without = scores.get("without_record") or []
    listed = ", ".join(without[:20]) + (" …" if len(without) > 20 else "")
    return (f'<h2 id="gold">Scores against gold <span class="muted">({text(gold_dir)}: {scores["documents"]} of '
            f'{scores.get("gold_files", scores["documents"])} gold files have a record in this run)</span></h2>'
            + (f'<p class="muted">Gold files without a record (not scored): {text(listed)}</p>' if without else "")
            + '<div class="grid"><div>'
            + table(("label", "P", "R", "F1", "gold", "false pos."), rows, css="scores") + "</div><div>"
            + table(("measure", "value"), others) + "</div></div>")


def article_list(index_script: str, total: int, pages: int) -> str:
    """The searchable, paginated list of articles, filled by ``report.js`` from
    ``index_script`` (a local script, so it loads from a file:// URL)."""
    return (f'<h2 id="articles">Articles ({total:,}; {pages:,} with a page)</h2>'
            '<div class="search"><label>Search <input id="search" type="search" '
            'placeholder="title, therapy or disease words"></label>'
            '<select id="scope" aria-label="search in"><option value="all">title, therapy, disease</option>'
            '<option value="title">title</option><option value="therapy">therapy</option>'
            '<option value="disease">disease</option></select>'
            '<span id="search-info" class="muted"></span></div>'
            '<div class="pager"><button id="prev" type="button">← previous</button>'
            '<button id="next" type="button">next →</button></div>'
            '<table id="article-list"><thead><tr><th>title</th><th>published</th><th>therapies</th><th>diseases</th>'
            '<th class="num">entities</th><th class="num">relations</th><th class="num">findings</th></tr></thead>'
            '<tbody></tbody></table><noscript><p>The article list needs JavaScript; the pages are in '
            f'<a href="articles/">articles/</a>.</p></noscript>'
            f'<script src="{attr(index_script)}"></script>')


def dashboard_page(run: dict, stages: list[dict], statistics: RunStatistics, rejects: RejectSummary,
                   index_script: str, pages: int, scores: Optional[dict] = None,
                   gold_dir: Optional[str] = None, notes: Iterable[str] = ()) -> str:
    """The report's front page."""
    note_html = "".join(f'<p class="muted">{text(n)}</p>' for n in notes)
    links = " · ".join(f'<a href="#{anchor}">{name}</a>' for anchor, name in (
        ("stages", "stages"), ("rejects", "rejects"), ("entities", "entities"), ("frequent", "frequent concepts"),
        ("findings", "findings"), *((("gold", "gold scores"),) if scores is not None else ()), ("articles", "articles")))
    body = (f'<header class="top"><h1>Run report</h1><span>{links}</span></header><main>'
            f"{note_html}{summary_cards(run, statistics, rejects)}{inputs_section(run)}{stages_section(stages)}"
            f"{rejects_section(rejects)}{legend()}{entities_section(statistics)}{top_names_section(statistics)}"
            f"{findings_section(statistics)}{gold_section(scores, gold_dir)}"
            f"{article_list(index_script, statistics.articles, pages)}</main>")
    return page("Run report", body)
