"""``fairdebt load`` and ``fairdebt ledger ...``: loan tapes in, and the ledger verbs by hand.

``load`` checks a whole tape first and writes it only if every row is good, in one transaction
(docs/decisions/loan-tapes.md); otherwise it prints every bad row by file, line and field,
writes them to ``rejects.csv`` when ``--rejects DIR`` is given, and exits 2 having written
nothing. ``ledger post-payment``, ``ledger reverse-payment`` and ``ledger accrue`` run single
verbs, for operations staff and scripts.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from fairdebt.db import make_engine, make_session
from fairdebt.errors import InputError
from fairdebt.money import parse_amount
from fairdebt.settings import Settings

if TYPE_CHECKING:
    from fairdebt.ledger.tapes import RowProblem

__all__ = ["app", "mount"]

app = typer.Typer(help="Ledger verbs by hand. 账务操作。", no_args_is_help=True)

DatabaseOption = typer.Option(
    None, "--database", help="SQLAlchemy URL; default FAIRDEBT_DATABASE_URL. 数据库地址。"
)
ActorOption = typer.Option("cli", "--actor", help="Who is acting, for the audit log. 操作人。")
SHOWN = 50


def _file(help_text: str) -> Any:
    return typer.Option(None, exists=True, dir_okay=False, readable=True, help=help_text)


ProductsOption = _file("Products file (CSV or Parquet). 产品文件。")
BorrowersOption = _file("Borrowers file. 借款人文件。")
LoansOption = _file("Loans file. 借款文件。")
SchedulesOption = _file("Schedules file (optional; else built). 还款计划文件。")
PaymentsOption = _file("Payments file. 还款流水文件。")
RejectsOption = typer.Option(
    None, file_okay=False, help="Write every bad row to DIR/rejects.csv. 错误行输出目录。"
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _print_problems(console: Console, problems: list[RowProblem]) -> None:
    table = Table(title="Bad rows 错误行", show_lines=False)
    for column in ("file 文件", "line 行", "field 字段", "problem 问题"):
        table.add_column(column)
    for problem in problems[:SHOWN]:
        table.add_row(problem.file, str(problem.line), problem.field, problem.message)
    console.print(table)
    if len(problems) > SHOWN:
        console.print(f"... and {len(problems) - SHOWN} more  另有 {len(problems) - SHOWN} 行")


def _write_rejects(directory: Path, problems: list[RowProblem]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "rejects.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "field", "problem"])
        for p in problems:
            writer.writerow([p.file, p.line, p.field, p.message])
    return path


def load_command(
    database: str | None = DatabaseOption,
    products: Path | None = ProductsOption,
    borrowers: Path | None = BorrowersOption,
    loans: Path | None = LoansOption,
    schedules: Path | None = SchedulesOption,
    payments: Path | None = PaymentsOption,
    rejects: Path | None = RejectsOption,
    actor: str = ActorOption,
) -> None:
    """Load a lender's loan tape, all or nothing. 导入贷款数据（全部成功或全部不导入）。"""
    from fairdebt.ledger.tapes import check_tape, load_tape

    given = {
        kind: path
        for kind, path in {
            "products": products,
            "borrowers": borrowers,
            "loans": loans,
            "schedules": schedules,
            "payments": payments,
        }.items()
        if path is not None
    }
    if not given:
        raise InputError("give at least one file to load  请至少提供一个文件", field="files")
    console = Console()
    url = database or Settings().database_url
    with make_session(make_engine(url)) as session:
        with console.status("checking the tape  校验数据…"):
            tape, problems = check_tape(session, given)
        session.rollback()
        if problems:
            problems = sorted(problems, key=lambda p: (p.file, p.line))
            _print_problems(console, problems)
            if rejects is not None:
                where = _write_rejects(rejects, problems)
                console.print(f"bad rows written to {where}  错误行已写入")
            console.print(
                f"[bold red]load refused:[/] {len(problems)} bad row(s); nothing was loaded  "
                "导入被拒绝，未写入任何数据",
                highlight=False,
            )
            raise typer.Exit(2)
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("loading", total=None)

            def step(name: str) -> None:
                progress.update(task, description=f"loading {name}  导入中")

            with session.begin():
                summary = load_tape(session, tape=tape, actor=actor, at=_now(), step=step)
    console.print(
        f"loaded {summary.products} products, {summary.borrowers} borrowers, {summary.loans} "
        f"loans, {summary.payments} payments ({summary.duplicate_payments} duplicates ignored)  "
        "导入完成"
    )


@app.command("post-payment")
def post_payment_command(
    external_id: str = typer.Argument(..., help="The lender's payment id. 还款流水号。"),
    loan: str = typer.Option(..., "--loan", help="Loan external id. 借据号。"),
    amount: str = typer.Option(..., "--amount", help="Amount paid. 金额。"),
    paid_on: str = typer.Option(..., "--paid-on", help="YYYY-MM-DD"),
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Post one payment (idempotent on its id). 入账一笔还款。"""
    from fairdebt.ledger.payments import PaymentIn, post_payment

    try:
        day = dt.date.fromisoformat(paid_on)
    except ValueError:
        raise InputError(f"must be YYYY-MM-DD (got {paid_on!r})", field="paid_on") from None
    payment = PaymentIn(
        external_id, loan, parse_amount(amount, record=f"payment {external_id}"), day
    )
    engine = make_engine(database or Settings().database_url)
    with make_session(engine) as session, session.begin():
        result = post_payment(session, payment=payment, actor=actor, at=_now())
    if result.was_duplicate:
        Console().print(f"payment {external_id} was already posted; nothing done  重复还款，已忽略")
        return
    Console().print(
        f"posted {external_id}: allocated {result.allocated_amount}, prepaid "
        f"{result.prepaid_amount}, credit {result.credit_amount}  已入账"
    )


@app.command("reverse-payment")
def reverse_payment_command(
    external_id: str = typer.Argument(..., help="The lender's payment id. 还款流水号。"),
    reversed_on: str = typer.Option(..., "--on", help="YYYY-MM-DD"),
    reason: str = typer.Option(..., "--reason", help="Why. 原因。"),
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Reverse a posted payment. 冲正一笔还款。"""
    from fairdebt.ledger.payments import reverse_payment

    try:
        day = dt.date.fromisoformat(reversed_on)
    except ValueError:
        raise InputError(f"must be YYYY-MM-DD (got {reversed_on!r})", field="on") from None
    engine = make_engine(database or Settings().database_url)
    with make_session(engine) as session, session.begin():
        reverse_payment(
            session,
            external_id=external_id,
            reversed_on=day,
            reason=reason,
            actor=actor,
            at=_now(),
        )
    Console().print(f"reversed {external_id}  已冲正")


@app.command("accrue")
def accrue_command(
    date: str = typer.Option(..., "--date", help="Business date, YYYY-MM-DD. 营业日。"),
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """Accrue the day's penalties, within the legal cap. 计提当日罚息。"""
    from fairdebt.ledger.accruals import accrue_penalties

    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise InputError(f"must be YYYY-MM-DD (got {date!r})", field="date") from None
    engine = make_engine(database or Settings().database_url)
    with make_session(engine) as session, session.begin():
        rows = accrue_penalties(session, business_date=day, actor=actor, at=_now())
    Console().print(f"{rows} penalty accruals written for {day}  罚息计提完成")


@app.command("end-of-day")
def end_of_day_command(
    date: str = typer.Option(..., "--date", help="Business date, YYYY-MM-DD. 营业日。"),
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
) -> None:
    """The ledger's close of a business date, in one transaction. 账务日终。

    In order: held credits pay what has fallen due, the day's penalties accrue (after credits,
    so a borrower with money on account is not charged), loans at charge-off dpd are charged off,
    and promises to pay are settled. Run it before ``fairdebt cycle run`` for the same date.
    """
    from fairdebt.ledger.accruals import accrue_penalties
    from fairdebt.ledger.loans import charge_off_due
    from fairdebt.ledger.payments import apply_credits
    from fairdebt.ledger.promises import settle_promises

    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise InputError(f"must be YYYY-MM-DD (got {date!r})", field="date") from None
    engine = make_engine(database or Settings().database_url)
    at = _now()
    with make_session(engine) as session, session.begin():
        counts = {
            "credits applied 溢缴款冲抵": apply_credits(
                session, business_date=day, actor=actor, at=at
            ),
            "penalty accruals 罚息计提": accrue_penalties(
                session, business_date=day, actor=actor, at=at
            ),
            "charged off 核销": charge_off_due(session, business_date=day, actor=actor, at=at),
            "promises settled 承诺结清": settle_promises(
                session, business_date=day, actor=actor, at=at
            ),
        }
    console = Console()
    for label, count in counts.items():
        console.print(f"{label}: {count}")


@app.command("cost")
def cost_command(
    loan: str = typer.Option(..., "--loan", help="Loan external id. 借据号。"),
    date: str | None = typer.Option(
        None, "--date", help="As of YYYY-MM-DD; default today (Beijing). 计算日。"
    ),
    database: str | None = DatabaseOption,
) -> None:
    """The loan's annualised cost by IRR against its legal cap. 综合年化成本（IRR）与上限。

    The last line is one JSON object: ``annual_rate`` (the running cost, 12 × monthly IRR, as a
    decimal string such as "0.1834"), ``cap``, ``contract_rate`` and ``room`` (money that may
    still be charged today).
    """
    from zoneinfo import ZoneInfo

    from fairdebt.ledger.costs import loan_cost

    if date is None:
        day = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    else:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(f"must be YYYY-MM-DD (got {date!r})", field="date") from None
    engine = make_engine(database or Settings().database_url)
    try:
        with make_session(engine) as session:
            figures = loan_cost(session, external_id=loan, business_date=day)
    finally:
        engine.dispose()
    table = Table(title=f"loan {loan} · {day} 综合年化成本 annualised cost (IRR)")
    table.add_column("figure 指标")
    table.add_column("value 数值", justify="right")
    rate = figures["annual_rate"]
    for label, value in (
        ("running cost 实际综合年化成本", "n/a" if rate is None else f"{Decimal(rate):.2%}"),
        ("contract cost 合同年化成本", f"{Decimal(figures['contract_rate']):.2%}"),
        ("legal cap 法定上限", f"{Decimal(figures['cap']):.2%}"),
        ("room today 尚可收取 (¥)", figures["room"]),
    ):
        table.add_row(label, value)
    Console().print(table)
    typer.echo(json.dumps(figures, ensure_ascii=False))


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt load`` and ``fairdebt ledger ...`` on the root command."""
    root.command("load")(load_command)
    root.add_typer(app, name="ledger")
