"""The output folder of a run: who may write it, where it may stand, and how a run's final
outputs appear in it together.

- ``claim(out)``: one run at a time per folder (``fcntl.flock`` on ``OUT/.lock``, released
  by the kernel when the process ends, however it ends); the folder must be a writable
  folder; temporaries an interrupted run left behind are removed.
- ``check_inputs(inputs, out)``: every input exists; the output folder is neither an input
  nor inside one, and no input is inside it — else a run would read its own outputs as
  input on the next run, or overwrite an input named like an output.
- ``Staging``: ``articles.jsonl``, ``articles.sqlite``, ``rejects.jsonl``,
  ``duplicates.jsonl`` and ``run.json`` are written into ``OUT/.staging/`` and then renamed
  into ``OUT``; the old ``run.json`` is removed before the first rename and the new one
  renamed last. So whenever ``OUT/run.json`` exists, the files beside it are the run it
  describes; a run killed half-way leaves no ``run.json`` (or the previous run's, with the
  previous run's files), never a mix.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence, Union

from .errors import OutputBusy, Refused
from .jsonl import file_mode

LOCK = ".lock"
STAGING = ".staging"
REPORT = "run.json"
#: the final outputs besides ``run.json``, renamed into place in this order
OUTPUTS = ("articles.jsonl", "articles.sqlite", "rejects.jsonl", "duplicates.jsonl")
#: temporaries writers leave when killed: ``jsonl.atomic_writer``'s and SQLite's
TEMPORARY_PATTERNS = (".*.tmp", ".*.tmp-journal", ".*.tmp-wal", ".*.tmp-shm")


def check_output_folder(out: Path) -> None:
    """Refuse an output path that is a file (or a link to one)."""
    if out.exists() and not out.is_dir():
        raise Refused(f"--out {out} is a file, not a folder")


def check_inputs(inputs: Sequence[Union[str, Path]], out: Path) -> None:
    """Refuse a missing input, and an output folder that is, or is inside, an input — or
    holds one: the next run would read this run's outputs as pages (articles 7 -> 14), and
    an input named ``articles.jsonl`` would be overwritten."""
    target = out.resolve()
    for given in inputs:
        path = Path(given)
        if not path.exists():
            raise Refused(f"input not found: {path}")
        source = path.resolve()
        if target == source or source in target.parents:
            where = "is the input" if target == source else "is inside the input"
            raise Refused(f"--out {out} {where} {path}: the next run would read this run's outputs; "
                          "choose an output folder outside the inputs")
        if target in source.parents:
            raise Refused(f"input {path} is inside --out {out}: choose an output folder that holds no input")


@contextmanager
def claim(out: Path) -> Iterator[None]:
    """Hold ``out`` for this process: create it, lock it, make sure it can be written and
    remove what an interrupted run left; refuse (``OutputBusy``) while another run holds it."""
    check_output_folder(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise Refused(f"cannot write to --out {out}: {err.strerror or err}") from err
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
            raise OutputBusy(f"--out {out} is in use by another run{f' (pid {holder})' if holder else ''}; "
                             "wait for it to finish or choose another folder") from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        _probe_writable(out)
        remove_temporaries(out)
        yield
    finally:
        os.close(descriptor)


def _probe_writable(out: Path) -> None:
    """Fail now, with one line, rather than after hours of processing."""
    try:
        descriptor, name = tempfile.mkstemp(prefix=".probe.", suffix=".tmp", dir=out)
        os.close(descriptor)
        os.unlink(name)
    except OSError as err:
        raise Refused(f"cannot write to --out {out}: {err.strerror or err}") from err


def remove_temporaries(out: Path) -> None:
    """Remove what a killed run left: the staging folder and writers' temporaries in
    ``OUT`` and ``OUT/work``. Only called with the folder's lock held."""
    shutil.rmtree(out / STAGING, ignore_errors=True)
    for folder in (out, out / "work"):
        for pattern in TEMPORARY_PATTERNS:
            for path in folder.glob(pattern):
                path.unlink(missing_ok=True)


class Staging:
    """Final outputs written beside ``OUT`` (in ``OUT/.staging``, same file system) and
    committed together; see the module's docstring for the order that makes it safe."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.folder = out / STAGING

    def __enter__(self) -> "Staging":
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Whether committed or failed (a full disk), nothing staged stays behind."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def path(self, name: str) -> Path:
        return self.folder / name

    def commit(self, names: Iterable[str] = OUTPUTS, report: str = REPORT) -> None:
        """Flush the staged files, withdraw the old report, rename the outputs into
        place and the new report last."""
        names = list(names)
        mode = file_mode()
        for name in names + [report]:
            _flush(self.path(name), mode)
        (self.out / report).unlink(missing_ok=True)
        _sync_folder(self.out)
        for name in names:
            _move(self.path(name), self.out / name)
        _sync_folder(self.out)
        _move(self.path(report), self.out / report)
        _sync_folder(self.out)


def _flush(path: Path, mode: int) -> None:
    """Give the file the user's permissions and put it on disk before it is renamed, so
    that after a crash a renamed output is never an empty one."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fchmod(descriptor, mode)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _move(source: Path, target: Path) -> None:
    os.replace(source, target)


def _sync_folder(folder: Path) -> None:
    """Make renames in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
