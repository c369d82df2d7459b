"""Check every enabled rule: record new firings once, deliver them, retry failed deliveries.

Idempotent: a window already in ``rule_firings`` never fires again, and the UNIQUE (rule,
window) constraint turns a concurrent process's second insert into "already fired". The
cooldown is read from the stored firings, so it holds across processes. A delivery that
fails is recorded with its error and retried on later checks with exponential backoff; a
failing channel never stops the check or the other actions.

Three actions are not channels. A reply action puts the matched posts on the replies queue,
like a tag, in the firing's transaction. A tag marks the matched posts in the firing's own transaction
(a database write, done or not with the firing). A draft becomes a suggestion for review:
its card is built while the database is closed and stored with the delivery results.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from analysis.rules import drafts, sql
from analysis.rules.conditions import Candidate, evaluate, held_back
from analysis.rules.model import Action, Delivery, Firing, Post, Rule
from analysis.rules.store import list_rules
from loaders.dates import utc_now
from loaders.errors import BrandpulseError
from loaders.store import records, scalar, transaction

Deliver = Callable[[Firing, Action, Any], Delivery]
Progress = Callable[[str], None]
MAX_ATTEMPTS = 4  # the first try and three retries
CLAIM_LEASE = timedelta(minutes=10)  # a claimed delivery is due again after this if not sent
FIRST_RETRY = timedelta(minutes=5)  # then 10, 20 minutes


@dataclass
class CheckResult:
    fired: list[Firing] = field(default_factory=list)
    skipped_already_fired: int = 0
    skipped_cooldown: int = 0
    delivered: int = 0
    failed: int = 0
    retried: int = 0
    problems: list[str] = field(default_factory=list)  # rules that could not be evaluated


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to retry after ``attempts`` failed tries: 5, 10, 20 minutes, then give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + FIRST_RETRY * (2 ** (attempts - 1))


def _default_deliver(firing: Firing, action: Action, settings: Any) -> Delivery:
    # Imported at call time: a check with nothing to deliver never loads the channels.
    from analysis.rules.delivery import deliver

    return deliver(firing, action, settings)


def _safe_deliver(deliver: Deliver, firing: Firing, action: Action, settings: Any) -> Delivery:
    # Channels promise never to raise; a broken one must still not stop the check.
    try:
        return deliver(firing, action, settings)
    except Exception as error:  # noqa: BLE001 - any channel failure is a failed delivery
        return Delivery(action, False, f"{type(error).__name__}: {error}")


def _in_cooldown(
    con: duckdb.DuckDBPyConnection, rule: Rule, candidate: Candidate, now: datetime
) -> bool:
    last = records(con, sql.LAST_FIRING, [rule.rule_id])
    if not last:
        return False
    return held_back(rule, candidate, last[0]["fired_at"], last[0]["value"], now)


def _record(
    con: duckdb.DuckDBPyConnection, rule: Rule, candidate: Candidate, now: datetime
) -> tuple[str, Firing | None]:
    """Insert the firing in one transaction: ("fired", firing), ("already", None) or ("cooldown", None)."""
    firing = candidate.firing
    try:
        with transaction(con):
            if scalar(con, sql.FIRED_WINDOW, [rule.rule_id, firing.window]):
                return "already", None
            if _in_cooldown(con, rule, candidate, now):
                return "cooldown", None
            firing_id = scalar(
                con,
                sql.INSERT_FIRING,
                [
                    rule.rule_id,
                    firing.window,
                    firing.fired_at,
                    firing.why,
                    json.dumps(firing.figures, default=str),
                    firing.documents,
                    candidate.value,
                    json.dumps([p.as_json() for p in firing.posts]),
                    firing.link,
                ],
            )
            for index, action in enumerate(rule.actions):
                if action.kind in ("tag", "reply"):
                    detail = (
                        _tag(con, rule, candidate, action, firing_id, now)
                        if action.kind == "tag"
                        else _queue_replies(con, rule, candidate)
                    )
                    con.execute(
                        sql.INSERT_DONE_DELIVERY,
                        [firing_id, index, json.dumps(action.as_json()), detail, now],
                    )
                    continue
                con.execute(
                    sql.INSERT_PENDING_DELIVERY,
                    [firing_id, index, json.dumps(action.as_json()), now, now],
                )
    except duckdb.ConstraintException:
        return "already", None  # another process recorded this window first
    return "fired", replace(firing, firing_id=firing_id)


def _queue_replies(con: duckdb.DuckDBPyConnection, rule: Rule, candidate: Candidate) -> str:
    """Put the candidate's matched posts on the replies queue (in the firing's transaction)."""
    from analysis.suggestions.reply_queue import add_to_queue

    added = add_to_queue(con, candidate.doc_ids, f"rule:{rule.rule_id}")
    kept = len(set(candidate.doc_ids)) - added
    return f"{added} posts queued for replies" + (f" ({kept} were queued already)" if kept else "")


def _tag(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    candidate: Candidate,
    action: Action,
    firing_id: int,
    now: datetime,
) -> str:
    """Tag the candidate's matched posts; the delivery's detail. Posts already carrying the
    tag keep their first tagging (the firing that found them first)."""
    tag = str(action.target)
    if candidate.doc_ids:
        con.execute(sql.INSERT_TAG, [list(candidate.doc_ids), tag, rule.rule_id, firing_id, now])
    added = int(scalar(con, sql.TAGGED_BY_FIRING, [firing_id, tag]) or 0)
    kept = len(candidate.doc_ids) - added
    return f"tagged {added} posts '{tag}'" + (f" ({kept} had it already)" if kept else "")


def _stored_firing(con: duckdb.DuckDBPyConnection, firing_id: int) -> Firing:
    [row] = records(con, sql.FIRING_BY_ID, [firing_id])
    posts = tuple(Post.from_json(p) for p in json.loads(row["posts"]))
    return Firing(
        row["rule"],
        row["window"],
        row["fired_at"],
        row["why"],
        json.loads(row["figures"]),
        row["documents"],
        posts,
        row["link"],
        firing_id,
    )


def _claim_due(
    con: duckdb.DuckDBPyConnection, now: datetime
) -> tuple[datetime, list[dict[str, Any]]]:
    """The deliveries due at ``now`` (new firings' and failed ones past their backoff), claimed
    until the lease's end, counted from the real clock (``now`` may replay the past)."""
    lease_end = max(now, datetime.now(UTC)) + CLAIM_LEASE
    with transaction(con):
        due = records(con, sql.CLAIM_DUE, [lease_end, now, MAX_ATTEMPTS])
    return lease_end, sorted(due, key=lambda d: (d["firing_id"], d["action_index"]))


def _send_one(
    item: dict[str, Any],
    firing: Firing,
    brand: str | None,
    context: _Sending,
    result: CheckResult,
) -> None:
    """Send one claimed delivery (no database open), then record it in a short session: a
    check that dies later has still recorded what it sent."""
    from loaders import store

    action = Action(**json.loads(item["action"]))
    key = [item["firing_id"], item["action_index"], context.lease_end]
    if action.kind == "draft":  # a database action: the suggestion and its record together
        from analysis.suggestions.writer import known_names

        card = drafts.draft_card(firing, brand)
        with store.session(settings=context.settings) as con, transaction(con):
            names = known_names(con)
            suggestion_id = drafts.save_draft(con, firing, card, names)
            detail = f"draft #{suggestion_id} waiting for review"
            con.execute(sql.UPDATE_DELIVERY, [True, detail, context.now, None, *key])
        result.delivered += 1
        return
    outcome = _safe_deliver(context.deliver, firing, action, context.settings)
    retry = None if outcome.ok else next_attempt(item["attempts"], context.now)
    with store.session(settings=context.settings) as con, transaction(con):
        con.execute(sql.UPDATE_DELIVERY, [outcome.ok, outcome.detail, context.now, retry, *key])
    result.retried += item["attempts"] > 1
    result.delivered += outcome.ok
    result.failed += not outcome.ok


@dataclass(frozen=True)
class _Sending:
    settings: Any
    deliver: Deliver
    now: datetime
    lease_end: datetime


def _fire(
    con: duckdb.DuckDBPyConnection,
    settings: Any,
    moment: datetime,
    progress: Progress | None,
    result: CheckResult,
) -> None:
    """Evaluate every enabled rule; record what fires, its actions pending delivery."""
    for rule in list_rules(con, enabled_only=True):
        if progress:
            progress(f"checking {rule.name}")
        try:
            _check_rule(con, rule, settings, moment, result)
        except Exception as error:  # noqa: BLE001 - one broken rule must not stop the others
            result.problems.append(
                f"{rule.name}: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
            )


def _check_rule(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    settings: Any,
    moment: datetime,
    result: CheckResult,
) -> None:
    """Evaluate one rule and record its candidates, then mark it checked. Only then: a
    check that fails half-way leaves the last check where it was, so the next one decides
    the caught-up window again (what was recorded is skipped as already fired)."""
    after_run = _covered_run(con, rule) if rule.condition == "keywords" else None
    last_check = scalar(con, sql.LAST_CHECK, [rule.rule_id])
    candidates = evaluate(con, rule, settings, moment, after_run=after_run, last_check=last_check)
    for candidate in candidates:
        status, firing = _record(con, rule, candidate, moment)
        if firing is not None:
            result.fired.append(firing)
        elif status == "already":
            result.skipped_already_fired += 1
        else:
            result.skipped_cooldown += 1
    con.execute(sql.SET_CHECKED, [moment, moment, rule.rule_id])


def _covered_run(con: duckdb.DuckDBPyConnection, rule: Rule) -> int:
    """The newest ingest run a keywords rule has already reported posts of."""
    return int(scalar(con, sql.COVERED_RUN, [rule.rule_id]) or 0)


def check_rules(
    settings: Any,
    *,
    now: datetime | None = None,
    deliver: Deliver | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Evaluate every enabled rule at ``now`` (default: the clock), record what fires, then
    deliver it and retry earlier failures.

    The database is open only to record: DuckDB lets one process write at a time, and a slow
    mail server or webhook must not keep the dashboard and ingest waiting. New firings'
    deliveries are stored as due before anything is sent, so a check that stops half-way
    leaves them to the next one, and each check claims what it sends.
    """
    from loaders import store

    moment = utc_now(now)
    result = CheckResult()
    with store.session(settings=settings) as con:
        _fire(con, settings, moment, progress, result)
        lease_end, due = _claim_due(con, moment)
        ids = {d["firing_id"] for d in due}
        firings = {i: _stored_firing(con, i) for i in ids}
        brands = {i: scalar(con, sql.FIRING_BRAND, [i]) for i in ids}
    context = _Sending(settings, deliver or _default_deliver, moment, lease_end)
    for item in due:
        try:
            _send_one(item, firings[item["firing_id"]], brands[item["firing_id"]], context, result)
        except Exception as error:  # noqa: BLE001 - one delivery must not stop the others
            # Left claimed: due again after the lease, until it runs out of attempts.
            result.failed += 1
            result.problems.append(f"delivery {item['action_index'] + 1}: {error}")
    return result


def any_enabled(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(scalar(con, sql.ANY_ENABLED))


# Database actions: a test must not tag posts nor leave a draft to review.
_NOT_IN_TESTS = ("tag", "draft", "reply")


def trial_firing(rule: Rule, settings: Any, now: datetime | None = None) -> Firing:
    """A clearly-marked test firing of ``rule``: what its channels receive, with no figures."""
    from analysis.rules.conditions import dashboard_link

    return Firing(
        rule=f"[test] {rule.name}",
        window="test",
        fired_at=utc_now(now),
        why=f"[test] A test notification of the rule '{rule.name}': nothing fired.",
        figures={},
        documents=0,
        link=dashboard_link(settings, rule, None, None),
    )


def send_test(
    rule: Rule,
    settings: Any,
    *,
    action: int | None = None,
    now: datetime | None = None,
    deliver: Deliver | None = None,
) -> list[Delivery]:
    """Send a test firing through the rule's actions (or its ``action``-th, from 1); nothing
    is recorded. Tag and draft actions are reported, not run: they change the database."""
    chosen = list(enumerate(rule.actions, 1))
    if action is not None:
        if not 1 <= action <= len(rule.actions):
            raise BrandpulseError(
                f"The rule '{rule.name}' has {len(rule.actions)} actions; there is no action "
                f"{action}. Fix: give --action 1 to {max(1, len(rule.actions))}."
            )
        chosen = [chosen[action - 1]]
    firing = trial_firing(rule, settings, now)
    out = []
    for _, item in chosen:
        if item.kind in _NOT_IN_TESTS:
            out.append(Delivery(item, True, f"{item.kind}: not run in a test (database action)"))
            continue
        out.append(_safe_deliver(deliver or _default_deliver, firing, item, settings))
    return out
