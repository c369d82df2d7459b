"""The Campaigns page with enough brands for a synthetic control: its weights, placebo test
and the brand against its control are drawn, with the verdict in words."""

from __future__ import annotations

import random
from datetime import date, timedelta

from loaders import store
from loaders.campaigns import import_campaigns
from tests.conftest import insert_documents, insert_labels
from tests.dashboard.test_app import check, open_page

BRANDS = ("Tidewell", "Glacio", "Pinecup", "Brewly", "Kettleo")


def build(settings) -> None:
    """120 days of posts for five brands; Tidewell's campaign (from day 70, three weeks)
    turns its posts positive."""
    rng = random.Random(7)
    documents, labels = [], {}
    start = date(2025, 6, 1)
    for day in range(120):
        when = start + timedelta(days=day)
        for brand in BRANDS:
            for n in range(8):
                doc = f"{brand}-{day}-{n}"
                documents.append((doc, "social", "x", brand, f"{when} 12:00+00", f"post {doc}"))
                lift = brand == "Tidewell" and 70 <= day < 91
                weights = (0.1, 0.2, 0.7) if lift else (0.3, 0.3, 0.4)
                labels[doc] = rng.choices(["negative", "neutral", "positive"], weights)[0]
    path = settings.db.parent / "campaigns.csv"
    path.write_text(
        "name,brand,start,end\nSummer Sip,Tidewell,2025-08-10,2025-08-30\n", encoding="utf-8"
    )
    with store.session(settings=settings) as con:
        insert_documents(con, documents)
        insert_labels(con, labels)
    import_campaigns(path, settings=settings)


def test_synthetic_control_and_placebos_on_the_page(monkeypatch, settings):
    build(settings)
    app = open_page(monkeypatch, settings.db, "campaigns")
    check(app)
    text = " ".join(m.value for m in app.markdown)
    assert "Lifted net sentiment by +" in text and "(95% CI +" in text
    assert "Synthetic control" in text and "placebo p = " in text
    assert "Glacio" in text  # a weight on a control brand
    titles = [c.proto.spec for c in app.get("plotly_chart")]
    against = next(spec for spec in titles if "The brand against its control" in spec)
    assert '"synthetic control"' in against  # the weighted brands' line
    assert any('"text":"placebo"' in spec and "Gap during" in spec for spec in titles)
    assert not app.exception
