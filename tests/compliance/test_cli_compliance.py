"""``fairdebt compliance check|screen``: the JSON Lines contract other tools rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdebt.cli import app

VECTORS = Path(__file__).parent / "vectors.jsonl"
runner = CliRunner()


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_check_answers_every_vector_in_order_with_the_documented_shape(tmp_path: Path) -> None:
    vectors = [json.loads(line) for line in VECTORS.read_text("utf-8").splitlines()]
    for pack in ("cn", "us", "us-ma", "uk"):
        mine = [v for v in vectors if v["pack"] == pack]
        path = _write(tmp_path, [json.dumps(v, ensure_ascii=False) for v in mine])
        result = runner.invoke(app, ["compliance", "check", "--pack", pack, str(path)])
        assert result.exit_code == 0, result.output
        answers = _lines(result.output)
        assert [a["id"] for a in answers] == [v["id"] for v in mine]
        for answer, vector in zip(answers, mine, strict=True):
            assert set(answer) == {"id", "allowed", "reasons", "next_allowed_at"}
            assert answer["allowed"] is vector["expect"]["allowed"], answer
            for reason in answer["reasons"]:  # type: ignore[attr-defined]
                assert set(reason) == {"rule", "citation", "message"}


def test_messages_are_english_by_default_and_chinese_on_request(tmp_path: Path) -> None:
    line = json.dumps(
        {
            "id": "late",
            "debtor": {"timezone": "Asia/Shanghai"},
            "attempt": {"at": "2025-06-10T22:15:00+08:00", "channel": "call"},
        }
    )
    path = _write(tmp_path, [line])
    english = _lines(runner.invoke(app, ["compliance", "check", str(path)]).output)[0]
    chinese = _lines(
        runner.invoke(app, ["compliance", "check", "--lang", "zh-CN", str(path)]).output
    )[0]
    assert (
        "quiet" in english["reasons"][0]["message"] or "outside" in english["reasons"][0]["message"]
    )
    assert "催收时段" in chinese["reasons"][0]["message"]
    assert english["next_allowed_at"] == "2025-06-11T08:00:00+08:00"


def test_a_malformed_line_gets_an_error_naming_the_field_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    good = {"id": "ok", "attempt": {"at": "2025-06-10T10:00:00+08:00", "channel": "call"}}
    lines = [
        "{not json",
        json.dumps({"id": "no-attempt"}),
        json.dumps({"id": "naive", "attempt": {"at": "2025-06-10T10:00:00", "channel": "call"}}),
        json.dumps(
            {
                "id": "bad-channel",
                "attempt": {"at": "2025-06-10T10:00:00+08:00", "channel": "pigeon"},
            }
        ),
        json.dumps(
            {"id": "bad-history", **good, "history": [{"at": "yesterday", "outcome": "connected"}]}
        ),
        json.dumps({"id": "bad-zone", **good, "debtor": {"timezone": "Mars/Base"}}),
        json.dumps(good),
    ]
    result = runner.invoke(app, ["compliance", "check", str(_write(tmp_path, lines))])
    assert result.exit_code == 1
    answers = _lines(result.output)
    assert len(answers) == len(lines)
    assert "line 1" in answers[0]["error"] and answers[0]["id"] is None
    assert answers[1] == {"id": "no-attempt", "error": answers[1]["error"]}
    assert "field attempt" in answers[1]["error"]
    assert "field attempt.at" in answers[2]["error"] and "offset" in answers[2]["error"]
    assert "field attempt.channel" in answers[3]["error"] and "pigeon" in answers[3]["error"]
    assert "field history[0].at" in answers[4]["error"]
    assert "field debtor.timezone" in answers[5]["error"]
    assert answers[6]["allowed"] is True


def test_screen_prints_the_verdict_and_findings_per_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"id": "threat", "text": "再不还钱就爆你通讯录，通知你单位领导"}, ensure_ascii=False
        ),
        json.dumps({"id": "truth", "text": "逾期信息将按规定报送征信"}, ensure_ascii=False),
        json.dumps({"id": "bad", "text": 5}),
        json.dumps(
            {
                "id": "suit",
                "text": "We will file a lawsuit on June 30.",
                "facts": {"legal_action_intended": True},
            }
        ),
    ]
    result = runner.invoke(app, ["compliance", "screen", str(_write(tmp_path, lines))])
    assert result.exit_code == 1
    threat, truth, bad, suit = _lines(result.output)
    assert set(threat) == {"id", "verdict", "findings"} and threat["verdict"] == "block"
    for finding in threat["findings"]:  # type: ignore[attr-defined]
        assert set(finding) == {"category", "start", "end", "rule", "citation", "score"}
        assert 0.0 <= finding["score"] <= 1.0
    assert truth == {"id": "truth", "verdict": "pass", "findings": []}
    assert "field text" in bad["error"]
    assert suit["verdict"] in ("pass", "review")


def test_check_reads_stdin_with_a_dash_through_the_real_console_script(tmp_path: Path) -> None:
    line = json.dumps(
        {
            "id": "x",
            "debtor": {"timezone": "Europe/London"},
            "attempt": {"at": "2025-06-10T21:30:00+01:00", "channel": "call"},
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "fairdebt", "compliance", "check", "--pack", "uk", "-"],
        input=line + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["allowed"] is False
    assert answer["reasons"][0]["rule"] == "uk.hours.house_window"


def test_an_unknown_pack_is_a_configuration_error_naming_the_known_ones(tmp_path: Path) -> None:
    path = _write(tmp_path, ["{}"])
    result = runner.invoke(app, ["compliance", "check", "--pack", "fr", str(path)])
    # the root command turns this into one red line and exit status 2 (usage)
    assert result.exit_code == 2
    assert "error: field --pack: unknown rule pack 'fr'" in result.stderr


def test_check_with_record_writes_each_decision_to_the_audit_log(tmp_path: Path) -> None:
    from sqlalchemy import select

    from fairdebt import audit
    from fairdebt.db import make_engine, make_session, upgrade
    from fairdebt.models import AuditEntry

    url = f"sqlite:///{tmp_path}/gate.db"
    upgrade(make_engine(url))
    lines = [
        json.dumps({"id": "a", "attempt": {"at": "2025-06-10T10:00:00+08:00", "channel": "call"}}),
        json.dumps({"id": "b", "attempt": {"at": "2025-06-10T23:00:00+08:00", "channel": "call"}}),
    ]
    result = runner.invoke(
        app,
        [
            "compliance",
            "check",
            "--record",
            "--database",
            url,
            "--actor",
            "planner",
            str(_write(tmp_path, lines)),
        ],
    )
    assert result.exit_code == 0, result.output
    with make_session(make_engine(url)) as session:
        entries = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
        assert [(e.action, e.entity_id, e.actor) for e in entries] == [
            ("contact.allowed", "a", "planner"),
            ("contact.refused", "b", "planner"),
        ]
        assert "cn.hours.quiet" in entries[1].data
        assert audit.verify(session).ok


def test_bad_input_lines_each_get_an_error_naming_the_field_and_the_run_goes_on() -> None:
    good = {"id": "ok", "attempt": {"at": "2025-06-10T10:00:00+08:00", "channel": "call"}}
    lines = [
        b'{"id": "cut", "attempt": {"at": ',
        json.dumps({"id": "no-at", "attempt": {"channel": "call"}}).encode(),
        json.dumps({**good, "id": "naive", "history": [{"at": "2025-06-09T10:00:00"}]}).encode(),
        json.dumps(
            {**good, "id": "zone", "debtor": {"possible_timezones": ["Asia/Nowhere"]}}
        ).encode(),
        json.dumps({**good, "id": "holds", "debtor": {"holds": "complaint"}}).encode(),
        json.dumps({"id": "fax", "attempt": {**good["attempt"], "channel": "fax"}}).encode(),
        b"\xff\xfe not utf-8",
        b"[1, 2]",
        json.dumps(good).encode(),
    ]
    result = runner.invoke(app, ["compliance", "check", "-"], input=b"\n".join(lines) + b"\n")
    assert result.exit_code == 1
    answers = _lines(result.output)
    assert [a["id"] for a in answers] == [
        None,
        "no-at",
        "naive",
        "zone",
        "holds",
        "fax",
        None,
        None,
        "ok",
    ]
    errors = [str(a.get("error")) for a in answers]
    assert "line 1" in errors[0] and "invalid JSON" in errors[0]
    assert "field attempt.at: is required" in errors[1]
    assert "field history[0].at" in errors[2] and "offset" in errors[2]
    assert "field debtor.possible_timezones[0]" in errors[3]
    assert "field debtor.holds" in errors[4]
    assert "field attempt.channel" in errors[5] and "fax" in errors[5]
    assert "line 7" in errors[6] and "UTF-8" in errors[6]
    assert "line 8" in errors[7] and "object" in errors[7]
    assert answers[8]["allowed"] is True


def test_an_unknown_pack_answers_every_line_with_an_error_naming_the_option(tmp_path: Path) -> None:
    line = json.dumps(
        {"id": "a", "attempt": {"at": "2025-06-10T10:00:00+08:00", "channel": "call"}}
    )
    result = runner.invoke(app, ["compliance", "check", "--pack", "xx", "-"], input=line + "\n")
    assert result.exit_code == 2 and "field --pack" in result.stderr  # a red line, exit 2
    (answer,) = _lines(result.stdout)
    assert answer["id"] == "a" and "field --pack" in answer["error"] and "'xx'" in answer["error"]


def test_a_missing_file_is_one_error_naming_it_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["compliance", "check", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "nope.jsonl" in result.stderr and "Traceback" not in result.output


GOOD_AT = "2025-06-10T10:00:00+08:00"
HOSTILE = [
    json.dumps({"id": "y9999", "attempt": {"at": "9999-12-31T23:00:00+08:00", "channel": "call"}}),
    json.dumps({"id": "y1", "attempt": {"at": "0001-01-01T00:30:00+08:00", "channel": "call"}}),
    '{"id": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"id": "digits", "x": ' + "9" * 5_000 + "}",
    '{"id": "sur\\ud800", "text": "hi"}',
    '{"id": "nan", "x": NaN}',
    json.dumps({"id": "ok", "text": "您好", "attempt": {"at": GOOD_AT, "channel": "call"}}),
]


def test_hostile_lines_each_get_their_own_error_and_the_batch_always_finishes() -> None:
    for command in ("check", "screen"):
        result = runner.invoke(app, ["compliance", command, "-"], input="\n".join(HOSTILE) + "\n")
        assert result.exit_code == 1, result.output  # some lines refused; not 2, not 3
        assert "Traceback" not in result.output
        answers = _lines(result.stdout)
        assert len(answers) == len(HOSTILE)
        errors = [str(a.get("error", "")) for a in answers]
        assert all(f"line {n}" in e for n, e in enumerate(errors[:-1], start=1))
        assert "nested too deeply" in errors[2]
        assert "more digits than can be read" in errors[3]
        assert "field id: holds a lone surrogate" in errors[4]
        assert "NaN is not a JSON number" in errors[5]
        assert "error" not in answers[-1] and answers[-1]["id"] == "ok"
    result = runner.invoke(app, ["compliance", "check", "-"], input="\n".join(HOSTILE) + "\n")
    errors = [str(a.get("error", "")) for a in _lines(result.stdout)]
    assert "field attempt.at: the year must be 1900 to 2199" in errors[0]
    assert "field attempt.at: the year must be 1900 to 2199" in errors[1]


def test_a_line_that_meets_a_bug_is_named_and_the_batch_goes_on_to_exit_3(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tempfile

    from fairdebt.compliance import gate

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the details file goes

    real = gate.check

    def flaky(attempt: object, *args: object, **kwargs: object) -> object:
        if getattr(attempt, "channel", None) == "sms":
            raise RuntimeError("a bug")
        return real(attempt, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gate, "check", flaky)
    lines = [
        json.dumps({"id": "a", "attempt": {"at": GOOD_AT, "channel": "sms"}}),
        json.dumps({"id": "b", "attempt": {"at": GOOD_AT, "channel": "call"}}),
    ]
    result = runner.invoke(app, ["compliance", "check", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 3
    first, second = _lines(result.stdout)
    assert f"line 1: internal error RuntimeError (details in {tmp_path}" in str(first["error"])
    assert second["allowed"] is True
