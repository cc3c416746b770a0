"""Ingest: every dump format, every encoding path, stable ids, duplicates and every
reject reason, on pages of the project's corpus."""
from __future__ import annotations

import os
from pathlib import Path

from conftest import write_jsonl, write_tar, write_zip

from pipeline.schema import ContentType, Duplicate, RawDocument, Reject, RejectReason
from pipeline.stages.ingest import ingest


def split(items):
    records = [i for i in items if isinstance(i, RawDocument)]
    rejects = [i for i in items if isinstance(i, Reject)]
    duplicates = [i for i in items if isinstance(i, Duplicate)]
    return records, rejects, duplicates


def test_txt_and_html_pages_in_nested_folders(tmp_path: Path, corpus_page: str, corpus_html: str):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "page.txt").write_text(corpus_page, encoding="utf-8")
    (tmp_path / "a" / "b" / "page.html").write_text(corpus_html, encoding="utf-8")
    (tmp_path / "a" / "b" / "other.htm").write_text(corpus_html.replace("<body", "<body data-x='1'", 1), encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(corpus_page, encoding="utf-8")
    records, rejects, _ = split(list(ingest([tmp_path])))
    assert not rejects
    # sorted, top-down walk; the hidden file is not an input
    assert [Path(r.source.path).relative_to(tmp_path).as_posix() for r in records] == [
        "a/page.txt", "a/b/other.htm", "a/b/page.html"]
    kinds = {Path(r.source.path).suffix: r.content_type for r in records}
    assert kinds == {".txt": ContentType.TEXT, ".html": ContentType.HTML, ".htm": ContentType.HTML}


def test_jsonl_dump_with_ids_urls_titles_and_html(tmp_path: Path, corpus_page: str, corpus_html: str):
    dump = write_jsonl(tmp_path / "feed.jsonl", [
        {"id": "a-1", "url": "https://news.example.org/a/1", "title": "A title", "text": corpus_page},
        {"html": corpus_html},
    ])
    records, rejects, _ = split(list(ingest([dump])))
    assert not rejects and len(records) == 2
    first, second = records
    assert (first.source.id, first.source.url, first.title) == ("a-1", "https://news.example.org/a/1", "A title")
    assert first.content_type is ContentType.TEXT and second.content_type is ContentType.HTML
    assert second.source.id == "feed#2"


def test_zip_and_tar_archives(tmp_path: Path, corpus_page: str, corpus_html: str):
    members = {"pages/one.txt": corpus_page.encode(), "pages/two.html": corpus_html.encode(),
               "pages/feed.jsonl": (b'{"id": "j1", "text": ' + __import__("json").dumps(corpus_page + " x").encode() + b"}\n")}
    zipped = write_zip(tmp_path / "batch.zip", members)
    tarred = write_tar(tmp_path / "batch.tar.gz", members)
    records, rejects, duplicates = split(list(ingest([zipped, tarred])))
    assert not rejects
    assert {r.source.id for r in records} == {"one", "two", "j1"}
    assert {r.source.path for r in records} == {f"{zipped}!pages/one.txt", f"{zipped}!pages/two.html",
                                                f"{zipped}!pages/feed.jsonl"}
    # the tar holds the same pages: each is recognised as a duplicate of the zip's
    assert len(duplicates) == 3 and all(d.duplicate_of.path.startswith(str(zipped)) for d in duplicates)


def test_encodings_bom_gb18030_utf16_and_fallback(tmp_path: Path, corpus_page: str):
    body = corpus_page + "\n中文来源：医脉通"
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    (tmp_path / "gbk.txt").write_bytes((body + " gbk").encode("gb18030"))
    (tmp_path / "utf16.txt").write_bytes((body + " utf16").encode("utf-16"))
    western = corpus_page.encode("ascii", "ignore").decode("ascii") + " naïve café"
    (tmp_path / "western.txt").write_bytes(western.encode("cp1252"))
    records, rejects, _ = split(list(ingest([tmp_path])))
    assert not rejects
    by_id = {r.source.id: r for r in records}
    assert by_id["bom"].encoding == "utf-8-sig" and not by_id["bom"].content.startswith("\ufeff")
    assert by_id["gbk"].encoding == "gb18030" and "医脉通" in by_id["gbk"].content
    assert by_id["utf16"].encoding == "utf-16" and "医脉通" in by_id["utf16"].content
    assert by_id["western"].encoding == "cp1252" and "café" in by_id["western"].content
    assert by_id["western"].warnings and not by_id["gbk"].warnings


def test_doc_id_is_stable_and_duplicates_are_counted(tmp_path: Path, corpus_page: str):
    (tmp_path / "x.txt").write_text(corpus_page, encoding="utf-8")
    (tmp_path / "y.txt").write_text(corpus_page + "\n", encoding="utf-8")
    first = split(list(ingest([tmp_path])))
    second = split(list(ingest([tmp_path])))
    assert [r.doc_id for r in first[0]] == [r.doc_id for r in second[0]]
    assert len(first[0]) == 1 and len(first[2]) == 1
    assert first[2][0].duplicate_of.id == "x" and first[2][0].source.id == "y"


def test_every_reject_reason(tmp_path: Path, corpus_page: str):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.html").write_bytes(b"  \n\t ")
    (tmp_path / "random.html").write_bytes(os.urandom(4096) + b"\x00")
    (tmp_path / "undecodable.txt").write_bytes(bytes([0x80, 0xFF, 0x81, 0xFE, 0x9D, 0x8F, 0x90]) * 30)
    (tmp_path / "big.txt").write_text(corpus_page * 50, encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    write_jsonl(tmp_path / "dump.jsonl", ['{"id": "broken", "text": "unterminated', {"id": "no-content", "url": "u"},
                                          {"id": "empty-text", "text": "   "}, "[1, 2]"])
    (tmp_path / "corrupt.zip").write_bytes(b"PK\x03\x04 this is not a zip archive")
    (tmp_path / "corrupt.tar.gz").write_bytes(b"\x1f\x8b\x08\x00 broken gzip")
    items = list(ingest([tmp_path, tmp_path / "missing.txt"], max_page_bytes=len(corpus_page.encode()) * 10))
    records, rejects, _ = split(items)
    assert records == []
    reasons = {(r.source.id, r.reason) for r in rejects}
    assert ("empty", RejectReason.EMPTY) in reasons
    assert ("blank", RejectReason.EMPTY) in reasons
    assert ("random", RejectReason.BINARY) in reasons
    assert ("undecodable", RejectReason.UNDECODABLE) in reasons
    assert ("big", RejectReason.OVERSIZED) in reasons
    assert ("notes", RejectReason.UNSUPPORTED_TYPE) in reasons
    assert ("dump#1", RejectReason.MALFORMED_JSON) in reasons
    assert ("no-content", RejectReason.MISSING_CONTENT) in reasons
    assert ("empty-text", RejectReason.EMPTY) in reasons
    assert ("dump#4", RejectReason.MALFORMED_JSON) in reasons
    assert ("corrupt", RejectReason.CORRUPT_ARCHIVE) in {(r.source.id, r.reason) for r in rejects if "zip" in r.source.path}
    assert any(r.reason is RejectReason.CORRUPT_ARCHIVE and r.source.path.endswith(".tar.gz") for r in rejects)
    assert ("missing", RejectReason.UNREADABLE) in reasons
    assert all(r.stage == "ingest" and r.detail for r in rejects)


def test_oversized_archive_member_is_rejected_alone(tmp_path: Path, corpus_page: str):
    archive = write_zip(tmp_path / "a.zip", {"small.txt": corpus_page.encode(), "huge.txt": corpus_page.encode() * 20,
                                             "image.png": b"\x89PNG"})
    records, rejects, _ = split(list(ingest([archive], max_page_bytes=len(corpus_page.encode()) * 2)))
    assert [r.source.id for r in records] == ["small"]
    assert {(r.source.id, r.reason) for r in rejects} == {("huge", RejectReason.OVERSIZED),
                                                          ("image", RejectReason.UNSUPPORTED_TYPE)}


def test_truncated_tar_keeps_what_was_read(tmp_path: Path, corpus_page: str):
    full = write_tar(tmp_path / "full.tar.gz", {"one.txt": corpus_page.encode(), "two.txt": (corpus_page + " 2").encode() * 30})
    data = full.read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    records, rejects, _ = split(list(ingest([cut])))
    assert len(rejects) == 1 and rejects[0].reason is RejectReason.CORRUPT_ARCHIVE
    assert len(records) <= 1
