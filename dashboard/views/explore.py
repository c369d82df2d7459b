"""Explore: a post browser for everyone, and read-only SQL for those who write it."""

from __future__ import annotations

import streamlit as st

from analysis.explore import EXAMPLE_QUERIES, QueryRefused, run_query
from analysis.overview import find_posts
from analysis.queries import POST_ORDERS
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
    st.caption(
        "Read-only: one SELECT at a time, no access to files or the network, stopped after "
        "10 seconds, at most 10,000 rows shown. The sidebar filters do not apply here."
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
        try:
            result = run_query(cache.db_path(), sql)
        except QueryRefused as error:
            st.error(ui.plain(error))
        else:
            note = " (first 10,000 rows)" if result.truncated else ""
            st.caption(f"{len(result.rows):,} rows{note} in {result.seconds:.2f} s")
            frame = result.to_frame()
            st.dataframe(frame, hide_index=True)
            ui.download(frame, "query result")
