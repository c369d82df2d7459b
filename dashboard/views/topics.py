"""Topics: themes first, each opening into its fine topics; how they feel and move; rename
and merge topics, rename themes."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from analysis.insight.posts import find_posts
from analysis.topics.edits import list_themes, list_topics, merge_topics, rename_theme, rename_topic
from analysis.topics.trends import (
    other_share,
    theme_table,
    topic_map,
    topic_table,
    topics_over_time,
)
from dashboard import cache, ui

PERCENT = {"format": "percent"}
TOPIC_COLUMNS = {
    "label": st.column_config.TextColumn("topic name"),
    "documents": st.column_config.NumberColumn("posts"),
    "share_negative": st.column_config.ProgressColumn(
        "% negative", format="percent", min_value=0.0, max_value=1.0
    ),
    "share_positive": st.column_config.NumberColumn("% positive", **PERCENT),
    "weekly": st.column_config.LineChartColumn("posts per week"),
    "example": st.column_config.TextColumn("example post", width="large"),
}

st.title("Topics")
ui.require_analysis(need_topics=True)
filters = ui.filters()

table = cache.data(topic_table, filters)
if not table:
    st.info("No topic has posts matching these filters.")
    st.stop()
frame = pd.DataFrame(table)
frame["keywords"] = frame["keywords"].map(lambda words: ", ".join(words[:6]))
topics = {t.topic: t for t in cache.data(list_topics)}
# The first representative post of each topic; a dataframe cell shows it as plain text.
frame["example"] = frame["topic"].map(
    lambda t: topics[t].examples[0][1] if t in topics and topics[t].examples else ""
)

themes = cache.data(theme_table, filters)
outside = cache.data(other_share, filters)
if outside["share"] is not None:
    st.caption(
        f"{outside['share']:.1%} of the posts ({outside['other']:,}) fit no topic and count "
        'as "Other"; they are in no theme.'
        + (
            f" {outside['unassigned']:,} new posts are not analyzed yet."
            if outside["unassigned"]
            else ""
        )
    )

if themes:
    theme_frame = pd.DataFrame(themes)
    theme_frame["keywords"] = theme_frame["keywords"].map(lambda words: ", ".join(words[:6]))
    st.subheader("Themes")
    st.dataframe(
        theme_frame[
            ["theme", "name", "topics", "documents", "share_negative", "share_positive", "weekly"]
        ],
        hide_index=True,
        width="stretch",
        key="theme_table",
        column_config={**TOPIC_COLUMNS, "name": st.column_config.TextColumn("theme")},
    )
    ui.download(theme_frame, "themes")
    st.caption("Open a theme to see its topics.")
    for theme in themes:
        members = frame[frame["theme"] == theme["theme"]]
        share = theme["share_negative"]
        negative = f", {share:.0%} negative" if share is not None else ""
        # Streamlit reads Markdown in an expander's label: the theme's name stays literal.
        label = f"{ui.plain(theme['name'])}: {theme['documents']:,} posts{negative}"
        with st.expander(label):
            st.dataframe(
                members[["topic", "label", "documents", "share_negative", "example"]],
                hide_index=True,
                width="stretch",
                column_config=TOPIC_COLUMNS,
            )
else:  # a model fitted before themes: its topics alone
    st.caption(
        "These topics were fitted before themes existed: `brandpulse analyze --refit-topics` "
        "groups them into themes."
    )
    st.dataframe(
        frame[["topic", "label", "documents", "share_negative", "share_positive", "weekly"]],
        hide_index=True,
        width="stretch",
        key="topic_table",
        column_config=TOPIC_COLUMNS,
    )
ui.download(frame.drop(columns="example"), "topics")
frame["shown"] = frame["label"].map(ui.safe) + " (#" + frame["topic"].astype(str) + ")"

over_time = cache.data(topics_over_time, None, filters)
if over_time:
    weekly = pd.DataFrame(over_time)
    top = frame["topic"].head(8).tolist()
    weekly = weekly[weekly["topic"].isin(top)]
    weekly["shown"] = weekly["label"].map(ui.safe) + " (#" + weekly["topic"].astype(str) + ")"
    ui.chart(
        px.line(
            weekly,
            x="week",
            y="documents",
            color="shown",
            labels={"shown": "topic", "documents": "posts"},
            title="The 8 largest topics per week",
        ),
        weekly.drop(columns="shown"),
        "topics over time",
    )

# Sentiment per theme when there are themes (at most 40), else per topic (largest 25).
heat = pd.DataFrame(themes).rename(columns={"name": "label"}) if themes else frame.head(25).copy()
heat["shown"] = heat["label"].map(ui.safe)
heat["share_neutral"] = 1 - heat["share_negative"].fillna(0) - heat["share_positive"].fillna(0)
columns = ["share_negative", "share_neutral", "share_positive"]
what = "theme" if themes else "topic (largest 25)"
ui.chart(
    go.Figure(
        go.Heatmap(
            z=heat[columns].to_numpy(),
            x=ui.SENTIMENT_ORDER,
            y=heat["shown"],
            colorscale="Blues",
            zmin=0,
            zmax=1,
            texttemplate="%{z:.0%}",
            hovertemplate="%{y}<br>%{x}: %{z:.0%}<extra></extra>",
        ),
        layout={
            "title": f"Sentiment within each {what}",
            "yaxis": {"autorange": "reversed"},
            "height": 200 + 22 * len(heat),
        },
    ),
    heat[["label", "documents", *columns]],
    "theme sentiment" if themes else "topic sentiment",
)

points = cache.data(topic_map)
if points:
    placed = pd.DataFrame(points).merge(
        frame[["topic", "share_negative", "shown"]], on="topic", how="left"
    )
    ui.chart(
        px.scatter(
            placed,
            x="x",
            y="y",
            size="size",
            color="share_negative",
            color_continuous_scale="RdYlGn_r",
            range_color=(0, 1),
            hover_name="shown",
            labels={"share_negative": "% negative"},
            title="Map of topics: close topics are about similar things",
        )
        .update_xaxes(visible=False)
        .update_yaxes(visible=False),
        placed.drop(columns="shown"),
        "topic map",
    )

st.subheader("Representative posts")
options = list(topics)
chosen = st.selectbox(
    "Topic",
    options,
    index=options.index(int(frame.iloc[0]["topic"]))
    if int(frame.iloc[0]["topic"]) in options
    else 0,
    format_func=lambda t: f"{topics[t].display_name} (#{t})",
    key="topic_examples",
)
topic = topics[chosen]
st.text("Keywords: " + ", ".join(topic.keywords))
for _, text in topic.examples:
    st.text(text)  # plain text: a post can never render as HTML or Markdown
with st.expander("All posts of this topic"):
    ui.posts_table(
        cache.data(find_posts, replace(filters, topic=chosen), order="newest", limit=200),
        "topic posts",
    )

st.subheader("Rename or merge")
settings = cache.settings()
with st.form("rename"):
    new_name = st.text_input(
        f"New name for topic #{chosen} (empty restores the generated name)",
        value=topic.user_label or "",
    )
    if st.form_submit_button("Rename"):
        rename_topic(settings, chosen, new_name)
        st.session_state["flash"] = f"Topic {chosen} renamed."
        st.rerun()
with st.form("merge"):
    others = st.multiselect(
        f"Topics to merge into topic #{chosen}",
        [t for t in options if t != chosen],
        format_func=lambda t: f"{topics[t].display_name} (#{t})",
    )
    if st.form_submit_button("Merge") and others:
        merge_topics(settings, others, chosen)
        st.session_state["flash"] = f"Merged {len(others)} topics into topic {chosen}."
        st.rerun()

named = {t.theme: t for t in cache.data(list_themes)}
if named:
    with st.form("rename_theme"):
        picked = st.selectbox(
            "Theme", list(named), format_func=lambda t: f"{named[t].name} (theme {t})"
        )
        theme_name = st.text_input("New name for the theme (empty restores the generated name)")
        if st.form_submit_button("Rename theme"):
            rename_theme(settings, picked, theme_name)
            st.session_state["flash"] = f"Theme {picked} renamed."
            st.rerun()
