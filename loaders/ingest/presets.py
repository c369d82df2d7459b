"""Export presets: the columns of known exports (Twitter, Reddit, Trustpilot, app stores, Amazon ...) and each field's generic candidates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

KINDS = ("review", "social")


# Field -> header names (normalised) in priority order.
GENERIC_CANDIDATES: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "full_text",
        "content",
        "body",
        "review",
        "review_text",
        "reviews_text",
        "review_content",
        "review_body",
        "comment",
        "comment_text",
        "message",
        "tweet",
        "tweet_text",
        "post",
        "post_text",
        "selftext",
        "caption",
        "feedback",
        "snippet",
    ),
    "title": ("title", "review_title", "reviews_title", "summary", "headline", "subject"),
    "created_at": (
        "created_at",
        "date",
        "created",
        "tweet_created",
        "reviews_date",
        "timestamp",
        "time",
        "datetime",
        "date_time",
        "published_at",
        "posted_at",
        "created_utc",
        "review_date",
        "review_created_utc",
        "date_created",
        "createtime",
        "create_time",
        "review_datetime_utc",
        "review_submit_date_and_time",
        "submitted_at",
        "at",
    ),
    "rating": (
        "rating",
        "stars",
        "star_rating",
        "starrating",
        "score",
        "reviews_rating",
        "review_rating",
        "review_stars",
        "overall",
        "rating_value",
    ),
    "external_id": (
        "id",
        "id_str",
        "tweet_id",
        "review_id",
        "reviewid",
        "post_id",
        "comment_id",
        "external_id",
        "uuid",
        "message_id",
    ),
    "author": (
        "author",
        "username",
        "user_name",
        "user",
        "screen_name",
        "user_screen_name",
        "handle",
        "reviewer",
        "reviewer_name",
        "reviews_username",
        "author_name",
        "nickname",
        "profile_name",
        "profilename",
    ),
    "product": (
        "product",
        "product_name",
        "product_title",
        "item",
        "item_name",
        "sku",
        "asin",
        "app",
        "app_name",
    ),
    "brand": ("brand", "brand_name", "company", "company_name"),
    "channel": ("channel", "subreddit", "community", "page", "store"),
    "campaign": ("campaign", "utm_campaign", "campaign_name"),
    "language": ("language", "lang", "review_language", "reviewer_language", "locale"),
    "likes": (
        "likes",
        "like_count",
        "likes_count",
        "favorite_count",
        "favorites",
        "upvotes",
        "reactions",
    ),
    "shares": ("shares", "share_count", "shares_count", "retweet_count", "retweets", "reposts"),
    "replies": (
        "replies",
        "reply_count",
        "replies_count",
        "num_comments",
        "comment_count",
        "comments_count",
    ),
    "url": ("url", "link", "permalink", "tweet_url", "post_url", "review_url", "review_link"),
    "source": ("source", "platform", "network", "site"),
    # A human sentiment label per row. Never detected: the "Sentiment" column of listening
    # tools' exports is their own machine's guess, not a person's. Map it by hand.
    "label": (),
}


@dataclass(frozen=True)
class Preset:
    """A known export format: its kind, source name, signatures and preferred columns."""

    name: str
    description: str
    kind: str
    source: str
    signatures: tuple[frozenset[str], ...]  # any one fully present -> detected
    candidates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: frozenset[str] = frozenset()  # fields never auto-mapped for this export


def _sig(*groups: Sequence[str]) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(group) for group in groups)


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "twitter",
            "X/Twitter: API v1/v2 exports, tweet scrapers, the airline-tweets export",
            "social",
            "twitter",
            _sig(
                ["tweet_id"],
                ["tweet_created"],
                ["id_str", "user_screen_name"],
                ["public_metrics_like_count"],
                ["retweet_count", "favorite_count"],
            ),
            {
                "text": ("full_text", "text", "tweet"),
                "created_at": ("created_at", "tweet_created", "date"),
                "external_id": ("id_str", "tweet_id", "id"),
                "author": (
                    "user_screen_name",
                    "screen_name",
                    "username",
                    "author_username",
                    "name",
                    "author_id",
                ),
                "likes": ("favorite_count", "public_metrics_like_count", "like_count"),
                "shares": ("retweet_count", "public_metrics_retweet_count"),
                "replies": ("reply_count", "public_metrics_reply_count"),
                "language": ("lang",),
                "url": ("tweet_url", "url"),
                # The airline-tweets export names the airline each tweet is about.
                "brand": ("brand", "brand_name", "airline", "company", "company_name"),
            },
            # Twitter's own "source" column names the client app ("Twitter for iPhone").
            frozenset({"source", "rating"}),
        ),
        Preset(
            "reddit",
            "Reddit posts and comments (Pushshift, PRAW or API exports)",
            "social",
            "reddit",
            _sig(["subreddit"]),
            {
                "text": ("body", "selftext", "text"),
                "created_at": ("created_utc", "created", "date"),
                "external_id": ("id", "name"),
                "likes": ("score", "ups"),
                "replies": ("num_comments",),
                "url": ("permalink", "url"),
            },
            frozenset({"rating"}),  # Reddit's "score" is upvotes, not stars
        ),
        Preset(
            "trustpilot",
            "Trustpilot Business review export",
            "review",
            "trustpilot",
            _sig(["review_stars"], ["review_content", "review_created_utc"]),
            {
                "text": ("review_content", "content"),
                "title": ("review_title", "title"),
                "created_at": ("review_created_utc", "review_date", "date"),
                "rating": ("review_stars", "stars"),
                "external_id": ("review_id",),
                "author": ("reviewer_name", "consumer_name"),
                "language": ("review_language",),
            },
        ),
        Preset(
            "google_reviews",
            "Google reviews (Business Profile API or review scrapers such as Outscraper)",
            "review",
            "google",
            _sig(
                ["starrating", "comment"], ["review_rating", "review_text", "review_datetime_utc"]
            ),
            {
                "text": ("comment", "review_text"),
                "created_at": ("createtime", "review_datetime_utc", "updatetime"),
                "rating": ("starrating", "review_rating"),
                "external_id": ("reviewid", "review_id"),
                "author": ("reviewer_displayname", "author_title"),
                "url": ("review_link",),
            },
        ),
        Preset(
            "app_store",
            "Apple App Store reviews (App Store Connect exports, app-store-scraper)",
            "review",
            "app_store",
            _sig(["isedited", "username", "review"], ["review", "rating", "title", "version"]),
            {
                "text": ("review", "content", "body"),
                "created_at": ("date", "updated"),
                "author": ("username", "nickname", "author"),
                "product": ("app_name", "app"),
            },
        ),
        Preset(
            "google_play",
            "Google Play reviews (Play Console CSV, google-play-scraper)",
            "review",
            "google_play",
            _sig(
                ["star_rating", "review_text", "review_submit_date_and_time"],
                ["reviewid", "thumbsupcount", "content", "score"],
            ),
            {
                "text": ("review_text", "content"),
                "title": ("review_title",),
                "created_at": (
                    "review_submit_date_and_time",
                    "review_submit_millis_since_epoch",
                    "at",
                ),
                "rating": ("star_rating", "score"),
                "external_id": ("reviewid",),
                "author": ("username",),
                "product": ("package_name",),
                "language": ("reviewer_language",),
                "likes": ("thumbsupcount",),
                "url": ("review_link",),
            },
        ),
        Preset(
            "amazon",
            "Amazon product reviews (Datafiniti exports, the Amazon reviews export with ProductId/Score)",
            "review",
            "amazon",
            _sig(
                ["reviews_text", "reviews_rating"], ["productid", "profilename", "score", "summary"]
            ),
            {
                "text": ("reviews_text", "text"),
                "title": ("reviews_title", "summary"),
                "created_at": ("reviews_date", "time", "dateadded"),
                "rating": ("reviews_rating", "score"),
                # Datafiniti's "id" names the product, not the review; dedup uses the content.
                "external_id": ("reviews_id",),
                "author": ("reviews_username", "profilename"),
                "product": ("name", "productid", "asins"),
                "brand": ("brand",),
            },
        ),
        Preset(
            "instagram",
            "Instagram comments (Graph API or scraper exports)",
            "social",
            "instagram",
            _sig(["ownerusername", "likescount"]),
            {
                "text": ("text", "comment", "caption"),
                "created_at": ("timestamp", "created_at", "date"),
                "author": ("ownerusername", "username"),
                "likes": ("likescount", "like_count"),
                "url": ("url", "permalink"),
            },
            frozenset({"rating"}),
        ),
    )
}
