"""Dump readers: turn the paths a user gives into a stream of pages.

Each reader takes one file and yields ``Page`` items (the bytes or text of one page and
where it came from) or ``Reject`` items for what cannot be a page. Folders are walked
recursively in sorted order so that a run is reproducible; hidden entries (".git",
".DS_Store") are not inputs.
"""
from __future__ import annotations

import io
import json
import os
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator, Optional, Union

from .schema import ContentType, Reject, RejectReason, Source

STAGE = "ingest"
PAGE_SUFFIXES = {".txt": ContentType.TEXT, ".html": ContentType.HTML, ".htm": ContentType.HTML}
DUMP_SUFFIXES = {".jsonl"}
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
#: default bound on one page's size; larger inputs are rejected, not read
MAX_PAGE_BYTES = 5 * 1024 * 1024


@dataclass
class Page:
    """One page before decoding: ``data`` is bytes from a file, or text from a JSON dump."""

    source: Source
    data: Union[bytes, str]
    content_type: Optional[ContentType] = None
    title: Optional[str] = None
    warnings: list[str] = field(default_factory=list)


Item = Union[Page, Reject]


def suffix_of(name: str) -> str:
    lower = name.lower()
    for suffix in ARCHIVE_SUFFIXES:
        if lower.endswith(suffix):
            return suffix
    return PurePosixPath(lower).suffix


def walk(inputs: Iterable[Union[str, Path]]) -> Iterator[Union[Path, Reject]]:
    """Expand files and folders (recursively, sorted) into file paths."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        elif path.is_file():
            yield path
        else:
            yield Reject(source=Source(path=str(path), id=path.stem), stage=STAGE,
                         reason=RejectReason.UNREADABLE, detail="no such file or folder")


def read_inputs(inputs: Iterable[Union[str, Path]], max_bytes: int = MAX_PAGE_BYTES) -> Iterator[Item]:
    for item in walk(inputs):
        if isinstance(item, Reject):
            yield item
        else:
            yield from read_file(item, max_bytes)


def read_file(path: Path, max_bytes: int = MAX_PAGE_BYTES) -> Iterator[Item]:
    suffix = suffix_of(path.name)
    source = Source(path=str(path), id=path.stem)
    if suffix in PAGE_SUFFIXES:
        yield _read_page_file(path, source, PAGE_SUFFIXES[suffix], max_bytes)
    elif suffix in DUMP_SUFFIXES:
        yield from _guarded(source, "jsonl", lambda: read_jsonl_stream(path, _open_binary(path), str(path), max_bytes))
    elif suffix == ".zip":
        yield from _guarded(source, "archive", lambda: read_zip(path, max_bytes))
    elif suffix in (".tar.gz", ".tgz", ".tar"):
        yield from _guarded(source, "archive", lambda: read_tar(path, max_bytes))
    else:
        yield _reject(source, RejectReason.UNSUPPORTED_TYPE,
                      f"'{suffix or path.name}' is not a page dump (.txt, .html, .htm, .jsonl, .zip, .tar.gz)")


def _open_binary(path: Path) -> io.BufferedReader:
    return open(path, "rb")


def _read_page_file(path: Path, source: Source, content_type: ContentType, max_bytes: int) -> Item:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _reject(source, RejectReason.OVERSIZED, f"{size} bytes, limit {max_bytes}")
        return Page(source=source, data=path.read_bytes(), content_type=content_type)
    except OSError as err:
        return _reject(source, RejectReason.UNREADABLE, str(err))


def read_jsonl_stream(path: Path, handle: io.BufferedIOBase, shown: str, max_bytes: int) -> Iterator[Item]:
    """A JSON-lines dump: one object a line with ``text`` or ``html`` and optional ``id``,
    ``url``, ``title``. Each line is one input; a broken line is rejected alone."""
    stem = PurePosixPath(shown.split("!")[-1]).stem
    with handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            source = Source(path=shown, id=f"{stem}#{number}")
            if len(raw) > max_bytes:
                yield _reject(source, RejectReason.OVERSIZED, f"line {number}: {len(raw)} bytes, limit {max_bytes}")
                continue
            yield _jsonl_line(raw, number, source)


def _jsonl_line(raw: bytes, number: int, source: Source) -> Item:
    try:
        obj = json.loads(raw.decode("utf-8-sig") if number == 1 else raw.decode("utf-8"))
    except UnicodeDecodeError:
        try:
            obj = json.loads(raw.decode("gb18030"))
        except (UnicodeDecodeError, ValueError) as err:
            return _reject(source, RejectReason.UNDECODABLE, f"line {number}: {err}")
    except ValueError as err:
        return _reject(source, RejectReason.MALFORMED_JSON, f"line {number}: {err}")
    if not isinstance(obj, dict):
        return _reject(source, RejectReason.MALFORMED_JSON, f"line {number}: not a JSON object")
    if obj.get("id") not in (None, ""):
        source = Source(path=source.path, id=str(obj["id"]), url=None)
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    source = Source(path=source.path, id=source.id, url=url)
    title = obj.get("title") if isinstance(obj.get("title"), str) else None
    for key, content_type in (("html", ContentType.HTML), ("text", ContentType.TEXT)):
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return Page(source=source, data=value, content_type=content_type, title=title)
    present = [k for k in ("html", "text") if k in obj]
    if present:
        return _reject(source, RejectReason.EMPTY, f"line {number}: '{present[0]}' is empty")
    return _reject(source, RejectReason.MISSING_CONTENT, f"line {number}: object has no 'text' or 'html'")


def read_zip(path: Path, max_bytes: int) -> Iterator[Item]:
    with zipfile.ZipFile(path) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or _hidden(info.filename):
                continue
            yield from _member(path, info.filename, info.file_size, max_bytes,
                               lambda info=info: archive.open(info))


def read_tar(path: Path, max_bytes: int) -> Iterator[Item]:
    with tarfile.open(path, mode="r:*") as archive:
        for member in archive:  # streaming: a tar is read front to back
            if not member.isfile() or _hidden(member.name):
                continue
            yield from _member(path, member.name, member.size, max_bytes,
                               lambda member=member: archive.extractfile(member))


def _member(archive_path: Path, name: str, size: int, max_bytes: int,
            opener: Callable[[], Optional[io.BufferedIOBase]]) -> Iterator[Item]:
    shown = f"{archive_path}!{name}"
    source = Source(path=shown, id=PurePosixPath(name).stem)
    suffix = suffix_of(name)
    if suffix in PAGE_SUFFIXES:
        if size > max_bytes:
            yield _reject(source, RejectReason.OVERSIZED, f"{size} bytes, limit {max_bytes}")
            return
        handle = opener()
        data = handle.read(max_bytes + 1) if handle is not None else b""
        yield Page(source=source, data=data, content_type=PAGE_SUFFIXES[suffix])
    elif suffix in DUMP_SUFFIXES:
        handle = opener()
        if handle is not None:
            yield from read_jsonl_stream(Path(name), handle, shown, max_bytes)
    else:
        yield _reject(source, RejectReason.UNSUPPORTED_TYPE,
                      f"archive member '{suffix or name}' is not a page (.txt, .html, .htm, .jsonl)")


def _guarded(source: Source, kind: str, make: Callable[[], Iterator[Item]]) -> Iterator[Item]:
    """Run a container reader; if the container breaks part-way, what was read stands
    and the break becomes one reject for the container."""
    reason = RejectReason.CORRUPT_ARCHIVE if kind == "archive" else RejectReason.UNREADABLE
    try:
        yield from make()
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, ValueError) as err:
        yield _reject(source, reason, f"{type(err).__name__}: {err}")
    except OSError as err:
        yield _reject(source, reason if kind == "archive" else RejectReason.UNREADABLE, f"{type(err).__name__}: {err}")


def _hidden(name: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(name).parts)


def _reject(source: Source, reason: RejectReason, detail: str) -> Reject:
    return Reject(source=source, stage=STAGE, reason=reason, detail=detail)
