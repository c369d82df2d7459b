"""Campaigns: each campaign's result side by side, one campaign in detail, and new campaigns."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.express as px
import streamlit as st

from analysis.campaigns.impact import MIN_POSTS, OUTCOME_WORDS
from analysis.campaigns.results import (
    campaign_posts,
    campaign_table,
    campaign_topics,
    window_table,
)
from analysis.insight.campaign_events import campaign_in_detail
from analysis.insight.facets import facet_values
from dashboard import cache, ui
from loaders.campaigns import add_campaign, import_campaigns
from loaders.tempdirs import private_tempdir, write_private

VERDICT_COLORS = {
    "lifted": ui.SENTIMENT_COLORS["positive"],
    "backfired": ui.SENTIMENT_COLORS["negative"],
    "no clear effect": ui.SENTIMENT_COLORS["neutral"],
    "cannot tell": "#cccccc",
}


def outcome_rows(impact: Any) -> list[dict[str, Any]]:
    rows = []
    for outcome in (impact.net, impact.volume, impact.rating):
        if outcome is None:
            continue
        e = outcome.estimate
        if outcome.outcome == "volume":  # a log ratio: shown as percent
            effect, low, high = outcome.volume_percent()
            shown = f"{effect:+.0f}% ({low:+.0f}% to {high:+.0f}%)"
        else:
            shown = f"{e.effect:+.2f} ({e.low:+.2f} to {e.high:+.2f})"
        rows.append(
            {
                "outcome": OUTCOME_WORDS[outcome.outcome],
                "effect beyond the market (95% CI)": shown,
                "p value": round(e.p_value, 3),
                "brand's raw change": round(outcome.brand_change, 3),
                "control's change": round(outcome.control_change, 3),
            }
        )
    return rows


def against_control_chart(name: str, impact: Any) -> None:
    """The brand against its control (synthetic when there is one) per week, campaign shaded."""
    synthetic = impact.synthetic
    weeks, brand, control = impact.weekly
    label = "control"
    if synthetic is not None:
        weeks, brand, control = synthetic.weeks, synthetic.brand_path, synthetic.synthetic_path
        label = "synthetic control"
    if not weeks:
        return
    frame = pd.DataFrame(
        [
            *(
                {"week": w, "net sentiment": v, "line": "brand"}
                for w, v in zip(weeks, brand, strict=True)
            ),
            *(
                {"week": w, "net sentiment": v, "line": label}
                for w, v in zip(weeks, control, strict=True)
            ),
        ]
    )
    figure = px.line(
        frame,
        x="week",
        y="net sentiment",
        color="line",
        markers=True,
        title="The brand against its control (weeks from the campaign's start)",
    )
    figure.add_vrect(x0=-0.5, x1=max(weeks) + 0.5, fillcolor="#f2c14e", opacity=0.2, line_width=0)
    ui.chart(figure, frame, f"{name} against control")


def impact_details(result: Any) -> None:
    impact = result.impact
    raw = (
        f"{result.uplift[0]:+.2f} ({result.uplift[1]:+.2f} to {result.uplift[2]:+.2f})"
        if result.uplift
        else "n/a"
    )
    if impact is None:
        st.info("Cannot tell: the data holds no day before or during this campaign.")
        return
    st.markdown(f"**{ui.plain(impact.sentence)}**")
    for note in (impact.market_note, impact.pretrend_note):
        if note:
            st.caption(ui.plain(note))
    st.caption(
        f"Raw before/during change of the brand's net sentiment (the campaign's length before "
        f"it, everything in those weeks included): {raw}. Compared: {impact.pre_days} days "
        f"before, {impact.during_days} during; the brand's labelled posts "
        f"{impact.brand_posts[0]:,} and {impact.brand_posts[1]:,}, the control's "
        f"{impact.control_posts[0]:,} and {impact.control_posts[1]:,} (at least {MIN_POSTS} each)."
    )
    for event in impact.events:
        st.warning(ui.plain(event))
    outcomes = outcome_rows(impact)
    if outcomes:
        ui.data_table(outcomes, f"{result.name} outcomes")
    left, right = st.columns(2)
    with left:
        against_control_chart(result.name, impact)
    synthetic = impact.synthetic
    with right:
        if synthetic is None:
            st.caption(
                "Synthetic control: needs at least three other brands "
                f"(the control here: {ui.plain(impact.control)})."
            )
            return
        st.markdown(
            f"**Synthetic control**: {synthetic.effect:+.2f}, placebo p = {synthetic.p_value:.2f} "
            f"({len(synthetic.placebos)} placebos); weights "
            + ", ".join(f"{ui.plain(n)} {w:.0%}" for n, w in synthetic.weights.items())
        )
        placebos = pd.DataFrame(
            [{"placebo": ui.safe(n), "ratio": r} for n, _, r in synthetic.placebos]
            + [{"placebo": "the campaign", "ratio": synthetic.ratio}]
        )
        figure = px.bar(placebos, x="placebo", y="ratio", title="Gap during / before: placebos")
        ui.chart(figure, placebos, f"{result.name} placebos")


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
    "Effect: how much the brand's net sentiment (positive share minus negative share) moved "
    "during the campaign beyond what the other brands did on the same days (difference in "
    "differences), with a 95% interval. Raw: the brand's own before/during change, which "
    "also counts everything else that happened in those weeks."
)
table = pd.DataFrame(rows)


def interval(low: float | None, high: float | None) -> str:
    return ui.MISSING if low is None or pd.isna(low) else f"{low:+.2f} to {high:+.2f}"


shown = table.drop(columns=["why"]).assign(
    interval=[
        interval(lo, hi) for lo, hi in zip(table["effect low"], table["effect high"], strict=True)
    ]
)
# The verdict's columns first: they fit a 1024 px screen; the rest scroll sideways.
KEY_COLUMNS = ["campaign", "brand", "effect", "interval", "verdict", "p value", "posts"]
ui.data_table(
    shown,
    "campaigns",
    {
        "effect low": None,  # in the CSV; on screen as the interval
        "effect high": None,
        "campaign": st.column_config.TextColumn("campaign", pinned=True),
        "interval": st.column_config.TextColumn("95% interval"),
    },
    order=KEY_COLUMNS,
)
measured = table.dropna(subset=["effect"])
if not measured.empty:
    figure = px.scatter(
        measured.assign(
            campaign=measured["campaign"].map(ui.safe),
            above=measured["effect high"] - measured["effect"],
            below=measured["effect"] - measured["effect low"],
        ),
        x="effect",
        y="campaign",
        error_x="above",
        error_x_minus="below",
        color="verdict",
        color_discrete_map=VERDICT_COLORS,
        title="Effect on net sentiment beyond the market, with 95% intervals",
    )
    figure.add_vline(x=0, line_dash="dot", line_color="#888")
    ui.chart(figure, measured, "campaign effect")

st.subheader("One campaign")
name = st.selectbox("Campaign", [row["campaign"] for row in rows])
result = cache.data(campaign_in_detail, name)
st.caption(
    f"{result.start:%d %b %Y} to {result.end:%d %b %Y}"
    + (f", budget {result.budget:,.0f}" if result.budget else "")
)
columns = st.columns(4)
columns[0].metric("Campaign posts", f"{result.campaign_posts.documents:,}")
columns[1].metric(
    "Effect beyond the market", f"{result.effect[0]:+.2f}" if result.effect else "n/a"
)
columns[2].metric(
    "95% interval",
    f"{result.effect[1]:+.2f} to {result.effect[2]:+.2f}" if result.effect else "n/a",
)
columns[3].metric("Verdict", result.verdict)
impact_details(result)
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
    ui.data_table(topics, f"{name} topics")
else:
    st.caption("No topics yet for this campaign's posts.")
left, right = st.columns(2)
with left:
    st.markdown("**Most positive posts**")
    ui.posts_table(cache.data(campaign_posts, name, positive=True, limit=5), f"{name} positive")
with right:
    st.markdown("**Most negative posts**")
    ui.posts_table(cache.data(campaign_posts, name, positive=False, limit=5), f"{name} negative")
