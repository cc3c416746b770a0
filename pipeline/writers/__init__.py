"""Writers of article records, one module each, behind one interface (``base.Writer``):

| writer | module | output |
|---|---|---|
| ``SqliteWriter`` | ``sqlite`` | an SQLite file: ``OUT/articles.sqlite`` or ``load --db sqlite:///path`` |
| ``PostgresWriter`` | ``postgres`` | a PostgreSQL database: ``load --db postgresql://…`` |
| ``ParquetWriter`` | ``parquet`` | ``OUT/parquet/<table>/run=<id>/part-0.parquet`` |
| ``BiocXmlWriter``, ``BiocJsonWriter`` | ``bioc`` | ``OUT/articles.bioc.xml``, ``OUT/articles.bioc.json`` |
| ``PubtatorWriter`` | ``pubtator`` | ``OUT/articles.pubtator`` |

The relational tables are defined once in ``tables`` (rows of a record: ``article_rows``);
``copy_text`` writes the same rows as PostgreSQL COPY text for the PostgreSQL loader;
``docs/database.md`` documents them.
"""
from .base import Writer, WriteStats

__all__ = ["Writer", "WriteStats"]
