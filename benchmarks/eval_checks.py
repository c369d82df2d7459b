"""How often the copy quality checks fire on real, human-written text (false alarms).

Real customer text is not brand copy, but its words are real words and its sentences are
not machine repetition: the non-word and repetition rules should stay quiet on it. Run on
BANKING77's test messages, TweetEval's evaluation tweets and the Datafiniti Amazon reviews
(``../shared/data``), against a peer measured in the same run: a plain lookup in the bundled MiniLM's
WordPiece vocabulary (a 22k-word list), without name and handle handling.

    .venv/bin/python benchmarks/eval_checks.py

Writes benchmarks/results/eval_checks.json.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "eval_checks.json"
sys.path.insert(0, str(ROOT))
LIMIT = 3000


def texts(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row[column] for row, _ in zip(csv.DictReader(handle), range(LIMIT), strict=False)]


def main() -> None:
    from analysis.sentiment.model import default_backbone
    from analysis.suggestions.quality import non_words, quality_problems

    vocab = Path(default_backbone()) / "vocab.txt"
    vocabulary = {w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha()}
    sets = {
        "banking77_test": texts(DATA / "banking77" / "test.csv", "text"),
        "tweeteval_eval": texts(DATA / "tweeteval_sentiment" / "eval.csv", "text"),
        "amazon_reviews": texts(DATA / "reviews_datafiniti_amazon.csv", "reviews.text"),
    }
    result: dict = {"texts_per_set": LIMIT, "sets": {}}
    for name, rows in sets.items():
        flagged_words = sum(bool(non_words(t)) for t in rows)
        plain = sum(
            any(w.lower() not in vocabulary for w in re.findall(r"[A-Za-z]+", t)) for t in rows
        )
        kinds: dict[str, int] = {}
        for text in rows:
            for problem in quality_problems(text, "review_reply"):
                kind = "non-word" if "is not a word" in problem else problem.split(" (")[0]
                kinds[kind] = kinds.get(kind, 0) + 1
        result["sets"][name] = {
            "texts": len(rows),
            "non_word_flagged_share": round(flagged_words / len(rows), 3),
            "peer_plain_lookup_flagged_share": round(plain / len(rows), 3),
            "ratio_ours_over_peer": round(flagged_words / max(plain, 1), 3),
            "any_rule_by_kind_share": {
                k: round(v / len(rows), 3) for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])
            },
            "examples_flagged": [[t[:120], non_words(t)[:3]] for t in rows if non_words(t)][:8],
        }
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {k: {kk: v[kk] for kk in list(v)[:4]} for k, v in result["sets"].items()}, indent=2
        )
    )


if __name__ == "__main__":
    main()
