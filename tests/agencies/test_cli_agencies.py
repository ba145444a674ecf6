"""``fairdebt agencies ...`` and ``fairdebt report conduct`` on every backend, as a user runs them:
the last stdout line is one JSON object, a refusal is one line on stderr with exit 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fairdebt.models import Collector, ContactEvent, Placement

from .conftest import Loan

runner = CliRunner()


def _run(database_url: str, *args: str) -> Any:
    return runner.invoke(
        __import__("fairdebt.cli", fromlist=["app"]).app, [*args, "--database", database_url]
    )


def _last(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def _add(database_url: str, tmp_path: Path, name: str) -> None:
    staff = tmp_path / f"{name}-staff.csv"
    staff.write_text(f"code,name\n{name}-01,王芳\n{name}-02,李强\n", encoding="utf-8")
    added = _last(
        _run(
            database_url,
            "agencies",
            "add",
            "--name",
            name,
            "--legal-name",
            f"{name}资产管理有限公司",
            "--commission",
            "M3=0.20,M4=0.25",
            "--staff",
            str(staff),
        )
    )
    assert added["staff"] == 2 and added["commission"] == {"M3": "0.20", "M4": "0.25"}


def test_the_place_command_refuses_an_agency_with_no_current_evaluation(
    session: Session, loans: list[Loan], database_url: str, tmp_path: Path
) -> None:
    session.commit()
    _add(database_url, tmp_path, "ACME")
    place = ["agencies", "place", "--agency", "ACME", "--loans", "L-1,L-2", "--date", "2026-06-01"]
    refused = _run(database_url, *place, "--allow-future")
    assert refused.exit_code == 2
    assert "'ACME' has no evaluation" in refused.stderr and "Traceback" not in refused.output
    failed = _last(
        _run(
            database_url,
            "agencies",
            "evaluate",
            "--agency",
            "ACME",
            "--date",
            "2026-05-01",
            "--result",
            "fail",
            "--failed",
            "security",
            "--evaluator",
            "合规部",
            "--allow-future",
        )
    )
    assert failed["passed"] is False
    again = _run(database_url, *place, "--allow-future")
    assert again.exit_code == 2 and "failed its evaluation of 2026-05-01" in again.stderr
    assert session.scalar(select(func.count()).select_from(Placement)) == 0


def test_an_agency_is_added_evaluated_given_loans_and_its_contacts_imported(
    session: Session, loans: list[Loan], database_url: str, tmp_path: Path
) -> None:
    session.commit()
    _add(database_url, tmp_path, "ACME")
    future = "--allow-future"
    evaluated = _last(
        _run(
            database_url,
            "agencies",
            "evaluate",
            "--agency",
            "ACME",
            "--date",
            "2026-05-01",
            "--result",
            "pass",
            "--evaluator",
            "合规部",
            future,
        )
    )
    assert evaluated["valid_until"] == "2027-05-01"
    placed = _last(
        _run(
            database_url,
            "agencies",
            "place",
            "--agency",
            "ACME",
            "--loans",
            "L-1,L-2",
            "--date",
            "2026-06-01",
            future,
        )
    )
    assert placed["placed"] == 2
    records = tmp_path / "acme.csv"
    records.write_text(
        "borrower,loan,at,channel,outcome,collector,text\n"
        "B-1,L-1,2026-06-02T10:00:00+08:00,call,connected,ACME-01,\n"
        "B-1,L-1,2026-06-02T23:30:00+08:00,call,no_answer,ACME-02,\n"
        "B-2,L-2,2026-06-02T11:00:00+08:00,sms,delivered,ACME-01,请尽快还款\n",
        encoding="utf-8",
    )
    imported = _last(
        _run(database_url, "agencies", "contacts", "--agency", "ACME", "--file", str(records))
    )
    assert imported["recorded"] == 3 and imported["refused_by_rule"] == {"cn.hours.quiet": 1}
    stranger = tmp_path / "stranger.csv"
    stranger.write_text(
        "borrower,loan,at,channel,outcome,collector\nB-1,L-1,2026-06-03T10:00:00+08:00,call,connected,X-9\n",
        encoding="utf-8",
    )
    bad = _run(database_url, "agencies", "contacts", "--agency", "ACME", "--file", str(stranger))
    assert bad.exit_code == 2 and "not registered staff" in bad.stderr
    assert session.scalar(select(func.count()).select_from(ContactEvent)) == 3
    listed = _last(_run(database_url, "agencies", "list", "--date", "2026-06-02"))
    (row,) = listed["agencies"]
    assert row["may_place"] and row["placed"] == 2 and row["staff"] == ["ACME-01", "ACME-02"]
    recalled = _last(
        _run(
            database_url,
            "agencies",
            "recall",
            "--agency",
            "ACME",
            "--loans",
            "L-2",
            "--date",
            "2026-06-10",
            "--reason",
            "投诉后撤案",
            future,
        )
    )
    assert recalled["recalled"] == 1
    earned = _last(
        _run(database_url, "agencies", "commission", "--from", "2026-06-01", "--to", "2026-06-30")
    )
    assert earned["commission"] == "0.00" and len(earned["placements"]) == 2
    assert session.scalar(select(func.count()).where(Collector.agency == "ACME")) == 2


def test_the_conduct_report_writes_both_languages_and_the_csvs(
    session: Session, loans: list[Loan], database_url: str, tmp_path: Path
) -> None:
    session.commit()
    _add(database_url, tmp_path, "ACME")
    records = tmp_path / "acme.csv"
    records.write_text(
        "borrower,loan,at,channel,outcome,collector\n"
        "B-1,L-1,2026-06-02T07:00:00+08:00,call,connected,ACME-01\n"
        "B-2,L-2,2026-06-02T10:00:00+08:00,call,connected,ACME-01\n",
        encoding="utf-8",
    )
    _last(_run(database_url, "agencies", "contacts", "--agency", "ACME", "--file", str(records)))
    _last(
        _run(
            database_url,
            "complaints",
            "file",
            "--borrower",
            "B-1",
            "--category",
            "debt_collection",
            "--channel",
            "call",
            "--text",
            "清晨七点来电催收",
            "--agency",
            "ACME",
            "--at",
            "2026-06-02T09:00:00+08:00",
        )
    )
    out = tmp_path / "report"
    report = _last(
        _run(
            database_url,
            "report",
            "conduct",
            "--from",
            "2026-06-01",
            "--to",
            "2026-06-30",
            "--out",
            str(out),
        )
    )
    assert report["contacts"] == 2 and report["refusals"] == 1 and report["complaints"] == 1
    assert report["plans"] == 0  # no repayment plans yet: the section says so
    zh = (out / "conduct.zh-CN.html").read_text(encoding="utf-8")
    en = (out / "conduct.en.html").read_text(encoding="utf-8")
    assert "催收行为报告" in zh and "委外机构评分卡" in zh and "<svg" in zh and "本期无记录" in zh
    assert "Collection conduct report" in en and "Agency scorecards" in en and "<svg" in en
    for name in ("contacts", "refusals", "complaints", "agencies", "plans"):
        assert report["files"][f"csv_{name}"] == str(out / f"{name}.csv")
    with (out / "refusals.csv").open(encoding="utf-8-sig") as file:
        assert list(csv.DictReader(file)) == [
            {"rule": "cn.hours.quiet", "source": "contact", "refusals": "1"}
        ]
    with (out / "agencies.csv").open(encoding="utf-8-sig") as file:
        (card,) = list(csv.DictReader(file))
    assert card["agency"] == "ACME" and card["complaints"] == "1" and card["gate_refusals"] == "1"
    only = tmp_path / "en-only"
    _last(
        _run(
            database_url,
            "report",
            "conduct",
            "--from",
            "2026-06-01",
            "--to",
            "2026-06-30",
            "--out",
            str(only),
            "--lang",
            "en",
        )
    )
    assert not (only / "conduct.zh-CN.html").exists() and (only / "conduct.en.html").exists()
