"""``fairdebt risk ...``: train, evaluate, cross-validate, score, report and monitor risk models.

``samples`` builds a collection-score development sample from the closed days of the ledger.

The command shapes are a contract that tests and other tools rely on (issue 3, section 7).
Files may be CSV (UTF-8, GB18030/GBK or UTF-16, detected) or Parquet. Every error names the
column or file and what was wrong, and becomes one red line with exit status 2: a target with
values other than the bad one and one good one, fewer than ``--min-per-class`` rows of either
class, an existing model folder without ``--force``, a damaged model folder. A column that is
mostly numbers but holds some text gets a warning (it would be read as a category). JSON output
says ``null`` where a metric cannot be computed, never ``NaN``.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from fairdebt.errors import FairdebtError, InputError

__all__ = ["app", "mount", "read_frame", "write_frame"]

app = typer.Typer(
    help="Risk models: scorecards and GBMs. 风险模型：评分卡与梯度提升模型。", no_args_is_help=True
)


class ModelKind(StrEnum):
    """The model kinds ``train`` and ``cv`` can fit."""

    scorecard = "scorecard"
    gbm = "gbm"
    ensemble = "ensemble"


DATA = typer.Option(..., "--data", help="CSV or Parquet file. 数据文件（CSV 或 Parquet）。")
TARGET = typer.Option(..., "--target", help="Target column. 目标列。")
BAD = typer.Option(..., "--bad", help="Target value meaning bad. 代表坏客户的目标值。")
MODEL_DIR = typer.Option(..., "--model", help="Saved model folder. 已保存的模型目录。")
KIND = typer.Option(..., "--model", help="scorecard, gbm or ensemble. 模型类型。")
OUT_DIR = typer.Option(..., "--out", help="Folder for the model. 模型输出目录。")
OUT_FILE = typer.Option(..., "--out", help="Output CSV or Parquet. 输出文件。")
OUT_HTML = typer.Option(..., "--out", help="Report HTML file. 报告文件（HTML）。")
FOLDS = typer.Option(5, "--folds", min=2, help="Number of folds. 折数。")
SEED = typer.Option(42, "--seed", help="Shuffle seed. 随机种子。")
EXPECTED = typer.Option(..., "--expected", help="Reference sample. 基准样本。")
ACTUAL = typer.Option(..., "--actual", help="Recent sample. 近期样本。")
AS_OF = typer.Option(..., "--as-of", help="Closed observation date (repeatable). 观察日。")
DROP = typer.Option([], "--drop", help="Column not to use (repeatable). 不使用的列（可重复）。")
MIN_PER_CLASS = typer.Option(
    10, "--min-per-class", min=1, help="Fewest rows of each class to fit on. 每类最少样本数。"
)
FORCE = typer.Option(False, "--force", help="Replace an existing model folder. 覆盖已有模型。")
TIME_BUDGET = typer.Option(
    300.0,
    "--time-budget",
    min=0.0,
    help="Ensemble only: seconds per fit (per fold in cv). 集成模型每次拟合的时间预算（秒）。",
)


def read_frame(path: str | Path) -> Any:
    """Read a CSV or Parquet file into a DataFrame; a missing, empty or unreadable file is an
    InputError naming it. CSV text is decoded as :mod:`fairdebt.ledger.tapes.sheets` detects."""
    import pandas as pd

    from fairdebt.ledger.tapes.sheets import PARQUET_MARK, FileProblem, decode_text

    file = Path(path)
    if not file.is_file():
        raise InputError("no such file / 文件不存在", record=str(file))
    try:
        with file.open("rb") as handle:
            head = handle.read(4)
        if head == PARQUET_MARK or file.suffix.lower() in (".parquet", ".pq"):
            frame = pd.read_parquet(file)
        else:
            text = decode_text(file.read_bytes(), file.name)
            if not text.strip():
                raise InputError("the file is empty / 文件为空", record=str(file))
            frame = pd.read_csv(io.StringIO(text), low_memory=False)
    except FileProblem as problem:
        raise InputError(problem.message, record=f"{file}, line {problem.line}") from None
    except (ValueError, OSError, TypeError) as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(f"cannot read it as CSV or Parquet ({detail})", record=str(file)) from None
    if frame.empty:
        raise InputError("the file has no rows / 文件没有数据行", record=str(file))
    return frame


def write_frame(frame: Any, path: str | Path) -> Path:
    """Write a DataFrame as Parquet (suffix ``.parquet``/``.pq``) or CSV (anything else)."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    if file.suffix.lower() in (".parquet", ".pq"):
        frame.to_parquet(file, index=False)
    else:
        frame.to_csv(file, index=False)
    return file


def _stderr() -> Console:
    """Where status and progress go, so that stdout keeps only the command's result."""
    return Console(stderr=True)


@contextmanager
def _plain_errors() -> Iterator[None]:
    """Turn a library's ValueError about the data into one clear InputError line."""
    try:
        yield
    except FairdebtError:
        raise
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(
            str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        ) from None


def _two_values(values: Any, bad: str, column: str) -> None:
    """Refuse a target with more than the bad value and one good value (a typo such as
    'Good' beside 'good' would otherwise be counted as good without a word)."""
    text = values.astype(str).str.strip()
    counts = text.value_counts()
    if len(counts) <= 2:
        return
    shown = ", ".join(f"{value!r} ×{count}" for value, count in counts.head(6).items())
    raise InputError(
        f"the target has {len(counts)} distinct values ({shown}); expected two, the bad value "
        f"{bad!r} and one good value: fix or drop the other rows / 目标列只能有两个取值",
        field=column,
    )


def _enough(y: Any, minimum: int, column: str) -> None:
    bad = int(y.sum())
    good = len(y) - bad
    if min(bad, good) < minimum:
        raise InputError(
            f"{bad} bad and {good} good rows; at least {minimum} of each are needed to fit a "
            f"model (--min-per-class) / 每类样本至少需要 {minimum} 行",
            field=column,
        )


def _warn_text_in_numbers(frame: Any, source: Path) -> None:
    """Warn about columns that are mostly numbers but hold some text: they would be read as
    categories, which is rarely what was meant (a 'n/a' typed into an income column)."""
    import pandas as pd

    for column in frame.columns:
        values = frame[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        present = values.dropna().astype(str).str.strip()
        present = present[present != ""]
        if present.empty:
            continue
        numbers = pd.to_numeric(present.str.replace(",", ""), errors="coerce")
        text = present[numbers.isna() & ~present.str.endswith("%")]
        if len(text) and len(text) * 2 < len(present):
            row = text.index[0]
            line = f" on line {row + 2}" if source.suffix.lower() not in (".parquet", ".pq") else ""
            _stderr().print(
                f"warning: column {column!r} is mostly numbers but holds text in {len(text)} "
                f"row(s) (e.g. {text.iloc[0][:40]!r}{line}); it will be read as a category. "
                f"列 {column!r} 含非数字文本",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )


def _labelled(data: Path, target: str, bad: str) -> tuple[Any, Any]:
    from fairdebt.risk.cleaning import make_target

    frame = read_frame(data)
    frame.columns = [str(c) for c in frame.columns]
    if target not in frame.columns:
        shown = ", ".join(map(str, list(frame.columns)[:5]))
        raise InputError(
            f"no such column in {data} ({len(frame.columns)} columns: {shown}, ...)",
            field=target,
        )
    y = make_target(frame[target], bad, column=target)
    _two_values(frame[target], bad, target)
    return frame.drop(columns=[target]), y


def _load(folder: Path) -> tuple[Any, dict[str, Any]]:
    """The model and its card, or one error saying the folder is damaged (not a traceback)."""
    from fairdebt.risk import load_card, load_model

    try:
        return load_model(folder), load_card(folder)
    except FairdebtError:
        raise
    except Exception as error:
        detail = str(error).strip().splitlines()[0][:160] if str(error).strip() else ""
        raise InputError(
            f"the model folder is damaged or not a fairdebt model ({type(error).__name__}"
            f"{': ' + detail if detail else ''}); retrain it or restore it from a copy "
            "/ 模型目录已损坏",
            record=str(folder),
        ) from None


def _finite(value: Any) -> Any:
    """JSON-ready: NaN and infinities become None (printed null), recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _finite(value.item())
    return value


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(_finite(value), allow_nan=False))


def _model_columns(model: Any, frame: Any, source: Path) -> Any:
    names = [str(c) for c in getattr(model, "feature_names_in_", frame.columns)]
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise InputError(
            f"the model needs columns absent from {source}: {missing[:10]}", field=missing[0]
        )
    return frame[names]


def _make_model(kind: ModelKind, drop: list[str], time_budget: float = 300.0) -> Any:
    from fairdebt.risk import EnsembleModel, GBMModel, Scorecard

    models = {
        ModelKind.scorecard: Scorecard,
        ModelKind.gbm: GBMModel,
        ModelKind.ensemble: EnsembleModel,
    }
    if kind == ModelKind.ensemble:
        return EnsembleModel(drop=tuple(drop), time_budget=time_budget)
    return models[kind](drop=tuple(drop))


@app.command()
def train(
    data: Path = DATA,
    target: str = TARGET,
    bad: str = BAD,
    model: ModelKind = KIND,
    out: Path = OUT_DIR,
    drop: list[str] = DROP,
    min_per_class: int = MIN_PER_CLASS,
    force: bool = FORCE,
    time_budget: float = TIME_BUDGET,
) -> None:
    """Fit a model, write its card and save it. 训练模型并保存（含模型卡）。"""
    from fairdebt.risk import save_model
    from fairdebt.risk.card import make_card
    from fairdebt.risk.validation import evaluate

    if (out / "manifest.json").exists() and not force:
        raise InputError(
            "a model is already saved here; pass --force to replace it / 已有模型，覆盖请加"
            " --force",
            record=str(out),
        )
    if out.exists() and not out.is_dir():
        raise InputError("is a file, not a folder for the model", record=str(out))
    X, y = _labelled(data, target, bad)
    _enough(y, min_per_class, target)
    _warn_text_in_numbers(X, data)
    estimator = _make_model(model, drop, time_budget)
    with _plain_errors(), _stderr().status(f"fitting {model.value} on {len(y):,} rows 训练中…"):
        estimator.fit(X, y)
        metrics = evaluate(estimator, X, y)
    card = make_card(
        estimator,
        X=X,
        y=y,
        data_path=data,
        target=target,
        bad=bad,
        metrics=metrics,
        created_at=datetime.now(UTC),
    )
    save_model(estimator, out, card)
    for note in estimator.notes_:
        typer.echo(f"note / 提示: {note}")
    auc = metrics.get("auc")
    shown = f"{auc:.4f}" if isinstance(auc, float) and math.isfinite(auc) else "n/a"
    typer.echo(
        f"trained {model.value} on {len(y)} rows, {len(estimator.features_)} features, "
        f"training AUC {shown}; saved to {out} / 模型已保存"
    )


@app.command()
def evaluate(
    model: Path = MODEL_DIR, data: Path = DATA, target: str = TARGET, bad: str = BAD
) -> None:
    """Print AUC, KS, Gini, Brier, ECE as one JSON object. 输出模型评估指标（JSON）。"""
    from fairdebt.risk.validation import evaluate as evaluate_model

    fitted, _ = _load(model)
    X, y = _labelled(data, target, bad)
    with _plain_errors():
        result = evaluate_model(fitted, _model_columns(fitted, X, data), y)
    _print_json(result)


@app.command()
def cv(
    data: Path = DATA,
    target: str = TARGET,
    bad: str = BAD,
    model: ModelKind = KIND,
    folds: int = FOLDS,
    seed: int = SEED,
    drop: list[str] = DROP,
    group: str | None = typer.Option(
        None, "--group", help="Keep each value's rows in one fold (e.g. loan_id). 分组列。"
    ),
    min_per_class: int = MIN_PER_CLASS,
    time_budget: float = TIME_BUDGET,
) -> None:
    """Stratified cross-validation: mean and std of AUC and KS (JSON). 分层交叉验证。"""
    from fairdebt.risk import cross_validate

    X, y = _labelled(data, target, bad)
    _enough(y, max(min_per_class, folds), target)
    _warn_text_in_numbers(X, data)
    if group is not None and group not in X.columns:
        raise InputError(f"no such column in {data} to group folds by", field=group)
    groups = None if group is None else X[group].to_numpy()
    # the bar goes to stderr and vanishes when done: stdout stays one JSON object
    bars = Progress(
        TextColumn("cross-validation 交叉验证"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_stderr(),
        transient=True,
    )
    with _plain_errors(), bars:
        task = bars.add_task("folds", total=folds)
        result = cross_validate(
            _make_model(model, drop, time_budget),
            X,
            y,
            folds=folds,
            seed=seed,
            groups=groups,
            progress=lambda done, _: bars.update(task, completed=done),
        )
    grouped = {} if group is None else {"group": group}
    _print_json({"model": model.value, **result, **grouped})


@app.command()
def score(
    model: Path = MODEL_DIR,
    data: Path = DATA,
    out: Path = OUT_FILE,
) -> None:
    """Write score, PD and the top 4 reason codes per row. 输出评分、违约概率与前 4 个原因码。"""
    import pandas as pd

    from fairdebt.risk import reason_codes

    fitted, _ = _load(model)
    frame = read_frame(data)
    frame.columns = [str(c) for c in frame.columns]
    X = _model_columns(fitted, frame, data)
    with _plain_errors():
        scores = fitted.decision_score(X)
        pd_bad = fitted.predict_proba(X)[:, 1]
        reasons = reason_codes(fitted, X, k=4)
    ids = [c for c in getattr(fitted.cleaner_, "id_columns_", []) if c in frame.columns]
    result = pd.concat(
        [
            frame[ids].reset_index(drop=True),
            pd.DataFrame({"score": scores, "pd": pd_bad}),
            reasons.reset_index(drop=True),
        ],
        axis=1,
    )
    write_frame(result, out)
    typer.echo(f"scored {len(result)} rows to {out} / 已评分")


@app.command()
def report(
    model: Path = MODEL_DIR,
    data: Path = DATA,
    target: str = TARGET,
    bad: str = BAD,
    out: Path = OUT_HTML,
) -> None:
    """Write the validation report (HTML). 生成模型验证报告（HTML）。"""
    from fairdebt.risk.report import write_validation_report

    fitted, card = _load(model)
    X, y = _labelled(data, target, bad)
    with _plain_errors():
        path = write_validation_report(fitted, _model_columns(fitted, X, data), y, out, card=card)
    typer.echo(f"wrote {path} / 已生成验证报告")


@app.command()
def monitor(
    model: Path = MODEL_DIR,
    expected: Path = EXPECTED,
    actual: Path = ACTUAL,
    out: Path = OUT_HTML,
) -> None:
    """Write the stability report: PSI of the score, CSI per feature. 生成稳定性监控报告。"""
    from fairdebt.risk.report import write_monitoring_report

    fitted, card = _load(model)
    X_expected = _model_columns(fitted, read_frame(expected), expected)
    X_actual = _model_columns(fitted, read_frame(actual), actual)
    with _plain_errors():
        path = write_monitoring_report(fitted, X_expected, X_actual, out, card=card)
    typer.echo(f"wrote {path} / 已生成监控报告")


@app.command()
def samples(
    as_of: list[str] = AS_OF,
    kind: str = typer.Option(..., "--kind", help="roll, cure or pay. 迁徙、自愈或还款。"),
    out: Path = OUT_FILE,
    horizon: int = typer.Option(
        30, "--horizon", min=1, max=3650, help="Days until the outcome. 表现期天数。"
    ),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb or native. 计算引擎。"),
    database: str | None = typer.Option(
        None, "--database", help="SQLAlchemy URL; default FAIRDEBT_DATABASE_URL"
    ),
) -> None:
    """Collection-score sample from closed days: late loans, features, outcome. 催收评分样本。"""
    from fairdebt.cli.db import open_database
    from fairdebt.cli.guards import read_date
    from fairdebt.cycle.samples import KINDS, TARGETS, collection_sample

    if kind not in KINDS:
        raise InputError(f"--kind must be one of {', '.join(KINDS)} (got {kind!r})", field="--kind")
    if engine not in ("duckdb", "native"):
        raise InputError(f"must be duckdb or native (got {engine!r})", field="--engine")
    dates = [read_date(value, "--as-of") for value in as_of]
    sql = open_database(database)
    # a bar per observation date on stderr, gone when done (the first step reads the ledger)
    bars = Progress(
        TextColumn(f"{kind} sample 样本"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_stderr(),
        transient=True,
    )
    with bars:
        task = bars.add_task("dates", total=len(set(dates)))
        frame = collection_sample(
            sql,
            as_of=dates,
            kind=kind,  # type: ignore[arg-type]
            horizon_days=horizon,
            compute=engine,
            progress=lambda done, _: bars.update(task, completed=done),
        )
    if frame.empty:
        raise InputError(
            "no loan was past due on these dates; nothing to write / 观察日无逾期贷款",
            field="--as-of",
        )
    target = TARGETS[kind]
    written = write_frame(frame, out)
    typer.echo(
        f"wrote {len(frame):,} rows to {written}: {target} rate {frame[target].mean():.1%} "
        f"over {horizon} days / 样本已写出"
    )
    typer.echo(
        f"train with / 训练: fairdebt risk train --data {written} --target {target} --bad 1 "
        "--model scorecard --out MODEL_DIR --drop loan_id --drop as_of"
    )
    typer.echo(
        f"validate with / 验证: fairdebt risk cv --data {written} --target {target} --bad 1 "
        "--model scorecard --drop loan_id --drop as_of --group loan_id"
    )


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt risk ...`` on the root command."""
    import fairdebt.cli.risk_populations  # noqa: F401  (adds reject-inference and oot to the group)

    root.add_typer(app, name="risk")
