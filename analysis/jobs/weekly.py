"""The unattended weekly run (`brandpulse weekly`, e.g. from cron): ingest the inbox's new
files (campaign lists among them are imported as campaigns), analyze what is new, and
write the week's report to the outbox.

Running it twice is safe: files already loaded are recognised by their bytes, the
analysis only touches documents it has not seen, and reports are replaced whole. Two runs
at the same time on one database do not interleave: the second waits for the first's lock.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis.jobs.analysis_pass import PassResult, StageProgress, analyze_all
from analysis.report.formats import REPORT_FORMATS
from loaders.config import Settings
from loaders.errors import BrandpulseError, ReportError, explain
from loaders.ingest.formats import Progress

LOCK_SUFFIX = ".weekly.lock"  # next to the database: what is loaded is the database's state
LOCK_WAIT_S = 600.0  # a run that ingests and analyzes a big inbox takes minutes

logger = logging.getLogger(__name__)

FileProgress = Callable[[Path], Progress | None]  # a file -> its progress callback


@dataclass
class WeeklyRun:
    """What one weekly run did."""

    ingested: list[Any] = field(default_factory=list)  # loaders.ingest.IngestResult
    campaigns: dict[Path, int] = field(default_factory=dict)  # campaign list -> campaigns
    failed: dict[Path, str] = field(default_factory=dict)  # file -> why it could not be read
    links_skipped: list[Path] = field(default_factory=list)  # links leading out of the inbox
    already_loaded: int = 0  # inbox files whose bytes were loaded before (or copies)
    analysis: PassResult | None = None
    week: str | None = None  # the reported ISO week; None when there is no full week yet
    reports: list[Path] = field(default_factory=list)
    report_errors: dict[str, str] = field(default_factory=dict)  # format -> why it failed

    @property
    def ok(self) -> bool:
        return not self.failed and not self.report_errors


@contextlib.contextmanager
def _exclusive(lock: Path, wait_s: float) -> Iterator[None]:
    """Hold ``lock`` (a file); a concurrent run waits up to ``wait_s`` for it."""
    try:
        import fcntl
    except ImportError:  # Windows has no cron; scheduled tasks do not overlap by default
        yield
        return
    from loaders.store import open_private

    lock.parent.mkdir(parents=True, exist_ok=True)
    with open_private(lock) as handle:  # 0600 like the database it guards
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BrandpulseError(
                        explain(
                            "Another weekly run is still working on this database",
                            found=f"{lock} locked for {wait_s:.0f} s",
                            fix="let it finish, or schedule the runs further apart.",
                        )
                    ) from None
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def unexpected_failure(path: Path, error: Exception) -> str:
    """One line naming the file and the error that no reader check anticipated."""
    detail = " ".join(str(error).split())[:300] or "no details"
    return explain(
        f"{path.name} could not be loaded",
        found=f"{type(error).__name__}: {detail}",
        fix="it stays in the inbox for the next run; fix or remove the file, "
        "or report the error if the file looks fine.",
    )


def lock_file(db: Path) -> Path:
    return db.with_name(db.name + LOCK_SUFFIX)


def report_name(week: str, brand: str | None, fmt: str) -> str:
    """brandpulse-2025-W41[-brand].fmt, the brand reduced to characters safe in file names."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", brand).strip("-.") if brand else ""
    return f"brandpulse-{week}" + (f"-{slug}" if slug else "") + f".{fmt}"


def _load(
    pending: list[Any],
    inbox: Path,
    run: WeeklyRun,
    settings: Settings,
    ingest_options: dict[str, Any],
    file_progress: FileProgress | None,
) -> None:
    """Ingest (or import as campaigns) each of ``pending`` (loaders.ingest.inbox.InboxFile), noting
    in ``run`` what each did; one file's failure, whatever it is, is that file's only."""
    from loaders.campaigns import import_campaigns, looks_like_campaigns
    from loaders.ingest.files import ingest_file
    from loaders.ingest.inbox import leaves_inbox

    for file in pending:
        if leaves_inbox(file.path, inbox):  # swapped for a link since it was listed
            run.links_skipped.append(file.path)
            continue
        try:
            if looks_like_campaigns(file.path):
                run.campaigns[file.path] = import_campaigns(file.path, settings=settings)
                continue
            progress = file_progress(file.path) if file_progress else None
            run.ingested.append(
                ingest_file(file.path, settings=settings, progress=progress, **ingest_options)
            )
        except BrandpulseError as error:
            run.failed[file.path] = str(error)
        except Exception as error:  # noqa: BLE001 - one file's bug must not stop the run
            logger.debug("Loading %s failed", file.path, exc_info=True)
            run.failed[file.path] = unexpected_failure(file.path, error)


def run_weekly(
    settings: Settings,
    inbox: Path,
    outbox: Path,
    *,
    week: str | None = None,
    brand: str | None = None,
    formats: tuple[str, ...] = ("html", "pdf"),
    ingest_options: dict[str, Any] | None = None,
    file_progress: FileProgress | None = None,
    analysis_progress: StageProgress | None = None,
    lock_wait_s: float = LOCK_WAIT_S,
) -> WeeklyRun:
    """Ingest the inbox's new files, analyze, and write ``week``'s report (default: the
    last full week) to ``outbox`` in each of ``formats``.

    A file that cannot be read, whatever the error, is reported and left for the next
    run; the rest go on and the report is written. Links leading out of the inbox are
    skipped (and listed). The clock is read once: the default week ignores documents
    dated after the run started.
    """
    from analysis.periods import report_weeks
    from analysis.report.content import weekly_report
    from analysis.report.files import save_report
    from loaders import store
    from loaders.ingest.inbox import check_folder, new_inbox_files, scan_inbox
    from loaders.workspace import my_brand

    unknown = sorted(set(formats) - set(REPORT_FORMATS))
    if unknown:
        raise ReportError(
            explain(
                "Unknown report format",
                expected=" or ".join(REPORT_FORMATS),
                found=", ".join(unknown),
            )
        )
    check_folder(inbox)  # a missing inbox is an error before anything is touched
    now = datetime.now(UTC)
    outbox.mkdir(parents=True, exist_ok=True)
    run = WeeklyRun()
    with _exclusive(lock_file(settings.db), lock_wait_s):
        # Listed once the lock is held: files may come and go while a run waits for it.
        scan = scan_inbox(inbox)
        run.links_skipped = list(scan.links_leaving)
        with store.session(settings=settings) as con:
            pending, run.already_loaded = new_inbox_files(
                con, inbox, scan.files, unreadable=run.failed
            )
        _load(pending, inbox, run, settings, ingest_options or {}, file_progress)
        # Also after a run with nothing new: it finishes what an interrupted run left.
        run.analysis = analyze_all(settings, progress=analysis_progress)
        with store.session(settings=settings, read_only=True) as con:
            weeks = report_weeks(con, now)  # full weeks with data, the last first
            if week is None and not weeks:
                return run  # no full week of data yet: nothing to report
            mine = my_brand(con, settings)  # the report leads with it unless asked otherwise
            report = weekly_report(
                con,
                week or weeks[0],
                brand or mine,
                now,
                settings.corrected_shares_min_labels,
                my_brand=mine,
            )
        run.week = report.week
        for fmt in formats:
            out = outbox / report_name(report.week, brand, fmt)
            try:
                run.reports.append(save_report(report, out, browser=settings.report_browser))
            except ReportError as error:
                run.report_errors[fmt] = str(error)
    return run
