"""Hostile settings (issue 15 review): out-of-range limits are one ConfigError, never a
traceback later or a silent quarantine of every row."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dashboard.cli import cli
from loaders.config import Settings, load_settings, memory_bytes
from loaders.errors import ConfigError

OUT_OF_RANGE = [
    ("DATE_MAX_FUTURE_DAYS", "nan", "a finite number of days, 0 or more"),
    ("DATE_MAX_FUTURE_DAYS", "inf", "a finite number of days, 0 or more"),
    ("DATE_MAX_FUTURE_DAYS", "-1", "a finite number of days, 0 or more"),
    ("DATE_MIN", "2024-13-01", "a date YYYY-MM-DD, e.g. 2000-01-01"),
    ("CSV_MAX_FIELD_LINES", "0", "a whole number of lines, 1 or more"),
    ("MAX_RECORD_MB", "0", "a whole number of megabytes, 1 or more"),
    ("JSON_MAX_DEPTH", "0", "a whole number of levels, 1 or more"),
    ("XLSX_MAX_UNCOMPRESSED_MB", "-5", "a whole number of megabytes, 1 or more"),
    ("XLSX_MAX_CELLS", "0", "a whole number of cells, 1 or more"),
    ("EXPLORE_TIMEOUT_S", "0", "a finite number of seconds, more than 0"),
    ("EXPLORE_TIMEOUT_S", "nan", "a finite number of seconds, more than 0"),
    ("EXPLORE_ROW_LIMIT", "0", "a whole number of rows, 1 or more"),
    ("EXPLORE_RESULT_MB", "0", "a whole number of megabytes, 1 or more"),
    ("EXPLORE_THREADS", "0", "a whole number of threads, 1 or more"),
    ("EXPLORE_MEMORY_LIMIT", "lots", "a memory size such as 512MB or 1GiB, more than 0"),
    ("EXPLORE_MEMORY_LIMIT", "0MB", "a memory size such as 512MB or 1GiB, more than 0"),
]


@pytest.mark.parametrize(("name", "value", "expected"), OUT_OF_RANGE)
def test_an_out_of_range_env_value_is_one_config_error(name, value, expected):
    env = f"BRANDPULSE_{name}"
    with pytest.raises(ConfigError) as error:
        load_settings(environ={env: value}, config_file=None)
    problem = "is not a date" if name == "DATE_MIN" else "is out of range"
    assert str(error.value) == (
        f"Setting '{name.lower()}' {problem}. Expected {expected}. "
        f"Found {value!r} in environment variable {env}. Fix: correct environment variable {env}."
    )


def test_a_toml_value_names_the_file(tmp_path):
    config = tmp_path / "brandpulse.toml"
    config.write_text("json_max_depth = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(environ={}, config_file=config)
    assert f"Found 0 in {config}. Fix: correct {config}." in str(error.value)


def test_settings_built_in_code_are_checked_too():
    with pytest.raises(ConfigError, match="Setting 'max_record_mb' is out of range"):
        Settings(max_record_mb=0)


def test_edge_values_are_accepted():
    settings = load_settings(
        environ={
            "BRANDPULSE_DATE_MAX_FUTURE_DAYS": "0",
            "BRANDPULSE_CSV_MAX_FIELD_LINES": "1",
            "BRANDPULSE_EXPLORE_TIMEOUT_S": "0.5",
            "BRANDPULSE_EXPLORE_MEMORY_LIMIT": "1.5GiB",
        },
        config_file=None,
    )
    assert (settings.date_max_future_days, settings.csv_max_field_lines) == (0.0, 1)
    assert memory_bytes(settings.explore_memory_limit) == int(1.5 * 2**30)
    assert memory_bytes("512MB") == 512_000_000
    assert memory_bytes(" 800 mb ") == 800_000_000


def test_the_cli_shows_a_nan_window_in_one_line(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text("text,created_at\nhello,2024-01-01\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["ingest", str(path), "--db", str(tmp_path / "x.duckdb")],
        env={"BRANDPULSE_DATE_MAX_FUTURE_DAYS": "nan"},
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: Setting 'date_max_future_days' is out of range. Expected a finite number of "
        "days, 0 or more. Found 'nan' in environment variable BRANDPULSE_DATE_MAX_FUTURE_DAYS. "
        "Fix: correct environment variable BRANDPULSE_DATE_MAX_FUTURE_DAYS."
    ]
    assert not (tmp_path / "x.duckdb").exists()
