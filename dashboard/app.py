"""Streamlit entry point: `brandpulse dashboard` runs this file."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Brandpulse", page_icon="📈", layout="wide")
page = st.navigation(
    [
        st.Page("views/overview.py", title="Overview", icon="📊", default=True),
        st.Page("views/explore.py", title="Explore", icon="🔎"),
    ]
)
page.run()
