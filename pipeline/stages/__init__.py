"""The pipeline's stages, each a plain function from input records to output records:

    ingest -> clean -> ner -> relations -> normalize -> export
"""
from __future__ import annotations

import traceback
from typing import Callable, Iterable, Iterator, TypeVar, Union

from ..schema import Reject, RejectReason

In = TypeVar("In")
Out = TypeVar("Out")


def per_record(stage: str, function: Callable[[In], Union[Out, Reject]]) -> Callable[[Iterable[In]], Iterator[Union[Out, Reject]]]:
    """Lift a one-record function to a stage over a stream; a record the function fails
    on becomes a ``Reject`` with the error, and the stream goes on."""
    def run(records: Iterable[In]) -> Iterator[Union[Out, Reject]]:
        for record in records:
            try:
                yield function(record)
            except Exception as err:  # one bad record must not end a run over millions
                where = traceback.extract_tb(err.__traceback__)[-1]
                yield Reject(source=record.source, stage=stage, reason=RejectReason.PROCESSING_ERROR,
                             detail=f"{type(err).__name__}: {err} ({where.filename.split('/')[-1]}:{where.lineno})"[:500],
                             doc_id=getattr(record, "doc_id", None))
    return run
