"""Campaigns: each campaign's result side by side, one campaign in detail, and new campaigns."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from analysis.campaigns.results import (
    campaign_posts,
    campaign_result,
    campaign_table,
    campaign_topics,
    window_table,
)
from analysis.insight.facets import facet_values
from dashboard import cache, ui
from loaders.campaigns import add_campaign, import_campaigns
from loaders.tempdirs import private_tempdir, write_private

VERDICT_COLORS = {
    "lifted": ui.SENTIMENT_COLORS["positive"],
    "backfired": ui.SENTIMENT_COLORS["negative"],
    "no clear change": ui.SENTIMENT_COLORS["neutral"],
    "no data": "#cccccc",
}

st.title("Campaigns")
ui.require_analysis()
settings = cache.settings()


def campaign_form() -> None:
    with st.form("new-campaign", clear_on_submit=True):
        st.caption(
            "Posts join a campaign by its hashtags or UTM tag at any time, or by its keywords "
            "during its dates for its brand. Separate list values with ';'. Saving a campaign "
            "with an existing name replaces it."
        )
        left, right = st.columns(2)
        name = left.text_input("Name")
        brands = [value for value, _ in cache.data(facet_values).get("brand", [])]
        brand = right.selectbox("Brand", ["", *brands])
        start = left.date_input("Start", value=None)
        end = right.date_input("End", value=None)
        hashtags = left.text_input("Hashtags", placeholder="#RefillRewards")
        utm = right.text_input("UTM campaign", placeholder="refill_rewards")
        keywords = left.text_input("Keywords", placeholder="refill station; refill stamp")
        channels = right.text_input("Channels", placeholder="instagram; twitter")
        budget = left.text_input("Budget (optional)")
        if st.form_submit_button("Save campaign", type="primary"):
            fields = {
                "name": name,
                "brand": brand,
                "start": start.isoformat() if start else "",
                "end": end.isoformat() if end else "",
                "hashtags": hashtags,
                "utm_campaign": utm,
                "keywords": keywords,
                "channels": channels,
                "budget": budget,
            }
            saved = add_campaign(fields, settings)
            st.session_state["flash"] = f"Campaign '{saved['name']}' saved."
            st.rerun()
    upload = st.file_uploader("Or import a campaigns CSV", type=["csv"], key="campaigns-csv")
    if upload is not None and st.button("Import campaigns"):
        with private_tempdir("upload") as folder:  # 0700, removed after the import
            path = write_private(folder / "campaigns.csv", upload.getvalue())
            count = import_campaigns(path, settings=settings)
        st.session_state["flash"] = f"{count} campaigns imported from {upload.name}."
        st.rerun()


rows = cache.data(campaign_table)
with st.expander("Add a campaign", expanded=not rows):
    campaign_form()
if not rows:
    st.info("No campaigns yet: add one above, or import a CSV (name, start, end, hashtags...).")
    st.stop()

st.subheader("Side by side")
st.caption(
    "Uplift: the brand's net sentiment (positive share minus negative share) during the "
    "campaign minus the same length of time before it, with a 95% interval. Other events in "
    "the same weeks count too; compare with the market line below."
)
table = pd.DataFrame(rows)
ui.data_table(
    table,
    "campaigns",
    {
        **{
            c: st.column_config.NumberColumn(format="%+.2f")
            for c in table.columns
            if c.startswith(("brand net", "uplift", "posts net"))
        },
        **{
            c: st.column_config.NumberColumn(format="percent")
            for c in table.columns
            if c.startswith("share of voice")
        },
        "budget": st.column_config.NumberColumn(format="%,.0f"),
    },
)
measured = table.dropna(subset=["uplift"])
if not measured.empty:
    figure = px.scatter(
        measured.assign(
            campaign=measured["campaign"].map(ui.safe),
            above=measured["uplift high"] - measured["uplift"],
            below=measured["uplift"] - measured["uplift low"],
        ),
        x="uplift",
        y="campaign",
        error_x="above",
        error_x_minus="below",
        color="verdict",
        color_discrete_map=VERDICT_COLORS,
        title="Uplift of net sentiment, with 95% intervals",
    )
    figure.add_vline(x=0, line_dash="dot", line_color="#888")
    ui.chart(figure, measured, "campaign uplift")

st.subheader("One campaign")
name = st.selectbox("Campaign", [row["campaign"] for row in rows])
result = cache.data(campaign_result, name)
st.caption(
    f"{result.start:%d %b %Y} to {result.end:%d %b %Y}"
    + (f", budget {result.budget:,.0f}" if result.budget else "")
    + f"; before and after: the {(result.end - result.start).days + 1} days on either side."
)
columns = st.columns(4)
columns[0].metric("Campaign posts", f"{result.campaign_posts.documents:,}")
columns[1].metric("Uplift", f"{result.uplift[0]:+.2f}" if result.uplift else "n/a")
columns[2].metric(
    "95% interval",
    f"{result.uplift[1]:+.2f} to {result.uplift[2]:+.2f}" if result.uplift else "n/a",
)
columns[3].metric("Verdict", result.verdict)
windows = pd.DataFrame(window_table(result))
left, right = st.columns(2)
with left:
    figure = px.line(
        windows.assign(group=windows["group"].map(ui.safe)),
        x="window",
        y="net sentiment",
        color="group",
        markers=True,
        title="Net sentiment before, during and after",
    )
    ui.chart(figure, windows, f"{name} windows")
with right:
    voice = pd.DataFrame(
        [{"window": w, "share of voice": v} for w, v in result.share_of_voice.items()]
    )
    figure = px.bar(
        voice,
        x="window",
        y="share of voice",
        title=f"Share of voice of {ui.safe(result.brand or 'the brand')} among all brands",
    )
    figure.update_yaxes(tickformat=".0%")
    ui.chart(figure, voice, f"{name} share of voice")

st.markdown("**Topics of the campaign's posts**")
topics = cache.data(campaign_topics, name)
if topics:
    st.dataframe(pd.DataFrame(topics), hide_index=True, width="stretch")
else:
    st.caption("No topics yet for this campaign's posts.")
left, right = st.columns(2)
with left:
    st.markdown("**Most positive posts**")
    ui.posts_table(cache.data(campaign_posts, name, positive=True, limit=5), f"{name} positive")
with right:
    st.markdown("**Most negative posts**")
    ui.posts_table(cache.data(campaign_posts, name, positive=False, limit=5), f"{name} negative")
