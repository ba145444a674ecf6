"""What every page handler needs: the app's state, the form with its CSRF check, and the
redirect after a successful post (so a reload never posts twice)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from fairdebt.errors import InputError
from fairdebt.web.app import Web
from fairdebt.web.auth import check_csrf

__all__ = ["after_post", "field", "posted", "web_of"]


def web_of(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


async def posted(request: Request) -> FormData:
    """The posted form, refused (403) unless it carries the session's CSRF token."""
    form = await request.form()
    token = form.get("csrf_token")
    if not check_csrf(request, token if isinstance(token, str) else None):
        raise HTTPException(403, "the form expired or came from another site; reload the page")
    return form


def field(form: FormData, name: str, *, required: bool = True, record: str | None = None) -> Any:
    value = form.get(name)
    if isinstance(value, str):
        value = value.strip()
    if required and not value:
        raise InputError("is required", record=record, field=name)
    return value or None


def after_post(path: str, message: str | None = None) -> RedirectResponse:
    suffix = f"?done={quote(message)}" if message else ""
    return RedirectResponse(path + suffix, status_code=303)
