"""The HTTP API: the gate and screening answer exactly as the CLI does, contacts and promises are
written through their verbs, writes are idempotent, webhooks go out signed."""

from __future__ import annotations

import datetime as dt
import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.web.conftest import Hooks, bearer
from tests.web.factories import NOW, World
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.models import AuditEntry, ContactEvent, Decision, Promise, WebhookDelivery
from fairdebt.webhooks import verify_signature

QUIET = {
    "id": "late-call",
    "debtor": {"timezone": "Asia/Shanghai"},
    "attempt": {"at": "2025-06-10T22:30:00+08:00", "channel": "call"},
}
DAYTIME = {
    "id": "day-call",
    "debtor": {"timezone": "Asia/Shanghai"},
    "attempt": {"at": "2025-06-10T10:00:00+08:00", "channel": "call"},
}


def _cli(lines: list[object], *args: str) -> list[dict[str, object]]:
    """What ``fairdebt compliance ARGS -`` prints for these lines."""
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    done = CliRunner().invoke(app, ["compliance", *args, "-"], input=text)
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_gate_check_answers_one_object_as_the_cli_prints_its_line(
    api: TestClient, api_world: World
) -> None:
    answer = api.post("/v1/gate/check?pack=cn", json=QUIET, headers=bearer(api_world.dialer_token))
    assert answer.status_code == 200
    body = answer.json()
    assert body["allowed"] is False
    assert body["reasons"][0]["rule"] == "cn.hours.quiet"
    assert body["next_allowed_at"] == "2025-06-11T08:00:00+08:00"
    assert body == _cli([QUIET], "check", "--pack", "cn")[0]


def test_a_gate_batch_answers_each_object_in_order_with_errors_in_place_and_says_422(
    api: TestClient, api_world: World
) -> None:
    bad = {"id": "bad", "attempt": {"at": "yesterday", "channel": "call"}}
    answer = api.post(
        "/v1/gate/check?pack=cn&lang=zh-CN",
        json=[DAYTIME, bad, QUIET],
        headers=bearer(api_world.dialer_token),
    )
    assert answer.status_code == 422  # one object is malformed; all are still answered
    body = answer.json()
    assert [item.get("id") for item in body] == ["day-call", "bad", "late-call"]
    assert body[0]["allowed"] is True
    assert "attempt.at" in body[1]["error"]
    cli = _cli([DAYTIME, bad, QUIET], "check", "--pack", "cn", "--lang", "zh-CN")
    assert body[0] == cli[0] and body[2] == cli[2]
    assert body[1]["error"].split("field", 1)[1] == cli[1]["error"].split("field", 1)[1]
    good = api.post("/v1/gate/check", json=[DAYTIME, QUIET], headers=bearer(api_world.dialer_token))
    assert good.status_code == 200 and [a["allowed"] for a in good.json()] == [True, False]


def test_a_malformed_single_object_is_a_422_naming_the_field(
    api: TestClient, api_world: World
) -> None:
    answer = api.post(
        "/v1/gate/check",
        json={"id": "x", "attempt": {"channel": "call"}},
        headers=bearer(api_world.dialer_token),
    )
    assert answer.status_code == 422
    assert answer.json() == {"id": "x", "error": "body, field attempt.at: is required"}
    not_json = api.post("/v1/gate/check", content=b"{", headers=bearer(api_world.dialer_token))
    assert not_json.status_code == 422 and "not JSON" in not_json.json()["error"]


def test_every_gate_decision_over_http_is_audited_with_the_caller(
    api: TestClient, api_world: World, engine: Engine
) -> None:
    api.post("/v1/gate/check", json=[QUIET, DAYTIME], headers=bearer(api_world.dialer_token))
    with Session(engine) as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.entity_id)
            .where(AuditEntry.action.in_(["contact.allowed", "contact.refused"]))
            .order_by(AuditEntry.seq)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("contact.refused", "user:dialer", "late-call"),
        ("contact.allowed", "user:dialer", "day-call"),
    ]


def test_screen_answers_as_the_cli_and_records_the_findings(
    api: TestClient, api_world: World, engine: Engine
) -> None:
    lines = [
        {"id": "m1", "text": "您好，请于本月底前还款。"},
        {"id": "m2", "text": "再不还钱就去你单位闹，让你同事都知道"},
    ]
    answer = api.post("/v1/screen", json=lines, headers=bearer(api_world.dialer_token))
    assert answer.status_code == 200
    assert answer.json() == _cli(lines, "screen", "--pack", "cn")
    assert answer.json()[1]["verdict"] == "block"
    with Session(engine) as session:
        data = json.loads(
            session.scalars(
                select(AuditEntry.data).where(AuditEntry.action == "message.screened")
            ).one()
        )
    assert [m["verdict"] for m in data["messages"]] == ["pass", "block"]
    assert data["messages"][1]["findings"]


def test_no_api_path_answers_an_anonymous_caller(api: TestClient) -> None:
    for method, path in [
        ("GET", "/v1/me"),
        ("POST", "/v1/gate/check"),
        ("POST", "/v1/screen"),
        ("POST", "/v1/contacts"),
        ("POST", "/v1/promises"),
        ("GET", "/v1/webhooks"),
        ("POST", "/v1/webhooks"),
    ]:
        answer = api.request(method, path, json=DAYTIME)
        assert answer.status_code == 401, path
        assert answer.headers["www-authenticate"] == "Bearer"
        wrong = api.request(method, path, json=DAYTIME, headers=bearer("fd_not-a-token"))
        assert wrong.status_code == 401, path


def test_a_dialer_may_not_record_promises_or_manage_webhooks(
    api: TestClient, api_world: World
) -> None:
    token = bearer(api_world.dialer_token)
    promise = {"loan": "L-1", "amount": "100.00", "due_on": "2025-07-05"}
    assert api.post("/v1/promises", json=promise, headers=token).status_code == 403
    assert api.get("/v1/webhooks", headers=token).status_code == 403


def _report(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "borrower": "B-1",
        "loan": "L-1",
        "at": "2025-06-30T10:05:00+08:00",
        "channel": "call",
        "outcome": "connected",
        "right_party": True,
        "result": "ptp",
        "collector": "C-L1",
        "action": "agent_call",
    }
    body.update(changes)
    return body


def test_a_dialer_report_is_written_through_the_contact_verb_and_completes_its_decision(
    api: TestClient, api_world: World, engine: Engine
) -> None:
    body = _report(decision_id=api_world.decisions["B-1"])
    answer = api.post("/v1/contacts", json=body, headers=bearer(api_world.dialer_token))
    assert answer.status_code == 201, answer.text
    with Session(engine) as session:
        event = session.get(ContactEvent, answer.json()["id"])
        assert event is not None
        assert (event.channel, event.outcome, event.result, event.right_party) == (
            "call",
            "connected",
            "ptp",
            True,
        )
        assert event.collector_id == api_world.collectors["C-L1"]
        assert event.decision_id == api_world.decisions["B-1"]
        decision = session.get(Decision, api_world.decisions["B-1"])
        assert decision is not None and decision.status == "done"
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.seq > 0)
            .order_by(AuditEntry.seq.desc())
            .limit(2)
        ).all()
    assert set(actions) == {"contact.recorded", "decision.done"}


def test_the_same_idempotency_key_replays_the_first_answer_and_writes_once(
    api: TestClient, api_world: World, engine: Engine
) -> None:
    headers = {**bearer(api_world.dialer_token), "Idempotency-Key": "dialer-call-123"}
    first = api.post("/v1/contacts", json=_report(), headers=headers)
    again = api.post("/v1/contacts", json=_report(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    other = api.post("/v1/contacts", json=_report(outcome="no_answer"), headers=headers)
    assert other.status_code == 422 and "another request" in other.json()["error"]
    with Session(engine) as session:
        count = session.scalar(
            select(func.count())
            .select_from(ContactEvent)
            .where(ContactEvent.borrower_id == api_world.borrowers["B-1"])
        )
    assert count == 1


def test_a_contact_report_names_the_unknown_borrower_or_field(
    api: TestClient, api_world: World
) -> None:
    token = bearer(api_world.dialer_token)
    unknown = api.post("/v1/contacts", json=_report(borrower="B-404"), headers=token)
    assert unknown.status_code == 404 and "B-404" in unknown.json()["error"]
    naive = api.post("/v1/contacts", json=_report(at="2025-06-30T10:05:00"), headers=token)
    assert naive.status_code == 422 and "at" in naive.json()["error"]


def test_an_agency_may_report_only_on_its_own_placed_cases(
    api: TestClient, api_world: World
) -> None:
    token = bearer(api_world.agency_token)
    own = api.post(
        "/v1/contacts", json=_report(borrower="B-2", loan="L-2", collector=None), headers=token
    )
    assert own.status_code == 201, own.text
    other = api.post("/v1/contacts", json=_report(collector=None), headers=token)
    assert other.status_code == 404


def test_a_promise_goes_out_as_a_signed_webhook(
    api: TestClient, api_world: World, hooks: Hooks, engine: Engine
) -> None:
    admin = bearer(api_world.admin_token)
    hook = api.post(
        "/v1/webhooks",
        json={"url": "https://lender.example/hooks", "events": ["promise.*", "plan.accepted"]},
        headers=admin,
    )
    assert hook.status_code == 201, hook.text
    secret = hook.json()["secret"]
    assert "secret" not in api.get("/v1/webhooks", headers=admin).json()[0] or (
        api.get("/v1/webhooks", headers=admin).json()[0]["secret"] is None
    )
    answer = api.post(
        "/v1/promises",
        json={"loan": "L-1", "amount": "500.00", "due_on": "2025-07-10"},
        headers=bearer(api_world.collector_token),
    )
    assert answer.status_code == 201, answer.text
    assert len(hooks.requests) == 1
    sent = hooks.requests[0]
    body = sent.content.decode()
    assert sent.headers["x-fairdebt-event"] == "promise.recorded"
    assert verify_signature(secret, sent.headers["x-fairdebt-signature"], body, now=NOW)
    assert not verify_signature("x" * 32, sent.headers["x-fairdebt-signature"], body, now=NOW)
    assert json.loads(body)["data"]["amount"] == "500.00"
    with Session(engine) as session:
        delivery = session.scalars(select(WebhookDelivery)).one()
        assert delivery.delivered_at is not None
        promise = session.get(Promise, answer.json()["id"])
        assert promise is not None and promise.amount == 500


def test_a_failed_webhook_delivery_is_retried_later_with_a_growing_pause(
    api: TestClient, api_world: World, hooks: Hooks, engine: Engine
) -> None:
    hooks.status = 503
    api.post(
        "/v1/webhooks",
        json={"url": "https://lender.example/hooks", "events": ["*"]},
        headers=bearer(api_world.admin_token),
    )
    api.post(
        "/v1/promises",
        json={"loan": "L-1", "amount": "500.00", "due_on": "2025-07-10"},
        headers=bearer(api_world.collector_token),
    )
    with Session(engine) as session:
        delivery = session.scalars(select(WebhookDelivery)).one()
        assert delivery.delivered_at is None and delivery.attempts == 1
        assert delivery.last_status == 503
        assert delivery.next_attempt_at - NOW == dt.timedelta(seconds=30)


def test_healthz_answers_anyone_that_the_server_is_up_and_holds_no_data(api: TestClient) -> None:
    answer = api.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "warm": True}  # no warm-up in tests
    assert "/healthz" not in api.get("/openapi.json").json()["paths"]


def test_an_unknown_query_parameter_is_refused_with_the_security_headers(
    api: TestClient, api_world: World
) -> None:
    answer = api.post("/v1/gate/check?pak=us", json=DAYTIME, headers=bearer(api_world.dialer_token))
    assert answer.status_code == 422
    assert "'pak'" in answer.json()["error"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in answer.headers
