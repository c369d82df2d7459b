"""Language detection on short and real texts, and the names pages and the CLI show."""

from __future__ import annotations

import pytest

from analysis.sentiment.language import detect_language, language_name, language_text

# Short English tweets from TweetEval that py3langid alone named Nigerian Pidgin or Latin.
MISREAD_ENGLISH = [
    "@user We now wait for Maduro's turn",
    "Scream Queens | #Recensione 2×06 – Blood Drive #recensioni #screamqueens #2x06",
    "A week ago, Mike Pence went to Hamilton. #NeverForget",
    "#MuhammadAli Muhammad Ali Leon Spinks On Site Boxing Press Brochure September 15 . 1978",
]


@pytest.mark.parametrize(
    "text", ["lol ok", "Great phone!", "love it 😍", "so bad @user", "meh", *MISREAD_ENGLISH]
)
def test_short_english_is_english_or_unknown(text):
    assert detect_language(text) in (None, "en")


@pytest.mark.parametrize("text", ["", "   ", "👍👍 https://x.co/a", "@user #tbt", "12:30 !!"])
def test_no_words_no_language(text):
    assert detect_language(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The battery lasts all day and the screen is bright, very happy with it.", "en"),
        ("Die Lieferung kam viel zu spät und der Karton war beschädigt.", "de"),
        ("Ich bin mit der Lieferung sehr zufrieden, alles kam schnell an.", "de"),
        ("El envío llegó tarde y la caja estaba rota, muy mal servicio.", "es"),
        ("No lo recomiendo, es demasiado caro para lo que ofrece.", "es"),
        ("Je suis très déçu par la qualité de ce produit.", "fr"),
        ("Total enttäuscht vom neuen Update 😡 @user #fail", "de"),
        # Real Pidgin is still Pidgin: only English misread as Pidgin falls to unknown.
        ("Abeg, dis network no dey work at all, I don vex well well.", "pcm"),
    ],
)
def test_full_sentences_keep_their_language(text, code):
    assert detect_language(text) == code


def test_language_text_drops_twitter_noise():
    cleaned = language_text("@user Great &amp; cheap 😍 https://t.co/x #deal")
    assert cleaned == "Great & cheap"


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
