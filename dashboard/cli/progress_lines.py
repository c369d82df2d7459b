"""Progress as plain lines, for output that is not a terminal (``| tee log``, cron, CI).

A tqdm bar redraws itself with carriage returns, which a log shows as one endless line or
not at all; a first run that builds a model would look hung for many minutes. These lines
say the stage, how far it is and how long is left, e.g.::

    17:40:05 scoring sentiment: 40% (4,000/10,000), about 2 min left

one when a stage starts, one when it ends, and in between at most one every ``interval``
seconds, so a long stage shows it is alive without flooding the log.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

# Between the start and the end of a stage, one line at most this often (seconds).
INTERVAL_S = 15.0
# An estimate from the first few seconds of a stage is mostly noise (model warm-up, caches).
ETA_AFTER_S = 5.0


def duration(seconds: float) -> str:
    """'40 s', '1 min 15 s', '12 min', '1 h 5 min': as precise as a person reads a log."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 600:
        return f"{seconds // 60} min" + (f" {seconds % 60} s" if seconds % 60 else "")
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def estimate(seconds: float) -> str:
    """A time left, no more precise than an estimate is: to 5 s, 10 s, then minutes."""
    step = 5 if seconds < 60 else 10
    return duration(round(seconds / step) * step)


def wall_clock() -> str:
    return datetime.now().strftime("%H:%M:%S")


@dataclass
class _Stage:
    name: str
    total: int
    counts: bool  # show (done/total); not for stages measured in percent only
    started: float
    printed: float
    first: int  # done at the first report: the rate counts what was done since
    grace: float = 0.0  # seconds before the first line; a stage over sooner shows no line
    done: int = 0
    shown: bool = False
    finished: bool = False


class StageLines:
    """Plain progress lines for ``(stage, done, total)`` callbacks, throttled per stage.

    ``clock`` (seconds, monotonic) and ``stamp`` (the time of day in front of each line) are
    parameters so that tests can drive the throttling without waiting.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        interval: float = INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
        stamp: Callable[[], str] = wall_clock,
    ) -> None:
        self._stream = stream
        self.interval = interval
        self.clock = clock
        self.stamp = stamp
        self.stage: _Stage | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.update(stage, done, total)

    def update(
        self, stage: str, done: int, total: int, *, counts: bool = True, grace: float = 0.0
    ) -> None:
        """Report ``stage`` at ``done`` of ``total``; ``counts=False`` shows only the percentage
        and ``grace`` holds the first line back that long (a file loaded in a second needs none:
        the summary lists it)."""
        now = self.clock()
        current = self.stage
        if current is None or current.name != stage or done < current.done:
            self.close()
            current = self.stage = _Stage(
                stage, total, counts, started=now, printed=now, first=done, grace=grace
            )
        current.done, current.total = done, total
        if total and done >= total:  # a stage first reported when it is over: just its end
            self._finish(current, now)
        elif not current.shown:
            if now - current.started >= current.grace:
                self._show(current, now)
        elif now - current.printed >= self.interval:
            self._show(current, now)

    def drop(self) -> None:
        """Forget the current stage without an end line (it failed: its error says the rest)."""
        self.stage = None

    def close(self) -> None:
        """End the current stage: the next stage (or the summary) means it is over."""
        if self.stage is not None and not self.stage.finished:
            self._finish(self.stage, self.clock())
        self.stage = None

    def _show(self, stage: _Stage, now: float) -> None:
        stage.shown, stage.printed = True, now
        self._write(self._progress(stage, now))

    def _finish(self, stage: _Stage, now: float) -> None:
        if stage.finished:
            return
        stage.finished = True
        if stage.grace and not stage.shown:  # over within its grace: no line at all
            return
        took = duration(now - stage.started)
        if stage.total <= 1:
            self._write(f"{stage.name}: done in {took}")
        elif stage.done < stage.total:  # left before the end (the next stage began)
            self._write(f"{self._share(stage)} when it ended after {took}")
        else:
            self._write(f"{stage.name}: done{self._counts(stage)} in {took}")

    def _progress(self, stage: _Stage, now: float) -> str:
        if stage.total <= 1:  # a step without parts: say it started, the end line follows
            return f"{stage.name}: started"
        line = self._share(stage)
        elapsed, done_since = now - stage.started, stage.done - stage.first
        if done_since > 0 and elapsed >= ETA_AFTER_S:
            left = elapsed * (stage.total - stage.done) / done_since
            if left >= 2.5:  # "about 0 s left" says nothing
                line += f", about {estimate(left)} left"
        return line

    @staticmethod
    def _counts(stage: _Stage) -> str:
        """' (4,000/10,000)', or nothing for a stage measured in percent."""
        return f" ({stage.done:,}/{stage.total:,})" if stage.counts else ""

    def _share(self, stage: _Stage) -> str:
        # Rounded down: 8,832 of 8,871 is 99%, not a 100% that is not done.
        return f"{stage.name}: {100 * stage.done // stage.total}%{self._counts(stage)}"

    def _write(self, text: str) -> None:
        # Looked up at each line: click's test runner and redirections replace sys.stderr.
        stream = self._stream or sys.stderr
        stream.write(f"{self.stamp()} {text}\n")
        stream.flush()
