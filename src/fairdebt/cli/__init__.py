"""The ``fairdebt`` command: the edge that reads settings and the clock and owns transactions.

Each command group lives in its own module (``db``, ``ledger``, ``cycle``, ``simulation``,
``compliance``, ``risk``), whose ``mount(app)`` registers its groups and top-level commands.
Every ``FairdebtError`` becomes one clear line on stderr and exit status 2; a traceback in the
CLI is a bug.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from fairdebt.errors import FairdebtError

__all__ = ["app", "main"]

app = typer.Typer(
    name="fairdebt",
    help="fairdebt: fair, lawful and effective debt collection. 公平、合规、有效的催收系统。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _mount() -> None:
    # Imported here so that `fairdebt --help` stays fast and a group's heavy imports
    # (LightGBM, jieba) load only inside its own commands.
    from fairdebt.cli import compliance, cycle, db, ledger, risk, simulation

    for module in (db, ledger, cycle, simulation, compliance, risk):
        module.mount(app)
    __import__("fairdebt.cli.web", fromlist=["mount"]).mount(app)  # serve, users


_mount()


def main() -> None:
    """Entry point of the console script and of ``python -m fairdebt``."""
    try:
        app()
    except FairdebtError as error:
        Console(stderr=True).print(f"[bold red]error:[/] {error}", highlight=False)
        sys.exit(2)
