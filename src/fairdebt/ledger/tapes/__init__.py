"""Loan tapes: a lender's products, borrowers, loans, schedules and payments from CSV or Parquet.

Loading is all or nothing: :func:`check_tape` reads every file (:mod:`fairdebt.ledger.tapes.sheets`:
encodings, quoting, ragged rows, fake Parquet), checks every row on its own (types, amounts,
dates, time zones, required ids, lengths, unknown columns) and against the rest of the tape and
the ledger (unknown borrower, loan or product; a product, borrower or loan already in the
ledger; a payment id already posted with other values; payment before disbursement; a schedule
that does not sum to the principal; an id twice in a file), and returns every problem as a
:class:`RowProblem` naming file, line and field. Only a tape with no problem is written, by
:func:`load_tape`, in the caller's one transaction through the ledger verbs, so nothing is ever
half loaded (docs/decisions/loan-tapes.md). Should a verb still refuse a record at write time,
:func:`locate` names its file, line and field and :meth:`Tape.without` drops it (with what
depends on it), so that the caller can roll back, try again and report every such record, not
just the first. Line numbers are the CSV's own (the header is line 1); for Parquet they are row
numbers from 1.
"""

from fairdebt.ledger.tapes.checks import RowProblem, Tape, check_tape, read_rows
from fairdebt.ledger.tapes.columns import KINDS, LAST_DATE
from fairdebt.ledger.tapes.writing import LoadSummary, load_tape, locate

__all__ = [
    "KINDS",
    "LAST_DATE",
    "LoadSummary",
    "RowProblem",
    "Tape",
    "check_tape",
    "load_tape",
    "locate",
    "read_rows",
]
