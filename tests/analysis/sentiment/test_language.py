"""Readable names for the language codes pages and the CLI show."""

from __future__ import annotations

import pytest

from analysis.sentiment.language import language_name


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("en", "English"),
        ("EN", "English"),
        ("pcm", "Nigerian Pidgin"),
        ("de", "German"),
        ("el", "Greek"),  # pycountry: Modern Greek (1453-)
        ("ms", "Malay"),  # pycountry: Malay (macrolanguage)
        ("grc", "Ancient Greek"),
        ("en-US", "English (US)"),
        (None, "unknown"),
        ("", "unknown"),
        ("unknown", "unknown"),
        ("xx", "xx"),  # a code pycountry does not know stays as it is
        ("klingon", "klingon"),
    ],
)
def test_language_name(code, name):
    assert language_name(code) == name
