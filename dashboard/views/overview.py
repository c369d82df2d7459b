"""Overview: how are we doing in this period, what changed, and where to look."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import streamlit as st

from analysis.insight.brand_row import brand_rows, top_complaints
from analysis.insight.facets import facet_values
from analysis.insight.kpis import period_kpis, top_movers
from analysis.insight.trend import brand_sparklines
from analysis.periods import baseline_note, iso_week
from analysis.topics.edits import topic_names
from analysis.topics.spikes import period_alerts
from dashboard import cache, ui

st.title("Overview")
ui.require_analysis()
filters = ui.filters()
period = ui.period(filters)
previous = period.previous()
brands = [value for value, _ in cache.data(facet_values).get("brand", [])]
mine, _ = cache.my_brand()

if mine is None and len(brands) >= 2:  # first run: the one question the Overview needs
    with st.container(border=True):
        st.markdown("**Which brand is yours?** It comes first here; the others are competitors.")
        choice = st.selectbox("Which brand is yours?", brands, key="first_run_brand")
        if st.button("Save", key="first_run_save", type="primary"):
            cache.save_my_brand(choice)
            st.session_state["flash"] = f"My brand is now {choice}. Change it in the sidebar."
            st.rerun()

st.caption(
    f"{period.start:%d %b %Y} to {period.end:%d %b %Y}, against the {period.days} days before "
    f"({previous.start:%d %b} to {previous.end:%d %b}). The sidebar's dates set the period of "
    "every page."
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

thin = cache.data(baseline_note, period)
if thin:
    st.caption(f"⚠️ {thin}")

ui.corrected_shares(replace(ui.undated(filters), start=period.start, end=period.end))

st.subheader("Brands")
rows = cache.data(brand_rows, period, ui.undated(filters), mine=mine)
POINTS = ("share_of_voice_change", "share_negative_change")  # a share's change reads in points
rows = [{**r, **{k: None if r[k] is None else r[k] * 100 for k in POINTS}} for r in rows]
if rows:
    st.caption(
        "Share of voice: a brand's part of the period's posts that name a brand. Changes "
        "against the period before."
        + (f" My brand ({ui.plain(mine)}) comes first." if any(r["mine"] for r in rows) else "")
    )
    ui.data_table(
        rows,
        "brands in the period",
        {
            "mine": st.column_config.CheckboxColumn("my brand"),
            "documents": st.column_config.NumberColumn("posts"),
            "previous_documents": st.column_config.NumberColumn("posts before"),
            "share_of_voice": st.column_config.NumberColumn("share of voice", format="percent"),
            "share_of_voice_change": st.column_config.NumberColumn(
                "Δ share of voice", format="%+.1f pts"
            ),
            "net_sentiment": st.column_config.NumberColumn("net sentiment", format="%+.2f"),
            "net_sentiment_change": st.column_config.NumberColumn(
                "Δ net sentiment", format="%+.2f"
            ),
            "share_negative": st.column_config.NumberColumn("% negative", format="percent"),
            "share_negative_change": st.column_config.NumberColumn(
                "Δ % negative", format="%+.1f pts"
            ),
        },
    )
else:
    st.caption("No brand is named in this period.")

if mine is not None and mine in brands:
    st.subheader("My brand's top complaints")
    complaints = cache.data(top_complaints, period, mine, ui.undated(filters))
    if complaints:
        st.caption(f"{ui.plain(mine)}'s topics with the most negative posts in the period.")
        ui.data_table(
            complaints,
            "my brand's top complaints",
            {"% negative": st.column_config.NumberColumn(format="percent")},
        )
    else:
        st.caption(f"No negative post about {ui.plain(mine)} in a topic in this period.")

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

st.subheader("Brands per week")
# Whole ISO weeks: the 12 up to the one holding the period's end.
last_monday = period.end - timedelta(days=period.end.weekday())
trailing = replace(filters, start=last_monday - timedelta(weeks=11), end=period.end)
weekly = cache.data(brand_sparklines, trailing)
partial = sorted({week for row in weekly for week in row.pop("partial_weeks")})
st.caption(
    "The 12 weeks up to the end of the period."
    + (
        f" Partial weeks are left out of the lines (their lower volume is no drop): "
        f"{', '.join(partial)}."
        if partial
        else ""
    )
)
if weekly:
    ui.data_table(
        weekly,
        "brands per week",
        {
            "net_sentiment": st.column_config.NumberColumn("net sentiment", format="%+.2f"),
            # Posts from 0 (a dip is a real dip), net sentiment on its whole -1..+1 scale;
            # blue, not the theme's colour, which reads as an alarm.
            "weekly_documents": st.column_config.LineChartColumn(
                "posts per week", y_min=0, color="#1f77b4"
            ),
            "weekly_net_sentiment": st.column_config.LineChartColumn(
                "net sentiment per week (-1 to +1)", y_min=-1, y_max=1, color="#1f77b4"
            ),
        },
    )
else:
    st.caption("No brand is named in the filtered data.")
