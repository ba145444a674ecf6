"""One Settings object, read from the environment (prefix ``FAIRDEBT_``) at the edge only.

Domain code never imports this module: the CLI and the web layer build a ``Settings`` and pass
what is needed (a database URL, an engine name) down as arguments.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from fairdebt.money import DEFAULT_MAX_AMOUNT, STORAGE_MAX_AMOUNT

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Where the data lives and which engine runs the batch work.

    ``database_url`` defaults to an embedded SQLite file in the working folder; production uses
    ``postgresql+psycopg://...``. ``cycle_engine`` is ``duckdb`` (in-process, the default) or
    ``native`` (run the cycle's expressions inside the database itself). ``max_amount`` bounds
    every amount typed on the command line.
    """

    model_config = SettingsConfigDict(env_prefix="FAIRDEBT_")

    database_url: str = "sqlite:///fairdebt.db"
    cycle_engine: str = "duckdb"
    report_dir: str = "reports"
    # The largest amount, in yuan, any command accepts (FAIRDEBT_MAX_AMOUNT); above it is a
    # typo, refused naming the record and field (docs/decisions/exact-money.md). It may be
    # raised up to what a money column holds (NUMERIC(18, 2), integer cents on SQLite).
    max_amount: Decimal = Field(default=DEFAULT_MAX_AMOUNT, gt=0, le=STORAGE_MAX_AMOUNT)
