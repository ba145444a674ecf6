"""Loan tapes from a lender's real files: every encoding read, every bad row named, none dropped.

Each test is a defect the issue found (rows that vanished, files that gave a traceback, a
write-time refusal that named nothing), run through ``fairdebt load`` on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.db import make_engine, make_session, upgrade
from fairdebt.models import Borrower, Loan, Payment, Product

DATA = Path(__file__).parent / "data"
runner = CliRunner()
ALL = ("products", "borrowers", "loans", "schedules", "payments")


def _copy(tmp_path: Path, kind: str, text: str | None = None) -> Path:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text if text is not None else (DATA / f"{kind}.csv").read_text("utf-8"))
    return path


def _load(url: str, files: dict[str, Path], *extra: str) -> tuple[int, str, list[list[str]]]:
    """Run ``fairdebt load``; return the exit code, the output and the rejects rows."""
    rejects = next(iter(files.values())).parent / "rejects"
    args = ["load", "--database", url, "--rejects", str(rejects), *extra]
    for kind, path in files.items():
        args += [f"--{kind}", str(path)]
    result = runner.invoke(app, args, terminal_width=200)
    assert "Traceback" not in result.output
    rows: list[list[str]] = []
    if (rejects / "rejects.csv").exists():
        frame = pd.read_csv(rejects / "rejects.csv", dtype=str, keep_default_na=False)
        rows = frame.to_numpy().tolist()
    return result.exit_code, result.output, rows


def _count(engine: Engine, model: type) -> int:
    with make_session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _tape(tmp_path: Path, **texts: str) -> dict[str, Path]:
    return {kind: _copy(tmp_path, kind, texts.get(kind)) for kind in ALL}


def test_a_loan_row_with_an_empty_id_is_named_and_nothing_is_loaded(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    loans = (DATA / "loans.csv").read_text("utf-8").replace("L-003,B-003", ",B-003")
    files = _tape(tmp_path, loans=loans)
    files["schedules"].write_text("loan_external_id,seq,due_on,principal_due,interest_due\n")
    code, _, rows = _load(database_url, files)
    assert code == 1
    assert ["loans.csv", "4", "external_id", "is required"] in rows
    assert _count(engine, Loan) == 0


def test_a_payment_row_with_an_empty_id_is_named_and_nothing_is_loaded(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    payments = (DATA / "payments.csv").read_text("utf-8").replace("PAY-0003,", ",")
    code, _, rows = _load(database_url, _tape(tmp_path, payments=payments))
    assert code == 1
    assert rows == [["payments.csv", "4", "external_id", "is required"]]
    assert _count(engine, Payment) == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_a_tape_in_any_common_encoding_loads_the_same_chinese_names(
    engine: Engine, database_url: str, tmp_path: Path, encoding: str
) -> None:
    files = {kind: tmp_path / f"{kind}.csv" for kind in ALL}
    for kind, path in files.items():
        path.write_bytes((DATA / f"{kind}.csv").read_text("utf-8").encode(encoding))
    code, output, rows = _load(database_url, files)
    assert (code, rows) == (0, []), output
    with make_session(engine) as session:
        names = sorted(session.scalars(select(Borrower.name)))
        assert names == sorted(pd.read_csv(DATA / "borrowers.csv")["name"])
        assert session.scalar(select(Product.name)) == "6-month cash loan 6期现金贷"


def test_an_encoding_given_with_encoding_is_used_and_a_wrong_one_names_the_line(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "borrowers.csv"
    path.write_bytes((DATA / "borrowers.csv").read_text("utf-8").encode("gbk"))
    code, _, _ = _load(database_url, {"borrowers": path}, "--encoding", "gbk")
    assert code == 0 and _count(engine, Borrower) == 3
    again = tmp_path / "again"
    again.mkdir()
    other = again / "borrowers.csv"
    other.write_bytes(path.read_bytes())
    code, _, rows = _load(database_url, {"borrowers": other}, "--encoding", "utf-8")
    assert code == 1
    ((file, line, field, message),) = rows
    assert (file, line, field) == ("borrowers.csv", "2", "-")
    assert "not utf-8 text" in message and "--encoding" in message


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (b"", "1", "empty"),
        (b"   \n\n", "1", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "3", "binary"),
        (b"external_id,loan_external_id,amount,paid_on\nP-1,L-001,5.00\n", "2", "3 values"),
        (b"external_id,loan_external_id,amount,paid_on\nP-1,L-001,5,2026-03-01,x\n", "2", "5"),
        (b'external_id,loan_external_id,amount,paid_on\n"P-1,L-001,5,2026-03-01\n', "2", "never"),
        (b'external_id,loan_external_id,amount,paid_on\n"P"-1,L-001,5,2026-03-01\n', "2", "quot"),
        (b"id\n\x80\x81\xfe\xfd not text at all\n", "2", "neither UTF-8 nor GB18030"),
    ],
    ids=["empty", "blank", "binary", "short-row", "long-row", "open-quote", "bad-quote", "bytes"],
)
def test_a_file_that_is_not_a_table_gets_one_line_naming_file_and_line(
    sqlite_url: str, tmp_path: Path, content: bytes, line: str, words: str
) -> None:
    # Reading files involves no database: SQLite alone is enough here.
    engine = make_engine(sqlite_url)
    upgrade(engine)
    loans = _tape(tmp_path)
    path = tmp_path / "payments.csv"
    path.write_bytes(content)
    code, output, rows = _load(sqlite_url, loans)
    assert code == 1, output
    (row,) = [r for r in rows if r[0] == "payments.csv"]
    assert row[1] == line and words in row[3]
    assert _count(engine, Loan) == 0
    engine.dispose()


def test_a_file_named_parquet_that_is_not_one_is_named(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    fake = tmp_path / "payments.parquet"
    fake.write_text((DATA / "payments.csv").read_text("utf-8"))
    code, _, rows = _load(database_url, {"payments": fake})
    assert code == 1
    assert rows == [
        [
            "payments.parquet",
            "1",
            "-",
            "not a Parquet file (no PAR1 marker at both ends); if it is CSV, name it .csv",
        ]
    ]


def test_a_damaged_parquet_file_is_named(database_url: str, engine: Engine, tmp_path: Path) -> None:
    whole = tmp_path / "whole.parquet"
    pd.read_csv(DATA / "payments.csv", dtype=str).to_parquet(whole)
    data = whole.read_bytes()
    damaged = tmp_path / "payments.parquet"
    damaged.write_bytes(data[:4] + b"\x00" * 40 + data[44:])
    code, _, rows = _load(database_url, {"payments": damaged})
    assert code == 1
    assert rows[0][:3] == ["payments.parquet", "1", "-"]
    assert "damaged Parquet" in rows[0][3]


def test_a_misspelt_optional_column_is_refused_not_loaded_as_zero(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    schedules = (DATA / "schedules.csv").read_text("utf-8").replace("fee_due", "fee_du")
    code, _, rows = _load(database_url, _tape(tmp_path, schedules=schedules))
    assert code == 1
    assert rows[0][:3] == ["schedules.csv", "1", "fee_du"]
    assert "unknown column" in rows[0][3]


def test_a_payment_dated_after_tomorrow_is_refused_unless_allowed(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    later = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)
    payments = (DATA / "payments.csv").read_text("utf-8").replace("2026-03-09", str(later))
    files = _tape(tmp_path, payments=payments)
    code, _, rows = _load(database_url, files)
    assert code == 1
    ((file, line, field, message),) = rows
    assert (file, line, field) == ("payments.csv", "5", "paid_on")
    assert f"{later} is in the future" in message
    code, output, _ = _load(database_url, files, "--allow-future")
    assert code == 0, output
    assert _count(engine, Payment) == 4


def test_a_year_typed_as_0226_or_9999_is_named(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    loans = (DATA / "loans.csv").read_text("utf-8").replace("2026-01-10", "0226-01-10")
    payments = (DATA / "payments.csv").read_text("utf-8").replace("2026-02-19", "9999-02-19")
    code, _, rows = _load(
        database_url, _tape(tmp_path, loans=loans, payments=payments), "--allow-future"
    )
    assert code == 1
    assert [r[:3] for r in rows] == [
        ["loans.csv", "2", "disbursed_on"],
        ["payments.csv", "3", "paid_on"],
    ]
    assert all("outside 1900-01-01 to 2199-12-31" in r[3] for r in rows)


def test_records_already_in_the_ledger_are_all_named_by_file_line_and_field(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    code, output, _ = _load(database_url, _tape(tmp_path))
    assert code == 0, output
    again = tmp_path / "again"
    again.mkdir()
    payments = (DATA / "payments.csv").read_text("utf-8")
    payments = payments.replace("PAY-0002,L-002,1020.00", "PAY-0002,L-002,1021.00")
    payments = payments.replace(
        "PAY-0004,L-001,1065.00,2026-03-09", "PAY-0004,L-003,10.00,2026-03-09"
    )
    files = {
        "products": _copy(again, "products"),
        "borrowers": _copy(again, "borrowers"),
        "payments": _copy(again, "payments", payments),
    }
    code, _, rows = _load(database_url, files)
    assert code == 1
    assert [r[:3] for r in rows] == [
        ["borrowers.csv", "2", "external_id"],
        ["borrowers.csv", "3", "external_id"],
        ["borrowers.csv", "4", "external_id"],
        ["payments.csv", "3", "amount"],
        ["payments.csv", "5", "loan_external_id"],
        ["products.csv", "2", "code"],
    ]
    assert "borrower B-001 is already in the ledger" in rows[0][3]
    assert "payment PAY-0002 is already in the ledger with loan L-002, amount 1020.00" in rows[3][3]
    assert "product CASH6 is already in the ledger" in rows[5][3]
    assert _count(engine, Payment) == 4  # the identical resends stay idempotent, nothing added


def test_a_product_a_verb_refuses_at_write_time_is_named_with_every_other_one(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    products = (DATA / "products.csv").read_text("utf-8")
    header, row = products.splitlines()
    rows = [row.replace("CASH6,", f"P{n},").replace("0.002,", "0.05,") for n in range(1, 4)]
    text = "\n".join([header, row, *rows]) + "\n"  # P1..P3 cost 78 % a year: above the cap
    code, _, problems = _load(database_url, {"products": _copy(tmp_path, "products", text)})
    assert code == 1
    assert [p[:2] for p in problems] == [
        ["products.csv", "3"],
        ["products.csv", "4"],
        ["products.csv", "5"],
    ]
    assert all("P" in p[3] and "cap" in p[3] for p in problems)
    assert _count(engine, Product) == 0  # CASH6 was good, but the load is all or nothing


def test_a_value_longer_than_its_column_is_named_before_the_database_sees_it(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    payments = (DATA / "payments.csv").read_text("utf-8").replace("PAY-0001", "P" * 81)
    code, _, rows = _load(database_url, _tape(tmp_path, payments=payments))
    assert code == 1
    assert rows == [["payments.csv", "2", "external_id", "is 81 characters long; at most 80"]]


@pytest.mark.parametrize("name", ["checks", "columns", "sheets", "writing"])
def test_each_part_of_the_tapes_package_exports_what_it_says(name: str) -> None:
    import importlib

    module = importlib.import_module(f"fairdebt.ledger.tapes.{name}")
    assert all(hasattr(module, exported) for exported in module.__all__)
