"""``fairdebt load`` and ``fairdebt export``: loan tapes in and snapshots out."""

from __future__ import annotations

import typer


def mount(app: typer.Typer) -> None:
    """Register the ledger's top-level commands on ``app``."""
