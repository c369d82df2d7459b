"""Insight cards: the notable facts of a period, found and ranked without any language model.

Each card holds its numbers and names (``facts``: the only material a generated
suggestion may use) and 2-3 example posts. Cards are ranked by ``weight``, roughly the
number of posts behind the fact times the size of the effect, so a big shift in a small
corner does not outrank a moderate shift in a large one.

Kinds:

* ``rising_negative_topic``: a topic that grew by half or more against the previous period
  (or is emerging by the binomial test of :mod:`analysis.topics.trends`) and is mostly negative;
* ``spike``: a week whose volume or negative share jumped, with its driving topics;
* ``campaign_lift`` / ``campaign_backfire``: a campaign overlapping the period whose (controlled)
  uplift interval excludes zero;
* ``worst_segment``: the product or channel whose negative share rose most;
* ``competitor_bad_week``: another brand whose negative share rose (with ``own_brand``
  given), or any brand's (without);
* ``praised_theme``: the topic with the highest positive share.

A card that names a fine topic also names its theme (fact ``theme``) when that differs.

A thin baseline (the previous period has under :data:`analysis.periods.MIN_BASELINE_DAYS` days
with data, or under :data:`MIN_BASELINE_POSTS` posts in scope) makes no comparison card: no
topic is "rising" and no segment or competitor "worse" against a near-empty week.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import duckdb

from analysis.campaigns.results import campaign_posts, compare_campaigns
from analysis.filters import NO_FILTERS, Filters
from analysis.insight.kpis import period_kpis, top_movers
from analysis.insight.posts import find_posts
from analysis.periods import Period, iso_week, thin_baseline
from analysis.topics.edits import topic_names, topic_theme_names
from analysis.topics.spikes import period_alerts
from analysis.topics.trends import topic_sentiment

# Below these, a share moves by chance more than it means anything.
MIN_DOCUMENTS = 20
MIN_SHARE_RISE = 0.10
NEGATIVE_TOPIC_SHARE = 0.5
# A previous period with fewer posts in scope than this is no baseline to call anything rising.
MIN_BASELINE_POSTS = 50


@dataclass(frozen=True)
class Card:
    kind: str
    title: str  # one deterministic sentence with the key figures
    weight: float  # ranking: posts behind the fact x size of the effect
    facts: dict[str, Any]  # every number and name the card states
    examples: list[dict[str, Any]] = field(default_factory=list)  # doc_id, text, label, ...


def _examples(
    con: duckdb.DuckDBPyConnection, filters: Filters, order: str, limit: int = 3
) -> list[dict[str, Any]]:
    return [
        {k: post[k] for k in ("doc_id", "created_at", "source", "brand", "text", "label")}
        for post in find_posts(con, filters, order=order, limit=limit)
    ]


def _in_period(filters: Filters, period: Period) -> Filters:
    return replace(filters, start=period.start, end=period.end)


def _with_theme(facts: dict[str, Any], theme: str | None) -> dict[str, Any]:
    """The facts plus the topic's theme, where it says more than the topic's own name."""
    return {**facts, "theme": theme} if theme and theme != facts["topic"] else facts


def _rising_negative_topics(con, period, filters, names, emerging) -> list[Card]:
    themes = topic_theme_names(con)
    cards = []
    for mover in top_movers(con, "topic", period, filters, limit=1000):
        negative = mover.share_negative
        grew = mover.key in emerging or mover.documents >= 1.5 * max(mover.previous_documents, 1)
        if (
            not grew
            or mover.documents < MIN_DOCUMENTS
            or negative is None
            or negative < NEGATIVE_TOPIC_SHARE
        ):
            continue
        name = names.get(mover.key, f"topic {mover.key}")
        facts = {
            "topic": name,
            "posts": mover.documents,
            "posts_before": mover.previous_documents,
            "share_negative": round(negative, 3),
            "emerging": mover.key in emerging,
        }
        facts = _with_theme(facts, themes.get(mover.key))
        cards.append(
            Card(
                "rising_negative_topic",
                f"'{name}' is rising and mostly negative: {mover.documents} posts "
                f"(from {mover.previous_documents}), {negative:.0%} negative.",
                mover.change * negative * (2 if mover.key in emerging else 1),
                facts,
                _examples(
                    con,
                    replace(_in_period(filters, period), topic=mover.key, sentiment="negative"),
                    "most negative",
                ),
            )
        )
    return cards


def _spikes(con, period, filters, alerts) -> list[Card]:
    cards = []
    for spike in alerts.spikes:
        drivers = [d for d in spike.drivers if d.change > 0][:3]
        week = iso_week(spike.week)
        # Volume weighs its extra posts; a share weighs 1000 per unit (5 points = 50 posts).
        weight = spike.change if spike.metric == "volume" else spike.change * 1000
        top = drivers[0] if drivers else None
        cards.append(
            Card(
                "spike",
                f"{spike.headline()}; driven by {spike.drivers_text()}.",
                weight,
                {
                    "week": week,
                    "metric": spike.metric,
                    "value": round(spike.value, 3),
                    "usual": round(spike.baseline, 3),
                    "drivers": [d.name for d in drivers],
                },
                _examples(
                    con,
                    replace(
                        filters,
                        start=spike.week,
                        end=spike.week + timedelta(days=6),
                        topic=top.topic if top and top.topic >= 0 else None,
                        sentiment="negative" if spike.metric != "volume" else None,
                    ),
                    "most negative",
                ),
            )
        )
    return cards


def _campaigns(con, period, filters) -> list[Card]:
    cards = []
    for result in compare_campaigns(con):
        if result.start > period.end or result.end < period.start or result.effect is None:
            continue
        if filters.brand and result.brand not in (None, filters.brand):
            continue
        # The controlled estimate (beyond what the market did), never the raw change.
        if result.verdict not in ("lifted", "backfired"):
            continue
        change, low, high = result.effect
        lifted = result.verdict == "lifted"
        posts = result.campaign_posts
        cards.append(
            Card(
                "campaign_lift" if lifted else "campaign_backfire",
                f"Campaign '{result.name}' {'lifted' if lifted else 'hurt'} "
                f"{result.brand or 'the brand'}'s net sentiment by {change:+.2f} beyond the "
                f"market (95% interval {low:+.2f} to {high:+.2f}).",
                abs(change) * result.brand_windows["during"].labeled,
                {
                    "campaign": result.name,
                    "brand": result.brand,
                    "start": result.start.isoformat(),
                    "end": result.end.isoformat(),
                    "uplift": round(change, 3),
                    "uplift_low": round(low, 3),
                    "uplift_high": round(high, 3),
                    "campaign_posts": posts.documents,
                    "campaign_posts_net": None if posts.net is None else round(posts.net, 3),
                },
                [
                    {k: p[k] for k in ("doc_id", "created_at", "source", "text", "label")}
                    for p in campaign_posts(con, result.name, positive=lifted, limit=3)
                ],
            )
        )
    return cards


def _share_rises(con, by: str, period: Period, filters: Filters) -> list[tuple[Any, Any]]:
    """(mover, rise in negative share) for values with enough posts on both sides."""
    found = []
    for mover in top_movers(con, by, period, filters, limit=1000):
        if mover.documents < MIN_DOCUMENTS or mover.previous_documents < MIN_DOCUMENTS:
            continue
        if mover.share_negative is None or mover.previous_share_negative is None:
            continue
        rise = mover.share_negative - mover.previous_share_negative
        if rise >= MIN_SHARE_RISE:
            found.append((mover, rise))
    return sorted(found, key=lambda pair: (-pair[1] * pair[0].documents, str(pair[0].key)))


def _worst_segment(con, period, filters) -> list[Card]:
    candidates = [
        (by, mover, rise)
        for by in ("product", "channel")
        for mover, rise in _share_rises(con, by, period, filters)[:1]
    ]
    if not candidates:
        return []
    by, mover, rise = max(candidates, key=lambda c: c[2] * c[1].documents)
    return [
        Card(
            "worst_segment",
            f"{by.capitalize()} '{mover.key}' turned more negative: {mover.share_negative:.0%} "
            f"negative, up from {mover.previous_share_negative:.0%}.",
            rise * mover.documents,
            {
                by: mover.key,
                "posts": mover.documents,
                "share_negative": round(mover.share_negative, 3),
                "share_negative_before": round(mover.previous_share_negative, 3),
            },
            _examples(
                con,
                replace(_in_period(filters, period), **{by: mover.key}, sentiment="negative"),
                "most negative",
            ),
        )
    ]


def _competitor_bad_week(con, period, filters, own_brand) -> list[Card]:
    others = replace(filters, brand=None)
    cards = []
    for mover, rise in _share_rises(con, "brand", period, others):
        if own_brand is not None and mover.key == own_brand:
            continue
        cards.append(
            Card(
                "competitor_bad_week",
                f"{mover.key} had a bad period: {mover.share_negative:.0%} negative, up from "
                f"{mover.previous_share_negative:.0%}.",
                rise * mover.documents,
                {
                    "brand": mover.key,
                    "posts": mover.documents,
                    "share_negative": round(mover.share_negative, 3),
                    "share_negative_before": round(mover.previous_share_negative, 3),
                },
                _examples(
                    con,
                    replace(_in_period(others, period), brand=mover.key, sentiment="negative"),
                    "most negative",
                ),
            )
        )
        break  # the worst one
    return cards


def _praised_theme(con, period, filters) -> list[Card]:
    rows = [
        r
        for r in topic_sentiment(con, _in_period(filters, period))
        if r["labeled"] >= MIN_DOCUMENTS and r["share_positive"] is not None
    ]
    if not rows:
        return []
    best = max(rows, key=lambda r: (r["share_positive"], r["labeled"]))
    return [
        Card(
            "praised_theme",
            f"'{best['label']}' is the most praised topic: {best['share_positive']:.0%} "
            f"positive over {best['documents']} posts.",
            best["share_positive"] * best["documents"] * 0.5,  # good news is less urgent
            _with_theme(
                {
                    "topic": best["label"],
                    "posts": best["documents"],
                    "share_positive": round(best["share_positive"], 3),
                },
                best.get("theme_name"),
            ),
            _examples(
                con,
                replace(_in_period(filters, period), topic=best["topic"], sentiment="positive"),
                "most positive",
            ),
        )
    ]


def baseline_is_thin(con: duckdb.DuckDBPyConnection, period: Period, filters: Filters) -> bool:
    """Whether the period before ``period`` is too empty to compare against: too few days with
    data (analysis.periods.thin_baseline) or under :data:`MIN_BASELINE_POSTS` posts in scope."""
    if thin_baseline(con, period) is not None:
        return True
    before = period_kpis(con, period, filters)["documents"].previous or 0
    return before < MIN_BASELINE_POSTS


def insight_cards(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    filters: Filters = NO_FILTERS,
    *,
    own_brand: str | None = None,
    limit: int = 10,
) -> list[Card]:
    """The period's notable facts, most important first (``filters``' own dates are ignored:
    ``period`` sets them, and the previous period of the same length is the comparison)."""
    undated = replace(filters, start=None, end=None)
    # The baseline of the whole scope (a competitor card compares other brands than mine).
    thin = baseline_is_thin(con, period, undated)
    if own_brand is not None:
        undated = replace(undated, brand=own_brand)
    names = topic_names(con)
    alerts = period_alerts(con, period.start, period.end, undated)
    emerging = {topic.topic for topic in alerts.emerging}
    cards = [
        *_spikes(con, period, undated, alerts),
        *_campaigns(con, period, undated),
        *_praised_theme(con, period, undated),
    ]
    if not thin:  # changes need something to change from
        cards += [
            *_rising_negative_topics(con, period, undated, names, emerging),
            *_worst_segment(con, period, undated),
            *_competitor_bad_week(con, period, undated, own_brand),
        ]
    cards.sort(key=lambda card: (-card.weight, card.kind, card.title))
    return cards[:limit]
