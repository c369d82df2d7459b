from __future__ import annotations

import csv
from collections import Counter
from datetime import date

from loaders import demo_data as sample
from tests.conftest import REPO, SAMPLE


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


def test_the_demo_data_is_generated_where_it_is_missing(tmp_path):
    from loaders import demo_data

    folder = demo_data.ensure_sample(tmp_path / "fresh")
    assert (folder / "reviews.csv").read_bytes() == (
        REPO / "sample_data" / "reviews.csv"
    ).read_bytes()
    (folder / "reviews.csv").write_text("kept\n")  # present files are the user's: left alone
    demo_data.ensure_sample(folder)
    assert (folder / "reviews.csv").read_text() == "kept\n"


def test_without_a_checkout_the_sample_folder_is_per_user(monkeypatch, tmp_path):
    from loaders import config

    assert config.default_sample_dir() == REPO / "sample_data"
    monkeypatch.setattr(config, "REPO_ROOT", tmp_path / "site-packages")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert config.default_sample_dir() == tmp_path / "data" / "brandpulse" / "sample_data"
