"""Workspace choices: "my brand", set once and followed by every page, card and report.

The ``my_brand`` setting (TOML or ``BRANDPULSE_MY_BRAND``) wins; otherwise the brand picked
on the Overview's first-run prompt or in the sidebar, stored in the database's ``workspace``
table. Competitors are the other brands in the data.
"""

from __future__ import annotations

import duckdb

from loaders import store
from loaders.config import Settings
from loaders.store.sql import DELETE_WORKSPACE_VALUE, SELECT_WORKSPACE_VALUE, UPSERT_WORKSPACE_VALUE

MY_BRAND = "my_brand"


def stored_brand(con: duckdb.DuckDBPyConnection) -> str | None:
    """The brand chosen in the dashboard, or None when none was chosen."""
    return store.scalar(con, SELECT_WORKSPACE_VALUE, [MY_BRAND])


def my_brand(con: duckdb.DuckDBPyConnection, settings: Settings) -> str | None:
    """The marketer's own brand: the setting when set, else the stored choice, else None."""
    chosen = settings.my_brand.strip()
    return chosen or stored_brand(con)


def save_my_brand(settings: Settings, brand: str | None) -> None:
    """Store the dashboard's choice of brand (None forgets it). The setting, when set, still
    wins: pages say so instead of offering the choice."""
    with store.session(settings=settings) as con, store.transaction(con):
        if brand is None or not brand.strip():
            con.execute(DELETE_WORKSPACE_VALUE, [MY_BRAND])
        else:
            con.execute(UPSERT_WORKSPACE_VALUE, [MY_BRAND, brand.strip()])
