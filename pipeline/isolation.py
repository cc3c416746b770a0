"""One page's trouble stays that page's: the guards the runner puts around each stage's
per-page function, and the ones a stage's rules use inside a page.

- ``isolate(function, stage, seconds)``: a record in, the function's record out — or a
  ``Reject`` naming why (``timeout``, ``too_long``, ``invalid_unicode``,
  ``processing_error``) when the function raises or overruns its time budget; the run goes
  on with the next record.
- ``time_budget(seconds)``: raises ``Timeout`` in the main thread when a page takes longer
  than ``seconds`` (``SIGALRM`` from ``setitimer``); anywhere else it sets no budget.
- ``Steps``: a page's rules run one by one; a rule that raises is skipped and named in the
  record's warnings, so one faulty rule costs some relations or findings, not the article.

Stage modules stay plain functions; the runner applies these guards where it wires them.
"""
from __future__ import annotations

import signal
import threading
import traceback
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional, TypeVar, Union

from .schema import Reject, RejectReason, Source

In = TypeVar("In")
Out = TypeVar("Out")
T = TypeVar("T")

#: seconds one stage may spend on one page before the page is rejected as ``timeout``
PAGE_SECONDS = 20.0
#: longest ``detail`` written into a reject
DETAIL_CHARS = 500


class Timeout(BaseException):
    """The page's time budget is spent. Derived from ``BaseException``, like
    ``KeyboardInterrupt``, so that an ``except Exception`` in a library or around one of
    the page's rules does not swallow it and carry on past the budget."""


class PageRejected(Exception):
    """Raised by a stage's per-page function for a page it declines on purpose (a
    documented limit): ``isolate`` turns it into a reject with this reason."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


_armed = False


def _on_alarm(signum: int, frame: Any) -> None:
    """Outside a budget (an alarm delivered just after the page finished) it does nothing."""
    if _armed:
        raise Timeout()


def _can_alarm() -> bool:
    """Signal handlers can be set only in the main thread, and only where SIGALRM exists."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: Optional[float]) -> Iterator[None]:
    """Raise ``Timeout`` in the body if it runs longer than ``seconds``. No budget when
    ``seconds`` is None or not positive, outside the main thread, inside another budget (the
    outer one governs) or on a platform without SIGALRM. The timer is cleared on the way
    out, whatever happened; the handler stays installed and is inert between budgets, so a
    late alarm never reaches the next page or kills the process."""
    global _armed
    if not seconds or seconds <= 0 or not _can_alarm() or (_armed and signal.getitimer(signal.ITIMER_REAL)[0] > 0):
        yield
        return
    if signal.getsignal(signal.SIGALRM) is not _on_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
    _armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _armed = False


def isolate(function: Callable[[In], Union[Out, Reject]], stage: str, seconds: Optional[float] = None
            ) -> Callable[[In], Union[Out, Reject]]:
    """``function`` over one record, guarded: whatever it raises, and a time budget spent,
    becomes that record's ``Reject`` with a named reason, so one page never ends a run over
    millions. A ``Reject`` given in passes through."""
    def guarded(record: In) -> Union[Out, Reject]:
        if isinstance(record, Reject):
            return record
        try:
            with time_budget(seconds):
                return function(record)
        except Timeout:
            return reject_for(record, stage, RejectReason.TIMEOUT, f"took longer than the {seconds:g} s page budget")
        except PageRejected as err:
            return reject_for(record, stage, err.reason, err.detail)
        except UnicodeError as err:
            return reject_for(record, stage, RejectReason.INVALID_UNICODE, describe(err))
        except Exception as err:  # one bad record must not end a run over millions
            return reject_for(record, stage, RejectReason.PROCESSING_ERROR, describe(err))
    return guarded


def describe(err: BaseException) -> str:
    """The error and where it was raised, on one line, e.g. ``KeyError: 'x' (relations.py:101)``."""
    frames = traceback.extract_tb(err.__traceback__)
    where = f" ({frames[-1].filename.split('/')[-1]}:{frames[-1].lineno})" if frames else ""
    message = " ".join(str(err).split())
    if len(message) > DETAIL_CHARS // 2:
        message = message[:DETAIL_CHARS // 2] + "…"
    return f"{type(err).__name__}: {message}{where}"


def reject_for(record: Any, stage: str, reason: RejectReason, detail: str) -> Reject:
    """A reject for ``record`` that can itself be written: text that cannot be encoded
    (lone surrogates from a file name or a JSON escape) is escaped in the source and the
    detail, so the reject of an ``invalid_unicode`` page is not a second failure."""
    source = getattr(record, "source", None)
    if not isinstance(source, Source):
        source = Source(path="?", id="?")
    doc_id = getattr(record, "doc_id", None)
    return Reject(source=Source(path=encodable(source.path), id=encodable(source.id),
                                url=encodable(source.url) if source.url is not None else None),
                  stage=stage, reason=reason, detail=encodable(detail)[:DETAIL_CHARS],
                  doc_id=encodable(doc_id) if isinstance(doc_id, str) else None)


def encodable(text: str) -> str:
    """``text`` with what UTF-8 cannot encode written as a backslash escape (``\\udc80``)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class Steps:
    """The rules one page runs, each guarded on its own: a rule that raises is skipped and
    reported once in the record's warnings (with how many times it failed), and the page
    goes on with what the other rules found. ``Timeout`` is not caught: the page's budget
    still ends the page."""

    def __init__(self, stage: str) -> None:
        self.stage = stage
        self._failures: dict[str, tuple[int, str]] = {}

    def step(self, name: str) -> "_Step":
        """Run the body as rule ``name``; an exception ends the body, not the page."""
        return _Step(self, name)

    def run(self, name: str, function: Callable[..., T], *args: Any, default: T) -> T:
        """``function(*args)``, or ``default`` when the rule raises."""
        try:
            return function(*args)
        except Exception as err:
            self._fail(name, err)
            return default

    def _fail(self, name: str, err: Exception) -> None:
        count, first = self._failures.get(name, (0, describe(err)))
        self._failures[name] = (count + 1, first)

    @property
    def warnings(self) -> list[str]:
        return [f"{self.stage}: rule '{name}' skipped{f' {count} times' if count > 1 else ''} after {first}"
                for name, (count, first) in self._failures.items()]


class _Step:
    """``Steps.step``'s guard as a plain context manager: a page enters thousands of them,
    and a generator-based one costs several times more to enter and leave."""

    __slots__ = ("steps", "name")

    def __init__(self, steps: Steps, name: str) -> None:
        self.steps = steps
        self.name = name

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Optional[type[BaseException]], err: Optional[BaseException], trace: Any) -> bool:
        if kind is not None and issubclass(kind, Exception):
            self.steps._fail(self.name, err)  # type: ignore[arg-type]
            return True
        return False
