"""Charge-off respects holds per policy: dispute and hardship defer it, complaints do not."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from fairdebt.errors import ConfigurationError
from fairdebt.ledger.chargeoffs import ChargeOffPolicy, charge_off_due
from fairdebt.ledger.holds import lift_hold, place_hold
from fairdebt.models import Loan, LoanStatus

from .conftest import ACTOR, AT, LoanFactory, tx

FIRST_DUE = dt.date(2026, 2, 15)
AT_60_DPD = FIRST_DUE + dt.timedelta(days=60)


def _loan(make_loan: LoanFactory) -> Loan:
    return make_loan("CO60", charge_off_days=60)


def _hold(session: Session, loan: Loan, kind: str, scope: str | None = None) -> int:
    with tx(session):
        return place_hold(
            session,
            loan_id=loan.id,
            kind=kind,
            started_on=dt.date(2026, 3, 1),
            reason="test",
            actor=ACTOR,
            at=AT,
            scope=scope,
        ).id


def _charge_off(session: Session, day: dt.date = AT_60_DPD, **policy: object) -> int:
    with tx(session):
        return charge_off_due(session, business_date=day, actor=ACTOR, at=AT, **policy)  # type: ignore[arg-type]


def _status(session: Session, loan: Loan) -> str:
    found = session.get(Loan, loan.id)
    assert found is not None
    return found.status


def test_a_loan_under_a_hardship_hold_is_not_charged_off_at_60_dpd(
    session: Session, make_loan: LoanFactory
) -> None:
    held, free = _loan(make_loan), _loan(make_loan)
    _hold(session, held, "hardship")
    assert _charge_off(session) == 1
    assert (_status(session, held), _status(session, free)) == ("active", "charged_off")


def test_a_dispute_hold_defers_charge_off_until_it_is_lifted(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _loan(make_loan)
    hold_id = _hold(session, loan, "dispute")
    assert _charge_off(session) == 0
    with tx(session):
        lift_hold(session, hold_id=hold_id, ended_on=AT_60_DPD, actor=ACTOR, at=AT)
    assert _charge_off(session) == 1
    charged = session.get(Loan, loan.id)
    assert charged is not None and charged.charged_off_on == AT_60_DPD


def test_a_complaint_hold_stops_contact_only_and_does_not_defer_charge_off(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _loan(make_loan)
    _hold(session, loan, "complaint")
    assert _charge_off(session) == 1
    assert _status(session, loan) == LoanStatus.CHARGED_OFF


def test_a_hold_scoped_to_one_agency_does_not_defer_charge_off(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _loan(make_loan)
    _hold(session, loan, "dispute", scope="agency:甲催收")
    assert _charge_off(session) == 1


def test_a_policy_may_let_legal_holds_defer_too_but_never_complaints(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _loan(make_loan)
    _hold(session, loan, "legal")
    policy = ChargeOffPolicy(frozenset({"dispute", "hardship", "legal"}))
    assert _charge_off(session, policy=policy) == 0
    with pytest.raises(ConfigurationError, match="stop contact only"):
        ChargeOffPolicy(frozenset({"complaint"}))
    assert _charge_off(session) == 1  # the default policy: a legal hold does not defer
