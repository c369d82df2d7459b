"""Labeling: label posts (a random sample to measure the model, the least certain to fix it),
see how each model does on your labels, retrain or adapt."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.filters import Filters
from analysis.sentiment.adaptation import MIN_LABELS, adapt_model
from analysis.sentiment.corrections import (
    add_correction,
    least_certain,
    random_sample,
    trainable_corrections,
)
from analysis.sentiment.evaluation import quotable_evaluations
from analysis.sentiment.scoring_run import active_model_metrics
from analysis.sentiment.shares import sentiment_shares
from analysis.sentiment.trainer import retrain_with_corrections
from dashboard import cache, ui

QUEUE_SIZE = 10
QUEUES = {
    "random": "A random sample: measures the model fairly and corrects the shares",
    "uncertain": "The least certain posts: the fastest way to fix the model",
}

st.title("Labeling")
state = ui.require_analysis()
settings = cache.settings()

version, metrics = cache.data(active_model_metrics)
st.subheader("How the models do on your posts")
quoted = cache.data(quotable_evaluations)
evaluations = {v: e for v, (e, _) in quoted.items()}
if evaluations:
    rows = [
        {
            "model": ("▶ " if v == version else "") + ui.plain(v),
            "your labelled posts": e.n,
            "labels": quoted[v][1],
            "accuracy": e.accuracy,
            "accuracy 95% interval": f"{e.accuracy_interval[0]:.2f} to {e.accuracy_interval[1]:.2f}",
            "macro recall": e.macro_recall,
            "macro recall 95% interval": f"{e.macro_recall_interval[0]:.2f} to "
            f"{e.macro_recall_interval[1]:.2f}",
        }
        for v, e in evaluations.items()
    ]
    ui.data_table(
        rows,
        "model figures on your labels",
        {c: st.column_config.NumberColumn(format="%.3f") for c in ("accuracy", "macro recall")},
    )
    active = evaluations.get(version or "")
    if active:
        st.caption(
            "The active model (▶) against your labels: rows are your labels, columns what the "
            "model said. Labels a model was trained on are not counted for it."
        )
        st.dataframe(
            pd.DataFrame(
                active.confusion,
                index=[f"you: {label}" for label in ui.SENTIMENT_ORDER],
                columns=[f"model: {label}" for label in ui.SENTIMENT_ORDER],
            )
        )
else:
    st.caption(
        "No labels of yours yet. Label a random sample below (or import your export's label "
        "column on the Data page) to see how the model does on your posts."
    )
for name, m in metrics.items():
    st.caption(
        f"Version {ui.plain(version)} on its {ui.plain(name)}: accuracy {m['accuracy']:.3f}, "
        f"macro recall {m['macro_recall']:.3f} ({m['n']:,} sentences). Not a figure about your data."
    )

shares = cache.data(sentiment_shares, Filters(), min_labels=settings.corrected_shares_min_labels)
if shares.labels_needed:
    st.info(
        f"{shares.n_labels:,} fair labels so far: label {shares.labels_needed:,} more from the "
        "random sample to show sentiment shares corrected for the model's bias.",
        icon="🎯",
    )
else:
    st.caption(
        f"Sentiment shares are corrected for the model's bias with {shares.n_labels:,} fair labels."
    )


def label(doc_id: str, value: str, origin: str) -> None:
    add_correction(settings, doc_id, value, origin=origin)
    st.session_state["flash"] = f"Labeled {value}. It counts in every figure now."


st.subheader("Label posts")
queue_kind = st.radio(
    "Which posts", list(QUEUES), format_func=QUEUES.get, key="labeling_queue", horizontal=False
)
st.caption("One click sets the label; it wins over the model in every figure right away.")
origin = "random" if queue_kind == "random" else "correction"
queue = cache.data(random_sample if queue_kind == "random" else least_certain, QUEUE_SIZE)
if not queue:
    st.caption("Nothing to label: every scored post has a label.")
for document in queue:
    with st.container(border=True):
        st.text(document.text)  # plain text: a post can never render as HTML or Markdown
        st.caption(
            f"Model says {document.label} (negative {document.p_negative:.0%}, neutral "
            f"{document.p_neutral:.0%}, positive {document.p_positive:.0%})"
        )
        columns = st.columns(3)
        for column, value in zip(columns, ui.SENTIMENT_ORDER, strict=True):
            column.button(
                value,
                key=f"label-{document.doc_id}-{value}",
                on_click=label,
                args=(document.doc_id, value, origin),
                width="stretch",
            )

st.subheader("Retrain")
st.caption(
    "Fine-tunes a new model on the seed corpus, star-rating labels and your corrections (not "
    "the random sample or imported labels: they stay unseen to measure the model), evaluates "
    "it, makes it active and re-scores the posts. A few minutes on a laptop."
)
trainable = len(cache.data(trainable_corrections))
if st.button("Retrain with my corrections", disabled=not trainable, type="primary"):
    bar = ui.StageProgress("Retraining")
    trained = retrain_with_corrections(settings, progress=bar)
    bar.bar.empty()
    ui.run_analysis()
    st.session_state["flash"] = (
        f"Model {trained.version} is active and the posts are re-scored. "
        + st.session_state.get("flash", "")
    )
    st.rerun()

st.subheader("Adapt to my posts")
st.caption(
    "Continues the default model on your labels, your star ratings and the posts it is already "
    f"sure about; 30% of your labels are held out to compare it with the model in use. It "
    f"becomes active only if it does better on them. Needs {MIN_LABELS} labels; a few minutes."
)
if st.button("Adapt to my posts", disabled=state.corrections < MIN_LABELS):
    bar = ui.StageProgress("Adapting")
    adapted = adapt_model(settings, progress=bar)
    bar.bar.empty()
    if adapted.activated:
        ui.run_analysis()
    st.session_state["flash"] = (
        f"Model {adapted.version}: macro recall {adapted.new.macro_recall:.3f} on your held-out "
        f"labels against {adapted.baseline.macro_recall:.3f}. {adapted.reason}"
    )
    st.rerun()
