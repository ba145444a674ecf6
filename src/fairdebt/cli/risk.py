"""``fairdebt risk ...``: train, evaluate, score, report and monitor credit-risk models."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Risk models: scorecards and GBMs. 风险模型：评分卡与梯度提升模型。", no_args_is_help=True
)


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt risk ...`` on the root command."""
    root.add_typer(app, name="risk")
