"""Agencies on every backend: evaluation gates placement, recall, commission on recoveries
during placement, agency contacts under the caps shared with the lender and other agencies,
and an allocation that weighs conduct with recovery."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.agencies import (
    AgencyContact,
    AllocationPolicy,
    active_placements,
    allocate_loans,
    commissions,
    evaluate_agency,
    place_loans,
    recall_loans,
    record_agency_contacts,
    scorecards,
    standing,
)
from fairdebt.complaints import file_complaint
from fairdebt.contacts import record_contact_event
from fairdebt.errors import ConflictError, RuleViolation
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.models import AuditEntry, ContactEvent, Loan

from .conftest import ACTOR, AT, TODAY, AgencyFactory, tx

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _call(borrower: str, loan: str, hour: int, collector: str, **changes: object) -> AgencyContact:
    values: dict[str, object] = {
        "borrower": borrower,
        "loan": loan,
        "at": dt.datetime(2026, 6, 2, hour, 0, tzinfo=BEIJING),
        "channel": "call",
        "outcome": "connected",
        "collector": collector,
        "address": "+8613800000001",
    }
    values.update(changes)
    return AgencyContact(**values)  # type: ignore[arg-type]


def test_an_agency_with_no_current_evaluation_cannot_receive_placements(
    session: Session, loans: list[Loan], make_agency: AgencyFactory
) -> None:
    never = make_agency("NEVER", evaluated_on=None)
    stale = make_agency("STALE", evaluated_on=dt.date(2025, 5, 31))
    failing = make_agency("FAILING")
    current = make_agency("CURRENT")
    with tx(session):
        evaluate_agency(
            session,
            agency=failing,
            evaluated_on=dt.date(2026, 3, 1),
            failed=["conduct"],
            evaluator="合规官",
            actor=ACTOR,
            at=AT,
        )
    for agency, why in ((never, "no evaluation"), (stale, "more than a year"), (failing, "failed")):
        with pytest.raises(RuleViolation, match=why), tx(session):
            place_loans(
                session, agency=agency, loan_ids=[loans[0].id], placed_on=TODAY, actor=ACTOR, at=AT
            )
    assert not active_placements(session, on=TODAY)
    # the anniversary still counts; the day after does not
    assert standing(session, agency=stale, on=dt.date(2026, 5, 31)).may_place
    with tx(session):
        placed = place_loans(
            session, agency=current, loan_ids=[loans[0].id], placed_on=TODAY, actor=ACTOR, at=AT
        )
    assert placed[0].bucket == "M4" and placed[0].commission_rate == Decimal("0.25")
    assert placed[0].balance_amount > Decimal("1200.00")  # principal plus overdue interest


def test_recall_ends_a_placement(
    session: Session, loans: list[Loan], make_agency: AgencyFactory
) -> None:
    first, second = make_agency("ALPHA"), make_agency("BETA")
    ids = [loans[0].id, loans[1].id]
    with tx(session):
        place_loans(session, agency=first, loan_ids=ids, placed_on=TODAY, actor=ACTOR, at=AT)
    with pytest.raises(ConflictError, match="already placed with ALPHA"), tx(session):
        place_loans(session, agency=second, loan_ids=ids[:1], placed_on=TODAY, actor=ACTOR, at=AT)
    later = TODAY + dt.timedelta(days=30)
    with tx(session):
        recalled = recall_loans(
            session,
            agency=first,
            recalled_on=later,
            reason="mandate ended 委托到期",
            actor=ACTOR,
            at=AT,
        )
    assert [p.loan_id for p in recalled] == ids
    assert len(active_placements(session, on=later - dt.timedelta(days=1))) == 2
    assert active_placements(session, on=later) == []
    with tx(session):
        place_loans(session, agency=second, loan_ids=ids[:1], placed_on=later, actor=ACTOR, at=AT)
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "placement"))
    assert sorted(actions) == ["agency.placed"] * 3 + ["agency.recalled"] * 2


def test_commission_on_a_recovery_during_placement(
    session: Session, loans: list[Loan], make_agency: AgencyFactory
) -> None:
    agency = make_agency("ACME")
    loan = loans[0]
    with tx(session):
        place_loans(session, agency=agency, loan_ids=[loan.id], placed_on=TODAY, actor=ACTOR, at=AT)
    recalled_on = TODAY + dt.timedelta(days=20)
    with tx(session):
        for n, day in enumerate(
            (TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=5), recalled_on)
        ):
            payment = PaymentIn(f"P-{n}", loan.external_id, Decimal("100.00"), day)
            post_payment(session, payment=payment, actor=ACTOR, at=AT)
        recall_loans(
            session, agency=agency, recalled_on=recalled_on, reason="cured", actor=ACTOR, at=AT
        )
    rows = commissions(
        session, since=TODAY - dt.timedelta(days=10), until=recalled_on + dt.timedelta(days=10)
    )
    # only the payment made while placed: not the one the day before, not the one on recall
    assert [(r["recovered_amount"], r["commission_amount"]) for r in rows] == [
        (Decimal("100.00"), Decimal("25.00"))
    ]


def test_agency_contacts_share_person_level_caps_with_the_lender(
    session: Session, loans: list[Loan], make_agency: AgencyFactory
) -> None:
    a, b = make_agency("A"), make_agency("B")
    loan = loans[0]
    with tx(session):
        place_loans(session, agency=a, loan_ids=[loan.id], placed_on=TODAY, actor=ACTOR, at=AT)
        record_contact_event(
            session,
            borrower_id=loan.borrower_id,
            loan_id=loan.id,
            at=dt.datetime(2026, 6, 2, 9, 0, tzinfo=BEIJING),
            direction="outbound",
            channel="call",
            recipient="debtor",
            outcome="connected",
            address="+8613800000001",
            by="lender",
            actor=ACTOR,
        )
        first = record_agency_contacts(
            session, agency=a, contacts=[_call("B-1", "L-1", 10, "A-01")], actor=ACTOR, at=AT
        )
        second = record_agency_contacts(
            session,
            agency=b,
            contacts=[_call("B-1", "L-1", 11, "B-01"), _call("B-1", "L-1", 12, "B-02")],
            actor=ACTOR,
            at=AT,
        )
    assert first.refused == 0
    # lender + A + B's first make three connected calls: B's second is the fourth that day
    assert second.to_json()["refused_by_rule"] == {"cn.voice.connected_per_day": 1}
    assert second.not_placed == 2  # B never held the loan: recorded, and counted
    events = session.scalars(select(ContactEvent).order_by(ContactEvent.at)).all()
    assert [(e.by, e.gate_allowed) for e in events] == [
        ("lender", True),
        ("agency:A", True),
        ("agency:B", True),
        ("agency:B", False),
    ]
    assert events[-1].gate_rule == "cn.voice.connected_per_day"
    assert events[-1].collector_id is not None and events[-1].actor_kind == "agency"
    refused = session.scalars(
        select(AuditEntry.entity_id).where(AuditEntry.action == "contact.refused")
    ).all()
    assert refused == [str(events[-1].id)]


def _history(session: Session, agency: object, loan: Loan, placed_on: dt.date) -> None:
    place_loans(session, agency=agency, loan_ids=[loan.id], placed_on=placed_on, actor=ACTOR, at=AT)  # type: ignore[arg-type]
    paid_on = placed_on + dt.timedelta(days=3)
    post_payment(
        session,
        payment=PaymentIn(f"P-{loan.external_id}", loan.external_id, Decimal("200.00"), paid_on),
        actor=ACTOR,
        at=AT,
    )
    recall_loans(
        session,
        agency=agency,
        recalled_on=placed_on + dt.timedelta(days=20),
        reason="end",
        actor=ACTOR,
        at=AT,
    )  # type: ignore[arg-type]


def test_allocation_prefers_the_better_conduct_agency_at_equal_recovery(
    session: Session, loans: list[Loan], make_agency: AgencyFactory
) -> None:
    rude, polite = make_agency("RUDE"), make_agency("POLITE")
    earlier = TODAY - dt.timedelta(days=60)
    with tx(session):
        _history(session, rude, loans[0], earlier)
        _history(session, polite, loans[1], earlier)
        file_complaint(
            session,
            borrower_id=loans[0].borrower_id,
            loan_id=loans[0].id,
            received_at=dt.datetime.combine(
                earlier + dt.timedelta(days=2), dt.time(10), tzinfo=BEIJING
            ),
            channel="call",
            category="debt_collection",
            description="催收员辱骂 / the agency's collector was abusive",
            agency="RUDE",
            actor=ACTOR,
        )
    cards = {c.agency: c for c in scorecards(session, since=earlier, until=TODAY)}
    assert cards["RUDE"].recovery_rate == cards["POLITE"].recovery_rate
    assert cards["RUDE"].complaints_per_1000 == Decimal("1000.00")
    policy = AllocationPolicy(min_accounts=0, floor_share=0.1)
    with tx(session):
        done = allocate_loans(
            session,
            loan_ids=[loan.id for loan in loans[2:]],
            on=TODAY,
            policy=policy,
            actor=ACTOR,
            at=AT,
        )
    assert done.scores["POLITE"] > done.scores["RUDE"]
    assert len(done.loans["POLITE"]) > len(done.loans["RUDE"]) >= 1  # the floor keeps RUDE in
    assert sum(len(v) for v in done.loans.values()) == 10
    assert len(active_placements(session, on=TODAY)) == 10


def test_the_planner_sees_a_loan_as_placed_until_it_is_recalled(
    session: Session, loans: list[Loan], make_agency: AgencyFactory
) -> None:
    from fairdebt.strategy.reading import read_state

    agency = make_agency("ACME")
    with tx(session):
        place_loans(
            session, agency=agency, loan_ids=[loans[0].id], placed_on=TODAY, actor=ACTOR, at=AT
        )
        recall_loans(
            session,
            agency=agency,
            recalled_on=TODAY + dt.timedelta(days=5),
            reason="end",
            actor=ACTOR,
            at=AT,
        )

    def placed(day: dt.date) -> set[int]:
        state = read_state(session, business_date=day)
        return set(state.loc[state["is_placed"], "loan_id"].tolist())

    assert placed(TODAY) == {loans[0].id}
    assert placed(TODAY + dt.timedelta(days=5)) == set()
