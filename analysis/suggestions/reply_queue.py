"""The replies queue: the period's negative posts (and posts rules added), each with up to three
reply drafts grounded in the knowledge base, for a person to approve, edit or reject.

Nothing here publishes anything: an approved reply is copied or exported (CSV) by a person.
Drafting again replaces a post's unreviewed drafts and keeps reviewed ones. An edit is checked
again (:func:`analysis.suggestions.replies.check_reply`) and its problems stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import duckdb

from analysis.filters import Filters
from analysis.suggestions import reply_sql as sql
from analysis.suggestions.generators import Generator
from analysis.suggestions.knowledge import THRESHOLD, Match, best_entry
from analysis.suggestions.ranker import Embedder
from analysis.suggestions.replies import ReplyDraft, check_reply, draft_replies
from analysis.suggestions.writer import TEMPLATE, generator_name, known_names
from loaders import knowledge, store
from loaders.config import Settings
from loaders.errors import BrandpulseError, explain
from loaders.safe_text import csv_text
from loaders.workspace import my_brand

STATUSES = ("draft", "approved", "rejected")
QUEUE_LIMIT = 50  # posts drafted at once: a person reviews them, so a page's worth
Progress = Callable[[str, int, int], None]
DRAFTING = "drafting replies"  # the progress stage
EXPORT_COLUMNS = ("post_id", "post_url", "brand", "post", "reply", "entry_id", "entry_issue")


@dataclass(frozen=True)
class QueuedPost:
    doc_id: str
    created_at: Any
    day: date
    brand: str | None
    source: str
    author: str | None
    text: str
    url: str | None
    external_id: str | None
    label: str | None
    added_by: str | None  # 'rule:<id>' when a rule put it on the queue

    @property
    def queued_by(self) -> str:
        return self.added_by or "period"


@dataclass(frozen=True)
class PostDrafts:
    post: QueuedPost
    match: Match | None
    drafts: list[ReplyDraft]


@dataclass(frozen=True)
class Reply:
    id: int
    doc_id: str
    created_at: Any
    updated_at: Any
    period_start: date | None
    period_end: date | None
    rank: int
    text: str
    edited_text: str | None
    status: str
    reviewed_at: Any
    source: str
    generator: str | None
    problems: list[str]
    score: float | None
    needs_edit: bool
    entry_id: int | None
    entry_similarity: float | None
    queued_by: str
    brand: str | None
    post_text: str | None
    url: str | None
    external_id: str | None
    post_source: str | None

    @property
    def final_text(self) -> str:
        return self.edited_text if self.edited_text is not None else self.text


# --- the queue ----------------------------------------------------------------------------------


def queue_posts(
    con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = QUEUE_LIMIT
) -> list[QueuedPost]:
    """Negative posts the filters select (dates are the period), then posts rules added."""
    rows = con.execute(sql.QUEUE_POSTS, [*filters.params(), limit]).fetchall()
    return [QueuedPost(*row) for row in rows]


def add_to_queue(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str], added_by: str) -> int:
    """Put posts on the queue (a rule's reply action); returns how many were new. The caller
    owns the transaction."""
    before = store.scalar(con, "SELECT count(*) FROM reply_queue")
    for doc_id in dict.fromkeys(doc_ids):
        con.execute(sql.QUEUE_ADD, [doc_id, added_by, doc_id])
    return int(store.scalar(con, "SELECT count(*) FROM reply_queue")) - int(before)


def queue_filters(con: duckdb.DuckDBPyConnection, settings: Settings, filters: Filters) -> Filters:
    """Replies speak for "my brand": with no brand filter, the queue holds my brand's posts."""
    own = my_brand(con, settings)
    return replace(filters, brand=own) if filters.brand is None and own else filters


# --- drafting -----------------------------------------------------------------------------------


def write_drafts(
    posts: Sequence[QueuedPost],
    entries: Sequence[knowledge.KnowledgeEntry],
    generator: Generator | None,
    names: Sequence[str],
    embed: Embedder,
    progress: Progress | None = None,
    seed: int | None = None,
    threshold: float = THRESHOLD,
) -> list[PostDrafts]:
    """Match each post to its entry and write its drafts (no database: it can take minutes)."""
    results = []
    for number, post in enumerate(posts, start=1):
        match = best_entry(post.text, post.brand, entries, embed, threshold)
        drafts = draft_replies(
            post.text,
            brand=post.brand,
            entry=match.entry if match else None,
            generator=generator,
            names=names,
            seed=seed,
            embed=embed,
        )
        results.append(PostDrafts(post, match, drafts[:3]))
        if progress:
            progress(DRAFTING, number, len(posts))
    return results


def save_drafts(
    con: duckdb.DuckDBPyConnection,
    results: Sequence[PostDrafts],
    period: tuple[date | None, date | None],
    generator: str,
) -> list[int]:
    """Store each post's drafts, replacing its unreviewed ones; returns the new ids."""
    ids = []
    with store.transaction(con):
        for result in results:
            con.execute(sql.DELETE_DRAFTS_OF_POST, [result.post.doc_id])
            entry = result.match.entry.id if result.match else None
            similarity = result.match.similarity if result.match else None
            for rank, draft in enumerate(result.drafts, start=1):
                values = [
                    result.post.doc_id,
                    *period,
                    rank,
                    draft.text,
                    draft.source,
                    generator if draft.source != TEMPLATE else TEMPLATE,
                    list(draft.problems),
                    draft.score,
                    draft.needs_edit,
                    entry,
                    similarity,
                    result.post.queued_by,
                ]
                ids.append(int(store.scalar(con, sql.INSERT_DRAFT, values)))
    return ids


def draft_queue(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    filters: Filters,
    generator: Generator | None,
    progress: Progress | None = None,
    *,
    embed: Embedder | None = None,
    limit: int = QUEUE_LIMIT,
    seed: int | None = None,
    threshold: float = THRESHOLD,
) -> list[PostDrafts]:
    """Draft up to three replies for every post of the queue and store them."""
    if embed is None:
        from analysis.suggestions.planned import copy_embedder

        embed = copy_embedder()
    filters = queue_filters(con, settings, filters)
    posts = queue_posts(con, filters, limit)
    entries = knowledge.active_entries(con, filters.end or date.today())
    results = write_drafts(
        posts, entries, generator, known_names(con), embed, progress, seed, threshold
    )
    save_drafts(con, results, (filters.start, filters.end), generator_name(generator))
    return results


def draft_for(
    settings: Settings,
    filters: Filters,
    generator: Generator | None,
    progress: Progress | None = None,
    *,
    embed: Embedder | None = None,
    limit: int = QUEUE_LIMIT,
) -> list[PostDrafts]:
    """:func:`draft_queue` as a command: read the queue, let go of the database while the
    model writes (that can take minutes), then store the drafts in a short session."""
    if embed is None:
        from analysis.suggestions.planned import copy_embedder

        embed = copy_embedder()
    with store.session(settings=settings, read_only=True) as con:
        filters = queue_filters(con, settings, filters)
        posts = queue_posts(con, filters, limit)
        entries = knowledge.active_entries(con, filters.end or date.today())
        names = known_names(con)
    results = write_drafts(posts, entries, generator, names, embed, progress)
    if results:
        with store.session(settings=settings) as con:
            save_drafts(con, results, (filters.start, filters.end), generator_name(generator))
    return results


# --- review and export --------------------------------------------------------------------------


def _reply(row: dict[str, Any]) -> Reply:
    return Reply(**{**row, "problems": list(row["problems"] or [])})


def get_reply(con: duckdb.DuckDBPyConnection, reply_id: int) -> Reply:
    rows = store.records(con, sql.SELECT_DRAFT, [reply_id])
    if not rows:
        raise BrandpulseError(
            explain(
                f"There is no reply draft #{reply_id}",
                fix="list them with `brandpulse replies list`.",
            )
        )
    return _reply(rows[0])


def list_replies(
    con: duckdb.DuckDBPyConnection, status: str | None = None, doc_id: str | None = None
) -> list[Reply]:
    """Stored drafts (all, or of one status or post), grouped by post, best first."""
    return [
        _reply(r) for r in store.records(con, sql.SELECT_DRAFTS, [status, status, doc_id, doc_id])
    ]


def review_reply(
    con: duckdb.DuckDBPyConnection, reply_id: int, status: str, edited_text: str | None = None
) -> Reply:
    """Approve, reject or edit a draft. An edit is checked again and its problems stored."""
    if status not in STATUSES:
        raise BrandpulseError(
            explain("Unknown review status", expected=", ".join(STATUSES), found=status)
        )
    reply = get_reply(con, reply_id)
    problems = reply.problems
    if edited_text is not None:
        edited_text = edited_text.strip()
        if not edited_text:
            raise BrandpulseError(
                explain("The edited reply is empty", fix="write the reply, or reject it.")
            )
        entry = knowledge.get_entry(con, reply.entry_id) if reply.entry_id is not None else None
        problems = check_reply(
            edited_text, reply.post_text or "", entry, known_names(con), reply.brand
        )
    with store.transaction(con):
        con.execute(
            sql.REVIEW,
            [
                status,
                edited_text if edited_text is not None else reply.edited_text,
                problems,
                reply_id,
            ],
        )
    return get_reply(con, reply_id)


def export_replies(con: duckdb.DuckDBPyConnection, fmt: str = "csv") -> str:
    """The approved replies as CSV: post id and URL (the platform's id when no URL), brand,
    post, reply and the entry used. Cells are made safe for spreadsheets."""
    if fmt != "csv":
        raise BrandpulseError(explain("Unknown export format", expected="csv", found=fmt))
    issues = {e.id: e.issue for e in knowledge.entries(con)}
    rows = [
        (
            reply.external_id or reply.doc_id,
            reply.url or "",
            reply.brand or "",
            reply.post_text or "",
            reply.final_text,
            "" if reply.entry_id is None else str(reply.entry_id),
            issues.get(reply.entry_id, ""),
        )
        for reply in list_replies(con, "approved")
    ]
    return csv_text(rows, header=EXPORT_COLUMNS)
