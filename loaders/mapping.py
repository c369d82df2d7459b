"""Column mapping: which column of an export holds each Brandpulse field.

Resolution order, highest first: explicit overrides (``--map field=column`` or a mapping
TOML), the preset's candidates (named or detected from signature columns), then the
generic candidates below, taken from the headers real exports use. Header names are
compared normalised: lower case, runs of non-alphanumerics as ``_``
("Review Created (UTC)" -> ``review_created_utc``, "reviews.text" -> ``reviews_text``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.errors import MappingError, explain

KINDS = ("review", "social")
REQUIRED_FIELDS = ("text", "created_at")

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
    "brand": ("brand", "brand_name", "company"),
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
}
FIELDS = tuple(GENERIC_CANDIDATES)


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


def normalise_header(name: str) -> str:
    """``"Review Created (UTC)"`` -> ``"review_created_utc"``."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


@dataclass(frozen=True)
class ColumnMapping:
    """How one file maps to the documents table."""

    columns: dict[str, str]  # field -> source column name, as in the file
    kind: str
    preset: str | None
    source: str  # constant used where the file has no source column (or an empty cell)
    brand: str | None  # constant used where the file has no brand column (or an empty cell)
    explicit: frozenset[str]  # fields the user mapped by hand (never second-guessed)

    def as_json(self) -> dict[str, Any]:
        return {
            "columns": self.columns,
            "kind": self.kind,
            "preset": self.preset,
            "source": self.source,
            "brand": self.brand,
        }


def detect_preset(columns: Sequence[str]) -> Preset | None:
    """The first preset one of whose signatures is fully present in the header."""
    present = {normalise_header(c) for c in columns}
    for preset in PRESETS.values():
        if any(signature <= present for signature in preset.signatures):
            return preset
    return None


def _lookup(columns: Sequence[str], wanted: str) -> str | None:
    """Find a column by exact name, else by normalised name."""
    if wanted in columns:
        return wanted
    by_norm = {normalise_header(c): c for c in reversed(columns)}
    return by_norm.get(normalise_header(wanted))


def _match_columns(
    columns: Sequence[str], chosen: Preset | None, mapped: dict[str, str], skip: set[str]
) -> None:
    """Add to ``mapped`` each field (not in ``skip``) whose column the header names."""
    taken = set(mapped.values())
    normalised: dict[str, str] = {}
    for column in columns:
        normalised.setdefault(normalise_header(column), column)
    for field_name in FIELDS:
        if field_name in skip or (chosen and field_name in chosen.exclude):
            continue
        preset_candidates = chosen.candidates.get(field_name, ()) if chosen else ()
        # A preset that names its id columns knows a generic "id" would be wrong there
        # (Datafiniti's "id" names the product, so every review of it would look like a duplicate).
        only_preset = field_name == "external_id" and bool(preset_candidates)
        generic = () if only_preset else GENERIC_CANDIDATES[field_name]
        for candidate in (*preset_candidates, *generic):
            column = normalised.get(candidate)
            if column is not None and column not in taken:
                mapped[field_name] = column
                taken.add(column)
                break


def suggest_columns(columns: Sequence[str]) -> dict[str, str]:
    """field -> column as automatic detection sees it, even when required fields are missing."""
    mapped: dict[str, str] = {}
    _match_columns(columns, detect_preset(columns), mapped, skip=set())
    return mapped


def resolve_mapping(
    columns: Sequence[str],
    *,
    preset: str | None = None,
    overrides: Mapping[str, str] | None = None,
    kind: str | None = None,
    source: str | None = None,
    brand: str | None = None,
    file_label: str = "the file",
) -> ColumnMapping:
    """Map the header ``columns`` to fields; raise MappingError with a fix when impossible.

    An override with an empty column name (``--map rating=``) unmaps that field.
    """
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(FIELDS))
    if unknown:
        raise MappingError(
            explain(
                f"Unknown field {', '.join(unknown)} in the column mapping",
                expected="one of " + ", ".join(FIELDS),
                fix="use --map FIELD=COLUMN with one of those fields.",
            )
        )
    if kind is not None and kind not in KINDS:
        raise MappingError(
            explain(
                f"Unknown kind '{kind}'",
                expected="review or social",
                fix="pass --kind review or --kind social.",
            )
        )
    if preset is not None and preset not in PRESETS:
        raise MappingError(
            explain(
                f"Unknown preset '{preset}'",
                expected="one of " + ", ".join(PRESETS),
                fix="pick one, or leave --preset out to detect it.",
            )
        )
    chosen = PRESETS[preset] if preset else detect_preset(columns)
    seen = ", ".join(columns) if columns else "(no columns)"

    mapped: dict[str, str] = {}
    for field_name, column in overrides.items():
        if not column:
            continue
        found = _lookup(columns, column)
        if found is None:
            raise MappingError(
                explain(
                    f"Column '{column}' given for {field_name} is not in {file_label}",
                    expected="one of the file's columns",
                    found=seen,
                    fix=f"use --map {field_name}=COLUMN with one of those.",
                )
            )
        mapped[field_name] = found

    _match_columns(columns, chosen, mapped, skip=set(overrides))

    for field_name in REQUIRED_FIELDS:
        if field_name not in mapped:
            label = "text" if field_name == "text" else "date"
            names = ", ".join(GENERIC_CANDIDATES[field_name][:8])
            raise MappingError(
                explain(
                    f"Could not find the {label} column in {file_label}",
                    expected=f"a column named like {names}",
                    found=f"columns {seen}",
                    fix=f"name the column with --map {field_name}=COLUMN (or a mapping TOML).",
                )
            )

    resolved_kind = kind or (
        chosen.kind if chosen else ("review" if "rating" in mapped else "social")
    )
    resolved_source = source or (chosen.source if chosen else "other")
    return ColumnMapping(
        columns=mapped,
        kind=resolved_kind,
        preset=chosen.name if chosen else None,
        source=resolved_source,
        brand=brand,
        explicit=frozenset(k for k, v in overrides.items() if v),
    )


def parse_map_options(pairs: Sequence[str]) -> dict[str, str]:
    """``["text=reviews.text", "rating="]`` -> ``{"text": "reviews.text", "rating": ""}``."""
    result = {}
    for pair in pairs:
        field_name, sep, column = pair.partition("=")
        if not sep:
            raise MappingError(
                explain(
                    f"--map '{pair}' has no '='",
                    expected="FIELD=COLUMN, e.g. --map text=reviews.text",
                )
            )
        result[field_name.strip()] = column.strip()
    return result


def load_mapping_file(path: Path) -> dict[str, Any]:
    """Read a mapping TOML: optional ``preset``, ``kind``, ``source``, ``brand`` and a ``[columns]`` table."""
    try:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"Mapping file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"Mapping file {path} is not valid TOML: {error}.") from None
    allowed = {"preset", "kind", "source", "brand", "columns"}
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise MappingError(
            explain(
                f"Unknown key {', '.join(unknown)} in {path}",
                expected="preset, kind, source, brand and a [columns] table",
            )
        )
    columns = table.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise MappingError(
            explain(
                f"[columns] in {path} must map fields to column names",
                expected='text = "Review Content"',
            )
        )
    return {
        **{k: table[k] for k in ("preset", "kind", "source", "brand") if k in table},
        "columns": columns,
    }
