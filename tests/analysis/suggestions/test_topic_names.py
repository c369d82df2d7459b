"""Topic names from the generator: what it is asked, and which answers are used."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from analysis.suggestions.generators import GenerationOptions
from analysis.suggestions.topic_names import name_topics_with_generator
from analysis.topics.edits import list_topics
from loaders import store
from loaders.config import Settings
from tests.conftest import insert_documents

POSTS = {
    "d1": "My bag never arrived in Denver, lost luggage again",
    "d2": "Still waiting for my lost bag after three days",
    "d3": "Flight delayed four hours at JFK with no updates",
    "d4": "Another delayed flight, two hours on the tarmac",
}


@pytest.fixture
def two_topics(tmp_path) -> Settings:
    settings = Settings(db=tmp_path / "t.duckdb", generator="smollm2", model_dir=tmp_path / "m")
    when = datetime(2025, 9, 1, tzinfo=UTC)
    with store.session(settings=settings) as con:
        insert_documents(con, [(d, "social", "x", None, when, text) for d, text in POSTS.items()])
        con.execute("INSERT INTO topic_runs VALUES (1, now(), now(), 4, 4, 2, 0, 't', '{}', 1)")
        con.execute(
            "INSERT INTO topics VALUES "
            "(1, 0, 'lost bag', ['bag', 'lost', 'luggage'], 2, NULL, NULL, [1.0, 0.0],"
            " ['d1', 'd2'], 0, 0.5),"
            " (1, 1, 'delayed flight', ['delayed', 'flight', 'hours'], 2, NULL, NULL,"
            " [0.0, 1.0], ['d3', 'd4'], 0, 0.5)"
        )
    return settings


class ScriptedGenerator:
    """A generator that answers from a script and records what it was asked."""

    name = "scripted"

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers, self.prompts = answers, []

    def generate(self, system, prompt, options: GenerationOptions, examples=()) -> str:
        self.prompts.append((system, prompt, examples, options))
        return next(answer for word, answer in self.answers.items() if word in prompt)

    def generate_many(self, system, prompt, options, count, examples=()) -> list[str]:
        return [self.generate(system, prompt, options, examples)] * count


def test_the_generator_sees_keywords_and_posts_and_invented_names_are_dropped(two_topics):
    generator = ScriptedGenerator({"luggage": "Lost luggage", "delayed": "Angry travellers"})
    assert name_topics_with_generator(two_topics, generator) == 1
    system, prompt, examples, options = generator.prompts[0]
    assert "bag, lost, luggage" in prompt and "My bag never arrived" in prompt
    assert examples and options.temperature == 0.0 and "noun phrase" in system
    with store.session(settings=two_topics, read_only=True) as con:
        names = {t.topic: t.name for t in list_topics(con)}
    # "Angry travellers" is not what those posts say: the phrase name stays.
    assert names == {0: "Lost luggage", 1: "delayed flight"}


@pytest.mark.slow
def test_the_offline_model_names_topics_only_in_their_own_words(two_topics):
    name_topics_with_generator(two_topics)
    with store.session(settings=two_topics, read_only=True) as con:
        topics = list_topics(con)
    for topic in topics:
        words = set(topic.name.lower().split())
        assert "," not in topic.name and 1 <= len(words) <= 5
        posts = " ".join(text.lower() for _, text in topic.examples) + " " + topic.label.lower()
        assert any(word.strip("'") in posts for word in words), topic.name
