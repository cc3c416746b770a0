"""Hostile inputs through the command line: the fault table of README "Bad input".

Every fixture is generated at test time (nothing binary is committed). Each case is a
folder holding its bad input beside ONE good article, a real corpus page copied unchanged
from ``corpus/dump``; the folder goes through ``python -m pipeline run FOLDER --out OUT``
in a child process with a wall-clock timeout (``TIMEOUT``), an address-space limit
(``RLIMIT_AS``) and its peak RSS measured (``os.wait4``). Each case asserts: exit 0; its good
article in ``articles.jsonl``; the bad input in ``rejects.jsonl`` with the expected reason
(or, where the text is kept, an article with a warning; where two endings are legitimate
both are accepted, explicitly); ``run.json`` reconciled and its counts equal to the
output files' lines; nothing written outside OUT (a listing of the run's root before and
after; the child's TMPDIR and working folder are inside that root).

Batching. Loading spaCy, the knowledge base and the linker costs most of a run, so cases
are grouped into a few runs (``Case.batch``): every case folder of a batch is an input of
one run, each with its own good article — distinct corpus pages within a run, so that no
two are near-duplicates of each other — and each case checks its own folder by source
path. A crash or hang in one case then fails its whole batch; ``HOSTILE_ALONE=1`` runs
every case in its own process (slower) to tell which case it was. ``HOSTILE_TIMEOUT``
scales the 30 s per run for a loaded machine.

Then the loud failures (non-zero exit, one line on stderr, no traceback, nothing written)
and kill -9 at several points of a run followed by a rerun, which must give the outputs of
an uninterrupted run. The uninterrupted run is also the one a second run into the same
OUT is started against (it must be refused).

Runtime: five batch runs (``text``, ``files``, ``long``, ``html``, ``bomb``), five loud
failures, one baseline with its concurrent second run and three kill-and-rerun pairs. On
the 2-core machine under a load average of 8-11 the whole file took 3 min 17 s on a branch
where most cases still fail (two batch runs and kb build end on the 30 s timeout or near
it, the overlapping-output runs still do the whole work); a batch of the cheap cases takes
one pipeline start (10-17 s there) instead of one per case, and ``HOSTILE_ALONE=1``
(25 runs) took about 8 minutes.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
import resource
import signal
import sqlite3
import struct
import subprocess
import sys
import tarfile
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pytest
from conftest import CORPUS

DUMP = CORPUS / "dump"
#: wall-clock seconds one pipeline run may take
TIMEOUT = float(os.environ.get("HOSTILE_TIMEOUT", "30"))
#: address-space limit of the child (bytes): a runaway read fails there, not on the machine
ADDRESS_SPACE = 2 * 1024 ** 3
#: peak resident memory a run may reach (bytes)
MAX_RSS = 1024 ** 3
ALONE = os.environ.get("HOSTILE_ALONE") == "1"
MIB = 1024 * 1024


# ---------------------------------------------------------------------------- running


@dataclass
class Run:
    """A finished (or killed) child process and what it left."""

    code: Optional[int]          # exit status; None when the test killed it (timeout or kill point)
    stderr: str
    seconds: float
    max_rss: int                 # bytes
    out: Path
    outside: list[str] = field(default_factory=list)   # entries created, changed or removed outside OUT

    def lines(self, name: str) -> list[dict]:
        path = self.out / name
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    @property
    def articles(self) -> list[dict]:
        return self.lines("articles.jsonl")

    @property
    def rejects(self) -> list[dict]:
        return self.lines("rejects.jsonl")

    @property
    def duplicates(self) -> list[dict]:
        return self.lines("duplicates.jsonl")

    @property
    def report(self) -> dict:
        return json.loads((self.out / "run.json").read_text(encoding="utf-8"))

    def describe(self) -> str:
        tail = "\n".join(self.stderr.strip().splitlines()[-12:])
        return f"exit {self.code} after {self.seconds:.1f}s, peak RSS {self.max_rss / MIB:.0f} MiB; stderr tail:\n{tail}"


def _limits() -> None:
    """In the child: bounded address space, a fixed umask."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    os.umask(0o022)


def listing(root: Path, skip: tuple[Path, ...]) -> dict[str, tuple]:
    """Every entry under ``root`` (not following links, not under ``skip``) with its
    type, size and modification time."""
    entries: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(os.fsencode(root)):
        dirs[:] = [d for d in dirs if Path(os.fsdecode(os.path.join(folder, d))) not in skip]
        for name in dirs + files:
            path = os.path.join(folder, name)
            if Path(os.fsdecode(path)) in skip:
                continue
            info = os.lstat(path)
            entries[os.fsdecode(path)] = (info.st_mode, info.st_size if not os.path.isdir(path) else 0, info.st_mtime_ns)
    return entries


def prepare(root: Path) -> None:
    """The child's working folder and TMPDIR, inside ``root``."""
    (root / "cwd").mkdir(parents=True, exist_ok=True)
    (root / "tmp").mkdir(exist_ok=True)


def start(args: list[str], root: Path) -> subprocess.Popen:
    """``python -m pipeline ARGS`` in its own session, cwd and TMPDIR inside ``root``."""
    prepare(root)
    env = dict(os.environ, TMPDIR=str(root / "tmp"), PYTHONDONTWRITEBYTECODE="1")
    log = open(root.parent / f"stderr-{time.monotonic_ns()}.log", "w+b")
    process = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=root / "cwd", env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                               preexec_fn=_limits, start_new_session=True)
    process.log = log  # type: ignore[attr-defined]
    return process


def finish(process: subprocess.Popen, out: Path, started: float, timeout: Optional[float] = TIMEOUT,
           kill_when: Optional[Callable[[], bool]] = None) -> Run:
    """Wait for the child (killing its session on timeout, or as soon as ``kill_when()``
    holds) and collect its exit status, peak RSS and stderr."""
    killed = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if (timeout is not None and time.monotonic() - started > timeout) or (kill_when is not None and kill_when()):
            os.killpg(process.pid, signal.SIGKILL)
            _, status, usage = os.wait4(process.pid, 0)
            killed = True
            break
        time.sleep(0.01)
    code = None if killed else os.waitstatus_to_exitcode(status)
    process.returncode = code if code is not None else -9
    process.log.seek(0)  # type: ignore[attr-defined]
    stderr = process.log.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
    process.log.close()  # type: ignore[attr-defined]
    return Run(code=code, stderr=stderr, seconds=time.monotonic() - started, max_rss=usage.ru_maxrss * 1024, out=out)


def pipeline(args: list[str], root: Path, out: Path, timeout: Optional[float] = TIMEOUT) -> Run:
    """Run the command line to completion (or timeout) and list what changed outside ``out``."""
    prepare(root)
    before = listing(root, skip=(out,))
    run = finish(start(args, root), out, time.monotonic(), timeout)
    after = listing(root, skip=(out,))
    run.outside = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    return run


# ---------------------------------------------------------------------------- fixtures


class Pages:
    """Distinct corpus pages for one run: good articles from the HTML pages, pages to
    make bad inputs from among the text pages, none used twice in a run."""

    def __init__(self) -> None:
        self.html = sorted(p for p in DUMP.iterdir() if p.suffix in (".html", ".htm"))
        self.txt = sorted(DUMP.glob("*.txt"))

    def good(self) -> Path:
        return self.html.pop(0) if self.html else self.txt.pop(0)

    def text(self) -> str:
        return self.txt.pop(0).read_text(encoding="utf-8")


def insert_line(page: str, line: str) -> str:
    """The page with ``line`` as a body paragraph half-way down."""
    lines = page.split("\n")
    middle = len(lines) // 2
    return "\n".join(lines[:middle] + ["", line, ""] + lines[middle:])


def body_of(page: str) -> str:
    """The article part of a text page: its lines after the first quarter."""
    lines = [line.strip() for line in page.split("\n") if line.strip()]
    return "\n".join(lines[len(lines) // 4:])


def zip_bytes(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def patch_zip_member(data: bytes, name: str, flag_bits: int = 0, method: Optional[int] = None) -> bytes:
    """The zip with one member's general-purpose flag bits OR-ed with ``flag_bits`` and,
    if given, its compression method replaced, in both its local and central headers."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, flags_at, method_at, name_at, length_at in ((b"PK\x03\x04", 6, 8, 30, 26),
                                                               (b"PK\x01\x02", 8, 10, 46, 28)):
        at = raw.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", raw, at + length_at)[0]
            if bytes(raw[at + name_at:at + name_at + length]) == encoded:
                struct.pack_into("<H", raw, at + flags_at, struct.unpack_from("<H", raw, at + flags_at)[0] | flag_bits)
                if method is not None:
                    struct.pack_into("<H", raw, at + method_at, method)
            at = raw.find(signature, at + 4)
    return bytes(raw)


class RepeatingDeflate:
    """A raw-deflate compressor for zipfile's writer that compresses one repeated chunk
    once: every write ends with a full flush, so each compressed piece stands alone and
    the chunk's piece can be reused. Level-6 deflate of 2 GiB took 27 s on the 2-core
    machine; this takes about 2 s (the CRC of the 2 GiB) for the same 2 MB archive."""

    def __init__(self, chunk: bytes) -> None:
        self.chunk = chunk
        once = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.piece = once.compress(chunk) + once.flush(zlib.Z_FULL_FLUSH)
        self.other = zlib.compressobj(9, zlib.DEFLATED, -15)

    def compress(self, data: bytes) -> bytes:
        if data == self.chunk:
            return self.piece
        return self.other.compress(data) + self.other.flush(zlib.Z_FULL_FLUSH)

    def flush(self) -> bytes:
        return self.other.flush()


def write_bomb(path: Path, size: int = 2 * 1024 ** 3) -> None:
    """A zip whose one member is a single JSON line of ``size`` bytes of text."""
    chunk = b"a" * MIB
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("bomb.jsonl", "w", force_zip64=True) as handle:
            handle._compressor = RepeatingDeflate(chunk)  # type: ignore[attr-defined]
            handle.write(b'{"id": "bomb", "text": "')
            for _ in range(size // MIB):
                handle.write(chunk)
            handle.write(b'"}\n')


def renumbered(page: str, shift: int) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group()) + shift), page)


CHINESE_PAGE = """华信健康网 医药频道

BCMA靶向CAR-T细胞疗法治疗复发难治性多发性骨髓瘤取得新进展

2024年6月4日 来源：华信健康网 编辑：陈晓雨

近日，一项发表在《新英格兰医学杂志》上的三期临床试验结果显示，靶向BCMA的CAR-T细胞疗法显著延长了复发难治性多发性骨髓瘤患者的无进展生存期。
该研究共纳入了三百八十一名既往接受过一至三线治疗的患者，中位随访时间为十五点九个月。
结果显示，治疗组患者的总体缓解率达到百分之八十四，其中完全缓解及以上的比例为百分之四十四。
与标准治疗方案相比，CAR-T细胞治疗组的疾病进展或死亡风险降低了百分之七十四。
最常见的不良反应为细胞因子释放综合征和中性粒细胞减少，大多数为一级或二级，均可通过常规治疗控制。
研究者表示，这一结果为早期复发的多发性骨髓瘤患者提供了一种新的、有效的治疗选择。
专家指出，未来还需要更长时间的随访来评估该疗法的长期疗效和安全性。
"""


# ---------------------------------------------------------------------------- the cases


@dataclass
class Outcome:
    """What a run made of one case folder's bad input (its good article left out)."""

    folder: Path
    articles: list[dict]
    rejects: list[dict]
    duplicates: list[dict]
    run: Run

    def reasons(self, suffix: str = "") -> list[str]:
        return [r["reason"] for r in self.rejects if r["source"]["path"].endswith(suffix)]

    def article(self, suffix: str) -> Optional[dict]:
        return next((a for a in self.articles if a["source"]["path"].endswith(suffix)), None)


@dataclass(frozen=True)
class Case:
    name: str
    batch: str
    build: Callable[[Path, Pages], None]     # writes the bad input into the case folder
    check: Callable[[Outcome], None]         # asserts on what became of it


def kept_or_rejected(outcome: Outcome, reasons: set[str], suffix: str = "") -> None:
    """The bad input either became an article or was rejected for one of ``reasons``."""
    kept = [a for a in outcome.articles if a["source"]["path"].endswith(suffix)]
    rejected = outcome.reasons(suffix)
    assert (len(kept), len(rejected)) in ((1, 0), (0, 1)), (kept and "kept", rejected)
    assert not rejected or rejected[0] in reasons, f"rejected as {rejected[0]}, expected one of {sorted(reasons)}"


def rejected_as(outcome: Outcome, reason: str, suffix: str = "", *others: str) -> None:
    """Exactly one reject of the bad input, for ``reason`` (or one of ``others``)."""
    reasons = outcome.reasons(suffix)
    assert len(reasons) == 1 and reasons[0] in (reason, *others), (
        f"expected one reject {(reason, *others)} for *{suffix}, got rejects {outcome.reasons()} "
        f"and articles {[a['source']['path'] for a in outcome.articles]}")


def kept_with_warning(outcome: Outcome, suffix: str = "") -> dict:
    article = outcome.article(suffix)
    assert article is not None, f"not an article; rejects: {outcome.rejects}"
    assert article["warnings"], "kept without a warning"
    return article


# -- near-duplicates


def build_near_duplicates(folder: Path, pages: Pages) -> None:
    lines = pages.text().split("\n")
    head, body = lines[:12], lines[12:]
    for copy in range(1, 6):
        shuffled = body[:]
        random.Random(copy).shuffle(shuffled)
        (folder / f"repost_{copy}.txt").write_text(renumbered("\n".join(head + shuffled), copy), encoding="utf-8")


def check_near_duplicates(outcome: Outcome) -> None:
    copies = {str(outcome.folder / f"repost_{n}.txt") for n in range(1, 6)}
    kept = {a["source"]["path"] for a in outcome.articles} & copies
    near = {d["source"]["path"]: d["duplicate_of"]["path"] for d in outcome.duplicates if d["source"]["path"] in copies}
    collapsed = {d["source"]["path"] for d in outcome.duplicates if d["source"]["path"] in copies and not d.get("kept")}
    assert not outcome.rejects, f"reposts rejected: {[(r['source']['path'], r['reason']) for r in outcome.rejects]}"
    # every copy is a record, or reported as a near-duplicate of a copy that is one
    assert kept and kept | collapsed == copies and len(kept) + len(collapsed) == 5, (sorted(kept), near)
    assert near and all(original in kept for original in near.values()), near


# -- sizes


def build_long_page(folder: Path, pages: Pages) -> None:
    """2 MiB of article prose (a page's long lines, renumbered copy after copy, no
    reference block that would end the body), under a page's own header."""
    page = pages.text()
    head = page.split("\n")[:12]
    prose = [line.strip() for line in page.split("\n")[12:] if len(line.split()) >= 12]
    parts, size, shift = [], 0, 0
    while size < 2 * MIB - 10_000:
        part = renumbered("\n".join(prose), shift)
        parts.append(part)
        size += len(part.encode("utf-8")) + 1
        shift += 1
    (folder / "long.txt").write_text("\n".join(head + parts), encoding="utf-8")
    assert 1.9 * MIB < (folder / "long.txt").stat().st_size < 5 * MIB


def build_huge_word(folder: Path, pages: Pages) -> None:
    (folder / "word.txt").write_text(insert_line(pages.text(), "ACGT" * 250_000), encoding="utf-8")


def build_a_at_line(folder: Path, pages: Pages) -> None:
    (folder / "email.txt").write_text(insert_line(pages.text(), "a@" * 5_000), encoding="utf-8")


def build_bomb(folder: Path, pages: Pages) -> None:
    started = time.monotonic()
    write_bomb(folder / "bomb.zip")
    assert (folder / "bomb.zip").stat().st_size < 3 * MIB and time.monotonic() - started < 20


# -- JSON lines


def write_jsonl(path: Path, objects: list[dict]) -> None:
    path.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")


def build_deep_json(folder: Path, pages: Pages) -> None:
    (folder / "deep.jsonl").write_text('{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")


def build_lone_surrogate(folder: Path, pages: Pages) -> None:
    write_jsonl(folder / "surrogate.jsonl", [{"id": "surrogate", "text": insert_line(pages.text(), "Pain \ud83d eased.")}])
    assert "\\ud83d" in (folder / "surrogate.jsonl").read_text()


def check_lone_surrogate(outcome: Outcome) -> None:
    kept_or_rejected(outcome, {"invalid_unicode"})
    if outcome.articles:
        kept_with_warning(outcome)


def build_duplicate_ids(folder: Path, pages: Pages) -> None:
    write_jsonl(folder / "feed.jsonl", [{"id": "same-id", "text": pages.text()}, {"id": "same-id", "text": pages.text()}])


def check_duplicate_ids(outcome: Outcome) -> None:
    assert [a["source"]["id"] for a in outcome.articles] == ["same-id"], outcome.articles and "several kept"
    assert outcome.reasons() == ["duplicate_id"], outcome.reasons()


def build_text_int(folder: Path, pages: Pages) -> None:
    write_jsonl(folder / "typed.jsonl", [{"id": "typed", "text": 123}])


def build_malformed_url(folder: Path, pages: Pages) -> None:
    write_jsonl(folder / "url.jsonl", [{"id": "url", "url": "http://[::1", "text": pages.text()}])


def check_malformed_url(outcome: Outcome) -> None:
    kept_or_rejected(outcome, {"invalid_url"})
    if outcome.articles:
        assert kept_with_warning(outcome)["source"]["url"] != "http://[::1"


# -- names, links, special files


def build_non_utf8_name(folder: Path, pages: Pages) -> None:
    with open(os.fsencode(folder) + b"/caf\xff.txt", "wb") as handle:
        handle.write(pages.text().encode("utf-8"))


def build_tar_non_utf8(folder: Path, pages: Pages) -> None:
    with tarfile.open(folder / "names.tar.gz", "w:gz", format=tarfile.GNU_FORMAT, encoding="utf-8",
                      errors="surrogateescape") as archive:
        for name, text in (("caf\udcff.txt", pages.text()), ("z_ok.txt", pages.text())):
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    assert b"caf\xff.txt" in gzip.decompress((folder / "names.tar.gz").read_bytes())[:1024]


def check_tar_non_utf8(outcome: Outcome) -> None:
    assert outcome.article("!z_ok.txt"), "the member after the bad name was not read"
    named = [a for a in outcome.articles if "caf" in a["source"]["path"]]
    assert (len(named), len(outcome.reasons())) in ((1, 0), (0, 1)), (named, outcome.rejects)
    assert named or outcome.reasons() == ["invalid_unicode"]


def check_non_utf8_name(outcome: Outcome) -> None:
    kept_or_rejected(outcome, {"invalid_unicode"})


def build_fifo(folder: Path, pages: Pages) -> None:
    os.mkfifo(folder / "pipe.txt")


def build_dev_zero(folder: Path, pages: Pages) -> None:
    os.symlink("/dev/zero", folder / "zero.txt")


def build_passwd(folder: Path, pages: Pages) -> None:
    os.symlink("/etc/passwd", folder / "passwd.txt")


# -- archives


def build_encrypted_zip(folder: Path, pages: Pages) -> None:
    data = zip_bytes([("a_secret.txt", pages.text().encode()), ("b_ok.txt", pages.text().encode())])
    (folder / "locked.zip").write_bytes(patch_zip_member(data, "a_secret.txt", flag_bits=0x1))
    assert zipfile.ZipFile(folder / "locked.zip").getinfo("a_secret.txt").flag_bits & 0x1


def build_deflate64_zip(folder: Path, pages: Pages) -> None:
    data = zip_bytes([("a_deflate64.txt", pages.text().encode()), ("b_ok.txt", pages.text().encode())])
    (folder / "deflate64.zip").write_bytes(patch_zip_member(data, "a_deflate64.txt", method=9))
    assert zipfile.ZipFile(folder / "deflate64.zip").getinfo("a_deflate64.txt").compress_type == 9


def build_corrupt_zip(folder: Path, pages: Pages) -> None:
    data = bytearray(zip_bytes([("a_corrupt.txt", pages.text().encode()), ("b_ok.txt", pages.text().encode())],
                               zipfile.ZIP_DEFLATED))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("a_corrupt.txt")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 40, start + info.compress_size - 40, 97):
        data[offset] ^= 0x5A
    (folder / "damaged.zip").write_bytes(bytes(data))


def archive_member_rejected(reason: str, member: str) -> Callable[[Outcome], None]:
    def check(outcome: Outcome) -> None:
        rejected_as(outcome, reason, f"!{member}")
        assert outcome.article("!b_ok.txt"), "the intact member after it was not read"
        assert len(outcome.rejects) == 1, outcome.rejects
    return check


def check_corrupt_zip(outcome: Outcome) -> None:
    assert outcome.article("!b_ok.txt"), f"the intact member after the corrupt one was not read; {outcome.rejects}"
    assert outcome.reasons() == ["corrupt_archive"], outcome.reasons()


# -- text kept verbatim


GT_SENTENCE = "ORR > 80% in patients aged > 65 was reported by the investigators of the expansion cohort."
SQL = "x'); DROP TABLE articles; --"
SCRIPT = '<script>alert("pwn")</script>'


def build_gt_signs(folder: Path, pages: Pages) -> None:
    (folder / "signs.txt").write_text(insert_line(pages.text(), GT_SENTENCE), encoding="utf-8")


def check_gt_signs(outcome: Outcome) -> None:
    article = outcome.article("signs.txt")
    assert article, outcome.rejects
    assert GT_SENTENCE in article["text"]


def build_invalid_byte(folder: Path, pages: Pages) -> None:
    page = insert_line(pages.text(), "Professor Müller of the University of Erlangen led the study with her team.")
    data = page.encode("utf-8")
    cut = data.index(b". ", len(data) // 3) + 1
    (folder / "byte.txt").write_bytes(data[:cut] + b"\xff" + data[cut:])


def check_invalid_byte(outcome: Outcome) -> None:
    article = kept_with_warning(outcome, "byte.txt")
    assert "Müller" in article["text"], "the UTF-8 text was not kept as UTF-8"


def build_stray_nul(folder: Path, pages: Pages) -> None:
    data = pages.text().encode("utf-8")
    cut = data.index(b". ", len(data) // 2) + 1
    (folder / "nul.txt").write_bytes(data[:cut] + b"\x00" + data[cut:])


def check_stray_nul(outcome: Outcome) -> None:
    assert "\x00" not in kept_with_warning(outcome, "nul.txt")["text"]


def build_sql_script(folder: Path, pages: Pages) -> None:
    page = insert_line(pages.text(), f"The sponsor said the code name \"{SQL}\" was a joke by its engineers.")
    page = insert_line(page, f"The page also carried {SCRIPT} in the middle of this very sentence today.")
    (folder / "quotes.txt").write_text(page, encoding="utf-8")


def check_sql_script(outcome: Outcome) -> None:
    article = outcome.article("quotes.txt")
    assert article, outcome.rejects
    assert SQL in article["text"] and SCRIPT in article["text"]
    with sqlite3.connect(outcome.run.out / "articles.sqlite") as db:
        (stored,) = db.execute("select text from articles where doc_id = ?", (article["doc_id"],)).fetchone()
    assert stored == article["text"]


def build_chinese(folder: Path, pages: Pages) -> None:
    (folder / "zh.txt").write_text(CHINESE_PAGE, encoding="utf-8")


# -- HTML


def build_deep_divs(folder: Path, pages: Pages) -> None:
    body = "".join(f"<p>{line}</p>" for line in body_of(pages.text()).split("\n"))
    html = "<html><head><title>Deep</title></head><body>" + "<div>" * 100_000 + body + "</div>" * 100_000
    (folder / "deep.html").write_text(html + "</body></html>", encoding="utf-8")


def build_million_p(folder: Path, pages: Pages) -> None:
    body = "".join(f"<p>{line}</p>" for line in body_of(pages.text()).split("\n"))
    html = "<html><head><title>Paragraphs</title></head><body>" + body + "<p>" * 1_000_000 + "</body></html>"
    (folder / "many.html").write_text(html, encoding="utf-8")
    assert (folder / "many.html").stat().st_size < 5 * MIB


CASES = [
    Case("near_duplicates", "files", build_near_duplicates, check_near_duplicates),
    Case("page_2mib", "long", build_long_page, lambda o: kept_or_rejected(o, {"too_long"})),
    Case("word_1mb", "long", build_huge_word, lambda o: kept_or_rejected(o, {"too_long"})),
    Case("jsonl_100k_deep", "text", build_deep_json, lambda o: rejected_as(o, "too_deep")),
    Case("lone_surrogate", "text", build_lone_surrogate, check_lone_surrogate),
    Case("name_not_utf8", "files", build_non_utf8_name, check_non_utf8_name),
    Case("zip_encrypted_member", "files", build_encrypted_zip, archive_member_rejected("encrypted", "a_secret.txt")),
    Case("zip_deflate64_member", "files", build_deflate64_zip,
         archive_member_rejected("unsupported_compression", "a_deflate64.txt")),
    Case("tar_name_not_utf8", "files", build_tar_non_utf8, check_tar_non_utf8),
    Case("word_a_at_10kb", "text", build_a_at_line, lambda o: kept_or_rejected(o, {"timeout"})),
    Case("fifo", "files", build_fifo, lambda o: rejected_as(o, "not_regular_file")),
    Case("symlink_dev_zero", "files", build_dev_zero, lambda o: rejected_as(o, "symlink", "", "not_regular_file")),
    Case("zip_bomb_2gib_line", "bomb", build_bomb, lambda o: rejected_as(o, "oversized")),
    Case("symlink_etc_passwd", "files", build_passwd, lambda o: rejected_as(o, "symlink")),
    Case("sentence_two_gt", "text", build_gt_signs, check_gt_signs),
    Case("utf8_one_invalid_byte", "text", build_invalid_byte, check_invalid_byte),
    Case("stray_nul", "text", build_stray_nul, check_stray_nul),
    Case("zip_corrupt_member", "files", build_corrupt_zip, check_corrupt_zip),
    Case("html_100k_nested_div", "html", build_deep_divs, lambda o: kept_or_rejected(o, {"too_deep"})),
    Case("html_million_p", "html", build_million_p,
         lambda o: kept_or_rejected(o, {"too_long", "too_deep", "timeout", "no_body_text"})),
    Case("jsonl_duplicate_ids", "text", build_duplicate_ids, check_duplicate_ids),
    Case("jsonl_text_is_number", "text", build_text_int, lambda o: rejected_as(o, "invalid_field")),
    Case("jsonl_malformed_url", "text", build_malformed_url, check_malformed_url),
    Case("untranslated_chinese", "text", build_chinese, lambda o: rejected_as(o, "not_english")),
    Case("sql_quotes_and_script", "text", build_sql_script, check_sql_script),
]


# ---------------------------------------------------------------------------- batch runs


@dataclass
class BatchRun:
    run: Run
    folders: dict[str, Path]
    goods: dict[str, Path]
    build_errors: dict[str, str]


class Batches:
    """Builds and runs each batch once, on first use."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.done: dict[str, BatchRun] = {}

    def get(self, batch: str) -> BatchRun:
        if batch not in self.done:
            self.done[batch] = self._run(batch, [c for c in CASES if (c.name if ALONE else c.batch) == batch])
        return self.done[batch]

    def _run(self, batch: str, cases: list[Case]) -> BatchRun:
        base = self.factory.mktemp(f"hostile-{batch}")
        root, out = base / "root", base / "out"
        pages = Pages()
        folders, goods, errors = {}, {}, {}
        for case in cases:
            folder = root / "inputs" / case.name
            folder.mkdir(parents=True)
            page = pages.good()
            goods[case.name] = folder / f"good{page.suffix}"
            goods[case.name].write_bytes(page.read_bytes())
            try:
                case.build(folder, pages)
            except (AssertionError, OSError) as err:
                errors[case.name] = f"building the fixture failed: {err!r}"
            folders[case.name] = folder
        run = pipeline(["run", *map(str, folders.values()), "--out", str(out)], root, out)
        print(f"\nbatch {batch}: {len(cases)} cases, {run.seconds:.1f} s, peak RSS {run.max_rss / MIB:.0f} MiB")
        return BatchRun(run, folders, goods, errors)


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory) -> Batches:
    return Batches(tmp_path_factory)


def check_run(run: Run) -> None:
    """What every hostile run must show: exit 0 within time and memory, a reconciled
    run.json whose counts are the output files' lines, nothing written outside OUT."""
    assert run.code == 0, run.describe()
    assert run.max_rss < MAX_RSS, run.describe()
    assert not run.outside, f"written outside OUT: {run.outside[:10]}"
    report = run.report
    # a near-duplicate kept as a record is reported in duplicates.jsonl ("kept": true) but counted as an article
    articles, rejects = len(run.articles), len(run.rejects)
    duplicates = sum(not d.get("kept", False) for d in run.duplicates)
    assert report["reconciled"] is True, report
    assert report["inputs_read"] == articles + rejects + duplicates, (report["inputs_read"], articles, rejects, duplicates)
    assert (report["articles_written"], report["rejects"], report["duplicates"]) == (articles, rejects, duplicates)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case: Case, batches: Batches) -> None:
    batch = batches.get(case.name if ALONE else case.batch)
    assert case.name not in batch.build_errors, batch.build_errors[case.name]
    run = batch.run
    check_run(run)
    good = str(batch.goods[case.name])
    assert [a["source"]["path"] for a in run.articles].count(good) == 1, f"the good article {good} is not an article"
    assert good not in {r["source"]["path"] for r in run.rejects}
    inside = str(batch.folders[case.name]) + os.sep

    def mine(record: dict) -> bool:
        return record["source"]["path"].startswith(inside) and record["source"]["path"] != good
    case.check(Outcome(batch.folders[case.name], [a for a in run.articles if mine(a)],
                       [r for r in run.rejects if mine(r)], [d for d in run.duplicates if mine(d)], run))


# ---------------------------------------------------------------------------- loud failures


def assert_loud(run: Run) -> None:
    """Non-zero, one line on stderr, no traceback, nothing written."""
    assert run.code not in (0, None), run.describe()
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, f"stderr is not one line:\n{run.stderr[-2000:]}"
    assert not run.outside, f"written: {run.outside[:10]}"


@pytest.fixture
def good_folder(tmp_path: Path) -> tuple[Path, Path]:
    """(root, a folder with one good article inside root)."""
    root = tmp_path / "root"
    folder = root / "dump"
    folder.mkdir(parents=True)
    page = Pages().good()
    (folder / page.name).write_bytes(page.read_bytes())
    return root, folder


def test_missing_input_fails_loudly(good_folder: tuple[Path, Path]) -> None:
    root, _ = good_folder
    out = root / "out"
    run = pipeline(["run", str(root / "no-such-dump"), "--out", str(out)], root, root / "unused")
    assert_loud(run)
    assert not out.exists()


def test_eval_without_gold_fails_loudly(good_folder: tuple[Path, Path]) -> None:
    root, _ = good_folder
    (root / "articles.jsonl").write_text("", encoding="utf-8")
    assert_loud(pipeline(["eval", str(root / "articles.jsonl"), str(root / "no-gold")], root, root / "unused"))


def test_out_that_is_a_file_fails_loudly(good_folder: tuple[Path, Path]) -> None:
    root, folder = good_folder
    (root / "out.txt").write_text("keep me\n", encoding="utf-8")
    assert_loud(pipeline(["run", str(folder), "--out", str(root / "out.txt")], root, root / "unused"))
    assert (root / "out.txt").read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize("where", ["equal", "inside"])
def test_out_overlapping_an_input_is_refused(good_folder: tuple[Path, Path], where: str) -> None:
    root, folder = good_folder
    out = folder if where == "equal" else folder / "out"
    assert_loud(pipeline(["run", str(folder), "--out", str(out)], root, root / "unused"))


def test_kb_build_without_data_fails_loudly(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    run = pipeline(["kb", "build", "--data", "/nonexistent", "--out", str(root / "kb.msgpack.gz")], root, root / "unused")
    assert_loud(run)
    assert not any(root.glob("kb*"))


# ---------------------------------------------------------------------------- concurrency, kill -9


VOLATILE = {"seconds", "started", "finished", "elapsed", "duration", "pid", "lock"}


#: pairs of counts whose split says how much a rerun reused from a killed run; their sum
#: is what every run must agree on
REUSE_SPLITS = (("processed", "reused"), ("pages_processed", "pages_reused"))


def _stable(value: object) -> object:
    if isinstance(value, dict):
        stable = {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
        for processed, reused in REUSE_SPLITS:
            if processed in stable and reused in stable:
                stable[f"{processed}+{reused}"] = stable.pop(processed) + stable.pop(reused)
        return stable
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def outputs(out: Path) -> dict[str, object]:
    """What a run leaves, in a comparable form: the visible top-level files, the JSON-lines
    outputs, run.json without timings, and every table of articles.sqlite."""
    found: dict[str, object] = {"files": sorted(p.name for p in out.iterdir() if not p.name.startswith("."))}
    for name in ("articles.jsonl", "rejects.jsonl", "duplicates.jsonl"):
        path = out / name
        found[name] = path.read_text(encoding="utf-8") if path.exists() else None
    found["run.json"] = _stable(json.loads((out / "run.json").read_text(encoding="utf-8")))
    with sqlite3.connect(out / "articles.sqlite") as db:
        tables = [t for (t,) in db.execute("select name from sqlite_master where type = 'table' order by name")]
        # a run's own row in `runs` says when and where it was written: compared without those
        found["sqlite"] = {t: sorted(map(repr, db.execute(
            "select run_id, records_sha256, writer, records_read, articles_written, articles_unchanged, rejected from runs" if t == "runs"
            else f"select * from {t}"))) for t in tables}
    found["temporary"] = sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp"))
    return found


@dataclass
class Baseline:
    root: Path
    dump: Path
    run: Run
    second: Run          # a run started into the same OUT while the first was running


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    """An uninterrupted run over two corpus pages and one reject, with a second run into
    the same OUT started while the first is running."""
    base = tmp_path_factory.mktemp("kill")
    root, out = base / "root", base / "root" / "out"
    dump = root / "dump"
    dump.mkdir(parents=True)
    pages = Pages()
    for _ in range(2):
        page = pages.good()
        (dump / page.name).write_bytes(page.read_bytes())
    (dump / "empty.txt").write_bytes(b"")
    args = ["run", str(dump), "--out", str(out)]
    first_started = time.monotonic()
    first = start(args, root)
    while not out.exists() and first.poll() is None and time.monotonic() - first_started < TIMEOUT:
        time.sleep(0.01)
    second = finish(start(args, root), out, time.monotonic())
    run = finish(first, out, first_started)
    return Baseline(root, dump, run, second)


def test_uninterrupted_run_is_complete(baseline: Baseline) -> None:
    check_run(baseline.run)
    assert len(baseline.run.articles) == 2 and [r["reason"] for r in baseline.run.rejects] == ["empty"]
    assert baseline.run.report.get("complete") is True, "run.json does not say the run is complete"
    for name in ("articles.jsonl", "articles.sqlite", "rejects.jsonl", "duplicates.jsonl", "run.json"):
        assert (baseline.run.out / name).stat().st_mode & 0o777 == 0o644, name


def test_second_run_into_the_same_out_is_refused(baseline: Baseline) -> None:
    assert baseline.run.code == 0, baseline.run.describe()
    second = baseline.second
    assert second.code not in (0, None), f"the second run was not refused: {second.describe()}"
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in second.stderr, second.stderr[-2000:]


#: (name, a file under OUT whose appearance is the moment to kill, share of the baseline's
#: duration after which the run is killed anyway if that file never appears)
KILL_POINTS = [("ingest", "inputs.json", 0.1), ("ner", "cleaned.jsonl", 0.4), ("export", "normalized.jsonl", 0.9)]


@pytest.mark.parametrize("point", KILL_POINTS, ids=[p[0] for p in KILL_POINTS])
def test_kill_9_then_rerun_equals_an_uninterrupted_run(baseline: Baseline, tmp_path: Path, point) -> None:
    name, marker, share = point
    assert baseline.run.code == 0, baseline.run.describe()
    out = tmp_path / "out"
    args = ["run", str(baseline.dump), "--out", str(out)]
    started = time.monotonic()
    budget = share * baseline.run.seconds

    def now() -> bool:
        return next(out.rglob(marker), None) is not None or time.monotonic() - started > budget
    killed = finish(start(args, baseline.root), out, started, timeout=None, kill_when=now)
    assert killed.code is None, f"the run ended before the kill point '{name}': {killed.describe()}"
    if (out / "run.json").exists() and killed.code is None:
        assert json.loads((out / "run.json").read_text(encoding="utf-8")).get("complete") is not True, \
            "a killed run left a run.json that says it is complete"
    rerun = finish(start(args, baseline.root), out, time.monotonic())
    assert rerun.code == 0, rerun.describe()
    assert outputs(out) == outputs(baseline.run.out)
