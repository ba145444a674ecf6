"""No traceback ever reaches a user: the whole command line driven with generated arguments.

Hypothesis picks a command from the live command tree (so commands added later are driven too),
fills its options from pools of awkward values (dates in year 1 and 9999, huge and negative
numbers, empty and non-ASCII text, broken and binary files, bad database URLs) and asserts that
whatever happens is one of the documented exit codes 0, 1 or 2 with no traceback: a crash
(exit 3) is a bug even when it is reported politely. ``demo``, ``simulate``, ``strategy
evaluate`` and ``strategy learn`` (simulations) are left out for time, ``serve`` because a
server runs until it is stopped, and ``--yes`` and ``--allow-future``, which only unlock long
work. The number of examples is bounded to keep the suite fast; the commands run in-process
(CliRunner).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.db import make_engine, upgrade

DATA = Path(__file__).parent / "ledger" / "data"
SKIPPED_COMMANDS = {
    ("demo",),
    ("simulate",),
    ("strategy", "evaluate"),
    ("strategy", "learn"),
    ("serve",),
}
SKIPPED_OPTIONS = {"--yes", "--allow-future"}
runner = CliRunner()


def _commands() -> list[tuple[tuple[str, ...], Any]]:
    found: list[tuple[tuple[str, ...], Any]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in sorted(children.items()):
                walk(child, (*path, name))
        elif path not in SKIPPED_COMMANDS:
            found.append((path, command))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = _commands()

FILES: dict[str, bytes] = {
    "empty.csv": b"",
    "binary.csv": bytes(range(256)) * 4,
    "gbk.csv": "external_id,name,timezone\nB-1,王芳,Asia/Shanghai\n".encode("gbk"),
    "utf16.csv": "code,name\nP,产品\n".encode("utf-16"),
    "ragged.csv": b"a,b,c\n1,2\n1,2,3,4\n",
    "quote.csv": b'a,b\n"1,2\n',
    "fake.parquet": b"external_id,amount\nP-1,5\n",
    "lines.jsonl": b'{"id": 1}\n[1]\n{"attempt": {"at": "9999-12-31T00:00:00+08:00"}}\n\xff\n',
    "payments.csv": (DATA / "payments.csv").read_bytes(),
    "bad_payments.csv": (DATA / "bad_payments.csv").read_bytes(),
}
DATES = st.sampled_from(
    ["2026-03-01", "0001-01-01", "9999-12-31", "2026-02-30", "", "yesterday", "2026-3-1"]
) | st.dates(min_value=dt.date(1, 1, 1)).map(str)
TEXT = st.sampled_from(["", " ", "-1", "0", "1e999", "NaN", "9" * 50, "L-001", "P-1", "甲"]) | (
    st.text(max_size=12)
)


def _values(option: str, paths: dict[str, str], urls: list[str]) -> st.SearchStrategy[str]:
    name = option.lstrip("-").lower()
    if name in {"database"}:
        return st.sampled_from(urls)
    if "date" in name or name in {"on", "from", "to", "as-of", "paid-on", "start"}:
        return DATES
    if name in {
        "products",
        "borrowers",
        "loans",
        "schedules",
        "payments",
        "data",
        "file",
        "expected",
        "actual",
        "model",
        "out",
        "rejects",
        "report",
        "external_id",
    }:
        return st.sampled_from([*paths.values(), paths["dir"] + "/missing.csv"]) | TEXT
    return TEXT


@st.composite
def invocations(draw: st.DrawFn, paths: dict[str, str], urls: list[str]) -> list[str]:
    path, command = draw(st.sampled_from(COMMANDS))
    args = list(path)
    for param in command.params:
        opts = [o for o in param.opts if o.startswith("--")] or param.opts
        if any(o in SKIPPED_OPTIONS for o in opts) or param.name == "help":
            continue
        if param.param_type_name == "argument":
            args.append(draw(_values(param.name or "", paths, urls) | st.just("-")))
            continue
        if param.is_flag:
            if draw(st.booleans()):
                args.append(opts[0])
            continue
        if param.required or draw(st.booleans()):
            args += [opts[0], draw(_values(opts[0], paths, urls))]
    return args


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], list[str]]]:
    folder = tmp_path_factory.mktemp("fuzz")
    paths = {"dir": str(folder)}
    for name, content in FILES.items():
        (folder / name).write_bytes(content)
        paths[name] = str(folder / name)
    url = f"sqlite:///{folder}/ledger.db"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    files = [
        a for k in ("products", "borrowers", "loans") for a in (f"--{k}", str(DATA / f"{k}.csv"))
    ]
    assert runner.invoke(app, ["load", "--database", url, *files]).exit_code == 0
    urls = [
        url,
        url,
        f"sqlite:///{folder}/absent.db",
        "not a url",
        "postgresql+psycopg://x@127.0.0.1:1/y",
    ]
    yield paths, urls


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), stdin=st.binary(max_size=200))
def test_no_generated_command_line_ever_prints_a_traceback_or_crashes(
    world: tuple[dict[str, str], list[str]],
    monkeypatch: pytest.MonkeyPatch,
    data: st.DataObject,
    stdin: bytes,
) -> None:
    paths, urls = world
    monkeypatch.chdir(paths["dir"])
    args = data.draw(invocations(paths, urls), label="args")
    result = runner.invoke(app, args, input=stdin, terminal_width=100)
    assert "Traceback" not in result.output, args
    assert result.exit_code in (0, 1, 2), (args, result.output[-2000:])
