"""Checks for what the grounding check lets through: copy that is factual but unusable.

Each rule was written from drafts a marketer rejected on sight (quoted in the tests):

* **invented offers, launches and promises**: a discount, code, free item, refund or
  voucher, something "new", a launch or announcement, a date or deadline, a fix reported as
  done, unless the grounds (the card, the knowledge entry, the customer's post) say so;
* **blaming or lecturing the customer** ("This is a reminder to you to never cancel a flight");
* **condolence language** for an ordinary complaint ("sorry for your loss");
* **repeated phrases** ("not only reliable but also reliable");
* **non-words** ("Tillle"): words that wordfreq's English lists (shipped in the package)
  hardly know and that the grounds, handles, links and hashtags do not explain;
* **one-word headlines and subjects** ("Toll") and **keyword lists** pasted into copy
  ("lid leaks, seal, cap").

No model: regular expressions and wordfreq's frequency lists, loaded on first use.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

_OFFER = re.compile(
    r"\b(?:\d+\s?%\s?off|discounts?|coupons?|promo(?:tion)?(?:al)? codes?|codes? \w+|"
    r"vouchers?|refunds?|compensation|credits?|free (?:\w+ ){0,2}\w+|giveaway|gift cards?|"
    r"cashback|money back|bogo|half price|upgrades?)\b",
    re.I,
)
_LAUNCH = re.compile(
    r"\b(?:brand[- ]new|new (?:\w+ ){0,2}\w+|launch(?:es|ed|ing)?|announc(?:e|es|ed|ing)|"
    r"introduc(?:e|es|ed|ing)|coming soon|unveil(?:s|ed|ing)?|just dropped|now available)\b",
    re.I,
)
_WHEN = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|"
    r"next (?:week|month|year)|this (?:weekend|week)|within \w+ (?:hours?|days?|weeks?)|"
    r"by (?:the )?end of|january|february|march|april|june|july|august|september|october|"
    r"november|december)\b",
    re.I,
)
_FIXED = re.compile(
    r"\b(?:we(?:'ve| have) (?:fixed|solved|resolved)|(?:has|have) been (?:fixed|resolved|"
    r"solved)|(?:is|are) (?:now )?fixed|will be (?:fixed|resolved|solved) by|"
    r"guarantee[sd]?|promise)\b",
    re.I,
)
_BLAME = re.compile(
    r"\b(?:you should(?:'ve| have)|reminder to you|never cancel|make sure (?:you|to)|"
    r"next time,? (?:please|you|try)|(?:it's|it is) your (?:responsibility|fault)|"
    r"as stated in our|you failed to|read the (?:instructions|manual|terms)|"
    r"you (?:didn't|did not) (?:read|follow|check)|user error|always (?:check|read|remember)|"
    r"you need to (?:learn|understand))\b",
    re.I,
)
_CONDOLENCE = re.compile(
    r"\b(?:condolences?|deepest sympath\w*|sympathies|our thoughts are with|heartbroken|"
    r"tragic|tragedy|rest in peace|sorry for your loss|during this difficult time|"
    r"in this difficult time|grieving)\b",
    re.I,
)
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# Handles, hashtags, links and e-mail addresses are names, not words to spell-check.
_NOT_WORDS = re.compile(r"[@#]\w+|https?://\S+|www\.\S+|\S+@\S+|\b[\w-]+(?:\.[\w-]+)+\S*")
_SLANG = re.compile(r"\b\w+in['’](?:\s|$|[.,!?])", re.I)  # "fixin'", "lovin'"
KEYWORD_LIST = re.compile(r"\b(\w+(?: \w+)?), (\w+(?: \w+)?), (\w+(?: \w+)?)\b")
_LIST_WORDS = frozenset(
    ["and", "or", "but", "so", "then", "we", "you", "they", "it", "i", "a", "the", "to"]
)


# wordfreq's Zipf scale: 1.5 is about once per 30 million words; typos and non-words
# ("Tillle", "curreng") score 0, rare real words ("overcharged", "reactivate") 2.5.
MIN_ZIPF = 1.5


@functools.cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency  # its word lists ship inside the package

    return zipf_frequency(word, "en")


def _known(word: str, extra: frozenset[str]) -> bool:
    lowered = word.lower().replace("’", "'")
    if lowered in extra or len(lowered) <= 2:
        return True
    if "'" in lowered:
        head, _, tail = lowered.partition("'")
        return _known(head, extra) and tail in ("s", "t", "re", "ve", "ll", "d", "m")
    return _zipf(lowered) >= MIN_ZIPF


def non_words(text: str, grounds: str = "") -> list[str]:
    """Words of ``text`` in no word list that ``grounds`` do not hold either."""
    extra = frozenset(w.lower() for w in _WORD.findall(_NOT_WORDS.sub(" ", grounds)))
    cleaned = _NOT_WORDS.sub(" ", text)
    found = []
    for match in _WORD.finditer(cleaned):
        word = match.group()
        if word[0].isupper() and match.start() > 0 and not _known(word, extra):
            # A capitalised word inside a sentence is a name; only the card may name things,
            # and the grounding check already looks at the known names.
            if cleaned[: match.start()].rstrip()[-1:] not in ".!?":
                continue
        if not _known(word, extra):
            found.append(word)
    return found


def _ungrounded(pattern: re.Pattern[str], text: str, grounds: str) -> list[str]:
    """Matches of ``pattern`` in ``text`` that the grounds do not hold."""
    lowered = grounds.lower()
    return [m.group() for m in pattern.finditer(text) if m.group().lower() not in lowered]


def repeated_phrase(text: str) -> str | None:
    """A three-word sequence said twice, or a content word repeated within four words
    ("reliable but also reliable")."""
    words = [w.lower() for w in _WORD.findall(_NOT_WORDS.sub(" ", text))]
    seen: set[tuple[str, ...]] = set()
    for i in range(len(words) - 2):
        gram = tuple(words[i : i + 3])
        if gram in seen:
            return " ".join(gram)
        seen.add(gram)
    for i, word in enumerate(words):
        if len(word) >= 5 and word.isalpha() and word in words[i + 1 : i + 5]:
            return word
    return None


_QUOTED = re.compile(r"'([^',]{2,40}(?:, [^',]{2,40})+)'")


def pasted_list(text: str, grounds: str) -> str | None:
    """A topic's keyword list from the grounds ("'lid leaks, seal' is rising") or a list of
    three or more bare terms, pasted into the copy."""
    lowered = text.lower()
    for match in _QUOTED.finditer(grounds):
        if match.group(1).lower() in lowered:
            return match.group(1)
    listed = KEYWORD_LIST.search(text)
    if listed and not set(" ".join(listed.groups()).lower().split()) & _LIST_WORDS:
        return listed.group()
    return None


def quality_problems(
    text: str, fmt: str, grounded: Sequence[str] = (), brand: str | None = None
) -> list[str]:
    """One line per problem of ``text`` (a ``fmt`` copy) that its ``grounded`` material
    (card, knowledge entry, post) does not explain."""
    if not text.strip():
        return []
    grounds = " ".join([*grounded, brand or ""])
    problems = []
    for label, pattern in (
        ("an offer", _OFFER),
        ("a launch or something new", _LAUNCH),
        ("a date or deadline", _WHEN),
        ("a promise or a fix as done", _FIXED),
    ):
        found = _ungrounded(pattern, text, grounds)
        if found:
            problems.append(f"it invents {label} ('{found[0]}') that the facts do not hold")
    blame = _BLAME.search(text)
    if blame:
        problems.append(f"it blames or lectures the customer ('{blame.group()}')")
    condolence = _ungrounded(_CONDOLENCE, text, grounds)
    if condolence:
        problems.append(f"condolence language for an ordinary complaint ('{condolence[0]}')")
    repeated = repeated_phrase(text)
    if repeated:
        problems.append(f"it repeats itself ('{repeated}')")
    slang = _SLANG.search(text)
    odd = non_words(text, grounds)
    if odd or slang:
        problems.append(f"'{odd[0] if odd else slang.group().strip()}' is not a word")
    if fmt in ("ad_headline", "email_subject") and len(_WORD.findall(text)) < 2:
        problems.append(f"a one-word {fmt.replace('_', ' ')} says nothing")
    listed = pasted_list(text, grounds)
    if listed:
        problems.append(f"a keyword list is pasted into the copy ('{listed}')")
    return problems
