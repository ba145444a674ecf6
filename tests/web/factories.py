"""A small collection world for the web tests, written through the real verbs where they exist.

Borrowers, a product, loans, payments and closed business dates go through the ledger verbs and
the cycle; collectors, the day's decisions (the plan), consents and some contacts are plain
inserts, standing in for the collection loop until it lands on main. Everything is fixed by
the arguments, so pages and screenshots come out the same on every run.

The world on :data:`DAY` (a Monday):

* four borrowers: B-1 张伟 (late, the lender's collector C-L1 has her), B-2 李娜 (late, placed with
  agency 甲催收 / collector C-A1), B-3 王芳 (late, placed with agency 乙催收 / C-B1), B-4 赵强
  (paying on time);
* users of every role (``<role>`` with password :data:`PASSWORD`; agency users ``agency-a`` and
  ``agency-b``) and a dialer with a token.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from fairdebt.complaints import file_complaint
from fairdebt.cycle.runs import run_range
from fairdebt.db import make_session
from fairdebt.ledger.borrowers import BorrowerIn, ContactIn, register_borrowers
from fairdebt.ledger.loans import LoanIn, disburse
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.products import create_product
from fairdebt.ledger.promises import record_promise
from fairdebt.models import Collector, ContactEvent, Decision
from fairdebt.users import _HASHER, Role, add_user, issue_token

__all__ = ["DAY", "NOW", "PASSWORD", "World", "make_world"]

START = dt.date(2025, 1, 15)
DAY = dt.date(2025, 6, 30)
# 10:00 in Beijing on DAY: inside the gate's hours
NOW = dt.datetime(2025, 6, 30, 2, 0, tzinfo=dt.UTC)
AT = dt.datetime(2025, 1, 15, 1, 0, tzinfo=dt.UTC)
PASSWORD = "correct-horse-7"
CLOSED = [dt.date(2025, 4, 30), dt.date(2025, 5, 31), dt.date(2025, 6, 30)]
ACTOR = "factory"


@dataclass
class World:
    loans: dict[str, int] = field(default_factory=dict)  # borrower external id -> loan id
    borrowers: dict[str, int] = field(default_factory=dict)
    collectors: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)  # borrower -> today's decision
    dialer_token: str = ""
    admin_token: str = ""
    collector_token: str = ""
    agency_token: str = ""


@functools.cache
def password_hash() -> str:
    return _HASHER.hash(PASSWORD)


def _people() -> list[BorrowerIn]:
    rows = [
        ("B-1", "张伟", "+8613800000001", "110105199001011234"),
        ("B-2", "李娜", "+8613800000002", "110105199202022345"),
        ("B-3", "王芳", "+8613800000003", "110105199303033456"),
        ("B-4", "赵强", "+8613800000004", "110105199404044567"),
    ]
    return [
        BorrowerIn(
            external_id=ext,
            name=name,
            national_id=nid,
            language="zh-CN",
            timezone="Asia/Shanghai",
            province="广东",
            city="深圳",
            birth_year=1990,
            monthly_income_amount=Decimal("9000.00"),
            contacts=(
                ContactIn("phone", phone, "borrower"),
                ContactIn("phone", phone[:-1] + "9", "emergency_contact", "亲属", "parent"),
            ),
        )
        for ext, name, phone, nid in rows
    ]


def _collector(session: Session, code: str, name: str, team: str, agency: str | None) -> int:
    row = Collector(
        code=code,
        name=name,
        team=team,
        pool="agent_call",
        skills="early,mid",
        shift_start=dt.time(9),
        shift_end=dt.time(18),
        daily_capacity=40,
        agency=agency,
        is_active=True,
        created_at=AT,
    )
    session.add(row)
    session.flush()
    return row.id


def make_world(engine: Engine, *, close_days: bool = True) -> World:
    """Write the world into a migrated, empty database. ``close_days`` runs the cycle from the
    first disbursement to :data:`DAY` (portfolio pages need it; API tests do not)."""
    world = World()
    with make_session(engine) as session, session.begin():
        ids = register_borrowers(session, borrowers=_people(), actor=ACTOR, at=AT)
        world.borrowers = {f"B-{i + 1}": bid for i, bid in enumerate(ids)}
        create_product(
            session,
            code="P12",
            name="消费贷 12 期",
            repayment_method="equal_installment",
            annual_rate=Decimal("0.18"),
            monthly_fee_rate=Decimal("0"),
            penalty_daily_rate=Decimal("0.0005"),
            cost_cap_kind="apr",
            cost_cap_rate=Decimal("0.24"),
            actor=ACTOR,
            at=AT,
        )
        for ext, bid in world.borrowers.items():
            loan = disburse(
                session,
                loan=LoanIn(f"L-{ext[2:]}", bid, "P12", Decimal("12000.00"), 12, START),
                actor=ACTOR,
                at=AT,
            )
            world.loans[ext] = loan.id
        # B-4 pays every month; the others pay twice, then stop
        paid_months = {"B-1": 2, "B-2": 2, "B-3": 3, "B-4": 5}
        for ext, months in paid_months.items():
            for m in range(1, months + 1):
                post_payment(
                    session,
                    payment=PaymentIn(
                        f"P-{ext}-{m}",
                        f"L-{ext[2:]}",
                        Decimal("1200.00" if ext == "B-4" else "1100.16"),
                        dt.date(2025, 1 + m, 14),
                    ),
                    actor=ACTOR,
                    at=AT,
                )
    if close_days:
        # three month ends (DAY is one): enough for the bucket mix, a month's roll rates and
        # vintages, in three closes instead of 167
        for end in CLOSED:
            run_range(engine, start=end, end=end, actor=ACTOR, at=AT)
    with make_session(engine) as session, session.begin():
        world.collectors = {
            "C-L1": _collector(session, "C-L1", "陈静", "early", None),
            "C-L2": _collector(session, "C-L2", "刘洋", "early", None),
            "C-A1": _collector(session, "C-A1", "孙磊", "agency", "甲催收"),
            "C-B1": _collector(session, "C-B1", "周敏", "agency", "乙催收"),
        }
        assignments = {"B-1": "C-L1", "B-2": "C-A1", "B-3": "C-B1"}
        # a week of history for the experiment view, then today's plan
        for offset in range(14, -1, -1):
            day = DAY - dt.timedelta(days=offset)
            for position, (ext, code) in enumerate(assignments.items(), start=1):
                held_out = ext == "B-3" and offset % 2 == 1
                decision = Decision(
                    business_date=day,
                    loan_id=world.loans[ext],
                    borrower_id=world.borrowers[ext],
                    policy="champion",
                    arm="holdout" if held_out else "champion",
                    stage="early",
                    dpd=60 + ext.count("2") * 10 - offset,
                    score=0.4,
                    action="none" if held_out else "agent_call",
                    proposed_action="agent_call",
                    propensity=0.95,
                    reason="early_high_balance" if ext == "B-1" else "early_agency_placed",
                    status="held_out" if held_out else ("planned" if offset == 0 else "done"),
                    planned_at=dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC),
                    template="early_reminder_zh",
                    collector_id=None if held_out else world.collectors[code],
                    queue_position=None if held_out else position,
                )
                session.add(decision)
                session.flush()
                if offset == 0:
                    world.decisions[ext] = decision.id
        session.add(
            Decision(
                business_date=DAY,
                loan_id=world.loans["B-4"],
                borrower_id=world.borrowers["B-4"],
                policy="champion",
                arm="champion",
                stage="pre_due",
                dpd=0,
                action="sms_reminder",
                proposed_action="robot_call",
                propensity=1.0,
                reason="pre_due_reminder",
                status="refused",
                gate_rule="cn.frequency.connected_calls",
            )
        )
        # an agency call made against the gate, and the complaint it caused
        event = ContactEvent(
            borrower_id=world.borrowers["B-2"],
            loan_id=world.loans["B-2"],
            at=NOW - dt.timedelta(days=2, hours=-13),
            direction="outbound",
            channel="call",
            mode="agent",
            recipient="debtor",
            address="+8613800000002",
            outcome="connected",
            by="agency:甲催收",
            actor_kind="agency",
            collector_id=world.collectors["C-A1"],
            gate_allowed=False,
            gate_rule="cn.hours.quiet",
            right_party=True,
            result="refused_to_pay",
        )
        session.add(event)
        session.flush()
        complaint = file_complaint(
            session,
            borrower_id=world.borrowers["B-2"],
            loan_id=world.loans["B-2"],
            received_at=NOW - dt.timedelta(days=1),
            channel="phone",
            category="conduct",
            description="晚上十点以后还打电话",
            actor=ACTOR,
        )
        complaint.contact_event_id = event.id
        record_promise(
            session,
            loan_id=world.loans["B-1"],
            amount=Decimal("1000.00"),
            due_on=DAY + dt.timedelta(days=5),
            promised_on=DAY - dt.timedelta(days=3),
            actor=ACTOR,
            at=NOW,
        )
        users = [
            ("admin", Role.ADMIN, {}),
            ("supervisor", Role.SUPERVISOR, {}),
            ("strategist", Role.STRATEGIST, {}),
            ("risk", Role.RISK, {}),
            ("compliance", Role.COMPLIANCE, {}),
            ("collector", Role.COLLECTOR, {"collector_code": "C-L1"}),
            ("collector2", Role.COLLECTOR, {"collector_code": "C-L2"}),
            ("agency-a", Role.AGENCY, {"collector_code": "C-A1"}),
            ("agency-b", Role.AGENCY, {"agency": "乙催收"}),
            ("borrower", Role.BORROWER, {"borrower_external_id": "B-1"}),
        ]
        for name, role, extra in users:
            user = add_user(session, name=name, role=role, actor=ACTOR, at=AT, **extra)
            # one argon2 hash for every test user (hashing costs 0.1 s on purpose)
            user.password_hash = password_hash()
            if name == "admin":
                world.admin_token = issue_token(session, user_id=user.id, actor=ACTOR, at=AT)
            if name == "collector":
                world.collector_token = issue_token(session, user_id=user.id, actor=ACTOR, at=AT)
            if name == "agency-a":
                world.agency_token = issue_token(session, user_id=user.id, actor=ACTOR, at=AT)
        dialer = add_user(session, name="dialer", role=Role.DIALER, actor=ACTOR, at=AT)
        world.dialer_token = issue_token(session, user_id=dialer.id, actor=ACTOR, at=AT)
    return world
