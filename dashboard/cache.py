"""The dashboard's only home for Streamlit caching and database connections."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from loaders import store
from loaders.info import StoreInfo, store_info
from loaders.settings import load_settings


def db_path() -> Path:
    return Path(os.environ.get("BRANDPULSE_DB") or load_settings().db)


def _data_version(path: Path) -> float:
    """Changes whenever the file is written (an ingest or analysis), keying the caches."""
    wal = path.with_name(path.name + ".wal")
    return max((p.stat().st_mtime for p in (path, wal) if p.exists()), default=0.0)


@st.cache_data(show_spinner=False)
def _info(path: str, version: float) -> StoreInfo:
    with store.session(path, read_only=True) as con:
        return store_info(con)


@st.cache_data(show_spinner=False)
def _query(path: str, version: float, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    with store.session(path, read_only=True) as con:
        return con.execute(sql, list(params)).df()


def info() -> StoreInfo:
    path = db_path()
    return _info(str(path), _data_version(path))


def query(sql: str, params: tuple[Any, ...] = ()) -> pd.DataFrame:
    path = db_path()
    return _query(str(path), _data_version(path), sql, params)


@st.cache_data(show_spinner=False)
def _schema(path: str, version: float) -> dict[str, list[tuple[str, str]]]:
    from analysis.explore import schema as read_schema

    return read_schema(path)


def schema() -> dict[str, list[tuple[str, str]]]:
    """Tables and columns for the Explore page's schema browser."""
    path = db_path()
    return _schema(str(path), _data_version(path))
