"""One exception hierarchy for expected failures.

The CLI and the dashboard catch :class:`BrandpulseError` and show ``str(error)`` as one
line; anything else is a bug and may show a traceback.
"""

from __future__ import annotations


class BrandpulseError(Exception):
    """An expected failure whose message is fit to show a user as one line."""


def explain(
    problem: str, *, expected: str | None = None, found: str | None = None, fix: str | None = None
) -> str:
    """Compose a message that says what was expected, what was found, and how to fix it."""
    parts = [problem.rstrip(".") + "."]
    if expected:
        parts.append(f"Expected {expected}.")
    if found:
        parts.append(f"Found {found}.")
    if fix:
        parts.append(f"Fix: {fix}")
    return " ".join(parts)


class ConfigError(BrandpulseError):
    """A setting, TOML file or environment variable has an invalid value."""


class InputFileError(BrandpulseError):
    """An input file cannot be read or parsed at all (nothing from it was stored)."""


class MappingError(BrandpulseError):
    """The columns of a file cannot be mapped to Brandpulse fields."""


class DatabaseBusyError(BrandpulseError):
    """The database file stayed locked by another process for longer than the lock timeout."""


class StoreError(BrandpulseError):
    """The database file cannot be opened (missing folder, no permission, disk full)."""


class SchemaError(BrandpulseError):
    """The database file was written by a newer Brandpulse or is not a Brandpulse database."""


class ModelError(BrandpulseError):
    """A model cannot be found, loaded or used (missing files, unknown labels, no internet)."""


class TrainingDataError(BrandpulseError):
    """A training or evaluation file lacks the text or label column, or has no usable rows."""


class TopicError(BrandpulseError):
    """Topics cannot be fitted, assigned or edited as asked (too few texts, unknown topic)."""


class GeneratorError(BrandpulseError):
    """A text generator (local model or chat-completions endpoint) failed or is unreachable."""


class ReportError(BrandpulseError):
    """A report cannot be written (e.g. no browser to print the PDF with)."""


class ClusterError(BrandpulseError):
    """engine='ray' cannot run: Ray is not installed, or its cluster is unreachable or failed."""
