"""Campaign attribution rules and campaign results (uplift, share of voice, own posts)."""

from __future__ import annotations

import csv

import pytest

from analysis.campaigns.results import (
    Sentiment,
    campaign_posts,
    campaign_result,
    compare_campaigns,
    net_difference,
)
from loaders import demo_data as sample
from loaders import store
from loaders.campaigns import import_campaigns
from loaders.errors import BrandpulseError
from loaders.ingest.files import ingest_file
from tests.conftest import (
    SAMPLE,
    insert_documents,
    insert_labels,
    rows,
    score_with_ground_truth,
)

CAMPAIGNS = (
    "name,brand,start,end,channels,hashtags,utm_campaign,keywords,budget\n"
    "Spring Sale,Tidewell,2025-03-01,2025-03-14,instagram,#SpringSale,spring_sale,spring deal,1000\n"
    "Glow,Glacio,2025-03-01,2025-03-31,twitter,#Glow,,glow up,\n"
)


def test_attribution_rules(settings, tmp_path):
    with store.session(settings=settings) as con:
        insert_documents(
            con,
            [
                ("tag", "social", "x", "Tidewell", "2025-03-02 10:00+00", "Love the #springsale!"),
                (
                    "late-tag",
                    "social",
                    "x",
                    "Tidewell",
                    "2025-05-01 10:00+00",
                    "#SpringSale was meh",
                ),
                (
                    "utm",
                    "social",
                    "x",
                    "Tidewell",
                    "2025-03-03 10:00+00",
                    "see https://t.example/s?utm_source=ig&utm_campaign=spring_sale&x=1",
                ),
                (
                    "word",
                    "review",
                    "y",
                    "Tidewell",
                    "2025-03-04 10:00+00",
                    "Got a Spring Deal today",
                ),
                (
                    "word-late",
                    "review",
                    "y",
                    "Tidewell",
                    "2025-04-04 10:00+00",
                    "spring deal again",
                ),
                ("word-rival", "review", "y", "Glacio", "2025-03-04 10:00+00", "their spring deal"),
                ("both", "social", "x", "Glacio", "2025-03-05 10:00+00", "#glow and #SpringSale"),
                (
                    "none",
                    "social",
                    "x",
                    "Tidewell",
                    "2025-03-05 10:00+00",
                    "springsale without tag",
                ),
                ("prefix", "social", "x", "Tidewell", "2025-03-05 10:00+00", "#SpringSales2 no"),
            ],
        )
    path = tmp_path / "campaigns.csv"
    path.write_text(CAMPAIGNS, encoding="utf-8")
    import_campaigns(path, settings=settings)
    found = rows(settings.db, "SELECT campaign, doc_id, rule FROM campaign_documents ORDER BY ALL")
    assert found == [
        ("Glow", "both", "hashtag"),
        ("Spring Sale", "both", "hashtag"),
        ("Spring Sale", "late-tag", "hashtag"),
        ("Spring Sale", "tag", "hashtag"),
        ("Spring Sale", "utm", "utm"),
        ("Spring Sale", "word", "keyword"),
    ]
    with store.session(settings=settings) as con:  # a new document is attributed on write
        insert_documents(
            con, [("new", "social", "x", "Glacio", "2025-03-20 10:00+00", "time to glow up")]
        )
    assert rows(
        settings.db, "SELECT campaign, rule FROM campaign_documents WHERE doc_id = 'new'"
    ) == [("Glow", "keyword")]


def test_net_difference_interval():
    before = Sentiment(documents=400, labeled=400, positive=200, negative=100)  # net 0.25
    during = Sentiment(documents=400, labeled=400, positive=260, negative=60)  # net 0.5
    change, low, high = net_difference(during, before)
    assert change == pytest.approx(0.25)
    # var(before) = 0.75 - 0.0625, var(during) = 0.8 - 0.25: se = sqrt((0.6875 + 0.55) / 400)
    assert high - change == pytest.approx(1.959964 * ((0.6875 + 0.55) / 400) ** 0.5, rel=1e-5)
    assert low > 0
    assert net_difference(during, Sentiment()) is None


@pytest.fixture(scope="module")
def sample_with_truth(tmp_path_factory):
    from loaders.config import Settings

    folder = tmp_path_factory.mktemp("campaigns-sample")
    settings = Settings(db=folder / "sample.duckdb", model_dir=folder / "models")
    for name in sample.DOCUMENT_FILES:
        ingest_file(SAMPLE / name, settings=settings)
    import_campaigns(SAMPLE / sample.CAMPAIGNS_FILE, settings=settings)
    score_with_ground_truth(settings)
    return settings


def test_attribution_finds_the_planted_campaign_posts(sample_with_truth):
    with (SAMPLE / sample.TRUTH_FILE).open(encoding="utf-8") as handle:
        theme = {row["doc_id"]: row["theme"] for row in csv.DictReader(handle)}
    attributed = rows(
        sample_with_truth.db,
        "SELECT c.campaign, d.external_id FROM campaign_documents c JOIN documents d USING (doc_id)",
    )
    for campaign, planted in (
        ("Refill Rewards", "refill_rewards"),
        ("Grind Never Stops", "grind_backlash"),
    ):
        found = {doc for name, doc in attributed if name == campaign}
        truth = {doc for doc, t in theme.items() if t == planted}
        assert len(found & truth) / len(found) >= 0.9  # precision
        assert len(found & truth) / len(truth) >= 0.9  # recall


def test_uplift_recovers_the_planted_campaign_effects(sample_with_truth):
    with store.session(settings=sample_with_truth, read_only=True) as con:
        results = {r.name: r for r in compare_campaigns(con)}
        worst = campaign_posts(con, "Grind Never Stops", positive=False, limit=3)
    refill, grind = results["Refill Rewards"], results["Grind Never Stops"]
    gift = results["Holiday Gift Guide"]
    # #RefillRewards lifts Tidewell's sentiment; #GrindNeverStops backfires: raw, and beyond
    # the market (against Glacio and Pinecup on the same days).
    assert refill.raw_verdict == "lifted" and 0.05 < refill.uplift[0] < 0.5
    assert grind.raw_verdict == "backfired" and -0.6 < grind.uplift[0] < -0.1
    assert refill.verdict == "lifted" and 0.05 < refill.effect[0] < 0.5
    assert grind.verdict == "backfired" and -0.6 < grind.effect[0] < -0.1
    assert refill.impact.control == grind.impact.control == "the other brands (Glacio, Pinecup)"
    # The gift guide's raw fall (its days hold Tidewell's shipping delays) is no clear effect
    # once the brand's day-to-day swings are counted: its interval holds zero.
    assert gift.raw_verdict == "backfired" and gift.uplift[0] < -0.15
    assert gift.verdict == "no clear effect" and gift.effect[1] < 0 < gift.effect[2]
    assert gift.impact.sentence.startswith("No clear effect on net sentiment: ")
    assert refill.campaign_posts.net > 0.8 and grind.campaign_posts.net < -0.8
    # The campaigns drew attention: Tidewell's share of voice rose while they ran.
    for result in (refill, grind):
        voice = result.share_of_voice
        assert voice["during"] > voice["before"]
    assert all(post["label"] == "negative" for post in worst)
    assert all("grind" in post["text"].lower() for post in worst)
    with (
        store.session(settings=sample_with_truth, read_only=True) as con,
        pytest.raises(BrandpulseError, match="No campaign named 'Nope'"),
    ):
        campaign_result(con, "Nope")


def test_insight_cards_for_a_campaign_and_a_competitor_outage(sample_with_truth):
    from datetime import date

    from analysis.insight.cards import insight_cards
    from analysis.periods import Period

    with store.session(settings=sample_with_truth, read_only=True) as con:
        grind = insight_cards(
            con, Period(date(2025, 10, 27), date(2025, 11, 9)), own_brand="Tidewell"
        )
        outage = insight_cards(
            con, Period(date(2025, 11, 10), date(2025, 11, 16)), own_brand="Tidewell"
        )
        expected = campaign_result(con, "Grind Never Stops").effect
    backfire = next(c for c in grind if c.kind == "campaign_backfire")
    assert backfire.facts["campaign"] == "Grind Never Stops"
    assert backfire.facts["uplift"] == round(expected[0], 3) < 0
    assert f"{expected[0]:+.2f} beyond the market" in backfire.title
    assert len(backfire.examples) == 3
    assert all(e["label"] == "negative" for e in backfire.examples)
    assert [c.weight for c in grind] == sorted((c.weight for c in grind), reverse=True)
    # Glacio's outage week is Tidewell's competitor's bad week.
    rival = next(c for c in outage if c.kind == "competitor_bad_week")
    assert rival.facts["brand"] == "Glacio"
    assert rival.facts["share_negative"] > rival.facts["share_negative_before"] + 0.1
    assert all(e["brand"] == "Glacio" and e["label"] == "negative" for e in rival.examples)


def test_the_detail_names_what_overlapped_the_campaign(sample_with_truth):
    from analysis.insight.campaign_events import campaign_in_detail

    with store.session(settings=sample_with_truth, read_only=True) as con:
        gift = campaign_in_detail(con, "Holiday Gift Guide")
    events = gift.impact.events
    # Tidewell's Black Friday shipping delays (W49) fall in its dates, and its two earlier
    # campaigns in its baseline; only Tidewell was hit, so the market did not "fall too".
    assert any(e.startswith("Negative spike in 2025-W49") and "(Tidewell)" in e for e in events)
    assert "Refill Rewards, Grind Never Stops ran in the 56 days compared" in events[0]
    assert not any(e.startswith("The market fell too") for e in events)
    net = gift.impact.net
    assert net.control_change > 0 > net.brand_change
    assert gift.impact.market_note == (
        f"Over the days compared (56 before, 21 during), the brand's net sentiment moved "
        f"{net.brand_change:+.2f}; the other brands (Glacio, Pinecup) moved "
        f"{net.control_change:+.2f}, the other way, so the market explains none of it."
    )


def test_one_brand_is_compared_with_its_untouched_channels_and_no_brand_cannot_tell(settings):
    """With one brand in the data, the control is its channels the campaign did not use; a
    campaign for no brand has nothing that went without it."""
    from datetime import date, timedelta

    rng = __import__("random").Random(4)
    documents, channels, labels = [], {}, {}
    for day in range(120):
        when = date(2025, 6, 1) + timedelta(days=day)
        for n, channel in enumerate(("email", "twitter", "instagram", "reddit") * 3):
            doc = f"d{day}-{n}"
            documents.append((doc, "social", "x", "Solo", f"{when} 10:00+00", f"post {doc}"))
            channels[doc] = channel
            labels[doc] = rng.choice(["positive", "negative", "neutral"])
    campaigns = (
        "name,brand,start,end,channels\n"
        "Inbox Love,Solo,2025-09-01,2025-09-21,email\n"
        "Market Week,,2025-09-01,2025-09-07,\n"
    )
    path = settings.db.parent / "campaigns.csv"
    path.write_text(campaigns, encoding="utf-8")
    with store.session(settings=settings) as con:
        insert_documents(con, documents)
        con.executemany(
            "UPDATE documents SET channel = ? WHERE doc_id = ?",
            [(c, d) for d, c in channels.items()],
        )
        insert_labels(con, labels)
    import_campaigns(path, settings=settings)
    with store.session(settings=settings, read_only=True) as con:
        results = {r.name: r for r in compare_campaigns(con)}
    inbox, market = results["Inbox Love"].impact, results["Market Week"].impact
    assert inbox.control == "Solo's channels without the campaign"
    assert sorted(inbox.units) == ["Solo instagram", "Solo reddit", "Solo twitter"]
    assert inbox.brand_posts == (56 * 3, 21 * 3)  # email only: 3 posts a day
    assert inbox.verdict in ("no clear effect", "lifted", "backfired")  # labels are random
    assert market.verdict == "cannot tell" and "names no brand" in market.reason
