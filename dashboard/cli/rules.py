"""``brandpulse rules``: alert rules ("when this happens, do that") and their checks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click

from dashboard.cli.common import FILE_PATH, db_option, format_table, open_store, settings_for
from loaders.errors import BrandpulseError, explain


@click.group("rules")
def rules_group() -> None:
    """Alert rules: list, add, enable, disable, delete, check, test, log, export, import."""


def _pairs(values: tuple[str, ...], option: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for value in values:
        key, sep, raw = value.partition("=")
        if not sep or not key.strip():
            raise BrandpulseError(
                explain(
                    f"Bad {option} '{value}'",
                    expected="key=value",
                    fix=f"write {option} key=value.",
                )
            )
        out[key.strip()] = raw.split(",") if key.strip() == "words" else raw.strip()
    return out


@rules_group.command("list")
@db_option()
def rules_list(db: Path | None) -> None:
    """Every rule with its condition, scope, actions and whether it is enabled."""
    from analysis.rules.store import list_rules

    with open_store(db) as con:
        found = list_rules(con)
    if not found:
        click.echo("No rules yet: `brandpulse rules add --name ... --condition ...`.")
        return
    rows = [
        (
            r.name,
            r.condition,
            ", ".join(f"{k}={v}" for k, v in r.params.items()),
            ", ".join(f"{k}={v}" for k, v in r.scope.items()),
            ", ".join(a.kind + (f":{a.target}" if a.target else "") for a in r.actions),
            f"{r.cooldown_hours:g} h",
            "yes" if r.enabled else "no",
        )
        for r in found
    ]
    click.echo(
        format_table(
            ("rule", "condition", "params", "scope", "actions", "cooldown", "enabled"), rows
        )
    )


@rules_group.command("add")
@click.option("--name", required=True)
@click.option(
    "--condition",
    required=True,
    help="negative_share, volume_spike, emerging_topic, keywords, rating_below, campaign_negative",
)
@click.option(
    "--param", "params", multiple=True, help="key=value (words=a,b,c for lists); repeatable"
)
@click.option(
    "--scope",
    "scope",
    multiple=True,
    help="brand=..., channel=..., theme=2, topic=3 ... (see `brandpulse topics list`); repeatable",
)
@click.option(
    "--action",
    "actions",
    multiple=True,
    help="email:ADDRESS | webhook:NAME[:slack|teams|json] | file | tag:NAME (tags the matched "
    "posts) | draft (a suggestion for review) | reply (the matched posts join the replies "
    "queue); repeatable",
)
@click.option("--cooldown-hours", type=float, default=24.0, show_default=True)
@db_option()
def rules_add(
    name: str,
    condition: str,
    params: tuple[str, ...],
    scope: tuple[str, ...],
    actions: tuple[str, ...],
    cooldown_hours: float,
    db: Path | None,
) -> None:
    """Add a rule."""
    from analysis.rules.model import Rule
    from analysis.rules.store import add_rule, parse_action

    rule = Rule(
        name,
        condition,
        _pairs(params, "--param"),
        _pairs(scope, "--scope"),
        tuple(parse_action(a) for a in actions),
        cooldown_hours,
    )
    with open_store(db) as con:
        stored = add_rule(con, rule)
    click.echo(f"Rule '{stored.name}' added ({stored.condition}).")


@rules_group.command("edit")
@click.argument("name")
@click.option("--param", "params", multiple=True, help="key=value to set (key= removes it)")
@click.option("--scope", "scope", multiple=True, help="key=value to set (key= removes it)")
@click.option(
    "--action", "actions", multiple=True, help="replaces all actions (same forms as `add`)"
)
@click.option("--cooldown-hours", type=float)
@db_option()
def rules_edit(
    name: str,
    params: tuple[str, ...],
    scope: tuple[str, ...],
    actions: tuple[str, ...],
    cooldown_hours: float | None,
    db: Path | None,
) -> None:
    """Change a rule's thresholds, scope, actions or cooldown; the rest stays."""
    from dataclasses import replace

    from analysis.rules.store import get_rule, parse_action, update_rule

    with open_store(db) as con:
        rule = get_rule(con, name)
        changed = replace(
            rule,
            params=_merged(rule.params, _pairs(params, "--param")),
            scope=_merged(rule.scope, _pairs(scope, "--scope")),
            actions=tuple(parse_action(a) for a in actions) if actions else rule.actions,
            cooldown_hours=rule.cooldown_hours if cooldown_hours is None else cooldown_hours,
        )
        update_rule(con, changed)
    click.echo(f"Rule '{name}' updated.")


def _merged(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``current`` with ``changes`` applied; an empty value removes the key."""
    merged = {**current, **changes}
    return {k: v for k, v in merged.items() if v not in ("", None)}


def _toggle(name: str, db: Path | None, enabled: bool) -> None:
    from analysis.rules.store import set_enabled

    with open_store(db) as con:
        set_enabled(con, name, enabled)
    click.echo(f"Rule '{name}' {'enabled' if enabled else 'disabled'}.")


@rules_group.command("enable")
@click.argument("name")
@db_option()
def rules_enable(name: str, db: Path | None) -> None:
    """Enable a rule."""
    _toggle(name, db, True)


@rules_group.command("disable")
@click.argument("name")
@db_option()
def rules_disable(name: str, db: Path | None) -> None:
    """Disable a rule (it keeps its firings)."""
    _toggle(name, db, False)


@rules_group.command("delete")
@click.argument("name")
@db_option()
def rules_delete(name: str, db: Path | None) -> None:
    """Delete a rule with its firings."""
    from analysis.rules.store import delete_rule

    with open_store(db) as con:
        delete_rule(con, name)
    click.echo(f"Rule '{name}' deleted.")


@rules_group.command("check")
@click.option(
    "--now", "now", help="Check as of this ISO time (replays history); default: the clock."
)
@db_option()
def rules_check(now: str | None, db: Path | None) -> None:
    """Check every enabled rule once (for cron: `0 * * * * brandpulse rules check`)."""
    from analysis.rules.engine import check_rules

    moment = None
    if now:
        try:
            moment = datetime.fromisoformat(now)
        except ValueError:
            raise BrandpulseError(
                explain(f"Bad --now '{now}'", expected="an ISO time such as 2025-10-09T23:00")
            ) from None
    result = check_rules(settings_for(db), now=moment)
    for firing in result.fired:
        click.echo(f"Fired {firing.rule} [{firing.window}]: {firing.why}")
    click.echo(
        f"{len(result.fired)} fired, {result.skipped_already_fired} already fired, "
        f"{result.skipped_cooldown} in cooldown; deliveries: {result.delivered} ok, "
        f"{result.failed} failed, {result.retried} retried."
    )
    for problem in result.problems:
        click.echo(f"Not checked: {problem}", err=True)


@rules_group.command("test")
@click.argument("name")
@click.option("--action", "action", type=int, help="Only the rule's Nth action (from 1).")
@db_option()
def rules_test(name: str, action: int | None, db: Path | None) -> None:
    """Send a test notification ("[test] ...") through a rule's actions; records no firing."""
    from analysis.rules.engine import send_test
    from analysis.rules.store import get_rule

    with open_store(db) as con:
        rule = get_rule(con, name)
    if not rule.actions:
        click.echo(f"Rule '{name}' has no actions to test.")
        return
    # The database is closed while sending: a slow mail server keeps nobody waiting.
    failed = 0
    for delivery in send_test(rule, settings_for(db), action=action):
        failed += not delivery.ok
        state = "ok" if delivery.ok else "FAILED"
        click.echo(f"{delivery.action.kind}: {state}: {delivery.detail}")
    if failed:
        raise SystemExit(1)


@rules_group.command("log")
@click.argument("name", required=False)
@click.option("--limit", type=int, default=50, show_default=True)
@db_option()
def rules_log(name: str | None, limit: int, db: Path | None) -> None:
    """The latest firings (of one rule) with their delivery results."""
    from analysis.rules import sql
    from loaders.store import records

    with open_store(db) as con:  # read-write: an older database gets the rules tables
        found = records(con, sql.FIRING_LOG, [name, name, limit])
    if not found:
        click.echo("No firings yet.")
        return
    rows = [
        (
            f["fired_at"].strftime("%Y-%m-%d %H:%M"),
            f["rule"],
            f["window"],
            f["why"],
            f"{f['delivered']} ok, {f['failed']} failed",
            f["errors"] or "",
        )
        for f in found
    ]
    click.echo(format_table(("fired (UTC)", "rule", "window", "why", "deliveries", "errors"), rows))


@rules_group.command("export")
@click.option("--out", type=FILE_PATH, help="Write to this file instead of the screen.")
@db_option()
def rules_export(out: Path | None, db: Path | None) -> None:
    """The rules as TOML, for version control."""
    from analysis.rules.store import list_rules, rules_to_toml

    with open_store(db) as con:
        text = rules_to_toml(list_rules(con))
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"Rules written to {out}.")


@rules_group.command("import")
@click.argument("path", type=FILE_PATH)
@db_option()
def rules_import(path: Path, db: Path | None) -> None:
    """Add or update the rules of a TOML file (as `rules export` writes it)."""
    from analysis.rules.store import add_rule, list_rules, rules_from_toml, update_rule

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BrandpulseError(f"Cannot read {path}: {error.strerror}.") from None
    from loaders.store import transaction

    rules = rules_from_toml(text)
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise BrandpulseError(
            explain(
                f"{path.name} names a rule twice",
                expected="each rule once",
                found=", ".join(twice),
                fix="rename or remove the repeats.",
            )
        )
    with open_store(db) as con, transaction(con):  # the whole file, or nothing
        known = {r.name for r in list_rules(con)}
        for rule in rules:
            (update_rule if rule.name in known else add_rule)(con, rule)
    click.echo(f"{len(rules)} rules imported from {path.name}.")
