"""Overview: how are we doing in this period, what changed, and where to look."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import streamlit as st

from analysis.insight.kpis import period_kpis, top_movers
from analysis.insight.trend import brand_sparklines
from analysis.periods import iso_week
from analysis.topics.edits import topic_names
from analysis.topics.spikes import period_alerts
from dashboard import cache, ui

st.title("Overview")
ui.require_analysis()
filters = ui.filters()
period = ui.period(filters)
previous = period.previous()
st.caption(
    f"{period.start:%d %b %Y} to {period.end:%d %b %Y}, against the {period.days} days before "
    f"({previous.start:%d %b} to {previous.end:%d %b}). Pick dates in the sidebar to change it."
)

kpis = cache.data(period_kpis, period, ui.undated(filters))


# Each tile: the KPI, its label, how its value and its change read, and whether a rise is bad.
KPI_TILES = (
    ("documents", "Volume", "{:,}".format, "{:+,}".format, False),
    ("net_sentiment", "Net sentiment", "{:+.2f}".format, "{:+.2f}".format, False),
    ("share_negative", "% negative", "{:.1%}".format, lambda d: f"{d * 100:+.1f} pts", True),
    ("average_rating", "Average rating", "{:.2f} ★".format, "{:+.2f}".format, False),
)
for column, (name, label, value_text, delta_text, rise_is_bad) in zip(
    st.columns(len(KPI_TILES)), KPI_TILES, strict=True
):
    k = kpis[name]
    column.metric(
        label,
        "–" if k.current is None else value_text(k.current),
        None if k.delta is None else delta_text(k.delta),
        delta_color="inverse" if rise_is_bad else "normal",
    )

ui.corrected_shares(replace(ui.undated(filters), start=period.start, end=period.end))

st.subheader("Alerts")
alerts = cache.data(period_alerts, period.start, period.end, filters)
if not alerts.spikes and not alerts.emerging:
    st.caption("No spikes and no emerging topics in this period.")
for spike in alerts.spikes:
    st.warning(f"{spike.headline()}; driven by {spike.drivers_text(ui.plain)}.", icon="⚠️")
for topic in alerts.emerging:
    st.info(
        f"Emerging topic in {iso_week(topic.week)}: {ui.plain(topic.name)} (#{topic.topic}), "
        f"{topic.documents:,} posts, {topic.growth:.1f}x its usual share.",
        icon="📈",
    )

st.subheader("What moved")
names = cache.data(topic_names)
left, right = st.columns(2)
for column, by, title in ((left, "topic", "Topics"), (right, "product", "Products")):
    movers = cache.data(top_movers, by, period, ui.undated(filters))
    rows = [
        {
            by: names.get(m.key, f"topic {m.key}") if by == "topic" else m.key,
            "now": m.documents,
            "before": m.previous_documents,
            "change": m.change,
            "% negative": m.share_negative,
        }
        for m in movers
    ]
    with column:
        st.markdown(f"**{title}**")
        if rows:
            ui.data_table(
                rows,
                f"{title} that moved",
                {"% negative": st.column_config.NumberColumn(format="percent")},
            )
        else:
            st.caption("Nothing to compare.")

st.subheader("Brands")
st.caption("The 12 weeks up to the end of the period.")
trailing = replace(
    filters, start=period.end - timedelta(weeks=12) + timedelta(days=1), end=period.end
)
brands = cache.data(brand_sparklines, trailing)
if brands:
    ui.data_table(
        brands,
        "brands per week",
        {
            "net_sentiment": st.column_config.NumberColumn("net sentiment", format="%+.2f"),
            "weekly_documents": st.column_config.LineChartColumn("posts per week"),
            "weekly_net_sentiment": st.column_config.LineChartColumn(
                "net sentiment per week", y_min=-1, y_max=1
            ),
        },
    )
else:
    st.caption("No brand is named in the filtered data.")
