"""The store's primitives: one transaction helper, one value, rows by name."""

import duckdb
import pytest

from loaders import store


@pytest.fixture
def con():
    connection = duckdb.connect(":memory:")
    connection.execute("CREATE TABLE t (id INTEGER, name VARCHAR)")
    yield connection
    connection.close()


def count(con) -> int:
    return store.scalar(con, "SELECT count(*) FROM t")


def test_transaction_commits_when_the_block_ends(con):
    with store.transaction(con):
        con.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    assert count(con) == 2


def test_transaction_rolls_back_everything_when_the_block_raises(con):
    with pytest.raises(ValueError, match="half way"), store.transaction(con):
        con.execute("INSERT INTO t VALUES (1, 'a')")
        raise ValueError("half way")
    assert count(con) == 0
    con.execute("INSERT INTO t VALUES (3, 'c')")  # no transaction left open on the connection
    assert count(con) == 1


def test_transaction_rolls_back_after_a_failed_statement_and_raises_its_error(con):
    with pytest.raises(duckdb.Error), store.transaction(con):
        con.execute("INSERT INTO t VALUES (1, 'a')")
        con.execute("INSERT INTO t VALUES ('not a number', 'b')")
    assert count(con) == 0


def test_transaction_rolls_back_on_keyboard_interrupt(con):
    with pytest.raises(KeyboardInterrupt), store.transaction(con):
        con.execute("INSERT INTO t VALUES (1, 'a')")
        raise KeyboardInterrupt
    assert count(con) == 0


def test_a_dry_run_sees_its_changes_and_keeps_none(con):
    with store.transaction(con, commit=False):
        con.execute("INSERT INTO t VALUES (1, 'a')")
        seen_inside = count(con)
    assert (seen_inside, count(con)) == (1, 0)


def test_scalar_and_records(con):
    con.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    assert store.scalar(con, "SELECT name FROM t WHERE id = ?", [2]) == "b"
    assert store.scalar(con, "SELECT name FROM t WHERE id = ?", [9]) is None
    assert store.records(con, "SELECT id, name FROM t ORDER BY id") == [
        {"id": 1, "name": "a"},
        {"id": 2, "name": "b"},
    ]


def test_scalar_leaves_no_unfinished_result_behind(con):
    con.execute("INSERT INTO t SELECT range, 'x' FROM range(5000)")
    assert store.scalar(con, "SELECT id FROM t ORDER BY id") == 0
    import pyarrow as pa

    con.register("other", pa.table({"one": [1]}))  # refused after a half-read result
    assert store.scalar(con, "SELECT one FROM other") == 1
