"""Suggestions: the period's insight cards with a recommended play each, generated copy
checked against the card's facts, and the review (edit, approve, reject, regenerate, export)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from analysis.insight.cards import insight_cards
from analysis.insight.facets import facet_values
from analysis.suggestions.adapter import tune_brand_voice
from analysis.suggestions.plays import FORMAT_NAMES, FORMATS, SuggestOptions, play_for
from analysis.suggestions.prompts import fact_pairs
from analysis.suggestions.review import (
    export_approved,
    list_suggestions,
    regenerate_suggestion,
    review_suggestion,
    save_suggestions,
)
from analysis.suggestions.writer import card_key, generator_name, known_names, suggest_for_cards
from dashboard import cache, ui
from loaders.errors import BrandpulseError, GeneratorError
from loaders.safe_text import redact_secrets

CARD_LIMIT = 6
# Approve reads as "go" (the positive colour), Reject as the one red, destructive action;
# Streamlit's theme would draw every primary button red. Fixed CSS, no data in it.
BUTTON_STYLE = f"""<style>
[class*="st-key-approve-"] button[kind="primary"] {{
  background-color: {ui.SENTIMENT_COLORS["positive"]};
  border-color: {ui.SENTIMENT_COLORS["positive"]};
  color: #ffffff;
}}
[class*="st-key-reject-"] button {{
  color: {ui.SENTIMENT_COLORS["negative"]};
  border-color: {ui.SENTIMENT_COLORS["negative"]};
}}
</style>"""

st.title("Suggestions")
st.html(BUTTON_STYLE)
ui.require_analysis(need_topics=True)
chosen = ui.filters()
period = ui.period(chosen)
try:
    writer = cache.generator()
except GeneratorError as error:  # e.g. the offline model is not installed: templates still work
    st.warning(f"{ui.plain(error)} Fixed phrasings are used meanwhile.")
    writer = None
brands = [value for value, _ in cache.data(facet_values).get("brand", [])]

with st.sidebar.expander("Copy settings", expanded=False):
    default_brand = chosen.brand if chosen.brand in brands else None
    own_brand = st.selectbox(
        "Speak for brand",
        [None, *brands],
        index=[None, *brands].index(default_brand),
        format_func=lambda b: "(any brand)" if b is None else b,
        help="The copy speaks for this brand; other brands count as competitors.",
    )
    formats = st.multiselect(
        "Formats", list(FORMATS), default=list(FORMATS), format_func=FORMAT_NAMES.get
    )
    variants = st.slider(
        "Drafts shown per format",
        1,
        3,
        3,
        help="Eight candidates are written and checked per format; the ranker shows the best.",
    )
    free = st.checkbox(
        "Let the model write whole texts",
        False,
        help="For a larger model (an Ollama or API endpoint). The offline 135M model does "
        "better filling short parts of a plan whose facts the code writes.",
    )
    tone = st.text_input("Tone", "friendly")
    required = st.text_input("Must include (comma-separated)", "")
    banned = st.text_input("Must not use (comma-separated)", "")
    max_new_tokens = st.number_input(
        "Max new tokens (0: suits each format)", min_value=0, max_value=1024, value=0, step=8
    )
    temperature = st.slider("Temperature", 0.0, 1.5, 0.7, 0.05)
    top_k = st.number_input("Top-k", min_value=0, max_value=500, value=40)
    top_p = st.slider("Top-p", 0.05, 1.0, 0.9, 0.05)


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


options = SuggestOptions(
    formats=tuple(formats) or FORMATS,
    variants=variants,
    tone=tone.strip() or "friendly",
    required=_words(required),
    banned=_words(banned),
    max_new_tokens=int(max_new_tokens) or None,
    temperature=float(temperature),
    top_k=int(top_k),
    top_p=float(top_p),
    strategy="free" if free else "plan",
)
source = (
    f"Copy is written by {ui.plain(generator_name(writer))}"
    if writer is not None
    else "Copy comes from fixed phrasings of each card (generator setting 'template')"
)
st.caption(
    f"{period.start} to {period.end}, against the {period.days} days before (set the dates "
    f"in the sidebar). {source}; the code writes the facts and names, the model short parts "
    "around them. Every candidate is checked against its card's facts (and for invented "
    "offers, blame, repetition and non-words); the best passing ones are shown, and a doubtful "
    "one is marked 'needs edit'. Nothing is published: you approve what to use."
)

with st.expander("Brand voice", expanded=False):
    st.caption(
        "Teach the local model your brand's voice from the approved (and edited) copy, "
        "replies and knowledge-base entries: a small adapter trained on the CPU (minutes). "
        "It replaces the current model only if its copy passes the checks at least as often."
    )
    if st.button("Tune brand voice", key="tune-brand-voice"):
        tuning = ui.StageProgress("Tuning the brand voice")
        try:
            tuned = tune_brand_voice(cache.settings(), tuning)
        except BrandpulseError as error:
            st.warning(ui.plain(error))
        else:
            if tuned.activated:
                cache.reset_generator()  # the next copy is written with the new adapter
            state = "In use" if tuned.activated else "Not used"
            st.success(
                ui.plain(
                    f"{state}: {tuned.reason} ({tuned.texts} texts, "
                    f"{'trained' if tuned.trained else 'reused'} adapter {tuned.key[:8]})."
                )
            )
        tuning.bar.empty()

cards = cache.data(
    insight_cards,
    period,
    ui.undated(replace(chosen, brand=None)),
    own_brand=own_brand,
    limit=CARD_LIMIT,
)


def stored_now() -> list:
    """The period's stored suggestions (read again after a write: the data version changed)."""
    return cache.data(list_suggestions, start=period.start, end=period.end)


stored = stored_now()


def write(selected: list) -> str:
    """Write and store drafts for ``selected`` cards; returns the one-line outcome."""
    names = cache.data(known_names)
    # The first use loads a local model (a minute or more): the bar names each stage as it goes.
    bar = ui.StageProgress("Writing suggestions (the local model loads on first use)")
    results = suggest_for_cards(selected, writer, options, names, brand=own_brand, progress=bar)
    bar.bar.empty()
    ids = cache.write(
        save_suggestions, results, period.start, period.end, options, generator_name(writer)
    )
    notes = {note for result in results for note in result.notes}
    message = f"{len(ids)} drafts written for {len(results)} card(s)."
    if notes:
        message += " The generator was unavailable, so fixed phrasings were used: " + "; ".join(
            notes
        )
    return message


def review(suggestion_id: int, **change) -> None:
    cache.write(review_suggestion, suggestion_id, **change)


def regenerate(suggestion_id: int) -> None:
    cache.write(regenerate_suggestion, suggestion_id, writer, options, generator_name(writer))


def show_suggestion(suggestion) -> None:
    with st.container(border=True):
        st.caption(
            f"#{suggestion.id} · {FORMAT_NAMES[suggestion.format]} · **{suggestion.status}** · "
            + ("" if suggestion.score is None else f"score {suggestion.score:.2f} · ")
            + f"for {ui.plain(suggestion.brand or 'any brand')} · "
            + (
                "fixed phrasing"
                if suggestion.source == "template"
                # Rows saved by older versions may hold the endpoint's user:pass@ or key.
                else ui.plain(redact_secrets(suggestion.generator))
            )
        )
        text = st.text_area(
            "Copy",
            suggestion.final_text,
            key=f"text-{suggestion.id}-{suggestion.updated_at}",
            label_visibility="collapsed",
        )
        for problem in suggestion.problems:
            st.warning(f"Check: {ui.plain(problem)}", icon="⚠️")
        doubtful = suggestion.needs_edit and suggestion.status == "draft"
        if doubtful:
            st.warning(
                "Needs edit: the ranker doubts this draft (off topic or clumsy). Edit it; "
                "Approve unlocks once the text is changed.",
                icon="✏️",
            )
        columns = st.columns(4)
        # Inline (not on_click) so an edit made just before the click is the text stored.
        if columns[0].button("Save edit", key=f"save-{suggestion.id}", width="stretch"):
            review(suggestion.id, edited_text=text)
            st.rerun()
        if columns[1].button(
            "Approve",
            key=f"approve-{suggestion.id}",
            type="primary" if suggestion.status != "approved" and not doubtful else "secondary",
            width="stretch",
            disabled=doubtful and text == suggestion.final_text,
        ):
            review(suggestion.id, status="approved", edited_text=text)
            st.rerun()
        if columns[2].button("Reject", key=f"reject-{suggestion.id}", width="stretch"):
            review(suggestion.id, status="rejected")
            st.rerun()
        if columns[3].button("Regenerate", key=f"regen-{suggestion.id}", width="stretch"):
            with st.spinner("Writing a new variant"):
                regenerate(suggestion.id)
            st.rerun()


def show_evidence(facts: dict, examples: list) -> None:
    ui.data_table(
        [{"fact": fact, "value": value} for fact, value in fact_pairs(facts)],
        "evidence",
        csv=False,  # the approved suggestions' export carries the evidence
    )
    for post in examples:
        st.text(" ".join(str(post.get("text", "")).split())[:300])  # plain text, never rendered


# The outcome shows where the button was, and the drafts in their cards, in this same run:
# no rerun, so the page keeps its place and the sidebar's settings stay as they are.
if not cards:
    st.info("Nothing notable in this period, so nothing to suggest. Try other dates.")
elif st.button(f"Write suggestions for all {len(cards)} cards", type="primary"):
    st.success(ui.plain(write(cards)))
    stored = stored_now()

shown: set[int] = set()
for number, card in enumerate(cards, 1):
    play = play_for(card)
    key = card_key(card)
    with st.container(border=True):
        st.markdown(f"**{number}. {ui.plain(card.title)}**")
        st.markdown(f"Play: **{play.name}**")
        left, right = st.columns([2, 3])
        with left:
            st.caption("Evidence: the card's facts (all the copy may use) and example posts")
            show_evidence(card.facts, card.examples)
            if st.button("Write suggestions", key=f"write-{key}"):
                st.success(ui.plain(write([card])))
                stored = stored_now()
        own = sorted(  # by id as a number: #10 after #9
            (s for s in stored if s.card_key == key and s.brand == own_brand), key=lambda s: s.id
        )
        shown.update(s.id for s in own)
        with right:
            if not own:
                st.caption("No suggestions yet for this card.")
            for suggestion in own:
                show_suggestion(suggestion)

others = sorted((s for s in stored if s.id not in shown), key=lambda s: s.id)
if others:
    st.subheader("Other suggestions for these dates")
    st.caption("Written for another brand choice or for cards no longer in the top list.")
    for suggestion in others:
        st.markdown(f"**{ui.plain(suggestion.card_title)}** · play: {ui.plain(suggestion.play)}")
        show_suggestion(suggestion)

st.subheader("Export approved suggestions")
left, right = st.columns(2)
left.download_button(
    "Download CSV",
    cache.data(export_approved, "csv"),
    "approved_suggestions.csv",
    "text/csv",
    width="stretch",
)
right.download_button(
    "Download Markdown",
    cache.data(export_approved, "markdown"),
    "approved_suggestions.md",
    "text/markdown",
    width="stretch",
)
