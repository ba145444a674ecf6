"""``fairdebt audit head`` and ``fairdebt audit verify``: the hash-chained audit log.

``head`` prints the chain's anchor ``HASH:COUNT`` on its last line, for an operator to keep away
from the database; ``verify --expect HASH:COUNT`` then fails if the log was cut short or
rewritten up to that entry, which the chain alone cannot show (docs/decisions/audit-chain.md).
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from fairdebt import audit
from fairdebt.cli import ExitCode
from fairdebt.cli.db import DatabaseOption, open_database
from fairdebt.db import make_session

__all__ = ["app", "mount"]

app = typer.Typer(help="The audit log. 审计日志。", no_args_is_help=True)

ExpectOption = typer.Option(
    None,
    "--expect",
    help="HASH:COUNT from an earlier `fairdebt audit head`; fail if the log was cut short. "
    "之前记录的 HASH:COUNT。",
)


@app.command("head")
def head_command(database: str | None = DatabaseOption) -> None:
    """Print the chain's anchor HASH:COUNT (last line), to keep elsewhere. 输出审计链锚点。"""
    with make_session(open_database(database)) as session:
        anchor = audit.head(session)
    console = Console(highlight=False)
    console.print(f"audit log: {anchor.count} entries; keep this line to check for truncation")
    console.print("审计日志锚点，请另行保存，用于 `fairdebt audit verify --expect`:")
    typer.echo(str(anchor))


@app.command("verify")
def verify_command(
    database: str | None = DatabaseOption, expect: str | None = ExpectOption
) -> None:
    """Check the hash chain and that every ledger row has its entry; exit 1 naming the first
    bad one. 校验审计哈希链及账务记录的审计覆盖。"""
    anchor = None if expect is None else audit.Anchor.parse(expect)
    with make_session(open_database(database)) as session:
        result = audit.verify(session, expect=anchor)
        current = audit.head(session) if result.ok else None
    console = Console(highlight=False)
    if result.ok and current is not None:
        console.print(f"audit chain intact: {result.entries} entries  审计链完整")
        typer.echo(str(current))
        return
    where = f" at entry {result.first_bad_seq}" if result.first_bad_seq is not None else ""
    console.print(
        f"[bold red]audit check failed[/]{where}: {escape(result.problem or '')}  审计校验失败",
        soft_wrap=True,
    )
    raise typer.Exit(ExitCode.REFUSED)


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt audit ...`` on the root command."""
    root.add_typer(app, name="audit")
