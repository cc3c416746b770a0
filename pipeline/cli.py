"""Command line: one sub-command per stage, ``run`` for all of them, ``schema`` and
``eval``. Sub-commands only wire stages to files (see ``pipeline.runner``)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import runner
from .executors import Engine, Executor, configure_output, default_workers, is_quiet, open_executor
from .schema import RunReport, StageStats, article_json_schema

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Turn dumps of biomedical news pages into normalized article records.")
OUT_OPTION = typer.Option(Path("out"), "--out", "-o", help="output folder")
WORKERS_OPTION = typer.Option(None, "--workers", "-w", min=1, show_default=False,
                              help=f"worker processes (default: the CPU count, {default_workers()}); "
                                   "1 runs everything in this process")
ENGINE_OPTION = typer.Option(Engine.LOCAL, "--engine", case_sensitive=False,
                             help="local: worker processes of this machine; dask: a dask.distributed cluster")
SCHEDULER_OPTION = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                help="a running Dask scheduler (tcp://host:8786) to use instead of a local cluster; "
                                     "implies --engine dask")


@app.callback()
def main_options(quiet: bool = typer.Option(False, "--quiet", "-q", help="errors only: no progress, no summaries"),
                 verbose: bool = typer.Option(False, "--verbose", "-v", help="debug detail and full tracebacks")
                 ) -> None:
    """Turn dumps of biomedical news pages into normalized article records."""
    configure_output(quiet=quiet, verbose=verbose)


def _executor(workers: Optional[int], engine: Engine, scheduler: Optional[str]) -> Executor:
    return open_executor(workers, engine, scheduler)


def _say_stage(stats: StageStats) -> None:
    if is_quiet():
        return
    typer.echo(f"{stats.stage:10} read {stats.read:7d}  written {stats.written:7d}  rejected {stats.rejected:5d}"
               f"  duplicates {stats.duplicates:5d}  {stats.seconds:8.2f}s", err=True)


def _say_report(report: RunReport, out: Path) -> None:
    if is_quiet():
        return
    for stats in report.stages:
        _say_stage(stats)
    state = "reconciled" if report.reconciled else "NOT RECONCILED"
    typer.echo(f"inputs {report.inputs_read} = articles {report.articles_written} + rejects {report.rejects} "
               f"+ duplicates {report.duplicates}: {state}", err=True)
    typer.echo(f"wrote {out / 'articles.jsonl'}, {out / 'articles.sqlite'}, {out / 'rejects.jsonl'}, {out / 'run.json'}",
               err=True)


@app.command()
def run(inputs: List[Path] = typer.Argument(..., help="files and folders: .txt .html .htm .jsonl .zip .tar.gz"),
        out: Path = OUT_OPTION, workers: Optional[int] = WORKERS_OPTION, engine: Engine = ENGINE_OPTION,
        scheduler: Optional[str] = SCHEDULER_OPTION) -> None:
    """All stages, end to end."""
    with _executor(workers, engine, scheduler) as executor:
        report = runner.run_all(inputs, out, executor)
    _say_report(report, out)


@app.command()
def ingest(inputs: List[Path] = typer.Argument(..., help="files and folders: .txt .html .htm .jsonl .zip .tar.gz"),
           out: Path = OUT_OPTION, workers: Optional[int] = WORKERS_OPTION, engine: Engine = ENGINE_OPTION,
           scheduler: Optional[str] = SCHEDULER_OPTION) -> None:
    """Read dumps into OUT/work/ingested.jsonl (in this process: reading and de-duplication are sequential)."""
    _say_stage(runner.run_ingest(inputs, out))


def _stage_command(name: str, summary: str) -> None:
    def command(out: Path = OUT_OPTION, workers: Optional[int] = WORKERS_OPTION, engine: Engine = ENGINE_OPTION,
                scheduler: Optional[str] = SCHEDULER_OPTION) -> None:
        try:
            with _executor(workers, engine, scheduler) as executor:
                _say_stage(runner.run_stage(name, out, executor))
        except FileNotFoundError as err:
            typer.echo(str(err), err=True)
            raise typer.Exit(2)
    command.__doc__ = summary
    app.command(name=name)(command)


_stage_command("clean", "Strip boilerplate, repair text, read metadata and citations: OUT/work/cleaned.jsonl.")
_stage_command("ner", "Find entities: OUT/work/entities.jsonl.")
_stage_command("relations", "Relate therapies to the other entities: OUT/work/relations.jsonl.")
_stage_command("normalize", "Canonical names, ontology ids and findings: OUT/work/normalized.jsonl.")


@app.command()
def export(out: Path = OUT_OPTION) -> None:
    """Write OUT/articles.jsonl, OUT/articles.sqlite, OUT/rejects.jsonl and OUT/run.json."""
    try:
        report = runner.run_export(out)
    except FileNotFoundError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2)
    _say_report(report, out)


@app.command()
def schema() -> None:
    """Print the JSON Schema of an articles.jsonl record."""
    sys.stdout.write(json.dumps(article_json_schema(), indent=2, sort_keys=True) + "\n")


@app.command(name="eval")
def evaluate(records: Path = typer.Argument(..., help="articles.jsonl"),
             gold_dir: Path = typer.Argument(..., help="folder of gold *.json files"),
             verbose: bool = typer.Option(False, "--verbose", help="list missed and extra concepts"),
             report_json: Path = typer.Option(None, "--json", help="write the full report here")) -> None:
    """Score records against gold files (entities, relations, findings, cleaning)."""
    from .evaluation import format_report, score_files
    report = score_files(records, gold_dir)
    typer.echo(format_report(report, verbose))
    if report_json:
        report_json.write_text(json.dumps(report, indent=2), encoding="utf-8")


kb = typer.Typer(add_completion=False, no_args_is_help=True, help="The compiled knowledge base in models/kb/.")
app.add_typer(kb, name="kb")


@kb.command("build")
def kb_build(data: Path = typer.Option(Path("../shared/data"), "--data", help="folder of the ontology extracts"),
             out: Path = typer.Option(None, "--out", help="artifact path (default models/kb/kb.msgpack.gz)")) -> None:
    """Compile vocabularies and ontologies into the knowledge base (deterministic)."""
    from .knowledge.build import KB_FILE, build
    summary = build(data if data.is_dir() else None, out or KB_FILE)
    typer.echo(json.dumps(summary, indent=2))


bench = typer.Typer(add_completion=False, no_args_is_help=True, help="Benchmarks; figures go in the README.")
app.add_typer(bench, name="bench")
DATA_OPTION = typer.Option(Path("../shared/data"), "--data", help="folder holding the public benchmark data sets")


@bench.command("clean")
def bench_clean(data: Path = DATA_OPTION,
                limit: int = typer.Option(0, help="only the first N pages of each set (0: all)")) -> None:
    """HTML extraction: the project against trafilatura, same pages, same run."""
    from .benchmarks.extraction import run as run_extraction
    run_extraction(data, limit or None)


@bench.command("ner")
def bench_ner(words: int = typer.Option(1_000_000, "--words", help="size of the generated dump")) -> None:
    """NER words per second on a generated dump, beside spaCy's tokenizer alone."""
    from .benchmarks.ner_speed import run as run_ner_speed
    run_ner_speed(Path(__file__).resolve().parent.parent / "corpus" / "dump", words)


@bench.command("clean-memory")
def bench_clean_memory(pages: List[int] = typer.Option([1000, 10000], "--pages", help="dump sizes"),
                       work: Path = typer.Option(Path("out/bench"), "--work", help="scratch folder")) -> None:
    """Peak memory and speed of ingest and clean on generated dumps of several sizes."""
    from .benchmarks.scale import run as run_scale
    work.mkdir(parents=True, exist_ok=True)
    run_scale(Path(__file__).resolve().parent.parent / "corpus" / "dump", pages, work)


def main() -> None:
    app()
