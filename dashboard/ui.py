"""What every page shares: the filter bar, sentiment colours, charts with CSV download,
progress bars, empty states and the actions behind their buttons.

Post text is untrusted. Pages show it with ``st.dataframe`` or ``st.text`` (never as
Markdown or HTML), and labels that reach Plotly go through :func:`safe`.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from analysis.filters import Filters
from analysis.insight.facets import AnalysisState, analysis_state, facet_values
from analysis.periods import Period, data_span, default_period
from analysis.sentiment.language import language_name
from analysis.topics.edits import theme_names, topic_names
from dashboard import cache
from dashboard.filter_state import filters_from_query, filters_to_query
from loaders.safe_text import csv_text, markdown_literal

SENTIMENT_COLORS = {"negative": "#d62728", "neutral": "#9e9e9e", "positive": "#2ca02c"}
SENTIMENT_ORDER = ["negative", "neutral", "positive"]
ALL = "All"
# Filter bar: Filters field -> (label, widget key)
FACETS = {
    "kind": "Kind",
    "source": "Source",
    "channel": "Channel",
    "brand": "Brand",
    "product": "Product",
    "campaign": "Campaign",
    "language": "Language",
    "tag": "Tag",  # offered once a rule's tag action has tagged posts (no choices: no box)
}
_FILTERS_KEY = "filters"
# Filters the models set (not columns of the export): sentiment, topic and theme.
_MODEL_FILTERS = ("sentiment", "theme", "topic")


def safe(text: Any) -> str:
    """Text for Plotly labels and hovers: HTML-escaped, so a post can never inject markup."""
    return html.escape(str(text), quote=True)


def plain(text: Any) -> str:
    """Text from the data for Markdown elements (alerts, captions, labels): literal, so a
    file name, header, brand or topic name cannot become a link, an image or formatting."""
    return markdown_literal(text)


# --- the filter bar ------------------------------------------------------------------------------
def facet_label(name: str, value: Any) -> str:
    """How the filter bar shows a facet value: languages by name, the value (an ISO code for
    languages) stays what the filters and the link hold."""
    if value is None:
        return ALL
    return language_name(value) if name == "language" else str(value)


def _seed_from_url(bounds: tuple[date, date], choices: dict[str, list[Any]]) -> None:
    """First run of a session: widget state from the URL, so bookmarks and shared links open."""
    filters, ignored = filters_from_query(st.query_params.to_dict())
    first, last = bounds
    start = min(max(filters.start or first, first), last)
    end = max(min(filters.end or last, last), start)
    st.session_state["f_dates"] = (start, end)
    for name in (*FACETS, *_MODEL_FILTERS):
        value = getattr(filters, name)
        if value is None:
            continue
        if value in choices[name]:
            st.session_state[f"f_{name}"] = value
        else:
            ignored.append(f"{name}={value} (not in the data)")
    st.session_state["f_ignored"] = ignored


def _clear_filters() -> None:
    for name in (*FACETS, *_MODEL_FILTERS):
        st.session_state[f"f_{name}"] = None
    st.session_state["f_ignored"] = []
    st.session_state.pop("f_dates", None)


def filter_bar() -> Filters:
    """The sidebar filter bar, kept in the URL's query parameters; returns the filters."""
    state = cache.data(analysis_state)
    if not state.documents:
        st.session_state[_FILTERS_KEY] = Filters()
        return Filters()
    info = cache.info()
    # No readable date when every document is dated where no chart goes (loaders.dates).
    bounds = (info.first.date(), info.last.date()) if info.first else (date.today(),) * 2
    facets = cache.data(facet_values)
    names = cache.data(topic_names)
    choices: dict[str, list[Any]] = {name: [v for v, _ in facets.get(name, [])] for name in FACETS}
    choices["sentiment"] = SENTIMENT_ORDER
    choices["topic"] = sorted(names, key=lambda t: names[t].lower())
    themes = cache.data(theme_names)
    choices["theme"] = sorted(themes, key=lambda t: themes[t].lower())
    if "f_dates" not in st.session_state:
        _seed_from_url(bounds, choices)

    with st.sidebar:
        st.header("Filters")
        for note in st.session_state.get("f_ignored", []):
            st.caption(f"Ignored from the link: {plain(note)}")  # the link is anyone's
        picked = st.date_input("Dates", key="f_dates", min_value=bounds[0], max_value=bounds[1])
        values: dict[str, Any] = {}
        for name, label in FACETS.items():
            if choices[name]:
                values[name] = st.selectbox(
                    label,
                    [None, *choices[name]],
                    key=f"f_{name}",
                    format_func=functools.partial(facet_label, name),
                )
        values["sentiment"] = st.selectbox(
            "Sentiment",
            [None, *SENTIMENT_ORDER],
            key="f_sentiment",
            format_func=lambda v: ALL if v is None else v,
        )
        if choices["theme"]:
            values["theme"] = st.selectbox(
                "Theme",
                [None, *choices["theme"]],
                key="f_theme",
                format_func=lambda t: ALL if t is None else themes[t],
            )
        if choices["topic"]:
            values["topic"] = st.selectbox(
                "Topic",
                [None, *choices["topic"]],
                key="f_topic",
                format_func=lambda t: ALL if t is None else f"{names[t]} (#{t})",
            )
        st.button("Clear filters", on_click=_clear_filters)

    start, end = (list(picked) + [None, None])[:2] if isinstance(picked, tuple) else (picked, None)
    # The whole range is no date filter: links stay short and new data is included.
    start = None if start == bounds[0] else start
    end = None if end == bounds[1] or end is None else end
    filters = Filters(start=start, end=end, **values)
    wanted = filters_to_query(filters)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[_FILTERS_KEY] = filters
    return filters


def filters() -> Filters:
    """The filter bar's current filters (set by the app before the page runs)."""
    return st.session_state.get(_FILTERS_KEY, Filters())


def period(chosen: Filters) -> Period | None:
    """The filtered date range, or the last 7 days with data when no dates are set."""
    fallback = cache.data(default_period)
    span = cache.data(data_span)
    if fallback is None or span is None:
        return None
    if chosen.start is None and chosen.end is None:
        return fallback
    start = chosen.start or span.start
    # A start after the default end (a future-dated document picked) is a one-day period.
    return Period(start, chosen.end or max(fallback.end, start))


def corrected_shares(chosen: Filters) -> Any:
    """The filtered posts' sentiment shares, corrected for the model's bias when there are
    enough fair labels (analysis.sentiment.shares), drawn as tiles and a sentence."""
    from analysis.sentiment.shares import sentiment_shares, shares_summary

    shares = cache.data(
        sentiment_shares, chosen, min_labels=cache.settings().corrected_shares_min_labels
    )
    if shares.corrected and shares.corrected_net:
        net = shares.corrected_net
        negative = shares.corrected["negative"]
        left, right, _ = st.columns([1, 1, 2])
        left.metric(
            "Net sentiment, corrected",
            f"{net[0]:+.2f}",
            help=f"95% interval {net[1]:+.2f} to {net[2]:+.2f}; the model counts {shares.raw_net:+.2f}.",
        )
        right.metric(
            "% negative, corrected",
            f"{negative[0]:.1%}",
            help=f"95% interval {negative[1]:.1%} to {negative[2]:.1%}; the model counts "
            f"{shares.raw['negative']:.1%}.",
        )
    st.caption(plain(shares_summary(shares)))
    return shares


def undated(chosen: Filters) -> Filters:
    return replace(chosen, start=None, end=None)


def grain_end(start: date, grain: str) -> date:
    """Last day of the day/week/month beginning on ``start``."""
    if grain == "day":
        return start
    if grain == "week":
        return start + timedelta(days=6)
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


# --- charts and tables ---------------------------------------------------------------------------
def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def download(rows: Any, name: str) -> None:
    """A CSV download of a chart's or table's data."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    st.download_button(
        f"Download CSV: {name}",
        csv_text(frame),  # formulas neutralised: the file opens in spreadsheets
        f"{_slug(name)}.csv",
        "text/csv",
        key=f"download-{_slug(name)}",
    )


def chart(figure: Any, rows: Any, name: str, **options: Any) -> Any:
    """Draw a Plotly figure and offer its data as CSV; returns the selection event, if any."""
    figure.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend_title_text="")
    event = st.plotly_chart(figure, width="stretch", key=f"chart-{_slug(name)}", **options)
    download(rows, name)
    return event


def data_table(rows: Any, name: str, column_config: dict[str, Any] | None = None) -> None:
    """A full-width table without its index, and its data offered as CSV."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config)
    download(frame, name)


def posts_table(rows: list[dict[str, Any]], name: str = "posts") -> None:
    """Posts as a table: text shown as plain text, never rendered."""
    if not rows:
        st.caption("No posts match.")
        return
    data_table(
        rows,
        name,
        {
            "text": st.column_config.TextColumn("text", width="large"),
            "score": st.column_config.NumberColumn("score", format="%.2f"),
            "created_at": st.column_config.DatetimeColumn("created", format="YYYY-MM-DD HH:mm"),
            "tags": st.column_config.ListColumn("tags"),
        },
    )


# --- progress, empty states and the actions behind their buttons -------------------------------
class StageProgress:
    """An ``st.progress`` bar for ``(stage, done, total)`` callbacks whose text names the work,
    the stage and how far it is, e.g. "Analysis: scoring sentiment, 40% (4,000 of 10,000)"."""

    def __init__(self, text: str) -> None:
        self.title = text
        self.bar = st.progress(0.0, text=text)

    def __call__(self, stage: str, done: int, total: int) -> None:
        fraction = min(1.0, done / total) if total else 0.0
        if total > 1:
            detail = f", {int(100 * fraction)}% ({done:,} of {total:,})"  # 99.6% is not done
        else:  # one step without parts (loading a model, clustering): it runs or it is done
            detail = ", done" if done >= total else " ..."
        self.bar.progress(fraction, text=f"{self.title}: {plain(stage)}{detail}")

    def fraction(self, stage: str, fraction: float) -> None:
        """For the ingest's ``(stage, fraction)`` callbacks."""
        fraction = min(1.0, max(0.0, fraction))
        self.bar.progress(fraction, text=f"{self.title}: {plain(stage)}, {int(100 * fraction)}%")


def run_analysis() -> None:
    """Score sentiment and fit or update topics, with a progress bar."""
    from analysis.jobs.analysis_pass import analyze_all

    # The first analysis builds the sentiment model: minutes, so each stage shows how far it is.
    bar = StageProgress("Analysis")
    result = analyze_all(cache.settings(), progress=bar)
    bar.bar.empty()
    done = [f"scored {result.sentiment.scored:,} documents"]
    if result.topics is not None:
        done.append("updated the topics")
    st.session_state["flash"] = (
        "Analysis done: " + ", ".join(done) + "." + topics_note(result) + rules_note(result)
    )


def rules_note(result: Any) -> str:
    """What the flash adds about alert rules: which fired, or why they were not checked."""
    if result.rules_problem:
        return f" Rules not checked: {result.rules_problem}"
    if result.rules is None or not result.rules.fired:
        return ""
    fired = "; ".join(f.why for f in result.rules.fired[:3])
    failed = f" ({result.rules.failed} deliveries failed)" if result.rules.failed else ""
    return f" Rules fired: {fired}{failed}."


def topics_note(result: Any) -> str:
    """What the flash adds about topics: a problem, a refit made by itself, or one that is due
    (new documents that fit no topic mean the topics no longer describe the data)."""
    if result.topic_problem:
        return f" Topics: {result.topic_problem}"
    topics = result.topics
    because = getattr(topics, "refit_because", None)
    if because:
        return (
            f" The topics were refitted because {because}: {topics.n_topics} topics "
            f"in {topics.n_themes} themes."
        )
    if getattr(topics, "refit_due", False):
        return (
            f" {topics.unassigned_share:.0%} of the new documents fit no topic: a refit is due "
            "(`brandpulse analyze --refit-topics`)."
        )
    return ""


def load_sample() -> None:
    """Ingest the bundled sample data and its campaigns, then analyze it."""
    from analysis.jobs.demo import load_demo
    from loaders.errors import BrandpulseError

    bar = StageProgress("Loading the sample data")

    def file_progress(path: Any) -> Any:
        return lambda stage, f: bar.fraction(f"{path.name} ({stage})", f)

    # The analysis runs through run_analysis: its own bar, and the flash that reports it.
    load = load_demo(cache.settings(), file_progress=file_progress, analyze=False)
    if load.errors:
        raise BrandpulseError("; ".join(load.errors))
    bar.bar.empty()
    run_analysis()


def show_flash() -> None:
    """The one-line outcome of the last action (set before a rerun)."""
    message = st.session_state.pop("flash", None)
    if message:  # it names files, campaigns and topics: shown as plain text
        st.success(plain(message))


def require_data() -> AnalysisState:
    """Stop the page with a clear empty state when there is no data yet."""
    state = cache.data(analysis_state)
    if state.documents:
        return state
    st.info(
        "No data yet. Load the bundled sample data to look around, or upload your own "
        "exports on the Data page."
    )
    if st.button("Load the sample data", type="primary"):
        load_sample()
        st.rerun()
    st.page_link("views/data.py", label="Upload your files on the Data page", icon="📥")
    st.stop()  # raises: the page goes no further


def require_analysis(need_topics: bool = False) -> AnalysisState:
    """Stop the page with an offer to run the analysis when it has not run yet."""
    state = require_data()
    missing = not state.scored or (need_topics and state.topic_run is None)
    if not missing:
        return state
    what = "Topics come" if state.scored else "Sentiment and topics come"
    st.info(f"The data is not analyzed yet. {what} from the analysis, which runs on this machine.")
    if st.button("Run the analysis", type="primary"):
        run_analysis()
        st.rerun()
    st.stop()
