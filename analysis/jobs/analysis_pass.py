"""One analysis pass, shared by `brandpulse analyze` and the dashboard's Run analysis button.

Sentiment first (documents the active model has not scored; with ``engine='ray'`` scored, and
the topic texts embedded, on a Ray cluster by :mod:`analysis.scale`), then topics: the first pass
fits the topic model; later passes give new documents the nearest current topic unless
a refit is asked for (or the new documents fit the topics too badly). After a fit, with
``topic_generated_names``, the configured generator names the topics.
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
    generated_names: int = 0  # topics the generator named after a fit
    rules: Any = None  # analysis.rules.engine.CheckResult; None when no rule is enabled
    rules_problem: str | None = None  # why the rules could not be checked (never fails the pass)


def analyze_all(
    settings: Settings,
    *,
    refit_topics: bool = False,
    topics: bool = True,
    progress: StageProgress | None = None,
) -> PassResult:
    """Score sentiment, then fit or update topics, then check the alert rules (when any is
    enabled); an empty database does nothing."""
    result = _analyze(settings, refit_topics=refit_topics, topics=topics, progress=progress)
    if result.sentiment.model_version:
        check_rules_after(settings, result)
    return result


def rules_after_ingest(settings: Settings) -> PassResult:
    """Check the rules after an ingest without an analysis (a crisis word in a new post
    should not wait for the next analysis); ``rules`` / ``rules_problem`` say how it went."""
    result = PassResult(None)
    check_rules_after(settings, result)
    return result


def check_rules_after(settings: Settings, result: PassResult) -> None:
    """Check the enabled rules on the fresh figures. A failure here is reported in ``result``,
    never raised: alerts must not cost the user the analysis they just ran."""

    from analysis.rules.engine import any_enabled, check_rules
    from loaders import store

    try:
        with store.session(settings=settings, read_only=True) as con:
            if not any_enabled(con):
                return
        result.rules = check_rules(settings)
    except Exception as error:  # noqa: BLE001 - alerts must never cost the user the analysis
        result.rules_problem = (str(error).splitlines() or [type(error).__name__])[0]


def _analyze(
    settings: Settings,
    *,
    refit_topics: bool,
    topics: bool,
    progress: StageProgress | None,
) -> PassResult:
    from analysis.sentiment.scoring_run import analyze
    from analysis.topics.assign import update_topics
    from analysis.topics.fit import FitResult

    if settings.engine == "ray":  # Ray is imported only on this path
        from analysis.scale.engine import analyze_ray

        result = PassResult(analyze_ray(settings, topics=topics, progress=progress))
    else:
        result = PassResult(analyze(settings, progress=progress))
    if not topics or not result.sentiment.model_version:
        return result
    try:
        result.topics = update_topics(settings, refit=refit_topics, progress=progress)
    except TopicError as error:
        result.topic_problem = str(error)
    if settings.topic_generated_names and isinstance(result.topics, FitResult):
        from analysis.suggestions.topic_names import name_topics_with_generator

        if progress:
            progress("naming topics with the generator", 0, 1)
        result.generated_names = name_topics_with_generator(settings)
        if progress:
            progress("naming topics with the generator", 1, 1)
    return result
