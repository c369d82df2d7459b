"""Streamlit entry point: `brandpulse dashboard` runs this file.

The filter bar lives here, outside the pages, so one set of filters follows the marketer
from page to page and stays in the URL. Expected errors show as one line, never a traceback.
"""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import cache, ui
from dashboard.gate import password_gate
from loaders.errors import BrandpulseError

st.set_page_config(page_title="Brandpulse", page_icon="📈", layout="wide")
# st.dataframe's own "Download as CSV" writes cells as they are (=HYPERLINK(...) runs in a
# spreadsheet); our ui.download buttons neutralise formulas, so the tables' export is off.
# dashboard/server.py sets it before the first page too; this covers `streamlit run`.
st.set_option("client.disableDataExport", True)
try:
    password_gate(cache.settings().dashboard_password)  # before any page can read data
except BrandpulseError as error:  # a bad setting: one line, and no page without the gate
    st.error(str(error))
    st.stop()
# Sections follow a marketer's week: read what happened, act on it, look after the data.
# The page scripts live in views/, not pages/: Streamlit treats a pages/ folder beside the
# entry script as an old-style multipage app and runs this file as one of its pages.
page = st.navigation(
    {
        "Insight": [
            st.Page("views/overview.py", title="Overview", icon="📊", default=True),
            st.Page("views/sentiment.py", title="Sentiment", icon="📈"),
            st.Page("views/topics.py", title="Topics", icon="🗂️"),
            st.Page("views/campaigns.py", title="Campaigns", icon="📣"),
        ],
        "Act": [
            st.Page("views/suggestions.py", title="Suggestions", icon="💡"),
            st.Page("views/replies.py", title="Replies", icon="💬"),
            st.Page("views/report.py", title="Report", icon="📄"),
            st.Page("views/rules.py", title="Rules", icon="🚨"),
        ],
        "Data": [
            st.Page("views/data.py", title="Data", icon="📥"),
            st.Page("views/labeling.py", title="Labeling", icon="🏷️"),
            st.Page("views/explore.py", title="Explore", icon="🔎"),
        ],
    }
)
try:
    ui.filter_bar()
    ui.show_flash()
    page.run()
except BrandpulseError as error:
    st.error(ui.plain(str(error) or type(error).__name__))  # it names files and headers
except Exception as error:  # noqa: BLE001 - a bug must not show users a traceback
    logging.getLogger("brandpulse").exception("dashboard page failed")
    st.error(
        f"Something went wrong ({type(error).__name__}: "
        f"{ui.plain(str(error).splitlines()[0][:200]) if str(error) else ''}). "
        "The details are in the terminal running `brandpulse dashboard`."
    )
