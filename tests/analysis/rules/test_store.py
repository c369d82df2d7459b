"""Rules in the store: every bad input is refused with a fix, and TOML round-trips."""

from __future__ import annotations

import pytest

from analysis.rules.model import Action, Rule
from analysis.rules.store import (
    add_rule,
    delete_rule,
    get_rule,
    list_rules,
    parse_action,
    rules_from_toml,
    rules_to_toml,
    set_enabled,
    update_rule,
    validate,
)
from loaders import store
from loaders.errors import BrandpulseError

RULES = [
    Rule(
        "Negative surge",
        "negative_share",
        {"above": 0.6, "min_posts": 50, "window": "week"},
        {"brand": "Tidewell", "channel": "amazon"},
        (Action("email", "pr@example.com"), Action("webhook", "team", "teams"), Action("file")),
        cooldown_hours=48.0,
    ),
    Rule(
        'Crisis "words"', "keywords", {"words": ["recall", "law suit"]}, {"topic": 3}, enabled=False
    ),
    Rule("Rating drop", "rating_below", {"below": 3.5}, {}, cooldown_hours=0.0),
]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (Rule("a", "sunspots"), "Unknown condition 'sunspots'. Expected negative_share"),
        (Rule("a", "negative_share"), "needs the parameter 'above'"),
        (Rule("a", "negative_share", {"above": 40}), "'above' is a share"),
        (Rule("a", "negative_share", {"above": "lots"}), "must be a number"),
        (Rule("a", "rating_below", {"below": 3, "colour": 1}), "Unknown parameter 'colour'"),
        (Rule("a", "keywords", {"words": " , "}), "needs at least one word"),
        (Rule("a", "volume_spike", scope={"planet": "Mars"}), "Unknown scope key 'planet'"),
        (Rule("a", "volume_spike", scope={"topic": "three"}), "topic number"),
        (Rule("a", "volume_spike", actions=(Action("fax", "1"),)), "Unknown action 'fax'"),
        (Rule("a", "volume_spike", actions=(Action("email", "nobody"),)), "needs an address"),
        (Rule(" ", "volume_spike"), "A rule needs a name"),
    ],
)
def test_bad_rules_are_refused_with_a_fix(settings, rule, message):
    with store.session(settings=settings) as con, pytest.raises(BrandpulseError) as caught:
        add_rule(con, rule)
    assert message in str(caught.value) and "Fix:" in str(caught.value)


def test_store_round_trip_and_management(settings):
    with store.session(settings=settings) as con:
        for rule in RULES:
            add_rule(con, rule)
        with pytest.raises(BrandpulseError, match="A rule named 'Rating drop' exists"):
            add_rule(con, RULES[2])
        stored = list_rules(con)
        assert [r.name for r in stored] == sorted(r.name for r in RULES)
        assert get_rule(con, "Negative surge").actions == RULES[0].actions
        assert get_rule(con, 'Crisis "words"').scope == {"topic": 3}
        assert [r.name for r in list_rules(con, enabled_only=True)] == [
            "Negative surge",
            "Rating drop",
        ]
        set_enabled(con, "Rating drop", False)
        updated = update_rule(con, Rule("Rating drop", "rating_below", {"below": "2.5"}))
        assert updated.params == {"below": 2.5} and updated.enabled
        delete_rule(con, "Rating drop")
        with pytest.raises(BrandpulseError, match="No rule named 'Rating drop'"):
            get_rule(con, "Rating drop")


def test_toml_round_trip():
    text = rules_to_toml(RULES)
    assert rules_from_toml(text) == RULES
    assert rules_to_toml([]) == "" and rules_from_toml("") == []
    with pytest.raises(BrandpulseError, match="not valid TOML"):
        rules_from_toml("[[rule]\nname =")
    with pytest.raises(BrandpulseError, match="Unknown keys in a rule"):
        rules_from_toml('[[rule]]\nname = "x"\ncondition = "volume_spike"\nsecret = "y"\n')


def test_parse_action():
    assert parse_action("webhook:team:slack") == Action("webhook", "team", "slack")
    assert parse_action("webhook:team") == Action("webhook", "team", "json")
    assert parse_action("email:a@b.example") == Action("email", "a@b.example")
    assert parse_action("file") == Action("file")
    with pytest.raises(BrandpulseError) as caught:
        parse_action("webhook:https://hooks.slack.com/services/T0/B0/XXXX")
    assert "hooks.slack.com" not in str(caught.value)


def test_hostile_rule_files_are_refused_with_a_fix():
    from analysis.rules.store import rules_from_toml
    from loaders.errors import BrandpulseError

    base = '[[rule]]\nname = "R"\ncondition = "keywords"\nparams = { words = ["recall"] }\n'
    for bad in (
        base + 'enabled = "false"\n',  # a string is not false: it would switch the rule on
        "rule = [1]\n",
        '[[rule]]\nname = 5\ncondition = "keywords"\n',
        base.replace('params = { words = ["recall"] }', 'params = "x"'),
        base + 'actions = ["file"]\n',
        base + 'cooldown_hours = "x"\n',
        base.replace('["recall"]', "5"),
        base + "scope = { brand = { x = 1 } }\n",
        '[[rules]]\nname = "typo"\n',
    ):
        with pytest.raises(BrandpulseError) as caught:
            rules_from_toml(bad)
        assert "Fix:" in str(caught.value), bad


def test_export_of_any_name_reads_back():
    from analysis.rules.store import rules_from_toml, rules_to_toml

    rule = Rule('🔥 crisis "now"\\', "keywords", {"words": ["recall", "#rappel", "ärger"]})
    [back] = rules_from_toml(rules_to_toml([rule]))
    assert back.name == rule.name and back.params["words"] == ["recall", "#rappel", "ärger"]


def test_counts_of_posts_must_be_at_least_one():
    from loaders.errors import BrandpulseError

    with pytest.raises(BrandpulseError, match="1 or more"):
        validate(Rule("R", "negative_share", {"above": 0.5, "min_posts": 0}))


def test_a_share_of_negative_posts_cannot_be_scoped_by_sentiment():
    # Scoped to the negative posts, the negative share is 100% in every window.
    with pytest.raises(BrandpulseError) as caught:
        validate(Rule("R", "negative_share", {"above": 0.5}, {"sentiment": "negative"}))
    assert str(caught.value) == (
        "A negative_share rule cannot be scoped by sentiment. Expected a scope without "
        "sentiment (the share counts the negative posts among all). Found sentiment=negative. "
        "Fix: leave sentiment out of the scope."
    )
    # The average rating of the negative posts is a figure of its own: allowed.
    rating = validate(Rule("R", "rating_below", {"below": 2.0}, {"sentiment": "negative"}))
    assert rating.scope == {"sentiment": "negative"}
