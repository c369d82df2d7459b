"""The Explore page's SQL runner refuses writes, file access and long queries."""

from __future__ import annotations

import pytest

from analysis.explore.sql_box import EXAMPLE_QUERIES, QueryRefused, run_query, schema
from loaders import store


@pytest.fixture
def db(settings):
    with store.session(settings=settings) as con:
        con.execute(
            "INSERT INTO documents (doc_id, kind, source, created_at, text, text_hash, "
            "ingest_run_id) SELECT 'd' || i, 'social', 'x', TIMESTAMPTZ '2025-01-01', "
            "'post ' || i, 'h' || i, 1 FROM range(30) t(i)"
        )
    return settings.db


def test_select_returns_rows_up_to_the_limit(db):
    result = run_query(db, "SELECT doc_id, text FROM documents ORDER BY doc_id;", row_limit=10)
    assert result.columns == ["doc_id", "text"]
    assert len(result.rows) == 10 and result.truncated
    assert result.rows[0] == ("d0", "post 0")
    assert run_query(db, "WITH x AS (SELECT count(*) n FROM documents) SELECT n FROM x").rows == [
        (30,)
    ]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("INSERT INTO documents (doc_id) VALUES ('x')", "this is a INSERT statement"),
        ("DELETE FROM documents", "this is a DELETE statement"),
        ("COPY documents TO '/tmp/leak.csv'", "this is a COPY statement"),
        ("ATTACH '/tmp/other.duckdb' AS other", "this is a ATTACH statement"),
        ("SET enable_external_access = true", "this is a SET statement"),
        ("SELECT 1; DROP TABLE documents", "Only one statement can run at a time"),
        ("SELECT * FROM read_csv('/etc/passwd')", "files, URLs and other databases"),
        ("SELECT * FROM '/etc/passwd'", "The query failed"),
        ("SELEC 1", "does not parse"),
        ("   ", "Write a query first"),
    ],
)
def test_refused(db, sql, message):
    with pytest.raises(QueryRefused, match=message):
        run_query(db, sql)
    # Nothing changed.
    assert run_query(db, "SELECT count(*) FROM documents").rows == [(30,)]


def test_long_queries_are_stopped(db):
    slow = "SELECT count(*) FROM range(100000000) a(i), range(1000) b(j) WHERE (i * j) % 7 = 3"
    with pytest.raises(QueryRefused, match="ran longer than 1 s"):
        run_query(db, slow, timeout_s=1)


def test_schema_and_examples_run(db):
    tables = schema(db)
    assert ("text", "VARCHAR") in tables["documents"] and "topics" in tables
    for sql in EXAMPLE_QUERIES.values():
        run_query(db, sql)
