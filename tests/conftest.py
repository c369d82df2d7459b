from __future__ import annotations

from pathlib import Path

import pytest

from loaders import store
from loaders.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLE = REPO / "sample_data"

needs_shared = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason="../shared/data is absent (a fresh clone has no shared data)"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "test.duckdb", lock_timeout_s=30)


@pytest.fixture
def db(settings: Settings) -> Path:
    return settings.db


def scalar(db: Path, sql: str, params: list | None = None):
    with store.session(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()[0][0]


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with store.session(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
