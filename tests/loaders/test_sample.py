from __future__ import annotations

import csv
from collections import Counter
from datetime import date

from loaders import demo_data as sample
from tests.conftest import SAMPLE


def test_committed_sample_matches_the_generator(tmp_path):
    written = sample.write_sample(tmp_path)
    for path in written:
        assert path.read_bytes() == (SAMPLE / path.name).read_bytes(), (
            f"{path.name} differs: run `brandpulse sample`"
        )


def test_sample_size_and_variety():
    total = sum(p.stat().st_size for p in SAMPLE.iterdir() if p.is_file())
    assert total < 5_000_000
    reviews = list(csv.DictReader((SAMPLE / "reviews.csv").open(encoding="utf-8")))
    posts = list(csv.DictReader((SAMPLE / "social_posts.csv").open(encoding="utf-8")))
    assert 2800 <= len(reviews) <= 3200 and 5600 <= len(posts) <= 6400
    texts = [r["review"] for r in reviews] + [p["text"] for p in posts]
    assert len(set(texts)) > 0.85 * len(texts)
    assert {r["brand"] for r in reviews} == {"Tidewell", "Glacio", "Pinecup"}
    assert Counter(p["lang"] for p in posts).keys() > {"en", "es", "de"}
    assert sum("RT @" in t for t in texts) > 20 and sum("?" in t for t in texts) > 200
    assert any(ch in "".join(texts) for ch in "😍🙃😡")


def test_ground_truth_plants_every_signal_in_its_window():
    truth = list(csv.DictReader((SAMPLE / "ground_truth.csv").open(encoding="utf-8")))
    planted = Counter(t["theme"] for t in truth if t["planted"] == "1")
    assert set(planted) == set(sample.PLANTED_THEMES)
    assert all(count >= 150 for count in planted.values())
    posts = {
        p["post_id"]: p
        for p in csv.DictReader((SAMPLE / "social_posts.csv").open(encoding="utf-8"))
    }
    leak_days = {
        date.fromtimestamp(int(posts[t["doc_id"]]["created_utc"]))
        for t in truth
        if t["theme"] == "lid_leak" and t["doc_id"] in posts
    }
    assert min(leak_days) >= date(2025, 10, 6) and max(leak_days) <= date(2025, 10, 12)
    assert {t["sentiment"] for t in truth if t["theme"] == "grind_backlash"} == {"negative"}
