"""Deterministic generator of the bundled demo data (``brandpulse sample``, ``sample_data/``).

A fictional drinkware brand, Tidewell, and two competitors, Glacio and Pinecup, over 16
weeks (2025-08-25 to 2025-12-14): reviews, social posts and campaigns. Known signals
are planted so that later analysis can be checked against them:

- ``lid_leak``: a defect complaint wave about the Tidewell Trail Bottle lid in 2025-W41;
- ``shipping_delay``: late Black Friday orders in 2025-W48 and W49;
- ``refill_rewards``: a campaign (#RefillRewards, 2025-09-15..10-05) that lifts sentiment;
- ``grind_backlash``: a campaign (#GrindNeverStops, 2025-10-27..11-09) that backfires;
- ``glacio_outage``: a Glacio app outage in 2025-W46 that spikes comparisons.

The theme and intended sentiment of every document go to ``ground_truth.csv``, which
only tests read.

Modules: ``scenario`` (brands, weeks, planted signals, campaigns), ``vocabulary`` (the
words), ``texts`` (composes one text), ``documents`` (all documents, ``generate``) and
``files`` (the CSV files, ``write_sample``). This package imports only ``loaders``.
"""

from __future__ import annotations

from loaders.demo_data.documents import Doc, generate
from loaders.demo_data.files import ensure_sample, write_sample
from loaders.demo_data.scenario import (
    CAMPAIGNS_FILE,
    DEFAULT_SEED,
    DOCUMENT_FILES,
    PLANTED_THEMES,
    TRUTH_FILE,
)

__all__ = [
    "CAMPAIGNS_FILE",
    "DEFAULT_SEED",
    "DOCUMENT_FILES",
    "PLANTED_THEMES",
    "TRUTH_FILE",
    "Doc",
    "ensure_sample",
    "generate",
    "write_sample",
]
