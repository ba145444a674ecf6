"""``fairdebt db upgrade`` and ``fairdebt audit verify``."""

from __future__ import annotations

import typer
from rich.console import Console

from fairdebt import audit
from fairdebt.db import make_engine, make_session, upgrade
from fairdebt.settings import Settings

app = typer.Typer(help="Database schema. 数据库结构。", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log. 审计日志。", no_args_is_help=True)

DatabaseOption = typer.Option(
    None, "--database", help="SQLAlchemy URL; default FAIRDEBT_DATABASE_URL"
)


@app.command("upgrade")
def upgrade_command(database: str | None = DatabaseOption) -> None:
    """Apply the shipped migrations. 执行数据库迁移。"""
    url = database or Settings().database_url
    upgrade(make_engine(url))
    Console().print(f"database at [bold]{url}[/] is up to date")


@audit_app.command("verify")
def verify_command(database: str | None = DatabaseOption) -> None:
    """Check the hash chain; exit 1 naming the first bad entry. 校验审计哈希链。"""
    url = database or Settings().database_url
    with make_session(make_engine(url)) as session:
        result = audit.verify(session)
    console = Console()
    if result.ok:
        console.print(f"audit chain intact: {result.entries} entries  审计链完整")
        return
    console.print(
        f"[bold red]audit chain broken[/] at entry {result.first_bad_seq}: "
        f"{result.problem}  审计链被篡改",
        highlight=False,
    )
    raise typer.Exit(1)


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt db ...`` and ``fairdebt audit ...`` on the root command."""
    root.add_typer(app, name="db")
    root.add_typer(audit_app, name="audit")
