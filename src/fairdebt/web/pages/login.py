"""Sign in, sign out, the language switch, and the way home for each role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from fairdebt import audit
from fairdebt.users import Role, check_password
from fairdebt.web.auth import start_session
from fairdebt.web.i18n import LANGUAGES
from fairdebt.web.pages.forms import posted, web_of
from fairdebt.web.rendering import HOME, person, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # only paths on this site: never a redirect to another host after sign-in
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/")
def home(request: Request) -> Response:
    with web_of(request).transaction() as session:
        user = person(request, session)
    return RedirectResponse(HOME.get(Role(user.role), "/login"), status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"target": _safe_next(next), "problem": None})


@router.post("/login")
async def login(request: Request) -> Response:
    web = web_of(request)
    form = await posted(request)
    name = str(form.get("name") or "")
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or "/"))
    address = request.client.host if request.client else "?"
    at = web.now()
    wait = web.throttle.retry_after(name, address, at)
    if wait:
        return render(
            request,
            "login.html",
            {"target": target, "problem": "too_many", "wait": wait},
            status=429,
            headers={"Retry-After": str(wait)},
        )
    with web.transaction() as session:
        user = check_password(session, name=name, password=password) if name else None
        audit.record(
            session,
            action="user.signed_in" if user else "user.sign_in_failed",
            entity="app_user",
            entity_id=None if user is None else user.id,
            actor=f"user:{name[:60]}" if name else "anonymous",
            at=at,
            data={"address": address},
        )
    if user is None:
        web.throttle.failed(name, address, at)
        return render(request, "login.html", {"target": target, "problem": "wrong"}, status=401)
    web.throttle.succeeded(name)
    start_session(request, user, at)
    return RedirectResponse(
        target if target != "/" else HOME.get(Role(user.role), "/"), status_code=303
    )


@router.post("/logout")
async def logout(request: Request) -> Response:
    await posted(request)
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    if code in LANGUAGES:
        request.session["lang"] = code
    return RedirectResponse(_safe_next(next), status_code=303)
