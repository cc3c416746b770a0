"""Parquet (pyarrow): the relational tables as a dataset partitioned by run::

    OUT/parquet/<table>/run=<run id>/part-0.parquet

readable by DuckDB (``read_parquet('OUT/parquet/findings/*/*.parquet', hive_partitioning=true)``)
and pandas (``pandas.read_parquet('OUT/parquet/findings')``). The run id of a converted
output is the first 16 hex digits of its ``articles.jsonl`` hash, so converting the same
output again rewrites the same partition. JSON columns (lists) are stored as JSON text,
as in SQLite.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

import pyarrow as pa
import pyarrow.parquet as pq

from .base import Writer, new_run_id, utc_now
from .tables import TABLES, Table, article_rows, records_of, run_row

ARROW_TYPES = {"key": pa.string(), "text": pa.string(), "int": pa.int64(), "real": pa.float64(), "bool": pa.bool_(),
               "date": pa.string(), "json": pa.string()}


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type], nullable=c.nullable) for c in table.columns])


class ParquetWriter(Writer):
    """Collects every table's rows and writes one file per table for the run."""

    name = "parquet"

    def __init__(self, folder: Path, run_id: Optional[str] = None, output: str = "",
                 records_sha256: Optional[str] = None) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.run_id = run_id or new_run_id()
        self.output = output
        self.records_sha256 = records_sha256
        self.started_at = utc_now()
        self.rows: dict[str, list[tuple]] = {t.name: [] for t in TABLES}
        self._seen: dict[str, set] = {"sources": set(), "concepts": set()}

    def write(self, records: Iterable[Any]) -> None:
        for record in records_of(records):
            self.stats.read += 1
            rows = article_rows(record, self.run_id)
            for name, table_rows in rows.tables.items():
                if name in self._seen:
                    table_rows = [r for r in table_rows if r[0] not in self._seen[name]]
                    self._seen[name].update(r[0] for r in table_rows)
                self.rows[name].extend(table_rows)
            self.stats.written += 1

    def close(self) -> None:
        self.rows["runs"] = [run_row(self.run_id, self.output, self.records_sha256, self.name, self.started_at,
                                     utc_now(), self.stats.read, self.stats.written, 0, 0)]
        for table in TABLES:
            folder = self.folder / table.name / f"run={self.run_id}"
            folder.mkdir(parents=True, exist_ok=True)
            columns = list(zip(*self.rows[table.name])) or [[] for _ in table.columns]
            schema = arrow_schema(table)
            data = pa.Table.from_arrays([pa.array(list(values), type=schema.field(i).type)
                                         for i, values in enumerate(columns)], schema=schema)
            temporary = folder / ".part-0.parquet.tmp"
            pq.write_table(data, temporary)
            temporary.replace(folder / "part-0.parquet")


__all__ = ["ParquetWriter", "arrow_schema"]
