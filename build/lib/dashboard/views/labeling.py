"""Labeling: correct the posts the model is least sure about, retrain, see the model's figures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.sentiment.corrections import add_correction, least_certain
from analysis.sentiment.scoring_run import active_model_metrics
from analysis.sentiment.trainer import retrain_with_corrections
from dashboard import cache, ui

QUEUE_SIZE = 10

st.title("Labeling")
state = ui.require_analysis()
settings = cache.settings()

version, metrics = cache.data(active_model_metrics)
st.subheader("The current model")
st.caption(f"Version {ui.plain(version)}; {state.corrections:,} posts corrected by people so far.")
if metrics:
    rows = [
        {
            "evaluated on": name,
            "posts": m["n"],
            "accuracy": m["accuracy"],
            "macro recall": m["macro_recall"],
            "macro F1": m["macro_f1"],
        }
        for name, m in metrics.items()
    ]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        column_config={
            c: st.column_config.NumberColumn(format="%.3f")
            for c in ("accuracy", "macro recall", "macro F1")
        },
    )
else:
    st.caption("This model has no stored evaluation (a hub model registered as it is).")


def label(doc_id: str, value: str) -> None:
    add_correction(settings, doc_id, value)
    st.session_state["flash"] = f"Labeled {value}. Retrain to teach the model."


st.subheader("Least certain posts")
st.caption("One click sets the label; it wins over the model in every figure right away.")
queue = cache.data(least_certain, QUEUE_SIZE)
if not queue:
    st.caption("Nothing to label: every scored post is corrected or certain.")
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
                args=(document.doc_id, value),
                width="stretch",
            )

st.subheader("Retrain")
st.caption(
    "Fine-tunes a new model on the seed corpus, star-rating labels and every correction, "
    "evaluates it, makes it active and re-scores the posts. A few minutes on a laptop."
)
if st.button("Retrain with my corrections", disabled=not state.corrections, type="primary"):
    bar = ui.StageProgress("Retraining")
    trained = retrain_with_corrections(settings, progress=bar)
    bar.bar.empty()
    ui.run_analysis()
    st.session_state["flash"] = (
        f"Model {trained.version} is active and the posts are re-scored. "
        + st.session_state.get("flash", "")
    )
    st.rerun()
