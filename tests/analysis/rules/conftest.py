"""Fixtures of the rule tests."""

from __future__ import annotations

import pytest

from loaders import demo_data as sample
from loaders.ingest.files import ingest_file
from tests.conftest import SAMPLE, score_with_ground_truth


@pytest.fixture
def sample_settings(settings):
    """The sample data with its intended sentiment as the active model's labels."""
    for name in sample.DOCUMENT_FILES:
        ingest_file(SAMPLE / name, settings=settings)
    score_with_ground_truth(settings)
    return settings
