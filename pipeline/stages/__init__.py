"""The pipeline's stages, each a plain function from input records to output records:

    ingest -> clean -> ner -> relations -> normalize -> export
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, TypeVar, Union

from ..isolation import isolate
from ..schema import Reject

In = TypeVar("In")
Out = TypeVar("Out")


def per_record(stage: str, function: Callable[[In], Union[Out, Reject]]) -> Callable[[Iterable[In]], Iterator[Union[Out, Reject]]]:
    """Lift a one-record function to a stage over a stream; a record the function fails
    on becomes a ``Reject`` with the error, and the stream goes on (``isolate``, without a
    time budget: the runner sets one where it wires the stages)."""
    guarded = isolate(function, stage)

    def run(records: Iterable[In]) -> Iterator[Union[Out, Reject]]:
        return map(guarded, records)
    return run
