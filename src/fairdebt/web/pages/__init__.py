"""The server-rendered pages, one module per kind of work: sign-in, the collector's queue and
account view, the supervisor's team, the strategist's catalogue and experiments, the risk
manager's portfolio and models, the compliance officer's desk, the borrower portal, and the
admin's users."""

from __future__ import annotations

from fastapi import FastAPI

__all__ = ["register"]


def register(app: FastAPI) -> None:
    """Add every page router to ``app``."""
    from fairdebt.web.pages import admin, conduct, login, portal, risk, strategy, team, work

    for module in (login, work, team, strategy, risk, conduct, portal, admin):
        app.include_router(module.router)
