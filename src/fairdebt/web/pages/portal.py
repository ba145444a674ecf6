"""The borrower portal (mobile-first): what I owe and when, the payoff amount today, plan offers
and acceptance, when and how I may be contacted, disputes and complaints, and my rights.

Contact preferences written here bind the gate for every actor, agencies included, because the
gate's facts read the same ``contact_preference`` rows (:mod:`fairdebt.web.gatecase`). A
dispute is filed as a complaint of category ``dispute`` and places a ``dispute`` hold on the
loan, which stops collection contact until the lender answers and lifts it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.exceptions import HTTPException

from fairdebt import webhooks
from fairdebt.complaints import file_complaint
from fairdebt.compliance.attempts import CHANNELS
from fairdebt.errors import InputError
from fairdebt.ledger.holds import place_hold
from fairdebt.models import AppUser, Complaint, Hold, Installment, Loan, LoanStatus, Product
from fairdebt.preferences import (
    end_contact_preference,
    preferences_in_force,
    set_contact_preference,
)
from fairdebt.users import Role
from fairdebt.web.charts import stacked_bars
from fairdebt.web.i18n import translator
from fairdebt.web.offers import owed_today
from fairdebt.web.pages.forms import after_post, field, posted, web_of
from fairdebt.web.privacy import record_read
from fairdebt.web.rendering import language, person, render

__all__ = ["CATEGORIES", "router"]

router = APIRouter(include_in_schema=False)
CATEGORIES = ("conduct", "third_party_contact", "fees", "amount", "identity", "other")


def _borrower(request: Request, session: Any) -> AppUser:
    user = person(request, session, Role.BORROWER)
    if user.borrower_id is None:
        raise HTTPException(403, "this sign-in is not linked to a borrower")
    return user


def _own_loan(session: Any, user: AppUser, loan_id: int) -> Loan:
    loan: Loan | None = session.get(Loan, loan_id)
    if loan is None or loan.borrower_id != user.borrower_id:
        raise HTTPException(404, "no such loan of yours")
    return loan


@router.get("/me")
def me(request: Request) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        user = _borrower(request, session)
        day = web.business_date(session)
        t = translator(language(request))
        loans = session.scalars(
            select(Loan)
            .where(Loan.borrower_id == user.borrower_id)
            .order_by(Loan.disbursed_on.desc())
        ).all()
        views = []
        for loan in loans:
            schedule = session.scalars(
                select(Installment)
                .where(Installment.loan_id == loan.id, Installment.superseded_on.is_(None))
                .order_by(Installment.due_on, Installment.seq)
            ).all()
            owed_by_due = [
                i.principal_due
                + i.interest_due
                + i.fee_due
                + i.penalty_due
                - i.principal_paid
                - i.interest_paid
                - i.fee_paid
                - i.penalty_paid
                - i.principal_waived
                - i.interest_waived
                - i.fee_waived
                - i.penalty_waived
                for i in schedule
            ]
            overdue = sum(
                (o for i, o in zip(schedule, owed_by_due, strict=True) if i.due_on <= day), start=0
            )
            upcoming = next(
                (
                    (i, o)
                    for i, o in zip(schedule, owed_by_due, strict=True)
                    if i.due_on > day and o > 0
                ),
                None,
            )
            active = loan.status == LoanStatus.ACTIVE
            views.append(
                {
                    "loan": loan,
                    "product": session.get(Product, loan.product_id),
                    "schedule": list(zip(schedule, owed_by_due, strict=True)),
                    "overdue": overdue,
                    "upcoming": upcoming,
                    "payoff": owed_today(session, loan_id=loan.id, business_date=day)
                    if active
                    else 0,
                    "offers": web.offers.offers(session, loan_id=loan.id, business_date=day),
                    "held": session.scalar(
                        select(Hold.kind)
                        .where(Hold.loan_id == loan.id, Hold.ended_on.is_(None))
                        .limit(1)
                    ),
                    "chart": stacked_bars(
                        [i.due_on.strftime("%y-%m") for i in schedule],
                        {
                            t("Paid"): [
                                float(
                                    i.principal_paid + i.interest_paid + i.fee_paid + i.penalty_paid
                                )
                                for i in schedule
                            ],
                            t("Still owed"): [max(float(o), 0.0) for o in owed_by_due],
                        },
                        label="my schedule: paid and owed",
                        percent=False,
                        height=200,
                        width=420,
                    ),
                }
            )
        record_read(
            session,
            user=user,
            borrower_ids=[user.borrower_id or 0],
            fields=["loans"],
            purpose="portal",
            at=web.now(),
        )
    return render(
        request, "me.html", {"views": views, "day": day, "done": request.query_params.get("done")}
    )


@router.post("/me/plans")
async def accept_plan(request: Request) -> Response:
    web = web_of(request)
    form = await posted(request)
    with web.transaction() as session:
        user = _borrower(request, session)
        try:
            loan_id = int(str(field(form, "loan_id", record="plan")))
        except ValueError:
            raise InputError("expected a number", record="plan", field="loan_id") from None
        loan = _own_loan(session, user, loan_id)
        at = web.now()
        day = web.business_date(session)
        plan = web.offers.accept(
            session,
            loan_id=loan.id,
            code=str(field(form, "offer", record="plan")),
            business_date=day,
            actor=f"user:{user.name}",
            at=at,
        )
        queued = webhooks.enqueue(
            session,
            event="plan.accepted",
            data={
                "plan_id": plan.id,
                "loan": loan.external_id,
                "kind": plan.kind,
                "term_months": plan.term_months,
                "restructured_amount": str(plan.restructured_amount),
                "starts_on": plan.starts_on.isoformat(),
            },
            at=at,
        )
    if queued:
        web.deliver_webhooks()
    return after_post("/me", "plan accepted")


@router.get("/me/contact")
def contact(request: Request) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        user = _borrower(request, session)
        assert user.borrower_id is not None
        preferences = preferences_in_force(session, borrower_id=user.borrower_id)
    return render(
        request,
        "me_contact.html",
        {
            "preferences": preferences,
            "channels": sorted(CHANNELS - {"visit", "social"}),
            "done": request.query_params.get("done"),
        },
    )


def _clock(text: Any, name: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(text))
    except ValueError:
        raise InputError("expected a time HH:MM", record="contact preference", field=name) from None


@router.post("/me/contact")
async def set_preference(request: Request) -> Response:
    web = web_of(request)
    form = await posted(request)
    with web.transaction() as session:
        user = _borrower(request, session)
        assert user.borrower_id is not None
        kind = str(field(form, "kind", record="contact preference"))
        times = {}
        if kind == "inconvenient_time":
            times = {
                "from_time": _clock(
                    field(form, "from_time", record="contact preference"), "from_time"
                ),
                "to_time": _clock(field(form, "to_time", record="contact preference"), "to_time"),
            }
        channel = (
            field(form, "channel", required=False)
            if kind in ("no_channel", "preferred_channel")
            else None
        )
        set_contact_preference(
            session,
            borrower_id=user.borrower_id,
            kind=kind,
            channel=channel,
            actor=f"user:{user.name}",
            at=web.now(),
            **times,
        )
    return after_post("/me/contact", "saved")


@router.post("/me/contact/{preference_id}/end")
async def end_preference(request: Request, preference_id: int) -> Response:
    web = web_of(request)
    await posted(request)
    with web.transaction() as session:
        user = _borrower(request, session)
        assert user.borrower_id is not None
        end_contact_preference(
            session,
            preference_id=preference_id,
            borrower_id=user.borrower_id,
            actor=f"user:{user.name}",
            at=web.now(),
        )
    return after_post("/me/contact", "removed")


@router.get("/me/complaints")
def complaints(request: Request) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        user = _borrower(request, session)
        rows = session.scalars(
            select(Complaint)
            .where(Complaint.borrower_id == user.borrower_id)
            .order_by(Complaint.received_at.desc())
        ).all()
        loans = session.scalars(select(Loan).where(Loan.borrower_id == user.borrower_id)).all()
    return render(
        request,
        "me_complaints.html",
        {
            "complaints": rows,
            "loans": loans,
            "categories": CATEGORIES,
            "response_days": web.config.complaint_response_days,
            "done": request.query_params.get("done"),
        },
    )


@router.post("/me/complaints")
async def complain(request: Request) -> Response:
    web = web_of(request)
    form = await posted(request)
    with web.transaction() as session:
        user = _borrower(request, session)
        assert user.borrower_id is not None
        record = "complaint"
        raw_loan = field(form, "loan_id", required=False)
        loan = None
        if raw_loan is not None:
            try:
                loan = _own_loan(session, user, int(raw_loan))
            except ValueError:
                raise InputError("expected a number", record=record, field="loan_id") from None
        dispute = form.get("kind") == "dispute"
        category = "dispute" if dispute else str(field(form, "category", record=record))
        if not dispute and category not in CATEGORIES:
            raise InputError(f"unknown category {category!r}", record=record, field="category")
        if dispute and loan is None:
            raise InputError("name the loan you dispute", record=record, field="loan_id")
        at = web.now()
        row = file_complaint(
            session,
            borrower_id=user.borrower_id,
            loan_id=None if loan is None else loan.id,
            received_at=at,
            channel="portal",
            category=category,
            description=str(field(form, "description", record=record))[:4000],
            actor=f"user:{user.name}",
        )
        if dispute and loan is not None:
            open_dispute = session.scalar(
                select(Hold.id).where(
                    Hold.loan_id == loan.id, Hold.kind == "dispute", Hold.ended_on.is_(None)
                )
            )
            if open_dispute is None:
                place_hold(
                    session,
                    loan_id=loan.id,
                    kind="dispute",
                    started_on=web.business_date(session),
                    reason=f"disputed by the borrower (complaint {row.id})",
                    actor=f"user:{user.name}",
                    at=at,
                )
        queued = webhooks.enqueue(
            session,
            event="dispute.filed" if dispute else "complaint.filed",
            data={
                "complaint_id": row.id,
                "category": category,
                "loan": None if loan is None else loan.external_id,
                "channel": "portal",
            },
            at=at,
        )
    if queued:
        web.deliver_webhooks()
    return after_post("/me/complaints", "received")


@router.get("/me/rights")
def rights(request: Request) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        user = _borrower(request, session)
        loans = session.execute(
            select(
                Loan.external_id,
                Loan.annual_rate,
                Loan.cost_cap_rate,
                Product.penalty_daily_rate,
                Product.monthly_fee_rate,
            )
            .join(Product, Product.id == Loan.product_id)
            .where(Loan.borrower_id == user.borrower_id)
        ).all()
    return render(
        request,
        "rights.html",
        {"loans": loans, "response_days": web.config.complaint_response_days},
    )
