"""``make bench-load``: N generated articles — the corpus records repeated under new
doc ids and article keys — loaded into PostgreSQL (a scratch database, dropped after)
and into SQLite, in the same run; prints articles per second for each."""
from __future__ import annotations

import hashlib
import json
import secrets
import time
from pathlib import Path

import psycopg

from ..loading import load


def generate(corpus_records: Path, articles: int, out_dir: Path) -> Path:
    """``out_dir/articles.jsonl`` with ``articles`` records cycled from the corpus."""
    source = [json.loads(line) for line in corpus_records.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not source:
        raise SystemExit(f"{corpus_records} holds no record: run `make run` first")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "articles.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(articles):
            record = dict(source[number % len(source)])
            record["doc_id"] = f"bench-{number:07d}"
            record["article_key"] = hashlib.sha256(f"bench-{number}".encode()).hexdigest()
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _server_url(url: str, database: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + database


def run(corpus_records: Path, articles: int, server: str, work: Path) -> dict:
    records = generate(corpus_records, articles, work)
    print(f"generated {articles:,} articles ({records.stat().st_size / 1e6:.0f} MB) in {records}")
    name = f"pipeline_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    results = {}
    try:
        for label, url in (("PostgreSQL", _server_url(server, name)),
                           ("SQLite", f"sqlite:///{(work / 'bench.sqlite').resolve()}")):
            if label == "SQLite":
                (work / "bench.sqlite").unlink(missing_ok=True)
            started = time.perf_counter()
            stats = load(work, url)
            seconds = time.perf_counter() - started
            started = time.perf_counter()
            again = load(work, url)
            reload_seconds = time.perf_counter() - started
            results[label] = (stats.written, seconds, again.unchanged, reload_seconds)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        (work / "bench.sqlite").unlink(missing_ok=True)
    print("| database | articles | seconds | articles/s | reload (unchanged) s | reload articles/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, (written, seconds, unchanged, reload_seconds) in results.items():
        print(f"| {label} | {written:,} | {seconds:.2f} | {written / seconds:,.0f} | {reload_seconds:.2f} "
              f"| {unchanged / reload_seconds:,.0f} |")
    return results
