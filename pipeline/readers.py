"""Dump readers: turn the paths a user gives into a stream of pages.

Each reader takes one file and yields ``Page`` items (the bytes or text of one page and
where it came from) or ``Reject`` items for what cannot be a page. Folders are walked
recursively in sorted order so that a run is reproducible; hidden entries (".git",
".DS_Store") are not inputs.

One bad input is that input's reject, never the run's end, and nothing is held in memory
before its size is known to be within the limit:

* only regular files are opened (checked before opening: opening a FIFO blocks, and a
  device never ends); FIFOs, sockets and devices are rejected ``not_regular_file``;
* a symbolic link is read only when it points to a file inside the given inputs, once,
  under its own path and with a warning; a link pointing outside them, a broken or
  looping link and a link to a folder are rejected ``symlink`` (a folder inside the
  inputs is walked under its own path, so following links to it could only repeat
  pages or loop);
* pages and JSON lines are read with a byte cap (``MAX_PAGE_BYTES`` + 1), so a file that
  reports size 0, a member whose header lies and a 2 GiB line inside a small zip all end
  as ``oversized`` after reading at most the cap;
* each archive member is read or rejected on its own (``encrypted``,
  ``unsupported_compression``, ``corrupt_archive``);
* names that are not UTF-8 are shown with ``\\x`` escapes so that records can be written.
"""
from __future__ import annotations

import io
import json
import os
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable, Iterable, Iterator, Optional, Sequence, Union
from urllib.parse import urlsplit

from .encoding import MAX_INVALID_UTF8_SHARE, replace_lone_surrogates, utf8_census, utf8_replacing
from .schema import ContentType, Reject, RejectReason, Source

STAGE = "ingest"
PAGE_SUFFIXES = {".txt": ContentType.TEXT, ".html": ContentType.HTML, ".htm": ContentType.HTML}
DUMP_SUFFIXES = {".jsonl"}
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
#: default bound on one page's size; larger inputs are rejected, not read
MAX_PAGE_BYTES = 5 * 1024 * 1024
#: bytes read at a time from a JSON-lines stream; a line longer than the page limit is
#: skipped block by block, never joined
READ_BLOCK_BYTES = 256 * 1024
#: longest URL kept from a dump (the common limit of browsers and servers)
MAX_URL_CHARS = 2048
#: how many times larger than its compressed form an archive member may be before it is
#: taken for a decompression bomb (text and HTML compress some 3 to 20 times)
MAX_EXPANSION_RATIO = 100
NON_UTF8_NAME_WARNING = "path: the file name is not UTF-8; its bytes are shown as \\x escapes"


@dataclass
class Page:
    """One page before decoding: ``data`` is bytes from a file, or text from a JSON dump."""

    source: Source
    data: Union[bytes, str]
    content_type: Optional[ContentType] = None
    title: Optional[str] = None
    warnings: list[str] = field(default_factory=list)


Item = Union[Page, Reject]


@dataclass
class Input:
    """One file found by the walk: ``path`` is what is opened (a followed link's
    target), ``shown`` the path reported on records, ``name`` the name that decides the
    format (the link's own name)."""

    path: Path
    shown: str
    name: str
    warnings: list[str] = field(default_factory=list)


class NotRegularFile(OSError):
    """An input that is a FIFO, socket or device, found when it was opened."""


def suffix_of(name: str) -> str:
    lower = name.lower()
    for suffix in ARCHIVE_SUFFIXES:
        if lower.endswith(suffix):
            return suffix
    return PurePosixPath(lower).suffix


def printable(name: Union[str, Path]) -> str:
    """A name as text that can always be written as UTF-8: bytes that are not UTF-8
    (kept by Python as surrogate escapes in file and tar member names) become ``\\xNN``."""
    text = str(name)
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def walk(inputs: Iterable[Union[str, Path]]) -> Iterator[Union[Input, Reject]]:
    """Expand files and folders (recursively, sorted; a folder's files before its
    subfolders) into the files to read. A path given explicitly is followed even when it
    is a link: the user named it."""
    given = [Path(item) for item in inputs]
    roots = _roots(given)
    for path in given:
        shown = printable(path)
        try:
            status = path.stat()
        except OSError as err:
            detail = "no such file or folder" if isinstance(err, FileNotFoundError) else _os_error(err)
            yield _reject(Source(path=shown, id=printable(path.stem)), RejectReason.UNREADABLE, detail)
            continue
        if stat.S_ISDIR(status.st_mode):
            yield from _walk_folder(path, roots)
        elif stat.S_ISREG(status.st_mode):
            yield _input(Path(os.path.realpath(path)), path)
        else:
            yield _reject(Source(path=shown, id=printable(path.stem)), RejectReason.NOT_REGULAR_FILE,
                          f"a {_kind(status.st_mode)}, not a file")


def _roots(given: Sequence[Path]) -> list[Path]:
    """The real locations of the given inputs: links may point inside them, nowhere else."""
    roots = []
    for path in given:
        try:
            roots.append(Path(os.path.realpath(path, strict=True)))
        except OSError:
            continue
    return roots


def _walk_folder(folder: Path, roots: Sequence[Path]) -> Iterator[Union[Input, Reject]]:
    """Depth first with an explicit stack (a deep tree cannot exhaust recursion), entries
    classified by ``lstat`` so that nothing is opened before it is known to be a file."""
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as scan:
                entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as err:
            yield _reject(Source(path=printable(current), id=printable(current.name)), RejectReason.UNREADABLE,
                          f"folder cannot be listed: {_os_error(err)}")
            continue
        subfolders = []
        for entry in entries:
            path = current / entry.name
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as err:
                yield _reject(_file_source(path), RejectReason.UNREADABLE, _os_error(err))
                continue
            if stat.S_ISDIR(mode):
                subfolders.append(path)
            elif stat.S_ISLNK(mode):
                yield _through_link(path, roots)
            elif stat.S_ISREG(mode):
                yield _input(path, path)
            else:
                yield _reject(_file_source(path), RejectReason.NOT_REGULAR_FILE, f"a {_kind(mode)}, not a file")
        stack.extend(reversed(subfolders))


def _through_link(link: Path, roots: Sequence[Path]) -> Union[Input, Reject]:
    """A link found in a folder: its target file is read when it lies inside the inputs;
    anything else is reported, never opened."""
    source = _file_source(link)
    try:
        target = Path(os.path.realpath(link, strict=True))
        mode = os.stat(target).st_mode
    except OSError as err:
        return _reject(source, RejectReason.SYMLINK, f"broken or looping link: {_os_error(err)}")
    shown_target = printable(target)
    if not any(target == root or target.is_relative_to(root) for root in roots):
        return _reject(source, RejectReason.SYMLINK, f"link to {shown_target}, outside the inputs: not followed")
    if stat.S_ISDIR(mode):
        return _reject(source, RejectReason.SYMLINK, f"link to the folder {shown_target}: not followed "
                       "(a folder inside the inputs is read under its own path)")
    if not stat.S_ISREG(mode):
        return _reject(source, RejectReason.NOT_REGULAR_FILE, f"link to a {_kind(mode)} ({shown_target})")
    return _input(target, link, [f"symlink: read through a link to {shown_target}"])


def _input(opened: Path, listed: Path, warnings: Optional[list[str]] = None) -> Input:
    """A file to read: ``opened`` is where its bytes are, ``listed`` the path it was
    found under, which names it on records."""
    shown = printable(listed)
    warnings = list(warnings or [])
    if shown != str(listed):
        warnings.append(NON_UTF8_NAME_WARNING)
    return Input(path=opened, shown=shown, name=listed.name, warnings=warnings)


def _file_source(path: Path) -> Source:
    return Source(path=printable(path), id=printable(path.stem))


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
             (stat.S_ISBLK, "block device"), (stat.S_ISDIR, "folder"))
    return next((name for test, name in kinds if test(mode)), "special file")


def read_inputs(inputs: Iterable[Union[str, Path]], max_bytes: int = MAX_PAGE_BYTES) -> Iterator[Item]:
    for item in walk(inputs):
        if isinstance(item, Reject):
            yield item
        else:
            yield from read_input(item, max_bytes)


def read_file(path: Path, max_bytes: int = MAX_PAGE_BYTES) -> Iterator[Item]:
    """One file as a user would give it."""
    yield from read_inputs([path], max_bytes)


def read_input(found: Input, max_bytes: int = MAX_PAGE_BYTES) -> Iterator[Item]:
    suffix = suffix_of(found.name)
    source = Source(path=found.shown, id=printable(PurePosixPath(found.name).stem))
    if suffix in PAGE_SUFFIXES:
        yield _read_page_file(found, source, PAGE_SUFFIXES[suffix], max_bytes)
    elif suffix in DUMP_SUFFIXES:
        yield from _guarded(source, "jsonl", lambda: _read_jsonl_file(found, source, max_bytes))
    elif suffix == ".zip":
        yield from _guarded(source, "archive", lambda: _read_archive_file(found, read_zip, max_bytes))
    elif suffix in (".tar.gz", ".tgz", ".tar"):
        yield from _guarded(source, "archive", lambda: _read_archive_file(found, read_tar, max_bytes))
    else:
        yield _reject(source, RejectReason.UNSUPPORTED_TYPE,
                      f"'{printable(suffix) or source.id}' is not a page dump (.txt, .html, .htm, .jsonl, .zip, .tar.gz)")


def open_regular(path: Path) -> BinaryIO:
    """Open a file for reading only if it is a regular file. The open itself cannot
    block (a FIFO put in a file's place after the walk looked at it) and does not follow
    a link in the last component; the type is checked on the open descriptor."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(f"a {_kind(mode)}, not a file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_page_file(found: Input, source: Source, content_type: ContentType, max_bytes: int) -> Item:
    """A page file, read up to the limit and one byte more: the size a file reports is
    not trusted (files in /proc report 0)."""
    try:
        with open_regular(found.path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                return _reject(source, RejectReason.OVERSIZED, f"{size} bytes, limit {max_bytes}")
            data = handle.read(max_bytes + 1)
    except NotRegularFile as err:
        return _reject(source, RejectReason.NOT_REGULAR_FILE, str(err))
    except OSError as err:
        return _reject(source, RejectReason.UNREADABLE, _os_error(err))
    if len(data) > max_bytes:
        return _reject(source, RejectReason.OVERSIZED, f"more than {max_bytes} bytes (size reported: {size}), "
                       f"limit {max_bytes}")
    return Page(source=source, data=data, content_type=content_type, warnings=list(found.warnings))


def _read_jsonl_file(found: Input, source: Source, max_bytes: int) -> Iterator[Item]:
    try:
        handle = open_regular(found.path)
    except NotRegularFile as err:
        yield _reject(source, RejectReason.NOT_REGULAR_FILE, str(err))
        return
    with handle:
        yield from read_jsonl_stream(handle, found.shown, source.id, max_bytes, found.warnings)


def _read_archive_file(found: Input, reader: Callable[[BinaryIO, str, int, list[str]], Iterator[Item]],
                       max_bytes: int) -> Iterator[Item]:
    try:
        handle = open_regular(found.path)
    except NotRegularFile as err:
        yield _reject(Source(path=found.shown, id=printable(PurePosixPath(found.name).stem)),
                      RejectReason.NOT_REGULAR_FILE, str(err))
        return
    with handle:
        yield from reader(handle, found.shown, max_bytes, found.warnings)


def bounded_lines(handle: BinaryIO, max_bytes: int, measure_oversized: bool = True
                  ) -> Iterator[tuple[int, Optional[bytes], int]]:
    """The lines of a stream as ``(number, line, size)``, ``line`` being ``None`` when the
    line is over ``max_bytes``: such a line is measured block by block and dropped, so at
    most ``max_bytes`` plus one block is ever held, however long the line. Without
    ``measure_oversized`` the first line over the limit is the last one yielded (with the
    size read so far): the rest of the stream is not worth its reading time."""
    pending = bytearray()
    size = 0
    number = 0
    while True:
        block = handle.read(READ_BLOCK_BYTES)
        if not block:
            break
        start = 0
        while start < len(block):
            end = block.find(b"\n", start)
            stop = len(block) if end < 0 else end + 1
            size += stop - start
            if size <= max_bytes:
                pending += block[start:stop]
            elif not measure_oversized:
                yield number + 1, None, size
                return
            elif pending:
                pending.clear()
            start = stop
            if end >= 0:
                number += 1
                yield number, (bytes(pending) if size <= max_bytes else None), size
                pending.clear()
                size = 0
    if size:
        yield number + 1, (bytes(pending) if size <= max_bytes else None), size


def read_jsonl_stream(handle: BinaryIO, shown: str, stem: str, max_bytes: int,
                      warnings: Sequence[str] = (), expansion: float = 1.0) -> Iterator[Item]:
    """A JSON-lines dump: one object a line with ``text`` or ``html`` and optional ``id``,
    ``url``, ``title``. Each line is one input; a broken line is rejected alone.

    ``expansion`` is how many times the stream is larger than its compressed form. Past
    ``MAX_EXPANSION_RATIO`` (a decompression bomb: text compresses some 3 to 20 times) an
    oversized line ends the stream, as skipping it would cost seconds per gigabyte of
    decompression for nothing."""
    bomb = expansion > MAX_EXPANSION_RATIO
    for number, raw, size in bounded_lines(handle, max_bytes, measure_oversized=not bomb):
        source = Source(path=shown, id=f"{stem}#{number}")
        if raw is None and bomb:
            yield _reject(source, RejectReason.OVERSIZED,
                          f"line {number}: over {max_bytes} bytes, the limit, in a member that expands "
                          f"{expansion:.0f}:1 as decompression bombs do; the rest of the member is not read")
        elif raw is None:
            yield _reject(source, RejectReason.OVERSIZED, f"line {number}: {size} bytes, limit {max_bytes}")
        elif raw.strip():
            yield _jsonl_line(raw, number, source, warnings)


def _jsonl_line(raw: bytes, number: int, source: Source, inherited: Sequence[str]) -> Item:
    decoded = _line_text(raw, number, source)
    if isinstance(decoded, Reject):
        return decoded
    text, warnings = decoded
    warnings = list(inherited) + warnings
    try:
        obj = json.loads(text)
    except RecursionError:
        return _reject(source, RejectReason.TOO_DEEP, f"line {number}: nested deeper than the JSON parser allows")
    except ValueError as err:
        return _reject(source, RejectReason.MALFORMED_JSON, f"line {number}: {err}")
    if not isinstance(obj, dict):
        return _reject(source, RejectReason.MALFORMED_JSON, f"line {number}: not a JSON object")
    return _page_from_object(obj, number, source, warnings)


def _line_text(raw: bytes, number: int, source: Source) -> Union[tuple[str, list[str]], Reject]:
    """A line's text: UTF-8 (the first line may start with a byte-order mark); a line
    that is mostly UTF-8 keeps its damaged bytes as U+FFFD; else GB18030."""
    encoding = "utf-8-sig" if number == 1 else "utf-8"
    try:
        return raw.decode(encoding), []
    except UnicodeDecodeError:
        pass
    census = utf8_census(raw)
    if census.invalid_share <= MAX_INVALID_UTF8_SHARE or census.valid_multibyte >= census.invalid_bytes:
        decoded = utf8_replacing(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw)
        return decoded.text, decoded.warnings
    try:
        return raw.decode("gb18030"), []
    except UnicodeDecodeError as err:
        return _reject(source, RejectReason.UNDECODABLE, f"line {number}: {err}")


def _page_from_object(obj: dict, number: int, source: Source, warnings: list[str]) -> Item:
    """A dump object to a page. Only the content decides whether there is a page: a
    wrong-typed or malformed ``id``, ``url`` or ``title`` is dropped with a warning, so
    that the article is not lost over its metadata."""
    obj, replaced = _without_lone_surrogates(obj)
    if replaced:
        warnings.append(f"lone_surrogates_replaced:{replaced}")
    doc_id = obj.get("id")
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, (str, int))):
        warnings.append(f"invalid_field: 'id' is {_json_type(doc_id)}, not a string; the line number is the id")
    elif doc_id not in (None, ""):
        source = Source(path=source.path, id=str(doc_id))
    url = _checked_url(obj.get("url"), warnings)
    source = Source(path=source.path, id=source.id, url=url)
    title = _optional_string(obj, "title", warnings)
    wrong = [key for key in ("html", "text") if obj.get(key) is not None and not isinstance(obj[key], str)]
    for key, content_type in (("html", ContentType.HTML), ("text", ContentType.TEXT)):
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            if not value.replace("\ufffd", "").strip():
                return _reject(source, RejectReason.INVALID_UNICODE,
                               f"line {number}: '{key}' holds only characters that are not valid Unicode")
            warnings += [f"invalid_field: '{other}' is {_json_type(obj[other])}, not a string; ignored"
                         for other in wrong]
            return Page(source=source, data=value, content_type=content_type, title=title, warnings=warnings)
    if wrong:
        return _reject(source, RejectReason.INVALID_FIELD,
                       f"line {number}: '{wrong[0]}' is {_json_type(obj[wrong[0]])}, not a string")
    present = [k for k in ("html", "text") if k in obj]
    if present:
        return _reject(source, RejectReason.EMPTY, f"line {number}: '{present[0]}' is empty")
    return _reject(source, RejectReason.MISSING_CONTENT, f"line {number}: object has no 'text' or 'html'")


def _without_lone_surrogates(obj: dict) -> tuple[dict, int]:
    """The object's top-level strings with lone surrogates replaced (the fields read
    from a dump are all top-level strings)."""
    replaced = 0
    clean = {}
    for key, value in obj.items():
        if isinstance(value, str):
            value, count = replace_lone_surrogates(value)
            replaced += count
        clean[key] = value
    return clean, replaced


def _checked_url(value: object, warnings: list[str]) -> Optional[str]:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        warnings.append(f"invalid_field: 'url' is {_json_type(value)}, not a string; dropped")
        return None
    if not is_valid_url(value):
        warnings.append(f"invalid_url: {value[:200]!r} is not an http(s) URL; dropped")
        return None
    return value


def is_valid_url(url: str) -> bool:
    """An absolute http(s) URL with a host, no white space or control characters and a
    sensible length: what downstream link checks and databases can take as it is."""
    if len(url) > MAX_URL_CHARS or any(ch.isspace() or ord(ch) < 32 or ch == "\ufffd" for ch in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # a port that is not a number raises here
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _optional_string(obj: dict, key: str, warnings: list[str]) -> Optional[str]:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    warnings.append(f"invalid_field: '{key}' is {_json_type(value)}, not a string; dropped")
    return None


def _json_type(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def _zip_methods() -> set[int]:
    """The zip compression methods this Python can read."""
    methods = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
    for method, module in ((zipfile.ZIP_BZIP2, "bz2"), (zipfile.ZIP_LZMA, "lzma")):
        try:
            __import__(module)
            methods.add(method)
        except ImportError:
            continue
    return methods


_READABLE_ZIP_METHODS = _zip_methods()
_ZIP_METHOD_NAMES = {9: "deflate64", 10: "PKWARE implode", 12: "bzip2", 14: "lzma", 93: "zstandard", 95: "xz",
                     96: "JPEG", 97: "WavPack", 98: "PPMd", 99: "AES"}


def _zip_member_errors() -> tuple[type[Exception], ...]:
    """What a damaged member raises while it is decompressed (bz2 raises OSError)."""
    errors: list[type[Exception]] = [zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError]
    try:
        import lzma
        errors.append(lzma.LZMAError)
    except ImportError:
        pass
    return tuple(errors)


_ZIP_MEMBER_ERRORS = _zip_member_errors()


def read_zip(handle: BinaryIO, shown: str, max_bytes: int, warnings: Sequence[str] = ()) -> Iterator[Item]:
    """Zip members in name order, each read or rejected on its own: a bad member does
    not stop the members after it."""
    with zipfile.ZipFile(handle) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or _hidden(info.filename):
                continue
            yield from _zip_member(archive, info, shown, max_bytes, warnings)


def _zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str, max_bytes: int,
                warnings: Sequence[str]) -> Iterator[Item]:
    refusal = _zip_refusal(info)
    if refusal is not None:
        yield _reject(_member_source(shown, info.filename), *refusal)
        return
    try:
        yield from _member(shown, info.filename, info.file_size, max_bytes, lambda: archive.open(info), warnings,
                           expansion=info.file_size / max(info.compress_size, 1))
    except NotImplementedError as err:
        yield _reject(_member_source(shown, info.filename), RejectReason.UNSUPPORTED_COMPRESSION, str(err))
    except _ZIP_MEMBER_ERRORS as err:
        yield _reject(_member_source(shown, info.filename), RejectReason.CORRUPT_ARCHIVE,
                      f"member {printable(info.filename)}: {type(err).__name__}: {err}")
    except Exception as err:  # noqa: BLE001 - zip members are independent: the next one is still read
        yield _reject(_member_source(shown, info.filename), RejectReason.PROCESSING_ERROR,
                      f"member {printable(info.filename)}: {type(err).__name__}: {err}"[:500])


def _zip_refusal(info: zipfile.ZipInfo) -> Optional[tuple[RejectReason, str]]:
    """What the member's header already says cannot be read."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return RejectReason.SYMLINK, "archive member is a link: not followed"
    if info.flag_bits & 0x1:
        return RejectReason.ENCRYPTED, "archive member is encrypted"
    if info.compress_type not in _READABLE_ZIP_METHODS:
        method = _ZIP_METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        reason = RejectReason.ENCRYPTED if info.compress_type == 99 else RejectReason.UNSUPPORTED_COMPRESSION
        return reason, f"archive member compressed with {method}, which cannot be read"
    return None


def read_tar(handle: BinaryIO, shown: str, max_bytes: int, warnings: Sequence[str] = ()) -> Iterator[Item]:
    """Tar members front to back (a compressed tar has no index): a break in the stream
    ends the archive, and what was read before it stands. A member far larger than the
    whole compressed archive ends it too: getting past it means decompressing all of it."""
    packed = _stream_size(handle)
    with tarfile.open(fileobj=handle, mode="r:*") as archive:
        for member in archive:
            if member.isdir() or _hidden(member.name):
                continue
            if packed and member.size > max_bytes and member.size > packed * MAX_EXPANSION_RATIO:
                yield _reject(_member_source(shown, member.name), RejectReason.OVERSIZED,
                              f"{member.size} bytes in an archive of {packed} bytes (expands more than "
                              f"{MAX_EXPANSION_RATIO}:1 as decompression bombs do): neither it nor the members "
                              "after it are read")
                return
            if member.issym() or member.islnk():
                yield _reject(_member_source(shown, member.name), RejectReason.SYMLINK,
                              f"archive member is a link to {printable(member.linkname)!r}: not followed")
            elif not member.isfile():
                yield _reject(_member_source(shown, member.name), RejectReason.NOT_REGULAR_FILE,
                              "archive member is a device or FIFO, not a file")
            else:
                yield from _member(shown, member.name, member.size, max_bytes,
                                   lambda member=member: archive.extractfile(member), warnings)


def _stream_size(handle: BinaryIO) -> Optional[int]:
    """The size of the file behind a stream, when there is one."""
    try:
        return os.fstat(handle.fileno()).st_size or None
    except (OSError, AttributeError, io.UnsupportedOperation):
        return None


def _member_source(shown_archive: str, name: str) -> Source:
    return Source(path=f"{shown_archive}!{printable(name)}", id=printable(PurePosixPath(name).stem))


def _member(shown_archive: str, name: str, size: int, max_bytes: int,
            opener: Callable[[], BinaryIO], inherited: Sequence[str] = (), expansion: float = 1.0
            ) -> Iterator[Item]:
    source = _member_source(shown_archive, name)
    warnings = list(inherited)
    if printable(name) != name:
        warnings.append(NON_UTF8_NAME_WARNING)
    suffix = suffix_of(name)
    if suffix in PAGE_SUFFIXES:
        if size > max_bytes:
            yield _reject(source, RejectReason.OVERSIZED, f"{size} bytes, limit {max_bytes}")
            return
        with opener() as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            yield _reject(source, RejectReason.OVERSIZED, f"more than {max_bytes} bytes (header says {size}), "
                          f"limit {max_bytes}")
            return
        yield Page(source=source, data=data, content_type=PAGE_SUFFIXES[suffix], warnings=warnings)
    elif suffix in DUMP_SUFFIXES:
        with opener() as handle:
            yield from read_jsonl_stream(handle, source.path, source.id, max_bytes, warnings, expansion)
    else:
        yield _reject(source, RejectReason.UNSUPPORTED_TYPE,
                      f"archive member '{printable(suffix) or source.id}' is not a page (.txt, .html, .htm, .jsonl)")


def _guarded(source: Source, kind: str, make: Callable[[], Iterator[Item]]) -> Iterator[Item]:
    """Run a container reader; if the container breaks part-way, what was read stands
    and the break becomes one reject for the container. An error no reader expects is
    still this container's reject, never the run's end."""
    reason = RejectReason.CORRUPT_ARCHIVE if kind == "archive" else RejectReason.UNREADABLE
    try:
        yield from make()
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, ValueError) as err:
        yield _reject(source, reason, f"{type(err).__name__}: {err}")
    except OSError as err:
        yield _reject(source, reason, f"{type(err).__name__}: {_os_error(err)}")
    except Exception as err:  # noqa: BLE001 - one input's failure must not end the run
        yield _reject(source, RejectReason.PROCESSING_ERROR, f"{type(err).__name__}: {err}"[:500])


def _hidden(name: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(name).parts)


def _os_error(err: OSError) -> str:
    """An OS error's message with any file name in it made printable."""
    return printable(err.strerror or str(err)) if err.filename is not None else printable(str(err))


def _reject(source: Source, reason: RejectReason, detail: str) -> Reject:
    return Reject(source=source, stage=STAGE, reason=reason, detail=detail)
