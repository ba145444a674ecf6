"""The collector's day: the work queue, the account view, and the forms that log a contact,
record a promise and offer a plan. Agency staff use the same pages, limited to their agency's
placed cases; supervisors, compliance officers and admins may open any account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from fairdebt import audit, webhooks
from fairdebt.compliance.attempts import CHANNELS, OUTCOMES, RECIPIENTS
from fairdebt.errors import InputError
from fairdebt.ledger.promises import record_promise
from fairdebt.models import (
    AppUser,
    Borrower,
    Collector,
    Complaint,
    ContactEvent,
    ContactMethod,
    Decision,
    DecisionStatus,
    Hold,
    Installment,
    Loan,
    LoanDay,
    Payment,
    Product,
    Promise,
    RepaymentPlan,
)
from fairdebt.preferences import preferences_in_force
from fairdebt.users import Role
from fairdebt.web.auth import CASE_ROLES, may_open_loan, queue_condition
from fairdebt.web.charts import bars, stacked_bars
from fairdebt.web.contacting import RESULTS, report_contact
from fairdebt.web.gatecase import ask_gate, case_for
from fairdebt.web.i18n import translator
from fairdebt.web.idempotency import once
from fairdebt.web.offers import owed_today
from fairdebt.web.pages.forms import after_post, field, posted, web_of
from fairdebt.web.privacy import record_read, show_national_id, show_phone
from fairdebt.web.rendering import language, person, render

__all__ = ["read_account", "router"]

router = APIRouter(include_in_schema=False)
QUEUE_ROLES = (Role.COLLECTOR, Role.AGENCY)
WRITE_ROLES = (Role.COLLECTOR, Role.AGENCY, Role.SUPERVISOR, Role.ADMIN)
GATE_CHANNELS = ("call", "sms")


def _local(at: dt.datetime | None, zone: str) -> str:
    if at is None:
        return ""
    return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


@router.get("/queue")
def queue(request: Request) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        user = person(request, session, *QUEUE_ROLES, Role.ADMIN)
        condition = queue_condition(user)
        dated = select(func.max(Decision.business_date))
        if condition is not None:
            dated = dated.where(condition)
        day = session.scalar(dated)
        rows: list[Any] = []
        if day is not None:
            query = (
                select(Decision, Borrower.name, Borrower.timezone, Loan.external_id, Collector.code)
                .join(Borrower, Borrower.id == Decision.borrower_id)
                .join(Loan, Loan.id == Decision.loan_id)
                .outerjoin(Collector, Collector.id == Decision.collector_id)
                .where(
                    Decision.business_date == day,
                    Decision.collector_id.is_not(None),
                    Decision.status.in_([DecisionStatus.PLANNED, DecisionStatus.DONE]),
                )
                .order_by(Decision.collector_id, Decision.queue_position, Decision.id)
                .limit(500)
            )
            if condition is not None:
                query = query.where(condition)
            rows = list(session.execute(query))
        capacity = None
        if user.collector_id is not None:
            capacity = session.scalar(
                select(Collector.daily_capacity).where(Collector.id == user.collector_id)
            )
        record_read(
            session,
            user=user,
            borrower_ids=[r[0].borrower_id for r in rows],
            fields=["name"],
            purpose="work queue",
            at=web.now(),
        )
    planned = sum(1 for r in rows if r[0].status == DecisionStatus.PLANNED)
    done = sum(1 for r in rows if r[0].status == DecisionStatus.DONE)
    t = translator(language(request))
    t_labels = [t("Planned"), t("Done")]
    by_action: dict[str, int] = {}
    for r in rows:
        by_action[r[0].action] = by_action.get(r[0].action, 0) + 1
    chart = bars(
        t_labels,
        [planned, done],
        label="work queue: planned and done",
        limit=capacity,
        limit_label=t("Capacity"),
    )
    items = [
        {
            "d": d,
            "name": name,
            "loan": loan_ext,
            "collector": code,
            "planned_at": _local(d.planned_at, zone),
            "next_allowed_at": _local(d.next_allowed_at, zone),
        }
        for d, name, zone, loan_ext, code in rows
    ]
    return render(
        request,
        "queue.html",
        {
            "day": day,
            "items": items,
            "planned": planned,
            "done": done,
            "capacity": capacity,
            "chart": chart,
            "by_action": sorted(by_action.items()),
        },
    )


def _case(session: Session, user: AppUser, loan_id: int) -> Loan:
    loan = session.get(Loan, loan_id)
    if loan is None or not may_open_loan(session, user, loan_id):
        # the same answer for "no such loan" and "not yours": nothing leaks by URL
        raise HTTPException(404, "no such case among yours")
    return loan


def read_account(
    session: Session,
    *,
    user: AppUser,
    loan: Loan,
    at: dt.datetime,
    business_date: dt.date,
    pack: str,
    t: Callable[[str], str] = str,
) -> dict[str, Any]:
    """Everything the account view shows, read in the request's transaction."""
    borrower = session.get(Borrower, loan.borrower_id)
    assert borrower is not None  # a foreign key
    product = session.get(Product, loan.product_id)
    methods = session.scalars(
        select(ContactMethod)
        .where(ContactMethod.borrower_id == borrower.id)
        .order_by(ContactMethod.id)
    ).all()
    schedule = session.scalars(
        select(Installment)
        .where(Installment.loan_id == loan.id, Installment.superseded_on.is_(None))
        .order_by(Installment.due_on, Installment.seq)
    ).all()
    closed_on = web_day = business_date
    snapshot = session.get(LoanDay, (web_day, loan.id))
    payments = session.scalars(
        select(Payment).where(Payment.loan_id == loan.id).order_by(Payment.paid_on.desc()).limit(50)
    ).all()
    contacts = session.scalars(
        select(ContactEvent)
        .where(ContactEvent.borrower_id == borrower.id)
        .order_by(ContactEvent.at.desc())
        .limit(50)
    ).all()
    promises = session.scalars(
        select(Promise).where(Promise.loan_id == loan.id).order_by(Promise.promised_on.desc())
    ).all()
    plans = session.scalars(
        select(RepaymentPlan).where(RepaymentPlan.loan_id == loan.id).order_by(RepaymentPlan.id)
    ).all()
    complaints = session.scalars(
        select(Complaint)
        .where(Complaint.borrower_id == borrower.id)
        .order_by(Complaint.received_at.desc())
    ).all()
    holds = session.scalars(
        select(Hold).where(Hold.loan_id == loan.id).order_by(Hold.started_on.desc())
    ).all()
    decision = session.scalar(
        select(Decision)
        .where(Decision.loan_id == loan.id)
        .order_by(Decision.business_date.desc(), Decision.id.desc())
        .limit(1)
    )
    by = f"agency:{user.agency}" if user.role == Role.AGENCY else "lender"
    case = case_for(session, borrower=borrower, at=at, by=by)  # one read for every channel
    verdicts = {
        channel: ask_gate(
            session,
            borrower=borrower,
            loan=loan,
            channel=channel,
            at=at,
            by=by,
            pack=pack,
            case=case,
        )
        for channel in GATE_CHANNELS
    }
    owed = owed_today(session, loan_id=loan.id, business_date=business_date)
    web_offers: list[Any] = []
    zone = borrower.timezone
    paid = [
        float(i.principal_paid + i.interest_paid + i.fee_paid + i.penalty_paid) for i in schedule
    ]
    waived = [
        float(i.principal_waived + i.interest_waived + i.fee_waived + i.penalty_waived)
        for i in schedule
    ]
    due = [float(i.principal_due + i.interest_due + i.fee_due + i.penalty_due) for i in schedule]
    chart = stacked_bars(
        [i.due_on.strftime("%y-%m") for i in schedule],
        {
            t("Paid"): paid,
            t("Waived"): waived,
            t("Still owed"): [
                max(d - p - w, 0.0) for d, p, w in zip(due, paid, waived, strict=True)
            ],
        },
        label="schedule: paid and owed by due date",
        percent=False,
        height=220,
    )
    return {
        "loan": loan,
        "borrower": borrower,
        "product": product,
        "national_id": show_national_id(user, borrower.national_id_masked),
        "methods": [{"m": m, "shown": show_phone(user, m.value)} for m in methods],
        "schedule": schedule,
        "snapshot": snapshot,
        "closed_on": closed_on,
        "payments": payments,
        "contacts": [
            {"e": e, "at": _local(e.at, zone), "address": show_phone(user, e.address)}
            for e in contacts
        ],
        "promises": promises,
        "plans": plans,
        "complaints": complaints,
        "holds": holds,
        "decision": decision,
        "verdicts": verdicts,
        "next_local": {c: _local(v.next_allowed_at, zone) for c, v in verdicts.items()},
        "owed": owed,
        "offers": web_offers,
        "chart": chart,
        "preferences": preferences_in_force(session, borrower_id=borrower.id),
        "zone": zone,
        "local_now": _local(at, zone),
    }


@router.get("/accounts/{loan_id}")
def account(request: Request, loan_id: int) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        user = person(request, session, *CASE_ROLES)
        loan = _case(session, user, loan_id)
        at = web.now()
        day = web.business_date(session)
        context = read_account(
            session,
            user=user,
            loan=loan,
            at=at,
            business_date=day,
            pack=web.config.pack,
            t=translator(language(request)),
        )
        context["offers"] = web.offers.offers(session, loan_id=loan.id, business_date=day)
        context["business_date"] = day
        record_read(
            session,
            user=user,
            borrower_ids=[loan.borrower_id],
            fields=["name", "phone", "national_id", "contacts"],
            purpose=f"account view of loan {loan.external_id}",
            at=at,
        )
    context.update(
        {
            "channels": sorted(CHANNELS),
            "recipients": sorted(RECIPIENTS),
            "outcomes": sorted(OUTCOMES),
            "results": RESULTS,
            "may_write": user.role in WRITE_ROLES,
            "done": request.query_params.get("done"),
        }
    )
    return render(request, "account.html", context)


def _form_key(form: Any) -> str | None:
    key = form.get("idempotency_key")
    return key if isinstance(key, str) and key else None


@router.post("/accounts/{loan_id}/contacts")
async def log_contact(request: Request, loan_id: int) -> Response:
    web = web_of(request)
    form = await posted(request)
    record = f"contact on loan {loan_id}"
    with web.transaction() as session:
        user = person(request, session, *WRITE_ROLES)
        loan = _case(session, user, loan_id)
        borrower = session.get(Borrower, loan.borrower_id)
        assert borrower is not None
        at = web.now()
        channel = field(form, "channel", record=record)
        if channel not in CHANNELS:
            raise InputError(f"unknown channel {channel!r}", record=record, field="channel")
        outcome = field(form, "outcome", record=record)
        if outcome not in OUTCOMES:
            raise InputError(f"unknown outcome {outcome!r}", record=record, field="outcome")
        recipient = field(form, "recipient", record=record)
        if recipient not in RECIPIENTS:
            raise InputError(f"unknown recipient {recipient!r}", record=record, field="recipient")
        result = field(form, "result", required=False)
        if result is not None and result not in RESULTS:
            raise InputError(f"unknown result {result!r}", record=record, field="result")
        right_party = {"yes": True, "no": False}.get(str(form.get("right_party") or ""))
        by = f"agency:{user.agency}" if user.role == Role.AGENCY else "lender"
        verdict = ask_gate(
            session,
            borrower=borrower,
            loan=loan,
            channel=channel,
            at=at,
            by=by,
            pack=web.config.pack,
            recipient=recipient,
        )
        decision_id = None
        raw_decision = field(form, "decision_id", required=False)
        if raw_decision is not None:
            try:
                decision_id = int(raw_decision)
            except ValueError:
                raise InputError("expected a number", record=record, field="decision_id") from None

        def run() -> tuple[int, Any]:
            event, _, _ = report_contact(
                session,
                user=user,
                borrower=borrower,
                loan=loan,
                fields={
                    "at": at,
                    "channel": channel,
                    "recipient": recipient,
                    "outcome": outcome,
                    "mode": "agent",
                    "direction": "outbound",
                    "result": result,
                    "right_party": right_party,
                    "decision_id": decision_id,
                    "gate_allowed": verdict.allowed,
                    "gate_rule": verdict.first_rule,
                    "text": field(form, "note", required=False),
                },
                collector_id=user.collector_id,
                promise=None,
                at=at,
            )
            return 303, {"event": event.id, "gate_allowed": verdict.allowed}

        (_, payload), _ = once(
            session,
            user_id=user.id,
            key=_form_key(form),
            method="POST",
            path=request.url.path,
            body=repr(sorted(form.items())).encode(),
            at=at,
            run=run,
        )
    note = "contact logged" if payload.get("gate_allowed") else "contact logged against the gate"
    return after_post(f"/accounts/{loan_id}", note)


@router.post("/accounts/{loan_id}/promises")
async def add_promise(request: Request, loan_id: int) -> Response:
    web = web_of(request)
    form = await posted(request)
    record = f"promise on loan {loan_id}"
    queued = 0
    with web.transaction() as session:
        user = person(request, session, *WRITE_ROLES)
        loan = _case(session, user, loan_id)
        at = web.now()
        try:
            amount = Decimal(str(field(form, "amount", record=record)))
        except InvalidOperation:
            raise InputError(
                "expected an amount like 500.00", record=record, field="amount"
            ) from None
        try:
            due_on = dt.date.fromisoformat(str(field(form, "due_on", record=record)))
        except ValueError:
            raise InputError("expected a date YYYY-MM-DD", record=record, field="due_on") from None
        day = web.business_date(session)

        def run() -> tuple[int, Any]:
            nonlocal queued
            row = record_promise(
                session,
                loan_id=loan.id,
                amount=amount,
                due_on=due_on,
                promised_on=day,
                actor=f"user:{user.name}",
                at=at,
            )
            queued = len(
                webhooks.enqueue(
                    session,
                    event="promise.recorded",
                    data={
                        "promise_id": row.id,
                        "loan": loan.external_id,
                        "amount": str(row.amount),
                        "due_on": due_on.isoformat(),
                    },
                    at=at,
                )
            )
            return 303, {"promise": row.id}

        once(
            session,
            user_id=user.id,
            key=_form_key(form),
            method="POST",
            path=request.url.path,
            body=repr(sorted(form.items())).encode(),
            at=at,
            run=run,
        )
    if queued:
        web.deliver_webhooks()
    return after_post(f"/accounts/{loan_id}", "promise recorded")


@router.post("/accounts/{loan_id}/offers")
async def offer_plan(request: Request, loan_id: int) -> Response:
    web = web_of(request)
    form = await posted(request)
    queued = 0
    with web.transaction() as session:
        user = person(request, session, *WRITE_ROLES)
        loan = _case(session, user, loan_id)
        at = web.now()
        day = web.business_date(session)
        code = field(form, "offer", record=f"plan offer on loan {loan_id}")
        offers = {o.code: o for o in web.offers.offers(session, loan_id=loan.id, business_date=day)}
        if code not in offers:
            raise InputError(
                f"no such offer today (got {code!r})", record=f"loan {loan_id}", field="offer"
            )
        offer = offers[code]
        data = {
            "loan": loan.external_id,
            "offer": code,
            "months": offer.months,
            "monthly_amount": str(offer.monthly_amount),
            "owed_amount": str(offer.owed_amount),
            "business_date": day.isoformat(),
        }
        audit.record(
            session,
            action="plan.offered",
            entity="loan",
            entity_id=loan.id,
            actor=f"user:{user.name}",
            at=at,
            data=data,
        )
        queued = len(webhooks.enqueue(session, event="plan.offered", data=data, at=at))
    if queued:
        web.deliver_webhooks()
    return after_post(f"/accounts/{loan_id}", "plan offered")
