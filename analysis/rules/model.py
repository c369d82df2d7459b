"""What a rule is, what a firing carries, and what a delivery returns: the contract between
the rule engine (:mod:`analysis.rules.engine`) and the channels that deliver a firing
(:mod:`analysis.rules.delivery`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The conditions a rule can test (parameters in brackets, all optional unless noted):
#   negative_share    negative share of the scope above ``above`` (0..1, required) with at least
#                     ``min_posts`` posts (default 20) in the last ``window`` ("day" or "week")
#   volume_spike      the scope's weekly volume up more than ``times`` (default 2.0) against its
#                     trailing weeks (the spike test of analysis.topics.spikes)
#   emerging_topic    a topic emerging within the scope (the emerging-topic test)
#   keywords          any new post in the scope containing one of ``words`` (required, a list)
#   rating_below      average rating of the scope below ``below`` (required) in the last ``window``
#   campaign_negative a running campaign's uplift (brand net sentiment during minus before) below
#                     ``below`` (default 0.0) with at least ``min_posts`` posts (default 20)
#                     during so far (``campaign`` required); once per campaign and day
CONDITIONS = (
    "negative_share",
    "volume_spike",
    "emerging_topic",
    "keywords",
    "rating_below",
    "campaign_negative",
)
# What a firing can do. email: ``target`` is the recipient address; webhook: ``target`` names
# a webhook of the setting ``webhooks`` (the URL itself is a secret, never in the database)
# and ``style`` is json, slack or teams; file: writes JSON and Markdown to the outbox folder;
# tag: ``target`` is a tag put on the posts the condition matched (in the firing's own
# transaction, filterable in the post browser); draft: a suggestion left for review on the
# Suggestions page (template copy, never published); reply: the matched posts join the
# replies queue (the Replies page drafts answers; never published).
ACTIONS = ("email", "webhook", "file", "tag", "draft", "reply")
# What the engine uses for a parameter a rule leaves out: the one place the conditions, the
# backtest and the Rules page's form (editing a saved rule) read them from.
DEFAULTS: dict[str, dict[str, Any]] = {
    "negative_share": {"min_posts": 20, "window": "week"},
    "volume_spike": {"times": 2.0, "z": 3.0, "baseline_weeks": 4},
    "emerging_topic": {"min_documents": 10, "min_growth": 2.0, "alpha": 0.01},
    "keywords": {},
    "rating_below": {"min_posts": 10, "window": "week"},
    "campaign_negative": {"below": 0.0, "min_posts": 20},
}
WEBHOOK_STYLES = ("json", "slack", "teams")
# Scope keys: the dashboard's filters (analysis.filters.Filters fields without dates).
SCOPE_KEYS = (
    "brand",
    "kind",
    "source",
    "channel",
    "product",
    "campaign",
    "language",
    "sentiment",
    "topic",
    "theme",
)


@dataclass(frozen=True)
class Action:
    kind: str  # one of ACTIONS
    target: str | None = None  # email address, the name of a webhook in settings, or a tag
    style: str = "json"  # webhook body: json, slack or teams

    def as_json(self) -> dict[str, Any]:
        """How the action is stored (a webhook by name only)."""
        return {"kind": self.kind, "target": self.target, "style": self.style}


@dataclass(frozen=True)
class Rule:
    name: str  # unique; what the marketer calls it
    condition: str  # one of CONDITIONS
    params: dict[str, Any] = field(default_factory=dict)
    scope: dict[str, Any] = field(default_factory=dict)  # SCOPE_KEYS -> value
    actions: tuple[Action, ...] = ()
    cooldown_hours: float = 24.0  # no second firing within this unless the figure worsens
    enabled: bool = True
    rule_id: int | None = None  # set once stored

    def param(self, key: str) -> Any:
        """The parameter's value, or the engine's default when the rule leaves it out."""
        return self.params.get(key, DEFAULTS.get(self.condition, {}).get(key))


@dataclass(frozen=True)
class Post:
    """One of the posts that tell why a rule fired, as plain text."""

    doc_id: str
    text: str
    label: str | None
    url: str | None
    created_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        """The post as stored with its firing and sent in JSON bodies."""
        return {
            "doc_id": self.doc_id,
            "text": self.text,
            "label": self.label,
            "url": self.url,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Post:
        created = data.get("created_at")
        return cls(
            data["doc_id"],
            data["text"],
            data.get("label"),
            data.get("url"),
            datetime.fromisoformat(created) if created else None,
        )


@dataclass(frozen=True)
class Firing:
    """A rule that fired, with everything a message needs."""

    rule: str
    window: str  # what it fired for, e.g. "2025-W41", "2025-10-09" or "post:<doc id>"
    fired_at: datetime
    why: str  # one plain sentence built from the figures
    figures: dict[str, Any]  # the numbers behind ``why`` (JSON-serialisable)
    documents: int  # posts in the scope that matched
    posts: tuple[Post, ...] = ()  # at most three, most telling first
    link: str = ""  # the dashboard with the rule's filters in the URL
    firing_id: int | None = None


@dataclass(frozen=True)
class Delivery:
    """What one action did with one firing; channels never raise, they return this."""

    action: Action
    ok: bool
    detail: str = ""  # where it went (file path, "HTTP 200", recipient) or the error, no secrets
