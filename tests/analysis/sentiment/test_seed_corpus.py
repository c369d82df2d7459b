"""The seed corpus's text files: what the loader reads is exactly what the files hold."""

from importlib import resources

from analysis.sentiment import seed_corpus


def test_every_seed_sentence_file_holds_clean_nonempty_lines():
    folder = resources.files("analysis.sentiment") / "seed_sentences"
    files = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".txt"))
    assert "hand_positive.txt" in files and "industries.txt" in files
    for name in files:
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        assert lines, name
        # A blank or space-padded line would become a silent corpus entry.
        assert all(line and line == line.strip() for line in lines), name


def test_industries_file_keeps_three_lists_per_industry():
    for name, kinds in seed_corpus.INDUSTRIES.items():
        assert list(kinds) == ["things", "pos", "neg"], name
        assert all(kinds.values()), name
