"""Explore: a post browser for everyone, and read-only SQL for those who write it."""

from __future__ import annotations

import streamlit as st

from analysis.explore.sql_box import EXAMPLE_QUERIES, QueryRefused, run_query
from analysis.insight.posts import find_posts
from analysis.insight.sql import POST_ORDERS
from dashboard import cache, ui

PAGE_SIZE = 50

st.title("Explore")
ui.require_data()
posts_tab, sql_tab = st.tabs(["Posts", "SQL"])

with posts_tab:
    st.caption("The filters in the sidebar apply. Search is case-insensitive, in the post text.")
    search_column, order_column, page_column = st.columns([3, 1, 1])
    search = search_column.text_input("Search the text", key="posts_search")
    order = order_column.selectbox("Sort", list(POST_ORDERS), key="posts_order")
    page = page_column.number_input("Page", min_value=1, value=1, step=1, key="posts_page")
    found = cache.data(
        find_posts,
        ui.filters(),
        search=search or None,
        order=order,
        limit=PAGE_SIZE,
        offset=(int(page) - 1) * PAGE_SIZE,
    )
    ui.posts_table(found, "posts page")

with sql_tab:
    limits = cache.settings()
    st.caption(
        "Read-only: one query at a time (SELECT, FROM, PIVOT, DESCRIBE, SUMMARIZE...), no "
        f"access to files or the network, stopped after {limits.explore_timeout_s:.0f} "
        f"seconds, at most {limits.explore_row_limit:,} rows and "
        f"{limits.explore_result_mb} MB. The sidebar filters do not apply here."
    )
    with st.expander("Tables and columns"):
        for table, columns in cache.schema().items():
            st.markdown(f"**{table}**: " + ", ".join(f"`{c}` {t.lower()}" for c, t in columns))

    example = st.selectbox("Example queries", ["(write your own)", *EXAMPLE_QUERIES])
    default = EXAMPLE_QUERIES.get(
        example, "SELECT kind, count(*) AS documents FROM documents GROUP BY ALL"
    )
    sql = st.text_area("SQL", value=default, height=160, key=f"sql-{example}")
    if st.button("Run", type="primary"):
        busy = st.empty()
        try:
            with st.spinner("Running the query..."):
                result = run_query(
                    cache.db_path(),
                    sql,
                    settings=limits,
                    on_busy=lambda: busy.info(cache.BUSY_SPINNER),
                )
        except QueryRefused as error:
            busy.empty()
            st.error(ui.plain(str(error)))  # escaped: the message may quote the SQL
        else:
            busy.empty()
            note = f" (first {limits.explore_row_limit:,} rows)" if result.truncated else ""
            st.caption(f"{len(result.rows):,} rows{note} in {result.seconds:.2f} s")
            # Its columns as the query named them; NULL reads as a dash, like every table.
            ui.data_table(result.to_frame(), "query result", known=False)
