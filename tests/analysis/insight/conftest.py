"""The insight tests' database: two brands over six hand-built weeks (tests.analysis.topics)."""

from __future__ import annotations

import pytest

from loaders import store
from tests.analysis.topics.test_trends import build


@pytest.fixture
def con(settings):
    build(settings)
    with store.session(settings=settings, read_only=True) as connection:
        yield connection
