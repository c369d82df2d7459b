"""Campaign results: sentiment and volume before, during and after, uplift with a
confidence interval, share of voice against the other brands, the campaign's own posts.

Documents belong to campaigns by the rules of :data:`loaders.store.facts.ATTRIBUTE` (hashtag,
UTM tag, the export's campaign column, or a keyword within the dates). The uplift is the
change in the brand's net sentiment (positive share minus negative share) from the window
before the campaign to the campaign itself; its 95% interval treats each labeled document
as a score of +1, 0 or -1 (a normal approximation to the difference of two means, sound
at the hundreds of documents a campaign window holds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from analysis.campaigns import sql
from analysis.campaigns.impact import Impact
from loaders.errors import BrandpulseError, explain
from loaders.store import records

WINDOWS = ("before", "during", "after")
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Sentiment:
    """Label counts of a set of documents, and what follows from them."""

    documents: int = 0
    labeled: int = 0
    positive: int = 0
    negative: int = 0

    def __add__(self, other: Sentiment) -> Sentiment:
        return Sentiment(
            self.documents + other.documents,
            self.labeled + other.labeled,
            self.positive + other.positive,
            self.negative + other.negative,
        )

    @property
    def net(self) -> float | None:
        """Positive share minus negative share of the labeled documents, in [-1, 1]."""
        return (self.positive - self.negative) / self.labeled if self.labeled else None

    @property
    def share_negative(self) -> float | None:
        return self.negative / self.labeled if self.labeled else None

    @property
    def variance(self) -> float:
        """Variance of the per-document score (+1, 0, -1)."""
        if not self.labeled:
            return 0.0
        return (self.positive + self.negative) / self.labeled - (self.net or 0.0) ** 2


def net_difference(after: Sentiment, before: Sentiment) -> tuple[float, float, float] | None:
    """``after.net - before.net`` with its 95% interval; None when either side is empty."""
    if not after.labeled or not before.labeled:
        return None
    change = after.net - before.net  # type: ignore[operator]
    spread = Z_95 * math.sqrt(after.variance / after.labeled + before.variance / before.labeled)
    return change, change - spread, change + spread


@dataclass(frozen=True)
class CampaignResult:
    name: str
    brand: str | None
    start: date
    end: date
    budget: float | None
    brand_windows: dict[str, Sentiment]  # the brand's documents per window
    market_windows: dict[str, Sentiment]  # every brand's documents per window
    campaign_windows: dict[str, Sentiment]  # the campaign's own (attributed) posts
    uplift: tuple[float, float, float] | None  # raw: brand net during - before, 95% low, high
    impact: Impact | None = None  # against a control (analysis.campaigns.impact)

    @property
    def share_of_voice(self) -> dict[str, float | None]:
        """The brand's share of all brands' documents, per window."""
        return {
            w: (
                self.brand_windows[w].documents / self.market_windows[w].documents
                if self.market_windows[w].documents
                else None
            )
            for w in WINDOWS
        }

    @property
    def campaign_posts(self) -> Sentiment:
        return sum(self.campaign_windows.values(), Sentiment())

    @property
    def raw_verdict(self) -> str:
        """The raw before/during change: lifted, backfired or no clear change (whether its
        interval, which counts posts as independent, excludes zero)."""
        if self.uplift is None:
            return "no data"
        _, low, high = self.uplift
        return "lifted" if low > 0 else "backfired" if high < 0 else "no clear change"

    @property
    def verdict(self) -> str:
        """Against the control: lifted, backfired, no clear effect or cannot tell."""
        return self.impact.verdict if self.impact else "cannot tell"

    @property
    def effect(self) -> tuple[float, float, float] | None:
        """The controlled effect on net sentiment with its 95% interval."""
        if self.impact is None or self.impact.net is None:
            return None
        e = self.impact.net.estimate
        return e.effect, e.low, e.high


def list_campaigns(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return records(con, sql.CAMPAIGN, [None, None])


def campaign_result(con: duckdb.DuckDBPyConnection, name: str) -> CampaignResult:
    """Before / during / after figures of one campaign, its raw uplift, share of voice and
    its impact against a control."""
    [result] = _results(con, only=name)
    return result


def compare_campaigns(con: duckdb.DuckDBPyConnection) -> list[CampaignResult]:
    """Every campaign's result, in date order, for a side-by-side table."""
    return _results(con)


def _windows(campaign: dict[str, Any]) -> dict[str, tuple[date, date]]:
    """before / during / after: the campaign's days and as many on either side."""
    start, end = campaign["start_date"], campaign["end_date"]
    days = timedelta(days=(end - start).days + 1)
    return {
        "before": (start - days, start - timedelta(days=1)),
        "during": (start, end),
        "after": (end + timedelta(days=1), end + days),
    }


def _sentiment(counts: Any) -> Sentiment:
    documents, labeled, positive, negative = (int(v) for v in counts[:4].sum(axis=1))
    return Sentiment(documents, labeled, positive, negative)


def _results(con: duckdb.DuckDBPyConnection, only: str | None = None) -> list[CampaignResult]:
    """The campaigns' results (``only``: that one's) from one scan of the daily panel and one
    query for their own posts: the Campaigns page's data stays fast at a million posts."""
    from analysis.campaigns.control import campaign_impacts, comparison_spans
    from analysis.campaigns.panel import Panel

    everyone = list_campaigns(con)
    chosen = [c for c in everyone if only is None or c["name"] == only]
    if only is not None and not chosen:
        known = ", ".join(c["name"] for c in everyone) or "none yet"
        raise BrandpulseError(
            explain(
                f"No campaign named '{only}'",
                found=f"campaigns {known}",
                fix="import them with `brandpulse campaigns import FILE`.",
            )
        )
    if not chosen:
        return []
    windows = {c["name"]: _windows(c) for c in chosen}
    spans = comparison_spans(con, chosen)
    edges = [d for w in windows.values() for d in (w["before"][0], w["after"][1])]
    edges += [d for s in spans.values() if s for d in s]
    panel = Panel.read(con, min(edges), max(edges))
    impacts = campaign_impacts(panel, chosen, spans, everyone)
    own_posts: dict[str, dict[str, Sentiment]] = {c["name"]: {} for c in chosen}
    for row in records(con, sql.ATTRIBUTED_WINDOWS, [only, only]):
        counts = Sentiment(row["documents"], row["labeled"], row["positive"], row["negative"])
        own_posts[row["name"]][row["phase"]] = counts
    results = []
    for campaign in chosen:
        name, brand = campaign["name"], campaign["brand"]
        days = windows[name]
        brand_windows = {w: _sentiment(panel.counts(*days[w], brand)) for w in WINDOWS}
        results.append(
            CampaignResult(
                name=name,
                brand=brand,
                start=campaign["start_date"],
                end=campaign["end_date"],
                budget=campaign["budget"],
                brand_windows=brand_windows,
                market_windows={w: _sentiment(panel.counts(*days[w])) for w in WINDOWS},
                campaign_windows={w: own_posts[name].get(w, Sentiment()) for w in WINDOWS},
                uplift=net_difference(brand_windows["during"], brand_windows["before"]),
                impact=impacts.get(name),
            )
        )
    return results


def campaign_topics(
    con: duckdb.DuckDBPyConnection, name: str, limit: int = 5
) -> list[dict[str, Any]]:
    """The topics the campaign's posts fall into, largest first."""
    return records(con, sql.CAMPAIGN_TOPICS, [name, limit])


def campaign_posts(
    con: duckdb.DuckDBPyConnection, name: str, *, positive: bool, limit: int = 3
) -> list[dict[str, Any]]:
    """The campaign's most positive (or most negative) posts."""
    return records(con, sql.MOST_POSITIVE if positive else sql.MOST_NEGATIVE, [name, limit])


def campaign_table(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """One flat row per campaign for side-by-side comparison (the Campaigns page's table)."""
    rows = []
    for result in compare_campaigns(con):
        voice = result.share_of_voice
        change, low, high = result.uplift or (None, None, None)
        effect, effect_low, effect_high = result.effect or (None, None, None)
        impact = result.impact
        rows.append(
            {
                "campaign": result.name,
                "brand": result.brand,
                "start": result.start,
                "end": result.end,
                "budget": result.budget,
                "posts": result.campaign_posts.documents,
                "posts net": result.campaign_posts.net,
                **{f"brand net {w}": result.brand_windows[w].net for w in WINDOWS},
                "effect": effect,
                "effect low": effect_low,
                "effect high": effect_high,
                "p value": impact.net.estimate.p_value if impact and impact.net else None,
                "verdict": result.verdict,
                "why": impact.sentence if impact else "Cannot tell: no data before or during it.",
                "control": impact.control if impact else None,
                "raw uplift": change,
                "raw low": low,
                "raw high": high,
                "raw verdict": result.raw_verdict,
                **{f"share of voice {w}": voice[w] for w in WINDOWS},
            }
        )
    return rows


def window_table(result: CampaignResult) -> list[dict[str, Any]]:
    """Posts, net sentiment and negative share per window for the brand, the whole market
    and the campaign's own posts (the Campaigns page's before/during/after chart)."""
    groups = (
        (result.brand or "all brands", result.brand_windows),
        ("all brands", result.market_windows),
        ("campaign posts", result.campaign_windows),
    )
    rows = []
    for group, windows in groups if result.brand else groups[1:]:
        for window in WINDOWS:
            figures = windows[window]
            rows.append(
                {
                    "window": window,
                    "group": group,
                    "posts": figures.documents,
                    "net sentiment": figures.net,
                    "share negative": figures.share_negative,
                }
            )
    return rows
