"""The review report: a static HTML folder (``OUT/report/``) a curator opens in a
browser, built from a run's outputs alone.

It reads ``articles.jsonl``, ``run.json``, ``rejects.jsonl``, ``duplicates.jsonl`` and
``work/*.stats.json`` (and ``work/extracted.jsonl`` for the boilerplate a page lost), never
a stage: nothing here imports ``pipeline.stages``, ``pipeline.nlp`` or
``pipeline.components``, so a report can be built where spaCy's pipeline cannot run.

- ``dashboard``: the run's figures and charts (``index.html``);
- ``article``: one page per article, entities highlighted, relations, findings;
- ``search_index``: the compact index the article search reads (``index.js``);
- ``highlight``: overlapping spans of a text as nested HTML elements;
- ``svg``: bar charts and histograms as inline SVG;
- ``gold``: per-article differences from gold files and the run's scores;
- ``templates``: the page shell, stylesheet and script;
- ``build``: reads the run once and writes the folder.
"""
from .build import ReportSummary, build_report

__all__ = ["ReportSummary", "build_report"]
