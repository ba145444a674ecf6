"""Pages: the Jinja2 environment, the signed-in person, the navigation of each role, and render.

Every page is rendered by :func:`render` with the same context: the person, the language and
its ``t``, the CSRF token for forms, the role's navigation and the language switch. A page
handler asks :func:`person` for the signed-in user with the roles it admits: no session
redirects to ``/login``, a wrong role is a 403 page.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from fairdebt.models import AppUser
from fairdebt.users import Role
from fairdebt.web.auth import csrf_token
from fairdebt.web.i18n import pick_language, translator

__all__ = ["NAV", "LoginRequired", "error_page", "money", "person", "render"]

NAV: dict[str, list[tuple[str, str]]] = {
    Role.COLLECTOR: [("/queue", "My work queue")],
    Role.AGENCY: [("/queue", "Placed cases")],
    Role.SUPERVISOR: [("/team", "Team queues")],
    Role.STRATEGIST: [("/strategy", "Strategy")],
    Role.RISK: [("/portfolio", "Portfolio"), ("/models", "Models")],
    Role.COMPLIANCE: [("/compliance", "Compliance"), ("/compliance/audit", "Audit chain")],
    Role.ADMIN: [
        ("/team", "Team queues"),
        ("/strategy", "Strategy"),
        ("/portfolio", "Portfolio"),
        ("/models", "Models"),
        ("/compliance", "Compliance"),
        ("/compliance/audit", "Audit chain"),
        ("/admin", "Users"),
    ],
    Role.BORROWER: [
        ("/me", "My loans"),
        ("/me/contact", "Contact preferences"),
        ("/me/complaints", "Complaints"),
        ("/me/rights", "Your rights"),
    ],
}
HOME = {
    Role.COLLECTOR: "/queue",
    Role.AGENCY: "/queue",
    Role.SUPERVISOR: "/team",
    Role.STRATEGIST: "/strategy",
    Role.RISK: "/portfolio",
    Role.COMPLIANCE: "/compliance",
    Role.ADMIN: "/team",
    Role.BORROWER: "/me",
}

_env = Environment(
    loader=FileSystemLoader(str(resources.files("fairdebt.web") / "templates")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def money(value: Decimal | float | int | None) -> str:
    """Money for people: thousands separated, two decimals.

    >>> money(Decimal("12345.6"))
    '12,345.60'
    """
    if value is None:
        return "–"
    return f"{Decimal(value):,.2f}"


def percent(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:
        return "–"
    return f"{value * 100:.{digits}f}%"


_env.filters["money"] = money
_env.filters["percent"] = percent


@dataclass(frozen=True, slots=True)
class Viewer:
    id: int
    name: str
    role: str
    agency: str | None
    team: str | None
    collector_id: int | None


class LoginRequired(HTTPException):
    def __init__(self, path: str) -> None:
        super().__init__(303, "sign in first", headers={"Location": f"/login?next={quote(path)}"})


def language(request: Request) -> str:
    return pick_language(request.session.get("lang"), request.headers.get("accept-language"))


def person(request: Request, session: Session, *roles: str) -> AppUser:
    """The signed-in person, if their role is one of ``roles`` (any role when none given)."""
    uid = request.session.get("uid")
    user = session.get(AppUser, uid) if isinstance(uid, int) else None
    if user is None or not user.is_active:
        request.session.pop("uid", None)
        raise LoginRequired(request.url.path)
    if roles and user.role not in roles:
        raise HTTPException(403, "your role cannot open this page")
    # a plain copy for the templates: an error later in the request rolls the session back
    # and expires the row, but the error page still shows who is signed in
    request.state.user = Viewer(
        user.id, user.name, user.role, user.agency, user.team, user.collector_id
    )
    return user


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    user: Viewer | None = getattr(request.state, "user", None)
    lang = language(request)
    values = {
        "request": request,
        "user": user,
        "lang": lang,
        "t": translator(lang),
        "csrf": csrf_token(request),
        "nav": NAV.get(user.role, []) if user is not None else [],
        "path": request.url.path,
        "next": quote(
            str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
        ),
        "form_key": lambda: secrets.token_urlsafe(16),
        "done": None,
    }
    values.update(context or {})
    html = _env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status, headers=headers)


def error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    if status in (301, 302, 303, 307) and headers and "Location" in headers:
        return RedirectResponse(headers["Location"], status_code=status)
    return render(
        request,
        "error.html",
        {"status": status, "message": message},
        status=status,
        headers=headers,
    )
