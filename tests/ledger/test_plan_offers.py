"""Plan offers as a process: offered by policy within the cost cap, accepted, kept or breached."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.contacts import gate_facts
from fairdebt.errors import ConflictError, RuleViolation
from fairdebt.ledger.accruals import accrue_penalties
from fairdebt.ledger.installments import load_states
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.plan_offers import (
    accept_offer,
    check_plans,
    instalments_of,
    load_plan_policy,
    offer_plans,
    plans_report,
)
from fairdebt.models import AuditEntry, Hold, Loan, LoanStatus, PlanOffer

from .conftest import ACTOR, AT, LoanFactory, tx

POLICY = load_plan_policy()
LATE_ON = dt.date(2026, 3, 20)  # 33 days after the first due: bucket M2, the "mid" rule


def _late_loan(session: Session, make_loan: LoanFactory, **product: object) -> Loan:
    """1,200 over 3 months from 15 January, nothing paid, penalties accrued to 20 March."""
    loan = make_loan(**product)
    with tx(session):
        day = dt.date(2026, 2, 16)
        while day <= LATE_ON:
            accrue_penalties(session, business_date=day, actor=ACTOR, at=AT)
            day += dt.timedelta(days=1)
    return loan


def _offer(session: Session, loan: Loan, **inputs: object) -> list[PlanOffer]:
    with tx(session):
        return offer_plans(
            session,
            loan_id=loan.id,
            business_date=LATE_ON,
            policy=POLICY,
            actor=ACTOR,
            at=AT,
            **inputs,
        )


def _accept(session: Session, offer: PlanOffer, on: dt.date = LATE_ON) -> PlanOffer:
    with tx(session):
        return accept_offer(session, offer_id=offer.id, business_date=on, actor=ACTOR, at=AT)


def _check(session: Session, on: dt.date) -> tuple[tuple[int, ...], tuple[int, ...]]:
    with tx(session):
        found = check_plans(
            session, business_date=on, grace_days=POLICY.grace_days, actor=ACTOR, at=AT
        )
    return found.completed, found.breached


def _pay(session: Session, loan: Loan, amount: Decimal, on: dt.date, ref: str) -> None:
    with tx(session):
        post_payment(
            session, payment=PaymentIn(ref, loan.external_id, amount, on), actor=ACTOR, at=AT
        )


def test_a_late_loan_is_offered_every_kind_its_bucket_allows_best_expected_recovery_first(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _late_loan(session, make_loan)
    offers = _offer(session, loan)
    kinds = {o.kind for o in offers}
    assert kinds == {"instalment", "extension", "interest_freeze", "penalty_waiver", "settlement"}
    assert [o.rank for o in offers] == list(range(1, len(offers) + 1))
    expected = [o.expected_recovery_amount for o in offers]
    assert expected == sorted(expected, reverse=True)
    assert all(o.bucket == "M2" and o.segment == "P12" for o in offers)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "plan.offered")).all()
    assert sorted(int(e.entity_id or 0) for e in entries) == sorted(o.id for o in offers)


def test_a_plan_offer_never_exceeds_the_cost_cap(session: Session, make_loan: LoanFactory) -> None:
    # Priced at its cap, with penalties accrued up to the room the cap leaves.
    loan = _late_loan(
        session,
        make_loan,
        product_code="CAP",
        annual_rate=Decimal("0.24"),
        penalty_daily_rate=Decimal("0.001"),
    )
    offers = _offer(session, loan)
    assert offers and all(o.cost_rate <= o.cap_rate == Decimal("0.24") for o in offers)


def test_a_loan_already_above_a_lowered_cap_is_offered_only_plans_that_bring_it_under(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _late_loan(
        session,
        make_loan,
        product_code="CAP",
        annual_rate=Decimal("0.24"),
        penalty_daily_rate=Decimal("0.001"),
    )
    with tx(session):
        session.get(Loan, loan.id).cost_cap_rate = Decimal("0.20")  # type: ignore[union-attr]
    offers = _offer(session, loan)
    assert offers and all(o.cost_rate <= o.cap_rate == Decimal("0.20") for o in offers)
    kinds = {o.kind for o in offers}
    assert not {"instalment", "extension"} & kinds
    assert "settlement" in kinds


def test_accepting_an_instalment_plan_reschedules_the_loan_holds_contact_and_declines_the_rest(
    session: Session, make_loan: LoanFactory, borrower_id: int
) -> None:
    loan = _late_loan(session, make_loan)
    offers = _offer(session, loan)
    chosen = next(o for o in offers if o.kind == "instalment")
    plan = _accept(session, chosen)
    assert plan.status == "performing" and plan.repayment_plan_id is not None
    states = load_states(session, [loan.id])[loan.id]
    assert [(s.due_on, s.total_outstanding()) for s in states] == instalments_of(plan)
    hold = session.get(Hold, plan.hold_id)
    assert hold is not None and hold.kind == "plan" and hold.ended_on is None
    facts = gate_facts(session, borrower_ids=[borrower_id], at=AT + dt.timedelta(days=20))
    assert "plan" in facts.debtors.loc[0, "holds"]
    others = session.scalars(select(PlanOffer.status).where(PlanOffer.id != plan.id)).all()
    assert set(others) == {"declined"}
    with pytest.raises(ConflictError, match="already has a plan"):
        _offer(session, loan)


def test_a_missed_plan_payment_breaches_the_plan_only_after_the_grace_period(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _late_loan(session, make_loan)
    plan = _accept(session, next(o for o in _offer(session, loan) if o.kind == "instalment"))
    first_due, _ = instalments_of(plan)[0]
    last_kept_day = first_due + dt.timedelta(days=POLICY.grace_days)
    assert _check(session, last_kept_day) == ((), ())
    assert _check(session, last_kept_day + dt.timedelta(days=1)) == ((), (plan.id,))
    session.refresh(plan)
    hold = session.get(Hold, plan.hold_id)
    assert plan.status == "breached" and hold is not None
    assert hold.ended_on == last_kept_day + dt.timedelta(days=1)
    assert session.scalar(select(AuditEntry.seq).where(AuditEntry.action == "plan.breached"))


def test_a_kept_plan_completes_when_its_last_payment_arrives(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _late_loan(session, make_loan)
    plan = _accept(session, next(o for o in _offer(session, loan) if o.kind == "instalment"))
    for k, (due_on, amount) in enumerate(instalments_of(plan)):
        _pay(session, loan, amount, due_on, f"PLAN-{k}")
        done, breached = _check(session, due_on + dt.timedelta(days=POLICY.grace_days + 1))
        assert not breached
    assert done == (plan.id,)
    session.refresh(plan)
    assert plan.status == "completed" and session.get(Loan, loan.id).status == LoanStatus.CLOSED


def test_a_settlement_is_forgiven_only_once_paid_and_then_the_loan_closes(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _late_loan(session, make_loan)
    settlement = next(
        o for o in _offer(session, loan) if o.kind == "settlement" and o.term_months == 1
    )
    plan = _accept(session, settlement)
    assert session.get(Loan, loan.id).status == LoanStatus.ACTIVE
    ((due_on, amount),) = instalments_of(plan)
    _pay(session, loan, amount, due_on, "SETTLE-1")
    assert _check(session, due_on) == ((plan.id,), ())
    assert session.get(Loan, loan.id).status == LoanStatus.CLOSED
    assert session.scalar(select(AuditEntry.seq).where(AuditEntry.action == "plan.completed"))


def test_a_penalty_waiver_forgives_penalties_when_accepted(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _late_loan(session, make_loan)
    waiver = next(o for o in _offer(session, loan) if o.kind == "penalty_waiver")
    assert waiver.forgiven_amount > 0
    _accept(session, waiver)
    states = load_states(session, [loan.id])[loan.id]
    assert sum(s.outstanding("penalty") for s in states) == 0


def test_plans_the_borrower_cannot_afford_are_not_offered(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _late_loan(session, make_loan)
    offers = _offer(session, loan, declared=Decimal("120.00"))
    assert offers
    for offer in offers:
        amounts = [a for _, a in instalments_of(offer)]
        assert len(amounts) == 1 or max(amounts) <= Decimal("120.00")
        assert offer.capacity_amount == Decimal("120.00")


def test_an_exception_needs_a_role_the_rule_names_and_is_recorded_with_its_approver(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _late_loan(session, make_loan)
    with pytest.raises(RuleViolation, match="only supervisor, risk may approve"):
        _offer(session, loan, approver_role="collector", approved_by="c-1")
    session.rollback()

    def beyond_the_rule(offer: PlanOffer) -> bool:  # the "mid" rule: 24 months, 20 % off
        return offer.term_months > 24 or offer.forgiven_amount > offer.owed_amount / 5

    assert not any(beyond_the_rule(o) for o in _offer(session, loan))
    offers = _offer(session, loan, approver_role="supervisor", approved_by="s-1")
    widened = [o for o in offers if beyond_the_rule(o)]
    assert widened and all(o.approved_by == "s-1" for o in widened)
    assert all(o.approved_by is None for o in offers if not beyond_the_rule(o))


def test_an_offer_cannot_be_accepted_after_it_expires_or_once_the_loan_has_moved(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _late_loan(session, make_loan)
    offers = _offer(session, loan)
    late = LATE_ON + dt.timedelta(days=POLICY.offer_valid_days + 1)
    with pytest.raises(RuleViolation, match="may be accepted from"):
        _accept(session, offers[0], late)
    session.rollback()
    _pay(session, loan, Decimal("10.00"), LATE_ON, "MOVE-1")
    with pytest.raises(ConflictError, match="ask for new offers"):
        _accept(session, offers[0])


def test_the_report_counts_loans_under_plan_by_kind_and_outcome(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _late_loan(session, make_loan)
    plan = _accept(session, next(o for o in _offer(session, loan) if o.kind == "interest_freeze"))
    report = plans_report(session, as_of=LATE_ON)
    assert report["offered"] == 1 and report["accepted"] == 1
    assert report["rows"] == [
        {
            "kind": "interest_freeze",
            "outcome": "performing",
            "loans": 1,
            "amount": str(plan.total_amount),
            "forgiven": "0.00",
        }
    ]
    assert plans_report(session, as_of=LATE_ON - dt.timedelta(days=1))["accepted"] == 0


def test_the_cli_offers_accepts_checks_and_reports_plans(
    session: Session, make_loan: LoanFactory, database_url: str
) -> None:
    loan = _late_loan(session, make_loan)
    session.commit()
    runner = CliRunner()
    base = ["--database", database_url]
    when = ["--date", LATE_ON.isoformat(), "--allow-future"]
    offered = runner.invoke(app, ["plans", "offer", "--loan", loan.external_id, *when, *base])
    assert offered.exit_code == 0, offered.output
    payload = json.loads(offered.stdout.strip().splitlines()[-1])
    first = payload["offers"][0]
    assert {"id", "kind", "instalments", "annual_rate", "total_cost"} <= set(first)
    assert set(first["instalments"][0]) == {"due_on", "amount"}
    assert Decimal(first["annual_rate"]) <= Decimal("0.24")
    accepted = runner.invoke(app, ["plans", "accept", "--offer", str(first["id"]), *when, *base])
    assert accepted.exit_code == 0, accepted.output
    assert json.loads(accepted.stdout.strip().splitlines()[-1])["status"] == "performing"
    checked = runner.invoke(
        app, ["plans", "check", "--date", "2026-12-31", "--allow-future", *base]
    )
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout.strip().splitlines()[-1])["breached"] == [first["id"]]
    report = runner.invoke(app, ["plans", "report", "--date", "2026-12-31", *base])
    assert json.loads(report.stdout.strip().splitlines()[-1])["by_outcome"]["breached"] == 1
    again = runner.invoke(app, ["plans", "accept", "--offer", str(first["id"]), *when, *base])
    assert again.exit_code == 2 and "breached" in again.output


def test_the_web_apps_policy_offers_show_and_accept_the_rescheduling_plans(
    session: Session, make_loan: LoanFactory
) -> None:
    from fairdebt.web.offers import PolicyOffers

    loan = _late_loan(session, make_loan)
    web = PolicyOffers(POLICY)
    with tx(session):
        shown = web.offers(session, loan_id=loan.id, business_date=LATE_ON)
    assert shown and {o.kind for o in shown} <= {"instalment", "extension", "interest_freeze"}
    assert all(o.annual_rate <= Decimal("0.24") for o in shown)
    with tx(session):
        plan = web.accept(
            session,
            loan_id=loan.id,
            code=shown[-1].code,
            business_date=LATE_ON,
            actor=ACTOR,
            at=AT,
        )
    assert plan.term_months == shown[-1].months
    with tx(session):
        assert web.offers(session, loan_id=loan.id, business_date=LATE_ON) == []
