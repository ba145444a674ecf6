"""The HTTP API under ``/v1``: the gate, screening, contact reports, promises, webhooks.

``POST /v1/gate/check`` takes exactly what a ``fairdebt compliance check`` line takes, one
object or an array, and answers in the same shape, through the CLI's own
:func:`fairdebt.cli.compliance.check_line` (and ``screen_line`` for ``POST /v1/screen``), so the
two never drift. A bad object is answered ``{"id": ..., "error": ...}``: with status 422 when it
was sent alone, in its place in the array (status 200) in a batch, as the CLI prints an error
line and goes on. Every gate decision and every screening is written to the audit log with the
caller as actor. Writes (contacts, promises, webhooks) take an ``Idempotency-Key`` header.

Every path needs ``Authorization: Bearer TOKEN``; a dialer (a machine) may only ask the gate,
screen messages and report contacts.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from fairdebt import audit, webhooks
from fairdebt.cli.compliance import check_line, screen_line
from fairdebt.compliance.attempts import CHANNELS, OUTCOMES, PURPOSES, RECIPIENTS
from fairdebt.compliance.gate import record_decision
from fairdebt.compliance.packs import get_pack
from fairdebt.errors import ConfigurationError, FairdebtError, InputError, UnknownRecord
from fairdebt.ledger.promises import record_promise
from fairdebt.models import AppUser, Borrower, Collector, Loan, Webhook
from fairdebt.users import Role, token_digest, user_for_token
from fairdebt.web.app import Web
from fairdebt.web.auth import may_open_loan
from fairdebt.web.contacting import RESULTS, report_contact
from fairdebt.web.idempotency import MAX_KEY, once

__all__ = ["SCHEMAS", "router"]

MAX_BATCH = 1000
TOKEN_TTL = 30.0
Pack = Literal["cn", "us", "us-ma", "uk"]
_bearer = HTTPBearer(auto_error=False, description="A token from `fairdebt users add`")
GATE_ROLES = frozenset(
    {Role.DIALER, Role.COLLECTOR, Role.AGENCY, Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN}
)
CONTACT_ROLES = frozenset({Role.DIALER, Role.COLLECTOR, Role.AGENCY, Role.SUPERVISOR, Role.ADMIN})
PROMISE_ROLES = frozenset({Role.COLLECTOR, Role.AGENCY, Role.SUPERVISOR, Role.ADMIN})


class Error(BaseModel):
    error: str


class LineError(BaseModel):
    id: Any = None
    error: str


class GateReason(BaseModel):
    rule: str
    citation: str
    message: str


class GateAnswer(BaseModel):
    id: Any = None
    allowed: bool
    reasons: list[GateReason]
    next_allowed_at: str | None


class Finding(BaseModel):
    category: str
    start: int
    end: int
    rule: str
    citation: str


class ScreenAnswer(BaseModel):
    id: Any = None
    verdict: Literal["block", "review", "pass"]
    findings: list[Finding]


class Me(BaseModel):
    id: int
    name: str
    role: str
    agency: str | None
    team: str | None


class PromiseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Decimal = Field(gt=0, max_digits=16, decimal_places=2)
    due_on: dt.date


class ContactReport(BaseModel):
    """One contact as it happened, reported by the dialer, the SMS gateway or a collector."""

    model_config = ConfigDict(extra="forbid")
    borrower: str = Field(min_length=1, max_length=64, description="the borrower's external id")
    loan: str | None = Field(None, max_length=64, description="the loan's external id")
    at: AwareDatetime
    channel: Literal[tuple(sorted(CHANNELS))]  # type: ignore[valid-type]
    direction: Literal["outbound", "inbound"] = "outbound"
    mode: Literal["agent", "robot"] = "agent"
    recipient: Literal[tuple(sorted(RECIPIENTS))] = "debtor"  # type: ignore[valid-type]
    address: str | None = Field(None, max_length=300)
    outcome: Literal[tuple(sorted(OUTCOMES))]  # type: ignore[valid-type]
    purpose: Literal[tuple(sorted(PURPOSES))] = "collection"  # type: ignore[valid-type]
    right_party: bool | None = None
    result: Literal[tuple(RESULTS)] | None = None  # type: ignore[valid-type]
    decision_id: int | None = Field(None, ge=1, le=2**62)
    collector: str | None = Field(None, max_length=40, description="the collector's code")
    action: str | None = Field(None, max_length=32)
    template: str | None = Field(None, max_length=64)
    gate_allowed: bool = True
    gate_rule: str | None = Field(None, max_length=64)
    text: str | None = Field(None, max_length=4000)
    promise: PromiseIn | None = None


class ContactRecorded(BaseModel):
    id: int
    borrower: str
    loan: str | None
    at: str
    decision_id: int | None
    promise_id: int | None


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=8, max_length=500)
    events: list[str] = Field(min_length=1, max_length=10)
    secret: str | None = Field(None, min_length=16, max_length=100)


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    is_active: bool
    secret: str | None = None


class PromiseRecorded(BaseModel):
    id: int
    loan: str
    amount: str
    due_on: str


class PromiseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    loan: str = Field(min_length=1, max_length=64)
    amount: Decimal = Field(gt=0, max_digits=16, decimal_places=2)
    due_on: dt.date
    promised_on: dt.date | None = None


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        400: "The body is not JSON",
        401: "No or unknown bearer token",
        403: "The token's role may not call this",
        404: "No such record (or not yours to see)",
        409: "Conflicts with the ledger, or the same Idempotency-Key is in flight",
        422: "Unprocessable input; the error names the field",
    }
    return {code: {"model": Error, "description": text[code]} for code in codes}


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


async def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AppUser:
    """The user of the bearer token, or 401."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "send Authorization: Bearer TOKEN", headers=challenge)
    web = _web(request)
    digest = token_digest(credentials.credentials)
    cached = web.tokens.get(digest)
    # a token's user is remembered for TOKEN_TTL seconds: the lookup was a third of a gate
    # call's time; a revoked token stops working within that long. A hit is answered on the
    # event loop (a thread hop cost more than the check); a miss reads the database in the
    # thread pool, so it never blocks other requests.
    if cached is not None and time.monotonic() - cached[1] < TOKEN_TTL:
        return cached[0]
    user = await run_in_threadpool(_token_user, web, credentials.credentials)
    if user is not None:
        web.tokens[digest] = (user, time.monotonic())
    if user is None:
        raise HTTPException(401, "unknown or revoked token", headers=challenge)
    return user


def _token_user(web: Web, token: str) -> AppUser | None:
    with web.transaction() as session:
        return user_for_token(session, token)


Caller = Annotated[AppUser, Depends(caller)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=MAX_KEY,
        description="Repeat a write safely: the same key and body get the first answer again",
    ),
]


def _allow(user: AppUser, roles: frozenset[Role]) -> None:
    if user.role not in roles:
        raise HTTPException(403, f"role {user.role} may not call this")


def _pack(pack: str) -> Any:
    try:
        return get_pack(pack)
    except ConfigurationError as error:
        raise InputError(str(error), field="pack") from None


async def raw_body(request: Request) -> bytes:
    """The body, read on the event loop, so the handlers themselves can be plain functions that
    FastAPI runs in its thread pool: their database work never blocks other requests."""
    return await request.body()


Body = Annotated[bytes, Depends(raw_body)]


def _items(raw: bytes) -> tuple[list[Any], bool]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InputError(f"the body is not UTF-8 text (byte {error.start + 1})") from None
    except json.JSONDecodeError as error:
        raise InputError(f"the body is not JSON ({error.msg}, column {error.colno})") from None
    if isinstance(data, list):
        if len(data) > MAX_BATCH:
            raise InputError(f"at most {MAX_BATCH} objects a request (got {len(data)})")
        return data, True
    if isinstance(data, dict):
        return [data], False
    raise InputError(f"expected a JSON object or an array of them (got {type(data).__name__})")


def _line_id(item: Any) -> Any:
    return item.get("id") if isinstance(item, dict) else None


_CHECK_LINE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["attempt"],
    "properties": {
        "id": {"description": "echoed back as given (any JSON value)"},
        "attempt": {
            "type": "object",
            "required": ["at", "channel"],
            "properties": {
                "at": {"type": "string", "format": "date-time"},
                "channel": {"type": "string", "enum": sorted(CHANNELS)},
                "mode": {"type": "string", "enum": ["agent", "robot"]},
                "recipient": {"type": "string", "enum": sorted(RECIPIENTS)},
                "address": {"type": "string"},
                "debt_ids": {"type": "array", "items": {"type": "string"}},
                "by": {"type": "string"},
                "purpose": {"type": "string", "enum": sorted(PURPOSES)},
                "collectors": {"type": "integer", "minimum": 0},
                "text": {"type": "string"},
                "voicemail": {"type": "boolean"},
            },
        },
        "history": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["at"],
                "properties": {
                    "at": {"type": "string", "format": "date-time"},
                    "direction": {"type": "string", "enum": ["outbound", "inbound"]},
                    "channel": {"type": "string", "enum": sorted(CHANNELS)},
                    "recipient": {"type": "string", "enum": sorted(RECIPIENTS)},
                    "outcome": {"type": "string", "enum": sorted(OUTCOMES)},
                },
            },
        },
        "debtor": {
            "type": "object",
            "properties": {
                "timezone": {"type": "string", "example": "Asia/Shanghai"},
                "holds": {"type": "array", "items": {"type": "string"}},
            },
        },
        "consents": {"type": "array", "items": {"type": "object"}},
    },
    "description": "One `fairdebt compliance check` line (docs/compliance.md); unknown fields "
    "are ignored",
}

router = APIRouter(prefix="/v1", tags=["api"])


@router.get("/me", response_model=Me, responses=_errors(401))
def me(user: Caller) -> Me:
    """Who the token belongs to."""
    return Me(id=user.id, name=user.name, role=user.role, agency=user.agency, team=user.team)


ANSWER_REF: dict[str, Any] = {"$ref": "#/components/schemas/GateAnswer"}


@router.post(
    "/gate/check",
    responses={
        200: {
            "description": "The verdict (or, for an array, one verdict or error per object)",
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            GateAnswer.model_json_schema(
                                ref_template="#/components/schemas/{model}"
                            ),
                            {
                                "type": "array",
                                "items": {
                                    "anyOf": [
                                        {"$ref": "#/components/schemas/GateAnswer"},
                                        {"$ref": "#/components/schemas/LineError"},
                                    ]
                                },
                            },
                        ]
                    }
                }
            },
        },
        422: {
            "description": "The object (or the body) is malformed; for an array, at least one "
            "object is, and every object is still answered in its place",
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/LineError"},
                            {"$ref": "#/components/schemas/Error"},
                            {
                                "type": "array",
                                "items": {
                                    "anyOf": [
                                        ANSWER_REF,
                                        {"$ref": "#/components/schemas/LineError"},
                                    ]
                                },
                            },
                        ]
                    }
                }
            },
        },
        **_errors(401, 403),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            _CHECK_LINE_SCHEMA,
                            {"type": "array", "items": _CHECK_LINE_SCHEMA, "maxItems": MAX_BATCH},
                        ]
                    }
                }
            },
        }
    },
)
async def gate_check(
    request: Request,
    body: Body,
    user: Caller,
    pack: Annotated[Pack, Query(description="rule pack")] = "cn",
    lang: Annotated[Literal["en", "zh-CN"], Query(description="message language")] = "en",
) -> JSONResponse:
    """Ask the contact gate before a contact: allowed, every reason, and the next allowed time."""
    _allow(user, GATE_ROLES)
    chosen = _pack(pack)
    items, batch = _items(body)
    web = _web(request)
    # One attempt is about a millisecond of rules and one audited write on an embedded
    # database: less than a hop to the thread pool and back cost (docs/decisions/web.md), so it
    # is answered on the event loop. A batch, or a server database with its round trips, goes to
    # the thread pool, where it never blocks other requests.
    if batch or web.engine.dialect.name != "sqlite":
        answers, failed = await run_in_threadpool(
            _gate_answers, web, user, items, batch, chosen, lang
        )
    else:
        answers, failed = _gate_answers(web, user, items, batch, chosen, lang)
    # a batch with a malformed object is a 422 too, still answering every object in its place
    return JSONResponse(answers if batch else answers[0], status_code=422 if failed else 200)


def _gate_answers(
    web: Web, user: AppUser, items: list[Any], batch: bool, pack: Any, lang: str
) -> tuple[list[dict[str, Any]], list[int]]:
    answers: list[dict[str, Any]] = []
    failed: list[int] = []
    with web.transaction() as session:
        at = web.now()
        for number, item in enumerate(items, start=1):
            where = f"object {number}" if batch else "body"
            try:
                result, verdict, attempt = check_line(item, where, pack=pack, lang=lang)
            except FairdebtError as error:
                answers.append({"id": _line_id(item), "error": str(error)})
                failed.append(number)
                continue
            record_decision(
                session,
                verdict=verdict,
                attempt=attempt,
                actor=f"user:{user.name}",
                at=at,
                pack=pack,
                entity_id=None if result["id"] is None else str(result["id"])[:80],
            )
            answers.append(result)
    return answers, failed


ANSWER_REF = {"$ref": "#/components/schemas/ScreenAnswer"}


@router.post(
    "/screen",
    responses={
        200: {
            "description": "The screening (or, for an array, one answer or error per object)",
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            {"$ref": "#/components/schemas/ScreenAnswer"},
                            {
                                "type": "array",
                                "items": {
                                    "anyOf": [
                                        {"$ref": "#/components/schemas/ScreenAnswer"},
                                        {"$ref": "#/components/schemas/LineError"},
                                    ]
                                },
                            },
                        ]
                    }
                }
            },
        },
        422: {
            "description": "The object (or the body) is malformed; for an array, at least one "
            "object is, and every object is still answered in its place",
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/LineError"},
                            {"$ref": "#/components/schemas/Error"},
                            {
                                "type": "array",
                                "items": {
                                    "anyOf": [
                                        ANSWER_REF,
                                        {"$ref": "#/components/schemas/LineError"},
                                    ]
                                },
                            },
                        ]
                    }
                }
            },
        },
        **_errors(401, 403),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            {"$ref": "#/components/schemas/ScreenLine"},
                            {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/ScreenLine"},
                                "maxItems": MAX_BATCH,
                            },
                        ]
                    }
                }
            },
        }
    },
)
def screen(
    request: Request,
    body: Body,
    user: Caller,
    pack: Annotated[Pack, Query(description="rule pack")] = "cn",
) -> JSONResponse:
    """Screen messages and transcripts (Chinese and English) before they are sent."""
    _allow(user, GATE_ROLES)
    base = _pack(pack).id.split("-")[0]
    items, batch = _items(body)
    web = _web(request)
    answers: list[dict[str, Any]] = []
    failed = False
    for number, item in enumerate(items, start=1):
        where = f"object {number}" if batch else "body"
        try:
            answers.append(screen_line(item, where, pack=base))
        except FairdebtError as error:
            answers.append({"id": _line_id(item), "error": str(error)})
            failed = True
    screened = [
        {
            "id": None if a.get("id") is None else str(a["id"])[:80],
            "verdict": a["verdict"],
            "findings": [
                {
                    "rule": f["rule"],
                    "category": f["category"],
                    "phrase": items[i]["text"][f["start"] : f["end"]][:80],
                }
                for f in a["findings"]
            ],
        }
        for i, a in enumerate(answers)
        if "verdict" in a
    ]
    if screened:
        with web.transaction() as session:
            audit.record(
                session,
                action="message.screened",
                entity="message",
                entity_id=None,
                actor=f"user:{user.name}",
                at=web.now(),
                data={"pack": base, "messages": screened},
            )
    # a batch with a malformed object is a 422 too, still answering every object in its place
    return JSONResponse(answers if batch else answers[0], status_code=422 if failed else 200)


def _send_later(web: Web, queued: int) -> BackgroundTask | None:
    return BackgroundTask(web.deliver_webhooks) if queued else None


@router.post(
    "/contacts",
    status_code=201,
    response_model=ContactRecorded,
    responses=_errors(400, 401, 403, 404, 409, 422),
)
def contacts(
    request: Request,
    body: Body,
    report: ContactReport,
    user: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Report a contact as it happened (the dialer's outcome); with ``promise``, the promise to
    pay made in it. Written through the contact verb, with its audit entry."""
    _allow(user, CONTACT_ROLES)
    web = _web(request)
    queued = 0

    def run() -> tuple[int, Any]:
        nonlocal queued
        borrower = session.scalar(select(Borrower).where(Borrower.external_id == report.borrower))
        if borrower is None:
            raise UnknownRecord(f"no borrower has id {report.borrower!r}", field="borrower")
        loan = None
        if report.loan is not None:
            loan = session.scalar(select(Loan).where(Loan.external_id == report.loan))
            if loan is None or loan.borrower_id != borrower.id:
                raise UnknownRecord(
                    f"borrower {report.borrower!r} has no loan {report.loan!r}", field="loan"
                )
        if user.role in (Role.COLLECTOR, Role.AGENCY) and (
            loan is None or not may_open_loan(session, user, loan.id)
        ):
            raise UnknownRecord(f"no case of yours has loan {report.loan!r}", field="loan")
        collector_id = None
        if report.collector is not None:
            collector_id = session.scalar(
                select(Collector.id).where(Collector.code == report.collector)
            )
            if collector_id is None:
                raise UnknownRecord(
                    f"no collector has code {report.collector!r}", field="collector"
                )
        elif user.collector_id is not None:
            collector_id = user.collector_id
        event, promise, n = report_contact(
            session,
            user=user,
            borrower=borrower,
            loan=loan,
            fields=report.model_dump(exclude={"borrower", "loan", "collector", "promise"}),
            collector_id=collector_id,
            promise=None if report.promise is None else report.promise.model_dump(),
            at=web.now(),
        )
        queued = n
        return 201, ContactRecorded(
            id=event.id,
            borrower=borrower.external_id,
            loan=None if loan is None else loan.external_id,
            at=event.at.isoformat(),
            decision_id=event.decision_id,
            promise_id=None if promise is None else promise.id,
        ).model_dump()

    with web.transaction() as session:
        (status, payload), replayed = once(
            session,
            user_id=user.id,
            key=idempotency_key,
            method="POST",
            path=request.url.path,
            body=body,
            at=web.now(),
            run=run,
        )
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return JSONResponse(
        payload, status_code=status, headers=headers, background=_send_later(web, queued)
    )


@router.post(
    "/promises",
    status_code=201,
    response_model=PromiseRecorded,
    responses=_errors(400, 401, 403, 404, 409, 422),
)
def promises(
    request: Request,
    body: Body,
    promise: PromiseRequest,
    user: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Record a promise to pay on a loan (a webhook ``promise.recorded`` goes out)."""
    _allow(user, PROMISE_ROLES)
    web = _web(request)
    queued = 0

    def run() -> tuple[int, Any]:
        nonlocal queued
        loan = session.scalar(select(Loan).where(Loan.external_id == promise.loan))
        if loan is None or not may_open_loan(session, user, loan.id):
            raise UnknownRecord(f"no case of yours has loan {promise.loan!r}", field="loan")
        at = web.now()
        row = record_promise(
            session,
            loan_id=loan.id,
            amount=promise.amount,
            due_on=promise.due_on,
            promised_on=promise.promised_on or web.business_date(session),
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
                    "due_on": row.due_on.isoformat(),
                },
                at=at,
            )
        )
        return 201, {
            "id": row.id,
            "loan": loan.external_id,
            "amount": str(row.amount),
            "due_on": row.due_on.isoformat(),
        }

    with web.transaction() as session:
        (status, payload), replayed = once(
            session,
            user_id=user.id,
            key=idempotency_key,
            method="POST",
            path=request.url.path,
            body=body,
            at=web.now(),
            run=run,
        )
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return JSONResponse(
        payload, status_code=status, headers=headers, background=_send_later(web, queued)
    )


def _webhook_out(hook: Webhook, secret: bool = False) -> dict[str, Any]:
    return WebhookOut(
        id=hook.id,
        url=hook.url,
        events=hook.events.split(","),
        is_active=hook.is_active,
        secret=hook.secret if secret else None,
    ).model_dump()


@router.post(
    "/webhooks",
    status_code=201,
    response_model=WebhookOut,
    responses=_errors(400, 401, 403, 409, 422),
)
def add_webhook(
    request: Request,
    body: Body,
    hook: WebhookIn,
    user: Caller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Register an endpoint for signed events (admin); the answer shows its secret once.

    Events: plan.offered, plan.accepted, promise.recorded, complaint.filed, dispute.filed (or a
    prefix such as ``plan.*``, or ``*``). Each delivery is a JSON POST with headers
    ``X-Fairdebt-Event``, ``X-Fairdebt-Delivery`` and ``X-Fairdebt-Signature: t=TS,v1=HEX``
    (HMAC-SHA256 of ``"TS.BODY"`` with the secret).
    """
    _allow(user, frozenset({Role.ADMIN}))
    web = _web(request)

    def run() -> tuple[int, Any]:
        row = webhooks.register_webhook(
            session,
            url=hook.url,
            events=hook.events,
            secret=hook.secret,
            actor=f"user:{user.name}",
            at=web.now(),
        )
        return 201, _webhook_out(row, secret=True)

    with web.transaction() as session:
        (status, payload), replayed = once(
            session,
            user_id=user.id,
            key=idempotency_key,
            method="POST",
            path=request.url.path,
            body=body,
            at=web.now(),
            run=run,
        )
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return JSONResponse(payload, status_code=status, headers=headers)


@router.get("/webhooks", response_model=list[WebhookOut], responses=_errors(401, 403))
def list_webhooks(request: Request, user: Caller) -> list[dict[str, Any]]:
    """The registered webhooks (admin); secrets are not shown again."""
    _allow(user, frozenset({Role.ADMIN}))
    with _web(request).transaction() as session:
        return [_webhook_out(h) for h in session.scalars(select(Webhook).order_by(Webhook.id))]


class ScreenFacts(BaseModel):
    """What screening needs to know beyond the text; a missing fact is false."""

    recipient: Literal["debtor", "spouse", "contact", "employer", "attorney"] | None = None
    has_judgment: bool = False
    time_barred: bool = False
    legal_action_intended: bool = False


class ScreenLine(BaseModel):
    """One `fairdebt compliance screen` line (unknown fields are ignored)."""

    id: Any = Field(None, description="echoed back as given (any JSON value)")
    text: str
    facts: ScreenFacts | None = None


#: Schemas the document names by $ref without a route returning them as a model.
SCHEMAS: list[type[BaseModel]] = [GateAnswer, LineError, ScreenAnswer, ScreenLine, Error]
