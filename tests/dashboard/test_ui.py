"""The Run analysis flash: what it says about topics."""

from __future__ import annotations

from analysis.jobs.analysis_pass import PassResult
from analysis.topics.assign import AssignResult
from analysis.topics.fit import FitResult
from dashboard.ui import topics_note


def test_the_flash_says_when_topics_refitted_or_a_refit_is_due():
    refitted = FitResult(2, 900, 800, 12, 0.05, 10, 1.0, n_themes=4)
    refitted.refit_because = "40% of the 200 new documents fitted no topic"
    assert topics_note(PassResult(None, refitted)) == (
        " The topics were refitted because 40% of the 200 new documents fitted no topic: "
        "12 topics in 4 themes."
    )
    due = AssignResult(1, assigned=60, outliers=40, embedded=100, seconds=1.0, refit_due=True)
    assert topics_note(PassResult(None, due)) == (
        " 40% of the new documents fit no topic: a refit is due "
        "(`brandpulse analyze --refit-topics`)."
    )
    assert topics_note(PassResult(None, AssignResult(1, 60, 1, 61, 1.0))) == ""
    assert (
        topics_note(PassResult(None, topic_problem="Too few texts.")) == " Topics: Too few texts."
    )


def test_the_language_filter_shows_names_and_keeps_codes():
    from dashboard.ui import facet_label

    assert facet_label("language", "pcm") == "Nigerian Pidgin"
    assert facet_label("language", "de") == "German"
    assert facet_label("language", None) == "All"
    assert facet_label("source", "pcm") == "pcm"  # only languages are named


def test_the_flash_says_which_rules_fired():
    from datetime import UTC, datetime

    from analysis.rules.engine import CheckResult
    from analysis.rules.model import Firing
    from dashboard.ui import rules_note

    surge = Firing(
        "Negative surge", "2025-W41", datetime.now(UTC), "Negative posts rose to 65%", {}, 90
    )
    fired = CheckResult(fired=[surge], delivered=1, failed=1)
    assert rules_note(PassResult(None, rules=fired)) == (
        " Rules fired: Negative posts rose to 65% (1 deliveries failed)."
    )
    assert rules_note(PassResult(None, rules=CheckResult())) == ""
    assert rules_note(PassResult(None, rules_problem="database busy")) == (
        " Rules not checked: database busy"
    )


def test_tables_read_missing_values_as_a_dash_and_shares_as_percent():
    import pandas as pd

    from dashboard.tables import MISSING, table_view

    frame = pd.DataFrame(
        {
            "brand": ["Tidewell", None],
            "share_negative": [0.0177, 0.25],
            "net_sentiment": [0.1234, None],
            "documents": [1200, 3],
            "created_at": pd.to_datetime(["2025-10-06 09:30", None]),
        }
    )
    shown, config = table_view(frame)
    assert shown["brand"].tolist() == ["Tidewell", MISSING]
    # A full column stays numbers (it sorts as numbers), shown as one percent format.
    assert shown["share_negative"].tolist() == [1.77, 25.0]
    assert config["share_negative"]["label"] == "% negative"
    assert config["share_negative"]["type_config"]["format"] == "%.1f%%"
    # A column with an empty cell becomes text in the same formats, a dash in the gap.
    assert shown["net_sentiment"].tolist() == ["+0.12", MISSING]
    assert config["net_sentiment"]["label"] == "net sentiment"
    assert config["documents"]["label"] == "posts"
    assert shown["created_at"].tolist() == ["2025-10-06 09:30", MISSING]
    assert frame["share_negative"].tolist() == [0.0177, 0.25]  # the CSV keeps the data
    moved = table_view(pd.DataFrame({"change": [-59, 4]}))[1]["change"]
    assert moved["type_config"]["format"] == "%+d"  # a change in posts, not "-59.00"


def test_a_pages_own_column_config_wins_and_its_text_still_reads_a_dash():
    import pandas as pd
    import streamlit as st

    from dashboard.tables import MISSING, table_view
    from dashboard.ui import POST_COLUMNS

    frame = pd.DataFrame(
        {"doc_id": ["a", "b"], "text": ["Lid leaks", None], "tags": [["lid"], None]}
    )
    shown, config = table_view(frame, {**POST_COLUMNS, "text": st.column_config.TextColumn()})
    assert config["doc_id"] is None  # hidden on screen
    assert shown["text"].tolist() == ["Lid leaks", MISSING]
    assert shown["tags"].tolist() == [["lid"], None]  # a list column draws no "None"
    assert table_view(pd.DataFrame({"a_b": [1.5]}))[1]["a_b"]["label"] == "a b"
    shown, config = table_view(pd.DataFrame({"tags": [["lid"], None]}))
    assert shown["tags"].tolist() == [["lid"], []] and config["tags"]["label"] == "tags"


def test_a_percent_bar_reads_in_the_one_percent_format():
    import pandas as pd

    from dashboard.tables import percent_bar, table_view

    frame = pd.DataFrame({"share_negative": [0.0177, None]})
    shown, config = table_view(frame, {"share_negative": percent_bar("% negative")})
    assert shown["share_negative"].tolist()[0] == 1.77  # on the bar's 0 to 100 scale
    assert config["share_negative"]["type_config"]["format"] == "%.1f%%"
