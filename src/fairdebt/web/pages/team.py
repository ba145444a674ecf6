"""The supervisor's screen: each collector's queue against their capacity, and reassignment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import case, func, select

from fairdebt.errors import InputError
from fairdebt.models import Borrower, Collector, Decision, DecisionStatus, Loan
from fairdebt.users import Role
from fairdebt.web.charts import bars
from fairdebt.web.i18n import translator
from fairdebt.web.pages.forms import after_post, posted, web_of
from fairdebt.web.privacy import record_read
from fairdebt.web.rendering import language, person, render
from fairdebt.workqueues import reassign

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
ROLES = (Role.SUPERVISOR, Role.ADMIN)


@router.get("/team")
def team(request: Request) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        user = person(request, session, *ROLES)
        day = session.scalar(select(func.max(Decision.business_date)))
        people = (
            select(Collector)
            .where(Collector.is_active.is_(True))
            .order_by(Collector.team, Collector.code)
        )
        if user.team:
            people = people.where(Collector.team == user.team)
        collectors = list(session.scalars(people))
        counts: dict[int, tuple[int, int]] = {}
        waiting: list[Any] = []
        if day is not None and collectors:
            ids = [c.id for c in collectors]
            for collector_id, planned, done in session.execute(
                select(
                    Decision.collector_id,
                    func.sum(case((Decision.status == DecisionStatus.PLANNED, 1), else_=0)),
                    func.sum(case((Decision.status == DecisionStatus.DONE, 1), else_=0)),
                )
                .where(Decision.business_date == day, Decision.collector_id.in_(ids))
                .group_by(Decision.collector_id)
            ):
                counts[int(collector_id)] = (int(planned or 0), int(done or 0))
            waiting = list(
                session.execute(
                    select(Decision, Borrower.name, Loan.external_id, Collector.code)
                    .join(Borrower, Borrower.id == Decision.borrower_id)
                    .join(Loan, Loan.id == Decision.loan_id)
                    .join(Collector, Collector.id == Decision.collector_id)
                    .where(
                        Decision.business_date == day,
                        Decision.status == DecisionStatus.PLANNED,
                        Decision.collector_id.in_(ids),
                    )
                    .order_by(Collector.code, Decision.queue_position)
                    .limit(300)
                )
            )
        record_read(
            session,
            user=user,
            borrower_ids=[w[0].borrower_id for w in waiting],
            fields=["name"],
            purpose="team queues",
            at=web.now(),
        )
    rows: list[dict[str, Any]] = [
        {
            "c": c,
            "planned": counts.get(c.id, (0, 0))[0],
            "done": counts.get(c.id, (0, 0))[1],
            "load": (sum(counts.get(c.id, (0, 0))) / c.daily_capacity) if c.daily_capacity else 0.0,
        }
        for c in collectors
    ]
    chart = bars(
        [r["c"].code for r in rows],
        [r["load"] * 100 for r in rows],
        label="queue as a share of daily capacity (%)",
        fmt=lambda v: f"{v:.0f}%",
        limit=100,
        limit_label=translator(language(request))("Capacity"),
    )
    return render(
        request,
        "team.html",
        {
            "day": day,
            "rows": rows,
            "chart": chart,
            "waiting": waiting,
            "done": request.query_params.get("done"),
        },
    )


@router.post("/team/reassign")
async def move(request: Request) -> Response:
    web = web_of(request)
    form = await posted(request)
    with web.transaction() as session:
        user = person(request, session, *ROLES)
        try:
            ids = [int(v) for v in form.getlist("decision_id") if isinstance(v, str)]
            target = int(str(form.get("collector_id") or ""))
        except ValueError:
            raise InputError(
                "choose cases and a collector", record="reassignment", field="collector_id"
            ) from None
        if user.team:
            team_of = session.scalar(select(Collector.team).where(Collector.id == target))
            if team_of != user.team:
                raise InputError(
                    "that collector is not in your team",
                    record="reassignment",
                    field="collector_id",
                )
        moved = reassign(
            session, decision_ids=ids, collector_id=target, actor=f"user:{user.name}", at=web.now()
        )
    return after_post("/team", f"{moved} moved")
