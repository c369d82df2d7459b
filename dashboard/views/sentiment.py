"""Sentiment: trends per day/week/month, shares per segment, ratings, and the posts behind them."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from analysis.filters import category_values
from analysis.insight.posts import find_posts
from analysis.insight.sql import SENTIMENT_SEGMENTS
from analysis.insight.trend import GRAINS, partial_text, rating_distribution, sentiment_trend
from dashboard import cache, ui

st.title("Sentiment")
ui.require_analysis()
filters = ui.filters()

left, right = st.columns(2)
period = ui.period(filters)
# A week of data per week is one or two points: short periods start per day (once a session).
st.session_state.setdefault(
    "sentiment_grain", "day" if period is not None and period.days <= 31 else "week"
)
grain = left.radio("Per", GRAINS, horizontal=True, key="sentiment_grain")
# The export's own category columns (a complaint reason...) split the chart too.
CATEGORY = "category:"
categories = [CATEGORY + column for column in cache.data(category_values)]
choice = right.selectbox(
    "Split by",
    [None, *SENTIMENT_SEGMENTS, *categories],
    format_func=lambda s: "nothing" if s is None else s.removeprefix(CATEGORY),
    key="sentiment_segment",
)
column = choice.removeprefix(CATEGORY) if choice and choice.startswith(CATEGORY) else None
segment = column or choice  # its name in titles and the posts' box

rows = cache.data(
    sentiment_trend, filters, grain=grain, by=None if column else choice, category=column
)
if not rows:
    st.info("No posts match these filters.")
    st.stop()
ui.corrected_shares(filters)
trend = pd.DataFrame(rows)
trend["segment"] = trend["segment"].fillna("all" if segment is None else "(none)")
trend["shown"] = trend["segment"].map(ui.safe)  # brand and product names are user data
labeled = trend["labeled"].where(trend["labeled"] > 0)
trend["net_sentiment"] = (trend["positive"] - trend["negative"]) / labeled
for label in ui.SENTIMENT_ORDER:
    trend[f"share_{label}"] = trend[label] / labeled

trend["coverage"] = [partial_text(row, grain) for row in rows]
figure = px.line(
    trend,
    x="period",
    y="net_sentiment",
    color="shown" if segment else None,
    markers=True,
    custom_data=["segment"],
    labels={
        "period": grain,
        "net_sentiment": "net sentiment (positive − negative share)",
        "shown": segment or "",
    },
    title=f"Net sentiment per {grain}",
)
partial = trend[trend["partial"]]
if grain != "day" and not partial.empty:
    # A partial first or last week (or month) is drawn hollow and named, not read as a drop.
    figure.add_trace(
        go.Scatter(
            x=partial["period"],
            y=partial["net_sentiment"],
            mode="markers",
            marker={"symbol": "circle-open", "size": 14, "color": "#555", "line": {"width": 2}},
            name=f"partial {grain} (cut by the period or the data)",
            hovertext=partial["coverage"],
            hoverinfo="text+x+y",
            customdata=partial[["segment"]],
        )
    )
event = ui.chart(
    figure,
    trend,
    f"sentiment per {grain}",
    on_select="rerun",
    selection_mode="points",
)
if grain != "day" and not partial.empty:
    marked = partial.drop_duplicates("period")
    st.caption(
        "Hollow rings mark partial periods, whose volume is no drop: "
        + "; ".join(
            f"{p:%d %b %Y}, {text}"
            for p, text in zip(marked["period"], marked["coverage"], strict=True)
        )
        + "."
    )

if segment is None:
    shares = trend.melt(
        id_vars="period",
        value_vars=[f"share_{label}" for label in ui.SENTIMENT_ORDER],
        var_name="sentiment",
        value_name="share",
    )
    shares["sentiment"] = shares["sentiment"].str.removeprefix("share_")
    axes = {"x": "period", "y": "share", "title": f"Sentiment shares per {grain}"}
else:  # one horizontal bar per segment value, its posts stacked to 100%
    totals = trend.groupby("shown", as_index=False)[ui.SENTIMENT_ORDER].sum()
    shares = totals.melt(id_vars="shown", var_name="sentiment", value_name="posts")
    axes = {
        "x": "posts",
        "y": "shown",
        "labels": {"shown": segment},
        "orientation": "h",
        "barnorm": "percent",
        "title": f"Sentiment shares by {segment}",
    }
shares_figure = px.bar(
    shares,
    color="sentiment",
    color_discrete_map=ui.SENTIMENT_COLORS,
    category_orders={"sentiment": ui.SENTIMENT_ORDER},
    **axes,
)
ui.chart(shares_figure, shares, f"sentiment shares by {segment or grain}")

ratings = cache.data(rating_distribution, filters)
if ratings:
    ui.chart(
        px.bar(
            pd.DataFrame(ratings),
            x="rating",
            y="documents",
            title="Star ratings",
            color_discrete_sequence=["#1f77b4"],
        ),
        ratings,
        "star ratings",
    )

st.subheader("The posts behind the chart")
period_key = f"sentiment_period_{grain}_{segment}"  # its choices change with these
st.caption("Click a point in the net sentiment chart, or pick a period here.")
periods = sorted(trend["period"].unique(), reverse=True)
segments = sorted(trend["segment"].unique()) if segment else []
selected = event.selection.points if event and event.selection else []
if selected and selected != st.session_state.get("sentiment_last_points"):
    st.session_state["sentiment_last_points"] = selected
    st.session_state[period_key] = pd.Timestamp(selected[0]["x"]).date()
    if segment and selected[0].get("customdata"):
        st.session_state["sentiment_segment_value"] = selected[0]["customdata"][0]
picked_period = st.selectbox(
    "Period",
    [None, *periods],
    format_func=lambda p: "all" if p is None else str(p),
    key=period_key,
)
picked_segment = (
    st.selectbox(
        segment,
        [None, *segments],
        format_func=lambda s: "all" if s is None else s,
        key="sentiment_segment_value",
    )
    if segment
    else None
)
narrow = filters
if picked_period is not None:
    narrow = replace(narrow, start=picked_period, end=ui.grain_end(picked_period, grain))
if segment and picked_segment not in (None, "(none)"):
    picked = {"category": (column, picked_segment)} if column else {segment: picked_segment}
    narrow = replace(narrow, **picked)
order = st.selectbox(
    "Sort", ["most negative", "most positive", "newest", "oldest"], key="sentiment_order"
)
ui.posts_table(cache.data(find_posts, narrow, order=order, limit=100), "sentiment posts")
