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

from analysis.filters import Filters, category_values
from analysis.insight.facets import AnalysisState, analysis_state, facet_values
from analysis.periods import Period, data_span, default_period
from analysis.sentiment.language import language_name
from analysis.topics.edits import theme_names, topic_names
from dashboard import cache
from dashboard.filter_state import filters_from_query, filters_to_query
from dashboard.tables import MISSING as MISSING  # pages write ui.MISSING for a gap
from dashboard.tables import table_view
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
_DEFAULT_DATES_KEY = "f_default_dates"
# Filters the models set (not columns of the export): sentiment, topic and theme; and the
# category, a (column, value) pair of the export's own columns kept in documents.extra.
_MODEL_FILTERS = ("sentiment", "theme", "topic", "category")


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


def _default_dates(bounds: tuple[date, date]) -> tuple[date, date]:
    """The period the date input starts at without dates in the link: the last 7 days with
    data (analysis.periods.default_period), inside the input's bounds."""
    fallback = cache.data(default_period)
    first, last = bounds
    if fallback is None:
        return bounds
    start = min(max(fallback.start, first), last)
    return start, max(min(fallback.end, last), start)


def _seed_from_url(
    bounds: tuple[date, date], choices: dict[str, list[Any]], default: tuple[date, date]
) -> None:
    """First run of a session: widget state from the URL, so bookmarks and shared links open.
    A link without dates opens at the default period, the one the pages then use."""
    filters, ignored = filters_from_query(st.query_params.to_dict())
    first, last = bounds
    if filters.start is None and filters.end is None:
        start, end = default
    else:
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
            shown = ":".join(value) if isinstance(value, tuple) else value  # category pairs
            ignored.append(f"{name}={shown} (not in the data)")
    st.session_state["f_ignored"] = ignored


def _clear_filters() -> None:
    for name in (*FACETS, *_MODEL_FILTERS):
        st.session_state[f"f_{name}"] = None
    st.session_state["f_ignored"] = []
    # Back to the default period (not a re-read of the link, which still holds the old filters).
    st.session_state["f_dates"] = st.session_state.get(_DEFAULT_DATES_KEY) or ()


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
    categories = cache.data(category_values)  # e.g. the complaint reason of airline tweets
    choices["category"] = [(c, v) for c, values in categories.items() for v, _ in values]
    default = _default_dates(bounds)
    st.session_state[_DEFAULT_DATES_KEY] = default
    if not st.session_state.get("f_dates"):
        _seed_from_url(bounds, choices, default)

    with st.sidebar:
        st.header("Filters")
        for note in st.session_state.get("f_ignored", []):
            st.caption(f"Ignored from the link: {plain(note)}")  # the link is anyone's
        picked = st.date_input(
            "Dates",
            key="f_dates",
            min_value=bounds[0],
            max_value=bounds[1],
            help="The period every figure uses. Without dates in the link: the last 7 days "
            "with data, compared with the 7 days before.",
        )
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
        if choices["category"]:
            values["category"] = st.selectbox(
                "Category",
                [None, *choices["category"]],
                key="f_category",
                format_func=lambda c: ALL if c is None else f"{c[0]}: {c[1]}",
                help="The file's own columns with a few values each, e.g. a complaint reason.",
            )
        st.button("Clear filters", on_click=_clear_filters)
        my_brand_box(choices["brand"])

    start, end = (list(picked) + [None, None])[:2] if isinstance(picked, tuple) else (picked, None)
    # The pages use exactly the dates shown (one period, one place); while a range is being
    # picked its end is open. The default period stays out of the link: links stay short and
    # a link without dates follows new data.
    start = start or default[0]
    end = end or bounds[1]
    filters = Filters(start=start, end=end, **values)
    shown = filters if (start, end) != default else replace(filters, start=None, end=None)
    wanted = filters_to_query(shown)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[_FILTERS_KEY] = filters
    return filters


def filters() -> Filters:
    """The filter bar's current filters (set by the app before the page runs)."""
    return st.session_state.get(_FILTERS_KEY, Filters())


def period(chosen: Filters) -> Period | None:
    """The period of the sidebar's date input (the filter bar always sets both dates when
    there is data); the last 7 days with data when no dates are set (no filter bar ran)."""
    if chosen.start is not None and chosen.end is not None:
        return Period(chosen.start, max(chosen.end, chosen.start))
    fallback = cache.data(default_period)
    span = cache.data(data_span)
    if fallback is None or span is None:
        return None
    if chosen.start is None and chosen.end is None:
        return fallback
    start = chosen.start or span.start
    # A start after the default end (a future-dated document picked) is a one-day period.
    return Period(start, chosen.end or max(fallback.end, start))


def _save_my_brand() -> None:
    cache.save_my_brand(st.session_state.get("my_brand_choice"))


def my_brand_box(brands: list[str]) -> str | None:
    """The sidebar's "My brand": the brand set by the ``my_brand`` setting (no change offered
    here), or the stored choice with a box to change it (saved at once). Returns the brand."""
    mine, from_setting = cache.my_brand()
    if from_setting:
        st.caption(f"My brand: {plain(mine)} (from the my_brand setting)")
        return mine
    if not brands:
        return mine
    st.caption(f"My brand: {plain(mine)}" if mine else "My brand: not chosen yet")
    options = [None, *brands] if mine not in brands else list(brands)
    st.session_state["my_brand_choice"] = mine if mine in brands else None
    st.selectbox(
        "Change my brand",
        options,
        key="my_brand_choice",
        format_func=lambda b: "(none)" if b is None else str(b),
        on_change=_save_my_brand,
        help="Your own brand: listed first on the Overview; the others are competitors.",
    )
    return mine


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
        f"Download CSV: {plain(name)}",  # names carry campaign and file names
        csv_text(frame),  # formulas neutralised: the file opens in spreadsheets
        f"{_slug(name)}.csv",
        "text/csv",
        key=f"download-{_slug(name)}",
    )


# Plotly's toolbar shows on hover only, in the top strip of the figure; titles sit below that
# strip (margin and title padding), so the toolbar never covers them at any width.
CHART_CONFIG = {"displayModeBar": "hover", "displaylogo": False}
CHART_TOP = 72  # px above the plot area: the toolbar's strip (~30 px) and the title


def chart(figure: Any, rows: Any, name: str, **options: Any) -> Any:
    """Draw a Plotly figure and offer its data as CSV; returns the selection event, if any."""
    figure.update_layout(
        margin={"l": 10, "r": 10, "t": CHART_TOP, "b": 10},
        legend_title_text="",
        title={"x": 0, "xanchor": "left", "yref": "container", "y": 1, "yanchor": "top"},
        title_pad={"t": 34, "l": 4},
    )
    event = st.plotly_chart(
        figure, width="stretch", key=f"chart-{_slug(name)}", config=CHART_CONFIG, **options
    )
    download(rows, name)
    return event


# --- tables (formats: dashboard.tables) ----------------------------------------------------------


def data_table(
    rows: Any,
    name: str,
    column_config: dict[str, Any] | None = None,
    *,
    order: list[str] | None = None,
    select: bool = False,
    height: int | str = "auto",
    csv: bool = True,
    key: str | None = None,
    known: bool = True,
) -> Any:
    """A full-width table without its index, and its data offered as CSV (unless ``csv`` is
    False). ``order``: the columns shown first (the rest follow, scrolling sideways on narrow
    screens); ``select``: a row can be picked (returns the selection event); ``known``: False
    keeps the headers as they are and formats by type only (a SQL result)."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    shown, config = table_view(frame, column_config, known)
    columns = [c for c in order or [] if c in shown.columns]
    columns += [c for c in shown.columns if c not in columns and config.get(c, True) is not None]
    selection = {"on_select": "rerun", "selection_mode": "single-row"} if select else {}
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=height,
        column_config=config,
        column_order=columns,
        key=key or (f"table-{_slug(name)}" if select else None),
        **selection,
    )
    if csv:
        download(frame, name)
    return event


POST_COLUMNS = {
    "doc_id": None,  # an internal id: in the CSV, not on screen
    "text": st.column_config.TextColumn("text", width="large"),
    "tags": st.column_config.ListColumn("tags"),
}


def posts_table(rows: list[dict[str, Any]], name: str = "posts") -> None:
    """Posts as a table, text shown as plain text, never rendered; a picked row's whole text
    shows below it (a cell shows one line)."""
    if not rows:
        st.caption("No posts match.")
        return
    order = ["created_at", "brand", "text", "sentiment", "score"]
    event = data_table(rows, name, POST_COLUMNS, order=order, select=True)
    picked = event.selection.rows if event is not None else []
    if picked and picked[0] < len(rows):
        with st.container(border=True):
            st.text(str(rows[picked[0]].get("text", "")))  # plain text, never rendered
    else:
        st.caption("Tick a row (the box at its left) to read the whole post here.")


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
