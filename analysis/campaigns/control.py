"""The database side of campaign impact: the daily panel a campaign is measured on, its
control units, and the spikes that overlapped it (see :mod:`analysis.campaigns.impact`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analysis.campaigns import sql
from analysis.campaigns.impact import PRE_DAYS_MAX, PRE_DAYS_MIN, Impact, Series, assess
from analysis.filters import Filters

# A control whose net sentiment fell at least this much "fell too" (less is noise).
MARKET_FELL = 0.05
_COUNTS = ["documents", "labeled", "positive", "negative", "rated", "rating_sum"]


def comparison_days(start: date, end: date, first: date, last: date) -> tuple[date, date] | None:
    """The days compared: before (at least 8 weeks, at most half a year, never shorter than
    the campaign) through the campaign's end, inside the data's days; None when the data
    holds no day before the campaign or none during it."""
    days = (end - start).days + 1
    before = min(max(days, PRE_DAYS_MIN), PRE_DAYS_MAX)
    lo, hi = max(start - timedelta(days=before), first), min(end, last)
    return (lo, hi) if lo < start <= hi else None


def read_panel(con: duckdb.DuckDBPyConnection, first: date, last: date) -> pd.DataFrame:
    """Daily counts per brand and channel between two days (one scan)."""
    frame = con.execute(sql.DAILY_PANEL, [first, last]).df()
    frame["channel"] = frame["channel"].fillna("")
    return frame


def _series(frame: pd.DataFrame, days: pd.DatetimeIndex) -> Series:
    daily = frame.groupby("day")[_COUNTS].sum().reindex(days, fill_value=0)
    return Series(*(daily[c].to_numpy(dtype=float) for c in _COUNTS))


def _units(
    panel: pd.DataFrame, campaign: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], str]:
    """The brand's rows, the control units' rows and the control in words: the other brands;
    with none, the brand's channels the campaign did not use."""
    brand = campaign["brand"]
    if brand is None:
        return panel, {}, "no control"
    own = panel[panel["brand"] == brand]
    others = panel[panel["brand"] != brand]
    if not others.empty:
        units = {name: rows for name, rows in others.groupby("brand")}
        shown = ", ".join(sorted(units)[:5]) + (", ..." if len(units) > 5 else "")
        return own, units, f"the other brands ({shown})"
    used = {c.lower() for c in campaign.get("channels") or []}
    if used:
        untouched = own[~own["channel"].str.lower().isin(used)]
        units = {f"{brand} {name}": rows for name, rows in untouched.groupby("channel") if name}
        if units:
            touched = own[own["channel"].str.lower().isin(used)]
            return touched, units, f"{brand}'s channels without the campaign"
    return own, {}, "no control"


def impact_from_panel(
    panel: pd.DataFrame,
    campaign: dict[str, Any],
    span: tuple[date, date],
    others: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Impact:
    """The campaign's impact from a panel that covers ``span`` (see :func:`comparison_days`);
    the brand's ``others`` campaigns that ran in the days before are named in its events
    (they are part of the baseline: a lift there makes this campaign look worse)."""
    first, last = span
    rows = panel[(panel["day"] >= pd.Timestamp(first)) & (panel["day"] <= pd.Timestamp(last))]
    days = pd.date_range(first, last, freq="D")
    during = np.asarray(days >= pd.Timestamp(campaign["start_date"]))
    own, units, words = _units(rows, campaign)
    controls = {name: _series(unit, days) for name, unit in units.items()}
    impact = assess(_series(own, days), controls, during, words)
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


def campaign_impacts(
    con: duckdb.DuckDBPyConnection, campaigns: list[dict[str, Any]], only: str | None = None
) -> dict[str, Impact | None]:
    """Each campaign's impact (None where the data has no day before or during it), from
    one scan of the database for all of them; ``only``: just that campaign's."""
    span = data_span(con)
    spans = {
        c["name"]: comparison_days(c["start_date"], c["end_date"], *span) if span else None
        for c in campaigns
        if only is None or c["name"] == only
    }
    wanted = [s for s in spans.values() if s is not None]
    if not wanted:
        return dict.fromkeys(spans)
    panel = read_panel(con, min(s[0] for s in wanted), max(s[1] for s in wanted))
    panel["day"] = pd.to_datetime(panel["day"])
    return {
        c["name"]: impact_from_panel(panel, c, spans[c["name"]], campaigns)
        if spans[c["name"]]
        else None
        for c in campaigns
        if c["name"] in spans
    }


def overlapping_events(
    con: duckdb.DuckDBPyConnection, impact: Impact, brand: str | None, start: date, end: date
) -> Impact:
    """``impact`` with the spikes of the brand and of the whole market whose week overlaps
    the campaign, in words (they explain raw changes the control should absorb)."""
    from analysis.topics.spikes import detect_spikes

    found = []
    scopes = [("the whole market", Filters(end=end))]
    if brand:
        scopes.insert(0, (brand, Filters(brand=brand, end=end)))
    for who, filters in scopes:
        for spike in detect_spikes(con, filters):
            if spike.week > end or spike.week + timedelta(days=6) < start:
                continue
            named = [d for d in spike.drivers if d.change > 0 and d.topic >= 0]
            drivers = f", driven by {spike.drivers_text()}" if named else ""
            found.append(f"{spike.headline()} ({who}){drivers}")
    if found and impact.net is not None and impact.net.control_change <= -MARKET_FELL:
        found.append(
            f"The market fell too: {impact.control} moved "
            f"{impact.net.control_change:+.2f} in net sentiment during the campaign."
        )
    return replace(impact, events=[*impact.events, *found])
