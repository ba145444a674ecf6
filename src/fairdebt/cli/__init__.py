"""The ``fairdebt`` command: the edge that reads settings and the clock and owns transactions.

Each command group lives in its own module (``db``, ``audit``, ``ledger``, ``cycle``,
``simulation``, ``compliance``, ``risk``), whose ``mount(app)`` registers its groups and
top-level commands. No traceback ever reaches a user: the root group (:class:`FairdebtGroup`)
catches whatever a command raises and turns it into one line on stderr and an exit status
(docs/decisions/cli-errors.md):

=====  ======================================================================================
code   meaning
=====  ======================================================================================
0      all good
1      the command ran and some lines, rows or entries were refused or found bad
       (a tape with bad rows, a compliance batch with bad lines, a broken audit chain)
2      usage: the command as given cannot run (a bad option, file or URL, an unknown id,
       a date in the future, an unmigrated database); nothing was changed
3      internal error: a bug in fairdebt; the details go to a file named in the message
=====  ======================================================================================

A command signals 1 with ``raise typer.Exit(ExitCode.REFUSED)`` after reporting what it
refused, and 2 by raising any :class:`~fairdebt.errors.FairdebtError`.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
import traceback
from enum import IntEnum
from typing import Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from fairdebt.errors import FairdebtError, IntegrityError

__all__ = ["ExitCode", "FairdebtGroup", "app", "explain_error", "main", "say_error"]


class ExitCode(IntEnum):
    """The four exit statuses of every fairdebt command."""

    OK = 0
    REFUSED = 1
    USAGE = 2
    INTERNAL = 3


def say_error(message: str, *, label: str = "error") -> None:
    """Print one red ``error: ...`` line on stderr, never wrapped and never read as markup."""
    line = Text.assemble((f"{label}: ", "bold red"), message.replace("\n", " "))
    Console(stderr=True, soft_wrap=True, highlight=False).print(line)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def explain_error(error: Exception) -> tuple[str, ExitCode] | None:
    """The one line and exit code for an error a user can act on; None for a bug.

    Database errors are explained here, once, so that every command (including ones added
    later) says what to do about an unreachable or unmigrated database.
    """
    if isinstance(error, FairdebtError):
        code = ExitCode.REFUSED if isinstance(error, IntegrityError) else ExitCode.USAGE
        return str(error), code
    from pydantic import ValidationError
    from sqlalchemy import exc as sa

    if isinstance(error, ValidationError) and error.title == "Settings":
        problem = error.errors()[0]
        name = "FAIRDEBT_" + "_".join(str(p) for p in problem["loc"]).upper()
        return f"setting {name}: {problem['msg']} (got {problem['input']!r})", ExitCode.USAGE
    if isinstance(error, sa.StatementError) and isinstance(error.orig, FairdebtError):
        return str(error.orig), ExitCode.USAGE  # e.g. an amount no money column can hold
    if isinstance(error, OverflowError | sa.StatementError) and "too large" in str(error):
        # sqlite3 refuses an integer past 64 bits (an id typed with 50 digits) before SQL runs
        return f"a number is too large for the database ({_first_line(error)})", ExitCode.USAGE
    if isinstance(error, sa.NoSuchModuleError | sa.ArgumentError):
        return (
            f"field --database: cannot use this database URL ({_first_line(error)}); expected "
            "e.g. sqlite:///fairdebt.db or postgresql+psycopg://user@host/db",
            ExitCode.USAGE,
        )
    if isinstance(error, sa.DataError):
        return (
            f"the database refused a value as too long or out of range "
            f"({_first_line(getattr(error, 'orig', None) or error)})",
            ExitCode.USAGE,
        )
    if isinstance(error, sa.OperationalError | sa.ProgrammingError):
        detail = _first_line(getattr(error, "orig", None) or error)
        if "no such table" in detail or "does not exist" in detail:
            return (
                f"the database has no fairdebt tables or is behind this version ({detail}): "
                "run `fairdebt db upgrade` (with the same --database) first  数据库未迁移",
                ExitCode.USAGE,
            )
        return (
            f"cannot use the database ({detail}): check the URL (--database or "
            "FAIRDEBT_DATABASE_URL) and that the server is running  无法连接数据库",
            ExitCode.USAGE,
        )
    if isinstance(error, OSError) and error.errno not in (errno.EPIPE, None):
        where = f" {error.filename!s}" if error.filename else ""
        return f"cannot read or write{where} ({error.strerror})", ExitCode.USAGE
    if isinstance(error, MemoryError):
        return "out of memory: try a smaller file or date range", ExitCode.USAGE
    return None


def _report_bug(error: BaseException) -> str:
    """Write the traceback to a file for the bug report; return where (or why not)."""
    try:
        handle, path = tempfile.mkstemp(prefix="fairdebt-error-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as file:
            file.write(f"fairdebt {' '.join(sys.argv[1:])}\n\n")
            file.write("".join(traceback.format_exception(error)))
    except OSError:
        return "the details could not be written"
    return f"details in {path}"


class FairdebtGroup(TyperGroup):
    """The root group: runs the command and maps anything it raises to a line and a code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return self._invoke(ctx)
        finally:
            from fairdebt.cli.db import close_databases

            close_databases()

    def _invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt):
            raise  # exits, Ctrl-C and usage errors keep the framework's own handling
        except BrokenPipeError:
            raise  # the framework quiets a closed pipe (``fairdebt ... | head``)
        except RecursionError as error:
            say_error(f"the input is nested too deeply to read ({error})")
            raise typer.Exit(ExitCode.USAGE) from None
        except Exception as error:
            known = explain_error(error)
            if known is not None:
                message, code = known
                say_error(message)
                raise typer.Exit(code) from None
            where = _report_bug(error)
            say_error(
                f"{type(error).__name__}: {_first_line(error)} ({where}; please report it "
                "with the command you ran)  内部错误",
                label="internal error",
            )
            raise typer.Exit(ExitCode.INTERNAL) from None


app = typer.Typer(
    name="fairdebt",
    cls=FairdebtGroup,
    help="fairdebt: fair, lawful and effective debt collection. 公平、合规、有效的催收系统。"
    " Exit codes 退出码: 0 ok, 1 some rows or lines refused, 2 usage, 3 internal error.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _mount() -> None:
    # Imported here so that `fairdebt --help` stays fast and a group's heavy imports
    # (LightGBM, jieba) load only inside its own commands.
    from fairdebt.cli import (
        agencies,
        audit,
        complaints,
        compliance,
        cycle,
        db,
        explain,
        ledger,
        plans,
        reports,
        risk,
        simulation,
        strategy,
    )

    for module in (
        db,
        audit,
        ledger,
        cycle,
        simulation,
        compliance,
        risk,
        strategy,
        complaints,
        agencies,
        plans,
        reports,
        explain,
    ):
        module.mount(app)
    __import__("fairdebt.cli.web", fromlist=["mount"]).mount(app)  # serve, users


_mount()


def main() -> None:
    """Entry point of the console script and of ``python -m fairdebt``."""
    try:
        app()
    except SystemExit:
        raise
    except BaseException as error:  # the last line of defence: no traceback
        if isinstance(error, KeyboardInterrupt):
            sys.exit(130)
        say_error(f"{type(error).__name__}: {_first_line(error)}", label="internal error")
        sys.exit(ExitCode.INTERNAL)
