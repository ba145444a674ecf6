"""The app: :func:`create_app` builds the FastAPI application around one database.

Everything the requests share lives in one :class:`Web` object on ``app.state``: the engine and
its sessions, the clock (the only place the web layer reads time), the rule pack, the plan
offers, the login throttle, the templates and the webhook client. Each request opens its own
transaction with :meth:`Web.transaction`; the verbs it calls write their audit entries inside
it. The error tree maps to HTTP in one handler (InputError 422, UnknownRecord 404,
ConflictError 409, ConfigurationError 422), as JSON under ``/v1`` and as a page elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

import fairdebt
from fairdebt.db import make_engine
from fairdebt.errors import (
    ConfigurationError,
    ConflictError,
    FairdebtError,
    InputError,
    UnknownRecord,
)
from fairdebt.models import AppUser, CycleRun
from fairdebt.web.auth import LoginThrottle
from fairdebt.web.middleware import KnownQueryOnly, SecurityHeaders, is_api_path
from fairdebt.web.offers import ExtensionOffers, PlanOffers

__all__ = ["Web", "WebConfig", "create_app"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class WebConfig:
    """What the app needs from its edge (``fairdebt serve`` or a test).

    ``secret_key`` signs session cookies (a random one per process when None: sessions then
    end with the process). ``pack`` is the rule pack the account view asks. ``models_dir`` is
    where the risk page looks for saved models. ``webhook_transport`` replaces the network for
    webhook deliveries (tests). ``deliver_every`` is the webhook retry timer in seconds (None:
    no timer; deliveries still go after each write). ``warm_up`` computes the portfolio's
    figures in the background at start-up (``fairdebt serve`` turns it on).
    """

    database_url: str
    secret_key: str | None = None
    pack: str = "cn"
    clock: Callable[[], dt.datetime] = _now
    models_dir: Path | None = None
    offers: PlanOffers = field(default_factory=ExtensionOffers)
    webhook_transport: httpx.BaseTransport | None = None
    deliver_every: float | None = 30.0
    warm_up: bool = False
    secure_cookies: bool = False
    complaint_response_days: int = 15
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)


class Web:
    """The shared state of one app."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.engine = make_engine(config.database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.clock = config.clock
        self.throttle = config.login_throttle
        self.offers = config.offers
        self.http = httpx.Client(transport=config.webhook_transport, timeout=5.0)
        self.cache: dict[Any, Any] = {}
        # token digest -> (user, when read), for the API's bearer tokens
        self.tokens: dict[str, tuple[AppUser, float]] = {}

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on an error."""
        with self.sessions() as session, session.begin():
            yield session

    def now(self) -> dt.datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ConfigurationError("the web clock must return aware datetimes")
        return moment

    def business_date(self, session: Session) -> dt.date:
        """The latest closed business date, or today's date when nothing was closed yet."""
        day = session.scalar(select(func.max(CycleRun.business_date)))
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        return day if day is not None else self.now().date()

    def deliver_webhooks(self) -> int:
        from fairdebt.webhooks import deliver_due

        with self.transaction() as session:
            return deliver_due(session, client=self.http, at=self.now())

    def close(self) -> None:
        self.http.close()
        self.engine.dispose()


_STATUS = ((UnknownRecord, 404), (InputError, 422), (ConflictError, 409), (ConfigurationError, 422))


def status_of(error: FairdebtError) -> int:
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 500


def _is_api(request: Request) -> bool:
    return is_api_path(request.url.path)


def create_app(config: WebConfig) -> FastAPI:
    """The application over ``config.database_url`` (migrated to head by the caller)."""
    web = Web(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = None
        if config.deliver_every:
            task = asyncio.create_task(_deliver_forever(web, config.deliver_every))
        if config.warm_up:
            # the portfolio's figures take seconds on a large book: compute them before the
            # first risk manager asks (a failure here only means the page computes them)
            warming = asyncio.create_task(asyncio.to_thread(_warm, web))
            web.cache["warming"] = warming
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            web.close()

    app = FastAPI(
        title="fairdebt",
        version=fairdebt.__version__,
        description=(
            "The contact gate, message screening and contact reporting over HTTP, for dialers "
            "and SMS gateways. Every call sends `Authorization: Bearer TOKEN` "
            "(`fairdebt users add NAME --role dialer` prints one). Writes take an "
            "`Idempotency-Key` header."
        ),
        docs_url=None,  # Swagger UI loads scripts from a CDN; the document itself is served
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = web
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.secret_key or secrets.token_urlsafe(32),
        session_cookie="fairdebt_session",
        max_age=8 * 3600,
        same_site="lax",
        https_only=config.secure_cookies,
    )

    # outermost last: every answer, the query check's 422 included, gets the headers
    app.add_middleware(KnownQueryOnly)
    app.add_middleware(SecurityHeaders)

    from fairdebt.web.rendering import error_page

    @app.exception_handler(FairdebtError)
    async def fairdebt_error(request: Request, error: FairdebtError) -> Response:
        status = status_of(error)
        if _is_api(request):
            return JSONResponse({"error": str(error)}, status_code=status)
        return error_page(request, status, str(error))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"field {'.'.join(str(p) for p in e.get('loc', ())[1:]) or e.get('loc', ('?',))[0]}: "
            f"{e.get('msg')}"
            for e in error.errors()
        )
        if _is_api(request):
            return JSONResponse({"error": problems}, status_code=422)
        return error_page(request, 422, problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = getattr(error, "headers", None)
        if _is_api(request) or request.url.path == "/openapi.json":
            return JSONResponse(
                {"error": str(error.detail)}, status_code=error.status_code, headers=headers
            )
        return error_page(request, error.status_code, str(error.detail), headers=headers)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        # for a load balancer and for benchmarks: up, and whether the start-up warm-up (the
        # portfolio's figures, which hold the interpreter for seconds) has finished. No data.
        warming = web.cache.get("warming")
        return JSONResponse({"status": "ok", "warm": warming is None or warming.done()})

    static = resources.files("fairdebt.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    from fairdebt.web import api
    from fairdebt.web.pages import register

    app.include_router(api.router)
    register(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi_document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _warm(web: Web) -> None:
    from fairdebt.web.pages.risk import cached_figures

    with contextlib.suppress(Exception):
        cached_figures(web)


async def _deliver_forever(web: Web, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        with contextlib.suppress(Exception):  # a failing endpoint must not stop the timer
            await asyncio.to_thread(web.deliver_webhooks)


def _openapi_document(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document with one error shape: every 422 is ``{"error": "..."}`` like the
    other errors, because the app answers validation errors that way."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    from fairdebt.web.api import SCHEMAS

    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for model in SCHEMAS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas.setdefault(model.__name__, schema)
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path in document.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            if "HTTPValidationError" in str(responses.get("422", "")):
                responses["422"] = {
                    "description": responses["422"].get("description", "Unprocessable input"),
                    "content": {"application/json": {"schema": error_ref}},
                }
    components.setdefault("securitySchemes", {})["bearer"] = {"type": "http", "scheme": "bearer"}
    document["security"] = [{"bearer": []}]
    return document
