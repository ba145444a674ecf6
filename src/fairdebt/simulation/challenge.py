"""A champion–challenger experiment on one simulated book, and its report.

:func:`run_challenge` runs one book in which the loop's hold-out, the champion's cell and the
challenger's cell live side by side (:class:`fairdebt.strategy.challenge.Challenge`), the way
a lender would run the experiment, not three separate books. :class:`WindowedCollections`
adds up, per borrower, what was recovered from them and how often they were contacted and
complained within ``window`` days of their arrival; the borrowers whose window has closed are
the sequential test's units (:func:`fairdebt.strategy.challenge.verdict`). Every contact is
checked again by the gate afterwards (violations). :func:`challenge_html` draws the bounds as
the borrowers matured and the cells side by side.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from fairdebt.simulation.behaviour import DayPayments
from fairdebt.simulation.evaluation import START, audit_contacts, book
from fairdebt.simulation.learning import LoggingCollections
from fairdebt.simulation.loop_report import _svg
from fairdebt.simulation.paper import PaperLedger
from fairdebt.simulation.portfolio import run_days
from fairdebt.simulation.world import World, load_world
from fairdebt.strategy.catalogue import Catalogue, load_catalogue
from fairdebt.strategy.cells import HOLDOUT, assign_arms
from fairdebt.strategy.challenge import MEASURES, Challenge, Verdict, verdict
from fairdebt.strategy.planning import PlanSettings

__all__ = ["ChallengeResult", "WindowedCollections", "challenge_html", "run_challenge"]

WINDOW = 90


class WindowedCollections(LoggingCollections):
    """The loop, adding up per borrower what happened within ``window`` days of arrival."""

    def __init__(self, *args: object, window: int = WINDOW, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.window = window
        self.arrival = self.portfolio.arrival_day
        size = len(self.arrival)
        self.unit = {m: np.zeros(size) for m in MEASURES}

    def _open(self, borrower: np.ndarray, day: int) -> np.ndarray:
        return np.asarray(day < self.arrival[borrower] + self.window, dtype=bool)

    def _after_contacts(self, day: int, plan: pd.DataFrame, frame: pd.DataFrame) -> None:
        super()._after_contacts(day, plan, frame)
        who = frame["borrower"].to_numpy(np.int64)
        open_ = self._open(who, day)
        np.add.at(self.unit["contacts"], who[open_], 1.0)
        hurt = open_ & frame["complaint"].to_numpy(dtype=bool)
        np.add.at(self.unit["complaints"], who[hurt], 1.0)

    def settle(self, day: int, payments: DayPayments) -> None:
        super().settle(day, payments)
        late = payments.late
        who = self.book.borrower[payments.loan[late]]
        open_ = self._open(who, day)
        np.add.at(self.unit["recovered"], who[open_], payments.amount[late][open_])

    def matured(self, days: int, cell: np.ndarray) -> pd.DataFrame:
        """One row per borrower whose window closed within ``days``."""
        ends = self.arrival + self.window
        done = np.flatnonzero(ends <= days)
        return pd.DataFrame(
            {"matured_on": ends[done], "cell": cell[done]}
            | {m: self.unit[m][done] for m in MEASURES}
        )


@dataclass(frozen=True)
class ChallengeResult:
    """Cells' sizes and totals, violations over every contact, and the verdict."""

    borrowers: int
    days: int
    seed: int
    champion: str
    challenger: str
    cells: pd.DataFrame
    violations: int
    verdict: Verdict
    window: int
    tolerance: float

    def as_json(self) -> dict[str, object]:
        cells = {
            str(row["cell"]): {k: _plain(v) for k, v in row.items() if k != "cell"}
            for row in self.cells.to_dict("records")
        }
        return {
            "borrowers": self.borrowers,
            "days": self.days,
            "seed": self.seed,
            "champion": self.champion,
            "challenger": self.challenger,
            "decision": self.verdict.decision,
            "decided_on_day": self.verdict.day,
            "units": self.verdict.units,
            "window": self.window,
            "recovery_bound_pct": self.recovery_bound_pct(),
            "violations": self.violations,
            "cells": cells,
        }

    def recovery_bound_pct(self) -> float | None:
        """Half the width of the last recovery bound, in % of the champion's recovery per
        borrower: how close the test can tell the cells apart at this size."""
        seq = self.verdict.sequences["recovered"]
        base = self.verdict.baseline
        if not len(seq.mean) or base <= 0:
            return None
        return round(float(100 * (seq.high[-1] - seq.low[-1]) / 2 / base), 2)


def _plain(value: object) -> object:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return round(float(value), 2)
    return value


def run_challenge(
    challenge: Challenge,
    *,
    borrowers: int,
    days: int,
    seed: int,
    holdout_share: float = 0.05,
    world: World | None = None,
    catalogue: Catalogue | None = None,
    pack: str = "cn",
    tolerance: float = 0.01,
    window: int = WINDOW,
    progress: Callable[[int], None] | None = None,
) -> ChallengeResult:
    """One book of ``borrowers`` for ``days`` with the hold-out and both cells in it.

    ``tolerance`` is the share of the champion's recovery the challenger may lose and still
    count as equal (the issue's 1 %); ``window`` the days from a borrower's arrival over which
    their outcome counts (borrowers whose window closes before the end are the units)."""
    catalogue = catalogue or load_catalogue(pack=pack)
    months = max(1, -(-days // 30))
    portfolio = book(borrowers=borrowers, months=months, seed=seed, world=world or load_world())
    settings = PlanSettings(holdout_share=holdout_share, pack=pack)
    loop = WindowedCollections(
        portfolio,
        policy=challenge,
        catalogue=catalogue,
        settings=settings,
        audit_gate=True,
        keep_logs=False,
        window=window,
    )
    run_days(portfolio, PaperLedger(START), collections=loop, on_day=progress, days=days)
    ids = np.arange(len(portfolio.population), dtype=np.int64)
    cell = challenge.cells(ids)
    cell[assign_arms(ids, holdout_share, settings.salt, challenge.name) == HOLDOUT] = HOLDOUT
    sizes = pd.Series(cell).value_counts().to_dict()
    judged = verdict(
        loop.matured(days, cell),
        share=challenge.share,
        champion=challenge.champion.name,
        challenger=challenge.challenger.name,
        tolerance_share=tolerance,
    )
    return ChallengeResult(
        borrowers=borrowers,
        days=days,
        seed=seed,
        champion=challenge.champion.name,
        challenger=challenge.challenger.name,
        cells=_cells(loop, sizes),
        violations=audit_contacts(loop.log, portfolio.population.timezone, pack),
        verdict=judged,
        window=window,
        tolerance=tolerance,
    )


def _cells(loop: WindowedCollections, sizes: dict[str, int]) -> pd.DataFrame:
    rows = []
    for name in sorted(sizes, key=lambda c: (c == HOLDOUT, c)):
        f = loop.figures.get(name)
        per = 1000 / sizes[name]
        recovered = f.recovered if f else 0.0
        cost = (f.contact_cost + f.commission) if f else 0.0
        rows.append(
            {
                "cell": name,
                "borrowers": int(sizes[name]),
                "recovered": recovered,
                "net_recovery": recovered - cost,
                "contacts": f.contacts if f else 0,
                "complaints": f.complaints if f else 0,
                "collected": loop.collected.get(name, 0.0),
                "recovered_per_1000": recovered * per,
                "contacts_per_1000": (f.contacts if f else 0) * per,
                "complaints_per_1000": (f.complaints if f else 0) * per,
            }
        )
    return pd.DataFrame(rows)


def _evidence_chart(result: ChallengeResult) -> str:
    figure = Figure(figsize=(9, 2.8))
    axes = figure.subplots(1, 3)
    # The first few hundred units' bounds are wide enough to flatten the rest; no decision
    # is taken on them either.
    start = min(500, len(result.verdict.matured_on) // 2)
    day = result.verdict.matured_on[start:]
    titles = {
        "recovered": "recovery ¥ per borrower",
        "contacts": "contacts per borrower",
        "complaints": "complaints per borrower",
    }
    for axis, measure in zip(axes, MEASURES, strict=True):
        seq = result.verdict.sequences[measure]
        low, high = seq.low[start:], seq.high[start:]
        axis.fill_between(day, low, high, alpha=0.25, label="95 % always-valid")
        axis.plot(day, seq.mean[start:], label="running mean")
        axis.axhline(0, color="black", linewidth=0.8)
        if measure == "recovered":
            axis.axhline(-result.verdict.tolerance, color="grey", linestyle="--", linewidth=0.8)
        if result.verdict.day is not None:
            axis.axvline(result.verdict.day, color="red", linewidth=0.8)
        axis.set_title(titles[measure], fontsize=8)
        axis.set_xlabel("day the borrowers' windows closed", fontsize=8)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    return _svg(figure)


_HEADINGS = {
    "cell": "cell 组",
    "borrowers": "borrowers 人",
    "recovered": "recovered 回收 ¥",
    "net_recovery": "net 净回收 ¥",
    "contacts": "contacts 触达",
    "complaints": "complaints 投诉",
    "collected": "collected 总回款 ¥",
    "recovered_per_1000": "recovered per 1,000 每千人回收 ¥",
    "contacts_per_1000": "contacts per 1,000 每千人触达",
    "complaints_per_1000": "complaints per 1,000 每千人投诉",
}


def _display(cells: pd.DataFrame) -> pd.DataFrame:
    out = cells.copy()
    for column in out.columns:
        if column not in ("cell", "complaints_per_1000") and out[column].dtype.kind == "f":
            out[column] = out[column].map(lambda v: f"{v:,.0f}")
        elif column == "complaints_per_1000":
            out[column] = out[column].map(lambda v: f"{v:.2f}")
        elif out[column].dtype.kind == "i":
            out[column] = out[column].map(lambda v: f"{v:,}")
    return out.rename(columns=_HEADINGS)


def challenge_html(result: ChallengeResult) -> str:
    """A whole HTML page: the decision, the cells side by side, and the evidence over time."""
    v = result.verdict
    when = f"on day {v.day} 第{v.day}天" if v.day is not None else "not yet 尚未决定"
    table = _display(result.cells).to_html(border=0, index=False, classes="grid")
    words = {
        "promote": "promote the challenger 晋升挑战者",
        "stop": "stop: the challenger recovers less 停止：挑战者回收更低",
        "continue": "continue: not enough evidence yet 继续：证据不足",
    }[v.decision]
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<title>Champion and challenger 冠军与挑战者</title>"
        "<style>body{font-family:sans-serif;max-width:980px;margin:2em auto}"
        "table.grid{border-collapse:collapse}table.grid td,table.grid th{padding:2px 8px;"
        "border-bottom:1px solid #ddd;text-align:right}</style></head><body>"
        "<h1>Champion and challenger 冠军与挑战者</h1>"
        f"<p><b>Decision 决定: {html.escape(words)}</b>, {html.escape(when)}.</p>"
        f"<p>One simulated book, seed {result.seed}: {result.borrowers:,} borrowers × "
        f"{result.days} days. Borrowers are randomised once into the no-contact hold-out, the "
        f"champion ({html.escape(result.champion)}) and the challenger "
        f"({html.escape(result.challenger)}) and stay there. Each borrower is a unit once "
        f"{result.window} days have passed since their arrival: what was recovered from them, "
        "how often they were contacted and whether they complained in that window. At the end "
        "of every day a sequential test (normal-mixture confidence sequences, valid however "
        "often they are read) compares the cells on the borrowers matured so far: promote "
        f"when recovery is no more than {100 * result.tolerance:g} % below the champion's and "
        "contacts are lower, while complaints are not surely higher; stop when recovery is "
        f"surely lower or complaints surely higher. Borrowers judged: {result.verdict.units:,}. "
        f"Gate violations over every contact: {result.violations}. The recovery bound is now ±"
        f"{result.recovery_bound_pct()} % of the champion's recovery per borrower. "
        "每位借款人在进入后窗口期满即成为一个样本；每日进行序贯检验，随时查看不影响显著性。</p>"
        f"{table}<h2>Evidence as borrowers matured 证据随样本累积</h2>{_evidence_chart(result)}"
        "<p>Shaded: the 95 % always-valid band of the challenger's effect per borrower "
        "(challenger − champion): recovery, contacts, complaints; dashed: the recovery "
        "tolerance; red: the day of the decision. 阴影：挑战者相对冠军人均效应的95%随时有效区间；"
        "红线：决定之日。</p>"
        "</body></html>"
    )
