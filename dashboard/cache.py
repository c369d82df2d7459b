"""The dashboard's only home for Streamlit caching and database connections.

Query results are cached per database *version*: the modification time of the file and
its write-ahead log, which every ingest, analysis run or edit changes. Pages ask for
data through :func:`data`, naming an ``analysis`` function that takes a connection first;
they never open connections or cache anything themselves.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from loaders import store
from loaders.config import Settings, load_settings
from loaders.errors import DatabaseBusyError
from loaders.store.info import StoreInfo, store_info

T = TypeVar("T")
BUSY_SPINNER = (
    "The database is busy (another Brandpulse command is writing); this page waits for it..."
)
# The first try waits this long for the lock; then the page says it is waiting.
_QUICK_LOCK_S = 0.5


def settings() -> Settings:
    """The effective settings (cheap to read: defaults, TOML, environment), with the
    database the dashboard was started on."""
    chosen = os.environ.get("BRANDPULSE_DB")
    return load_settings({"db": Path(chosen)} if chosen else None)


def db_path() -> Path:
    return Path(settings().db)


def _reading_settings(lock_timeout_s: float | None) -> Settings:
    chosen = settings()
    if lock_timeout_s is None:
        return chosen
    return dataclasses.replace(chosen, lock_timeout_s=lock_timeout_s)


def _patiently(cached: Callable[..., T], *args: Any) -> T:
    """``cached(*args, _lock_timeout_s=...)``: a short try, then, while a writer holds the
    lock, a spinner saying so around the full wait (instead of a blank page)."""
    try:
        return cached(*args, _lock_timeout_s=_QUICK_LOCK_S)
    except DatabaseBusyError:
        with st.spinner(BUSY_SPINNER):
            return cached(*args, _lock_timeout_s=None)


def _data_version(path: Path) -> float:
    """Changes whenever the file is written (an ingest or analysis), keying the caches."""
    wal = path.with_name(path.name + ".wal")
    return max((p.stat().st_mtime_ns for p in (path, wal) if p.exists()), default=0)


@st.cache_data(show_spinner=False, max_entries=16)
def _info(path: str, version: float, _lock_timeout_s: float | None = None) -> StoreInfo:
    reading = _reading_settings(_lock_timeout_s)
    with store.session(path, read_only=True, settings=reading) as con:
        return store_info(con)


def info() -> StoreInfo:
    path = db_path()
    return _patiently(_info, str(path), _data_version(path))


@st.cache_data(show_spinner=False, max_entries=512)
def _call(
    path: str,
    version: float,
    target: str,
    args: tuple,
    kwargs: tuple,
    _lock_timeout_s: float | None = None,
) -> Any:
    module, name = target.rsplit(".", 1)
    function = getattr(importlib.import_module(module), name)
    reading = _reading_settings(_lock_timeout_s)
    with store.session(path, read_only=True, settings=reading) as con:
        return function(con, *args, **dict(kwargs))


def data(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(connection, *args, **kwargs)`` on a read-only connection, cached per DB version."""
    path = db_path()
    target = f"{function.__module__}.{function.__qualname__}"
    key = (str(path), _data_version(path), target, args, tuple(sorted(kwargs.items())))
    return _patiently(_call, *key)


@st.cache_data(show_spinner=False, max_entries=16)
def _schema(
    path: str, version: float, _lock_timeout_s: float | None = None
) -> dict[str, list[tuple[str, str]]]:
    from analysis.explore.sql_box import schema as read_schema

    return read_schema(path, _reading_settings(_lock_timeout_s))


def schema() -> dict[str, list[tuple[str, str]]]:
    """Tables and columns for the Explore page's schema browser."""
    path = db_path()
    return _patiently(_schema, str(path), _data_version(path))


@st.cache_data(show_spinner=False, max_entries=4)
def _preview(path: str, file_id: str) -> Any:
    from loaders.ingest.files import preview_file

    return preview_file(path, settings=settings())


def preview(path: Path, file_id: str) -> Any:
    """The Data page's preview and suggested mapping of an uploaded file (read once)."""
    return _preview(str(path), file_id)


def write(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(connection, *args, **kwargs)`` on a short read-write connection (an edit)."""
    with store.session(settings=settings()) as con:
        return function(con, *args, **kwargs)


def my_brand() -> tuple[str | None, bool]:
    """(my brand, whether the ``my_brand`` setting sets it) (loaders.workspace): the setting
    wins; else the stored choice, read per database version like every query."""
    from loaders.workspace import stored_brand

    chosen = settings().my_brand.strip()
    return (chosen, True) if chosen else (data(stored_brand), False)


def save_my_brand(brand: str | None) -> None:
    """Store the dashboard's choice of my brand. The write changes the database's version,
    which keys every cached query: pages read the new choice on their next run."""
    from loaders.workspace import save_my_brand as save

    save(settings(), brand)


@st.cache_resource(show_spinner=False, max_entries=2)
def _generator(
    choice: str, base_url: str, model: str, key: str, model_dir: str, adapter: str
) -> Any:
    from analysis.suggestions.generators import make_generator

    return make_generator(settings())


def generator() -> Any:
    """The copy generator the settings name, shared by every session (a local model loads
    on its first use, once per process); None means fixed phrasings only."""
    chosen = settings()
    return _generator(
        chosen.generator,
        chosen.generator_base_url,
        chosen.generator_model,
        chosen.generator_api_key,
        str(chosen.model_dir),
        chosen.generator_adapter,
    )


def reset_generator() -> None:
    """Forget the shared generator: the next use loads it again (with a new active adapter)."""
    _generator.clear()
