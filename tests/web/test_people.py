"""The nouns behind the pages: users and tokens (and the CLI that makes them), contact
preferences, reassignment, plan offers, webhook signatures, the login throttle and charts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session
from tests.web.factories import DAY, NOW, World
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.compliance.verdicts import Verdict
from fairdebt.errors import ConflictError, InputError
from fairdebt.models import ApiToken, AppUser, Decision
from fairdebt.preferences import (
    end_contact_preference,
    preferences_in_force,
    set_contact_preference,
)
from fairdebt.users import add_user, check_password, issue_token, revoke_tokens, user_for_token
from fairdebt.web.auth import LoginThrottle
from fairdebt.web.charts import bars, heatmap, lines, stacked_bars
from fairdebt.web.gatecase import ask_gate
from fairdebt.web.offers import ExtensionOffers, owed_today
from fairdebt.web.privacy import mask_phone
from fairdebt.webhooks import sign, verify_signature
from fairdebt.workqueues import reassign

AT = dt.datetime(2025, 6, 30, 2, 0, tzinfo=dt.UTC)
# every pack refuses a debtor's stated inconvenient times (cn as a house rule on Civil Code
# Art. 1033(1); uk CONC 7.9.4R; us 1006.6(b)(1)(i))
PACK = "uk"


def test_users_add_prints_the_token_on_its_last_line_and_the_token_works(
    tmp_path: object,
) -> None:
    url = f"sqlite:///{tmp_path}/users.db"
    done = CliRunner().invoke(
        app, ["users", "add", "dialer-1", "--role", "dialer", "--database", url]
    )
    assert done.exit_code == 0, done.output
    token = done.output.strip().splitlines()[-1]
    assert token.startswith("fd_")
    from fairdebt.db import make_engine

    engine = make_engine(url)
    with Session(engine) as session:
        user = user_for_token(session, token)
        assert user is not None and (user.name, user.role) == ("dialer-1", "dialer")
    engine.dispose()
    again = CliRunner().invoke(
        app, ["users", "add", "dialer-1", "--role", "dialer", "--database", url]
    )
    # one red line and exit status 2, never a traceback
    assert again.exit_code == 2, again.output
    assert "already exists" in again.output and "Traceback" not in again.output


def test_a_person_signs_in_with_the_password_and_a_revoked_token_stops_working(
    session: Session,
) -> None:
    with session.begin():
        user = add_user(
            session, name="li.na", role="compliance", password="long-enough-pw", actor="t", at=AT
        )
        token = issue_token(session, user_id=user.id, actor="t", at=AT)
    assert check_password(session, name="li.na", password="long-enough-pw") is not None
    assert check_password(session, name="li.na", password="wrong-password") is None
    assert check_password(session, name="nobody", password="long-enough-pw") is None
    session.commit()  # end the read transaction the checks began
    with session.begin():
        assert revoke_tokens(session, user_id=user.id, actor="t", at=AT) == 1
    assert user_for_token(session, token) is None
    stored = session.scalar(select(AppUser.password_hash).where(AppUser.name == "li.na"))
    assert stored is not None and stored.startswith("$argon2id$") and "long-enough" not in stored


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "boss"}, "role"),
        ({"role": "agency"}, "agency"),
        ({"role": "borrower"}, "borrower"),
        ({"role": "dialer", "password": "long-enough-pw"}, "password"),
        ({"password": "short"}, "password"),
        ({"name": "two words"}, "name"),
    ],
)
def test_a_bad_user_is_refused_naming_the_field(
    session: Session, changes: dict[str, str], field: str
) -> None:
    values = {"name": "someone", "role": "collector", **changes}
    with pytest.raises(InputError) as raised, session.begin():
        add_user(session, actor="t", at=AT, **values)  # type: ignore[arg-type]
    assert raised.value.field == field


@pytest.mark.parametrize("pack", ["cn", "uk", "us"])
def test_a_borrowers_inconvenient_time_binds_the_gate_for_every_actor(
    engine: Engine, api_world: World, pack: str
) -> None:
    from fairdebt.models import Borrower, Loan

    # B-3 has no promise and no hold: only the preference can refuse (B-1's live promise
    # is a hold for the gate, as it is for the daily plan)

    with Session(engine) as session, session.begin():
        borrower = session.get(Borrower, api_world.borrowers["B-3"])
        loan = session.get(Loan, api_world.loans["B-3"])
        assert borrower is not None and loan is not None
        before = ask_gate(
            session,
            borrower=borrower,
            loan=loan,
            channel="call",
            at=NOW,
            by="agency:甲催收",
            pack=pack,
        )
        assert before.allowed
        set_contact_preference(
            session,
            borrower_id=borrower.id,
            kind="inconvenient_time",
            from_time=dt.time(9),
            to_time=dt.time(12),
            actor="borrower",
            at=NOW - dt.timedelta(hours=1),
        )
        for by in ("lender", "agency:甲催收"):
            verdict = ask_gate(
                session, borrower=borrower, loan=loan, channel="call", at=NOW, by=by, pack=pack
            )
            assert not verdict.allowed
            assert verdict.next_allowed_at is not None
            assert verdict.next_allowed_at.astimezone(
                dt.timezone(dt.timedelta(hours=8))
            ).time() == dt.time(12)


@pytest.mark.parametrize("pack", ["cn", "uk", "us"])
def test_a_channel_the_borrower_refused_binds_the_gate_and_the_daily_plan_alike(
    engine: Engine, api_world: World, pack: str
) -> None:
    from fairdebt.contacts import gate_facts
    from fairdebt.models import Borrower, Loan

    with Session(engine) as session, session.begin():
        borrower = session.get(Borrower, api_world.borrowers["B-3"])
        loan = session.get(Loan, api_world.loans["B-3"])
        assert borrower is not None and loan is not None
        set_contact_preference(
            session,
            borrower_id=borrower.id,
            kind="no_channel",
            channel="sms",
            actor="borrower",
            at=NOW - dt.timedelta(days=60),  # long before any frequency window
        )

        def ask(channel: str) -> Verdict:
            return ask_gate(
                session,
                borrower=borrower,
                loan=loan,
                channel=channel,
                at=NOW,
                by="lender",
                pack=pack,
            )

        refused = ask("sms")
        assert not refused.allowed and refused.next_allowed_at is None
        assert any("stop" in r.rule or "contact_request" in r.rule for r in refused.reasons)
        assert ask("call").allowed
        facts = gate_facts(session, [borrower.id], at=NOW)
        stops = facts.history[facts.history["outcome"] == "stop_reply"]
        assert list(stops["channel"]) == ["sms"] and list(stops["direction"]) == ["inbound"]


def test_the_same_preference_twice_is_refused_and_an_ended_one_is_no_longer_in_force(
    session: Session, api_world: World
) -> None:
    borrower_id = api_world.borrowers["B-4"]
    with session.begin():
        row = set_contact_preference(
            session, borrower_id=borrower_id, kind="no_channel", channel="sms", actor="b", at=AT
        )
    with pytest.raises(ConflictError), session.begin():
        set_contact_preference(
            session, borrower_id=borrower_id, kind="no_channel", channel="sms", actor="b", at=AT
        )
    with session.begin():
        end_contact_preference(
            session, preference_id=row.id, borrower_id=borrower_id, actor="b", at=AT
        )
    assert preferences_in_force(session, borrower_id=borrower_id) == []


def test_reassignment_moves_planned_work_to_the_end_of_the_other_queue(
    session: Session, api_world: World
) -> None:
    decision_id = api_world.decisions["B-2"]
    target = api_world.collectors["C-L1"]
    with session.begin():
        assert (
            reassign(session, decision_ids=[decision_id], collector_id=target, actor="s", at=AT)
            == 1
        )
    moved = session.get(Decision, decision_id)
    assert moved is not None and moved.collector_id == target and moved.queue_position == 2


def test_a_plan_offer_spreads_what_is_owed_today_and_accepting_it_writes_the_plan(
    session: Session, api_world: World
) -> None:
    offers = ExtensionOffers()
    loan_id = api_world.loans["B-1"]
    with session.begin():
        owed = owed_today(session, loan_id=loan_id, business_date=DAY)
        found = offers.offers(session, loan_id=loan_id, business_date=DAY)
        assert [o.code for o in found] == ["extend-3", "extend-6", "extend-12"]
        assert all(o.owed_amount == owed and o.total_amount >= owed for o in found)
        assert found[0].monthly_amount > found[-1].monthly_amount
        plan = offers.accept(
            session, loan_id=loan_id, code="extend-6", business_date=DAY, actor="b", at=AT
        )
        assert plan.restructured_amount == owed
        assert offers.offers(session, loan_id=api_world.loans["B-4"], business_date=DAY) == []
    with pytest.raises(InputError), session.begin():
        offers.accept(
            session, loan_id=loan_id, code="extend-99", business_date=DAY, actor="b", at=AT
        )


@given(
    secret=st.text(min_size=16, max_size=40),
    body=st.text(max_size=200),
    other=st.text(max_size=200),
)
def test_a_signature_verifies_only_its_own_body_and_secret(
    secret: str, body: str, other: str
) -> None:
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    header = sign(secret, int(now.timestamp()), body)
    assert verify_signature(secret, header, body, now=now)
    if other != body:
        assert not verify_signature(secret, header, other, now=now)
    assert not verify_signature(secret, header, body, now=now + dt.timedelta(minutes=6))


def test_the_throttle_counts_failures_per_name_and_forgets_them_after_the_window() -> None:
    throttle = LoginThrottle(per_name=2, per_address=100)
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for _ in range(2):
        throttle.failed("Admin", "1.2.3.4", t0)
    assert throttle.retry_after("admin", "5.6.7.8", t0) == 901
    assert throttle.retry_after("other", "1.2.3.4", t0) == 0
    assert throttle.retry_after("admin", "1.2.3.4", t0 + dt.timedelta(minutes=15)) == 0


@given(st.text(alphabet="0123456789", min_size=8, max_size=15))
def test_a_masked_phone_keeps_only_the_last_four_digits_visible_at_the_end(number: str) -> None:
    shown = mask_phone("+86" + number)
    assert shown.endswith(number[-4:]) and "*" in shown
    assert number not in shown


def test_charts_are_self_contained_svg_with_a_readable_title() -> None:
    for chart in (
        bars(["a<b"], [1.0], label="x & y"),
        stacked_bars(["d1", "d2"], {"M1": [1, 2], "M2": [3, 0]}, label="mix"),
        lines(["1", "2", "3"], {"v": [0.1, None, 0.3]}, label="curve"),
        heatmap(["M1"], ["M1", "M2"], [[0.25, 0.75]], label="rolls"),
    ):
        text = str(chart)
        assert (
            text.startswith("<svg")
            and "<title>" in text
            and "http" not in text.replace("http://www.w3.org/2000/svg", "")
        )
        assert "<script" not in text
    assert "a&lt;b" in str(bars(["a<b"], [1.0], label="t"))
    assert Decimal("1") == 1


def test_serve_makes_demo_sign_ins_only_on_a_simulated_database_without_users(
    session: Session, api_world: World
) -> None:
    from fairdebt.cli.web import DEMO_PASSWORD, ensure_demo_users
    from fairdebt.models import SimulationRun

    session.commit()
    with session.begin():
        assert ensure_demo_users(session, at=AT) == []  # not simulated: nothing
        session.add(
            SimulationRun(seed=1, borrowers=4, months=6, start_on=DAY, truth="{}", created_at=AT)
        )
        session.execute(delete(ApiToken))
        session.execute(delete(AppUser))
        made = ensure_demo_users(session, at=AT)
    roles = {role for _, role, _ in made}
    assert roles == {
        "collector",
        "supervisor",
        "strategist",
        "risk",
        "compliance",
        "agency",
        "borrower",
        "admin",
        "dialer",
    }
    assert all(secret == DEMO_PASSWORD for _, role, secret in made if role != "dialer")
    with session.begin():
        assert ensure_demo_users(session, at=AT) == []  # users exist now: nothing more
