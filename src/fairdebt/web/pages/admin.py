"""The admin's screen: users (add a person or a machine, see its token once) and webhooks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from fairdebt.models import AppUser, Webhook, WebhookDelivery
from fairdebt.users import Role, add_user, issue_token
from fairdebt.web.pages.forms import field, posted, web_of
from fairdebt.web.rendering import person, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(request: Request, token: str | None = None, created: str | None = None) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        person(request, session, Role.ADMIN)
        users = session.scalars(select(AppUser).order_by(AppUser.role, AppUser.name)).all()
        hooks = session.scalars(select(Webhook).order_by(Webhook.id)).all()
        pending = session.scalar(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.delivered_at.is_(None))
        )
    return render(
        request,
        "admin.html",
        {
            "users": users,
            "roles": [r.value for r in Role],
            "hooks": hooks,
            "pending": pending,
            "token": token,
            "created": created,
        },
    )


@router.get("/admin")
def admin(request: Request) -> Response:
    return _page(request)


@router.post("/admin/users")
async def create_user(request: Request) -> Response:
    web = web_of(request)
    form = await posted(request)
    with web.transaction() as session:
        me = person(request, session, Role.ADMIN)
        at = web.now()
        user = add_user(
            session,
            name=str(field(form, "name", record="user")),
            role=str(field(form, "role", record="user")),
            password=field(form, "password", required=False),
            agency=field(form, "agency", required=False),
            team=field(form, "team", required=False),
            collector_code=field(form, "collector", required=False),
            borrower_external_id=field(form, "borrower", required=False),
            actor=f"user:{me.name}",
            at=at,
        )
        token = issue_token(session, user_id=user.id, actor=f"user:{me.name}", at=at)
        name = user.name
    # shown once, on this answer only (not a redirect: the token must not sit in a URL)
    return _page(request, token=token, created=name)
