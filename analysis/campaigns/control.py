"""The database side of campaign impact: the days a campaign is compared on and its control
units, read from the daily panel (see :mod:`analysis.campaigns.impact`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np

from analysis.campaigns import sql
from analysis.campaigns.impact import PRE_DAYS_MAX, PRE_DAYS_MIN, Impact, Series, assess
from analysis.campaigns.panel import Panel


def comparison_days(start: date, end: date, first: date, last: date) -> tuple[date, date] | None:
    """The days compared: before (the campaign's length, at least 8 weeks, at most half a
    year) through the campaign's end, inside the data's days; None when the data
    holds no day before the campaign or none during it."""
    days = (end - start).days + 1
    before = min(max(days, PRE_DAYS_MIN), PRE_DAYS_MAX)
    lo, hi = max(start - timedelta(days=before), first), min(end, last)
    return (lo, hi) if lo < start <= hi else None


def _units(
    panel: Panel, campaign: dict[str, Any], lo: date, hi: date
) -> tuple[Series, dict[str, Series], str]:
    """The brand's series, its control units' series and the control in words: the other
    brands with labelled posts in those days; with none, the brand's channels the campaign
    did not use."""
    brand = campaign["brand"]
    if brand is None:
        return panel.series(lo, hi), {}, "no control"
    controls = {b: panel.series(lo, hi, b) for b in panel.brands() if b != brand}
    controls = {b: s for b, s in controls.items() if s.labeled.sum() > 0}
    if controls:
        shown = ", ".join(sorted(controls)[:5]) + (", ..." if len(controls) > 5 else "")
        return panel.series(lo, hi, brand), controls, f"the other brands ({shown})"
    used = {c.lower() for c in campaign.get("channels") or []}
    untouched = sorted({c for b, c in panel.units if b == brand and c and c.lower() not in used})
    if used and untouched:
        channels = {
            f"{brand} {c}": panel.series(lo, hi, brand, channels={c.lower()}) for c in untouched
        }
        touched = panel.series(lo, hi, brand, channels=used)
        return touched, channels, f"{brand}'s channels without the campaign"
    return panel.series(lo, hi, brand), {}, "no control"


def impact_from_panel(
    panel: Panel,
    campaign: dict[str, Any],
    span: tuple[date, date],
    others: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Impact:
    """The campaign's impact from a panel that covers ``span`` (see :func:`comparison_days`);
    the brand's ``others`` campaigns that ran in the days before are named in its events
    (they are part of the baseline: a lift there makes this campaign look worse)."""
    first, last = span
    during = np.arange((last - first).days + 1) >= (campaign["start_date"] - first).days
    own, controls, words = _units(panel, campaign, first, last)
    impact = assess(own, controls, during, words)
    if campaign["brand"] is None:  # a whole-market campaign: nothing untouched to compare
        return replace(
            impact,
            verdict="cannot tell",
            reason="the campaign names no brand, so nothing in the data went without it; "
            "give it the brand it promoted",
            net=None,
            volume=None,
            rating=None,
            synthetic=None,
        )
    earlier = [
        o["name"]
        for o in others
        if o["name"] != campaign["name"]
        and o["brand"] == campaign["brand"]
        and o["start_date"] < campaign["start_date"]
        and o["end_date"] >= first
    ]
    if earlier:
        note = (
            f"The brand's campaign{'s' if len(earlier) > 1 else ''} {', '.join(earlier)} ran in "
            f"the {impact.pre_days} days compared before this one: part of its baseline."
        )
        impact = replace(impact, events=[note])
    return impact


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    found = con.execute(sql.DATA_DAYS).fetchall()
    return (found[0][0], found[0][1]) if found and found[0][0] is not None else None


def comparison_spans(
    con: duckdb.DuckDBPyConnection, campaigns: list[dict[str, Any]]
) -> dict[str, tuple[date, date] | None]:
    span = data_span(con)
    return {
        c["name"]: comparison_days(c["start_date"], c["end_date"], *span) if span else None
        for c in campaigns
    }


def campaign_impacts(
    panel: Panel,
    campaigns: list[dict[str, Any]],
    spans: dict[str, tuple[date, date] | None],
    everyone: list[dict[str, Any]],
) -> dict[str, Impact | None]:
    """Each campaign's impact (None where the data has no day before or during it) from a
    panel that covers their ``spans``; ``everyone``: all campaigns (earlier ones are named)."""
    return {
        c["name"]: impact_from_panel(panel, c, spans[c["name"]], everyone)  # type: ignore[arg-type]
        if spans.get(c["name"])
        else None
        for c in campaigns
    }
