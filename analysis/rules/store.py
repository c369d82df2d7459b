"""Rules in the database: add, update, read, enable, disable, delete, and TOML import/export.

Every rule is checked here, at the edge, so the engine can trust what it reads: a known
condition with its required parameters, known scope keys, and actions a channel can run.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from typing import Any

import duckdb

from analysis.rules import sql
from analysis.rules.model import ACTIONS, CONDITIONS, SCOPE_KEYS, WEBHOOK_STYLES, Action, Rule
from loaders.errors import BrandpulseError, explain
from loaders.store import records, scalar, transaction

# Parameters each condition requires, and the ones it accepts.
REQUIRED = {
    "negative_share": ("above",),
    "volume_spike": (),
    "emerging_topic": (),
    "keywords": ("words",),
    "rating_below": ("below",),
    "campaign_negative": ("campaign",),
}
ACCEPTED = {
    "negative_share": ("above", "min_posts", "window"),
    "volume_spike": ("times", "z", "baseline_weeks"),
    "emerging_topic": ("min_documents", "min_growth", "alpha"),
    "keywords": ("words",),
    "rating_below": ("below", "min_posts", "window"),
    "campaign_negative": ("campaign", "below", "min_posts"),
}
WINDOWS = ("day", "week")
# A tag shows in the filter bar and the URL: a short plain word keeps both readable.
_TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,59}")
_NUMBERS = {"above", "min_posts", "times", "z", "baseline_weeks", "min_documents"}
_NUMBERS |= {"min_growth", "alpha", "below"}


def _fail(problem: str, expected: str, found: str, fix: str) -> BrandpulseError:
    return BrandpulseError(explain(problem, expected=expected, found=found, fix=fix))


def _check_params(condition: str, params: dict[str, Any]) -> dict[str, Any]:
    out = dict(params)
    for key in REQUIRED[condition]:
        if key not in out or out[key] in (None, "", []):
            raise _fail(
                f"The condition {condition} needs the parameter '{key}'",
                f"{key}=... among {', '.join(ACCEPTED[condition])}",
                "none",
                f"add --param {key}=VALUE.",
            )
    for key, value in out.items():
        if key not in ACCEPTED[condition]:
            raise _fail(
                f"Unknown parameter '{key}' for {condition}",
                ", ".join(ACCEPTED[condition]) or "no parameters",
                key,
                "leave it out or correct its name.",
            )
        if key in _NUMBERS:
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = math.nan
            # An uplift threshold may sit below zero ("only a clear backfire"); nothing else may.
            signed = condition == "campaign_negative" and key == "below"
            if not math.isfinite(number) or (number < 0 and not signed):
                raise _fail(
                    f"The parameter '{key}' must be a number",
                    "a number >= 0",
                    repr(value),
                    f"give {key}=0.5 or similar.",
                )
            counts = ("min_posts", "baseline_weeks", "min_documents")
            out[key] = int(number) if key in counts else number
            if key in counts and out[key] < 1:
                # 0 posts would make a share of nothing (0/0) on a window with no labels.
                raise _fail(
                    f"The parameter '{key}' counts posts or weeks",
                    "a whole number of 1 or more",
                    repr(value),
                    f"give {key}=20 or similar.",
                )
    if condition == "negative_share" and not 0 < out["above"] < 1:
        raise _fail(
            "'above' is a share",
            "a number between 0 and 1, e.g. 0.4",
            str(out["above"]),
            "give the share as a fraction: above=0.4 for 40%.",
        )
    if out.get("window", "week") not in WINDOWS:
        raise _fail("Unknown window", " or ".join(WINDOWS), str(out["window"]), "use day or week.")
    if condition == "keywords":
        words = out["words"]
        words = words.split(",") if isinstance(words, str) else list(words)
        words = [str(w).strip() for w in words if str(w).strip()]
        if not words:
            raise _fail(
                "keywords needs at least one word",
                "words=recall,refund",
                "no word",
                "list the words separated by commas.",
            )
        out["words"] = words
    return out


def _check_scope(scope: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in scope.items():
        if key not in SCOPE_KEYS:
            raise _fail(
                f"Unknown scope key '{key}'",
                ", ".join(SCOPE_KEYS),
                key,
                "scope a rule by one of the dashboard's filters.",
            )
        if key in ("topic", "theme"):
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise _fail(
                    f"The scope '{key}' is a {key} number",
                    "an integer",
                    repr(value),
                    "see `brandpulse topics list` (it numbers themes and topics).",
                ) from None
        elif key == "kind" and value not in ("review", "social"):
            raise _fail(
                "Unknown kind", "review or social", str(value), "use kind=review or kind=social."
            )
        elif key == "sentiment" and value not in ("negative", "neutral", "positive"):
            raise _fail(
                "Unknown sentiment",
                "negative, neutral or positive",
                str(value),
                "use one of those.",
            )
        else:
            value = str(value)
        out[key] = value
    return out


def _check_action(action: Action) -> Action:
    if action.kind not in ACTIONS:
        raise _fail(
            f"Unknown action '{action.kind}'",
            ", ".join(ACTIONS),
            action.kind,
            "use email:ADDRESS, webhook:NAME[:slack|teams|json], file, tag:NAME, draft or reply.",
        )
    if action.kind == "tag" and not _TAG.fullmatch(action.target or ""):
        raise _fail(
            "A tag action needs a tag",
            "tag:NAME, letters, digits, '-', '_' or '.', up to 60 characters",
            repr(action.target),
            "give the tag after 'tag:', e.g. tag:lid-leak-week.",
        )
    if action.kind == "email" and (not action.target or "@" not in action.target):
        raise _fail(
            "An email action needs an address",
            "email:someone@example.com",
            repr(action.target),
            "give the recipient after 'email:'.",
        )
    if action.kind == "webhook":
        if not action.target or "://" in action.target:
            # The URL is a secret kept in the settings; the database holds only its name.
            raise _fail(
                "A webhook action names a webhook of the settings",
                "webhook:NAME",
                "a URL" if action.target else "no name",  # never echo a URL: it is a secret
                "put the URL in the setting webhooks and give its name.",
            )
        if action.style not in WEBHOOK_STYLES:
            raise _fail(
                "Unknown webhook style",
                ", ".join(WEBHOOK_STYLES),
                action.style,
                "use webhook:NAME:slack, :teams or :json.",
            )
    return action


def validate(rule: Rule) -> Rule:
    """The rule with its parameters and scope normalised; BrandpulseError when it is not valid."""
    if not rule.name or not rule.name.strip():
        raise _fail(
            "A rule needs a name", "a name such as 'Negative surge'", "none", "give --name."
        )
    if rule.condition not in CONDITIONS:
        raise _fail(
            f"Unknown condition '{rule.condition}'",
            ", ".join(CONDITIONS),
            rule.condition,
            "choose one of those.",
        )
    cooldown = float(rule.cooldown_hours)
    if not math.isfinite(cooldown) or cooldown < 0:
        raise _fail("Bad cooldown", "hours >= 0", str(rule.cooldown_hours), "give e.g. 24.")
    if rule.condition == "negative_share" and "sentiment" in rule.scope:
        # The share is of the scope's labelled posts: scoped to one sentiment it is 0% or 100%.
        raise _fail(
            "A negative_share rule cannot be scoped by sentiment",
            "a scope without sentiment (the share counts the negative posts among all)",
            f"sentiment={rule.scope['sentiment']}",
            "leave sentiment out of the scope.",
        )
    return Rule(
        name=rule.name.strip(),
        condition=rule.condition,
        params=_check_params(rule.condition, rule.params),
        scope=_check_scope(rule.scope),
        actions=tuple(_check_action(a) for a in rule.actions),
        cooldown_hours=cooldown,
        enabled=bool(rule.enabled),
        rule_id=rule.rule_id,
    )


def parse_action(text: str) -> Action:
    """An action as the CLI writes it: email:ADDRESS, webhook:NAME[:STYLE], file, tag:NAME
    or draft."""
    kind, _, rest = text.partition(":")
    if kind == "webhook":
        if "://" in rest:
            return _check_action(Action("webhook", rest))  # refused without echoing the URL
        name, _, style = rest.partition(":")
        return _check_action(Action("webhook", name or None, style or "json"))
    return _check_action(Action(kind, rest or None))


def _row_to_rule(row: dict[str, Any]) -> Rule:
    return Rule(
        name=row["name"],
        condition=row["condition"],
        params=json.loads(row["params"]),
        scope=json.loads(row["scope"]),
        actions=tuple(Action(**a) for a in json.loads(row["actions"])),
        cooldown_hours=row["cooldown_hours"],
        enabled=row["enabled"],
        rule_id=row["rule_id"],
    )


def _values(rule: Rule) -> list[Any]:
    return [
        rule.condition,
        json.dumps(rule.params),
        json.dumps(rule.scope),
        json.dumps([a.as_json() for a in rule.actions]),
        rule.cooldown_hours,
        rule.enabled,
    ]


def add_rule(con: duckdb.DuckDBPyConnection, rule: Rule) -> Rule:
    """Store a new rule (checked); its name must be new."""
    rule = validate(rule)
    if scalar(con, sql.RULE_EXISTS, [rule.name]):
        raise _fail(
            f"A rule named '{rule.name}' exists",
            "a new name",
            rule.name,
            "pick another name, or delete the old rule first.",
        )
    [row] = records(con, sql.INSERT_RULE, [rule.name, *_values(rule)])
    return _row_to_rule(row)


def update_rule(con: duckdb.DuckDBPyConnection, rule: Rule) -> Rule:
    """Replace the stored rule of the same name (checked)."""
    rule = validate(rule)
    get_rule(con, rule.name)
    con.execute(sql.UPDATE_RULE, [*_values(rule), rule.name])
    return get_rule(con, rule.name)


def get_rule(con: duckdb.DuckDBPyConnection, name: str) -> Rule:
    found = records(con, sql.RULE_BY_NAME, [name])
    if not found:
        known = ", ".join(r.name for r in list_rules(con)) or "no rules yet"
        raise _fail(f"No rule named '{name}'", known, name, "see `brandpulse rules list`.")
    return _row_to_rule(found[0])


def rule_by_id(con: duckdb.DuckDBPyConnection, rule_id: int) -> Rule:
    return _row_to_rule(records(con, sql.RULE_BY_ID, [rule_id])[0])


def list_rules(con: duckdb.DuckDBPyConnection, *, enabled_only: bool = False) -> list[Rule]:
    return [
        _row_to_rule(r) for r in records(con, sql.ENABLED_RULES if enabled_only else sql.LIST_RULES)
    ]


def since_run(con: duckdb.DuckDBPyConnection, rule: Rule) -> int:
    """The newest ingest run when the rule was added: keywords only reads later posts."""
    return int(scalar(con, "SELECT since_run FROM rules WHERE rule_id = ?", [rule.rule_id]) or 0)


def set_enabled(con: duckdb.DuckDBPyConnection, name: str, enabled: bool) -> Rule:
    get_rule(con, name)
    con.execute(sql.SET_ENABLED, [enabled, name]).fetchall()
    return get_rule(con, name)


def delete_rule(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Delete the rule with its firings and their deliveries."""
    rule = get_rule(con, name)
    with transaction(con):
        for statement in (sql.DELETE_DELIVERIES, sql.DELETE_FIRINGS, sql.DELETE_RULE):
            con.execute(statement, [rule.rule_id])


# --- TOML ------------------------------------------------------------------------------------
def rules_from_toml(text: str) -> list[Rule]:
    """Rules from ``[[rule]]`` tables (name, condition, params, scope, actions, cooldown_hours,
    enabled), each checked."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _fail(
            "The rules file is not valid TOML",
            "[[rule]] tables",
            str(error),
            "fix the line it names.",
        ) from None
    if set(data) - {"rule"} or not isinstance(data.get("rule", []), list):
        raise _fail(
            "The rules file has other tables than [[rule]]",
            "[[rule]] tables only",
            ", ".join(sorted(set(data) - {"rule"})) or "rule is not a list of tables",
            "name each table [[rule]].",
        )
    try:
        return [_rule_from_entry(entry) for entry in data.get("rule", [])]
    except (TypeError, ValueError, AttributeError) as error:
        # A value of the wrong type (a list for a name, a string for a table ...).
        raise _fail(
            "A rule in the file has a value of the wrong type",
            "name and condition as text, params and scope as tables, actions as a list of "
            "tables, cooldown_hours a number, enabled true or false",
            str(error).splitlines()[0][:120],
            "correct the rule's values.",
        ) from None


def _rule_from_entry(entry: dict[str, Any]) -> Rule:
    """One ``[[rule]]`` table as a checked rule; wrong types raise TypeError."""
    if not isinstance(entry, dict):
        raise TypeError(f"a rule is {type(entry).__name__}, not a table")
    for key, kind in _ENTRY_TYPES.items():
        if key in entry and not isinstance(entry[key], kind):
            raise TypeError(f"{key} is {type(entry[key]).__name__}")
    for table in ("params", "scope"):
        for key, value in entry.get(table, {}).items():
            if isinstance(value, dict):
                raise TypeError(f"{table}.{key} is a table")
    unknown = set(entry) - set(_ENTRY_TYPES)
    if unknown:
        raise _fail(
            "Unknown keys in a rule",
            "name, condition, params, scope, actions, cooldown_hours, enabled",
            ", ".join(sorted(unknown)),
            "remove them.",
        )
    actions = tuple(
        _check_action(Action(a.get("kind", ""), a.get("target"), a.get("style", "json")))
        for a in entry.get("actions", [])
    )
    return validate(
        Rule(
            name=entry.get("name", ""),
            condition=entry.get("condition", ""),
            params=entry.get("params", {}),
            scope=entry.get("scope", {}),
            actions=actions,
            cooldown_hours=float(entry.get("cooldown_hours", 24.0)),
            enabled=entry.get("enabled", True),
        )
    )


# The type each key of a [[rule]] table must have (``enabled = "false"`` is not false).
_ENTRY_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "condition": str,
    "params": dict,
    "scope": dict,
    "actions": list,
    "cooldown_hours": (int, float),
    "enabled": bool,
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    # A JSON string is a TOML basic string, except that JSON escapes characters beyond the
    # BMP as surrogate pairs, which TOML refuses: keep them as they are.
    return json.dumps(str(value), ensure_ascii=False)


def _toml_table(name: str, values: dict[str, Any]) -> str:
    items = ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in values.items())
    return f"{name} = {{ {items} }}" if items else f"{name} = {{}}"


def rules_to_toml(rules: list[Rule]) -> str:
    """The rules as ``[[rule]]`` tables that :func:`rules_from_toml` reads back."""
    blocks = []
    for rule in rules:
        lines = [
            "[[rule]]",
            f"name = {_toml_value(rule.name)}",
            f"condition = {_toml_value(rule.condition)}",
            f"cooldown_hours = {_toml_value(float(rule.cooldown_hours))}",
            f"enabled = {_toml_value(rule.enabled)}",
            _toml_table("params", rule.params),
            _toml_table("scope", rule.scope),
        ]
        actions = [
            "{ "
            + ", ".join(f"{k} = {_toml_value(v)}" for k, v in a.as_json().items() if v is not None)
            + " }"
            for a in rule.actions
        ]
        lines.append("actions = [" + ", ".join(actions) + "]")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""
