"""Spikes: weeks whose volume or negative share jumps above the baseline, and the topics that drove them.

A week is a spike when it exceeds the mean of the previous weeks by the z-score threshold; its
drivers are the topics whose change explains most of the jump. ``period_alerts`` gathers the spikes
and emerging topics of a period for the insight cards and the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb

from analysis.filters import NO_FILTERS, Filters
from analysis.periods import _monday, iso_week, parse_week
from analysis.topics.edits import topic_names, topic_theme_names, with_theme
from analysis.topics.trends import BASELINE_WEEKS, NO_TOPIC, EmergingTopic, _emerging, _Weekly
from loaders.dates import shift
from loaders.errors import BrandpulseError, explain


@dataclass(frozen=True)
class Driver:
    topic: int  # -1: documents without a topic
    name: str
    change: float  # this topic's part of the change; the parts sum to the total change
    share_of_change: float
    week_value: float  # documents (volume) or negatives per labeled document (negative share)
    baseline_value: float
    theme_name: str | None = None  # the display name of the topic's theme

    @property
    def display_name(self) -> str:
        """The fine topic's name with its theme, e.g. "lid leaks (Product quality)"."""
        return with_theme(self.name, self.theme_name)


@dataclass(frozen=True)
class Spike:
    week: date
    metric: str  # "volume" or "negative_share"
    value: float
    baseline: float
    change: float
    z: float
    drivers: list[Driver]

    def headline(self) -> str:
        """The spike in words, e.g. "Volume spike in 2025-W41: 1,234 posts against 400 a week
        on average in the weeks before". The baseline is the trailing weeks' mean volume or pooled
        negative share (see :func:`detect_spikes`), not the one week before."""
        week = iso_week(self.week)
        if self.metric == "volume":
            return (
                f"Volume spike in {week}: {self.value:,.0f} posts against "
                f"{self.baseline:,.0f} a week on average in the weeks before"
            )
        return (
            f"Negative spike in {week}: {self.value:.0%} negative against {self.baseline:.0%} "
            "in the weeks before"
        )

    def driver_shares(self, driver: Driver) -> tuple[float, float]:
        """The driver's share of the spike's posts this week and in the baseline weeks: of
        every post (volume) or of the negative posts (negative share), so never above 100%.
        (Its ``share_of_change`` can pass 100% when other topics shrank.)"""
        now = driver.week_value / self.value if self.value else 0.0
        before = driver.baseline_value / self.baseline if self.baseline else 0.0
        return now, before

    def drivers_text(self, name: Callable[[str], str] = str) -> str:
        """Up to three topics that pushed the metric up, named with their theme and their share
        of the week's posts (volume) or negative posts against the weeks before, e.g.
        "lid leaks (Product quality) 45% of negative posts (3% before), late delivery
        (Shipping) 9% (6% before)"; ``name`` escapes topic names for the output."""
        rising = [d for d in self.drivers if d.change > 0][:3]
        what = "posts" if self.metric == "volume" else "negative posts"
        parts = []
        for number, driver in enumerate(rising):
            now, before = self.driver_shares(driver)
            of = f" of {what}" if number == 0 else ""
            parts.append(f"{name(driver.display_name)} {now:.0%}{of} ({before:.0%} before)")
        return ", ".join(parts) or "no single topic"


METRICS = ("volume", "negative_share")


def _drivers(
    names: dict[int, str],
    weekly: _Weekly,
    monday: date,
    metric: str,
    base_weeks: list[date],
    theme_names: dict[int, str] | None = None,
) -> list[Driver]:
    contributions = []
    for topic in weekly.topics:
        if metric == "volume":
            now = float(weekly.count(monday, topic))
            before = sum(weekly.count(w, topic) for w in base_weeks) / len(base_weeks)
        else:
            labeled_now = weekly.labeled.get(monday, 0)
            labeled_before = sum(weekly.labeled.get(w, 0) for w in base_weeks)
            now = weekly.count(monday, topic, 2) / labeled_now if labeled_now else 0.0
            before = (
                sum(weekly.count(w, topic, 2) for w in base_weeks) / labeled_before
                if labeled_before
                else 0.0
            )
        contributions.append((topic, now - before, now, before))
    total = sum(c[1] for c in contributions)
    ranked = sorted(contributions, key=lambda c: (-c[1], c[0]))
    return [
        Driver(
            topic=topic,
            name=NO_TOPIC if topic < 0 else names.get(topic, f"topic {topic}"),
            change=change,
            share_of_change=change / total if total else 0.0,
            week_value=now,
            baseline_value=before,
            theme_name=(theme_names or {}).get(topic),
        )
        for topic, change, now, before in ranked
    ]


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise BrandpulseError(
            explain(f"Unknown spike metric '{metric}'", expected=" or ".join(METRICS))
        )


def spike_drivers(
    con: duckdb.DuckDBPyConnection,
    week: str | date,
    metric: str = "negative_share",
    filters: Filters = NO_FILTERS,
    *,
    baseline_weeks: int = BASELINE_WEEKS,
) -> list[Driver]:
    """The topics behind a week's change in ``metric`` against the trailing weeks, biggest first."""
    _check_metric(metric)
    weekly = _Weekly.read(con, filters)
    monday = parse_week(week)
    assert monday is not None
    base_weeks = weekly.baseline(monday, baseline_weeks)
    return _drivers(topic_names(con), weekly, monday, metric, base_weeks, topic_theme_names(con))


def detect_spikes(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = NO_FILTERS,
    *,
    baseline_weeks: int = BASELINE_WEEKS,
    z_threshold: float = 3.0,
    min_relative_volume: float = 1.25,
    min_share_change: float = 0.05,
) -> list[Spike]:
    """Weeks whose volume or negative share jumped against the trailing weeks, with drivers.

    Volume: z = (week - trailing mean) / sqrt(max(mean, variance)) >= ``z_threshold`` and
    at least ``min_relative_volume`` x the mean. Negative share: a two-proportion z-test
    >= ``z_threshold`` and at least ``min_share_change`` higher. Weeks need two trailing
    weeks with data.
    """
    return _spikes(
        _Weekly.read(con, filters),
        topic_names(con),
        theme_names=topic_theme_names(con),
        baseline_weeks=baseline_weeks,
        z_threshold=z_threshold,
        min_relative_volume=min_relative_volume,
        min_share_change=min_share_change,
    )


def _spikes(
    weekly: _Weekly,
    names: dict[int, str],
    *,
    theme_names: dict[int, str] | None = None,
    baseline_weeks: int = BASELINE_WEEKS,
    z_threshold: float = 3.0,
    min_relative_volume: float = 1.25,
    min_share_change: float = 0.05,
) -> list[Spike]:
    spikes = []
    for monday in sorted(weekly.documents):
        base = [w for w in weekly.baseline(monday, baseline_weeks) if w in weekly.documents]
        if len(base) < 2:
            continue
        counts = [weekly.documents[w] for w in base]
        mean = sum(counts) / len(counts)
        variance = sum((c - mean) ** 2 for c in counts) / (len(counts) - 1)
        now = weekly.documents[monday]
        z = (now - mean) / math.sqrt(max(mean, variance, 1.0))
        if z >= z_threshold and now >= min_relative_volume * mean:
            spikes.append(
                Spike(
                    monday,
                    "volume",
                    now,
                    mean,
                    now - mean,
                    z,
                    _drivers(names, weekly, monday, "volume", base, theme_names),
                )
            )
        labeled_now = weekly.labeled.get(monday, 0)
        labeled_before = sum(weekly.labeled.get(w, 0) for w in base)
        if labeled_now and labeled_before:
            p_now = weekly.negative.get(monday, 0) / labeled_now
            p_before = sum(weekly.negative.get(w, 0) for w in base) / labeled_before
            pooled = (weekly.negative.get(monday, 0) + p_before * labeled_before) / (
                labeled_now + labeled_before
            )
            spread = math.sqrt(
                max(pooled * (1 - pooled), 1e-12) * (1 / labeled_now + 1 / labeled_before)
            )
            z_share = (p_now - p_before) / spread
            if z_share >= z_threshold and p_now - p_before >= min_share_change:
                spikes.append(
                    Spike(
                        monday,
                        "negative_share",
                        p_now,
                        p_before,
                        p_now - p_before,
                        z_share,
                        _drivers(names, weekly, monday, "negative_share", base, theme_names),
                    )
                )
    return spikes


@dataclass(frozen=True)
class PeriodAlerts:
    spikes: list[Spike]  # spikes in weeks that overlap the period
    emerging: list[EmergingTopic]  # topics flagged as emerging in those weeks


def period_alerts(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    filters: Filters = NO_FILTERS,
    max_weeks: int = 4,
) -> PeriodAlerts:
    """The Overview's alerts: spikes and emerging topics of the (last ``max_weeks``) weeks
    overlapping ``start``..``end``. The filters' own dates are ignored: the tests need the
    trailing weeks before the period as their baseline."""
    from dataclasses import replace

    undated = replace(filters, start=None, end=None)
    last_monday = _monday(end)
    weeks = []
    monday = last_monday
    while shift(monday, 6) >= start and len(weeks) < max_weeks and monday not in weeks:
        weeks.append(monday)
        monday = shift(monday, -7)  # held at year 1's first day: the loop still ends
    weekly = _Weekly.read(con, undated)  # one aggregate query serves every test
    names, themes = topic_names(con), topic_theme_names(con)
    spikes = [s for s in _spikes(weekly, names, theme_names=themes) if s.week in weeks]
    emerging = [
        topic
        for week in weeks
        for topic in _emerging(weekly, names, week, theme_names=themes)
        if topic.emerging
    ]
    return PeriodAlerts(spikes, emerging)
