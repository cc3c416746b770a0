"""Command line: one sub-command per stage, ``run`` for all of them, ``schema`` and
``eval``. Sub-commands only wire stages to files (see ``pipeline.runner``).

A command that cannot start or fails says so in one line on stderr and exits non-zero
(statuses in ``pipeline.errors``); ``--verbose`` (before the command) adds the traceback.
Commands that write into ``--out`` hold its lock (``pipeline.outputs.claim``)."""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import List, NoReturn, Optional

import typer

from . import outputs
from .errors import EXIT_FAILED, EXIT_NOT_RECONCILED, Refused
from .executors import Engine, Executor, configure_output, default_workers, is_quiet, open_executor
from .isolation import PAGE_SECONDS
from .schema import RunReport, StageStats, article_json_schema

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Turn dumps of biomedical news pages into normalized article records.")
OUT_OPTION = typer.Option(Path("out"), "--out", "-o", help="output folder")
PAGE_SECONDS_OPTION = typer.Option(PAGE_SECONDS, "--page-seconds", min=0,
                                   help="time budget of one page in one stage; over it the page is rejected "
                                        "as 'timeout' (0: no budget)")
WORKERS_OPTION = typer.Option(None, "--workers", "-w", min=1, show_default=False,
                              help=f"worker processes (default: the CPU count, {default_workers()}); "
                                   "1 runs everything in this process")
ENGINE_OPTION = typer.Option(Engine.LOCAL, "--engine", case_sensitive=False,
                             help="local: worker processes of this machine; dask: a dask.distributed cluster")
SCHEDULER_OPTION = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                help="a running Dask scheduler (tcp://host:8786) to use instead of a local cluster; "
                                     "implies --engine dask")
_options = {"verbose": False}


def _runner():
    """``pipeline.runner``, imported when a command runs stages: a refusal answers at once."""
    from . import runner
    return runner


def _print_version(value: bool) -> None:
    if value:
        from . import __version__
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _global_options(quiet: bool = typer.Option(False, "--quiet", "-q", help="errors only: no progress, no summaries"),
                    verbose: bool = typer.Option(False, "--verbose", "-v",
                                                 help="debug detail; on a failure, print the traceback too"),
                    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                                 help="print the pipeline's version and exit")) -> None:
    """Turn dumps of biomedical news pages into normalized article records."""
    _options["verbose"] = verbose
    configure_output(quiet=quiet, verbose=verbose)


def _executor(workers: Optional[int], engine: Engine, scheduler: Optional[str]) -> Executor:
    return open_executor(workers, engine, scheduler)


def _say_stage(stats: StageStats) -> None:
    if is_quiet():
        return
    typer.echo(f"{stats.stage:10} read {stats.read:7d}  written {stats.written:7d}  rejected {stats.rejected:5d}"
               f"  duplicates {stats.duplicates:5d}  {stats.seconds:8.2f}s", err=True)


def _say_report(report: RunReport, out: Path) -> None:
    if not is_quiet():
        for stats in report.stages:
            _say_stage(stats)
        state = "reconciled" if report.reconciled else "NOT RECONCILED"
        typer.echo(f"inputs {report.inputs_read} = articles {report.articles_written} + rejects {report.rejects} "
                   f"+ duplicates {report.duplicates}: {state}", err=True)
        written = ", ".join(str(out / name) for name in (*outputs.OUTPUTS, outputs.REPORT))
        typer.echo(f"wrote {written}", err=True)
    if not report.reconciled:
        typer.echo("error: the run's counts do not reconcile (see run.json)", err=True)
        raise typer.Exit(EXIT_NOT_RECONCILED)


def _existing_output(out: Path) -> None:
    """A stage after ingest works in a folder an earlier stage wrote."""
    outputs.check_output_folder(out)
    if not out.is_dir():
        raise Refused(f"--out {out} does not exist: run 'ingest' (or 'run') into it first")


# near-duplicate pages (clean stage): keep every copy as a record, or collapse copies into duplicates
NEAR_DUPLICATES_OPTION = typer.Option("keep", "--near-duplicates",
                                      help="keep: every near-duplicate copy becomes a record; collapse: copies are "
                                           "reported in duplicates.jsonl and not processed further")


def _near_duplicates(value: str) -> str:
    if value not in ("keep", "collapse"):
        raise typer.BadParameter("use 'keep' or 'collapse'", param_hint="--near-duplicates")
    return value


@app.command()
def run(inputs: List[Path] = typer.Argument(..., help="files and folders: .txt .html .htm .jsonl .zip .tar.gz"),
        out: Path = OUT_OPTION, page_seconds: float = PAGE_SECONDS_OPTION,
        near_duplicates: str = NEAR_DUPLICATES_OPTION, workers: Optional[int] = WORKERS_OPTION,
        engine: Engine = ENGINE_OPTION, scheduler: Optional[str] = SCHEDULER_OPTION) -> None:
    """All stages, end to end."""
    outputs.check_output_folder(out)
    outputs.check_inputs(inputs, out)
    clean_options = {"near_duplicates": _near_duplicates(near_duplicates)}
    with outputs.claim(out), _executor(workers, engine, scheduler) as executor:
        report = _runner().run_all(inputs, out, page_seconds or None, clean_options=clean_options, executor=executor)
    _say_report(report, out)


@app.command()
def ingest(inputs: List[Path] = typer.Argument(..., help="files and folders: .txt .html .htm .jsonl .zip .tar.gz"),
           out: Path = OUT_OPTION, workers: Optional[int] = WORKERS_OPTION, engine: Engine = ENGINE_OPTION,
           scheduler: Optional[str] = SCHEDULER_OPTION) -> None:
    """Read dumps into OUT/work/ingested.jsonl (in this process: reading and de-duplication are sequential)."""
    outputs.check_output_folder(out)
    outputs.check_inputs(inputs, out)
    with outputs.claim(out):
        _say_stage(_runner().run_ingest(inputs, out))


def _stage_command(name: str, summary: str) -> None:
    def command(out: Path = OUT_OPTION, page_seconds: float = PAGE_SECONDS_OPTION,
                workers: Optional[int] = WORKERS_OPTION, engine: Engine = ENGINE_OPTION,
                scheduler: Optional[str] = SCHEDULER_OPTION) -> None:
        _existing_output(out)
        with outputs.claim(out), _executor(workers, engine, scheduler) as executor:
            _say_stage(_runner().run_stage(name, out, page_seconds or None, executor))
    command.__doc__ = summary
    app.command(name=name)(command)


@app.command(name="clean")
def clean(out: Path = OUT_OPTION, page_seconds: float = PAGE_SECONDS_OPTION,
          near_duplicates: str = NEAR_DUPLICATES_OPTION, workers: Optional[int] = WORKERS_OPTION,
          engine: Engine = ENGINE_OPTION, scheduler: Optional[str] = SCHEDULER_OPTION) -> None:
    """Strip boilerplate, repair text, read metadata and citations: OUT/work/cleaned.jsonl."""
    _existing_output(out)
    near_duplicates = _near_duplicates(near_duplicates)
    with outputs.claim(out), _executor(workers, engine, scheduler) as executor:
        _say_stage(_runner().run_stage("clean", out, page_seconds or None, executor,
                                       near_duplicates=near_duplicates))


_stage_command("ner", "Find entities: OUT/work/entities.jsonl.")
_stage_command("relations", "Relate therapies to the other entities: OUT/work/relations.jsonl.")
_stage_command("normalize", "Canonical names, ontology ids and findings: OUT/work/normalized.jsonl.")


@app.command()
def export(out: Path = OUT_OPTION) -> None:
    """Write OUT/articles.jsonl, articles.sqlite, rejects.jsonl, duplicates.jsonl and run.json, together."""
    _existing_output(out)
    with outputs.claim(out):
        report = _runner().run_export(out)
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
    if not records.is_file():
        raise Refused(f"records not found: {records}")
    if not gold_dir.is_dir() or not any(gold_dir.glob("*.json")):
        raise Refused(f"gold folder not found or without gold *.json files: {gold_dir}")
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
    from .knowledge.build import KB_FILE, build, missing_sources
    missing = missing_sources(data)
    if missing:
        raise Refused(f"kb build needs the source data in {data}; missing: {', '.join(missing)} "
                      "(models/kb left as it is)")
    summary = build(data, out or KB_FILE)
    typer.echo(json.dumps(summary, indent=2))


train = typer.Typer(add_completion=False, no_args_is_help=True, help="Trained models in models/ner/.")
app.add_typer(train, name="train")


@train.command("ner")
def train_ner_command(corpus: str = typer.Option(..., "--corpus", help="bc5cdr, ncbi-disease, jnlpba or bionlp13cg"),
                      data: Path = typer.Option(Path("../shared/data"), "--data", help="folder of the public corpora"),
                      max_minutes: float = typer.Option(50, "--max-minutes", min=0,
                                                        help="time budget of the updates (0: none)"),
                      work: Path = typer.Option(None, "--work", help="folder for converted data and checkpoints "
                                                                      "(default out/train/<corpus>)"),
                      out: Path = typer.Option(None, "--out", help="model folder (default models/ner/<corpus>)"),
                      max_steps: Optional[int] = typer.Option(None, "--max-steps", min=1,
                                                              help="stop after this many updates"),
                      settings: List[str] = typer.Option([], "--set", metavar="SECTION.KEY=VALUE",
                                                         help="override a setting of the training config "
                                                              "(value in the config's syntax), repeatable")) -> None:
    """Train one NER model on a public corpus's training split, stopping on its development split."""
    from .training.corpora import CORPORA
    from .training.train import train_ner
    if corpus not in CORPORA:
        raise Refused(f"unknown corpus {corpus!r}; one of: {', '.join(CORPORA)}")
    missing = [p for p in (data / CORPORA[corpus].train, data / CORPORA[corpus].dev) if not p.exists()]
    if missing:
        raise Refused(f"training data not found: {', '.join(map(str, missing))}")
    overrides = {"training.max_steps": max_steps} if max_steps else {}
    for setting in settings:
        key, equals, value = setting.partition("=")
        if not equals:
            raise Refused(f"--set takes SECTION.KEY=VALUE, not {setting!r}")
        overrides[key.strip()] = _config_value(value.strip())
    model = train_ner(corpus, data, work or Path("out/train") / corpus, out, max_minutes, overrides)
    typer.echo(f"model written to {model}")


def _config_value(text: str):
    """A value written as in a spaCy config: JSON (numbers, true, "text", [lists]) or bare text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


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


@bench.command("ner-public")
def bench_ner_public(data: Path = DATA_OPTION,
                     split: str = typer.Option("test", "--split", help="test, or dev for choosing settings"),
                     corpus: List[str] = typer.Option([], "--corpus", help="only this corpus (repeatable)"),
                     models_dir: Optional[Path] = typer.Option(None, "--models-dir", help="default models/ner"),
                     json_out: Optional[Path] = typer.Option(None, "--json", help="also write the figures here")) -> None:
    """Trained models and the ner stage on the public NER test sets, beside published figures."""
    from .benchmarks.ner_public import run as run_ner_public
    if split not in ("test", "dev"):
        raise Refused(f"--split is test or dev, not {split!r}")
    run_ner_public(data, split, models_dir, corpus or None, json_out)


@bench.command("executors")
def bench_executors(pages: int = typer.Option(2000, "--pages", help="distinct pages in the generated dump"),
                    workers: int = typer.Option(default_workers(), "--workers", help="workers of the parallel modes"),
                    work: Path = typer.Option(Path("out/bench-executors"), "--work", help="scratch folder")) -> None:
    """Pages per second of one process, N worker processes and a local Dask cluster, same dump, same session."""
    from .benchmarks.executors import run as run_executors
    work.mkdir(parents=True, exist_ok=True)
    run_executors(Path(__file__).resolve().parent.parent / "corpus" / "dump", pages, workers, work)


@bench.command("cid")
def bench_cid(data: Path = DATA_OPTION,
              split: str = typer.Option("test", "--split", help="train, dev or test (test is for evaluation only)"),
              work: Path = typer.Option(Path("out/bench-cid"), "--work", help="scratch folder"),
              report_json: Path = typer.Option(None, "--json", help="write the figures here")) -> None:
    """BC5CDR chemical-induced disease pairs from CAUSES_ADVERSE_EVENT (own MeSH ids), beside
    the co-occurrence baseline from the same records."""
    from .benchmarks.cid import SPLITS, run as run_cid
    if split not in SPLITS:
        raise typer.BadParameter(f"--split must be one of {', '.join(SPLITS)}")
    summary = run_cid(data, split, work)
    if report_json:
        report_json.write_text(json.dumps(summary, indent=2), encoding="utf-8")


@bench.command("clean-memory")
def bench_clean_memory(pages: List[int] = typer.Option([1000, 10000], "--pages", help="dump sizes"),
                       work: Path = typer.Option(Path("out/bench"), "--work", help="scratch folder")) -> None:
    """Peak memory and speed of ingest and clean on generated dumps of several sizes."""
    from .benchmarks.scale import run as run_scale
    work.mkdir(parents=True, exist_ok=True)
    run_scale(Path(__file__).resolve().parent.parent / "corpus" / "dump", pages, work)


# ---------------------------------------------------------------------------------------
# Feeding databases and other formats (pipeline.loading, pipeline.writers)
# ---------------------------------------------------------------------------------------

@app.command()
def load(out: Path = typer.Argument(..., help="a pipeline output folder (holding articles.jsonl)"),
         db: str = typer.Option(..., "--db", help="postgresql://user@host:port/database or sqlite:///path"),
         batch: int = typer.Option(500, "--batch", help="articles per transaction")) -> None:
    """Load OUT/articles.jsonl into PostgreSQL or SQLite (upsert by article key); rejects
    go to OUT/load.rejects.jsonl."""
    from .loading import load as load_records
    if not (out / "articles.jsonl").exists():
        typer.echo(f"{out / 'articles.jsonl'} is missing: run the pipeline first", err=True)
        raise typer.Exit(2)
    stats = load_records(out, db, batch)
    typer.echo(f"load       read {stats.read:7d}  written {stats.written:7d}  unchanged {stats.unchanged:7d}"
               f"  rejected {len(stats.rejects):5d}", err=True)


@app.command()
def convert(out: Path = typer.Argument(..., help="a pipeline output folder (holding articles.jsonl)"),
            formats: List[str] = typer.Option(["parquet", "bioc-xml", "bioc-json", "pubtator"], "--format",
                                              help="parquet, bioc-xml, bioc-json, pubtator")) -> None:
    """Write OUT/parquet/<table>/run=<id>/, OUT/articles.bioc.xml, .bioc.json and .pubtator."""
    from .loading import convert as convert_records
    for name, stats in convert_records(out, formats).items():
        typer.echo(f"{name:10} read {stats.read:7d}  written {stats.written:7d}", err=True)


@bench.command("load")
def bench_load(articles: int = typer.Option(10_000, "--articles", help="generated articles"),
               db: str = typer.Option("postgresql://postgres@127.0.0.1:5432/postgres", "--db",
                                      help="PostgreSQL server; a scratch database is created and dropped"),
               work: Path = typer.Option(Path("out/bench-load"), "--work", help="scratch folder")) -> None:
    """Load N generated articles (corpus records under new keys) into PostgreSQL and SQLite."""
    from .benchmarks.load import run as run_load
    run_load(Path(__file__).resolve().parent.parent / "out" / "corpus" / "articles.jsonl", articles, db, work)


# --- review report: a static HTML folder built from a run's outputs -------------------


@app.command(name="report")
def report_command(out: Path = typer.Argument(Path("out/corpus"), help="a run's output folder (holding articles.jsonl)"),
                   gold: Path = typer.Option(None, "--gold", help="folder of gold *.json files: "
                                       "per-article differences and the run's scores"),
                   sample: int = typer.Option(10_000, "--sample", help="article pages for the first N records"),
                   jobs: int = typer.Option(0, "--jobs", help="processes writing pages (0: the cores, at most 4)")
                   ) -> None:
    """Write OUT/report/: run dashboard, a page per article, search; open OUT/report/index.html."""
    from .report import build_report
    try:
        summary = build_report(out, gold, sample, jobs or None)
    except FileNotFoundError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2)
    typer.echo(f"report: {summary.articles} articles, {summary.pages} pages, index.html {summary.index_bytes:,} B, "
               f"index.js {summary.search_index_bytes:,} B, {summary.seconds:.2f}s: {summary.index}", err=True)


@bench.command("report")
def bench_report(articles: int = typer.Option(10_000, "--articles", help="records to generate"),
                 source: Path = typer.Option(Path("out/corpus"), "--from", help="a run whose records are replicated"),
                 work: Path = typer.Option(Path("out/bench-report"), "--work", help="scratch folder")) -> None:
    """Report build time and index size over a run of N records replicated from a real run."""
    from .benchmarks.report_scale import run as run_report_scale
    if not run_report_scale(source, work, articles):
        raise typer.Exit(1)


@bench.command("reposts")
def bench_reposts(pages: int = typer.Option(3000, "--pages", help="reposted pages in the generated dump"),
                  work: Path = typer.Option(Path("out/bench-reposts"), "--work", help="scratch folder")) -> None:
    """A dump of reposts (corpus articles, sentences reordered, numbers changed) through the
    pipeline with each near-duplicate policy: no article may be lost."""
    from .benchmarks.reposts import run as run_reposts
    if not run_reposts(Path(__file__).resolve().parent.parent / "corpus" / "dump", pages, work):
        raise typer.Exit(1)


@bench.command("scale")
def bench_scale(pages: int = typer.Option(5000, "--pages", help="distinct pages in the generated dump"),
                work: Path = typer.Option(Path("out/bench-scale"), "--work", help="scratch folder"),
                report_json: Path = typer.Option(None, "--json", help="write the figures here")) -> None:
    """Pages and cleaned words per second of every stage, one worker, on a dump of distinct pages."""
    from .benchmarks.scale_dump import run as run_scale_dump
    root = Path(__file__).resolve().parent.parent
    summary = run_scale_dump(root / "corpus" / "dump", root / "corpus" / "gold", pages, work)
    if report_json:
        report_json.write_text(json.dumps(summary, indent=2), encoding="utf-8")


@bench.command("progress")
def bench_progress(pages: List[int] = typer.Option([5000, 20000], "--pages", help="dump sizes"),
                   workers: int = typer.Option(1, "--workers", help="workers of the runs"),
                   work: Path = typer.Option(Path("out/bench-progress"), "--work", help="scratch folder"),
                   report_json: Path = typer.Option(None, "--json", help="write the figures here")) -> None:
    """A long run with stderr not a terminal: the largest gap between its log lines and the
    peak memory of its processes, by stage, at each dump size."""
    from .benchmarks.progress import run as run_progress
    root = Path(__file__).resolve().parent.parent
    rows = run_progress(root / "corpus" / "dump", root / "corpus" / "gold", pages, workers, work)
    if report_json:
        report_json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


def main() -> None:
    """The command line, with failures as one line and an exit status (see
    ``pipeline.errors``); click's own usage errors exit 2 as they do."""
    try:
        app()
    except Refused as err:
        _fail(str(err), err.exit_code, err)
    except KeyboardInterrupt as err:
        _fail("interrupted", 130, err)
    except Exception as err:
        _fail(f"failed: {_what_failed(err)}; the previous outputs are left as they were", EXIT_FAILED, err)


def _what_failed(err: Exception) -> str:
    if isinstance(err, OSError) and err.strerror:
        return f"{err.strerror}" + (f": {err.filename}" if err.filename else "")
    return f"{type(err).__name__}: {err}".splitlines()[0]


def _fail(message: str, status: int, err: Optional[BaseException]) -> NoReturn:
    if _options["verbose"] and err is not None:
        traceback.print_exception(err)
    typer.echo(f"error: {message}", err=True)
    raise SystemExit(status)
