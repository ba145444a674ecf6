"""``fairdebt risk reject-inference`` and ``fairdebt risk oot``: the population a model meets.

A model is fitted on one population and used on another: the accepted applicants stand in for
all applicants, and last year's applicants for next year's. These two commands deal with each.

``reject-inference`` fits on the accepted applicants, infers the rejected ones' outcomes
(parcelling or a hard cut-off, :mod:`fairdebt.risk.rejects`), refits on both and saves that
model; ``oot`` fits before a date and measures after it, with the drift between the two
(:mod:`fairdebt.risk.oot`). Each prints one JSON object as the last line of stdout; errors are
one line and exit status 2, as for the other risk commands.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from fairdebt.cli.risk import (
    BAD,
    DATA,
    DROP,
    KIND,
    MIN_PER_CLASS,
    OUT_DIR,
    TARGET,
    TIME_BUDGET,
    ModelKind,
    _enough,
    _labelled,
    _make_model,
    _plain_errors,
    _print_json,
    _stderr,
    _warn_text_in_numbers,
    app,
    read_frame,
    write_frame,
)
from fairdebt.errors import InputError

__all__ = ["oot", "reject_inference"]

ACCEPTED = typer.Option(
    ..., "--accepted", help="Accepted applicants with outcomes. 已通过申请（含表现）。"
)
REJECTED = typer.Option(..., "--rejected", help="Rejected applicants, no outcome. 被拒申请。")
METHOD = typer.Option("parcel", "--method", help="parcel or hard-cutoff. 分组法或硬截断。")
UPLIFT = typer.Option(
    1.0, "--uplift", help="Reject bad rate over the accepted one at a score. 拒绝样本坏率倍数。"
)
BANDS = typer.Option(10, "--bands", min=2, help="Score bands. 分数段数。")
DRAW_SEED = typer.Option(42, "--seed", help="Seed of the parcelling draws. 随机种子。")
INFERRED = typer.Option(
    None, "--inferred", help="Write the rejects with PD and inferred outcome. 输出推断结果。"
)
REPLACE = typer.Option(False, "--force", help="Replace an existing model folder. 覆盖。")
TIME_COL = typer.Option(..., "--time-col", help="Application or observation time. 时间列。")
CUT = typer.Option(..., "--cut", help="Fit before this date (or number), test from it on. 切分点。")
PERIOD = typer.Option("M", "--period", help="Report the test sample by M, Q, W, D or Y. 分期。")


@app.command("reject-inference")
def reject_inference(
    accepted: Path = ACCEPTED,
    rejected: Path = REJECTED,
    target: str = TARGET,
    bad: str = BAD,
    model: ModelKind = KIND,
    out: Path = OUT_DIR,
    method: str = METHOD,
    uplift: float = UPLIFT,
    bands: int = BANDS,
    seed: int = DRAW_SEED,
    inferred: Path | None = INFERRED,
    drop: list[str] = DROP,
    min_per_class: int = MIN_PER_CLASS,
    force: bool = REPLACE,
    time_budget: float = TIME_BUDGET,
) -> None:
    """Infer rejected applicants' outcomes and refit on all applicants. 拒绝推断并重新训练。"""
    import numpy as np
    import pandas as pd

    from fairdebt.risk import save_model
    from fairdebt.risk.card import make_card
    from fairdebt.risk.rejects import METHODS, infer_rejects
    from fairdebt.risk.validation import evaluate

    if method not in METHODS:
        raise InputError(f"must be one of {', '.join(METHODS)} (got {method!r})", field="--method")
    if (out / "manifest.json").exists() and not force:
        raise InputError(
            "a model is already saved here; pass --force to replace it / 已有模型，覆盖请加"
            " --force",
            record=str(out),
        )
    X, y = _labelled(accepted, target, bad)
    _enough(y, min_per_class, target)
    _warn_text_in_numbers(X, accepted)
    rejects = read_frame(rejected)
    rejects.columns = [str(c) for c in rejects.columns]
    rejects = rejects.drop(columns=[target], errors="ignore")
    estimator = _make_model(model, drop, time_budget)
    with _plain_errors(), _stderr().status("reject inference 拒绝推断中…"):
        found = infer_rejects(
            estimator,
            X,
            y,
            rejects,
            method=method,
            bands=bands,
            uplift=uplift,
            random_state=seed,
        )
        X_all = pd.concat([X, rejects[list(X.columns)]], ignore_index=True)
        y_all = np.r_[y, found.y_rejected]
        metrics = evaluate(found.model, X_all, y_all)
    card = make_card(
        found.model,
        X=X_all,
        y=y_all,
        data_path=accepted,
        target=target,
        bad=bad,
        metrics=metrics,
        created_at=datetime.now(UTC),
    )
    card["reject_inference"] = {**found.summary, "rejected_path": str(rejected)}
    save_model(found.model, out, card)
    if inferred is not None:
        written = rejects.assign(pd=found.pd_rejected, inferred_bad=found.y_rejected)
        write_frame(written, inferred)
    typer.echo(
        f"inferred {found.summary['n_rejected']} rejects ({method}), refitted {model.value} "
        f"on {len(y_all)} rows; saved to {out} / 拒绝推断完成，模型已保存"
    )
    _print_json(
        {
            "model": model.value,
            **found.summary,
            "bands": found.bands.to_dict(orient="records"),
            "out": str(out),
        }
    )


@app.command()
def oot(
    data: Path = DATA,
    target: str = TARGET,
    bad: str = BAD,
    model: ModelKind = KIND,
    time_col: str = TIME_COL,
    cut: str = CUT,
    period: str = PERIOD,
    drop: list[str] = DROP,
    min_per_class: int = MIN_PER_CLASS,
    time_budget: float = TIME_BUDGET,
) -> None:
    """Out-of-time validation with PSI/CSI drift (JSON). 跨时间验证（含 PSI/CSI 漂移）。"""
    from fairdebt.risk.oot import out_of_time

    if period not in ("M", "Q", "W", "D", "Y"):
        raise InputError(f"must be M, Q, W, D or Y (got {period!r})", field="--period")
    X, y = _labelled(data, target, bad)
    if time_col not in X.columns:
        raise InputError(f"no such column in {data}", field=time_col)
    times = X[time_col]
    X = X.drop(columns=[time_col])
    _warn_text_in_numbers(X, data)
    estimator = _make_model(model, drop, time_budget)
    with _plain_errors(), _stderr().status("out-of-time validation 跨时间验证中…"):
        result = out_of_time(
            estimator, X, y, times, cut=cut, period=period, min_per_class=min_per_class
        )
    result.pop("model")
    _print_json({"model": model.value, "time_col": time_col, **result})
