"""``fairdebt complaints file|assign|resolve|reopen|extend|list`` and ``fairdebt promises rates``.

Each command is one transaction around one verb of :mod:`fairdebt.complaints`, which writes its
audit entry; the last line of stdout is one JSON object. ``complaints file`` prints
``{"id": …, "hold": true|false, "due_on": "YYYY-MM-DD"}``; ``complaints list --summary`` and
``promises rates`` print complaint and promise-kept rates for a period.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import typer
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.cli.db import DatabaseOption, open_database
from fairdebt.cli.guards import actor_option, read_date, today
from fairdebt.db import make_session
from fairdebt.errors import InputError, UnknownRecord

__all__ = ["app", "mount", "promises_app"]

app = typer.Typer(
    help="Complaints: file, assign, resolve, reopen, list. 投诉处理。", no_args_is_help=True
)
promises_app = typer.Typer(help="Promises to pay. 还款承诺。", no_args_is_help=True)

ActorOption = actor_option("cli", "Who is acting, for the audit log. 操作人。")
ComplaintOption = typer.Option(..., "--complaint", help="Complaint id. 投诉编号。")
AtOption = typer.Option(
    None, "--at", help="When, ISO 8601 with offset; default now. 时间（含时区），默认当前。"
)


def _at(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        at = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"must be an ISO 8601 time (got {value!r})", field="--at") from None
    if at.tzinfo is None:
        raise InputError(f"must carry a UTC offset (got {value!r})", field="--at")
    return at


def _by_external_id(session: Session, model: Any, external_id: str, option: str) -> int:
    found = session.scalar(select(model.id).where(model.external_id == external_id))
    if found is None:
        raise UnknownRecord(f"no record has external id {external_id!r}", field=option)
    return int(found)


def _emit(payload: dict[str, Any]) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, default=str))


@app.command("file")
def file_command(
    borrower: str = typer.Option(..., "--borrower", help="Borrower external id. 借款人编号。"),
    category: str = typer.Option(..., "--category", help="Cause code. 投诉原因代码。"),
    channel: str = typer.Option(..., "--channel", help="Where it came in. 投诉渠道。"),
    text: str = typer.Option(..., "--text", help="What the borrower said. 投诉内容。"),
    loan: str | None = typer.Option(None, "--loan", help="Loan external id. 借据号。"),
    contact_event: int | None = typer.Option(
        None, "--contact-event", help="The contact complained about. 被投诉的联系记录。"
    ),
    collector: str | None = typer.Option(None, "--collector", help="Collector code. 催收员。"),
    agency: str | None = typer.Option(None, "--agency", help="Agency name. 委外机构。"),
    template: str | None = typer.Option(None, "--template", help="Template id. 模板。"),
    at: str | None = AtOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """File a complaint; a conduct complaint holds contact by the actor behind it. 登记投诉。"""
    from fairdebt.complaints import CHANNELS, file_complaint, is_held
    from fairdebt.models import Borrower, Collector, Loan

    if channel not in CHANNELS:
        raise InputError(
            f"must be one of {', '.join(CHANNELS)} (got {channel!r})", field="--channel"
        )
    received_at = _at(at)
    with make_session(open_database(database)) as session, session.begin():
        borrower_id = _by_external_id(session, Borrower, borrower, "--borrower")
        loan_id = None if loan is None else _by_external_id(session, Loan, loan, "--loan")
        collector_id = None
        if collector is not None:
            found = session.scalar(select(Collector.id).where(Collector.code == collector))
            if found is None:
                raise UnknownRecord(f"no collector has code {collector!r}", field="--collector")
            collector_id = int(found)
        complaint = file_complaint(
            session,
            borrower_id=borrower_id,
            loan_id=loan_id,
            received_at=received_at,
            channel=channel,
            category=category,
            description=text,
            actor=actor,
            contact_event_id=contact_event,
            collector_id=collector_id,
            agency=agency,
            template=template,
        )
        payload = {
            "id": int(complaint.id),
            "hold": is_held(session, complaint),
            "due_on": complaint.due_on.isoformat() if complaint.due_on else None,
        }
    Console(stderr=True).print(
        f"complaint {payload['id']} filed, due {payload['due_on']}  投诉已登记"
    )
    _emit(payload)


@app.command("assign")
def assign_command(
    complaint: int = ComplaintOption,
    to: str = typer.Option(..., "--to", help="Handler. 处理人。"),
    at: str | None = AtOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Give a complaint to a handler (acknowledges it). 分派投诉。"""
    from fairdebt.complaints import assign_complaint

    with make_session(open_database(database)) as session, session.begin():
        row = assign_complaint(session, complaint_id=complaint, to=to, actor=actor, at=_at(at))
        payload = {"id": int(row.id), "assigned_to": row.assigned_to}
    _emit(payload)


@app.command("resolve")
def resolve_command(
    complaint: int = ComplaintOption,
    root_cause: str = typer.Option(..., "--root-cause", help="Root cause code. 根因。"),
    resolution: str = typer.Option(..., "--resolution", help="What was done. 处理结果。"),
    at: str | None = AtOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Close a complaint with root cause and resolution; lifts its hold. 办结投诉。"""
    from fairdebt.complaints import resolve_complaint

    with make_session(open_database(database)) as session, session.begin():
        row = resolve_complaint(
            session,
            complaint_id=complaint,
            root_cause=root_cause,
            resolution=resolution,
            actor=actor,
            at=_at(at),
        )
        payload = {"id": int(row.id), "status": row.status, "root_cause": row.root_cause}
    _emit(payload)


@app.command("reopen")
def reopen_command(
    complaint: int = ComplaintOption,
    reason: str = typer.Option(..., "--reason", help="Why. 原因。"),
    at: str | None = AtOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Reopen a resolved complaint (核查); holds again when about conduct. 重新处理投诉。"""
    from fairdebt.complaints import is_held, reopen_complaint

    with make_session(open_database(database)) as session, session.begin():
        row = reopen_complaint(
            session, complaint_id=complaint, reason=reason, actor=actor, at=_at(at)
        )
        payload = {
            "id": int(row.id),
            "hold": is_held(session, row),
            "due_on": row.due_on.isoformat() if row.due_on else None,
        }
    _emit(payload)


@app.command("extend")
def extend_command(
    complaint: int = ComplaintOption,
    reason: str = typer.Option(..., "--reason", help="Why. 原因。"),
    special: bool = typer.Option(
        False, "--special", help="The further extension (needs --approved-by). 特别延期。"
    ),
    approved_by: str | None = typer.Option(None, "--approved-by", help="Approver. 审批人。"),
    at: str | None = AtOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Extend the decision date of a complex complaint. 延长处理期限。"""
    from fairdebt.complaints import extend_complaint

    with make_session(open_database(database)) as session, session.begin():
        row = extend_complaint(
            session,
            complaint_id=complaint,
            special=special,
            approved_by=approved_by,
            reason=reason,
            actor=actor,
            at=_at(at),
        )
        payload = {"id": int(row.id), "due_on": row.due_on.isoformat() if row.due_on else None}
    _emit(payload)


def _period(start: str | None, end: str | None) -> tuple[dt.date, dt.date]:
    until = today() if end is None else read_date(end, "--to")
    since = until - dt.timedelta(days=29) if start is None else read_date(start, "--from")
    if since > until:
        raise InputError(f"--from {since} is after --to {until}", field="--from")
    return since, until


FromOption = typer.Option(None, "--from", help="First day, YYYY-MM-DD. 起始日。")
ToOption = typer.Option(None, "--to", help="Last day, YYYY-MM-DD; default today. 截止日。")


@app.command("list")
def list_command(
    status: str | None = typer.Option(None, "--status", help="open or resolved. 状态。"),
    summary: bool = typer.Option(
        False, "--summary", help="Rates per 10,000 accounts instead. 每万户投诉率。"
    ),
    start: str | None = FromOption,
    end: str | None = ToOption,
    database: str | None = DatabaseOption,
) -> None:
    """List complaints received in a period, or (--summary) their rates. 投诉列表或统计。"""
    from fairdebt.complaints import CATEGORIES, complaint_rates
    from fairdebt.complaints.rates import _bounds
    from fairdebt.models import Complaint

    since, until = _period(start, end)
    with make_session(open_database(database)) as session:
        if summary:
            _emit(complaint_rates(session, since=since, until=until))
            return
        low, high = _bounds(since, until)
        query = select(Complaint).where(Complaint.received_at >= low, Complaint.received_at < high)
        if status is not None:
            query = query.where(Complaint.status == status)
        rows = [
            {
                "id": int(c.id),
                "borrower_id": int(c.borrower_id),
                "category": c.category,
                "category_zh": CATEGORIES[c.category].zh if c.category in CATEGORIES else None,
                "status": c.status,
                "received_at": c.received_at.isoformat(),
                "due_on": c.due_on.isoformat() if c.due_on else None,
                "assigned_to": c.assigned_to,
                "contact_event_id": c.contact_event_id,
                "collector_id": c.collector_id,
                "agency": c.agency,
                "template": c.template,
                "root_cause": c.root_cause,
                "reopened": c.reopened_count,
            }
            for c in session.scalars(query.order_by(Complaint.id)).all()
        ]
    _emit({"since": since.isoformat(), "until": until.isoformat(), "complaints": rows})


@promises_app.command("rates")
def rates_command(
    start: str | None = FromOption,
    end: str | None = ToOption,
    segment: str = typer.Option("bucket", "--segment", help="bucket or product. 分群口径。"),
    database: str | None = DatabaseOption,
) -> None:
    """Promise-kept rates by collector, channel, segment and kind. 承诺兑现率。"""
    from fairdebt.ledger.promise_rates import promise_rates

    since, until = _period(start, end)
    with make_session(open_database(database)) as session:
        _emit(promise_rates(session, since=since, until=until, segment=segment))


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt complaints ...`` and ``fairdebt promises ...``."""
    root.add_typer(app, name="complaints")
    root.add_typer(promises_app, name="promises")
