"""Failures a command reports in one line, each with its exit status (see the README's
"Failures and limits")."""
from __future__ import annotations

#: the run finished and its counts reconcile
EXIT_OK = 0
#: the run finished but its counts do not reconcile
EXIT_NOT_RECONCILED = 1
#: refused before writing anything: a missing input, a bad output folder, missing data
EXIT_REFUSED = 2
#: another run holds the output folder
EXIT_BUSY = 3
#: the run failed part-way (an I/O error such as a full disk); the previous outputs stand
EXIT_FAILED = 4


class Refused(Exception):
    """A command that cannot start; the message is one line for the user."""

    exit_code = EXIT_REFUSED


class OutputBusy(Refused):
    """Another run holds the output folder's lock."""

    exit_code = EXIT_BUSY
