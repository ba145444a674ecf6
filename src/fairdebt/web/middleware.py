"""The app's two cross-cutting rules, as plain ASGI middleware: security headers on every
response, and a 422 for an API call with a query parameter its operation does not take.

Plain ASGI rather than ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware`` runs
each request through a task group and memory streams, which cost the gate endpoint a measurable
share of its latency budget (issue 13's p99 of 10 ms; docs/decisions/web.md).
"""

from __future__ import annotations

import json

from starlette.datastructures import MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["API_QUERY", "KnownQueryOnly", "SecurityHeaders", "is_api_path"]

# the query parameters each API operation takes; any other is refused
API_QUERY = {
    "/v1/gate/check": frozenset({"pack", "lang"}),
    "/v1/screen": frozenset({"pack"}),
}
_PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def is_api_path(path: str) -> bool:
    return path.startswith("/v1")


class SecurityHeaders:
    """nosniff, no framing and a same-origin referrer everywhere; a content security policy
    on pages (the API answers JSON only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        page = not is_api_path(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                if page:
                    headers.setdefault("Content-Security-Policy", _PAGE_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class KnownQueryOnly:
    """An API call with a query parameter the operation does not take is a mistake the caller
    should hear about: a misspelt ``?pak=us`` would otherwise silently use cn."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api_path(scope["path"]) or not scope["query_string"]:
            await self.app(scope, receive, send)
            return
        allowed = API_QUERY.get(scope["path"], frozenset())
        unknown = sorted(set(QueryParams(scope["query_string"])) - allowed)
        if not unknown:
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {
                "error": f"unknown query parameter {unknown[0]!r} "
                f"(this operation takes: {', '.join(sorted(allowed)) or 'none'})"
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 422,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
