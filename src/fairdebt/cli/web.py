"""``fairdebt serve`` (the web app and HTTP API) and ``fairdebt users add|list``.

``serve`` migrates the database to head and starts the app on it. On a simulated database (one
``fairdebt demo`` or ``simulate`` wrote) with no user yet, it first creates one demo sign-in per
role with a printed password, so the demo opens with no other set-up; a real lender's database
never gets them. ``users add NAME --role ROLE`` prints the new user's API token on its last
line, the only time it is shown.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import typer
from rich.console import Console

from fairdebt.errors import InputError

__all__ = ["DEMO_PASSWORD", "ensure_demo_users", "mount"]

users_app = typer.Typer(help="Users and API tokens. 用户与接口令牌。", no_args_is_help=True)
DatabaseOption = typer.Option(
    None, "--database", help="SQLAlchemy URL; default FAIRDEBT_DATABASE_URL (or the demo db)"
)
ModelsOption = typer.Option(None, "--models", help="Folder of saved models (default ./models).")
RoleOption = typer.Option(
    ...,
    "--role",
    help="collector, supervisor, strategist, risk, compliance, agency, borrower, admin or dialer",
)
DEMO_PASSWORD = "fairdebt-demo"


def _database(url: str | None) -> str:
    from fairdebt.settings import Settings

    if url:
        return url
    if "FAIRDEBT_DATABASE_URL" not in os.environ and Path("fairdebt-demo.db").exists():
        return "sqlite:///fairdebt-demo.db"
    return Settings().database_url


def ensure_demo_users(session: object, *, at: dt.datetime) -> list[tuple[str, str, str]]:
    """On a simulated database without users: one sign-in per role; returns (name, role,
    password or token). Does nothing (returns []) anywhere else."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from fairdebt.models import AppUser, Borrower, Collector, Loan, LoanDay, SimulationRun
    from fairdebt.users import Role, add_user, issue_token

    assert isinstance(session, Session)
    if session.scalar(select(func.count()).select_from(SimulationRun)) == 0:
        return []
    if session.scalar(select(func.count()).select_from(AppUser)):
        return []
    lender = session.scalar(
        select(Collector)
        .where(Collector.agency.is_(None), Collector.is_active.is_(True))
        .order_by(Collector.id)
    )
    agent = session.scalar(
        select(Collector)
        .where(Collector.agency.is_not(None), Collector.is_active.is_(True))
        .order_by(Collector.id)
    )
    day = session.scalar(select(func.max(LoanDay.business_date)))
    late = None
    if day is not None:
        # a borrower in arrears, so the portal shows plan offers
        late = session.scalar(
            select(Borrower.external_id)
            .join(Loan, Loan.borrower_id == Borrower.id)
            .join(LoanDay, (LoanDay.loan_id == Loan.id) & (LoanDay.business_date == day))
            .where(LoanDay.dpd > 0)
            .order_by(LoanDay.dpd, Loan.id)
            .limit(1)
        )
    if late is None:
        late = session.scalar(select(Borrower.external_id).order_by(Borrower.id).limit(1))
    made = []
    actor = "demo"
    for role in Role:
        code = agency = borrower = None
        if role == Role.COLLECTOR and lender is not None:
            code = lender.code
        if role == Role.AGENCY:
            code = agent.code if agent is not None else None
            agency = None if agent is not None else "demo-agency"
        if role == Role.BORROWER:
            if late is None:
                continue
            borrower = late
        name = f"demo-{role.value}"
        password = None if role == Role.DIALER else DEMO_PASSWORD
        user = add_user(
            session,
            name=name,
            role=role,
            password=password,
            agency=agency,
            collector_code=code,
            borrower_external_id=borrower,
            actor=actor,
            at=at,
        )
        if role == Role.DIALER:
            made.append(
                (name, role.value, issue_token(session, user_id=user.id, actor=actor, at=at))
            )
        else:
            made.append((name, role.value, DEMO_PASSWORD))
    return made


def serve_command(
    database: str | None = DatabaseOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. 监听地址。"),
    port: int = typer.Option(8000, "--port", help="Port. 端口。"),
    pack: str = typer.Option("cn", "--pack", help="Rule pack of the account view. 规则包。"),
    models: str | None = ModelsOption,
) -> None:
    """Start the web app and the HTTP API. 启动网页应用与接口服务。"""
    import uvicorn

    from fairdebt.compliance.packs import get_pack
    from fairdebt.db import make_engine, make_session, upgrade
    from fairdebt.web.app import WebConfig, create_app
    from fairdebt.web.offers import PolicyOffers

    get_pack(pack)
    url = _database(database)
    engine = make_engine(url)
    upgrade(engine)
    console = Console()
    with make_session(engine) as session, session.begin():
        made = ensure_demo_users(session, at=dt.datetime.now(dt.UTC))
    engine.dispose()
    if made:
        console.print("demo sign-ins 演示账号 (simulated data only 仅限模拟数据):")
        for name, role, secret in made:
            label = "token" if role == "dialer" else "password"
            console.print(f"  {name:<18} {role:<11} {label}: {secret}", highlight=False)
    models_dir = Path(models) if models else (Path("models") if Path("models").is_dir() else None)
    config = WebConfig(
        database_url=url,
        secret_key=os.environ.get("FAIRDEBT_SECRET_KEY"),
        pack=pack,
        models_dir=models_dir,
        secure_cookies=os.environ.get("FAIRDEBT_SECURE_COOKIES") == "1",
        warm_up=True,
        offers=PolicyOffers(),
    )
    console.print(f"fairdebt on http://{host}:{port}/  database 数据库: {url}", highlight=False)
    uvicorn.run(create_app(config), host=host, port=port, log_level="info")


@users_app.command("add")
def add_command(
    name: str = typer.Argument(..., help="Sign-in name. 用户名。"),
    role: str = RoleOption,
    password: str | None = typer.Option(
        None, "--password", help="For people; asked for when omitted on a terminal."
    ),
    agency: str | None = typer.Option(None, "--agency", help="The agency of an agency user."),
    team: str | None = typer.Option(None, "--team", help="A supervisor's team."),
    collector: str | None = typer.Option(
        None, "--collector", help="The collector code whose queue they work."
    ),
    borrower: str | None = typer.Option(
        None, "--borrower", help="The borrower's external id (borrower role)."
    ),
    database: str | None = DatabaseOption,
) -> None:
    """Create a user; prints its API token on the last line. 新建用户并输出接口令牌。"""
    from fairdebt.db import make_engine, make_session, upgrade
    from fairdebt.users import MACHINE_ROLES, add_user, issue_token

    if password is None and role not in MACHINE_ROLES and sys.stdin.isatty():
        password = typer.prompt("password 密码", hide_input=True, confirmation_prompt=True)
    if password == "":
        raise InputError("must not be empty", field="--password")
    engine = make_engine(_database(database))
    upgrade(engine)
    at = dt.datetime.now(dt.UTC)
    with make_session(engine) as session, session.begin():
        user = add_user(
            session,
            name=name,
            role=role,
            password=password,
            agency=agency,
            team=team,
            collector_code=collector,
            borrower_external_id=borrower,
            actor="cli",
            at=at,
        )
        token = issue_token(session, user_id=user.id, actor="cli", at=at)
        summary = f"user {user.name} ({user.role}) created 已创建" + (
            "" if user.password_hash else "; no password: signs in with the token only 仅令牌"
        )
    engine.dispose()
    print(summary)
    print(token)


@users_app.command("list")
def list_command(database: str | None = DatabaseOption) -> None:
    """List users (never tokens or passwords). 列出用户。"""
    from sqlalchemy import select

    from fairdebt.db import make_engine, make_session
    from fairdebt.models import AppUser

    engine = make_engine(_database(database))
    with make_session(engine) as session:
        for user in session.scalars(select(AppUser).order_by(AppUser.name)):
            state = "active" if user.is_active else "inactive"
            print(f"{user.name}\t{user.role}\t{user.agency or ''}\t{state}")
    engine.dispose()


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt serve`` and ``fairdebt users ...`` on the root command."""
    root.command("serve")(serve_command)
    root.add_typer(users_app, name="users")
