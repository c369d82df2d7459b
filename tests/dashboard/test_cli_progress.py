"""Progress of long commands: plain timed lines when stderr is not a terminal (a log, cron),
throttled per stage, and no progress bars of the model libraries in between."""

from __future__ import annotations

import io
import re
from pathlib import Path

from click.testing import CliRunner

from dashboard.cli import cli
from dashboard.cli.progress import Reporter
from dashboard.cli.progress_lines import StageLines, duration, estimate


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def lines_with(clock: Clock, interval: float = 15.0) -> tuple[StageLines, io.StringIO]:
    out = io.StringIO()
    return StageLines(out, interval=interval, clock=clock, stamp=lambda: "12:00:00"), out


def test_lines_start_end_and_at_most_one_per_interval():
    clock = Clock()
    lines, out = lines_with(clock)
    for done in range(0, 4_001, 10):  # 400 callbacks in 20 s: one line at the 15 s mark
        clock.now = 100 + done / 200
        lines("scoring sentiment", done, 10_000)
    clock.now += 10.0  # 4,000 in 30 s, so 6,000 more take 45 s
    lines("scoring sentiment", 4_000, 10_000)
    clock.now += 45.0
    lines("scoring sentiment", 9_999, 10_000)  # not yet done: 99%, not a rounded-up 100%
    lines("scoring sentiment", 10_000, 10_000)
    lines("scoring sentiment", 10_000, 10_000)  # a repeated end says nothing more
    assert out.getvalue().splitlines() == [
        "12:00:00 scoring sentiment: 0% (0/10,000)",
        "12:00:00 scoring sentiment: 30% (3,000/10,000), about 35 s left",
        "12:00:00 scoring sentiment: 40% (4,000/10,000), about 45 s left",
        "12:00:00 scoring sentiment: 99% (9,999/10,000)",
        "12:00:00 scoring sentiment: done (10,000/10,000) in 1 min 15 s",
    ]


def test_a_new_stage_ends_the_last_and_steps_without_parts_say_started():
    clock = Clock()
    lines, out = lines_with(clock)
    lines("loading the sentiment model", 0, 1)
    clock.now += 3
    lines("clustering (HDBSCAN)", 0, 1)
    clock.now += 70
    lines("clustering (HDBSCAN)", 1, 1)
    lines("saving topics", 1, 1)  # reported only once over: just its end
    clock.now += 1
    lines.close()
    assert out.getvalue().splitlines() == [
        "12:00:00 loading the sentiment model: started",
        "12:00:00 loading the sentiment model: done in 3 s",
        "12:00:00 clustering (HDBSCAN): started",
        "12:00:00 clustering (HDBSCAN): done in 1 min 10 s",
        "12:00:00 saving topics: done in 0 s",
    ]


def test_no_estimate_in_the_first_seconds_and_a_restarted_stage_starts_again():
    clock = Clock()
    lines, out = lines_with(clock, interval=1.0)
    lines("training", 1, 100)
    clock.now += 2
    lines("training", 2, 100)  # 2 s in: too early to guess
    clock.now += 8
    lines("training", 10, 100)  # 9 steps since the first report in 10 s: 90 more take 100 s
    lines("training", 1, 50)  # the same name counting from the start again: a new stage
    assert out.getvalue().splitlines() == [
        "12:00:00 training: 1% (1/100)",
        "12:00:00 training: 2% (2/100)",
        "12:00:00 training: 10% (10/100), about 1 min 40 s left",
        "12:00:00 training: 10% (10/100) when it ended after 10 s",
        "12:00:00 training: 2% (1/50)",
    ]


def test_estimates_are_rounded_like_estimates():
    assert [estimate(s) for s in (3, 26, 58.4, 61, 596, 599, 3_900)] == [
        "5 s",
        "25 s",
        "1 min",
        "1 min",
        "10 min",
        "10 min",
        "1 h 5 min",
    ]


def test_durations_read_like_a_person_writes_them():
    assert [duration(s) for s in (0.4, 59, 60, 150, 599.6, 630, 3_599, 3_900)] == [
        "0 s",
        "59 s",
        "1 min",
        "2 min 30 s",
        "10 min",
        "10 min",
        "1 h 0 min",
        "1 h 5 min",
    ]


def test_a_file_shows_in_percent_once_it_takes_more_than_a_moment():
    clock = Clock()
    out = io.StringIO()
    lines = StageLines(out, clock=clock, stamp=lambda: "t")
    reporter = Reporter(tty=False, lines=lines)
    quick = reporter.file(Path("small.csv"))
    for stage in ("reading", "checking", "writing", "done"):
        clock.now += 0.2
        quick(stage, 1.0)  # under a second: the summary table says it all
    slow = reporter.file(Path("reviews.csv"))
    slow("reading", 0.5)  # 20%: too early for a line
    clock.now += 1
    slow("reading", 0.75)
    clock.now += 19
    slow("checking", 0.5)  # 55%, 35 points in 20 s since the first report
    slow("done", 1.0)
    failing = reporter.file(Path("bad.json"))
    failing("reading", 0.1)
    clock.now += 3
    failing("reading", 0.5)
    reporter.drop()  # no end line: its error line follows instead
    assert out.getvalue().splitlines() == [
        "t loading reviews.csv: 55%, about 25 s left",
        "t loading reviews.csv: done in 20 s",
        "t loading bad.json: 20%",
    ]


LIBRARY_BARS = ("Loading weights", "Writing model shards", "Batches", "it/s]")


def test_analyze_piped_prints_stage_lines_and_no_library_bars(
    tmp_path, db, tiny_model, tiny_base, monkeypatch
):
    from transformers.utils import logging as transformers_logging

    from analysis.sentiment.model import quiet_model_libraries

    # Earlier tests may have silenced the libraries already: start loud, as a fresh process does.
    quiet_model_libraries.cache_clear()
    transformers_logging.enable_progress_bar()
    monkeypatch.setenv("BRANDPULSE_SENTIMENT_MODEL", str(tiny_model))
    monkeypatch.setenv("BRANDPULSE_TOPIC_EMBEDDING_MODEL", str(tiny_base))
    monkeypatch.setenv("BRANDPULSE_SENTIMENT_BATCH_SIZE", "2")
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(
        "review_id,date,text,rating\n"
        + "".join(
            f"{i},2025-10-0{1 + i % 7},review number {i} of the lid,{1 + i % 5}\n" for i in range(5)
        )
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(reviews), "--db", str(db)]).exit_code == 0
    result = runner.invoke(cli, ["analyze", "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    log = result.stderr
    assert not [bar for bar in LIBRARY_BARS if bar in log], log
    assert "\r" not in log
    stages = [line.split(" ", 1)[1] for line in log.splitlines()]
    assert "loading the sentiment model: started" in stages
    # Five texts in batches of two: the start is the first batch, 2 of 5.
    assert "scoring sentiment: 40% (2/5)" in stages
    assert re.fullmatch(r"scoring sentiment: done \(5/5\) in \d+ s", stages[3]), stages
    assert "Sentiment: scored 5 documents" in result.stdout
