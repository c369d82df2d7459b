"""The ``brandpulse`` command line: the root group and where each command lives.

- :mod:`.data`: ``ingest``, ``sample``, ``demo``, ``dashboard``, ``config``,
  ``data preview | runs | undo | remap``
- :mod:`.database`: ``db info | rejected | delete``
- :mod:`.campaigns`: ``campaigns import | results``
- :mod:`.sentiment`: ``analyze``, ``train``, ``models ...``, ``labels ...``, ``sentiment shares``
- :mod:`.topics`: ``topics list | rename | merge | emerging | spikes``
- :mod:`.suggest`: ``insights``, ``suggest``, ``suggestions ...``
- :mod:`.copy`: ``copy tune`` (the brand-voice adapter)
- :mod:`.report`: ``report``, ``weekly``
- :mod:`.replies`: ``replies draft | list | review | export`` and ``kb list | add | import | export | remove``
- :mod:`.rules`: ``rules list | add | enable | disable | delete | check | log | export | import``
- :mod:`.common`: the ``--db`` option, settings and session, periods, tables and errors;
  :mod:`.progress`: the progress of long commands (bars on a terminal, the timed lines of
  :mod:`.progress_lines` in a log) and the ingest and analysis summaries.

``brandpulse --help`` imports only these modules and the settings: the command modules import
the store and the analysis modules inside the commands (``tests/dashboard/test_cli_imports.py``).
"""

from __future__ import annotations

import click

from dashboard.cli import (
    campaigns,
    copy,
    data,
    database,
    replies,
    report,
    rules,
    sentiment,
    suggest,
    topics,
)
from dashboard.cli.common import BrandpulseGroup, format_table

__all__ = ["cli", "format_table", "main"]


@click.group(cls=BrandpulseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="brandpulse")
def cli() -> None:
    """Brandpulse: sentiment and campaign insight from reviews and social posts."""


for _command in (
    data.ingest,
    data.sample,
    data.demo,
    data.dashboard,
    data.show_config,
    data.data_group,
    database.db_group,
    campaigns.campaigns,
    sentiment.analyze,
    sentiment.train,
    sentiment.models,
    sentiment.labels,
    sentiment.sentiment_group,
    topics.topics,
    suggest.insights,
    suggest.suggest,
    suggest.suggestions,
    replies.replies_group,
    replies.kb_group,
    copy.copy_group,
    report.report,
    report.weekly,
    rules.rules_group,
):
    cli.add_command(_command)


def main() -> None:
    """The ``brandpulse`` console script (pyproject ``[project.scripts]``)."""
    cli(prog_name="brandpulse")
