"""'My brand': chosen once in the dashboard and stored, unless the setting names it."""

from __future__ import annotations

from loaders import store
from loaders.config import Settings
from loaders.workspace import my_brand, save_my_brand, stored_brand


def test_the_stored_choice_is_read_back_changed_and_forgotten(tmp_path):
    settings = Settings(db=tmp_path / "w.duckdb")
    with store.session(settings=settings) as con:
        assert my_brand(con, settings) is None
    save_my_brand(settings, " Tidewell ")
    save_my_brand(settings, "Glacio")
    with store.session(settings=settings, read_only=True) as con:
        assert stored_brand(con) == "Glacio"
        assert my_brand(con, settings) == "Glacio"
    save_my_brand(settings, None)
    with store.session(settings=settings, read_only=True) as con:
        assert my_brand(con, settings) is None


def test_the_setting_wins_over_the_stored_choice(tmp_path):
    settings = Settings(db=tmp_path / "w.duckdb", my_brand="Pinecup")
    save_my_brand(settings, "Glacio")
    with store.session(settings=settings, read_only=True) as con:
        assert my_brand(con, settings) == "Pinecup"
        assert stored_brand(con) == "Glacio"
