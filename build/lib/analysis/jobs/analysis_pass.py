"""One analysis pass, shared by `brandpulse analyze` and the dashboard's Run analysis button.

Sentiment first (documents the active model has not scored), then topics: the first pass
fits the topic model; later passes give new documents the nearest current topic unless
a refit is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loaders.config import Settings
from loaders.errors import TopicError

StageProgress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class PassResult:
    sentiment: Any  # analysis.sentiment.AnalysisResult
    topics: Any = None  # analysis.topics.FitResult or AssignResult; None when skipped
    topic_problem: str | None = None  # why topics were not fitted (e.g. too few documents)


def analyze_all(
    settings: Settings,
    *,
    refit_topics: bool = False,
    topics: bool = True,
    progress: StageProgress | None = None,
) -> PassResult:
    """Score sentiment, then fit or update topics; an empty database does nothing."""
    from analysis.sentiment.scoring_run import analyze
    from analysis.topics.assign import update_topics

    result = PassResult(analyze(settings, progress=progress))
    if not topics or not result.sentiment.model_version:
        return result
    try:
        result.topics = update_topics(settings, refit=refit_topics, progress=progress)
    except TopicError as error:
        result.topic_problem = str(error)
    return result
