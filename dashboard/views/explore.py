"""Explore: read-only SQL over the database, with a schema browser and example queries."""

from __future__ import annotations

import streamlit as st

from analysis.explore import EXAMPLE_QUERIES, QueryRefused, run_query
from dashboard import cache

st.title("Explore with SQL")
st.caption(
    "Read-only: one SELECT at a time, no access to files or the network, stopped after "
    "10 seconds, at most 10,000 rows shown."
)
db = cache.db_path()
if not db.exists():
    st.info("No data yet. Run `brandpulse demo` for the sample data, or ingest your own exports.")
    st.stop()

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
        result = run_query(db, sql)
    except QueryRefused as error:
        st.error(str(error))
    else:
        note = " (first 10,000 rows)" if result.truncated else ""
        st.caption(f"{len(result.rows):,} rows{note} in {result.seconds:.2f} s")
        frame = result.to_frame()
        st.dataframe(frame, hide_index=True)
        st.download_button("Download CSV", frame.to_csv(index=False), "query.csv", "text/csv")
