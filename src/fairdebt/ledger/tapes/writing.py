"""Writing a checked loan tape through the ledger verbs, and placing a verb's refusal on its row.

:func:`load_tape` writes in the caller's one transaction. Should a verb refuse a record that
the checks could not see (a product above its legal cost cap, a loan above its cap at the LPR
in force), :func:`locate` names the record's file, line and field, and the caller rolls back
and tries again with :meth:`~fairdebt.ledger.tapes.checks.Tape.without`, so that every such
record is reported, not just the first (docs/decisions/loan-tapes.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import FairdebtError
from fairdebt.ledger.borrowers import register_borrowers
from fairdebt.ledger.installments import chunked
from fairdebt.ledger.loans import LoanIn, disburse_many
from fairdebt.ledger.payments import PostResult, post_payments
from fairdebt.ledger.products import create_product
from fairdebt.ledger.tapes.checks import RowProblem, Tape
from fairdebt.models import Borrower

__all__ = ["LoadSummary", "load_tape", "locate"]


@dataclass(frozen=True, slots=True)
class LoadSummary:
    products: int
    borrowers: int
    loans: int
    payments: int
    duplicate_payments: int


_RECORD = re.compile(r"^(product|borrower|loan|payment) (\S+?)(?=[,:]|\s|$)")
_KEY_FIELD = {
    "product": "code",
    "borrower": "external_id",
    "loan": "external_id",
    "payment": "external_id",
}


def locate(tape: Tape, error: FairdebtError) -> tuple[RowProblem, tuple[str, str] | None]:
    """The file, line and field of a record a verb refused at write time, and its key.

    The verbs name the record first (``loan L-1, field principal_due: ...``, ``product P:
    ...``, ``borrower B-1 is already registered``). When the error names no record of the tape,
    the key is None and the problem is placed on the tape as a whole (file ``(tape)``).
    """
    record = getattr(error, "record", None)
    message = getattr(error, "message", None) or str(error)
    field_name = getattr(error, "field", None)
    for text in (record, str(error)):
        found = _RECORD.match(text or "")
        if found is None:
            continue
        kind, key = found.group(1), found.group(2)
        where = tape.lines.get((kind, key))
        if where is not None:
            problem = RowProblem(where[0], where[1], field_name or _KEY_FIELD[kind], message)
            return problem, (kind, key)
    return RowProblem("(tape)", 0, field_name or "-", str(error)), None


def load_tape(
    session: Session,
    *,
    tape: Tape,
    actor: str,
    at: dt.datetime,
    step: Callable[[str], None] = lambda _: None,
) -> LoadSummary:
    """Write a checked tape through the ledger verbs, in the caller's transaction."""
    step("products")
    for product in tape.products:
        create_product(session, **product, actor=actor, at=at)
    step("borrowers")
    ids = register_borrowers(session, borrowers=tape.borrowers, actor=actor, at=at)
    borrower_ids = {b.external_id: i for b, i in zip(tape.borrowers, ids, strict=True)}
    missing = {ext for _, ext in tape.loans if ext not in borrower_ids}
    for chunk in chunked(sorted(missing)):
        borrower_ids.update(
            (ext, borrower_id)
            for ext, borrower_id in session.execute(
                select(Borrower.external_id, Borrower.id).where(Borrower.external_id.in_(chunk))
            )
        )
    step("loans")
    loans = [
        LoanIn(
            loan.external_id,
            borrower_ids[ext],
            loan.product_code,
            loan.principal_amount,
            loan.term_months,
            loan.disbursed_on,
            loan.annual_rate,
        )
        for loan, ext in tape.loans
    ]
    disburse_many(session, loans=loans, schedules=tape.schedules, actor=actor, at=at)
    step("payments")
    results: list[PostResult] = post_payments(session, payments=tape.payments, actor=actor, at=at)
    duplicates = sum(1 for r in results if r.was_duplicate)
    return LoadSummary(
        len(tape.products), len(tape.borrowers), len(loans), len(results) - duplicates, duplicates
    )
