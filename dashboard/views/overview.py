"""Overview: what the database holds, and weekly volume by kind."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboard import cache
from loaders import queries
from loaders.errors import BrandpulseError

st.title("Brandpulse")
try:
    info = cache.info()
except BrandpulseError as error:
    st.error(str(error))
    st.stop()

if not info.documents:
    st.info(
        "No data yet. Run `brandpulse demo` for the sample data, or `brandpulse ingest FILE` for your own exports."
    )
    st.stop()

left, middle, right = st.columns(3)
left.metric("Documents", f"{info.documents:,}")
middle.metric("From", f"{info.first:%Y-%m-%d}")
right.metric("To", f"{info.last:%Y-%m-%d}")

weekly = cache.query(queries.WEEKLY_VOLUME)
figure = px.bar(weekly, x="week", y="documents", color="kind", title="Documents per week")
st.plotly_chart(figure, width="stretch")
st.download_button("Download CSV", weekly.to_csv(index=False), "weekly_volume.csv", "text/csv")

for name, rows in info.counts.items():
    st.subheader(f"By {name}")
    st.dataframe([{name: value, "documents": count} for value, count in rows], hide_index=True)
