"""The report's summary in plain words, built from the figures alone: one sentence on the
report's brand, one on its competitors, e.g. "Negative posts about Tidewell doubled to 56%,
driven by lid leaks on the Trail Bottle. Glacio and Pinecup were flat."

The words (doubled, rose, fell, flat...) are chosen from the figures by the rules below, so
the same figures always read the same way.
"""

from __future__ import annotations

import math
from typing import Any

# A negative share that moved less than this (2 points), or by less than chance moves it
# (Z_95 standard errors of the difference, from its labeled posts), is flat; so is a volume
# that moved by less than FLAT_VOLUME (15%).
FLAT_SHARE = 0.02
Z_95 = 1.96
FLAT_VOLUME = 0.15


def share_moved(row: dict[str, Any]) -> bool:
    """Whether the brand's negative share moved beyond chance: at least FLAT_SHARE and
    outside the 95% band of the difference of two proportions (when the labeled counts are
    known; about a hundred posts a week move a share by ±13 points by chance)."""
    now, before = row["share_negative"], row["previous_share_negative"]
    change = abs(now - before)
    if change < FLAT_SHARE:
        return False
    labeled, previous = row.get("labeled"), row.get("previous_labeled")
    if not labeled or not previous:
        return True
    spread = math.sqrt(now * (1 - now) / labeled + before * (1 - before) / previous)
    return change >= Z_95 * spread


def _ratio_word(ratio: float) -> str | None:
    """The move's word for ratios near a round one ("doubled", "tripled", "rose 4-fold",
    "halved"); None otherwise."""
    if ratio >= 3.5:
        return f"rose {ratio:.0f}-fold"
    if ratio >= 2.7:
        return "tripled"
    if ratio >= 2.3:
        return "more than doubled"
    if ratio >= 1.8:
        return "doubled"
    if 0.42 <= ratio <= 0.58:
        return "halved"
    return None


def share_move(now: float, before: float) -> str:
    """How a share moved, e.g. "doubled to 56%", "rose from 12% to 18%"."""
    word = _ratio_word(now / before) if before > 0 else None
    if word:
        return f"{word} to {now:.0%}"
    return f"{'rose' if now > before else 'fell'} from {before:.0%} to {now:.0%}"


def count_move(now: int, before: int) -> str:
    """How a count moved, e.g. "doubled to 804", "rose 50% to 602", "fell 20% to 80"."""
    if before == 0:
        return f"went from none to {now:,}"
    word = _ratio_word(now / before)
    if word:
        return f"{word} to {now:,}"
    change = now / before - 1
    return f"{'rose' if change > 0 else 'fell'} {abs(change):.0%} to {now:,}"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _sentence(parts: list[str]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def volume_moved(row: dict[str, Any]) -> bool:
    """Whether the brand's posts moved by FLAT_VOLUME or more (from some posts to any)."""
    posts, previous = row["posts"], row["previous_posts"]
    return previous == 0 or abs(posts / previous - 1) >= FLAT_VOLUME


def _brand_sentence(row: dict[str, Any], driver: str | None, thin: bool) -> str:
    """The report's brand: its negative share when that moved, else its volume when that
    moved (not against a week before with too few days of data), else both held steady."""
    brand, now, before = row["brand"], row["share_negative"], row["previous_share_negative"]
    posts, previous = row["posts"], row["previous_posts"]
    because = f", driven by {driver}" if driver else ""
    if now is not None and before is not None and share_moved(row):
        return (
            f"Negative posts about {brand} {share_move(now, before)}"
            + (because if now > before else "")
            + "."
        )
    if thin:  # a week before with a day or two of data makes any volume look like a surge
        negative = f", {now:.0%} of them negative" if now is not None else ""
        return (
            f"{brand} had {posts:,} posts{negative}; the week before has too few days of "
            "data to compare the volume with."
        )
    if volume_moved(row):
        negative = f", {now:.0%} of them negative" if now is not None else ""
        return (
            f"Posts about {brand} {count_move(posts, previous)}{negative}"
            + (because if posts > previous else "")
            + "."
        )
    negative = f" and {now:.0%} negative" if now is not None else ""
    return f"{brand} held steady at {posts:,} posts{negative}."


def _competitors_sentence(others: list[dict[str, Any]], thin: bool) -> str:
    """Each competitor whose negative share moved, else whose volume moved (unless the week
    before is thin), named with the move; the rest were flat."""
    if not others:
        return "There are no competitors in the data to compare with."
    moved, flat, unknown = [], [], []
    for row in others:
        now, before = row["share_negative"], row["previous_share_negative"]
        if now is not None and before is not None and share_moved(row):
            moved.append(f"negative posts about {row['brand']} {share_move(now, before)}")
        elif not thin and row["previous_posts"] and volume_moved(row):
            moved.append(
                f"posts about {row['brand']} {count_move(row['posts'], row['previous_posts'])}"
            )
        elif now is None or before is None:
            unknown.append(row["brand"])
        else:
            flat.append(row["brand"])
    parts = moved
    if flat:
        parts.append(f"{_names(flat)} {'was' if len(flat) == 1 else 'were'} flat")
    if unknown:
        parts.append(f"{_names(unknown)} had no labeled posts in one of the two weeks")
    return _sentence(parts)


def summary_sentences(
    brand: str | None,
    brands: list[dict[str, Any]],
    driver: str | None = None,
    my_brand: str | None = None,
    thin_baseline: bool = False,
) -> list[str]:
    """Two sentences on ``brand`` and its competitors from the brand table's rows
    (:func:`analysis.insight.brands.brand_table`); ``driver``: what drove the brand's negative
    posts, in words; ``thin_baseline``: the week before has too few days of data for its
    volume to be compared. Without a brand, one line saying the report covers all brands."""
    if brand is None and my_brand:
        return [
            f"This report covers all brands together; {my_brand}, your brand, is marked in "
            "the brand table."
        ]
    if brand is None:
        return [
            "No brand is set as yours, so this report covers all brands together: set "
            "my_brand (or pick your brand on the Overview), or ask for one with --brand."
        ]
    mine = next((row for row in brands if row["brand"] == brand), None)
    others = [
        row for row in brands if row["brand"] != brand and (row["posts"] or row["previous_posts"])
    ]
    first = (
        _brand_sentence(mine, driver, thin_baseline)
        if mine is not None and (mine["posts"] or mine["previous_posts"])
        else f"There are no posts about {brand} this week or the week before."
    )
    return [first, _competitors_sentence(others, thin_baseline)]
