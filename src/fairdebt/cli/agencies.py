"""``fairdebt agencies add|staff|evaluate|place|allocate|recall|contacts|commission|list``.

Each writing command is one transaction around the verbs of :mod:`fairdebt.agencies`, which
write their audit entries; the last line of stdout is one JSON object. A placement to an agency
whose evaluation is missing, failed or more than a year old on the business date is refused
with one line on stderr and exit 2, nothing placed (docs/decisions/cli-errors.md). Business
dates are arguments (``--date``), read strictly and refused in the future unless
``--allow-future``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.cli.db import DatabaseOption, open_database
from fairdebt.cli.guards import AllowFutureOption, actor_option, read_date, refuse_future, today
from fairdebt.db import make_session
from fairdebt.errors import InputError, UnknownRecord

__all__ = ["app", "mount"]

app = typer.Typer(
    help="Collection agencies: register, evaluate, place, recall, import contacts. 委外机构管理。",
    no_args_is_help=True,
)
ActorOption = actor_option("cli", "Who is acting, for the audit log. 操作人。")
AgencyOption = typer.Option(..., "--agency", help="Agency name. 机构名称。")
DateOption = typer.Option(..., "--date", help="Business date, YYYY-MM-DD. 业务日期。")
LoansOption = typer.Option(
    None, "--loans", help="Loan external ids, comma-separated. 借据号（逗号分隔）。"
)
BucketOption = typer.Option(None, "--bucket", help="Bucket, e.g. M4. 账龄段。")
StaffOption = typer.Option(None, "--staff", help="Staff CSV. 催收人员名单。")
StaffFileOption = typer.Option(..., "--file", help="Staff CSV. 催收人员名单。")
PolicyOption = typer.Option(None, "--policy", help="Allocation policy YAML. 分配策略文件。")
ContactsFileOption = typer.Option(
    ..., "--file", help="The agency's contact records (CSV). 催收记录。"
)


def _emit(payload: dict[str, Any]) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, default=str))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _business_date(value: str, allow_future: bool) -> dt.date:
    day = read_date(value, "--date")
    refuse_future(day, "--date", today=today(), allow_future=allow_future)
    return day


def _schedule(text: str) -> dict[str, Decimal]:
    """``M4=0.25,M5=0.30`` as rates by bucket."""
    schedule: dict[str, Decimal] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        bucket, _, rate = part.partition("=")
        try:
            schedule[bucket.strip()] = Decimal(rate.strip())
        except InvalidOperation:
            raise InputError(
                f"expected BUCKET=RATE pairs such as M4=0.25 (got {part!r})", field="--commission"
            ) from None
    if not schedule:
        raise InputError("expected BUCKET=RATE pairs such as M4=0.25", field="--commission")
    return schedule


def _staff(path: Path) -> list[Any]:
    """Staff identities from a CSV: code, name[, team, pool, skills, shift_start, shift_end,
    daily_capacity]."""
    from fairdebt.collectors import CollectorIn
    from fairdebt.ledger.tapes.sheets import read_sheet

    people = []
    for row in read_sheet(path).rows:
        v, record = row.values, f"{row.file}, line {row.line}"
        if not (v.get("code") or "").strip() or not (v.get("name") or "").strip():
            raise InputError("code and name are required", record=record, field="code")
        try:
            people.append(
                CollectorIn(
                    code=v["code"].strip(),
                    name=v["name"].strip(),
                    team=(v.get("team") or "").strip() or "agency",
                    pool=(v.get("pool") or "").strip() or "agency_call",
                    skills=tuple((v.get("skills") or "late").replace(";", ",").split(",")),
                    shift_start=dt.time.fromisoformat((v.get("shift_start") or "09:00").strip()),
                    shift_end=dt.time.fromisoformat((v.get("shift_end") or "21:00").strip()),
                    daily_capacity=int((v.get("daily_capacity") or "60").strip()),
                )
            )
        except ValueError as error:
            raise InputError(f"cannot read the row ({error})", record=record) from None
    return people


def _loan_ids(session: Session, text: str) -> list[int]:
    from fairdebt.models import Loan

    wanted = [p.strip() for p in text.split(",") if p.strip()]
    if not wanted:
        raise InputError("name at least one loan", field="--loans")
    found: dict[str, int] = {
        str(e): int(i)
        for e, i in session.execute(
            select(Loan.external_id, Loan.id).where(Loan.external_id.in_(wanted))
        )
    }
    missing = [w for w in wanted if w not in found]
    if missing:
        raise UnknownRecord(f"no loan has external id {missing[0]!r}", field="--loans")
    return [found[w] for w in wanted]


@app.command("add")
def add_command(
    name: str = typer.Option(..., "--name", help="Short name, used as agency:NAME. 机构简称。"),
    commission: str = typer.Option(
        ..., "--commission", help="Rate by bucket, e.g. M4=0.25,M5=0.30. 佣金比例。"
    ),
    legal_name: str = typer.Option("", "--legal-name", help="Registered name. 机构全称。"),
    staff: Path | None = StaffOption,
    contract_ends: str | None = typer.Option(
        None, "--contract-ends", help="Contract end, YYYY-MM-DD. 合同到期日。"
    ),
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Register an agency, its commission schedule and staff. 登记委外机构。"""
    from fairdebt.agencies import add_agency

    schedule = _schedule(commission)
    people = [] if staff is None else _staff(staff)
    ends = None if contract_ends is None else read_date(contract_ends, "--contract-ends")
    with make_session(open_database(database)) as session, session.begin():
        agency = add_agency(
            session,
            name=name,
            legal_name=legal_name,
            commission=schedule,
            staff=people,
            contract_ends_on=ends,
            actor=actor,
            at=_now(),
        )
        payload = {"id": int(agency.id), "agency": agency.name, "staff": len(people)}
    _emit(payload | {"commission": {k: str(v) for k, v in schedule.items()}})


@app.command("staff")
def staff_command(
    agency: str = AgencyOption,
    file: Path = StaffFileOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Register more staff identities of an agency. 登记机构催收人员。"""
    from fairdebt.agencies import add_staff, find_agency

    people = _staff(file)
    with make_session(open_database(database)) as session, session.begin():
        ids = add_staff(
            session, agency=find_agency(session, agency), staff=people, actor=actor, at=_now()
        )
    _emit({"agency": agency, "staff": len(ids)})


@app.command("evaluate")
def evaluate_command(
    agency: str = AgencyOption,
    date: str = DateOption,
    result: str = typer.Option(..., "--result", help="pass or fail. 评估结论。"),
    failed: str = typer.Option(
        "", "--failed", help="Failed areas: conduct,quality,security. 未通过项。"
    ),
    evaluator: str = typer.Option(..., "--evaluator", help="Who evaluated. 评估人。"),
    kind: str = typer.Option("annual", "--kind", help="annual, pre_expiry or ad_hoc. 类型。"),
    notes: str | None = typer.Option(None, "--notes", help="Findings. 评估意见。"),
    allow_future: bool = AllowFutureOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Record an agency's evaluation (conduct, quality, security). 年度评估。"""
    from fairdebt.agencies import AREAS, evaluate_agency, find_agency, valid_until

    day = _business_date(date, allow_future)
    areas = [a.strip() for a in failed.split(",") if a.strip()]
    if result not in ("pass", "fail"):
        raise InputError(f"must be pass or fail (got {result!r})", field="--result")
    if result == "pass" and areas:
        raise InputError("a passed evaluation names no failed areas", field="--failed")
    if result == "fail" and not areas:
        areas = list(AREAS)
    with make_session(open_database(database)) as session, session.begin():
        row = evaluate_agency(
            session,
            agency=find_agency(session, agency),
            evaluated_on=day,
            failed=areas,
            evaluator=evaluator,
            kind=kind,
            notes=notes,
            actor=actor,
            at=_now(),
        )
        payload = {"id": int(row.id), "agency": agency, "passed": row.passed}
    _emit(payload | {"evaluated_on": day.isoformat(), "valid_until": valid_until(day).isoformat()})


@app.command("place")
def place_command(
    agency: str = AgencyOption,
    date: str = DateOption,
    loans: str | None = LoansOption,
    bucket: str | None = BucketOption,
    allow_future: bool = AllowFutureOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Place loans with an agency (named, or a whole bucket). 委案。"""
    from fairdebt.agencies import find_agency, loans_in_bucket, place_loans, require_placeable

    day = _business_date(date, allow_future)
    if (loans is None) == (bucket is None):
        raise InputError("give --loans or --bucket (one of them)", field="--loans")
    with make_session(open_database(database)) as session, session.begin():
        found = find_agency(session, agency)
        require_placeable(session, agency=found, on=day)
        ids = (
            _loan_ids(session, loans)
            if loans is not None
            else loans_in_bucket(session, bucket=str(bucket), on=day)
        )
        rows = place_loans(
            session, agency=found, loan_ids=ids, placed_on=day, actor=actor, at=_now()
        )
        payload = {
            "agency": agency,
            "placed_on": day.isoformat(),
            "placed": len(rows),
            "placements": [int(p.id) for p in rows],
            "balance": str(sum((p.balance_amount for p in rows), Decimal("0.00"))),
        }
    Console(stderr=True).print(f"{payload['placed']} loans placed with {agency}  已委案")
    _emit(payload)


@app.command("allocate")
def allocate_command(
    date: str = DateOption,
    loans: str | None = LoansOption,
    bucket: str | None = BucketOption,
    policy: Path | None = PolicyOption,
    allow_future: bool = AllowFutureOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Share loans among eligible agencies by recovery and conduct. 按回收与合规表现分案。"""
    from fairdebt.agencies import allocate_loans, load_policy, loans_in_bucket

    day = _business_date(date, allow_future)
    if (loans is None) == (bucket is None):
        raise InputError("give --loans or --bucket (one of them)", field="--loans")
    rules = load_policy(policy)
    with make_session(open_database(database)) as session, session.begin():
        ids = (
            _loan_ids(session, loans)
            if loans is not None
            else loans_in_bucket(session, bucket=str(bucket), on=day)
        )
        done = allocate_loans(session, loan_ids=ids, on=day, policy=rules, actor=actor, at=_now())
    _emit({"date": day.isoformat(), **done.to_json()})


@app.command("recall")
def recall_command(
    agency: str = AgencyOption,
    date: str = DateOption,
    reason: str = typer.Option(..., "--reason", help="Why. 撤案原因。"),
    loans: str | None = LoansOption,
    bucket: str | None = BucketOption,
    allow_future: bool = AllowFutureOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """End placements: named loans, a bucket, or all the agency holds. 撤案。"""
    from fairdebt.agencies import find_agency, recall_loans

    day = _business_date(date, allow_future)
    with make_session(open_database(database)) as session, session.begin():
        ids = None if loans is None else _loan_ids(session, loans)
        rows = recall_loans(
            session,
            agency=find_agency(session, agency),
            recalled_on=day,
            reason=reason,
            loan_ids=ids,
            bucket=bucket,
            actor=actor,
            at=_now(),
        )
        payload = {"agency": agency, "recalled_on": day.isoformat(), "recalled": len(rows)}
    _emit(payload)


@app.command("contacts")
def contacts_command(
    agency: str = AgencyOption,
    file: Path = ContactsFileOption,
    pack: str = typer.Option("cn", "--pack", help="Rule pack. 规则包。"),
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Import an agency's contacts; each is judged by the gate and recorded. 导入机构催收记录。"""
    from fairdebt.agencies import find_agency, read_contact, record_agency_contacts
    from fairdebt.ledger.tapes.sheets import read_sheet

    sheet = read_sheet(file)
    contacts = [read_contact(r.values, f"{r.file}, line {r.line}") for r in sheet.rows]
    with make_session(open_database(database)) as session, session.begin():
        summary = record_agency_contacts(
            session,
            agency=find_agency(session, agency),
            contacts=contacts,
            pack=pack,
            actor=actor,
            at=_now(),
        )
    payload = summary.to_json()
    Console(stderr=True).print(
        f"{payload['recorded']} contacts recorded, {payload['refused']} against the gate  "
        "已导入，其中违反规则"
    )
    _emit(payload)


def _period(start: str, end: str) -> tuple[dt.date, dt.date]:
    since, until = read_date(start, "--from"), read_date(end, "--to")
    if since > until:
        raise InputError(f"--from {since} is after --to {until}", field="--from")
    return since, until


@app.command("commission")
def commission_command(
    start: str = typer.Option(..., "--from", help="First day. 起始日。"),
    end: str = typer.Option(..., "--to", help="Last day. 截止日。"),
    agency: str | None = typer.Option(None, "--agency", help="One agency. 机构。"),
    database: str | None = DatabaseOption,
) -> None:
    """Commission on recoveries during placement, per placement. 佣金对账。"""
    from fairdebt.agencies import commissions, find_agency

    since, until = _period(start, end)
    with make_session(open_database(database)) as session:
        agency_id = None if agency is None else find_agency(session, agency).id
        rows = commissions(session, since=since, until=until, agency_id=agency_id)
    total = sum((r["commission_amount"] for r in rows), Decimal("0.00"))
    _emit({"since": since, "until": until, "commission": str(total), "placements": rows})


@app.command("list")
def list_command(
    date: str | None = typer.Option(None, "--date", help="As of, YYYY-MM-DD; default today."),
    database: str | None = DatabaseOption,
) -> None:
    """Agencies with their evaluation standing and placements. 机构列表。"""
    from fairdebt.agencies import active_placements, commission_schedule, standing
    from fairdebt.models import Agency, Collector

    day = today() if date is None else read_date(date, "--date")
    rows = []
    with make_session(open_database(database)) as session:
        for agency in session.scalars(select(Agency).order_by(Agency.name)):
            state = standing(session, agency=agency, on=day)
            staff = session.scalars(select(Collector.code).where(Collector.agency == agency.name))
            rows.append(
                {
                    "agency": agency.name,
                    "legal_name": agency.legal_name,
                    "may_place": state.may_place,
                    "reason": state.reason,
                    "evaluated_on": state.evaluated_on,
                    "evaluation_due_on": state.due_on,
                    "placed": len(active_placements(session, on=day, agency_id=agency.id)),
                    "staff": sorted(staff),
                    "commission": {
                        k: str(v) for k, v in commission_schedule(session, agency.id).items()
                    },
                }
            )
    _emit({"date": day.isoformat(), "agencies": rows})


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt agencies ...``."""
    root.add_typer(app, name="agencies")
