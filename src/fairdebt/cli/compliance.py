"""``fairdebt compliance ...``: the contact gate and message screening from the shell."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Contact gate and message screening. 触达合规闸门与话术筛查。", no_args_is_help=True
)


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt compliance ...`` on the root command."""
    root.add_typer(app, name="compliance")
