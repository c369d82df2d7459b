"""What the Rules page lists: each rule with its last firing and how its delivery went, and
the firing log with the reason, the posts counted and the link to them."""

from __future__ import annotations

import json
from typing import Any

import duckdb

from analysis.rules.model import Rule
from analysis.rules.sql import FIRINGS, LAST_FIRINGS
from analysis.rules.store import list_rules
from loaders.store import records


def delivery_status(row: dict[str, Any]) -> str:
    """How a firing's deliveries went, in words: "2 sent", "1 sent, 1 failed: HTTP 500"."""
    parts = []
    if row["delivered"]:
        parts.append(f"{row['delivered']} sent")
    if row["waiting"]:
        parts.append(f"{row['waiting']} to retry")
    if row["failed"]:
        parts.append(f"{row['failed']} failed")
    text = ", ".join(parts) or "no actions"
    return f"{text}: {row['errors']}" if row["errors"] else text


def describe(rule: Rule) -> str:
    """The rule in one line: condition, parameters and scope."""
    params = ", ".join(f"{k} {json.dumps(v)}" for k, v in rule.params.items())
    scope = ", ".join(f"{k}={v}" for k, v in rule.scope.items()) or "all posts"
    return f"{rule.condition} ({params}) on {scope}"


def rules_overview(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every rule with its last firing and how that firing's delivery went."""
    last = {r["rule_id"]: r for r in records(con, LAST_FIRINGS)}
    out = []
    for rule in list_rules(con):
        fired = last.get(rule.rule_id)
        out.append(
            {
                "name": rule.name,
                "enabled": rule.enabled,
                "rule": describe(rule),
                "actions": ", ".join(
                    a.kind + (f" {a.target}" if a.target else "") for a in rule.actions
                )
                or "none",
                "cooldown hours": rule.cooldown_hours,
                "firings": fired["firings"] if fired else 0,
                "last fired": fired["fired_at"] if fired else None,
                "last window": fired["window"] if fired else None,
                "delivery": delivery_status(fired) if fired else "",
            }
        )
    return out


def firing_log(con: duckdb.DuckDBPyConnection, limit: int = 200) -> list[dict[str, Any]]:
    """The newest firings: rule, window, why, posts counted, delivery status, link to the posts."""
    return [
        {
            "fired at": r["fired_at"],
            "rule": r["rule"],
            "window": r["window"],
            "why": r["why"],
            "posts": r["documents"],
            "delivery": delivery_status(r),
            "link": r["link"],
        }
        for r in records(con, FIRINGS, [limit])
    ]
