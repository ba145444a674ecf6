"""Offering and accepting repayment plans: the verbs ``offer_plans`` and ``accept_offer``.

:func:`rank_offers` reads what a loan owes, finds the policy rule of its bucket and segment,
drafts every plan the rule allows (:mod:`~fairdebt.ledger.plan_offers.drafts`) and keeps those
that the borrower can afford, that cost no more than the contract's remaining cost plus the
policy's allowance, and that keep the loan's whole-life cost under its legal cap
(:func:`fairdebt.ledger.costs.projected_cost`); it ranks them by expected recovery and writes
nothing. :func:`offer_plans` stores them with one ``plan.offered`` entry each; the borrower
chooses one and :func:`accept_offer` makes it the loan's plan (re-scheduling, waiving), places a
``plan`` hold and declines the others, in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.cycle.buckets import DEFAULT_SCHEME
from fairdebt.errors import ConflictError, RuleViolation, UnknownRecord
from fairdebt.ledger.costs import ProjectedCost, projected_cost
from fairdebt.ledger.holds import place_hold
from fairdebt.ledger.installments import load_states
from fairdebt.ledger.loans import waive
from fairdebt.ledger.plan_offers.drafts import (
    Draft,
    Position,
    capacity,
    effective_limits,
    make_drafts,
    recovery,
)
from fairdebt.ledger.plan_offers.policy import PlanPolicy, PlanRule
from fairdebt.ledger.plans import extend, restructure, restructured_amount
from fairdebt.models import (
    Borrower,
    Decision,
    Hold,
    HoldKind,
    Loan,
    LoanStatus,
    PlanKind,
    PlanOffer,
    PlanOfferStatus,
    Product,
)
from fairdebt.money import ZERO, to_money
from fairdebt.strategy.scores import WEIGHTS

__all__ = [
    "Ranked",
    "accept_offer",
    "instalments_of",
    "offer_plans",
    "rank_offers",
    "read_position",
    "read_score",
]

# A score read from the strategy's decisions is used for this many days.
SCORE_DAYS = 30


@dataclass(frozen=True, slots=True)
class Ranked:
    """A draft that passed every check, with its figures (what ``plans offer`` shows)."""

    draft: Draft
    cost: ProjectedCost
    probability: float
    expected_amount: Decimal
    capacity_amount: Decimal | None
    bucket: str
    segment: str
    owed_amount: Decimal
    principal_amount: Decimal


def read_position(session: Session, *, loan_id: int, business_date: dt.date) -> Position:
    """What the loan owes on ``business_date`` (its open dues, as the ledger holds them)."""
    loan = session.get(Loan, loan_id)
    if loan is None:
        raise UnknownRecord(f"no loan has id {loan_id}", record=f"loan {loan_id}", field="loan")
    states = load_states(session, [loan_id])[loan_id]
    on = business_date
    due = [s for s in states if s.due_on <= on]
    return Position(
        loan_id=loan_id,
        business_date=on,
        annual_rate=Decimal(loan.annual_rate),
        method=loan.repayment_method,
        owed_amount=restructured_amount(states, on),
        principal_amount=sum((s.outstanding("principal") for s in states), ZERO),
        overdue_amount=sum((s.total_outstanding() for s in due), ZERO),
        penalty_amount=sum((s.outstanding("penalty") for s in states), ZERO),
        remaining_months=max(sum(1 for s in states if s.due_on > on), 1),
        contract_amount=sum((s.total_outstanding() for s in states), ZERO),
        future_dues=tuple((s.due_on, s.total_outstanding()) for s in states if s.due_on > on),
    )


def _days_past_due(session: Session, loan_id: int, business_date: dt.date) -> int:
    states = load_states(session, [loan_id])[loan_id]
    late = [s.due_on for s in states if s.due_on < business_date]
    return (business_date - min(late)).days if late else 0


def read_score(session: Session, *, loan_id: int, business_date: dt.date) -> float:
    """The behaviour score the strategy last gave the loan (within :data:`SCORE_DAYS`), else the
    score's own starting value for a clean account (its intercept)."""
    since = business_date - dt.timedelta(days=SCORE_DAYS)
    found = session.scalar(
        select(Decision.score)
        .where(
            Decision.loan_id == loan_id,
            Decision.score.is_not(None),
            Decision.business_date <= business_date,
            Decision.business_date >= since,
        )
        .order_by(Decision.business_date.desc())
        .limit(1)
    )
    return float(found) if found is not None else 1 / (1 + math.exp(-WEIGHTS["intercept"]))


def _affordable(
    draft: Draft, room: Decimal | None, lump_sum: Decimal | None, least: Decimal
) -> bool:
    if room is None:
        return True
    if len(draft.instalments) == 1:
        return draft.largest_instalment <= max(room, lump_sum or ZERO)
    return least <= draft.largest_instalment <= room


def _within_allowance(draft: Draft, position: Position, rule: PlanRule) -> bool:
    """No plan costs more than the contract's remaining cost plus the policy's allowance."""
    share = rule.kinds[draft.kind].max_extra_cost_share
    return draft.total_amount <= position.contract_amount + to_money(share * position.owed_amount)


def rank_offers(
    session: Session,
    *,
    loan_id: int,
    business_date: dt.date,
    policy: PlanPolicy,
    income: Decimal | None = None,
    obligations: Decimal | None = None,
    declared: Decimal | None = None,
    lump_sum: Decimal | None = None,
    score: float | None = None,
    approver_role: str | None = None,
) -> list[Ranked]:
    """The plans the policy allows for the loan today, best expected recovery first.

    ``income`` defaults to the borrower's recorded monthly income; ``declared`` is what the
    borrower says they can pay a month, ``lump_sum`` at once. An ``approver_role`` among the
    rule's approvers widens the limits to the rule's exception.
    """
    record = f"loan {loan_id}"
    loan = session.get(Loan, loan_id)
    if loan is None:
        raise UnknownRecord(f"no loan has id {loan_id}", record=record, field="loan")
    if loan.status != LoanStatus.ACTIVE:
        raise ConflictError(f"{record} is {loan.status}; plans are for active loans")
    if _open_plan(session, loan_id) is not None:
        raise ConflictError(f"{record} already has a plan in force")
    segment = session.scalar(select(Product.code).where(Product.id == loan.product_id)) or "*"
    bucket = DEFAULT_SCHEME.bucket_of(_days_past_due(session, loan_id, business_date))
    rule = policy.rule_for(bucket, segment)
    if rule is None:
        return []
    exception = approver_role is not None
    if exception and approver_role not in rule.approvers:
        raise RuleViolation(
            f"only {', '.join(rule.approvers)} may approve an exception under rule {rule.name} "
            f"(got {approver_role!r})",
            record=record,
            field="approver_role",
        )
    position = read_position(session, loan_id=loan_id, business_date=business_date)
    base = dict(rule.kinds)
    drafts = make_drafts(position, effective_limits(rule, exception=exception), base=base)
    if income is None:
        income = session.scalar(
            select(Borrower.monthly_income_amount).where(Borrower.id == loan.borrower_id)
        )
    room = capacity(
        income=income,
        obligations=obligations,
        declared=declared,
        affordability=policy.affordability,
    )
    if score is None:
        score = read_score(session, loan_id=loan_id, business_date=business_date)
    least = policy.affordability.min_instalment_amount
    ranked = []
    for draft in drafts:
        if draft.plan_rate > loan.cost_cap_rate or not _within_allowance(draft, position, rule):
            continue
        if not _affordable(draft, room, lump_sum, least):
            continue
        cost = projected_cost(
            session, loan_id=loan_id, business_date=business_date, flows=draft.flows
        )
        if not cost.within_cap:
            continue
        chance, expected = recovery(
            draft, score=score, capacity=room, burden_weight=policy.burden_weight
        )
        ranked.append(
            Ranked(
                draft,
                cost,
                chance,
                expected,
                room,
                bucket,
                segment,
                position.owed_amount,
                position.principal_amount,
            )
        )
    return sorted(ranked, key=lambda r: (-r.expected_amount, r.draft.code))


def instalments_of(offer: PlanOffer) -> list[tuple[dt.date, Decimal]]:
    """The offer's instalments as (due_on, amount), from its stored JSON."""
    rows = json.loads(offer.instalments)
    return [(dt.date.fromisoformat(r["due_on"]), Decimal(r["amount"])) for r in rows]


def _open_plan(session: Session, loan_id: int) -> int | None:
    return session.scalar(
        select(Hold.id).where(
            Hold.loan_id == loan_id, Hold.kind == HoldKind.PLAN.value, Hold.ended_on.is_(None)
        )
    )


def offer_plans(
    session: Session,
    *,
    loan_id: int,
    business_date: dt.date,
    policy: PlanPolicy,
    actor: str,
    at: dt.datetime,
    approved_by: str | None = None,
    **inputs: object,
) -> list[PlanOffer]:
    """Store today's ranked offers for the loan (see :func:`rank_offers` for ``inputs``), each
    with its ``plan.offered`` audit entry; an exception names who approved it."""
    ranked = rank_offers(
        session,
        loan_id=loan_id,
        business_date=business_date,
        policy=policy,
        **inputs,  # type: ignore[arg-type]
    )
    expires_on = business_date + dt.timedelta(days=policy.offer_valid_days)
    offers = [
        _offer_row(r, i, loan_id, business_date, expires_on, approved_by, actor)
        for i, r in enumerate(ranked, start=1)
    ]
    session.add_all(offers)
    session.flush()
    audit.record_many(
        session,
        [
            audit.AuditEvent("plan.offered", "plan_offer", str(o.id), actor, at, _offer_data(o))
            for o in offers
        ],
    )
    return offers


def _offer_row(
    r: Ranked,
    rank: int,
    loan_id: int,
    on: dt.date,
    expires_on: dt.date,
    approved_by: str | None,
    actor: str,
) -> PlanOffer:
    d = r.draft
    return PlanOffer(
        loan_id=loan_id,
        kind=d.kind,
        status=PlanOfferStatus.OFFERED.value,
        rank=rank,
        offered_on=on,
        expires_on=expires_on,
        bucket=r.bucket,
        segment=r.segment,
        term_months=d.term_months,
        plan_rate=d.plan_rate,
        owed_amount=r.owed_amount,
        total_amount=d.total_amount,
        total_cost=d.total_amount - r.principal_amount,
        forgiven_amount=d.forgiven_amount,
        cost_rate=r.cost.annual_rate,
        cap_rate=r.cost.cap,
        instalments=json.dumps(
            [{"due_on": day.isoformat(), "amount": str(amount)} for day, amount in d.instalments]
        ),
        capacity_amount=r.capacity_amount,
        completion_probability=r.probability,
        expected_recovery_amount=r.expected_amount,
        approved_by=approved_by if d.needs_exception else None,
        actor=actor,
    )


def _offer_data(o: PlanOffer) -> dict[str, object]:
    return {
        "loan_id": o.loan_id,
        "kind": o.kind,
        "rank": o.rank,
        "offered_on": o.offered_on,
        "term_months": o.term_months,
        "total_amount": o.total_amount,
        "forgiven_amount": o.forgiven_amount,
        "cost_rate": o.cost_rate,
        "cap_rate": o.cap_rate,
        "capacity_amount": o.capacity_amount,
        "approved_by": o.approved_by,
    }


def accept_offer(
    session: Session, *, offer_id: int, business_date: dt.date, actor: str, at: dt.datetime
) -> PlanOffer:
    """Make the offer the loan's plan: re-schedule or waive as its kind says, hold collection
    while it is kept, decline the loan's other open offers; ``plan.accepted`` in the audit log."""
    record = f"plan offer {offer_id}"
    offer = session.get(PlanOffer, offer_id)
    if offer is None:
        raise UnknownRecord(f"no plan offer has id {offer_id}", record=record, field="offer")
    if offer.status != PlanOfferStatus.OFFERED:
        raise ConflictError(f"{record} is {offer.status}; only an open offer can be accepted")
    if not offer.offered_on <= business_date <= offer.expires_on:
        raise RuleViolation(
            f"may be accepted from {offer.offered_on} to {offer.expires_on} (got {business_date})",
            record=record,
            field="date",
        )
    if _open_plan(session, offer.loan_id) is not None:
        raise ConflictError(f"loan {offer.loan_id} already has a plan in force")
    position = read_position(session, loan_id=offer.loan_id, business_date=business_date)
    if position.owed_amount != offer.owed_amount:
        raise ConflictError(
            f"{record} was sized on {offer.owed_amount} owed; loan {offer.loan_id} now owes "
            f"{position.owed_amount}: ask for new offers"
        )
    plan_id = _carry_out(session, offer, position, business_date, actor, at)
    hold = place_hold(
        session,
        loan_id=offer.loan_id,
        kind=HoldKind.PLAN.value,
        started_on=business_date,
        reason=f"plan offer {offer.id} ({offer.kind}) accepted",
        actor=actor,
        at=at,
    )
    offer.status = PlanOfferStatus.PERFORMING.value
    offer.accepted_on = business_date
    offer.repayment_plan_id = plan_id
    offer.hold_id = hold.id
    declined = _decline_others(session, offer)
    session.flush()
    audit.record(
        session,
        action="plan.accepted",
        entity="plan_offer",
        entity_id=offer.id,
        actor=actor,
        at=at,
        data={
            "loan_id": offer.loan_id,
            "kind": offer.kind,
            "accepted_on": business_date,
            "repayment_plan_id": plan_id,
            "hold_id": hold.id,
            "declined_offer_ids": declined,
        },
    )
    return offer


def _carry_out(
    session: Session,
    offer: PlanOffer,
    position: Position,
    on: dt.date,
    actor: str,
    at: dt.datetime,
) -> int | None:
    """The ledger side of accepting: a new schedule, a waiver, or nothing until a settlement
    is paid. Returns the repayment plan's id when a schedule was written."""
    reason = f"plan offer {offer.id} ({offer.kind}) accepted"
    kind, loan_id = offer.kind, offer.loan_id
    if kind in (PlanKind.INSTALMENT, PlanKind.INTEREST_FREEZE):
        plan = restructure(
            session,
            loan_id=loan_id,
            starts_on=on,
            term_months=offer.term_months,
            annual_rate=offer.plan_rate,
            reason=reason,
            actor=actor,
            at=at,
            method="equal_installment",
        )
        return plan.id
    if kind == PlanKind.EXTENSION:
        extra = offer.term_months - position.remaining_months
        plan = extend(
            session,
            loan_id=loan_id,
            starts_on=on,
            extra_months=extra,
            reason=reason,
            actor=actor,
            at=at,
        )
        return plan.id
    if kind == PlanKind.PENALTY_WAIVER:
        waive(
            session,
            loan_id=loan_id,
            component="penalty",
            amount=offer.forgiven_amount,
            waived_on=on,
            reason=reason,
            actor=actor,
            at=at,
        )
    return None


def _decline_others(session: Session, offer: PlanOffer) -> list[int]:
    others = list(
        session.scalars(
            select(PlanOffer.id).where(
                PlanOffer.loan_id == offer.loan_id,
                PlanOffer.status == PlanOfferStatus.OFFERED.value,
                PlanOffer.id != offer.id,
            )
        )
    )
    if others:
        session.execute(
            update(PlanOffer)
            .where(PlanOffer.id.in_(others))
            .values(status=PlanOfferStatus.DECLINED.value)
        )
    return others
