"""The report's plain-words summary and its cards, written from figures alone."""

from __future__ import annotations

from analysis.insight.cards import Card
from analysis.report.sections import card_sentence
from analysis.report.summary import count_move, share_move, summary_sentences


def row(brand: str, negative, before, posts: int = 100, previous: int = 100) -> dict:
    return {
        "brand": brand,
        "posts": posts,
        "previous_posts": previous,
        "share_negative": negative,
        "previous_share_negative": before,
    }


def test_my_brand_doubled_and_competitors_flat():
    rows = [row("Tidewell", 0.56, 0.28), row("Glacio", 0.12, 0.11), row("Pinecup", 0.09, 0.09)]
    assert summary_sentences("Tidewell", rows, "lid leaks on the Trail Bottle") == [
        "Negative posts about Tidewell doubled to 56%, driven by lid leaks on the Trail Bottle.",
        "Glacio and Pinecup were flat.",
    ]


def test_my_brand_flat_while_a_competitor_worsens():
    rows = [
        row("Tidewell", 0.12, 0.125, 400, 390),
        row("Glacio", 0.16, 0.10),
        row("Pinecup", 0.1, 0.1),
    ]
    assert summary_sentences("Tidewell", rows, "lid leaks") == [
        "Tidewell held steady at 400 posts and 12% negative.",
        "Negative posts about Glacio rose from 10% to 16%; Pinecup was flat.",
    ]


def test_improvements_name_no_driver_and_fall():
    rows = [row("Tidewell", 0.10, 0.20), row("Glacio", 0.30, 0.50)]
    assert summary_sentences("Tidewell", rows, "lid leaks") == [
        "Negative posts about Tidewell halved to 10%.",
        "Negative posts about Glacio fell from 50% to 30%.",
    ]


def test_no_competitors_and_a_volume_change():
    rows = [row("Tidewell", 0.10, 0.105, posts=602, previous=400)]
    assert summary_sentences("Tidewell", rows, "lid leaks") == [
        "Posts about Tidewell rose 50% to 602, 10% of them negative, driven by lid leaks.",
        "There are no competitors in the data to compare with.",
    ]
    # A competitor with no posts in either week is not a competitor of this report.
    silent = row("Glacio", None, None, posts=0, previous=0)
    assert summary_sentences("Tidewell", [*rows, silent])[1] == (
        "There are no competitors in the data to compare with."
    )


def test_unlabeled_brands_and_no_brand():
    rows = [row("Tidewell", None, None, 50, 50), row("Glacio", None, 0.1)]
    assert summary_sentences("Tidewell", rows) == [
        "Tidewell held steady at 50 posts.",
        "Glacio had no labeled posts in one of the two weeks.",
    ]
    assert summary_sentences("Nobody", rows)[0] == (
        "There are no posts about Nobody this week or the week before."
    )
    [line] = summary_sentences(None, rows)
    assert line.startswith("No brand is set as yours, so this report covers all brands together")
    assert summary_sentences(None, rows, my_brand="Tidewell") == [
        "This report covers all brands together; Tidewell, your brand, is marked in the brand "
        "table."
    ]


def test_move_words_follow_the_figures():
    assert share_move(0.3, 0.1) == "tripled to 30%"
    assert share_move(0.25, 0.1) == "more than doubled to 25%"
    assert share_move(0.6, 1.0) == "fell from 100% to 60%"
    assert share_move(0.5, 0.1) == "rose 5-fold to 50%"
    assert share_move(0.2, 0.0) == "rose from 0% to 20%"
    assert share_move(0.14, 0.2) == "fell from 20% to 14%"
    assert count_move(804, 400) == "doubled to 804"
    assert count_move(80, 100) == "fell 20% to 80"
    assert count_move(5, 0) == "went from none to 5"


def test_cards_read_as_sentences_not_fact_lists():
    card = Card(
        "campaign_backfire",
        "Campaign 'Holiday Gift Guide' hurt Tidewell's net sentiment by -0.12 beyond the "
        "market (95% interval -0.25 to -0.01).",
        1.0,
        {
            "campaign": "Holiday Gift Guide",
            "brand": "Tidewell",
            "start": "2025-11-24",
            "end": "2025-12-14",
            "uplift_low": -0.245,
        },
    )
    text = card_sentence(card)
    assert text.endswith(" It ran from 2025-11-24 to 2025-12-14.")
    assert "uplift" not in text and "brand:" not in text and "(campaign:" not in text
    praised = Card("praised_theme", "'refills' is the most praised topic.", 1.0, {"topic": "x"})
    assert card_sentence(praised) == "'refills' is the most praised topic."


def test_a_move_within_chance_is_flat():
    """The sample's defect week with its true labels: a competitor's 5 points on about a
    hundred labeled posts is chance (the 95% band is about ±13 points); Tidewell's 40 is not."""
    rows = [
        {**row("Tidewell", 0.641, 0.245, 602, 400), "labeled": 602, "previous_labeled": 400},
        {**row("Glacio", 0.328, 0.379, 116, 103), "labeled": 116, "previous_labeled": 103},
        {**row("Pinecup", 0.337, 0.287, 86, 94), "labeled": 86, "previous_labeled": 94},
    ]
    assert summary_sentences("Tidewell", rows, "lid leaks on the Trail Bottle") == [
        "Negative posts about Tidewell more than doubled to 64%, driven by lid leaks on the "
        "Trail Bottle.",
        "Glacio and Pinecup were flat.",
    ]
    # The same 5 points on ten thousand labeled posts each is no longer chance.
    many = [{**r, "labeled": 10_000, "previous_labeled": 10_000} for r in rows]
    assert summary_sentences("Tidewell", many)[1] == (
        "Negative posts about Glacio fell from 38% to 33%; negative posts about Pinecup rose "
        "from 29% to 34%."
    )
