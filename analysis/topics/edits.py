"""The current topics as users see them: listing, naming with a generator, renaming and merging.

Topics come in two levels: fine topics (``topics``) grouped into coarse themes (``themes``),
each with a generated name a marketer may replace. Runs fitted before themes existed have
no themes: :func:`list_themes` gives an empty list for them, and every caller then shows
the fine topics alone (a refit groups them).
"""

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
    theme: int | None = None  # its theme in the same run; None for runs before themes
    theme_name: str | None = None  # the theme's display name

    @property
    def display_name(self) -> str:
        """The name with its theme, e.g. "lid leaks (Product quality)"."""
        return with_theme(self.name, self.theme_name)


@dataclass(frozen=True)
class Theme:
    theme: int
    name: str  # the user's label if set, else the generated one
    label: str
    user_label: str | None
    keywords: list[str]
    size: int  # documents in its (non-merged) topics
    topics: list[Topic]  # largest first


def with_theme(name: str, theme_name: str | None) -> str:
    """A fine topic's name followed by its theme's in brackets (unless they are the same)."""
    return f"{name} ({theme_name})" if theme_name and theme_name != name else name


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
            theme=theme,
            theme_name=theme_name,
        )
        for topic, name, label, user_label, keywords, size, representative, theme, theme_name in rows
    ]


def list_themes(con: duckdb.DuckDBPyConnection, run_id: int | None = None) -> list[Theme]:
    """The themes of the current run with their topics, largest first.

    A theme's size is the documents of its topics that are not merged away (a merge moves
    documents to the target topic, and so to the target's theme); a theme whose topics were
    all merged into other themes' topics is left out. Runs fitted before themes: [].
    """
    run_id = run_id if run_id is not None else current_run(con)
    if run_id is None:
        return []
    by_theme: dict[int, list[Topic]] = {}
    for topic in list_topics(con, run_id):
        if topic.theme is not None:
            by_theme.setdefault(topic.theme, []).append(topic)
    found = [
        Theme(
            theme=theme,
            name=name,
            label=label,
            user_label=user_label,
            keywords=list(keywords),
            size=sum(t.size for t in by_theme[theme]),
            topics=by_theme[theme],
        )
        for theme, name, label, user_label, keywords in con.execute(
            sql.THEME_LIST, [run_id]
        ).fetchall()
        if theme in by_theme
    ]
    return sorted(found, key=lambda t: (-t.size, t.theme))


def topic_names(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """topic -> display name of the current run's topics (merged ones are folded in)."""
    return {t.topic: t.name for t in list_topics(con)}


def theme_names(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """theme -> display name of the current run's themes ({} for runs before themes)."""
    return {t.theme: t.name for t in list_themes(con)}


def topic_theme_names(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """topic -> its theme's display name in the current run ({} for runs before themes)."""
    run_id = current_run(con)
    if run_id is None:
        return {}
    return dict(con.execute(sql.TOPIC_THEME_NAMES, [run_id]).fetchall())


def _require_run(run_id: int | None) -> int:
    if run_id is None:
        raise TopicError("No topic model yet. Fix: run `brandpulse analyze` to fit one.")
    return run_id


def _require_topic(con: duckdb.DuckDBPyConnection, run_id: int | None, topic: int) -> int:
    run_id = _require_run(run_id)
    if not con.execute(sql.TOPIC_EXISTS, [run_id, topic]).fetchall()[0][0]:
        raise TopicError(
            explain(
                f"There is no topic {topic} in the current topic model",
                fix="see `brandpulse topics list` for the topic numbers.",
            )
        )
    return run_id


TopicNamer = Callable[[list[str], list[str]], str]  # (keywords, example texts) -> label


_WORDS = re.compile(r"[a-z0-9']+")


def _own_words(keywords: list[str], examples: list[str]) -> set[str]:
    words = set(_WORDS.findall(" ".join(keywords + examples).lower()))
    return words | {w + "s" for w in words} | {w[:-1] for w in words if w.endswith("s")}


def _clean_generated_label(text: str, own_words: set[str] | None = None) -> str | None:
    """One line of 1-5 words, without quotes or a 'Label:' prefix, no comma list, no @handle,
    and (given ``own_words``) made of the topic's own words, stop words aside: a generated
    name that invents what the posts do not say is not used. None when unusable."""
    from analysis.topics.text import stop_words

    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    line = re.sub(r"^(topic|label|name)\s*:\s*", "", line, flags=re.IGNORECASE).strip(" \"'.*#")
    if not 1 <= len(line.split()) <= 5 or len(line) > 60 or "," in line or "@" in line:
        return None
    if own_words is not None:
        content = set(_WORDS.findall(line.lower())) - stop_words()
        if not content or not content <= own_words:
            return None
    return line


def relabel_topics(settings: Settings, namer: TopicNamer) -> int:
    """Replace the generated labels of the current topics with ``namer``'s, where usable.

    ``namer`` is any text generator (e.g. the suggestion LLM) given a topic's keywords and
    representative texts. A failing call, or an answer that is not a short name made of
    the topic's own words, keeps the phrase name; users' own names are never touched.
    Returns how many labels changed.
    """
    with store.session(settings=settings, read_only=True) as con:
        run_id = current_run(con)
        found = list_topics(con) if run_id is not None else []
    changed = []
    for topic in found:
        examples = [t for _, t in topic.examples]
        try:
            label = _clean_generated_label(
                namer(topic.keywords, examples), _own_words(topic.keywords, examples)
            )
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


def rename_theme(settings: Settings, theme: int, label: str) -> None:
    """Give a theme the marketer's own name (an empty name restores the generated one)."""
    label = " ".join(label.split())
    with store.session(settings=settings) as con:
        run_id = _require_run(current_run(con))
        if not con.execute(sql.THEME_EXISTS, [run_id, theme]).fetchall()[0][0]:
            raise TopicError(
                explain(
                    f"There is no theme {theme} in the current topic model",
                    expected="a theme number from `brandpulse topics list`",
                    found=str(theme),
                    fix="see `brandpulse topics list` for the theme numbers (a model fitted "
                    "before themes has none: `brandpulse analyze --refit-topics` groups its topics).",
                )
            )
        con.execute(sql.RENAME_THEME, [label or None, run_id, theme])


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
