"""Topics: what people talk about, how it feels, how it moves; rename and merge topics."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from analysis.insight.posts import find_posts
from analysis.topics.edits import list_topics, merge_topics, rename_topic
from analysis.topics.trends import topic_map, topic_table, topics_over_time
from dashboard import cache, ui

st.title("Topics")
ui.require_analysis(need_topics=True)
filters = ui.filters()

table = cache.data(topic_table, filters)
if not table:
    st.info("No topic has posts matching these filters.")
    st.stop()
frame = pd.DataFrame(table)
frame["keywords"] = frame["keywords"].map(lambda words: ", ".join(words[:6]))
st.caption("Select a row to see the topic's representative posts below.")
picked_rows = st.dataframe(
    frame[
        ["topic", "label", "documents", "share_negative", "share_positive", "weekly", "keywords"]
    ],
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="topic_table",
    column_config={
        "label": st.column_config.TextColumn("topic name"),
        "documents": st.column_config.NumberColumn("posts"),
        "share_negative": st.column_config.ProgressColumn(
            "% negative", format="percent", min_value=0.0, max_value=1.0
        ),
        "share_positive": st.column_config.NumberColumn("% positive", format="percent"),
        "weekly": st.column_config.LineChartColumn("posts per week"),
    },
)
ui.download(frame, "topics")
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

heat = frame.head(25).copy()
heat["share_neutral"] = 1 - heat["share_negative"].fillna(0) - heat["share_positive"].fillna(0)
columns = ["share_negative", "share_neutral", "share_positive"]
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
            "title": "Sentiment within each topic (largest 25)",
            "yaxis": {"autorange": "reversed"},
            "height": 200 + 22 * len(heat),
        },
    ),
    heat[["topic", "label", "documents", *columns]],
    "topic sentiment",
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
topics = {t.topic: t for t in cache.data(list_topics)}
chosen_row = picked_rows.selection.rows if picked_rows and picked_rows.selection else []
default = int(frame.iloc[chosen_row[0]]["topic"]) if chosen_row else int(frame.iloc[0]["topic"])
options = list(topics)
chosen = st.selectbox(
    "Topic",
    options,
    index=options.index(default) if default in options else 0,
    format_func=lambda t: f"{topics[t].name} (#{t})",
    key=f"topic_examples_{default}",
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
        format_func=lambda t: f"{topics[t].name} (#{t})",
    )
    if st.form_submit_button("Merge") and others:
        merge_topics(settings, others, chosen)
        st.session_state["flash"] = f"Merged {len(others)} topics into topic {chosen}."
        st.rerun()
