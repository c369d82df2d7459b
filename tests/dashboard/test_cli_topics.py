"""`brandpulse topics`: themes then their topics, theme renames, one-line errors."""

from __future__ import annotations

from click.testing import CliRunner

from dashboard.cli import cli
from tests.analysis.topics.test_trends import build
from tests.conftest import rows


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_topics_list_shows_each_theme_then_its_topics(settings):
    build(settings)
    db = str(settings.db)
    result = run("topics", "list", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    daily = lines.index("Theme 0: daily use (600 documents in 1 topic, 20% negative)")
    quality = lines.index("Theme 1: product quality (50 documents in 1 topic, 100% negative)")
    assert daily < quality  # the largest theme first
    # Each theme's topics follow it, indented, with number, name, size and keywords.
    assert lines[daily + 1].split() == ["topic", "name", "documents", "negative", "keywords"]
    assert lines[daily + 3].split() == ["1", "everyday", "talk", "600", "20%", "bottle"]
    assert lines[quality + 3].split() == ["0", "lid", "leaks", "50", "100%", "lid"]
    assert all(line.startswith("    ") for line in lines[daily + 1 : daily + 4])


def test_topics_rename_theme(settings):
    build(settings)
    db = str(settings.db)
    result = run("topics", "rename-theme", "1", "Lids & seals", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Theme 1 is now called 'Lids & seals'."
    assert rows(settings.db, "SELECT theme, user_label FROM themes ORDER BY theme") == [
        (0, None),
        (1, "Lids & seals"),
    ]
    assert "Theme 1: Lids & seals (50 documents" in run("topics", "list", "--db", db).output
    reset = run("topics", "rename-theme", "1", "", "--db", db)
    assert reset.output.strip() == "Name reset."
    assert rows(settings.db, "SELECT user_label FROM themes WHERE theme = 1") == [(None,)]


def test_renaming_an_unknown_theme_is_one_line(settings):
    build(settings)
    result = run("topics", "rename-theme", "9", "x", "--db", str(settings.db))
    assert result.exit_code == 1
    assert result.output.startswith("Error: There is no theme 9 in the current topic model.")
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_spikes_name_topics_with_their_theme(settings):
    build(settings)
    result = run("topics", "spikes", "--db", str(settings.db))
    assert result.exit_code == 0, result.output
    assert result.output.count("drivers: lid leaks (product quality) ") == 2
