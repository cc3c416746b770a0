"""Ingest against hostile input: one bad page never takes a run down.

Every case is built in ``tmp_path`` beside a good page and checks three things: the good
page still comes out, the bad input is a reject with its reason (or a warning where the
text is kept), and nothing raises, hangs or holds more than a bounded amount of memory.
Every item is also written the way the runner writes it, so a record that could not be
serialized (a lone surrogate, a file name that is not UTF-8) fails here, not in a run.
"""
from __future__ import annotations

import io
import json
import os
import signal
import socket
import struct
import tarfile
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path
from typing import Iterator

import pytest
from conftest import CORPUS, write_jsonl, write_tar, write_zip

from pipeline.jsonl import dump_line
from pipeline.schema import Duplicate, RawDocument, Reject, RejectReason
from pipeline.stages.ingest import ingest

GOOD_PAGE = ("CAR-T cell therapy in lupus\n"
             "Dr. Müller and colleagues treated five patients with anti-CD19 CAR T cells; "
             "all reached drug-free remission at a median follow-up of 17 months.\n")


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    """Fail a case that blocks (an opened FIFO, an endless device) instead of hanging."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(signum, frame):
        raise TimeoutError("ingest did not finish within 30 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(30)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(inputs, **kwargs) -> tuple[list[RawDocument], list[Reject], list[Duplicate]]:
    """Ingest and write every item as the runner does."""
    items = list(ingest(inputs, **kwargs))
    for item in items:
        dump_line(item).encode("utf-8")
    records = [i for i in items if isinstance(i, RawDocument)]
    rejects = [i for i in items if isinstance(i, Reject)]
    duplicates = [i for i in items if isinstance(i, Duplicate)]
    return records, rejects, duplicates


def good_page(folder: Path, name: str = "good.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(GOOD_PAGE, encoding="utf-8")
    return path


def reasons_by_id(rejects: list[Reject]) -> dict[str, RejectReason]:
    return {r.source.id: r.reason for r in rejects}


# 1. only regular files are opened


def test_fifo_socket_and_devices_are_rejected_without_opening(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    dump = tmp_path / "dump"
    good_page(dump)
    os.mkfifo(dump / "pipe.txt")
    monkeypatch.chdir(dump)  # a socket path must be short
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind("sock.html")
    try:
        records, rejects, _ = run([dump, Path("/dev/null"), Path("/dev/zero")])
    finally:
        server.close()
    assert [r.source.id for r in records] == ["good"]
    by_path = {r.source.path: r.reason for r in rejects}
    assert by_path[str(dump / "pipe.txt")] is RejectReason.NOT_REGULAR_FILE
    assert by_path[str(dump / "sock.html")] is RejectReason.NOT_REGULAR_FILE
    assert by_path["/dev/null"] is RejectReason.NOT_REGULAR_FILE
    assert by_path["/dev/zero"] is RejectReason.NOT_REGULAR_FILE


def test_link_to_dev_zero_is_refused_not_read(tmp_path: Path):
    dump = tmp_path / "dump"
    good_page(dump)
    (dump / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(dump / "fifo")
    (dump / "to_fifo.txt").symlink_to(dump / "fifo")
    started = time.monotonic()
    records, rejects, _ = run([dump])
    assert time.monotonic() - started < 5
    assert [r.source.id for r in records] == ["good"]
    reasons = reasons_by_id(rejects)
    assert reasons["zero"] is RejectReason.SYMLINK
    assert reasons["fifo"] is RejectReason.NOT_REGULAR_FILE
    assert reasons["to_fifo"] is RejectReason.NOT_REGULAR_FILE


# 2. links are never followed outside the inputs


def test_links_outside_the_inputs_and_to_folders_are_rejected(tmp_path: Path):
    dump = tmp_path / "dump"
    good_page(dump)
    good_page(dump / "pages", "inner.txt").write_text(GOOD_PAGE + "Second article.\n", encoding="utf-8")
    (dump / "passwd.txt").symlink_to("/etc/passwd")
    (dump / "etc").symlink_to("/etc")
    (dump / "loop").symlink_to(dump)
    (dump / "pages_again").symlink_to(dump / "pages")
    (dump / "broken.txt").symlink_to(tmp_path / "missing.txt")
    (dump / "self.txt").symlink_to(dump / "self.txt")
    (dump / "z_alias.txt").symlink_to(dump / "pages" / "inner.txt")
    records, rejects, duplicates = run([dump])
    assert not any("root:" in r.content for r in records)
    reasons = reasons_by_id(rejects)
    assert reasons == {"passwd": RejectReason.SYMLINK, "etc": RejectReason.SYMLINK, "loop": RejectReason.SYMLINK,
                       "pages_again": RejectReason.SYMLINK, "broken": RejectReason.SYMLINK,
                       "self": RejectReason.SYMLINK}
    details = {r.source.id: r.detail for r in rejects}
    assert "outside the inputs" in details["passwd"] and "/etc/passwd" in details["passwd"]
    assert "folder" in details["pages_again"]
    # a link to a page inside the inputs is read once, under its own path, and says so;
    # the page it points to is then a duplicate, not a second record
    alias = next(r for r in records if r.source.id == "z_alias")
    assert any(w.startswith("symlink:") for w in alias.warnings)
    assert [d.source.id for d in duplicates] == ["inner"]
    assert sorted(r.source.id for r in records) == ["good", "z_alias"]


def test_a_link_given_as_input_is_followed(tmp_path: Path):
    page = good_page(tmp_path / "real")
    (tmp_path / "named.txt").symlink_to(page)
    records, rejects, _ = run([tmp_path / "named.txt"])
    assert not rejects and [r.source.path for r in records] == [str(tmp_path / "named.txt")]


# 3. sizes are checked while reading


def test_file_reporting_size_zero_is_read_only_up_to_the_limit(tmp_path: Path):
    maps = Path("/proc/self/maps")
    if not maps.exists():
        pytest.skip("no /proc")
    good = good_page(tmp_path)
    (tmp_path / "maps.txt").symlink_to(maps)
    assert os.stat(maps).st_size == 0
    records, rejects, _ = run([good, tmp_path / "maps.txt"], max_page_bytes=len(GOOD_PAGE.encode()) + 10)
    assert [r.source.id for r in records] == ["good"]
    assert [(r.source.id, r.reason) for r in rejects] == [("maps", RejectReason.OVERSIZED)]


def _deflated_line_zip(path: Path, before: bytes, repeated: bytes, times: int, after: bytes,
                       member: str = "feed.jsonl") -> int:
    """A zip of one deflated member ``before + repeated * times + after``, written without
    compressing the repeated part more than once (a full flush makes each copy of it an
    independent, identical run of deflate blocks). Returns the member's size."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(before) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(repeated) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == compressor.compress(repeated) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(after) + compressor.flush()
    crc = zlib.crc32(before)
    for _ in range(times):
        crc = zlib.crc32(repeated, crc)
    crc = zlib.crc32(after, crc)
    size = len(before) + len(repeated) * times + len(after)
    packed = len(head) + len(block) * times + len(tail)
    name = member.encode()
    with open(path, "wb") as out:
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, packed, size, len(name), 0))
        out.write(name + head)
        for _ in range(times):
            out.write(block)
        out.write(tail)
        directory = out.tell()
        out.write(struct.pack("<4s6H3L5HLL", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, packed, size, len(name),
                              0, 0, 0, 0, 0o100644 << 16, 0) + name)
        end = out.tell()
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, end - directory, directory, 0))
    return size


def test_two_gib_line_in_a_small_zip_is_rejected_while_streaming(tmp_path: Path):
    before = (json.dumps({"id": "first", "text": GOOD_PAGE}) + "\n").encode() + b'{"id": "huge", "text": "'
    after = b'"}\n' + (json.dumps({"id": "last", "text": GOOD_PAGE + "Another article.\n"}) + "\n").encode()
    archive = tmp_path / "bomb.zip"
    size = _deflated_line_zip(archive, before, b"a" * (1 << 20), 2048, after)
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("later.txt", GOOD_PAGE + "In the next member.\n")
    assert size > 2 * 1024 ** 3 and archive.stat().st_size < 4 * 1024 ** 2
    tracemalloc.start()
    started = time.monotonic()
    try:
        records, rejects, _ = run([archive])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 30
    assert peak < 64 * 1024 ** 2
    # a member that expands 1000:1 is a bomb: its oversized line ends it (the reject says
    # so) instead of costing seconds of decompression; the next member is still read
    assert [r.source.id for r in records] == ["first", "later"]
    assert [(r.source.id, r.reason) for r in rejects] == [("feed#2", RejectReason.OVERSIZED)]
    assert "rest of the member is not read" in rejects[0].detail


def test_tar_member_far_larger_than_its_archive_ends_the_archive(tmp_path: Path):
    archive = tmp_path / "bomb.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("a_good.txt", GOOD_PAGE.encode()), ("b_zeros.txt", bytes(64 << 20))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    records, rejects, _ = run([archive], max_page_bytes=1 << 20)
    assert [r.source.id for r in records] == ["a_good"]
    assert [(r.source.id, r.reason) for r in rejects] == [("b_zeros", RejectReason.OVERSIZED)]


@pytest.mark.parametrize("container", ["jsonl", "zip", "tar.gz"])
def test_long_line_in_a_dump_or_member_is_skipped_never_held(tmp_path: Path, container: str):
    limit = 64 * 1024
    lines = [json.dumps({"id": "first", "text": GOOD_PAGE}),
             '{"id": "huge", "text": "' + os.urandom(4 << 20).hex() + '"}',
             json.dumps({"id": "last", "text": GOOD_PAGE + "Another article.\n"})]
    if container == "jsonl":
        dump = write_jsonl(tmp_path / "feed.jsonl", lines)
    elif container == "zip":
        dump = write_zip(tmp_path / "feed.zip", {"feed.jsonl": ("\n".join(lines) + "\n").encode()})
    else:
        dump = write_tar(tmp_path / "feed.tar.gz", {"feed.jsonl": ("\n".join(lines) + "\n").encode()})
    del lines
    tracemalloc.start()
    try:
        records, rejects, _ = run([dump], max_page_bytes=limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 ** 2
    assert [r.source.id for r in records] == ["first", "last"]
    assert [(r.source.id, r.reason) for r in rejects] == [("feed#2", RejectReason.OVERSIZED)]


# 4. each archive member is read or rejected on its own


def _patch_zip_member(data: bytes, name: str, flag_bits: int | None = None, method: int | None = None) -> bytes:
    """Set a member's flag bits or compression method in its local and central headers."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, name_at, flags_at in ((b"PK\x03\x04", 30, 6), (b"PK\x01\x02", 46, 8)):
        start = out.find(signature)
        while start >= 0:
            (length,) = struct.unpack_from("<H", out, start + name_at - 4 if signature == b"PK\x03\x04" else start + 28)
            if bytes(out[start + name_at:start + name_at + length]) == encoded:
                if flag_bits is not None:
                    struct.pack_into("<H", out, start + flags_at, flag_bits)
                if method is not None:
                    struct.pack_into("<H", out, start + flags_at + 2, method)
            start = out.find(signature, start + 4)
    return bytes(out)


def test_encrypted_deflate64_and_corrupt_members_are_rejected_alone(tmp_path: Path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a_good.txt", GOOD_PAGE)
        z.writestr("b_secret.txt", GOOD_PAGE + "secret\n", compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("c_deflate64.txt", GOOD_PAGE + "deflate64\n", compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("d_bad_crc.txt", GOOD_PAGE + "checksum will not match\n", compress_type=zipfile.ZIP_STORED)
        z.writestr("e_after.txt", GOOD_PAGE + "read after the bad member\n")
    data = _patch_zip_member(archive.read_bytes(), "b_secret.txt", flag_bits=0x1)
    data = _patch_zip_member(data, "c_deflate64.txt", method=9)
    data = data.replace(b"checksum will not match", b"checksum will NOT match", 1)
    archive.write_bytes(data)
    records, rejects, _ = run([archive])
    assert [r.source.id for r in records] == ["a_good", "e_after"]
    assert reasons_by_id(rejects) == {"b_secret": RejectReason.ENCRYPTED,
                                      "c_deflate64": RejectReason.UNSUPPORTED_COMPRESSION,
                                      "d_bad_crc": RejectReason.CORRUPT_ARCHIVE}


def test_damaged_lzma_member_is_rejected_alone(tmp_path: Path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_LZMA) as z:
        z.writestr("a_damaged.txt", GOOD_PAGE * 20)
        z.writestr("b_after.txt", GOOD_PAGE)
    data = bytearray(archive.read_bytes())
    start = data.index(b"a_damaged.txt") + len("a_damaged.txt") + 20
    data[start:start + 8] = bytes(b ^ 0xFF for b in data[start:start + 8])
    archive.write_bytes(bytes(data))
    records, rejects, _ = run([archive])
    assert [r.source.id for r in records] == ["b_after"]
    assert reasons_by_id(rejects) == {"a_damaged": RejectReason.CORRUPT_ARCHIVE}


def test_links_and_devices_inside_a_tar_are_rejected(tmp_path: Path):
    archive = tmp_path / "batch.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("good.txt")
        info.size = len(GOOD_PAGE.encode())
        tar.addfile(info, io.BytesIO(GOOD_PAGE.encode()))
        for name, kind in (("passwd.txt", tarfile.SYMTYPE), ("hard.txt", tarfile.LNKTYPE),
                           ("pipe.txt", tarfile.FIFOTYPE), ("zero.txt", tarfile.CHRTYPE)):
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = "/etc/passwd" if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE) else ""
            tar.addfile(info)
    records, rejects, _ = run([archive])
    assert [r.source.id for r in records] == ["good"]
    assert reasons_by_id(rejects) == {"passwd": RejectReason.SYMLINK, "hard": RejectReason.SYMLINK,
                                      "pipe": RejectReason.NOT_REGULAR_FILE, "zero": RejectReason.NOT_REGULAR_FILE}


def test_names_that_are_not_utf8_are_escaped_and_reported(tmp_path: Path):
    dump = tmp_path / "dump"
    good_page(dump)
    try:
        with open(os.fsencode(dump) + b"/caf\xe9.txt", "wb") as handle:
            handle.write((GOOD_PAGE + "on disk\n").encode())
    except OSError:
        pytest.skip("the file system refuses names that are not UTF-8")
    member = b"r\xe9sum\xe9.txt".decode("utf-8", "surrogateescape")
    with tarfile.open(dump / "batch.tar.gz", "w:gz", format=tarfile.GNU_FORMAT) as tar:
        data = (GOOD_PAGE + "in a tar\n").encode()
        info = tarfile.TarInfo(member)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    records, rejects, _ = run([dump])
    assert not rejects
    by_id = {r.source.id: r for r in records}
    assert set(by_id) == {"good", "caf\\xe9", "r\\xe9sum\\xe9"}
    assert by_id["caf\\xe9"].source.path == str(dump / "caf\\xe9.txt")
    assert by_id["r\\xe9sum\\xe9"].source.path.endswith("batch.tar.gz!r\\xe9sum\\xe9.txt")
    assert all(any(w.startswith("path:") for w in by_id[i].warnings) for i in ("caf\\xe9", "r\\xe9sum\\xe9"))
    assert not by_id["good"].warnings


# 5. JSON lines


def test_hostile_json_lines_are_rejected_or_kept_with_warnings(tmp_path: Path):
    dump = tmp_path / "feed.jsonl"
    write_jsonl(dump, [
        {"id": "good", "url": "https://news.example.org/a/1", "text": GOOD_PAGE},
        '{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
        json.dumps({"id": "surrogate", "title": "Emoji @", "text": "Lone surrogate @ here. " + GOOD_PAGE}
                   ).replace("@", "\\ud83d"),
        '{"id": "only-surrogates", "text": "\\udc00\\ud800"}',
        {"id": "number", "text": 123},
        {"id": "bad-url", "url": "ht!tp://exa mple/", "text": GOOD_PAGE + "url\n"},
        {"id": "url-port", "url": "https://example.org:99999999/", "text": GOOD_PAGE + "port\n"},
        {"id": ["list"], "text": GOOD_PAGE + "list id\n"},
        {"id": "good", "text": GOOD_PAGE + "a different page under a taken id\n"},
        {"id": "good", "url": "https://news.example.org/a/1", "text": GOOD_PAGE},
    ])
    records, rejects, duplicates = run([dump])
    by_id = {r.source.id: r for r in records}
    assert set(by_id) == {"good", "surrogate", "bad-url", "url-port", "feed#8"}
    assert reasons_by_id(rejects) == {"feed#2": RejectReason.TOO_DEEP, "only-surrogates": RejectReason.INVALID_UNICODE,
                                      "number": RejectReason.INVALID_FIELD, "good": RejectReason.DUPLICATE_ID}
    assert [d.source.id for d in duplicates] == ["good"]
    surrogate = by_id["surrogate"]
    assert "Lone surrogate \ufffd here" in surrogate.content and surrogate.title == "Emoji \ufffd"
    assert "lone_surrogates_replaced:2" in surrogate.warnings
    for name in ("bad-url", "url-port"):
        assert by_id[name].source.url is None and any(w.startswith("invalid_url:") for w in by_id[name].warnings)
    assert by_id["good"].source.url == "https://news.example.org/a/1"
    assert any(w.startswith("invalid_field: 'id'") for w in by_id["feed#8"].warnings)


def test_json_line_with_damaged_utf8_bytes_is_kept(tmp_path: Path):
    good = json.dumps({"id": "good", "text": GOOD_PAGE}, ensure_ascii=False).encode()
    damaged = json.dumps({"id": "damaged", "text": GOOD_PAGE + "broken"}, ensure_ascii=False).encode()
    dump = tmp_path / "feed.jsonl"
    dump.write_bytes(good + b"\n" + damaged.replace(b"broken", b"bro\xffken") + b"\n")
    records, rejects, _ = run([dump])
    assert not rejects
    by_id = {r.source.id: r for r in records}
    assert "Müller" in by_id["damaged"].content and "bro\ufffdken" in by_id["damaged"].content
    assert "invalid_utf8_bytes:1" in by_id["damaged"].warnings


# 6. decoding keeps text


def test_utf8_page_with_a_few_bad_bytes_stays_utf8(tmp_path: Path):
    good_page(tmp_path)
    body = (GOOD_PAGE * 3 + "中文来源：医脉通\n").encode()
    (tmp_path / "damaged.txt").write_bytes(body[:40] + b"\xff" + body[40:200] + b"\xe9 " + body[200:])
    records, rejects, _ = run([tmp_path])
    assert not rejects
    damaged = next(r for r in records if r.source.id == "damaged")
    assert damaged.encoding == "utf-8"
    assert "Müller" in damaged.content and "医脉通" in damaged.content
    assert "M眉ller" not in damaged.content and "MÃ¼ller" not in damaged.content
    assert damaged.content.count("\ufffd") == 2 and "invalid_utf8_bytes:2" in damaged.warnings


def test_legacy_codecs_still_chosen_on_evidence(tmp_path: Path):
    good_page(tmp_path)
    (tmp_path / "western.txt").write_bytes(("A naïve café served crème brûlée. " * 20).encode("cp1252"))
    records, rejects, _ = run([tmp_path, CORPUS / "dump" / "archive_batch.tar.gz"])
    assert not rejects
    by_id = {r.source.id: r for r in records}
    assert by_id["western"].encoding == "cp1252" and "crème brûlée" in by_id["western"].content
    assert by_id["arc_09"].encoding == "gb18030" and "生物药讯" in by_id["arc_09"].content
    assert not by_id["arc_09"].warnings


def test_stray_nul_byte_is_dropped_but_binary_is_still_rejected(tmp_path: Path):
    good_page(tmp_path)
    (tmp_path / "nul.txt").write_bytes(GOOD_PAGE.encode()[:30] + b"\x00" + GOOD_PAGE.encode()[30:] * 3)
    (tmp_path / "random.html").write_bytes(os.urandom(4096) + b"\x00")
    (tmp_path / "nuls.txt").write_bytes(b"a\x00b\x00c\x00" * 200)
    records, rejects, _ = run([tmp_path])
    by_id = {r.source.id: r for r in records}
    assert set(by_id) == {"good", "nul"}
    assert "\x00" not in by_id["nul"].content and "nul_bytes_removed:1" in by_id["nul"].warnings
    assert reasons_by_id(rejects) == {"random": RejectReason.BINARY, "nuls": RejectReason.BINARY}
