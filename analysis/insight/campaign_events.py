"""A campaign in detail: its result against a control, with the spikes of the brand and of the
whole market that overlapped it named (they explain raw changes the control should absorb,
or not, when only the brand was hit)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import duckdb

from analysis.campaigns.impact import Impact
from analysis.campaigns.results import CampaignResult, campaign_result
from analysis.filters import Filters

# A control whose net sentiment fell at least this much "fell too" (less is noise).
MARKET_FELL = 0.05


def campaign_in_detail(con: duckdb.DuckDBPyConnection, name: str) -> CampaignResult:
    """:func:`campaign_result` with the overlapping spikes in its impact's events."""
    result = campaign_result(con, name)
    if result.impact is None:
        return result
    impact = overlapping_events(con, result.impact, result)
    return replace(result, impact=impact)


def overlapping_events(
    con: duckdb.DuckDBPyConnection, impact: Impact, result: CampaignResult
) -> Impact:
    """``impact`` with the spikes and emerging topics of the brand and of the whole market in
    the campaign's weeks, in words (they explain raw changes the control should absorb)."""
    from analysis.topics.spikes import detect_spikes

    brand, start, end = result.brand, result.start, result.end
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
        found += _emerging(con, filters, who, start, end)
    if found and impact.net is not None and impact.net.control_change <= -MARKET_FELL:
        who = "market" if impact.control.startswith("the other brands") else "control"
        found.append(
            f"The {who} fell too: {impact.control} moved "
            f"{impact.net.control_change:+.2f} in net sentiment during the campaign."
        )
    return replace(impact, events=[*impact.events, *found])


def _emerging(
    con: duckdb.DuckDBPyConnection, filters: Filters, who: str, start: date, end: date
) -> list[str]:
    """The topics that emerged in the campaign's weeks, once each, in words."""
    from analysis.periods import iso_week
    from analysis.topics.trends import emerging_topics

    found: dict[int, str] = {}
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        for topic in emerging_topics(con, monday, filters):
            if topic.emerging and topic.topic not in found:
                found[topic.topic] = (
                    f"Emerging topic '{topic.display_name}' in {iso_week(monday)} ({who}): "
                    f"{topic.documents} posts, {topic.growth:.1f}x its usual share"
                )
        monday += timedelta(days=7)
    return list(found.values())
