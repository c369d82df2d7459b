"""Data: upload exports, check the column mapping, ingest, see what was rejected, analyze;
undo an ingest run or re-map it (the same file again with a corrected mapping)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.insight.facets import analysis_state
from analysis.jobs.analysis_pass import rules_after_ingest
from dashboard import cache, ui, uploads
from loaders.errors import BrandpulseError
from loaders.ingest.files import ingest_file
from loaders.ingest.mapping import FIELDS, REQUIRED_FIELDS
from loaders.ingest.presets import KINDS
from loaders.ingest.runs import remap_run, run_record
from loaders.store.deletion import RUN_HISTORY_COLUMNS, run_history, undo_run
from loaders.store.info import rejected_rows

UPLOAD_TYPES = ["csv", "tsv", "txt", "json", "jsonl", "ndjson", "parquet", "xlsx"]
NOT_MAPPED = "(not in this file)"

st.title("Data")
settings = cache.settings()
limit_mb = settings.upload_limit_mb

st.subheader("Add a file")
uploaded = st.file_uploader(
    f"Reviews or social posts: CSV, TSV, JSON, JSON Lines, Parquet or Excel, up to {limit_mb} MB",
    type=UPLOAD_TYPES,
    key="upload",
)
uploads.keep_only(uploaded)  # a replaced or cleared upload's copy goes now
if uploaded is not None and uploaded.size > limit_mb * 1024 * 1024:
    st.error(
        f"{ui.plain(uploaded.name)} is {uploaded.size / 1024 / 1024:,.0f} MB; the Data page takes files up "
        f"to {limit_mb} MB. Fix: ingest it with `brandpulse ingest FILE`, or raise "
        "BRANDPULSE_UPLOAD_LIMIT_MB."
    )
elif uploaded is not None:
    path = uploads.private_copy(uploaded)  # 0600 in a private folder, until the ingest
    preview = cache.preview(path, uploaded.file_id)
    st.caption(
        f"{preview.format.upper()}"
        + (f", {preview.encoding}" if preview.encoding else "")
        + f", {len(preview.columns)} columns. The first rows:"
    )
    # The file's own headers, as they are; an empty cell reads as a dash.
    ui.data_table(pd.DataFrame(preview.rows), "preview", csv=False, known=False)
    if preview.problem:
        st.warning(ui.plain(preview.problem))  # it names the file's headers

    st.markdown("**Column mapping** (the suggestion is filled in; change what is wrong)")
    st.caption(
        "label: a column with a person's sentiment label per row (negative/neutral/positive, "
        "0/1/2, or star ratings). It is never detected: a listening tool's own Sentiment column "
        "is a machine's guess. Mapped, the labels win over the model in every figure and "
        "measure it on your data."
    )
    options = [NOT_MAPPED, *preview.columns]
    brand_key = f"map-{uploaded.file_id}-brand"
    hint = preview.brand_hint
    if hint is not None and st.session_state.get(brand_key, NOT_MAPPED) == NOT_MAPPED:
        # Without a brand, the Overview names no brand and brand comparisons are empty.
        st.warning(
            ui.plain(hint.summary())
            + " Pick the brand column below, or type the one brand of the whole file."
        )
        if hint.column and st.button(f"Use column '{ui.plain(hint.column)}' as brand"):
            st.session_state[brand_key] = hint.column
            st.rerun()  # the box shows it, and the warning goes
    mapping: dict[str, str] = {}
    grid = st.columns(4)
    for index, field in enumerate(FIELDS):
        suggested = preview.suggested.get(field)
        label = field + (" (required)" if field in REQUIRED_FIELDS else "")
        picked = grid[index % 4].selectbox(
            label,
            options,
            index=options.index(suggested) if suggested in options else 0,
            key=f"map-{uploaded.file_id}-{field}",
        )
        mapping[field] = "" if picked == NOT_MAPPED else picked
    kind_column, source_column, brand_column = st.columns(3)
    detected = preview.mapping.kind if preview.mapping else None
    kind = kind_column.selectbox(
        "Kind",
        [None, *KINDS],
        format_func=lambda k: f"detect ({detected})" if k is None and detected else (k or "detect"),
    )
    source = source_column.text_input("Source, where the file has none (e.g. trustpilot)")
    brand = brand_column.text_input("Brand, where the file has none")

    if st.button("Ingest", type="primary"):
        bar = ui.StageProgress(f"Ingesting {ui.plain(uploaded.name)}")
        try:
            result = ingest_file(
                path,
                settings=settings,
                columns=mapping,
                kind=kind,
                source=source.strip() or None,
                brand=brand.strip() or None,
                progress=bar.fraction,
            )
        finally:  # the copy goes, loaded or not; the uploader is emptied for the next file
            uploads.discard(uploaded.file_id)
            del st.session_state["upload"]
        bar.bar.empty()
        st.session_state["last_ingest"] = result
        # A crisis word in a new post should not wait for the next analysis.
        st.session_state["ingest_rules_note"] = ui.rules_note(rules_after_ingest(settings)).strip()

result = st.session_state.get("last_ingest")
if result is not None:
    st.success(
        f"{ui.plain(result.file.name)}: read {result.rows_read:,} rows: {result.inserted:,} inserted, "
        f"{result.duplicates:,} duplicates, {result.rejected:,} rejected."
        + (
            f" {result.labels_imported:,} human labels imported: they count in every figure "
            "and measure the model on the Labeling page."
            if result.labels_imported
            else ""
        )
    )
    read, inserted, duplicates, rejected = st.columns(4)
    read.metric("Read", f"{result.rows_read:,}")
    inserted.metric("Inserted", f"{result.inserted:,}")
    duplicates.metric("Duplicates", f"{result.duplicates:,}")
    rejected.metric("Rejected", f"{result.rejected:,}")
    if st.session_state.get("ingest_rules_note"):
        st.info(ui.plain(st.session_state["ingest_rules_note"]), icon="🔔")
    for warning in result.warnings:
        st.warning(ui.plain(warning))
    if result.rejected:
        rows = cache.data(rejected_rows, result.run_id, 200)
        st.markdown("**Rejected rows** (kept in the database with the reason; nothing is dropped)")
        frame = pd.DataFrame(rows, columns=["row", "reason", "raw"])
        ui.data_table(frame, "rejected rows")

state = cache.data(analysis_state)
st.subheader("Analysis")
if not state.documents:
    st.caption("Nothing to analyze yet.")
elif state.pending:
    waiting = max(state.documents - state.scored, state.without_topic)
    st.info(
        f"{waiting:,} documents are waiting for sentiment or a topic."
        if state.topic_run is not None or state.scored
        else "The data is not analyzed yet."
    )
    if st.button("Run the analysis", type="primary"):
        ui.run_analysis()
        st.rerun()
else:
    st.caption(f"All {state.documents:,} documents have sentiment and a topic.")

st.subheader("Ingest history")
runs = cache.data(run_history, 50)
if runs:
    history = pd.DataFrame(runs, columns=list(RUN_HISTORY_COLUMNS))
    ui.data_table(history, "ingest history")
    with st.expander("Rejected rows of an earlier run"):
        run = st.selectbox("Run", [r[0] for r in runs if r[6]], key="history_run")
        if run is not None:
            frame = pd.DataFrame(
                cache.data(rejected_rows, run, 200), columns=["row", "reason", "raw"]
            )
            ui.data_table(frame, "earlier rejected rows", csv=False)
else:
    st.caption("No files ingested yet.")
    if st.button("Load the sample data instead"):
        ui.load_sample()
        st.rerun()


def _remap_file(run: int) -> tuple[list[str], object | None]:
    """The columns of run ``run``'s file, and an upload of it when its copy is gone."""
    record = cache.data(run_record, run)
    if record.file.is_file():
        return cache.preview(record.file, record.sha256).columns, None
    st.caption(
        f"The file of run {run}, {ui.plain(record.file.name)}, is no longer at "
        f"{ui.plain(record.file.parent)} (an upload's copy goes after its ingest). "
        "Upload it again to re-map it."
    )
    again = st.file_uploader(
        f"{ui.plain(record.file.name)} again", type=UPLOAD_TYPES, key=f"remap-upload-{run}"
    )
    if again is None:
        return [], None
    return cache.preview(uploads.private_copy(again), again.file_id).columns, again


def _undo_or_remap(runs: list[tuple]) -> None:
    """Undo a run, or ingest its file again with one field mapped differently."""
    active = [r for r in runs if not r[8]]
    if not active:
        return
    names = {r[0]: f"run {r[0]}: {r[1]} ({r[7]:,} documents stored)" for r in active}
    last = st.session_state.get("last_ingest")
    default = [r[0] for r in active].index(last.run_id) if last and last.run_id in names else 0
    run = st.selectbox(
        "Run to undo or re-map", list(names), index=default, format_func=names.get, key="fix_run"
    )
    undo_column, remap_column = st.columns(2)
    undo_column.caption(
        "Undo removes its documents with their sentiment, topics, tags and human labels, "
        "your corrections of those posts included; the run stays in the history as undone. "
        "Re-map instead keeps labels and tags of the posts that come back."
    )
    # Like the CLI's confirmation (--yes): corrections cannot be brought back.
    understood = undo_column.checkbox(
        "I understand that undo also deletes my corrections of these posts",
        key=f"undo_confirm_{run}",
    )
    if undo_column.button("Undo this ingest run", key="undo_run", disabled=not understood):
        done = cache.write(undo_run, run)
        st.session_state.pop("last_ingest", None)
        st.session_state["data_flash"] = (
            f"Run {run} undone: {done.deletion.documents:,} documents removed."
        )
        st.rerun()
    columns, again = _remap_file(run)
    if not columns:
        return
    field = remap_column.selectbox("Field", FIELDS, index=FIELDS.index("brand"), key="remap_field")
    column = remap_column.selectbox("Column", [NOT_MAPPED, *columns], key="remap_column")
    if remap_column.button("Re-map and re-ingest", key="remap_run"):
        path = uploads.private_copy(again) if again is not None else None
        try:
            result = remap_run(
                run,
                {field: "" if column == NOT_MAPPED else column},
                settings=settings,
                path=path,
            )
        except BrandpulseError as error:
            st.error(ui.plain(error))
            return
        finally:
            if again is not None:
                uploads.discard(again.file_id)
        st.session_state["last_ingest"] = result
        kept = result.replaced.kept if result.replaced else {}
        st.session_state["data_flash"] = (
            f"Run {result.run_id} replaces run {run}: {result.inserted:,} documents ingested "
            f"with {field} = {column}; kept {kept.get('labels', 0):,} human labels and "
            f"{kept.get('doc_tags', 0):,} tags of the posts that came back."
        )
        st.rerun()


if runs:
    st.subheader("Undo or re-map a run")
    if st.session_state.get("data_flash"):
        st.success(ui.plain(st.session_state.pop("data_flash")))
    _undo_or_remap(runs)
