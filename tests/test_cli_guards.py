"""The command line's guards: typos in dates, databases that are not there, and no traceback.

Each test is a defect the issue found, as a sentence; where a database is involved it runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner, Result

from fairdebt.cli import app
from fairdebt.db import make_engine, make_session
from fairdebt.models import CycleRun, Loan, LoanStatus, Payment

DATA = Path(__file__).parent / "ledger" / "data"
KINDS = ("products", "borrowers", "loans", "schedules", "payments")
runner = CliRunner()
TODAY = dt.datetime.now(dt.UTC).date()


def _run(*args: str) -> Result:
    result = runner.invoke(app, list(args), terminal_width=200)
    assert "Traceback" not in result.output
    return result


def _loaded(url: str) -> str:
    files = [arg for kind in KINDS for arg in (f"--{kind}", str(DATA / f"{kind}.csv"))]
    loaded = _run("load", "--database", url, *files)
    assert loaded.exit_code == 0, loaded.output
    return url


def _scalar(engine: Engine, query: object) -> object:
    with make_session(engine) as session:
        return session.scalar(query)  # type: ignore[call-overload]


def test_end_of_day_on_9999_12_31_is_refused_and_charges_off_nothing(
    engine: Engine, database_url: str
) -> None:
    url = _loaded(database_url)
    result = _run("ledger", "end-of-day", "--database", url, "--date", "9999-12-31")
    assert result.exit_code == 2
    assert "field date: 9999-12-31 is outside 1900-01-01 to 2199-12-31" in result.stderr
    ahead = TODAY + dt.timedelta(days=400)  # late enough to charge off every loan of the tape
    result = _run("ledger", "end-of-day", "--database", url, "--date", str(ahead))
    assert result.exit_code == 2
    assert f"field date: {ahead} is in the future (today is {TODAY})" in result.stderr
    assert "--allow-future" in result.stderr
    charged = select(func.count()).where(Loan.status == LoanStatus.CHARGED_OFF)
    assert _scalar(engine, charged) == 0


def test_a_future_cycle_run_is_refused_so_the_next_normal_run_needs_no_rerun(
    engine: Engine, database_url: str
) -> None:
    url = _loaded(database_url)
    ahead = TODAY + dt.timedelta(days=30)
    refused = _run("cycle", "run", "--database", url, "--date", str(ahead))
    assert refused.exit_code == 2
    assert f"field --date: {ahead} is in the future (today is {TODAY})" in refused.stderr
    assert _scalar(engine, select(func.count()).select_from(CycleRun)) == 0
    normal = _run("cycle", "run", "--database", url, "--date", str(TODAY))
    assert normal.exit_code == 0, normal.output
    tomorrow = _run("cycle", "run", "--database", url, "--date", str(TODAY + dt.timedelta(1)))
    assert tomorrow.exit_code == 0, tomorrow.output  # one day of slack for time zones


def test_a_cycle_range_longer_than_a_year_needs_yes(sqlite_url: str) -> None:
    # The guard acts before the database is touched: SQLite alone shows it (a year of closes
    # on PostgreSQL as well would double the test's time for nothing).
    from fairdebt.db import upgrade

    engine = make_engine(sqlite_url)
    upgrade(engine)
    url = _loaded(sqlite_url)
    args = ("cycle", "run", "--database", url, "--date", "2024-01-01", "--to", "2025-01-01")
    refused = _run(*args)
    assert refused.exit_code == 2
    assert "2024-01-01 to 2025-01-01 is 367 dates, more than a year; pass --yes" in refused.stderr
    assert _scalar(engine, select(func.count()).select_from(CycleRun)) == 0
    confirmed = _run(*args, "--yes")
    assert confirmed.exit_code == 0, confirmed.output
    assert _scalar(engine, select(func.count()).select_from(CycleRun)) == 367
    engine.dispose()


def test_an_empty_payment_id_on_the_command_line_is_refused(
    engine: Engine, database_url: str
) -> None:
    url = _loaded(database_url)
    for empty in ("", "   "):
        result = _run(
            *("ledger", "post-payment", empty, "--loan", "L-001", "--amount", "10"),
            *("--paid-on", "2026-03-10", "--database", url),
        )
        assert result.exit_code == 2
        assert "field EXTERNAL_ID: must not be empty" in result.stderr
    assert _scalar(engine, select(func.count()).select_from(Payment)) == 4


def test_a_payment_dated_after_tomorrow_is_refused_unless_allow_future(
    engine: Engine, database_url: str
) -> None:
    url = _loaded(database_url)
    later = TODAY + dt.timedelta(days=2)
    args = ("ledger", "post-payment", "P-9", "--loan", "L-001", "--amount", "10")
    refused = _run(*args, "--paid-on", str(later), "--database", url)
    assert refused.exit_code == 2 and "field paid_on: " in refused.stderr
    allowed = _run(*args, "--paid-on", str(later), "--database", url, "--allow-future")
    assert allowed.exit_code == 0, allowed.output
    assert _scalar(engine, select(func.count()).select_from(Payment)) == 5


READING = [
    ("cycle", "kpis", "--date", "2026-01-01"),
    ("cycle", "vintages"),
    ("audit", "verify"),
    ("audit", "head"),
    ("ledger", "end-of-day", "--date", "2026-01-01"),
    ("export", "--what", "loan_day", "--out", "days.csv"),
]


@pytest.mark.parametrize("command", READING, ids=[" ".join(c[:2]) for c in READING])
def test_a_command_on_a_missing_sqlite_database_says_what_to_do_and_creates_no_file(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    path = tmp_path / "fairdebt.db"
    result = _run(*command, "--database", f"sqlite:///{path}")
    assert result.exit_code == 2
    assert f"no database at {path}" in result.stderr and "fairdebt db upgrade" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_command_in_a_fresh_folder_leaves_no_empty_database_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FAIRDEBT_DATABASE_URL", raising=False)
    result = _run("cycle", "kpis", "--date", "2026-01-01")
    assert result.exit_code == 2 and "fairdebt db upgrade" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unmigrated_database_says_run_db_upgrade(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):
        Path(database_url.removeprefix("sqlite:///")).touch()  # an empty file, as left before
    result = _run("cycle", "kpis", "--date", "2026-01-01", "--database", database_url)
    assert result.exit_code == 2
    assert "has no fairdebt schema: run `fairdebt db upgrade --database" in result.stderr
    upgraded = _run("db", "upgrade", "--database", database_url)
    assert upgraded.exit_code == 0, upgraded.output
    assert _run("audit", "verify", "--database", database_url).exit_code == 0


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url", "cannot read 'not a url' as a database URL"),
        ("nosuchdb://x/y", "cannot use nosuchdb://x/y"),
        ("postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "check the URL"),
    ],
    ids=["garbage", "unknown-driver", "unreachable"],
)
def test_a_bad_or_unreachable_database_url_is_one_line_that_says_to_check_it(
    url: str, words: str
) -> None:
    result = _run("audit", "verify", "--database", url)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "secret" not in result.output  # a password is never printed
    assert len(result.stderr.strip().splitlines()) == 1


def test_db_upgrade_into_a_missing_folder_names_it(tmp_path: Path) -> None:
    result = _run("db", "upgrade", "--database", f"sqlite:///{tmp_path}/no/such/x.db")
    assert result.exit_code == 2 and "no folder" in result.stderr


def test_an_unwritable_rejects_folder_is_refused_before_any_work(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = _run(
        *("load", "--database", database_url, "--payments", str(DATA / "bad_payments.csv")),
        *("--rejects", str(blocker / "rejects")),
    )
    assert result.exit_code == 2
    assert f"field --rejects: cannot write to {blocker / 'rejects'}" in result.stderr


def test_a_bug_is_exit_3_with_one_line_and_its_details_in_a_file(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tempfile

    from fairdebt.db import upgrade

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the details file goes
    engine = make_engine(sqlite_url)
    upgrade(engine)
    engine.dispose()

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug in the cycle")

    monkeypatch.setattr("fairdebt.cycle.kpis", broken)
    result = _run("cycle", "kpis", "--date", "2026-01-01", "--database", sqlite_url)
    assert result.exit_code == 3
    line = result.stderr.strip()
    assert line.startswith("internal error: RuntimeError: a bug in the cycle (details in ")
    details = Path(line.split("details in ")[1].split(";")[0])
    assert details.parent == tmp_path
    assert "Traceback" in details.read_text() and "a bug in the cycle" in details.read_text()


def test_the_exit_codes_are_documented_in_the_help_and_the_readme() -> None:
    shown = _run("--help")
    text = " ".join(shown.output.split())
    assert "0 ok, 1 some rows or lines refused, 2 usage, 3 internal error" in text
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "## Exit codes" in readme


def test_an_actor_longer_than_the_audit_log_keeps_is_refused_before_any_work() -> None:
    result = _run("ledger", "accrue", "--date", "2026-01-01", "--actor", "x" * 81)
    assert result.exit_code == 2
    assert "must be 1 to 80 characters (got 81)" in result.output


def test_a_date_beyond_2199_is_refused_even_with_allow_future(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/none.db"
    result = _run(
        "ledger", "end-of-day", "--date", "9999-12-31", "--allow-future", "--database", url
    )
    assert result.exit_code == 2
    assert "field date: 9999-12-31 is outside 1900-01-01 to 2199-12-31" in result.stderr
