"""The airline-tweets export gets its brand from `airline`; files without a brand column get
a hint: a column that names companies, or else the @handles the posts mention most."""

from __future__ import annotations

from pathlib import Path

from loaders.config import Settings
from loaders.ingest.brand_hints import brand_hint, top_handles
from loaders.ingest.files import ingest_file, preview_file
from loaders.ingest.mapping import resolve_mapping
from tests.conftest import rows
from tests.loaders.ingest.airline_fixture import AIRLINE_HEADER, airline_rows, write_airline_csv


def test_twitter_preset_maps_the_airline_as_brand_and_keeps_the_reason():
    mapping = resolve_mapping(AIRLINE_HEADER)
    assert mapping.preset == "twitter"
    assert mapping.columns["brand"] == "airline"
    assert "negativereason" not in mapping.columns.values()


def test_airline_export_lands_with_brands_and_reasons_in_extra(settings: Settings, tmp_path: Path):
    result = ingest_file(write_airline_csv(tmp_path / "Tweets.csv"), settings=settings)
    assert (result.rows_read, result.inserted, result.duplicates, result.rejected) == (12, 12, 0, 0)
    assert not any("brand" in w for w in result.warnings)
    brands = rows(settings.db, "SELECT brand, count(*) FROM documents GROUP BY 1 ORDER BY 1")
    assert brands == [
        ("Delta", 3),
        ("Southwest", 2),
        ("US Airways", 2),
        ("United", 3),
        ("Virgin America", 2),
    ]
    reasons = rows(
        settings.db,
        "SELECT extra->>'negativereason' AS r, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1",
    )
    assert reasons[:2] == [(None, 5), ("Late Flight", 3)]  # empty cells are stored as null


def test_hint_names_the_airline_column_when_brand_is_unmapped():
    sample = airline_rows()
    mapped = {"text": "text", "created_at": "tweet_created", "author": "name"}
    hint = brand_hint(sample, mapped)
    assert hint is not None and hint.column == "airline"
    # Values by frequency, ties in alphabetical order.
    assert hint.values == ("Delta", "United", "Southwest", "US Airways", "Virgin America")
    assert "column 'airline' looks like it names them (5 values" in hint.summary()
    assert hint.fix().startswith("map it with --map brand=airline")
    # A brand column mapped, or one brand given for the file: nothing to say.
    assert brand_hint(sample, {**mapped, "brand": "airline"}) is None
    assert brand_hint(sample, mapped, brand="United") is None


def test_sentiment_and_reason_columns_are_not_taken_for_brands():
    sample = [{k: v for k, v in row.items() if k != "airline"} for row in airline_rows()]
    hint = brand_hint(sample, {"text": "text", "created_at": "tweet_created", "author": "name"})
    assert hint is not None and hint.column is None
    # Fallback: the handles. @united in 3 of 12, @delta in 3, @southwestair 2 ... (>= 10%).
    assert hint.handles == (("@delta", 0.25), ("@united", 0.25), ("@southwestair", 2 / 12))
    assert "@delta appears in 25% of posts, @united in 25%, @southwestair in 17%" in hint.summary()


def test_handles_count_each_post_once_and_ignore_emails():
    texts = ["@Acme @acme hi", "mail me at bob@acme.com", "@acme again", "nothing", "@zed"]
    assert top_handles(texts) == (("@acme", 0.4), ("@zed", 0.2))
    assert top_handles([]) == ()


def test_no_column_and_no_handles_still_warns():
    sample = [{"text": f"post {i}", "date": "2025-01-01"} for i in range(5)]
    hint = brand_hint(sample, {"text": "text", "created_at": "date"})
    assert hint is not None and hint.column is None and hint.handles == ()
    assert "no brand is given" in hint.summary()


def test_preview_and_ingest_warn_about_the_unmapped_brand(settings: Settings, tmp_path: Path):
    # The export with `airline` renamed to something no preset knows.
    renamed = [
        {("carrier_name" if k == "airline" else k): v for k, v in row.items()}
        for row in airline_rows()
    ]
    path = tmp_path / "tweets.csv"
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(renamed[0]))
        writer.writeheader()
        writer.writerows(renamed)
    preview = preview_file(path, settings=settings)
    assert "brand" not in preview.suggested
    assert preview.brand_hint is not None and preview.brand_hint.column == "carrier_name"
    result = ingest_file(path, settings=settings)
    assert result.warnings[0].startswith("No column is mapped to brand")
    assert "--map brand=carrier_name" in result.warnings[0]
    assert rows(settings.db, "SELECT count(*) FROM documents WHERE brand IS NULL") == [(12,)]


def test_a_brand_column_with_one_brand_is_suggested_too():
    # As in Datafiniti's Amazon export: "brand" is Amazon in every row; "categories" is long.
    sample = [
        {
            "reviews.text": f"Works well, review {n}",
            "reviews.date": "2017-09-03",
            "brand": "Amazon",
            "categories": "Computers,Electronics Features,Tablets,Electronics,iPad & Tablets",
            "reviews.doRecommend": "TRUE" if n % 3 else "FALSE",
        }
        for n in range(9)
    ]
    hint = brand_hint(sample, {"text": "reviews.text", "created_at": "reviews.date"})
    assert hint is not None and (hint.column, hint.values) == ("brand", ("Amazon",))
    assert "column 'brand' looks like it names them (Amazon in every row)." in hint.summary()
