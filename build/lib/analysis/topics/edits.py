"""The current topics as users see them: listing, naming with a generator, renaming and merging."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb

from analysis.topics import sql
from analysis.topics.fit import current_run
from loaders import store
from loaders.config import Settings
from loaders.errors import TopicError, explain


@dataclass(frozen=True)
class Topic:
    topic: int
    name: str  # the user's label if set, else the generated one
    label: str
    user_label: str | None
    keywords: list[str]
    size: int
    examples: list[tuple[str, str]]  # (doc_id, text) of the representative documents


def list_topics(con: duckdb.DuckDBPyConnection, run_id: int | None = None) -> list[Topic]:
    """The topics of the current run (merged ones folded in), largest first."""
    run_id = run_id if run_id is not None else current_run(con)
    if run_id is None:
        return []
    rows = con.execute(sql.TOPIC_LIST, [run_id]).fetchall()
    wanted = sorted({doc_id for row in rows for doc_id in row[6]})
    texts = dict(con.execute(sql.DOCUMENT_TEXTS, [wanted]).fetchall()) if wanted else {}
    return [
        Topic(
            topic=topic,
            name=name,
            label=label,
            user_label=user_label,
            keywords=list(keywords),
            size=size,
            examples=[(d, texts[d]) for d in representative if d in texts],
        )
        for topic, name, label, user_label, keywords, size, representative in rows
    ]


def topic_names(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """topic -> display name in the current run, including merged topics' own names."""
    return {t.topic: t.name for t in list_topics(con)}


def _require_topic(con: duckdb.DuckDBPyConnection, run_id: int | None, topic: int) -> int:
    if run_id is None:
        raise TopicError("No topic model yet. Fix: run `brandpulse analyze` to fit one.")
    if not con.execute(sql.TOPIC_EXISTS, [run_id, topic]).fetchall()[0][0]:
        raise TopicError(
            explain(
                f"There is no topic {topic} in the current topic model",
                fix="see `brandpulse topics list` for the topic numbers.",
            )
        )
    return run_id


TopicNamer = Callable[[list[str], list[str]], str]  # (keywords, example texts) -> label


def _clean_generated_label(text: str) -> str | None:
    """One line of 2-6 words, without quotes or a 'Label:' prefix; None when unusable."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    line = re.sub(r"^(topic|label)\s*:\s*", "", line, flags=re.IGNORECASE).strip(" \"'.*#")
    return line if 2 <= len(line.split()) <= 6 and len(line) <= 60 else None


def relabel_topics(settings: Settings, namer: TopicNamer) -> int:
    """Replace the generated labels of the current topics with ``namer``'s, where usable.

    ``namer`` is any text generator (e.g. the suggestion LLM) given a topic's keywords and
    representative texts. A failing call or an answer that is not a short label keeps the
    phrase label; users' own names are never touched. Returns how many labels changed.
    """
    with store.session(settings=settings, read_only=True) as con:
        run_id = current_run(con)
        found = list_topics(con) if run_id is not None else []
    changed = []
    for topic in found:
        try:
            label = _clean_generated_label(namer(topic.keywords, [t for _, t in topic.examples]))
        except Exception:  # noqa: BLE001 - any generator failure falls back to the phrase label
            label = None
        if label and label != topic.label:
            changed.append((label, run_id, topic.topic))
    if changed:
        with store.session(settings=settings) as con:
            con.executemany(sql.SET_GENERATED_LABEL, changed)
    return len(changed)


def rename_topic(settings: Settings, topic: int, label: str) -> None:
    """Give a topic the marketer's own name (an empty name restores the generated one)."""
    label = " ".join(label.split())
    with store.session(settings=settings) as con:
        run_id = _require_topic(con, current_run(con), topic)
        con.execute(sql.RENAME_TOPIC, [label or None, run_id, topic])


def merge_topics(settings: Settings, topics: Sequence[int], into: int) -> None:
    """Fold ``topics`` into topic ``into``: their documents move, their names disappear."""
    sources = [t for t in dict.fromkeys(topics) if t != into]
    if not sources:
        raise TopicError("Name at least one topic to merge other than the target.")
    with store.session(settings=settings) as con:
        run_id = _require_topic(con, current_run(con), into)
        for source in sources:
            _require_topic(con, run_id, source)
        with store.transaction(con):
            for source in sources:
                con.execute(sql.MERGE_TOPIC, [into, run_id, source, source])
                con.execute(sql.MOVE_DOCUMENTS, [into, run_id, source])
            con.execute(sql.REFRESH_SIZES, [run_id])
