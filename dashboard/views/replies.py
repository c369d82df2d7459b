"""Replies: the period's negative posts (and posts rules queued), each with up to three reply
drafts grounded in the brand's knowledge base, to approve, edit, reject, copy or export; and the
knowledge base editor. Nothing is ever published from here."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.suggestions.reply_queue import (
    draft_for,
    export_replies,
    list_replies,
    queue_posts,
    review_reply,
)
from analysis.suggestions.writer import generator_name
from dashboard import cache, ui
from loaders import knowledge
from loaders.errors import BrandpulseError, GeneratorError

st.title("Replies")
ui.require_analysis()
chosen = ui.filters()
period = ui.period(chosen)
own, _ = cache.my_brand()
# Replies speak for my brand: with no brand filter the queue holds my brand's posts.
scope = replace(chosen, brand=chosen.brand or own)
if period is not None:
    scope = replace(scope, start=period.start, end=period.end)
try:
    writer = cache.generator()
except GeneratorError as error:  # templates still make a useful draft
    st.warning(f"{ui.plain(error)} Fixed phrasings are used meanwhile.")
    writer = None

st.caption(
    f"Negative posts of {ui.plain(scope.brand or 'every brand')}"
    + (f" from {period.start} to {period.end}" if period else "")
    + ", and posts rules put on the queue. Each draft may use only the matching knowledge "
    "base entry (shown beside it) and the post itself; with no matching entry it says sorry "
    "and asks the customer to get in touch. Nothing is published: copy or export what you approve."
)

posts = cache.data(queue_posts, scope)
if st.button(f"Draft replies for {len(posts)} posts", type="primary", disabled=not posts):
    bar = ui.StageProgress("Drafting replies (the local model loads on first use)")
    results = draft_for(cache.settings(), scope, writer, bar)
    bar.bar.empty()
    count = sum(len(r.drafts) for r in results)
    st.success(f"{count} drafts written for {len(results)} posts with {generator_name(writer)}.")

replies = cache.data(list_replies)
entries = {e.id: e for e in cache.data(knowledge.entries)}
by_post: dict[str, list] = {}
for reply in replies:
    by_post.setdefault(reply.doc_id, []).append(reply)


def review(reply_id: int, status: str, text: str | None = None) -> None:
    try:
        cache.write(review_reply, reply_id, status, text)
    except BrandpulseError as error:
        st.error(ui.plain(error))
        return
    st.rerun()


def show_entry(reply) -> None:
    entry = entries.get(reply.entry_id) if reply.entry_id is not None else None
    if entry is None:
        st.caption("No matching knowledge entry: the draft asks the customer to get in touch.")
        return
    st.caption(f"Knowledge entry #{entry.id} (similarity {reply.entry_similarity or 0:.2f})")
    st.text(f"Issue: {entry.issue}\nAnswer: {entry.answer}")
    for link in entry.links:
        st.text(link)


def show_reply(reply) -> None:
    with st.container(border=True):
        left, right = st.columns([3, 2])
        with left:
            st.caption(
                f"#{reply.id} · draft {reply.rank} · **{reply.status}** · "
                + ("fixed phrasing" if reply.source == "template" else "model")
                + ("" if reply.score is None else f" · score {reply.score:.2f}")
                + (" · needs edit" if reply.needs_edit and reply.status == "draft" else "")
            )
            text = st.text_area(
                "Reply",
                reply.final_text,
                key=f"reply-{reply.id}-{reply.updated_at}",
                label_visibility="collapsed",
            )
            for problem in reply.problems:
                st.warning(f"Check: {ui.plain(problem)}", icon="⚠️")
            doubtful = reply.needs_edit and reply.status == "draft"
            if doubtful:
                st.warning(
                    "Needs edit: the ranker doubts this draft. Edit it; Approve unlocks once "
                    "the text is changed.",
                    icon="✏️",
                )
            columns = st.columns(3)
            # Inline (not on_click) so an edit made just before the click is the text stored.
            if columns[0].button("Save edit", key=f"edit-{reply.id}", width="stretch"):
                review(reply.id, reply.status, text)
            if columns[1].button(
                "Approve",
                key=f"approve-{reply.id}",
                width="stretch",
                disabled=doubtful and text == reply.final_text,
            ):
                review(reply.id, "approved", text if text != reply.final_text else None)
            if columns[2].button("Reject", key=f"reject-{reply.id}", width="stretch"):
                review(reply.id, "rejected")
            with st.expander("Copy"):
                st.code(reply.final_text, language=None, wrap_lines=True)
        with right:
            show_entry(reply)


if not posts:
    st.info("No negative posts in this period. Try other dates or another brand.")
for post in posts:
    with st.container(border=True):
        st.markdown(
            f"**{ui.plain(post.brand or 'no brand')}** · {post.day} · {ui.plain(post.source)}"
            + (" · queued by a rule" if post.added_by else "")
        )
        st.text(" ".join(post.text.split())[:600])  # plain text, never rendered
        if post.url:
            st.text(post.url)
        drafts = by_post.get(post.doc_id, [])
        if not drafts:
            st.caption("No drafts yet: use Draft replies.")
        for reply in drafts:
            show_reply(reply)

st.download_button(
    "Export approved replies (CSV)",
    cache.data(export_replies),
    "approved_replies.csv",
    "text/csv",
    disabled=not any(r.status == "approved" for r in replies),
)

st.header("Knowledge base")
st.caption(
    "What replies may say: an issue or question, the brand's answer or policy, optional links "
    "(http or https) and the dates it is valid. Leave brand empty for every brand."
)
table = pd.DataFrame(
    knowledge.editor_rows(list(entries.values())),
    columns=["id", "issue", "answer", "links", "valid_from", "valid_until", "brand"],
)
edited = st.data_editor(
    table,
    num_rows="dynamic",
    disabled=["id"],
    hide_index=True,
    key="knowledge-editor",
    column_config={
        "valid_from": st.column_config.DateColumn("valid from"),
        "valid_until": st.column_config.DateColumn("valid until"),
        "links": st.column_config.TextColumn("links (space-separated)"),
    },
)
if st.button("Save knowledge base"):
    result = cache.write(knowledge.sync_entries, edited.to_dict("records"))
    st.success(result.summary())
    for number, reason in result.rejected:
        st.warning(f"Row {number}: {ui.plain(reason)}")

upload = st.file_uploader("Import entries (TOML, CSV or JSON)", type=list(knowledge.FORMATS))
if upload is not None and st.button("Import"):
    try:
        kind = knowledge.file_format(Path(upload.name))
        rows = knowledge.parse(upload.getvalue().decode("utf-8-sig"), kind)
        result = cache.write(knowledge.import_rows, rows)
    except (BrandpulseError, UnicodeDecodeError) as error:
        st.error(ui.plain(error))
    else:
        st.success(result.summary())
        for number, reason in result.rejected:
            st.warning(f"Row {number}: {ui.plain(reason)}")
st.download_button(
    "Download knowledge base (TOML)",
    knowledge.dumps(list(entries.values()), "toml"),
    "knowledge.toml",
    "application/toml",
)
