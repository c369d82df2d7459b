"""Themes as users see them: listing with their topics, renaming, names for other views."""

from __future__ import annotations

import pytest

from analysis.topics.edits import (
    list_themes,
    list_topics,
    merge_topics,
    rename_theme,
    rename_topic,
    topic_names,
    topic_theme_names,
)
from loaders import store
from loaders.errors import TopicError
from tests.analysis.topics.test_trends import build


def _add_seal_topic(settings) -> None:
    """A third topic in the 'product quality' theme, taking ten of the lid posts."""
    with store.session(settings=settings) as con:
        con.execute(
            "INSERT INTO topics VALUES "
            "(1, 2, 'seal broken', ['seal'], 0, NULL, NULL, [0.9, 0.1], [], 1, 0.5)"
        )
        con.execute(
            "UPDATE doc_topics SET topic = 2 WHERE doc_id IN "
            "(SELECT doc_id FROM doc_topics WHERE topic = 0 ORDER BY doc_id LIMIT 10)"
        )
        con.execute(
            "UPDATE topics SET size = (SELECT count(*) FROM doc_topics d "
            "WHERE d.topic = topics.topic) WHERE run_id = 1"
        )


def test_list_themes_groups_topics_and_sums_their_sizes(settings):
    build(settings)
    _add_seal_topic(settings)
    with store.session(settings=settings, read_only=True) as con:
        themes = list_themes(con)
    assert [(t.theme, t.name, t.size) for t in themes] == [
        (0, "daily use", 600),
        (1, "product quality", 50),
    ]
    quality = themes[1]
    assert [(t.topic, t.name, t.size) for t in quality.topics] == [
        (0, "lid leaks", 40),
        (2, "seal broken", 10),
    ]
    assert quality.keywords == ["lid"] and quality.user_label is None
    assert all(t.theme == 1 and t.theme_name == "product quality" for t in quality.topics)


def test_a_merge_moves_documents_to_the_target_s_theme(settings):
    build(settings)
    _add_seal_topic(settings)
    merge_topics(settings, [2], 1)  # the seal posts join 'everyday talk' in 'daily use'
    with store.session(settings=settings, read_only=True) as con:
        themes = {t.theme: t for t in list_themes(con)}
    assert themes[0].size == 610 and themes[1].size == 40
    assert [t.topic for t in themes[1].topics] == [0]


def test_rename_theme_persists_and_an_empty_name_restores_the_generated_one(settings):
    build(settings)
    rename_theme(settings, 1, "  Lids   and seals ")
    with store.session(settings=settings, read_only=True) as con:
        renamed = {t.theme: t for t in list_themes(con)}[1]
        assert (renamed.name, renamed.label, renamed.user_label) == (
            "Lids and seals",
            "product quality",
            "Lids and seals",
        )
        assert topic_theme_names(con) == {0: "Lids and seals", 1: "daily use"}
        # Nothing else changed: the topics keep their names, the other theme its own.
        assert topic_names(con) == {0: "lid leaks", 1: "everyday talk"}
        assert {t.theme: t.name for t in list_themes(con)}[0] == "daily use"
        assert list_topics(con)[1].display_name == "lid leaks (Lids and seals)"
    rename_theme(settings, 1, "")
    with store.session(settings=settings, read_only=True) as con:
        assert {t.theme: t.name for t in list_themes(con)}[1] == "product quality"


def test_renaming_an_unknown_theme_says_what_to_do(settings):
    build(settings)
    with pytest.raises(TopicError) as error:
        rename_theme(settings, 7, "Anything")
    message = str(error.value)
    assert message.startswith("There is no theme 7 in the current topic model.")
    assert "Found 7." in message and "Fix: see `brandpulse topics list`" in message


def test_a_run_fitted_before_themes_has_no_themes(settings):
    build(settings)
    rename_topic(settings, 0, "Leaky lids")
    with store.session(settings=settings) as con:
        con.execute("UPDATE topics SET theme = NULL")
        con.execute("DELETE FROM themes")
    with store.session(settings=settings, read_only=True) as con:
        assert list_themes(con) == [] and topic_theme_names(con) == {}
        assert list_topics(con)[1].display_name == "Leaky lids"
    with pytest.raises(TopicError, match="no theme 0"):
        rename_theme(settings, 0, "x")
