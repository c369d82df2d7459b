"""Validate the copy evaluation set (cards.json, posts.json, kb.json) and print a summary.

Run: ``python benchmarks/copy_eval/check_set.py`` (exit status 1 on any problem). The checks
are the set's own rules: counts per industry and kind, unique ids, facts with exactly the keys
the product writes per card kind, reference lengths, no digit in a reference that is not in the
facts (or the post and its entry), no one-word headline, knowledge entries that exist, belong
to the post's brand and are valid on the set's reference day, and distractors that are real.
Files not written yet are reported as missing and skipped.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = date(2025, 12, 1)  # the day the set is read against (expired entries end before it)
INDUSTRIES = {
    "food delivery",
    "airline",
    "telecom/mobile",
    "cosmetics/skincare",
    "software/SaaS",
    "retail/fashion",
    "consumer electronics",
    "banking/fintech",
    "hotels/travel",
    "drinkware/outdoor gear",
}
CAMPAIGN = {
    "campaign",
    "brand",
    "start",
    "end",
    "uplift",
    "uplift_low",
    "uplift_high",
    "campaign_posts",
    "campaign_posts_net",
}
# (required keys, optional keys) per card kind, as analysis/insight/cards.py writes them.
FACT_KEYS = {
    "rising_negative_topic": (
        {"topic", "posts", "posts_before", "share_negative", "emerging"},
        {"theme"},
    ),
    "spike": ({"week", "metric", "value", "usual", "drivers"}, set()),
    "campaign_lift": (CAMPAIGN, set()),
    "campaign_backfire": (CAMPAIGN, set()),
    "worst_segment": ({"posts", "share_negative", "share_negative_before"}, set()),
    "competitor_bad_week": ({"brand", "posts", "share_negative", "share_negative_before"}, set()),
    "praised_theme": ({"topic", "posts", "share_positive"}, {"theme"}),
}
LIMITS = {"social_post": 280, "email_subject": 78, "ad_headline": 30}
SHARES = {"share_negative", "share_negative_before", "share_positive"}
MIN_CARDS, MIN_POSTS, MIN_KB, MIN_PER_INDUSTRY, MIN_PER_KIND = 66, 66, 40, 6, 6
MIN_INDUSTRIES, MIN_DISTRACTORS, REPLY_LIMIT = 8, 10, 600
CONDOLENCE = re.compile(r"\b(condolences|thoughts and prayers|heartbreaking|tragic)\b", re.I)
NUMBER = re.compile(r"\d+")


def load(name: str, problems: list[str]) -> list[dict] | None:
    path = HERE / name
    if not path.exists():
        problems.append(f"{name}: missing")
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        problems.append(f"{name}: not a list of objects")
        return None
    return data


def numbers(*texts: object) -> set[str]:
    """Every run of digits in the texts (facts are dumped as JSON, so 0.82 gives 0 and 82)."""
    found: set[str] = set()
    for text in texts:
        found.update(NUMBER.findall(text if isinstance(text, str) else json.dumps(text)))
    return found


def unique_ids(rows: list[dict], prefix: str, name: str, problems: list[str]) -> None:
    counts = Counter(r.get("id") for r in rows)
    problems += [f"{name}: id {i!r} used {n} times" for i, n in counts.items() if n > 1]
    problems += [
        f"{name}: bad id {r.get('id')!r}"
        for r in rows
        if not re.fullmatch(prefix + r"\d{2,3}", str(r.get("id")))
    ]


def industry_counts(rows: list[dict], name: str, least: int, problems: list[str]) -> Counter:
    counts = Counter(r.get("industry") for r in rows)
    problems += [f"{name}: unknown industry {i!r}" for i in counts if i not in INDUSTRIES]
    problems += [f"{name}: {i} has {n} (< {least})" for i, n in counts.items() if n < least]
    if len(counts) < MIN_INDUSTRIES:
        problems.append(f"{name}: {len(counts)} industries (< {MIN_INDUSTRIES})")
    return counts


def check_facts(card: dict, problems: list[str]) -> None:
    where, kind, facts = card["id"], card.get("kind"), card.get("facts", {})
    if kind not in FACT_KEYS:
        problems.append(f"{where}: unknown kind {kind!r}")
        return
    required, optional = FACT_KEYS[kind]
    if kind == "worst_segment":
        segment = {"product", "channel"} & set(facts)
        if len(segment) != 1:
            problems.append(f"{where}: worst_segment needs exactly one of product/channel")
        required = required | segment
    if not required <= set(facts) <= required | optional:
        problems.append(f"{where}: facts keys {sorted(facts)} != {sorted(required)}")
    for key in SHARES & set(facts):
        value = facts[key]
        if not isinstance(value, float) or not 0 <= value <= 1 or round(value, 3) != value:
            problems.append(f"{where}: {key}={value!r} is not a fraction rounded to 3 places")
    for key in ("posts", "posts_before", "campaign_posts"):
        if key in facts and (not isinstance(facts[key], int) or facts[key] < 0):
            problems.append(f"{where}: {key}={facts[key]!r} is not a count")
    if kind == "competitor_bad_week" and facts.get("brand") == card.get("brand"):
        problems.append(f"{where}: the competitor is the card's own brand")
    if kind.startswith("campaign_"):
        if facts.get("brand") != card.get("brand"):
            problems.append(f"{where}: campaign brand differs from the card's brand")
        if date.fromisoformat(facts["start"]) > date.fromisoformat(facts["end"]):
            problems.append(f"{where}: campaign ends before it starts")
        if not facts["uplift_low"] <= facts["uplift"] <= facts["uplift_high"]:
            problems.append(f"{where}: uplift outside its interval")
        if (facts["uplift"] > 0) != (kind == "campaign_lift"):
            problems.append(f"{where}: uplift sign does not match {kind}")
    if kind == "spike":
        if not re.fullmatch(r"\d{4}-W\d{2}", str(facts.get("week"))):
            problems.append(f"{where}: week {facts.get('week')!r} is not an ISO week")
        if facts.get("metric") not in ("volume", "share_negative"):
            problems.append(f"{where}: metric {facts.get('metric')!r}")
        if not 1 <= len(facts.get("drivers", [])) <= 3:
            problems.append(f"{where}: spike needs 1-3 drivers")
    topic = facts.get("topic")
    if topic is not None and ("," in topic or not 2 <= len(topic.split()) <= 4):
        problems.append(f"{where}: topic {topic!r} is not a 2-4 word noun phrase")


def foreign_names(text: str, own: str, allowed: set[str], brands: set[str]) -> list[str]:
    return [b for b in brands if b != own and b not in allowed and b.lower() in text.lower()]


def check_cards(cards: list[dict], brands: set[str], problems: list[str]) -> None:
    unique_ids(cards, "c", "cards", problems)
    for card in cards:
        where = card["id"]
        check_facts(card, problems)
        refs = card.get("references", {})
        allowed = numbers(card.get("facts", {}))
        facts_text = json.dumps(card.get("facts", {}))
        for fmt, limit in LIMITS.items():
            texts = refs.get(fmt, [])
            want = 2 if fmt == "social_post" else 1
            if len(texts) < want:
                problems.append(f"{where}: {fmt} needs {want} references")
            for text in texts:
                if len(text) > limit:
                    problems.append(f"{where}: {fmt} over {limit} chars ({len(text)})")
                if extra := numbers(text) - allowed:
                    problems.append(f"{where}: {fmt} has numbers not in the facts {extra}")
                if fmt == "ad_headline" and len(text.split()) < 2:
                    problems.append(f"{where}: one-word headline {text!r}")
                if CONDOLENCE.search(text):
                    problems.append(f"{where}: condolence language in {text!r}")
                for name in foreign_names(text, card["brand"], set(), brands):
                    if (
                        name.lower() not in facts_text.lower()
                        or card["kind"] == "competitor_bad_week"
                    ):
                        problems.append(f"{where}: {fmt} names {name!r}")


def entry_valid(entry: dict) -> bool:
    start, end = entry.get("valid_from"), entry.get("valid_until")
    return (start is None or date.fromisoformat(start) <= TODAY) and (
        end is None or date.fromisoformat(end) >= TODAY
    )


def check_kb(kb: list[dict], problems: list[str]) -> None:
    unique_ids(kb, "k", "kb", problems)
    for entry in kb:
        for key in ("brand", "issue", "answer"):
            if not entry.get(key):
                problems.append(f"{entry['id']}: empty {key}")
        for link in entry.get("links") or []:
            if not re.match(r"https://[a-z0-9.-]+\.example(/|$)", link):
                problems.append(f"{entry['id']}: link {link!r} is not on a .example domain")
        for key in ("valid_from", "valid_until"):
            if entry.get(key):
                date.fromisoformat(entry[key])


def check_posts(posts: list[dict], kb: dict[str, dict], brands, problems: list[str]) -> dict:
    unique_ids(posts, "p", "posts", problems)
    stats = Counter()
    for post in posts:
        where, key, extra = post["id"], post.get("kb_entry"), post.get("distractor")
        if post.get("source") not in ("twitter", "review"):
            problems.append(f"{where}: source {post.get('source')!r}")
        entry = kb.get(key) if key else None
        if key and entry is None:
            problems.append(f"{where}: kb_entry {key} does not exist")
        if entry and entry["brand"] != post["brand"]:
            problems.append(f"{where}: kb_entry {key} is another brand's")
        if entry and not entry_valid(entry):
            problems.append(f"{where}: kb_entry {key} is not valid on {TODAY}")
        if extra:
            other = kb.get(extra)
            if other is None or other["brand"] != post["brand"] or extra == key:
                problems.append(f"{where}: distractor {extra} is not another entry of the brand")
            stats["distractor"] += 1
        stats["null" if key is None else "entry"] += 1
        refs = post.get("references", [])
        if not 1 <= len(refs) <= 3:
            problems.append(f"{where}: needs 1-3 reference replies")
        allowed = numbers(
            post["text"], entry["answer"] if entry else "", *(entry or {}).get("links", [])
        )
        for text in refs:
            if len(text) > REPLY_LIMIT:
                problems.append(f"{where}: reply over {REPLY_LIMIT} chars ({len(text)})")
            if extra_numbers := numbers(text) - allowed:
                problems.append(f"{where}: reply has numbers not in post/entry {extra_numbers}")
            for name in foreign_names(text, post["brand"], set(), brands):
                problems.append(f"{where}: reply names {name!r}")
            if entry is None and not re.search(r"\b(DM|email|message)\b", text, re.I):
                problems.append(f"{where}: no-entry reply does not ask them to get in touch")
            if entry is not None:
                for link in entry.get("links") or []:
                    if link not in text:
                        problems.append(f"{where}: reply lacks the entry's link {link}")
            if CONDOLENCE.search(text):
                problems.append(f"{where}: condolence language")
    return stats


def main() -> int:
    problems: list[str] = []
    cards = load("cards.json", problems)
    posts = load("posts.json", problems)
    kb_rows = load("kb.json", problems)
    brands = {c["brand"] for c in cards or []} | {
        c["facts"]["brand"] for c in cards or [] if c["kind"] == "competitor_bad_week"
    }
    if cards is not None:
        check_cards(cards, brands, problems)
        by_industry = industry_counts(cards, "cards", MIN_PER_INDUSTRY, problems)
        by_kind = Counter(c["kind"] for c in cards)
        problems += [
            f"cards: {k} has {n} (< {MIN_PER_KIND})" for k, n in by_kind.items() if n < MIN_PER_KIND
        ]
        problems += [f"cards: no {k} card" for k in FACT_KEYS if k not in by_kind]
        if len(cards) < MIN_CARDS:
            problems.append(f"cards: {len(cards)} (< {MIN_CARDS})")
        print(f"cards: {len(cards)} in {len(by_industry)} industries; per kind {dict(by_kind)}")
    kb = {e["id"]: e for e in kb_rows or []}
    if kb_rows is not None:
        check_kb(kb_rows, problems)
        expired = sum(1 for e in kb_rows if not entry_valid(e))
        if len(kb_rows) < MIN_KB:
            problems.append(f"kb: {len(kb_rows)} entries (< {MIN_KB})")
        print(f"kb: {len(kb_rows)} entries, {expired} not valid on {TODAY}")
    if posts is not None and kb_rows is not None:
        stats = check_posts(posts, kb, brands, problems)
        by_industry = industry_counts(posts, "posts", MIN_PER_INDUSTRY, problems)
        share_null = stats["null"] / len(posts)
        if not 0.15 <= share_null <= 0.3:
            problems.append(f"posts: {share_null:.0%} without an entry (want about 20%)")
        if stats["distractor"] < MIN_DISTRACTORS:
            problems.append(f"posts: {stats['distractor']} with a distractor (< {MIN_DISTRACTORS})")
        if len(posts) < MIN_POSTS:
            problems.append(f"posts: {len(posts)} (< {MIN_POSTS})")
        print(
            f"posts: {len(posts)} in {len(by_industry)} industries; {stats['null']} without an "
            f"entry ({share_null:.0%}), {stats['distractor']} with a distractor entry"
        )
    for problem in problems:
        print("PROBLEM", problem)
    print("ok" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
