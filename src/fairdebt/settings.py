"""One Settings object, read from the environment (prefix ``FAIRDEBT_``) at the edge only.

Domain code never imports this module: the CLI and the web layer build a ``Settings`` and pass
what is needed (a database URL, an engine name) down as arguments.
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Where the data lives and which engine runs the batch work.

    ``database_url`` defaults to an embedded SQLite file in the working folder; production uses
    ``postgresql+psycopg://...``. ``cycle_engine`` is ``duckdb`` (in-process, the default) or
    ``native`` (run the cycle's expressions inside the database itself).
    """

    model_config = SettingsConfigDict(env_prefix="FAIRDEBT_")

    database_url: str = "sqlite:///fairdebt.db"
    cycle_engine: str = "duckdb"
    report_dir: str = "reports"
