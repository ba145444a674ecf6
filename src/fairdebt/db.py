"""Engines, sessions and migrations: the edge that opens connections to the database.

``make_engine`` tunes SQLite for an embedded, single-writer ledger (WAL, foreign keys on);
``upgrade`` applies the Alembic migrations shipped inside the package. Callers own transactions:
``with make_session(engine) as session, session.begin(): ...``.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["make_engine", "make_session", "upgrade"]


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    return engine


def make_session(engine: Engine) -> Session:
    """A session bound to ``engine`` that never expires objects on commit."""
    return sessionmaker(engine, expire_on_commit=False)()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the shipped Alembic migrations up to ``revision`` on ``engine``."""
    from alembic import command
    from alembic.config import Config

    script_location = str(resources.files("fairdebt") / "migrations")
    config = Config()
    config.set_main_option("script_location", script_location)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
