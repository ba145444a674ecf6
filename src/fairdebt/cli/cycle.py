"""``fairdebt cycle ...``: the daily close of business."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The daily cycle: dpd, buckets, roll rates. 日终批处理。", no_args_is_help=True
)


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt cycle ...`` on the root command."""
    root.add_typer(app, name="cycle")
