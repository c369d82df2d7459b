from __future__ import annotations

import duckdb
import pytest

from loaders import store
from loaders.config import Settings, load_settings
from loaders.errors import SchemaError


def test_new_file_gets_latest_schema(db):
    with store.session(db) as con:
        assert store.schema_version(con) == store.LATEST_VERSION
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {"documents", "ingest_runs", "rejected_rows", "campaigns", "schema_version"} <= names


def test_migrations_are_numbered_and_contiguous():
    versions = [v for v, _, _ in store.migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_older_file_is_migrated_on_open(db):
    # Build a version-1 file by hand: schema_version plus the first migration only.
    version, name, sql = store.migrations()[0]
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    con.execute(sql)
    con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
    con.close()
    with store.session(db, read_only=True) as con:  # even a reader's first open upgrades it
        assert store.schema_version(con) == store.LATEST_VERSION
        assert con.execute("SELECT count(*) FROM campaigns").fetchall()[0][0] == 0
        assert [
            r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
        ] == list(range(1, store.LATEST_VERSION + 1))


def test_newer_file_is_refused(db):
    with store.session(db) as con:
        con.execute("INSERT INTO schema_version VALUES (999, 'future', now())")
    with pytest.raises(SchemaError, match="newer than this Brandpulse"):
        store.connect(db)


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("hello, I am a text file, not a database at all" * 100)
    with pytest.raises(SchemaError, match="not a DuckDB database"):
        store.connect(path, settings=Settings(db=path))


def test_unopenable_file_is_a_one_line_error(tmp_path):
    from loaders.errors import StoreError

    folder = tmp_path / "a_file_not_a_folder"
    folder.write_text("x")
    with pytest.raises(StoreError, match="Cannot open the database"):
        store.connect(
            folder / "db.duckdb", read_only=True, settings=Settings(db=folder / "db.duckdb")
        )


def test_settings_precedence(tmp_path, monkeypatch):
    config = tmp_path / "brandpulse.toml"
    config.write_text('db = "from_toml.duckdb"\nlock_timeout_s = 5\n')
    settings = load_settings(
        environ={"BRANDPULSE_CONFIG": str(config), "BRANDPULSE_LOCK_TIMEOUT_S": "7"}
    )
    assert (str(settings.db), settings.lock_timeout_s) == ("from_toml.duckdb", 7.0)
    assert (
        load_settings({"db": "cli.duckdb"}, environ={"BRANDPULSE_DB": "env.duckdb"}).db.name
        == "cli.duckdb"
    )
    assert load_settings(environ={"BRANDPULSE_DB": "env.duckdb"}).db.name == "env.duckdb"


def test_settings_errors_say_how_to_fix(tmp_path):
    from loaders.errors import ConfigError

    with pytest.raises(ConfigError, match="BRANDPULSE_LOCK_TIMEOUT_S"):
        load_settings(environ={"BRANDPULSE_LOCK_TIMEOUT_S": "soon"})
    config = tmp_path / "bad.toml"
    config.write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="Unknown setting 'colour'"):
        load_settings(environ={"BRANDPULSE_CONFIG": str(config)})


def test_every_setting_is_documented():
    docs = Settings.field_docs()
    assert docs and all(len(text) > 20 for text in docs.values())


def test_a_file_name_that_is_not_an_identifier_reopens(tmp_path):
    db = tmp_path / "my-brand 2025.duckdb"  # the catalog DuckDB names after the file
    for _ in range(2):
        with store.session(db) as con:
            assert store.schema_version(con, "my-brand 2025") == store.LATEST_VERSION
    with store.session(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM doc_facts").fetchall() == [(0,)]
