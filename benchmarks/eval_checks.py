"""False alarms of the copy quality checks (``analysis.suggestions.quality``) on real text.

Two measures, in one run:

* **Reference copy**: every reference text of the team's evaluation set
  (``benchmarks/copy_eval/cards.json`` and, when present, ``posts.json`` with ``kb.json``),
  checked with the grounding a card or reply gets in the app (card: title, fact summary,
  brand; reply: the customer's post and its knowledge entry's issue, answer and links). Every reference should pass; those that do not
  are listed with their problems.
* **Clean language stand-in**: real positive and neutral texts nobody on the team wrote
  (SST-2 dev + test sentences, TweetEval eval tweets, five-star Amazon reviews from
  ``../shared/data``). They are not brand copy (tweets hold slang and typos on purpose), so
  only the non-word and repetition rules are counted: the share of texts each flags.

    .venv/bin/python benchmarks/eval_checks.py [--data ../shared/data] [--set DIR]

Writes benchmarks/results/eval_checks.json. TweetEval numbers use this project's split.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.suggestions.prompts import fact_summary  # noqa: E402
from analysis.suggestions.quality import quality_problems  # noqa: E402

LANGUAGE_RULES = ("not an English word", "slang", "a phrase said twice", "a word repeated")


def _kind(problem: str) -> str:
    return problem.split(":")[0]


def references(set_dir: Path) -> dict[str, Any]:
    """Every reference of the evaluation set through the checks, with its app grounding."""
    checked, failures = 0, []
    cards_file, posts_file = set_dir / "cards.json", set_dir / "posts.json"
    for card in json.loads(cards_file.read_text()) if cards_file.exists() else []:
        brand = card.get("brand")
        grounded = [card["title"], fact_summary(card["facts"]), *([brand] if brand else [])]
        for fmt, texts in card.get("references", {}).items():
            for text in texts:
                checked += 1
                if problems := quality_problems(text, fmt, grounded, brand):
                    failures.append(
                        {"id": card["id"], "format": fmt, "text": text, "problems": problems}
                    )
    kb_file = set_dir / "kb.json"
    kb = {e["id"]: e for e in json.loads(kb_file.read_text())} if kb_file.exists() else {}
    for post in json.loads(posts_file.read_text()) if posts_file.exists() else []:
        # as replies.check_reply grounds a draft: the post and its entry's facts
        entry = kb.get(post.get("kb_entry") or "", {})
        facts = " ".join([entry.get("issue", ""), entry.get("answer", ""), *entry.get("links", [])])
        grounded = [post["text"], *([facts] if entry else [])]
        for text in post.get("references", []):
            checked += 1
            if problems := quality_problems(text, "review_reply", grounded, post.get("brand")):
                failures.append(
                    {"id": post["id"], "format": "review_reply", "text": text, "problems": problems}
                )
    return {
        "texts": checked,
        "flagged": len(failures),
        "share_flagged": round(len(failures) / checked, 4) if checked else None,
        "by_problem": dict(Counter(_kind(p) for f in failures for p in f["problems"])),
        "failures": failures,
    }


def _detokenize(text: str) -> str:
    """SST-2 is tokenized ("does n't", "it 's", "film ."): join it back as people write."""
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    return re.sub(r" ([.,!?;:])", r"\1", text).replace("-lrb- ", "(").replace(" -rrb-", ")")


def _rows(path: Path, text_col: str, keep) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return [row[text_col] for row in csv.DictReader(f) if keep(row) and row[text_col].strip()]


def clean_language(data: Path) -> dict[str, Any]:
    sets = {
        "sst2_positive": [
            _detokenize(t)
            for name in ("dev.csv", "test.csv")
            for t in _rows(data / "sst2" / name, "text", lambda r: r["label"] == "positive")
        ],
        "tweeteval_positive_neutral": _rows(
            data / "tweeteval_sentiment" / "eval.csv", "text", lambda r: r["label"] != "negative"
        ),
        "amazon_five_star_reviews": _rows(
            data / "reviews_datafiniti_amazon.csv",
            "reviews.text",
            lambda r: r["reviews.rating"] == "5",
        )[:2000],
    }
    out = {}
    for name, texts in sets.items():
        kinds: Counter[str] = Counter()
        flagged, examples = 0, []
        for text in texts:
            hits = [
                p for p in quality_problems(text, "social_post") if p.startswith(LANGUAGE_RULES)
            ]
            kinds.update(_kind(p) for p in hits)
            if hits:
                flagged += 1
                if len(examples) < 8:
                    examples.append({"text": text[:200], "problems": hits})
        out[name] = {
            "texts": len(texts),
            "share_flagged": round(flagged / len(texts), 4),
            "by_problem": {k: round(v / len(texts), 4) for k, v in kinds.most_common()},
            "examples": examples,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--set", type=Path, default=ROOT / "benchmarks" / "copy_eval")
    args = parser.parse_args()
    started = time.perf_counter()
    result = {"set": str(args.set), "references": references(args.set)}
    if not result["references"]["texts"]:
        sys.exit(f"no references under {args.set}: nothing written (pass --set DIR)")
    if args.data.exists():
        result["clean_language"] = clean_language(args.data)
    result["seconds"] = round(time.perf_counter() - started, 1)
    out = ROOT / "benchmarks" / "results" / "eval_checks.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    refs = result["references"]
    print(f"references: {refs['flagged']} of {refs['texts']} flagged")
    for name, row in result.get("clean_language", {}).items():
        print(f"{name}: {row['share_flagged']:.1%} of {row['texts']} flagged {row['by_problem']}")


if __name__ == "__main__":
    main()
