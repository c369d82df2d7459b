"""Crisis words as whole words: the same test in DuckDB's RE2 (to find the posts) and in
Python's re (to say which words a post matched)."""

from __future__ import annotations

import re


def _word_edges(word: str, before: str, after: str) -> str:
    """``word`` escaped, with an edge only where it starts or ends with a letter or digit:
    "#recall" and "refund!" carry their own edge."""
    core = re.escape(word)
    start = before if word[:1].isalnum() or word[:1] == "_" else ""
    end = after if word[-1:].isalnum() or word[-1:] == "_" else ""
    return start + core + end


def keyword_pattern(words: list[str]) -> str:
    """Whole words, case-insensitive, in RE2 syntax as DuckDB's regexp_matches reads it.

    RE2's \\b knows only ASCII letters ("ärger" would never match), and it has no
    look-arounds, so the edges are "start or a character that is not a letter or digit"."""
    before, after = r"(?:^|[^\pL\pN_])", r"(?:$|[^\pL\pN_])"
    return "|".join(_word_edges(w, before, after) for w in words)


def python_keyword_pattern(words: list[str]) -> str:
    """The same whole-word test for Python's re (whose \\w knows every letter)."""
    return "|".join(_word_edges(w, r"(?<!\w)", r"(?!\w)") for w in words)
