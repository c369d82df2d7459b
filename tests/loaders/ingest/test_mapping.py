from __future__ import annotations

import pytest

from loaders.errors import MappingError
from loaders.ingest.mapping import (
    detect_preset,
    normalise_header,
    parse_map_options,
    resolve_mapping,
)

DATAFINITI = [
    "id",
    "dateAdded",
    "name",
    "asins",
    "brand",
    "categories",
    "reviews.date",
    "reviews.doRecommend",
    "reviews.rating",
    "reviews.text",
    "reviews.title",
    "reviews.username",
]
AIRLINE_TWEETS = [
    "tweet_id",
    "airline_sentiment",
    "airline",
    "name",
    "retweet_count",
    "text",
    "tweet_created",
    "tweet_location",
]
GOOGLE_PLAY = [
    "Package Name",
    "App Version Code",
    "Reviewer Language",
    "Review Submit Date and Time",
    "Star Rating",
    "Review Title",
    "Review Text",
    "Review Link",
]
TRUSTPILOT = [
    "Review ID",
    "Review Created (UTC)",
    "Review Title",
    "Review Content",
    "Review Stars",
    "Reviewer Name",
    "Review Language",
]
REDDIT = [
    "id",
    "subreddit",
    "author",
    "created_utc",
    "title",
    "selftext",
    "score",
    "num_comments",
    "permalink",
]
GOOGLE_REVIEWS = ["reviewId", "reviewer.displayName", "starRating", "comment", "createTime"]


def test_normalise_header():
    assert normalise_header("Review Created (UTC)") == "review_created_utc"
    assert normalise_header(" reviews.text ") == "reviews_text"


@pytest.mark.parametrize(
    ("header", "preset", "expected"),
    [
        (
            DATAFINITI,
            "amazon",
            {
                "text": "reviews.text",
                "created_at": "reviews.date",
                "rating": "reviews.rating",
                "product": "name",
                "author": "reviews.username",
            },
        ),
        (
            AIRLINE_TWEETS,
            "twitter",
            {
                "text": "text",
                "created_at": "tweet_created",
                "external_id": "tweet_id",
                "author": "name",
                "shares": "retweet_count",
                "brand": "airline",
            },
        ),
        (
            GOOGLE_PLAY,
            "google_play",
            {
                "text": "Review Text",
                "created_at": "Review Submit Date and Time",
                "rating": "Star Rating",
                "product": "Package Name",
                "language": "Reviewer Language",
            },
        ),
        (
            TRUSTPILOT,
            "trustpilot",
            {
                "text": "Review Content",
                "title": "Review Title",
                "created_at": "Review Created (UTC)",
                "rating": "Review Stars",
                "external_id": "Review ID",
            },
        ),
        (
            REDDIT,
            "reddit",
            {
                "text": "selftext",
                "title": "title",
                "created_at": "created_utc",
                "likes": "score",
                "channel": "subreddit",
                "replies": "num_comments",
            },
        ),
        (
            GOOGLE_REVIEWS,
            "google_reviews",
            {
                "text": "comment",
                "rating": "starRating",
                "created_at": "createTime",
                "author": "reviewer.displayName",
            },
        ),
    ],
)
def test_presets_are_detected_from_real_headers(header, preset, expected):
    mapping = resolve_mapping(header)
    assert mapping.preset == preset
    assert {k: mapping.columns.get(k) for k in expected} == expected


def test_datafiniti_product_id_is_not_taken_as_review_id():
    # Datafiniti's "id" names the product; mapping it would merge all reviews of a product.
    assert "external_id" not in resolve_mapping(DATAFINITI).columns


def test_reddit_score_is_not_a_star_rating():
    mapping = resolve_mapping(REDDIT)
    assert "rating" not in mapping.columns
    assert mapping.kind == "social"


def test_generic_detection_and_kind_inference():
    mapping = resolve_mapping(["Body", "Timestamp", "Stars", "Handle"])
    assert mapping.preset is None
    assert mapping.columns == {
        "text": "Body",
        "created_at": "Timestamp",
        "rating": "Stars",
        "author": "Handle",
    }
    assert mapping.kind == "review"
    assert resolve_mapping(["content", "date"]).kind == "social"


def test_overrides_win_and_empty_override_unmaps():
    mapping = resolve_mapping(
        ["review", "notes", "when", "stars"],
        overrides={"text": "notes", "created_at": "when", "rating": ""},
    )
    assert mapping.columns == {"text": "notes", "created_at": "when"}
    assert mapping.explicit == {"text", "created_at"}


def test_missing_text_column_lists_columns_and_fix():
    with pytest.raises(MappingError) as error:
        resolve_mapping(["foo", "date", "stars"], file_label="export.csv")
    message = str(error.value)
    assert "text column in export.csv" in message
    assert "foo, date, stars" in message
    assert "--map text=COLUMN" in message


def test_unknown_override_column_and_field():
    with pytest.raises(MappingError, match="'nope' given for text is not in"):
        resolve_mapping(["text", "date"], overrides={"text": "nope"})
    with pytest.raises(MappingError, match="Unknown field colour"):
        resolve_mapping(["text", "date"], overrides={"colour": "text"})
    with pytest.raises(MappingError, match="Unknown preset"):
        resolve_mapping(["text", "date"], preset="myspace")


def test_parse_map_options():
    assert parse_map_options(["text=reviews.text", "rating="]) == {
        "text": "reviews.text",
        "rating": "",
    }
    with pytest.raises(MappingError, match="FIELD=COLUMN"):
        parse_map_options(["text"])


def test_detect_preset_none_for_plain_headers():
    assert detect_preset(["text", "date"]) is None
