"""``fairdebt strategy challenge``: the optimised policy as a challenger beside the champion.

One simulated book holds the no-contact hold-out, the champion's cell and the challenger's
cell; a sequential test of recovery, contacts and complaints decides promotion after every
day. Prints the cells side by side; ``--out`` writes the HTML report with its charts. The last
line of stdout is one JSON object: ``{"decision": "promote"|"stop"|"continue",
"decided_on_day": N|null, "violations": N, "cells": {NAME: {...}}, ...}``.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fairdebt.cli.strategy import (
    ConfidenceOption,
    ContactCostOption,
    DaysOption,
    HoldoutOption,
    PackOption,
    WorldOption,
)
from fairdebt.errors import InputError

__all__ = ["challenge_command"]

ModelOption = typer.Option(
    ..., "--model", help="The challenger's model (JSON from strategy learn) 挑战者模型"
)
ShareOption = typer.Option(
    0.5, "--challenger-share", help="Share of borrowers in the challenger's cell 挑战者比例"
)
BorrowersOption = typer.Option(20_000, "--borrowers", help="Borrowers in the book 借款人数")
SeedOption = typer.Option(1, "--seed", help="Random seed 随机种子")
OutOption = typer.Option(None, "--out", help="Write the HTML report here 报告输出")
ToleranceOption = typer.Option(
    0.01, "--tolerance", help="Recovery loss counted as equal, share of the champion's 容忍度"
)


def challenge_command(
    model: Path = ModelOption,
    challenger_share: float = ShareOption,
    holdout: float = HoldoutOption,
    borrowers: int = BorrowersOption,
    days: int = DaysOption,
    seed: int = SeedOption,
    world: Path | None = WorldOption,
    pack: str = PackOption,
    contact_cost: float = ContactCostOption,
    confidence: float = ConfidenceOption,
    tolerance: float = ToleranceOption,
    out: Path | None = OutOption,
) -> None:
    """Run the optimised policy as a challenger in randomised cells. 冠军挑战者实验。"""
    from fairdebt.cli.strategy import _optimised_settings, _policy
    from fairdebt.simulation.challenge import challenge_html, run_challenge
    from fairdebt.simulation.collections import pool_capacity
    from fairdebt.simulation.world import load_world
    from fairdebt.strategy.catalogue import load_catalogue
    from fairdebt.strategy.challenge import Challenge
    from fairdebt.strategy.champion import Champion

    if borrowers < 1 or days < 1:
        raise InputError(
            "borrowers and days must be positive", field="borrowers" if borrowers < 1 else "days"
        )
    if not 0 <= holdout < 1:
        raise InputError(f"must be in [0, 1) (got {holdout})", field="holdout")
    if not 0 <= tolerance < 1:
        raise InputError(f"must be in [0, 1) (got {tolerance})", field="tolerance")
    if not 0 < challenger_share < 1:
        raise InputError(
            f"must be between 0 and 1 (got {challenger_share})", field="challenger_share"
        )
    if out is not None and not out.parent.is_dir():
        raise InputError(f"no folder {str(out.parent)!r} to write the report in", field="out")
    world_file = load_world(world)
    settings = _optimised_settings(model, 0.0, 6, None, 0.0, contact_cost, confidence)
    catalogue = load_catalogue(pack=pack)
    challenger = _policy("optimised", settings)
    if hasattr(challenger, "capacity"):
        challenger.capacity = pool_capacity(catalogue, borrowers)
    challenger.name = "optimised"  # type: ignore[attr-defined]
    challenge = Challenge(Champion(), challenger, share=challenger_share)  # type: ignore[arg-type]
    console = Console(stderr=True)
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
    with bars:
        task = bars.add_task("experiment 实验", total=days)
        result = run_challenge(
            challenge,
            borrowers=borrowers,
            days=days,
            seed=seed,
            holdout_share=holdout,
            world=world_file,
            catalogue=catalogue,
            pack=pack,
            tolerance=tolerance,
            progress=lambda day: bars.update(task, completed=day + 1),
        )
    table = Table(title=f"Cells 实验组 (seed {seed}: {borrowers:,} × {days} days 天)")
    columns = ("cell 组", "borrowers 人", "recovered 回收 ¥", "contacts 触达", "complaints 投诉")
    for column in columns:
        table.add_column(column, justify="right")
    for row in result.cells.to_dict("records"):
        table.add_row(
            str(row["cell"]),
            f"{row['borrowers']:,}",
            f"{row['recovered']:,.0f}",
            f"{row['contacts']:,}",
            str(row["complaints"]),
        )
    console.print(table)
    day = result.verdict.day
    console.print(
        f"decision 决定: {result.verdict.decision}"
        + (f" on day {day} 第{day}天" if day is not None else "")
        + (
            f"; recovery bound ±{bound} % 回收置信半宽"
            if (bound := result.recovery_bound_pct()) is not None
            else "; no borrower matured yet 尚无样本期满"
        )
        + f"; gate violations 违规: {result.violations}"
    )
    if out is not None:
        out.write_text(challenge_html(result), encoding="utf-8")
        console.print(f"report 报告: {out}")
    typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
