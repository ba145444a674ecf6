"""``fairdebt load`` through the command line: a good tape loads whole, a bad one not at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.db import make_engine, make_session, upgrade
from fairdebt.models import AllocationLine, Installment, Loan, Payment

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def _tape(*kinds: str, folder: Path = DATA) -> list[str]:
    suffix = {"parquet": ".parquet"}.get(folder.name, ".csv")
    args: list[str] = []
    for kind in kinds:
        args += [f"--{kind}", str(folder / f"{kind}{suffix}")]
    return args


def _migrated(url: str) -> str:
    upgrade(make_engine(url))
    return url


def _count(url: str, model: type) -> int:
    with make_session(make_engine(url)) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


ALL = ("products", "borrowers", "loans", "schedules", "payments")


def test_a_good_tape_loads_whole_and_the_given_schedule_is_kept(sqlite_url: str) -> None:
    url = _migrated(sqlite_url)
    result = runner.invoke(app, ["load", "--database", url, *_tape(*ALL)])
    assert result.exit_code == 0, result.output
    assert "3 loans" in result.output and "4 payments" in result.output
    assert _count(url, Loan) == 3 and _count(url, Payment) == 4
    with make_session(make_engine(url)) as session:
        fees = session.scalars(
            select(Installment.fee_due).join(Loan).where(Loan.external_id == "L-003")
        ).all()
        assert [str(f) for f in fees] == ["2.40", "2.40"]
        assert session.scalar(select(func.sum(AllocationLine.amount))) == sum(
            session.scalars(select(Payment.amount))
        )
    again = runner.invoke(app, ["load", "--database", url, *_tape("payments")])
    assert again.exit_code == 0 and "4 duplicates ignored" in again.output


def test_a_parquet_tape_loads_like_csv(sqlite_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "parquet"
    folder.mkdir()
    for kind in ALL:
        pd.read_csv(DATA / f"{kind}.csv", dtype=str).to_parquet(folder / f"{kind}.parquet")
    url = _migrated(sqlite_url)
    result = runner.invoke(app, ["load", "--database", url, *_tape(*ALL, folder=folder)])
    assert result.exit_code == 0, result.output
    assert _count(url, Payment) == 4


def test_a_bad_tape_is_refused_whole_with_every_bad_row_named(
    sqlite_url: str, tmp_path: Path
) -> None:
    url = _migrated(sqlite_url)
    args = ["load", "--database", url, *_tape("products", "borrowers", "loans")]
    args += ["--payments", str(DATA / "bad_payments.csv"), "--rejects", str(tmp_path / "out")]
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 1  # rows refused
    assert "nothing was loaded" in result.output
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv")
    assert sorted(zip(rejects["line"], rejects["field"], strict=True)) == [
        (2, "amount"),
        (3, "loan_external_id"),
        (4, "amount"),
        (5, "paid_on"),
        (6, "external_id"),
    ]
    assert set(rejects["file"]) == {"bad_payments.csv"}
    assert _count(url, Loan) == 0  # the good loans file was not loaded either


def test_unknown_time_zones_and_bad_numbers_in_a_borrowers_file_are_named(
    sqlite_url: str, tmp_path: Path
) -> None:
    url = _migrated(sqlite_url)
    args = ["load", "--database", url, "--borrowers", str(DATA / "bad_borrowers.csv")]
    result = runner.invoke(app, [*args, "--rejects", str(tmp_path)], terminal_width=200)
    assert result.exit_code == 1
    rejects = pd.read_csv(tmp_path / "rejects.csv")
    assert list(zip(rejects["line"], rejects["field"], strict=True)) == [
        (3, "timezone"),
        (4, "birth_year"),
    ]
    assert "Asia/Beijing" in rejects["problem"][0]


def test_audit_verify_catches_an_entry_edited_after_ledger_activity(sqlite_url: str) -> None:
    url = _migrated(sqlite_url)
    assert runner.invoke(app, ["load", "--database", url, *_tape(*ALL)]).exit_code == 0
    assert runner.invoke(app, ["audit", "verify", "--database", url]).exit_code == 0
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE audit_entry SET data = replace(data, '1065.00', '1.00') "
                "WHERE action = 'payment.posted'"
            )
        )
    engine.dispose()
    result = runner.invoke(app, ["audit", "verify", "--database", url], terminal_width=200)
    assert result.exit_code == 1
    assert "payment.posted" in result.output and "edited" in result.output


def test_a_bad_amount_on_the_command_line_is_one_red_line_not_a_traceback(
    sqlite_url: str, tmp_path: Path
) -> None:
    url = _migrated(sqlite_url)
    result = subprocess.run(
        [
            *(sys.executable, "-m", "fairdebt", "ledger", "post-payment", "P-1", "--loan", "L-1"),
            *("--amount", "-3", "--paid-on", "2026-03-01", "--database", url),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "payment P-1, field amount" in result.stderr


def test_end_of_day_accrues_penalties_on_a_loaded_tape_and_the_chain_verifies(
    sqlite_url: str,
) -> None:
    url = _migrated(sqlite_url)
    assert runner.invoke(app, ["load", "--database", url, *_tape(*ALL)]).exit_code == 0
    # Months after the tape's last payment something is overdue, so penalties accrue.
    result = runner.invoke(app, ["ledger", "end-of-day", "--database", url, "--date", "2026-06-15"])
    assert result.exit_code == 0, result.output
    accrued = int(result.output.split("penalty accruals 罚息计提: ")[1].split()[0])
    assert accrued > 0
    with make_session(make_engine(url)) as session:
        assert session.scalar(text("SELECT count(*) FROM accrual")) == accrued
    verify = runner.invoke(app, ["audit", "verify", "--database", url])
    assert verify.exit_code == 0 and "intact" in verify.output


def test_end_of_day_refuses_a_malformed_date_in_one_line(sqlite_url: str) -> None:
    url = _migrated(sqlite_url)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "fairdebt",
            "ledger",
            "end-of-day",
            "--database",
            url,
            "--date",
            "15/06/2026",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "field date: must be a date YYYY-MM-DD (got '15/06/2026')" in result.stderr
    assert "Traceback" not in result.stderr
