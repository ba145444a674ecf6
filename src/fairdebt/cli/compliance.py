"""``fairdebt compliance check|screen``: the contact gate and message screening from the shell.

Both read JSON Lines (``-`` is stdin) and print one JSON line per input line, in order, as
docs/compliance.md describes. A malformed line gets ``{"id": ..., "error": ...}`` naming the
field; the run goes on and exits 1 at the end. ``check --record`` also writes every decision to
the audit log, one transaction per line (this edge is where the clock is read).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from typing import IO, Any

import typer

from fairdebt.errors import ConfigurationError, FairdebtError, InputError

__all__ = ["app", "check_line", "mount", "parse_line", "screen_line"]

app = typer.Typer(
    help="Contact gate and message screening. 触达合规闸门与话术筛查。", no_args_is_help=True
)

PackOption = typer.Option("cn", "--pack", help="Rule pack: cn (default), us, us-ma, uk. 规则包。")
FileArgument = typer.Argument(
    ..., help="JSON Lines file, or - for stdin. 输入文件（- 为标准输入）。"
)


def _lines(path: str) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines as bytes, numbered from 1; each is decoded on its own, so one line that
    is not UTF-8 is an error for that line, not the end of the run."""
    if path == "-":
        stream: IO[bytes] = sys.stdin.buffer
    else:
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as error:
            raise InputError(f"cannot read {path!r} ({error.strerror})", field="FILE") from None
    try:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                yield number, line
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def parse_line(raw: bytes, where: str) -> dict[str, Any]:
    """One input line (or HTTP body item) as a JSON object; InputError naming ``where``."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte {error.start + 1})", record=where) from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"invalid JSON ({error.msg}, column {error.colno})", record=where
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object (got {type(data).__name__})", record=where)
    return data


def _run(path: str, answer: Callable[[Any, str], dict[str, Any]]) -> None:
    """Answer every line in order; a bad line becomes an error line and the exit code 1."""
    failed = False
    out = sys.stdout
    for number, line in _lines(path):
        record_id: Any = None
        try:
            data = parse_line(line, f"line {number}")
            record_id = data.get("id")
            result = answer(data, f"line {number}")
        except FairdebtError as error:
            failed = True
            result = {"id": record_id, "error": str(error)}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    if failed:
        raise typer.Exit(1)


def _pack_or_refuse(pack: str, path: str) -> Any:
    """The named pack; an unknown name answers every line with an error naming ``--pack``
    (so a pipeline still gets one line per input line) and then fails the run (exit 2)."""
    from fairdebt.compliance.packs import get_pack

    try:
        return get_pack(pack)
    except ConfigurationError as error:
        problem = str(error)

    def refuse(data: Any, where: str) -> dict[str, Any]:
        raise InputError(problem, record=where, field="--pack")

    with contextlib.suppress(typer.Exit):
        _run(path, refuse)
    raise ConfigurationError(f"field --pack: {problem}")


@app.command("check")
def check_command(
    file: str = FileArgument,
    pack: str = PackOption,
    lang: str = typer.Option(
        "en", "--lang", help="Message language: en (default) or zh-CN. 说明语言。"
    ),
    record: bool = typer.Option(
        False, "--record", help="Write each decision to the audit log. 将每个决定写入审计日志。"
    ),
    database: str | None = typer.Option(
        None, "--database", help="SQLAlchemy URL; default FAIRDEBT_DATABASE_URL"
    ),
    actor: str = typer.Option("cli", "--actor", help="Who asks, for the audit log. 操作人。"),
) -> None:
    """Ask the gate about each contact attempt. 逐条判断触达是否合规。"""
    from fairdebt.compliance.gate import record_decision

    if lang not in ("en", "zh-CN"):
        raise InputError(f"expected en or zh-CN (got {lang!r})", field="--lang")
    chosen = _pack_or_refuse(pack, file)
    session = None
    if record:
        from fairdebt.db import make_engine, make_session
        from fairdebt.settings import Settings

        session = make_session(make_engine(database or Settings().database_url))

    def answer(data: Any, where: str) -> dict[str, Any]:
        result, verdict, attempt = check_line(data, where, pack=chosen, lang=lang)
        if session is not None:
            with session.begin():
                record_decision(
                    session,
                    verdict=verdict,
                    attempt=attempt,
                    actor=actor,
                    at=dt.datetime.now(dt.UTC),
                    pack=chosen,
                    entity_id=data.get("id"),
                )
        return result

    try:
        _run(file, answer)
    finally:
        if session is not None:
            session.close()


@app.command("screen")
def screen_command(file: str = FileArgument, pack: str = PackOption) -> None:
    """Screen each message or transcript. 逐条筛查催收话术。"""
    base = _pack_or_refuse(pack, file).id.split("-")[0]

    def answer(data: Any, where: str) -> dict[str, Any]:
        return screen_line(data, where, pack=base)

    _run(file, answer)


def check_line(
    data: Any, where: str, *, pack: Any, lang: str = "en"
) -> tuple[dict[str, Any], Any, Any]:
    """Answer one ``compliance check`` object: ``(answer, verdict, attempt)``; the CLI and
    ``POST /v1/gate/check`` both call it. InputError names ``where`` and the field."""
    from fairdebt.compliance.attempts import case_from_json
    from fairdebt.compliance.gate import check

    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object (got {type(data).__name__})", record=where)
    attempt, history, debtor, consents = case_from_json(data, record=where)
    verdict = check(attempt, history, debtor, pack, consents=consents)
    return verdict.to_json(id=data.get("id"), lang=lang), verdict, attempt


def screen_line(data: Any, where: str, *, pack: str) -> dict[str, Any]:
    """Answer one ``compliance screen`` object under the base pack (cn, us, uk); the CLI and
    ``POST /v1/screen`` both call it."""
    from fairdebt.compliance import screening

    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object (got {type(data).__name__})", record=where)
    text = data.get("text")
    if not isinstance(text, str):
        raise InputError(f"expected a string (got {text!r})", record=where, field="text")
    facts = data.get("facts")
    facts = {} if facts is None else facts
    if not isinstance(facts, dict):
        raise InputError("expected an object", record=where, field="facts")
    recipient = facts.get("recipient")
    recipient = "debtor" if recipient is None else recipient
    if recipient not in ("debtor", "spouse", "contact", "employer", "attorney"):
        raise InputError(f"unknown recipient {recipient!r}", record=where, field="facts.recipient")
    clean = {"recipient": recipient}
    for name in ("has_judgment", "time_barred", "legal_action_intended"):
        value = facts.get(name, False)
        if not isinstance(value, bool):
            raise InputError(
                f"expected true or false (got {value!r})", record=where, field=f"facts.{name}"
            )
        clean[name] = value
    findings = screening.screen(text, clean, pack=pack)
    return {
        "id": data.get("id"),
        "verdict": screening.verdict(findings),
        "findings": [
            {
                "category": f.category,
                "start": f.start,
                "end": f.end,
                "rule": f.rule,
                "citation": f.citation,
            }
            for f in findings
        ],
    }


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt compliance ...`` on the root command."""
    root.add_typer(app, name="compliance")
