"""JSON-lines reading and atomic writing of stage records."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import IO, Iterator, TypeVar, Union

from pydantic import BaseModel, ValidationError

from .schema import Reject, RejectReason, Source

M = TypeVar("M", bound=BaseModel)


@lru_cache(maxsize=1)
def file_mode() -> int:
    """The permissions a new file gets under the process's umask (0644 under the usual
    022). ``mkstemp`` creates files 0600; outputs are meant to be read by others."""
    try:  # Linux: read without changing it, which is safe with threads
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and rename it into place on success,
    so a reader never sees a half-written stage output. The file gets the permissions of
    any new file under the user's umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump_line(record: BaseModel) -> str:
    return record.model_dump_json(exclude_none=False) + "\n"


def write_text_atomic(path: Path, text: str) -> None:
    """``path.write_text`` that a kill cannot leave half-written."""
    with atomic_writer(path) as handle:
        handle.write(text)


def read_records(path: Path, model: type[M], stage: str) -> Iterator[Union[M, Reject]]:
    """Stream ``model`` records from a JSON-lines file; a line that does not parse or
    validate becomes a ``Reject`` rather than stopping the stage."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield model.model_validate_json(line)
            except ValidationError as err:
                yield _bad_line(path, number, line, stage, err)


def _bad_line(path: Path, number: int, line: str, stage: str, err: ValidationError) -> Reject:
    source = Source(path=f"{path}#L{number}", id=f"{path.stem}-L{number}")
    doc_id = None
    try:
        raw = json.loads(line)
        if isinstance(raw, dict):
            doc_id = raw.get("doc_id")
            if isinstance(raw.get("source"), dict):
                source = Source.model_validate(raw["source"])
    except (ValueError, ValidationError):
        pass
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return Reject(source=source, stage=stage, reason=RejectReason.INVALID_RECORD,
                  detail=f"{where}: {first.get('msg', 'invalid')}"[:500], doc_id=doc_id)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
