"""``fairdebt compliance check|screen``: the contact gate and message screening from the shell.

Both read JSON Lines (``-`` is stdin) and print one JSON line per input line, in order, as
docs/compliance.md describes. A malformed line gets ``{"id": ..., "error": ...}`` naming the
line and field, whatever is wrong with it (not UTF-8, not JSON, nested too deeply, a number too
long to read, a lone surrogate, NaN, a year out of range); the batch always goes on to the end
and then exits 1 (or 3 if a line met a bug, whose details go to a file named on that line).
``check --record`` also writes every decision to the audit log, one transaction per line (this
edge is where the clock is read).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from typing import IO, Any

import typer

from fairdebt.cli import ExitCode
from fairdebt.cli.guards import actor_option
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


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _surrogate(data: Any) -> str | None:
    """The path of the first string (key or value) holding a lone surrogate, if any."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if any("\ud800" <= c <= "\udfff" for c in value):
                return path or "(the line)"
        elif isinstance(value, dict):
            for key, item in value.items():
                if any("\ud800" <= c <= "\udfff" for c in key):
                    return f"{path}.{key!r}" if path else repr(key)
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return None


def parse_line(raw: bytes, where: str) -> dict[str, Any]:
    """One input line (or HTTP body item) as a JSON object; InputError naming ``where``."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte {error.start + 1})", record=where) from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"invalid JSON ({error.msg}, column {error.colno})", record=where
        ) from None
    except RecursionError:
        raise InputError("JSON nested too deeply to read", record=where) from None
    except ValueError as error:  # a number of thousands of digits, NaN, Infinity
        problem = str(error)
        if "digits" in problem:
            problem = "a number with more digits than can be read (4300)"
        raise InputError(f"invalid JSON: {problem[:120]}", record=where) from None
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object (got {type(data).__name__})", record=where)
    bad = _surrogate(data)
    if bad is not None:
        raise InputError("holds a lone surrogate: not valid Unicode text", record=where, field=bad)
    return data


def _entity_id(data: dict[str, Any], where: str) -> str | None:
    """The line's id as the audit log keeps it: text of at most 80 characters, or none."""
    value = data.get("id")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int) or len(str(value)) > 80:
        raise InputError(
            "to be recorded, the id must be text or a whole number of at most 80 characters",
            record=where,
            field="id",
        )
    return str(value)


def _emit(out: IO[str], result: dict[str, Any]) -> None:
    text = json.dumps(result, ensure_ascii=False, default=str)
    try:
        text.encode(getattr(out, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = json.dumps(result, ensure_ascii=True, default=str)
    out.write(text + "\n")
    out.flush()


def _run(path: str, answer: Callable[[Any, str], dict[str, Any]]) -> None:
    """Answer every line in order; a bad line becomes an error line, and the run goes on.

    Exit 1 at the end if any line was refused; 3 if any line met a bug (its line says where
    the details are).
    """
    from fairdebt.cli import _report_bug

    code = ExitCode.OK
    out = sys.stdout
    for number, line in _lines(path):
        where = f"line {number}"
        record_id: Any = None
        try:
            data = parse_line(line, where)
            record_id = data.get("id")
            result = answer(data, where)
        except FairdebtError as error:
            code = max(code, ExitCode.REFUSED)
            result = {"id": record_id, "error": str(error)}
        except (OverflowError, RecursionError, ValueError, UnicodeError) as error:
            code = max(code, ExitCode.REFUSED)
            problem = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
            result = {"id": record_id, "error": f"{where}: cannot process this line ({problem})"}
        except Exception as error:
            code = ExitCode.INTERNAL
            result = {
                "id": record_id,
                "error": f"{where}: internal error {type(error).__name__} ({_report_bug(error)})",
            }
        _emit(out, result)
    if code != ExitCode.OK:
        raise typer.Exit(code)


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


def _facts_from_database(
    session: Any, data: dict[str, Any], at: dt.datetime, where: str
) -> tuple[Any, Any, Any]:
    """History, debtor and consents of the line's ``borrower`` (an external id), read from the
    database by the one function that builds the gate's case (fairdebt.contacts.gate_case)."""
    from sqlalchemy import select

    from fairdebt.contacts import gate_case
    from fairdebt.models import Borrower

    if session is None:
        raise InputError("needs --database to look the borrower up", record=where, field="borrower")
    given = [k for k in ("debtor", "history", "consents") if k in data]
    if given:
        raise InputError(
            f"give borrower or {', '.join(given)}, not both", record=where, field="borrower"
        )
    external = data["borrower"]
    if not isinstance(external, str) or not external:
        raise InputError("must be a borrower's external id", record=where, field="borrower")
    with session.begin():
        borrower_id = session.scalar(select(Borrower.id).where(Borrower.external_id == external))
        if borrower_id is None:
            raise InputError(
                f"no borrower has external id {external!r}", record=where, field="borrower"
            )
        return gate_case(session, borrower_id=borrower_id, at=at)


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
    actor: str = actor_option("cli", "Who asks, for the audit log. 操作人。"),
) -> None:
    """Ask the gate about each contact attempt. 逐条判断触达是否合规。"""
    from fairdebt.compliance.gate import record_decision

    if lang not in ("en", "zh-CN"):
        raise InputError(f"expected en or zh-CN (got {lang!r})", field="--lang")
    chosen = _pack_or_refuse(pack, file)
    session = None
    if record or database:
        from fairdebt.cli.db import open_database
        from fairdebt.db import make_session

        session = make_session(open_database(database))

    def answer(data: Any, where: str) -> dict[str, Any]:
        entity_id = _entity_id(data, where) if record else None
        result, verdict, attempt = check_line(data, where, pack=chosen, lang=lang, session=session)
        if session is not None:
            with session.begin():
                record_decision(
                    session,
                    verdict=verdict,
                    attempt=attempt,
                    actor=actor,
                    at=dt.datetime.now(dt.UTC),
                    pack=chosen,
                    entity_id=entity_id,
                )
        return result

    try:
        _run(file, answer)
    finally:
        if session is not None:
            session.close()


LexiconOption = typer.Option(
    None,
    "--lexicon",
    help="Extra lexicon YAML file, read after the pack's (repeatable). 额外词库文件（可重复）。",
)


@app.command("screen")
def screen_command(
    file: str = FileArgument, pack: str = PackOption, lexicon: list[str] | None = LexiconOption
) -> None:
    """Screen each message or call transcript (``text``, or speaker-labelled ``turns``).
    逐条筛查催收话术或通话记录。"""
    base = _pack_or_refuse(pack, file).id.split("-")[0]
    extra = tuple(lexicon or ())
    if extra:
        from fairdebt.compliance.screening.lexicon import load_lexicon

        load_lexicon(extra)  # a bad lexicon file is a usage error, named once, before any line

    def answer(data: Any, where: str) -> dict[str, Any]:
        return screen_line(data, where, pack=base, lexicons=extra)

    _run(file, answer)


def check_line(
    data: Any, where: str, *, pack: Any, lang: str = "en", session: Any = None
) -> tuple[dict[str, Any], Any, Any]:
    """Answer one ``compliance check`` object: ``(answer, verdict, attempt)``; the CLI and
    ``POST /v1/gate/check`` both call it. InputError names ``where`` and the field. A line
    naming ``borrower`` (an external id) takes history, debtor and consents from the database
    of ``session``."""
    from fairdebt.compliance.attempts import case_from_json
    from fairdebt.compliance.gate import check

    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object (got {type(data).__name__})", record=where)
    attempt, history, debtor, consents = case_from_json(data, record=where)
    if "borrower" in data:
        history, debtor, consents = _facts_from_database(session, data, attempt.at, where)
    verdict = check(attempt, history, debtor, pack, consents=consents)
    return verdict.to_json(id=data.get("id"), lang=lang), verdict, attempt


def screen_line(
    data: Any, where: str, *, pack: str, lexicons: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Answer one ``compliance screen`` object under the base pack (cn, us, uk); the CLI and
    ``POST /v1/screen`` both call it. The object holds ``text`` (a message) or ``turns`` (a call
    transcript: ``[{"speaker": "collector" | "debtor" | ..., "text": ...}]``, of which only the
    collector's turns are screened; each finding then names its ``turn``)."""
    from fairdebt.compliance import screening
    from fairdebt.compliance.screening.transcripts import read_turns, screen_transcript

    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object (got {type(data).__name__})", record=where)
    text = data.get("text")
    turns = None
    if "turns" in data and text is None:
        turns = read_turns(data["turns"], record=where)
    elif not isinstance(text, str):
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
    if turns is not None:
        in_turns = screen_transcript(turns, clean, pack=pack, lexicons=lexicons)
        return {
            "id": data.get("id"),
            "verdict": screening.verdict(t.finding for t in in_turns),
            "findings": [{"turn": t.turn, **_finding_json(t.finding)} for t in in_turns],
        }
    assert isinstance(text, str)
    findings = screening.screen(text, clean, pack=pack, lexicons=lexicons)
    return {
        "id": data.get("id"),
        "verdict": screening.verdict(findings),
        "findings": [_finding_json(f) for f in findings],
    }


def _finding_json(f: Any) -> dict[str, Any]:
    return {
        "category": f.category,
        "start": f.start,
        "end": f.end,
        "rule": f.rule,
        "citation": f.citation,
        "score": f.score,
    }


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt compliance ...`` on the root command."""
    root.add_typer(app, name="compliance")
