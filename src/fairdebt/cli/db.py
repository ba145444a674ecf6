"""``fairdebt db upgrade``, and :func:`open_database`, the one way a command opens the database.

:func:`open_database` resolves the URL (``--database``, else ``FAIRDEBT_DATABASE_URL``, else
``./fairdebt.db``, else the demo's ``./fairdebt-demo.db``), and refuses, in one line that says
what to do, a URL it cannot read, a SQLite file that does not exist (so no command but
``db upgrade``, ``simulate`` and ``demo`` ever creates a database file), a server it cannot
reach, and a database whose schema is not this version's (``fairdebt db upgrade``). See
docs/decisions/cli-errors.md.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy import exc as sa
from sqlalchemy.engine import URL, make_url

from fairdebt.db import make_engine, upgrade
from fairdebt.errors import ConfigurationError, InputError
from fairdebt.settings import Settings

__all__ = [
    "DEFAULT_URL",
    "DEMO_URL",
    "close_databases",
    "database_url",
    "mount",
    "open_database",
    "shown",
]

app = typer.Typer(help="Database schema. 数据库结构。", no_args_is_help=True)

DEFAULT_URL = "sqlite:///fairdebt.db"
DEMO_URL = "sqlite:///fairdebt-demo.db"
DatabaseOption = typer.Option(
    None, "--database", help="SQLAlchemy URL; default FAIRDEBT_DATABASE_URL. 数据库地址。"
)


# Engines opened by the running command; the root group closes them when the command ends, so
# no pooled connection outlives it (PostgreSQL would log an unclosed connection).
_opened: list[Engine] = []


def close_databases() -> None:
    """Dispose of every engine :func:`open_database` made for the command that just ended."""
    while _opened:
        _opened.pop().dispose()


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except (sa.ArgumentError, ValueError) as error:
        raise InputError(
            f"cannot read {url!r} as a database URL ({error}); expected e.g. "
            "sqlite:///fairdebt.db or postgresql+psycopg://user@host/db  数据库地址格式错误",
            field="--database",
        ) from None


def shown(url: str) -> str:
    """The URL as it may be printed: the password, if any, masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa.ArgumentError, ValueError):
        return url


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database is not None and url.database.startswith("file:"):
        return None  # a URI filename: SQLite's own options decide
    return Path(url.database or "")


def database_url(database: str | None, *, note: bool = True) -> str:
    """The URL a command uses: ``--database``, the setting, ./fairdebt.db, or the demo's.

    The demo's database is used only when nothing was configured and ./fairdebt.db does not
    exist, so that after ``make demo`` the reporting commands find it (saying so on stderr).
    """
    if database is not None:
        return database
    settings = Settings()
    if "database_url" in settings.model_fields_set:
        return settings.database_url
    default, demo = _sqlite_file(make_url(DEFAULT_URL)), _sqlite_file(make_url(DEMO_URL))
    if default is not None and demo is not None and not default.exists() and demo.exists():
        if note:
            Console(stderr=True, highlight=False).print(
                f"note: using the demo database {DEMO_URL} (no ./fairdebt.db and no "
                "FAIRDEBT_DATABASE_URL)  使用演示数据库",
                soft_wrap=True,
            )
        return DEMO_URL
    return DEFAULT_URL


@functools.cache
def _shipped_heads() -> frozenset[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(resources.files("fairdebt") / "migrations"))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _check_schema(engine: Engine, url: str) -> None:
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except sa.DBAPIError as error:
        detail = str(getattr(error, "orig", error)).strip().splitlines()
        raise ConfigurationError(
            f"cannot open the database at {shown(url)} ({detail[0] if detail else error}): "
            "check the URL (--database or FAIRDEBT_DATABASE_URL) and that the server is "
            "running  无法连接数据库"
        ) from None
    heads = _shipped_heads()
    if current == heads:
        return
    if not current:
        state = "has no fairdebt schema"
    elif current - heads and not heads - current:
        raise ConfigurationError(
            f"the database at {shown(url)} is at revision {', '.join(sorted(current))}, which "
            "this fairdebt does not know: it was migrated by a newer version; upgrade fairdebt"
        )
    else:
        state = f"is at revision {', '.join(sorted(current))}, not {', '.join(sorted(heads))}"
    raise ConfigurationError(
        f"the database at {shown(url)} {state}: run `fairdebt db upgrade --database "
        f"{shown(url)}` first  数据库未迁移，请先执行 fairdebt db upgrade"
    )


def open_database(database: str | None, *, create: bool = False) -> Engine:
    """An engine on a reachable database at this version's schema, or one clear error.

    ``create=True`` (``db upgrade``, ``simulate``) may create a SQLite file; every other
    command refuses a missing one instead of leaving an empty file behind.
    """
    # Only reading commands fall back to the demo's database; creating ones make ./fairdebt.db.
    url = Settings().database_url if create and database is None else database_url(database)
    parsed = _parse(url)
    path = _sqlite_file(parsed)
    if path is not None and not create and not path.is_file():
        raise ConfigurationError(
            f"no database at {path}: create it with `fairdebt db upgrade --database {url}` "
            "(or run `make demo` for a demo database)  数据库不存在"
        )
    if path is not None and create and not path.parent.is_dir():
        raise InputError(f"no folder {path.parent} for the database file", field="--database")
    try:
        engine = make_engine(url)
    except (sa.ArgumentError, sa.NoSuchModuleError, ValueError, ImportError) as error:
        raise InputError(
            f"cannot use {shown(url)} ({error}); expected e.g. sqlite:///fairdebt.db or "
            "postgresql+psycopg://user@host/db",
            field="--database",
        ) from None
    _opened.append(engine)
    if not create:
        _check_schema(engine, url)
    return engine


@app.command("upgrade")
def upgrade_command(database: str | None = DatabaseOption) -> None:
    """Create or migrate the database. 创建或迁移数据库。"""
    engine = open_database(database, create=True)
    try:
        upgrade(engine)
    except sa.DBAPIError as error:
        detail = str(getattr(error, "orig", error)).strip().splitlines()
        raise ConfigurationError(
            f"cannot migrate the database at {shown(str(engine.url))} "
            f"({detail[0] if detail else error}): check the URL and that the server is running"
        ) from None
    Console().print(f"database at [bold]{shown(str(engine.url))}[/] is up to date")


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt db ...`` on the root command."""
    root.add_typer(app, name="db")
