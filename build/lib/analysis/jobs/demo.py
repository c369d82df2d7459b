"""Loading the demo data: the one sequence behind `brandpulse demo` and the dashboard's "Load the
sample data" button. It locates the sample files (``settings.sample_dir``, bundled or written by
`brandpulse sample`, generated there when missing), ingests each document file, imports the campaigns and analyzes the lot.

Progress goes to the caller's callbacks (tqdm bars in the terminal, ``st.progress`` on the
dashboard); what happened comes back as a :class:`DemoLoad` for the caller to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.jobs.analysis_pass import PassResult, StageProgress, analyze_all
from loaders.config import Settings
from loaders.errors import BrandpulseError

if TYPE_CHECKING:  # both import duckdb: loaded when the demo is loaded, not on import
    from loaders.ingest.files import IngestResult
    from loaders.ingest.formats import Progress

FileProgress = Callable[[Path], "Progress | None"]  # a file -> its progress callback


@dataclass
class DemoLoad:
    """What loading the demo data did. When a file failed, nothing after the ingest ran."""

    ingested: list[IngestResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line per file that failed
    campaigns: int | None = None  # campaigns stored
    analysis: PassResult | None = None  # None when not asked for (or a file failed)


def load_demo(
    settings: Settings,
    *,
    file_progress: FileProgress | None = None,
    loaded: Callable[[DemoLoad], None] | None = None,
    analysis_progress: StageProgress | None = None,
    analyze: bool = True,
) -> DemoLoad:
    """Ingest the sample documents and campaigns into ``settings.db``, then (with ``analyze``)
    score and fit topics.

    Every document file is tried; if any failed, campaigns and analysis are left out so that
    the caller reports the files first. ``loaded`` is called once the files and campaigns are
    in, before the analysis, which can take minutes: the terminal shows what was loaded
    meanwhile. Loading twice is safe: the files' documents are recognised as duplicates.
    """
    from loaders import demo_data as sample
    from loaders.campaigns import import_campaigns
    from loaders.ingest.files import ingest_file

    folder = sample.ensure_sample(settings.sample_dir)
    load = DemoLoad()
    for path in (folder / name for name in sample.DOCUMENT_FILES):
        progress = file_progress(path) if file_progress else None
        try:
            load.ingested.append(
                ingest_file(path, settings=settings, progress=progress, brand=None)
            )
        except BrandpulseError as error:
            message = str(error)  # the file named once, however the error worded it
            load.errors.append(message if path.name in message else f"{path}: {message}")
    if load.errors:
        return load
    load.campaigns = import_campaigns(folder / sample.CAMPAIGNS_FILE, settings=settings)
    if loaded:
        loaded(load)
    if analyze:
        load.analysis = analyze_all(settings, progress=analysis_progress)
    return load
