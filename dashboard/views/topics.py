"""Topics: themes first, each opening into its fine topics; how they feel and move; rename
and merge topics, rename themes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
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
from dashboard.tables import percent_bar

VOLUME_COLOR = "#1f77b4"
TOPIC_COLUMNS = {
    "theme": st.column_config.NumberColumn("#", width="small"),
    "topic": st.column_config.NumberColumn("#", width="small"),
    "label": st.column_config.TextColumn("topic name"),
    "share_negative": percent_bar("% negative"),
    # From zero, in a neutral blue: the theme's default colour is the alarm red.
    "weekly": st.column_config.LineChartColumn("posts per week", y_min=0, color=VOLUME_COLOR),
    "example": st.column_config.TextColumn("example post", width="large"),
}

THEME_SHOWN = ["theme", "name", "topics", "documents", "share_negative", "share_positive", "weekly"]
MAP_LABELS = 10  # the map names its largest topics; the others on hover


def hidden(table: pd.DataFrame, shown: list[str]) -> dict[str, None]:
    """Column config hiding every column of ``table`` but ``shown``."""
    return {c: None for c in table.columns if c not in shown}


def sentiment_heatmap(heat: pd.DataFrame, title: str) -> go.Figure:
    """Shares per sentiment as a heatmap, each column in its sentiment's colour (darker:
    a larger share), so it reads like the other sentiment charts."""
    figure = go.Figure(
        layout={
            "title": title,
            "yaxis": {"autorange": "reversed"},
            "height": 200 + 22 * len(heat),
        }
    )
    shares = heat[[f"share_{s}" for s in ui.SENTIMENT_ORDER]].to_numpy(dtype=float)
    for column, sentiment in enumerate(ui.SENTIMENT_ORDER):
        own = np.full_like(shares, np.nan)  # empty cells are transparent: one column each
        own[:, column] = shares[:, column]
        figure.add_trace(
            go.Heatmap(
                z=own,
                x=ui.SENTIMENT_ORDER,
                y=heat["shown"],
                colorscale=[[0, "#ffffff"], [1, ui.SENTIMENT_COLORS[sentiment]]],
                zmin=0,
                zmax=1,
                showscale=False,
                texttemplate="%{z:.0%}",
                hovertemplate="%{y}<br>%{x}: %{z:.0%}<extra></extra>",
                hoverongaps=False,
            )
        )
    return figure


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
    ui.data_table(
        theme_frame,
        "themes",
        {
            **TOPIC_COLUMNS,
            **hidden(theme_frame, THEME_SHOWN),
            "name": st.column_config.TextColumn("theme"),
        },
        order=THEME_SHOWN,
        key="theme_table",
    )
    st.caption("Open a theme to see its topics.")
    for theme in themes:
        members = frame[frame["theme"] == theme["theme"]]
        share = theme["share_negative"]
        negative = f", {share:.0%} negative" if share is not None else ""
        # Streamlit reads Markdown in an expander's label: the theme's name stays literal.
        label = f"{ui.plain(theme['name'])}: {theme['documents']:,} posts{negative}"
        with st.expander(label):
            shown = ["topic", "label", "documents", "share_negative", "example"]
            ui.data_table(
                members,
                f"theme {theme['theme']} topics",
                {**TOPIC_COLUMNS, **hidden(members, shown)},
                order=shown,
                csv=False,  # the topics' CSV below holds them all
            )
else:  # a model fitted before themes: its topics alone
    st.caption(
        "These topics were fitted before themes existed: `brandpulse analyze --refit-topics` "
        "groups them into themes."
    )
    shown = ["topic", "label", "documents", "share_negative", "share_positive", "weekly"]
    ui.data_table(
        frame,
        "topic table",
        {**TOPIC_COLUMNS, **hidden(frame, shown)},
        order=shown,
        csv=False,
        key="topic_table",
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
    sentiment_heatmap(heat, f"Sentiment within each {what}"),
    heat[["label", "documents", *columns]],
    "theme sentiment" if themes else "topic sentiment",
)

points = cache.data(topic_map)
if points:
    placed = pd.DataFrame(points).merge(
        frame[["topic", "share_negative", "shown"]], on="topic", how="left"
    )
    largest = set(placed.nlargest(MAP_LABELS, "size")["topic"])
    placed["name"] = [
        ui.safe(label if len(str(label)) <= 28 else f"{str(label)[:27]}…") if t in largest else ""
        for t, label in zip(placed["topic"], placed["label"].fillna(""), strict=True)
    ]
    figure = px.scatter(
        placed,
        x="x",
        y="y",
        size="size",
        text="name",
        color="share_negative",
        color_continuous_scale="RdYlGn_r",
        range_color=(0, 1),
        hover_name="shown",
        labels={"share_negative": "% negative"},
        title=f"Map of topics: close topics are about similar things (the {MAP_LABELS} largest named)",
    )
    figure.update_traces(textposition="top center", textfont_size=11)
    figure.update_xaxes(visible=False).update_yaxes(visible=False)
    ui.chart(figure, placed.drop(columns=["shown", "name"]), "topic map")

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
