"""Coverage-guided fuzzing of the per-page code (``make fuzz``).

Three targets, each a function from bytes to nothing that raises only on a fault
(``targets``): ``ingest`` (a file of any supported kind, read and decoded), ``clean``
(a page's text, as text or as HTML, through both per-page passes) and ``ner`` (a cleaned
text through the ner stage, then relations and normalize). ``harness`` runs one target
under atheris (libFuzzer) and records every fault with the input that caused it;
``seeds`` builds the seed corpora from ``corpus/dump`` at fuzz time; ``__main__`` runs the
targets for a time budget each and prints their figures.

A crash is any exception a target raises (a ``Reject`` is an answer, not an exception);
a hang is one input taking longer than the per-input budget (5 s).
"""
