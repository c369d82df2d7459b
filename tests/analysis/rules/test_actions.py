"""The tag and draft actions and the campaign_negative condition on the sample data: the
lid-leak week's negative Tidewell posts get the tag (once), the post browser filters by it,
deleting a post deletes its tag; a draft waits on the Suggestions page; the Holiday Gift
Guide's running uplift fires during the campaign, never before it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from analysis.campaigns.results import campaign_result
from analysis.filters import Filters
from analysis.insight.facets import facet_values
from analysis.insight.posts import find_posts
from analysis.rules.conditions import evaluate
from analysis.rules.engine import check_rules
from analysis.rules.model import Action, Delivery, Rule
from analysis.rules.store import add_rule, parse_action
from analysis.suggestions.grounding import _NUMBER, _parse, allowed_numbers
from analysis.suggestions.review import list_suggestions
from loaders import demo_data as sample
from loaders import store
from loaders.campaigns import import_campaigns
from loaders.errors import BrandpulseError
from loaders.store.deletion import Selection, delete_documents
from tests.conftest import SAMPLE, rows

TAG = "lid-leak-week"
# Tidewell's weekly negative share passes 60% only in the lid-leak week 2025-W41.
SURGE = Rule(
    "Negative surge",
    "negative_share",
    {"above": 0.6, "min_posts": 50, "window": "week"},
    {"brand": "Tidewell"},
)
NOW = datetime(2025, 10, 9, 23, tzinfo=UTC)
# The W41 negative Tidewell posts up to NOW, as the post browser counts them.
W41_NEGATIVE = """
SELECT doc_id FROM doc_facts
WHERE brand = 'Tidewell' AND label = 'negative' AND day BETWEEN '2025-10-06' AND '2025-10-12'
  AND created_at <= ?
"""


def never(firing, action, settings) -> Delivery:
    raise AssertionError(f"{action.kind} is not a channel: it must not reach deliver()")


def add(settings, rule: Rule) -> Rule:
    with store.session(settings=settings) as con:
        return add_rule(con, rule)


def test_tag_marks_the_lid_leak_weeks_negative_posts_once(sample_settings):
    add(sample_settings, replace(SURGE, actions=(Action("tag", TAG),)))
    [firing] = check_rules(sample_settings, now=NOW, deliver=never).fired
    assert firing.window == "2025-W41"
    expected = {r[0] for r in rows(sample_settings.db, W41_NEGATIVE, [NOW])}
    tagged = rows(sample_settings.db, "SELECT doc_id, tag, firing_id FROM doc_tags")
    assert len(expected) == firing.figures["negative"] > 50
    assert {d for d, _, _ in tagged} == expected and len(tagged) == len(expected)
    assert {(t, f) for _, t, f in tagged} == {(TAG, firing.firing_id)}
    [(ok, detail, due)] = rows(
        sample_settings.db, "SELECT ok, detail, next_attempt_at FROM rule_deliveries"
    )
    assert (ok, detail, due) == (True, f"tagged {len(expected)} posts '{TAG}'", None)
    with store.session(settings=sample_settings) as con:
        found = find_posts(con, Filters(tag=TAG), limit=1000)
        assert {p["doc_id"] for p in found} == expected
        assert all(p["tags"] == [TAG] for p in found)
        assert find_posts(con, Filters(tag="no-such-tag")) == []
        assert dict(facet_values(con)["tag"]) == {TAG: len(expected)}
        untagged = find_posts(con, Filters(brand="Tidewell", sentiment="positive"), limit=5)
        assert untagged and all(p["tags"] == [] for p in untagged)
    # Checking again (later that week, the share still high) neither fires nor tags twice.
    again = check_rules(sample_settings, now=datetime(2025, 10, 12, 23, tzinfo=UTC), deliver=never)
    assert again.fired == [] and again.skipped_already_fired == 1
    assert rows(sample_settings.db, "SELECT count(*) FROM doc_tags") == [(len(expected),)]


def test_deleting_a_tagged_post_deletes_its_tag(sample_settings):
    add(sample_settings, replace(SURGE, actions=(Action("tag", TAG),)))
    check_rules(sample_settings, now=NOW, deliver=never)
    [(doomed,), (kept,)] = rows(
        sample_settings.db, "SELECT doc_id FROM doc_tags ORDER BY doc_id LIMIT 2"
    )
    before = rows(sample_settings.db, "SELECT count(*) FROM doc_tags")[0][0]
    with store.session(settings=sample_settings) as con:
        delete_documents(con, Selection(ids=(doomed,)), dry_run=False)
        assert doomed not in {p["doc_id"] for p in find_posts(con, Filters(tag=TAG), limit=1000)}
    left = {r[0] for r in rows(sample_settings.db, "SELECT doc_id FROM doc_tags")}
    assert doomed not in left and kept in left and len(left) == before - 1


def test_tag_and_draft_actions_parse_and_a_tag_needs_a_name():
    assert parse_action("tag:lid-leak-week") == Action("tag", "lid-leak-week")
    assert parse_action("draft") == Action("draft")
    for bad in ("tag", "tag:", "tag:two words", "tag:" + "x" * 61):
        with pytest.raises(BrandpulseError, match="tag"):
            parse_action(bad)


def test_draft_waits_for_review_on_the_suggestions_page(sample_settings):
    add(sample_settings, replace(SURGE, actions=(Action("draft"),)))
    [firing] = check_rules(sample_settings, now=NOW, deliver=never).fired
    with store.session(settings=sample_settings) as con:
        # As the Suggestions page lists them: the week's suggestions, and those to review.
        week = list_suggestions(con, start=date(2025, 10, 6), end=date(2025, 10, 12))
        waiting = list_suggestions(con, status="draft")
    assert [s.id for s in week] == [s.id for s in waiting] and len(waiting) == 1
    [draft] = waiting
    assert draft.status == "draft" and draft.card_kind == "rule" and draft.brand == "Tidewell"
    assert (draft.period_start, draft.period_end) == (date(2025, 10, 6), date(2025, 10, 12))
    assert draft.card_title == firing.why and draft.options["drafted_by_rule"] == SURGE.name
    assert "Tidewell between 6 and 12 October 2025" in draft.text and draft.problems == []
    allowed = allowed_numbers(draft.facts)
    numbers = [_parse(m.group()) for m in _NUMBER.finditer(draft.text)]
    assert numbers and all(round(abs(n), 2) in allowed for n in numbers)
    [(ok, detail)] = rows(sample_settings.db, "SELECT ok, detail FROM rule_deliveries")
    assert (ok, detail) == (True, f"draft #{draft.id} waiting for review")
    assert json.loads(json.dumps(draft.facts))["window"] == "2025-W41"


@pytest.fixture
def with_campaigns(sample_settings):
    import_campaigns(SAMPLE / sample.CAMPAIGNS_FILE, settings=sample_settings)
    return sample_settings


GIFTS = Rule("Gift guide backfire", "campaign_negative", {"campaign": "Holiday Gift Guide"})


def test_campaign_negative_fires_during_the_holiday_gift_guide_not_before(with_campaigns):
    add(with_campaigns, replace(GIFTS, actions=(Action("tag", "gift-guide"),)))
    before_start = datetime(2025, 11, 23, 23, tzinfo=UTC)  # it starts on 2025-11-24
    assert check_rules(with_campaigns, now=before_start, deliver=never).fired == []
    [firing] = check_rules(
        with_campaigns, now=datetime(2025, 12, 10, 23, tzinfo=UTC), deliver=never
    ).fired
    assert firing.window == "campaign:Holiday Gift Guide:2025-12-10"
    assert firing.why.startswith("Holiday Gift Guide's net sentiment uplift turned negative: -")
    figures = firing.figures
    assert figures["uplift"] < 0 and figures["net_during"] < figures["net_before"]
    assert f"{figures['documents']} posts so far" in firing.why
    during = rows(
        with_campaigns.db,
        "SELECT count(*) FROM doc_facts WHERE brand = 'Tidewell' "
        "AND day BETWEEN '2025-11-24' AND '2025-12-10' AND created_at <= ?",
        [datetime(2025, 12, 10, 23, tzinfo=UTC)],
    )
    assert figures["documents"] == during[0][0]
    assert rows(with_campaigns.db, "SELECT count(*) FROM doc_tags") == during
    assert "brand=Tidewell" in firing.link and "from=2025-11-24" in firing.link


def test_campaign_negative_at_the_end_is_the_campaigns_uplift(with_campaigns):
    rule = add(with_campaigns, GIFTS)
    last_moment = datetime(2025, 12, 14, 23, 59, 59, 999999, tzinfo=UTC)
    with store.session(settings=with_campaigns) as con:
        [candidate] = evaluate(con, rule, with_campaigns, last_moment)
        uplift = campaign_result(con, "Holiday Gift Guide").uplift[0]
        assert candidate.firing.figures["uplift"] == pytest.approx(uplift, abs=1e-4)
        # Thresholds: a stricter 'below' than the uplift, or too few posts, do not fire.
        strict = replace(rule, params={**rule.params, "below": uplift - 0.01})
        assert evaluate(con, strict, with_campaigns, last_moment) == []
        few = replace(rule, params={**rule.params, "min_posts": 10**6})
        assert evaluate(con, few, with_campaigns, last_moment) == []
        after = datetime(2025, 12, 15, 12, tzinfo=UTC)
        assert evaluate(con, rule, with_campaigns, after) == []  # over: not running any more


def test_campaign_negative_names_a_missing_campaign(sample_settings):
    rule = add(sample_settings, Rule("x", "campaign_negative", {"campaign": "Nope"}))
    result = check_rules(sample_settings, now=NOW, deliver=never)
    assert result.fired == [] and "No campaign named 'Nope'" in result.problems[0]
    assert rule.params == {"campaign": "Nope"}


def test_a_keywords_drafts_names_the_day_not_the_run():
    from analysis.rules.drafts import draft_card, period
    from analysis.rules.model import Firing
    from analysis.suggestions.grounding import fallback_copy

    firing = Firing(
        "Crisis words", "runs-through:12", NOW, "3 new posts", {"posts": 3, "through_run": 12}, 3
    )
    card = draft_card(firing, "Tidewell")
    assert card.facts["window"] == "2025-10-09" and period(firing) == (NOW.date(), NOW.date())
    text = fallback_copy(card.kind, card.facts, "social_post")
    assert "wrote to Tidewell on 9 October 2025: thank you" in text and "runs-through" not in text
    week = Firing("Negative surge", "2025-W41", NOW, "why", {"window": "2025-W41"}, 30)
    # A customer reads the post: days in words, never an ISO week number.
    week_text = fallback_copy("rule", draft_card(week, "Tidewell").facts, "social_post")
    assert "wrote to Tidewell between 6 and 12 October 2025: thank you" in week_text
    assert "W41" not in week_text


def test_reply_action_puts_the_matched_posts_on_the_replies_queue(sample_settings):
    from analysis.suggestions.reply_queue import queue_posts

    assert parse_action("reply") == Action("reply")
    rule = add(sample_settings, replace(SURGE, actions=(Action("reply"),)))
    [firing] = check_rules(sample_settings, now=NOW, deliver=never).fired
    expected = {r[0] for r in rows(sample_settings.db, W41_NEGATIVE, [NOW])}
    queued = rows(sample_settings.db, "SELECT doc_id, added_by FROM reply_queue")
    assert {d for d, _ in queued} == expected and len(queued) == firing.figures["negative"]
    assert {a for _, a in queued} == {f"rule:{rule.rule_id}"}
    [(ok, detail)] = rows(sample_settings.db, "SELECT ok, detail FROM rule_deliveries")
    assert (ok, detail) == (True, f"{len(expected)} posts queued for replies")
    # The week's queue lists them first, marked as queued by the rule.
    with store.session(settings=sample_settings) as con:
        week = queue_posts(con, Filters(start=date(2025, 10, 6), end=date(2025, 10, 12)), 5000)
    first = week[: len(expected)]
    assert {p.doc_id for p in first} == expected
    assert {p.queued_by for p in first} == {f"rule:{rule.rule_id}"}
