"""The values the filter bar offers (brands, sources, languages ...) and what the store has analysed so far."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from analysis.insight.sql import ANALYSIS_STATE, FACET_VALUES
from loaders.store import records


def facet_values(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, int]]]:
    """Filter bar choices: facet -> [(value, documents)], most frequent first."""
    found: dict[str, list[tuple[str, int]]] = {}
    for facet, value, documents in con.execute(FACET_VALUES).fetchall():
        found.setdefault(facet, []).append((value, documents))
    return found


@dataclass(frozen=True)
class AnalysisState:
    documents: int
    scored: int  # documents with a row from the active sentiment model
    topic_run: int | None  # the current topic model, None before the first fit
    without_topic: int  # documents not yet given a topic by the current model
    corrections: int  # documents with a human sentiment label

    @property
    def pending(self) -> bool:
        """True when `analyze` has work: unscored documents, or documents without a topic."""
        return self.scored < self.documents or self.topic_run is None or self.without_topic > 0


def analysis_state(con: duckdb.DuckDBPyConnection) -> AnalysisState:
    """Counts behind the empty states: no data yet, analysis not run, new data to analyze."""
    return AnalysisState(**records(con, ANALYSIS_STATE)[0])
