"""Topic insight over the database: topic x sentiment, topics over time, emerging topics, spikes.

Aggregation happens in DuckDB (:mod:`analysis.topics.sql`); Python only runs the
statistics over the per-week, per-topic counts, which are small (weeks x topics rows).

* **Emerging topics** compare a topic's share of a week's documents with its share over
  the trailing weeks. Conditional on the topic's documents in both periods, the week's
  count is binomial under "no change" (the classic test for two Poisson rates), so a
  one-sided exact binomial test with a Bonferroni correction over topics keeps a small
  topic's random wobble from being flagged.
* **Spikes** are weeks whose volume or negative share jumps against the trailing weeks
  (a z-score against the trailing mean for volume, a two-proportion z-test for the
  negative share).
* **Spike drivers** split a week's change exactly by topic: the volume change is the sum
  of each topic's count change, the negative-share change the sum of each topic's
  change in negative documents per labeled document of the week.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb

from analysis.filters import NO_FILTERS, Filters
from analysis.periods import parse_week
from analysis.topics import sql
from analysis.topics.edits import topic_names, topic_theme_names, with_theme
from loaders.dates import shift, utc_now
from loaders.errors import BrandpulseError, explain
from loaders.store import records

NO_TOPIC = "(no topic)"
BASELINE_WEEKS = 4


def topic_sentiment(
    con: duckdb.DuckDBPyConnection, filters: Filters = NO_FILTERS
) -> list[dict[str, Any]]:
    """Per topic: documents, labeled, counts and shares of negative/positive, mean score."""
    return records(con, sql.TOPIC_SENTIMENT, filters.params())


def topics_over_time(
    con: duckdb.DuckDBPyConnection, by: str | None = None, filters: Filters = NO_FILTERS
) -> list[dict[str, Any]]:
    """Weekly documents and share per topic, overall or per brand/channel/product/campaign/...

    ``share`` is the topic's part of that week's (and segment's) documents; topic -1 rows
    hold the documents without a topic.
    """
    if by not in sql.TOPICS_OVER_TIME:
        raise BrandpulseError(
            explain(
                f"Cannot split topics over time by '{by}'",
                expected=", ".join(sql.SEGMENTS),
                fix="choose one of those, or none.",
            )
        )
    return records(con, sql.TOPICS_OVER_TIME[by], filters.params())


@dataclass(frozen=True)
class _Weekly:
    """Per-week totals and per-(week, topic) counts from WEEKLY_TOPIC_COUNTS."""

    documents: dict[date, int]
    labeled: dict[date, int]
    negative: dict[date, int]
    by_topic: dict[tuple[date, int], tuple[int, int, int]]  # documents, labeled, negative
    topics: list[int]

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, filters: Filters) -> _Weekly:
        documents: dict[date, int] = defaultdict(int)
        labeled: dict[date, int] = defaultdict(int)
        negative: dict[date, int] = defaultdict(int)
        by_topic = {}
        for week, topic, docs, lab, neg in con.execute(
            sql.WEEKLY_TOPIC_COUNTS, filters.params()
        ).fetchall():
            by_topic[(week, topic)] = (docs, lab, neg)
            documents[week] += docs
            labeled[week] += lab
            negative[week] += neg
        topics = sorted({topic for _, topic in by_topic})
        return cls(dict(documents), dict(labeled), dict(negative), by_topic, topics)

    def latest_week(self, now: datetime | None = None) -> date | None:
        """The newest week that has begun by ``now`` (default: the clock)."""
        today = utc_now(now).date()
        begun = [week for week in self.documents if week <= today]
        return max(begun) if begun else None

    def baseline(self, week: date, weeks: int) -> list[date]:
        return [shift(week, -7 * i) for i in range(1, weeks + 1)]

    def count(self, week: date, topic: int, field: int = 0) -> int:
        return self.by_topic.get((week, topic), (0, 0, 0))[field]


def _resolve_week(
    weekly: _Weekly, week: str | date | None, now: datetime | None = None
) -> date | None:
    return parse_week(week) if week is not None else weekly.latest_week(now)


@dataclass(frozen=True)
class EmergingTopic:
    topic: int
    name: str
    week: date
    documents: int  # in the week
    share: float  # of the week's documents
    baseline_weekly: float  # mean documents per trailing week
    baseline_share: float
    growth: float  # share / baseline share (half a document added to an empty baseline)
    p_value: float  # one-sided exact test, Bonferroni-corrected over topics
    emerging: bool
    theme_name: str | None = None  # the display name of the topic's theme

    @property
    def display_name(self) -> str:
        """The fine topic's name with its theme, e.g. "lid leaks (Product quality)"."""
        return with_theme(self.name, self.theme_name)


def emerging_topics(
    con: duckdb.DuckDBPyConnection,
    week: str | date | None = None,
    filters: Filters = NO_FILTERS,
    *,
    baseline_weeks: int = BASELINE_WEEKS,
    alpha: float = 0.01,
    min_documents: int = 10,
    min_growth: float = 2.0,
    now: datetime | None = None,
) -> list[EmergingTopic]:
    """Every topic's growth in ``week`` (default: the latest begun by ``now``) against the
    trailing weeks.

    A topic is emerging when its share of the week's documents is significantly higher
    than over the trailing ``baseline_weeks`` (p < ``alpha`` after correction), at least
    ``min_growth`` times higher, and it has at least ``min_documents`` that week.
    Emerging topics come first, then by p-value.
    """
    weekly = _Weekly.read(con, filters)
    return _emerging(
        weekly,
        topic_names(con),
        _resolve_week(weekly, week, now),
        baseline_weeks=baseline_weeks,
        alpha=alpha,
        min_documents=min_documents,
        min_growth=min_growth,
        theme_names=topic_theme_names(con),
    )


def _emerging(
    weekly: _Weekly,
    names: dict[int, str],
    monday: date | None,
    *,
    baseline_weeks: int = BASELINE_WEEKS,
    alpha: float = 0.01,
    min_documents: int = 10,
    min_growth: float = 2.0,
    theme_names: dict[int, str] | None = None,
) -> list[EmergingTopic]:
    from scipy.stats import binomtest

    theme_names = theme_names or {}
    if monday is None:
        return []
    base_weeks = weekly.baseline(monday, baseline_weeks)
    n_week = weekly.documents.get(monday, 0)
    n_base = sum(weekly.documents.get(w, 0) for w in base_weeks)
    topics = [t for t in weekly.topics if t >= 0]
    found = []
    for topic in topics:
        x = weekly.count(monday, topic)
        y = sum(weekly.count(w, topic) for w in base_weeks)
        if n_week == 0 or x == 0:
            continue
        share = x / n_week
        base_share = y / n_base if n_base else 0.0
        growth = share / ((y + 0.5) / n_base) if n_base else math.inf
        if n_base == 0:
            p_value = 1.0
        else:
            p_raw = binomtest(x, x + y, n_week / (n_week + n_base), alternative="greater").pvalue
            p_value = min(1.0, float(p_raw) * len(topics))
        found.append(
            EmergingTopic(
                topic=topic,
                name=names.get(topic, f"topic {topic}"),
                week=monday,
                documents=x,
                share=share,
                baseline_weekly=y / len(base_weeks),
                baseline_share=base_share,
                growth=growth,
                p_value=p_value,
                emerging=p_value < alpha and x >= min_documents and growth >= min_growth,
                theme_name=theme_names.get(topic),
            )
        )
    return sorted(found, key=lambda e: (not e.emerging, e.p_value, -e.documents, e.topic))


def topic_table(
    con: duckdb.DuckDBPyConnection, filters: Filters = NO_FILTERS
) -> list[dict[str, Any]]:
    """Per topic: label, keywords, theme and theme_name, documents, shares negative/positive,
    and weekly counts (one per week of the filtered data)."""
    return records(con, sql.TOPIC_TABLE, filters.params())


def theme_table(
    con: duckdb.DuckDBPyConnection, filters: Filters = NO_FILTERS
) -> list[dict[str, Any]]:
    """Per theme, largest first: name, keywords, topics (not merged away), documents, shares
    negative/positive, and weekly counts; [] for runs fitted before themes."""
    return records(con, sql.THEME_TABLE, filters.params())


def other_share(con: duckdb.DuckDBPyConnection, filters: Filters = NO_FILTERS) -> dict[str, Any]:
    """The filtered documents, those in no topic ("Other") and those not assigned yet, with
    ``share``: Other's part of the assigned documents (None without any)."""
    [row] = records(con, sql.OTHER_SHARE, filters.params())
    assigned = row["documents"] - row["unassigned"]
    return {**row, "share": row["other"] / assigned if assigned else None}


def topic_map(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Topics placed in 2-D by the first two principal components of their centroids.

    Close topics are about similar things; with fewer than three topics there is no map.
    """
    import numpy as np

    rows = records(con, sql.TOPIC_CENTROIDS)
    if len(rows) < 3:
        return []
    centroids = np.asarray([row["centroid"] for row in rows], dtype=np.float64)
    centred = centroids - centroids.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    points = centred @ axes[:2].T
    # Fix the sign of each axis so the picture does not flip between identical fits.
    points *= np.where(points[np.abs(points).argmax(axis=0), [0, 1]] < 0, -1.0, 1.0)
    return [
        {"topic": row["topic"], "label": row["label"], "size": row["size"], "x": x, "y": y}
        for row, (x, y) in zip(rows, points.tolist(), strict=True)
    ]
