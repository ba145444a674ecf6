"""``fairdebt load`` and ``fairdebt ledger ...``: loan tapes in, and the ledger verbs by hand.

``load`` checks a whole tape first and writes it only if every row is good, in one transaction
(docs/decisions/loan-tapes.md); otherwise it prints every bad row by file, line and field,
writes them to ``rejects.csv`` when ``--rejects DIR`` is given, and exits 1 having written
nothing. A record a ledger verb refuses only at write time is located the same way: the load is
rolled back and retried without it (and what depends on it), so that every such record is
reported, not just the first. ``ledger post-payment``, ``ledger reverse-payment``, ``ledger
accrue`` and ``ledger end-of-day`` run single verbs, for operations staff and scripts; a date
more than a day in the future is refused unless ``--allow-future`` (docs/decisions/cli-errors.md).
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
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from fairdebt.cli import ExitCode
from fairdebt.cli.db import DatabaseOption, open_database
from fairdebt.cli.guards import (
    AllowFutureOption,
    actor_option,
    read_date,
    refuse_future,
    today,
)
from fairdebt.db import make_session
from fairdebt.errors import FairdebtError, InputError
from fairdebt.money import parse_amount

if TYPE_CHECKING:
    from fairdebt.ledger.tapes import LoadSummary, RowProblem, Tape

__all__ = ["app", "mount"]

app = typer.Typer(help="Ledger verbs by hand. 账务操作。", no_args_is_help=True)

ActorOption = actor_option("cli", "Who is acting, for the audit log. 操作人。")
SHOWN = 50
# Write-time refusals the load retries past to find the others; past this it stops looking.
RETRIES = 50


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
EncodingOption = typer.Option(
    None,
    "--encoding",
    help="Text encoding of the CSV files (default: detected; UTF-8 with or without BOM, "
    "GB18030/GBK, UTF-16). 文件编码（默认自动识别）。",
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _id(value: str, field: str) -> str:
    """An id from the command line: not empty, no surrounding blanks."""
    text = value.strip()
    if not text:
        raise InputError("must not be empty  不能为空", field=field)
    return text


def _amount(raw: str, record: str) -> Decimal:
    from fairdebt.settings import Settings

    try:
        return parse_amount(raw, record=record, max_amount=Settings().max_amount)
    except ArithmeticError:  # a number too large to hold in cents, such as 1e999
        raise InputError(
            f"must be an amount in yuan (got {raw[:40]!r})", record=record, field="amount"
        ) from None


def _print_problems(console: Console, problems: list[RowProblem]) -> None:
    table = Table(title="Bad rows 错误行", show_lines=False)
    for column in ("file 文件", "line 行", "field 字段"):
        table.add_column(column, overflow="fold")
    table.add_column("problem 问题", overflow="fold", ratio=1)
    for problem in problems[:SHOWN]:
        table.add_row(
            escape(problem.file),
            str(problem.line),
            escape(problem.field),
            escape(problem.message),
        )
    console.print(table)
    if len(problems) > SHOWN:
        console.print(f"... and {len(problems) - SHOWN} more  另有 {len(problems) - SHOWN} 行")


def _rejects_folder(directory: Path) -> Path:
    """The rejects folder, made and checked writable before any work is done."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / ".fairdebt-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        raise InputError(
            f"cannot write to {directory} ({error.strerror}); choose another folder",
            field="--rejects",
        ) from None
    return directory


def _write_rejects(directory: Path, problems: list[RowProblem]) -> Path:
    path = directory / "rejects.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "field", "problem"])
        for p in problems:
            writer.writerow([p.file, p.line, p.field, p.message])
    return path


def _write(
    session: Session, tape: Tape, *, actor: str, at: dt.datetime, progress: Progress
) -> tuple[LoadSummary | None, list[RowProblem]]:
    """Load the tape in one transaction; on a verb's refusal, roll back and try again without
    that record, so that every refused record is found. Commits only if none was refused."""
    from fairdebt.ledger.tapes import load_tape, locate

    task = progress.add_task("loading", total=None)

    def step(name: str) -> None:
        progress.update(task, description=f"loading {name}  导入中")

    problems: list[RowProblem] = []
    for _ in range(RETRIES):
        transaction = session.begin()
        try:
            summary = load_tape(session, tape=tape, actor=actor, at=at, step=step)
        except FairdebtError as error:
            transaction.rollback()
            problem, key = locate(tape, error)
            problems.append(problem)
            if key is None:
                break
            tape = tape.without(*key)
            continue
        if problems:
            transaction.rollback()
            return None, problems
        transaction.commit()
        return summary, []
    return None, problems


def load_command(
    database: str | None = DatabaseOption,
    products: Path | None = ProductsOption,
    borrowers: Path | None = BorrowersOption,
    loans: Path | None = LoansOption,
    schedules: Path | None = SchedulesOption,
    payments: Path | None = PaymentsOption,
    rejects: Path | None = RejectsOption,
    encoding: str | None = EncodingOption,
    allow_future: bool = AllowFutureOption,
    actor: str = ActorOption,
) -> None:
    """Load a lender's loan tape, all or nothing. 导入贷款数据（全部成功或全部不导入）。"""
    from fairdebt.ledger.tapes import LAST_DATE, check_tape

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
    folder = None if rejects is None else _rejects_folder(rejects)
    latest = LAST_DATE if allow_future else today() + dt.timedelta(days=1)
    console = Console()
    with make_session(open_database(database)) as session:
        with console.status("checking the tape  校验数据…"):
            tape, problems = check_tape(session, given, latest=latest, encoding=encoding)
        session.rollback()
        summary = None
        if not problems:
            columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
            with Progress(*columns, console=console, transient=True) as progress:
                summary, problems = _write(session, tape, actor=actor, at=_now(), progress=progress)
    if summary is None:
        problems = sorted(problems, key=lambda p: (p.file, p.line))
        _print_problems(console, problems)
        if folder is not None:
            where = _write_rejects(folder, problems)
            console.print(f"bad rows written to {escape(str(where))}  错误行已写入")
        console.print(
            f"[bold red]load refused:[/] {len(problems)} bad row(s); nothing was loaded  "
            "导入被拒绝，未写入任何数据",
            highlight=False,
        )
        raise typer.Exit(ExitCode.REFUSED)
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
    allow_future: bool = AllowFutureOption,
) -> None:
    """Post one payment (idempotent on its id). 入账一笔还款。"""
    from fairdebt.ledger.payments import PaymentIn, post_payment

    external_id = _id(external_id, "EXTERNAL_ID")
    loan = _id(loan, "loan")
    day = read_date(paid_on, "paid_on")
    refuse_future(day, "paid_on", today=today(), allow_future=allow_future)
    booked_on = today()
    payment = PaymentIn(
        external_id, loan, _amount(amount, f"payment {external_id}"), day, booked_on=booked_on
    )
    engine = open_database(database)
    with make_session(engine) as session, session.begin():
        result = post_payment(session, payment=payment, actor=actor, at=_now())
    if result.replayed_from is not None:
        rerun = rerun_cycle(engine, from_on=result.replayed_from, actor=actor, at=_now())
        Console().print(
            f"value date {day} is behind the ledger: loan {escape(loan)} replayed from "
            f"{result.replayed_from}{rerun}  起息日早于已处理日期，已从该日重算"
        )
    if result.was_duplicate:
        Console().print(
            f"payment {escape(external_id)} was already posted; nothing done  重复还款，已忽略"
        )
        return
    Console().print(
        f"posted {escape(external_id)}: allocated {result.allocated_amount}, prepaid "
        f"{result.prepaid_amount}, credit {result.credit_amount}  已入账"
    )


@app.command("payoff-quote")
def payoff_quote_command(
    loan: str = typer.Option(..., "--loan", help="Loan external id. 借据号。"),
    date: str = typer.Option(..., "--date", help="Payoff date, YYYY-MM-DD. 结清日。"),
    database: str | None = DatabaseOption,
) -> None:
    """What paying a loan off on a date costs. 提前结清试算。

    Interest to the payoff date only (the current period pro rata by days), plus the
    product's prepayment fee within the legal cost cap. The last line is one JSON object,
    amounts as decimal strings.
    """
    from fairdebt.ledger.prepayments import payoff_quote

    day = read_date(date, "--date")
    with make_session(open_database(database)) as session:
        quote = payoff_quote(session, loan_external_id=_id(loan, "loan"), on=day)
    figures = quote.as_json()
    table = Table(title=f"loan {escape(quote.loan)} · payoff on {day} 提前结清")
    table.add_column("part 项目")
    table.add_column("¥", justify="right")
    for label, key in (
        ("due by the date 已到期应还", "overdue"),
        ("principal not yet due 未到期本金", "principal"),
        ("interest to the date 利息（按日计）", "interest"),
        ("fee to the date 费用（按日计）", "fee"),
        ("prepayment fee 提前还款手续费", "prepayment_fee"),
        ("total 合计", "total"),
    ):
        table.add_row(label, figures[key])
    Console().print(table)
    typer.echo(json.dumps(figures, ensure_ascii=False))


@app.command("prepay")
def prepay_command(
    external_id: str = typer.Argument(..., help="The lender's payment id. 还款流水号。"),
    loan: str = typer.Option(..., "--loan", help="Loan external id. 借据号。"),
    amount: str = typer.Option(..., "--amount", help="Amount paid. 金额。"),
    paid_on: str = typer.Option(..., "--paid-on", help="YYYY-MM-DD"),
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
    allow_future: bool = AllowFutureOption,
) -> None:
    """Post a prepayment: a full payoff, or a partial one as the product says. 提前还款。

    An amount covering ``payoff-quote`` pays the loan off; less reschedules the rest
    (``lower_instalment`` or ``shorten_term``, per product). The last line is one JSON object.
    """
    from fairdebt.ledger.payments import PaymentIn
    from fairdebt.ledger.prepayments import prepay

    external_id = _id(external_id, "EXTERNAL_ID")
    loan = _id(loan, "loan")
    day = read_date(paid_on, "paid_on")
    refuse_future(day, "paid_on", today=today(), allow_future=allow_future)
    payment = PaymentIn(external_id, loan, _amount(amount, f"payment {external_id}"), day)
    with make_session(open_database(database)) as session, session.begin():
        result = prepay(session, payment=payment, actor=actor, at=_now())
    posted = result.payment
    Console().print(
        f"{result.kind} prepayment {escape(external_id)}: principal {result.principal_amount}, "
        f"prepayment fee {result.prepayment_fee_amount}, dues left {result.dues_left}  已提前还款"
    )
    figures = {
        "payment": external_id,
        "kind": result.kind,
        "mode": result.mode,
        "principal": str(result.principal_amount),
        "prepayment_fee": str(result.prepayment_fee_amount),
        "dues_left": result.dues_left,
        "allocated": str(posted.allocated_amount),
        "credit": str(posted.credit_amount),
        "was_duplicate": posted.was_duplicate,
    }
    typer.echo(json.dumps(figures, ensure_ascii=False))


@app.command("reverse-payment")
def reverse_payment_command(
    external_id: str = typer.Argument(..., help="The lender's payment id. 还款流水号。"),
    reversed_on: str = typer.Option(..., "--on", help="YYYY-MM-DD"),
    reason: str = typer.Option(..., "--reason", help="Why. 原因。"),
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
    allow_future: bool = AllowFutureOption,
) -> None:
    """Reverse a posted payment. 冲正一笔还款。"""
    from fairdebt.ledger.reversal import reverse_payment

    external_id = _id(external_id, "EXTERNAL_ID")
    reason = _id(reason, "reason")
    day = read_date(reversed_on, "on")
    refuse_future(day, "on", today=today(), allow_future=allow_future)
    with make_session(open_database(database)) as session, session.begin():
        reverse_payment(
            session,
            external_id=external_id,
            reversed_on=day,
            reason=reason,
            actor=actor,
            at=_now(),
        )
    Console().print(f"reversed {escape(external_id)}  已冲正")


@app.command("accrue")
def accrue_command(
    date: str = typer.Option(..., "--date", help="Business date, YYYY-MM-DD. 营业日。"),
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
    allow_future: bool = AllowFutureOption,
) -> None:
    """Accrue the day's penalties, within the legal cap. 计提当日罚息。"""
    from fairdebt.ledger.accruals import accrue_penalties

    day = read_date(date, "date")
    refuse_future(day, "date", today=today(), allow_future=allow_future)
    with make_session(open_database(database)) as session, session.begin():
        rows = accrue_penalties(session, business_date=day, actor=actor, at=_now())
    Console().print(f"{rows} penalty accruals written for {day}  罚息计提完成")


@app.command("end-of-day")
def end_of_day_command(
    date: str = typer.Option(..., "--date", help="Business date, YYYY-MM-DD. 营业日。"),
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
    allow_future: bool = AllowFutureOption,
) -> None:
    """The ledger's close of a business date, in one transaction. 账务日终。

    In order: held credits pay what has fallen due, repayment plans are checked (completed when
    paid, breached past the plan policy's grace period), the day's penalties accrue (after
    credits, so a borrower with money on account is not charged), loans at charge-off dpd are
    charged off, and promises to pay are settled. Run it before ``fairdebt cycle run`` for the
    same date. A date more than a day after today is refused unless ``--allow-future``.
    """
    from fairdebt.ledger.accruals import accrue_penalties
    from fairdebt.ledger.chargeoffs import charge_off_due
    from fairdebt.ledger.credits import apply_credits
    from fairdebt.ledger.plan_offers import check_plans, load_plan_policy
    from fairdebt.ledger.promises import settle_promises

    day = read_date(date, "date")
    grace = load_plan_policy().grace_days
    refuse_future(day, "date", today=today(), allow_future=allow_future)
    at = _now()
    with make_session(open_database(database)) as session, session.begin():
        counts = {
            "credits applied 溢缴款冲抵": apply_credits(
                session, business_date=day, actor=actor, at=at
            ),
            "plans ended 还款计划结束": check_plans(
                session, business_date=day, grace_days=grace, actor=actor, at=at
            ).count,
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


@app.command("recoveries")
def recoveries_command(
    date_from: str | None = typer.Option(None, "--from", help="From YYYY-MM-DD. 起始日。"),
    date_to: str | None = typer.Option(None, "--to", help="To YYYY-MM-DD. 截止日。"),
    loan: str | None = typer.Option(None, "--loan", help="One loan's external id. 借据号。"),
    database: str | None = DatabaseOption,
) -> None:
    """Money received on charged-off loans, listed and summed. 核销后回收。

    Each recovery's own allocation over what was written off (principal first); reversed ones
    are left out. The last line is one JSON object of totals, amounts as decimal strings.
    """
    from fairdebt.ledger.recoveries import recoveries_report

    start = None if date_from is None else read_date(date_from, "--from")
    end = None if date_to is None else read_date(date_to, "--to")
    with make_session(open_database(database)) as session:
        lines, totals = recoveries_report(session, from_on=start, to_on=end, loan_external_id=loan)
    table = Table(title="recoveries 核销后回收")
    for column in ("loan 借据", "date 日期", "amount 金额", "principal 本金", "interest 利息"):
        table.add_column(column, justify="left" if column.startswith(("loan", "date")) else "right")
    for line in lines[:SHOWN]:
        table.add_row(
            escape(line.loan),
            str(line.recovered_on),
            str(line.amount),
            str(line.principal_amount),
            str(line.interest_amount),
        )
    console = Console()
    console.print(table)
    if len(lines) > SHOWN:
        console.print(f"... and {len(lines) - SHOWN} more  另有 {len(lines) - SHOWN} 笔")
    typer.echo(json.dumps(totals, ensure_ascii=False))


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
    from fairdebt.cli.db import open_database
    from fairdebt.db import make_session
    from fairdebt.ledger.costs import loan_cost

    day = today() if date is None else read_date(date, "--date")
    engine = open_database(database)
    with make_session(engine) as session:
        figures = loan_cost(session, external_id=loan, business_date=day)
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


@app.command("trial-balance")
def trial_balance_command(
    date: str = typer.Option(..., "--date", help="As of YYYY-MM-DD. 截止日。"),
    database: str | None = DatabaseOption,
) -> None:
    """The general ledger's trial balance on a date. 试算平衡表。

    Every account's balance from the lines posted on or before the date, on its normal side
    (a receivable and an income both read positive). The last line is one JSON object:
    ``date``, ``debits``, ``credits`` and ``accounts`` (name: balance), amounts as decimal
    strings.
    """
    from fairdebt.ledger.accounts import ACCOUNTS
    from fairdebt.ledger.balances import trial_balance

    day = read_date(date, "--date")
    with make_session(open_database(database)) as session:
        figures = trial_balance(session, on=day)
    names = {account.name: f"{account.name} {account.name_zh}" for account in ACCOUNTS}
    table = Table(title=f"trial balance {day} 试算平衡")
    table.add_column("account 科目")
    table.add_column("balance 余额 ¥", justify="right")
    for name, balance in figures["accounts"].items():
        table.add_row(names.get(name, name), balance)
    table.add_row("debits 借方合计", figures["debits"])
    table.add_row("credits 贷方合计", figures["credits"])
    Console().print(table)
    typer.echo(json.dumps(figures, ensure_ascii=False))


@app.command("check")
def check_command(
    date: str | None = typer.Option(
        None, "--date", help="As of YYYY-MM-DD; default: the ledger now. 核对日。"
    ),
    database: str | None = DatabaseOption,
) -> None:
    """Hold the general ledger against the instalments. 总账与分户账核对。

    Every loan's receivables (principal, interest, fee, penalty) must equal its open
    instalment components (none on a charged-off loan), and debits must equal credits in
    every entry. Exits 1 naming the loans that differ. The last line is one JSON object.
    """
    from fairdebt.ledger.balances import check

    day = None if date is None else read_date(date, "--date")
    with make_session(open_database(database)) as session:
        result = check(session, on=day)
    figures = result.as_json()
    console = Console()
    if result.is_ok:
        console.print(
            f"ledger holds: {result.loans} loans, debits {result.debits} = credits "
            f"{result.credits}  总账与分户账一致"
        )
    else:
        table = Table(title="differences 不一致")
        for column in ("loan 借据", "component 成分", "journal 总账", "open 分户账"):
            table.add_column(
                column, justify="left" if column.startswith(("loan", "comp")) else "right"
            )
        for difference in result.differences[:SHOWN]:
            table.add_row(
                escape(difference.loan),
                difference.component,
                str(difference.journal_amount),
                str(difference.open_amount),
            )
        console.print(table)
        for entry in result.unbalanced[:SHOWN]:
            console.print(
                f"unbalanced entry 借贷不平: {entry['kind']} {entry['source_id']} "
                f"{entry['posted_on']} net {entry['net']}"
            )
    typer.echo(json.dumps(figures, ensure_ascii=False))
    if not result.is_ok:
        raise typer.Exit(ExitCode.REFUSED)


def rerun_cycle(engine: Any, *, from_on: dt.date, actor: str, at: dt.datetime) -> str:
    """Close again the cycle's dates from ``from_on`` that were already closed (after a replay);
    says which, for the message."""
    from sqlalchemy import func, select

    from fairdebt import cycle
    from fairdebt.models import CycleRun

    with make_session(engine) as session:
        first = session.scalar(
            select(func.min(CycleRun.business_date)).where(CycleRun.business_date >= from_on)
        )
        last = cycle.last_run_date(engine)
    if first is None or last is None:
        return ""
    start = first if isinstance(first, dt.date) else dt.date.fromisoformat(str(first))
    cycle.run_range(engine, start=start, end=last, rerun=True, actor=actor, at=at)
    return f"; cycle dates {start}..{last} closed again"


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt load`` and ``fairdebt ledger ...`` on the root command."""
    root.command("load")(load_command)
    root.add_typer(app, name="ledger")
