"""Roles and security: who may open what (by URL too), masking by role, audited reads, CSRF,
the login throttle and sessions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.web.conftest import csrf_of, make_client, sign_in
from tests.web.factories import World

from fairdebt.db import make_engine
from fairdebt.models import AuditEntry
from fairdebt.web.auth import LoginThrottle


def test_pages_send_an_anonymous_visitor_to_the_login(pages: TestClient) -> None:
    for path in [
        "/",
        "/queue",
        "/accounts/1",
        "/team",
        "/portfolio",
        "/compliance",
        "/me",
        "/admin",
    ]:
        answer = pages.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next=")


def test_an_agency_user_cannot_read_another_agencys_case_by_url(
    pages: TestClient, world: World
) -> None:
    sign_in(pages, "agency-b")
    own = pages.get(f"/accounts/{world.loans['B-3']}")
    assert own.status_code == 200 and "王芳" in own.text
    for other in ("B-1", "B-2", "B-4"):
        answer = pages.get(f"/accounts/{world.loans[other]}")
        assert answer.status_code == 404, other
        assert "李娜" not in answer.text and "张伟" not in answer.text
    assert pages.get("/accounts/999999").status_code == 404


def test_a_collector_sees_only_their_queue_and_their_cases(pages: TestClient, world: World) -> None:
    sign_in(pages, "collector2")
    queue = pages.get("/queue")
    assert "张伟" not in queue.text and 'data-testid="empty-queue"' in queue.text
    assert pages.get(f"/accounts/{world.loans['B-1']}").status_code == 404
    sign_in(pages, "collector")
    queue = pages.get("/queue")
    assert "张伟" in queue.text and "李娜" not in queue.text
    assert pages.get(f"/accounts/{world.loans['B-1']}").status_code == 200
    assert pages.get(f"/accounts/{world.loans['B-2']}").status_code == 404


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("borrower", "/accounts/1"),
        ("borrower", "/queue"),
        ("strategist", "/accounts/1"),
        ("risk", "/compliance"),
        ("collector", "/portfolio"),
        ("collector", "/admin"),
        ("agency-a", "/team"),
        ("supervisor", "/me"),
    ],
)
def test_a_role_cannot_open_another_roles_page(pages: TestClient, name: str, path: str) -> None:
    sign_in(pages, name)
    assert pages.get(path).status_code == 403


def test_a_borrower_sees_only_their_own_loans(pages: TestClient, world: World) -> None:
    sign_in(pages, "borrower")
    me = pages.get("/me")
    assert "L-1" in me.text and "L-2" not in me.text
    token = csrf_of(me.text)
    answer = pages.post(
        "/me/plans",
        data={"csrf_token": token, "loan_id": str(world.loans["B-2"]), "offer": "extend-3"},
    )
    assert answer.status_code == 404


def test_phones_are_masked_for_collectors_and_shown_to_supervisors(
    pages: TestClient, world: World
) -> None:
    sign_in(pages, "collector")
    page = pages.get(f"/accounts/{world.loans['B-1']}").text
    assert "+8613800000001" not in page and "+86138****0001" in page
    assert "**************1234" in page and "110105199001011234" not in page
    sign_in(pages, "supervisor")
    assert "+8613800000001" in pages.get(f"/accounts/{world.loans['B-1']}").text


def test_every_read_of_personal_data_is_audited(
    pages: TestClient, world: World, world_url: str
) -> None:
    sign_in(pages, "collector")
    pages.get("/queue")
    pages.get(f"/accounts/{world.loans['B-1']}")
    engine = make_engine(world_url)
    with Session(engine) as session:
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.data).where(
                AuditEntry.action == "personal_data.read"
            )
        ).all()
    engine.dispose()
    reads = [(actor, json.loads(data)) for actor, data in rows]
    assert [(actor, d["purpose"]) for actor, d in reads] == [
        ("user:collector", "work queue"),
        ("user:collector", "account view of loan L-1"),
    ]
    assert reads[1][1]["borrower_ids"] == [world.borrowers["B-1"]]
    assert reads[1][1]["phone_masked"] is True


def test_a_form_without_the_sessions_csrf_token_is_refused(pages: TestClient, world: World) -> None:
    sign_in(pages, "collector")
    answer = pages.post(
        f"/accounts/{world.loans['B-1']}/promises",
        data={"csrf_token": "forged", "amount": "100", "due_on": "2025-07-05"},
    )
    assert answer.status_code == 403
    login = pages.post("/login", data={"name": "admin", "password": "x"})
    assert login.status_code == 403


def test_signing_in_starts_a_new_session_and_signing_out_ends_it(pages: TestClient) -> None:
    before = csrf_of(pages.get("/login").text)
    sign_in(pages, "risk")
    after = csrf_of(pages.get("/portfolio").text)
    assert before != after
    pages.post("/logout", data={"csrf_token": after})
    assert pages.get("/portfolio", follow_redirects=False).status_code == 303


def test_login_is_refused_for_a_while_after_five_failures(world_url: str) -> None:
    moment = [dt.datetime(2025, 6, 30, 2, 0, tzinfo=dt.UTC)]
    with make_client(world_url, clock=lambda: moment[0], login_throttle=LoginThrottle()) as client:
        token = csrf_of(client.get("/login").text)

        def attempt(password: str) -> int:
            data = {"csrf_token": token, "name": "admin", "password": password, "next": "/"}
            return client.post("/login", data=data, follow_redirects=False).status_code

        assert [attempt("wrong-password") for _ in range(5)] == [401] * 5
        refused = client.post(
            "/login",
            data={"csrf_token": token, "name": "admin", "password": "correct-horse-7"},
            follow_redirects=False,
        )
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        moment[0] += dt.timedelta(minutes=16)
        assert attempt("correct-horse-7") == 303


def test_a_machine_cannot_sign_in_to_the_pages(pages: TestClient) -> None:
    token = csrf_of(pages.get("/login").text)
    answer = pages.post(
        "/login", data={"csrf_token": token, "name": "dialer", "password": "anything-at-all"}
    )
    assert answer.status_code == 401


def test_pages_carry_a_strict_content_security_policy(pages: TestClient) -> None:
    headers = pages.get("/login").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
