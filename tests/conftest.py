"""Shared fixtures: one suite over every database backend.

``engine`` is parametrised over SQLite (a file in tmp_path) and PostgreSQL (a fresh database
per test on the server named by FAIRDEBT_TEST_POSTGRES_URL). Without that variable the PostgreSQL
cases are deselected and the run says so at the end; `make test` and `.ci/run` set it.

The shipped migrations run once per test process, into a template (a SQLite file; a PostgreSQL
database), and every test's migrated database is a copy of it: running Alembic for each of four
hundred tests cost a second each on PostgreSQL. The tests of the migrations themselves start
from an empty database (``database_url``) and run them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from fairdebt.db import make_engine, make_session, upgrade

POSTGRES_URL = os.environ.get("FAIRDEBT_TEST_POSTGRES_URL")
# CI runs every property test on the same examples (a landing must not hang on a new random
# counterexample); a developer's run explores new ones and keeps what it finds in .hypothesis/.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
_deselected: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRES_URL:
        return
    keep = []
    for item in items:
        if item.get_closest_marker("postgres"):
            _deselected.append(item.nodeid)
        else:
            keep.append(item)
    if _deselected:
        config.hook.pytest_deselected(items=[i for i in items if i.nodeid in _deselected])
        items[:] = keep


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _deselected:
        terminalreporter.write_line(
            f"{len(_deselected)} PostgreSQL tests deselected: set FAIRDEBT_TEST_POSTGRES_URL "
            "(make test sets it) to run them",
            yellow=True,
        )


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike[str]) -> str:
    return f"sqlite:///{tmp_path}/fairdebt.db"


def _admin() -> Engine:
    assert POSTGRES_URL, "FAIRDEBT_TEST_POSTGRES_URL is not set"
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


def _database(name: str) -> str:
    assert POSTGRES_URL
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh, empty database on the server, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield _database(name)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the shipped migrations applied, once per test process."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str]:
    """The name of a PostgreSQL database with the shipped migrations applied, once per test
    process; nothing stays connected to it, so it can serve as a template."""
    name = f"template_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(_database(name))
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migrate(url: str, request: pytest.FixtureRequest) -> None:
    """Make the empty database at ``url`` a copy of the migrated template of its backend (or
    run the migrations, if something was written to it already)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(str(parsed.database))
        if not path.exists():
            shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
            return
    else:
        template = request.getfixturevalue("migrated_postgres")
        probe = make_engine(url)
        with probe.connect() as connection:
            empty = not connection.execute(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
            ).scalar()
        probe.dispose()
        if empty:
            admin = _admin()
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{parsed.database}" WITH (FORCE)'))
                connection.execute(
                    text(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{template}"')
                )
            admin.dispose()
            return
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database on each backend in turn."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def engine(database_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on a migrated, empty database, on each backend in turn."""
    _migrate(database_url, request)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_session(engine) as session:
        yield session
