"""``fairdebt simulate`` and ``fairdebt demo``: the synthetic portfolio and the demo."""

from __future__ import annotations

import typer


def mount(app: typer.Typer) -> None:
    """Register the simulator's top-level commands on ``app``."""
