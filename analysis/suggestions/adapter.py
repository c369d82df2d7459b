"""A brand-voice LoRA adapter for the local generator, trained on the copy people approved.

Training examples are chat turns: the prompt the product sends for a card and format (the
free strategy's :func:`analysis.suggestions.prompts.build_prompt`) and, as the answer, the
approved text (the edit wins); approved replies and knowledge-base entries add the brand's
own answers. The loss counts the answer tokens only, so the adapter learns the mapping from
facts to the brand's voice rather than the prompt.

An adapter is saved under ``model_dir/adapters/<hash>``, the hash covering the base model,
the texts and the hyper-parameters: the same inputs reuse it without training. It becomes
the active one for its base model (``adapters/active.json``) only when its pass rate of the
automatic checks on evaluation cards is at least that of the current one (the previous
adapter, or the bare model). torch and peft load inside the functions only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from analysis.insight.cards import Card
from analysis.suggestions import sql
from analysis.suggestions.generators import (
    ACTIVE_FILE,
    LocalCausalLMGenerator,
    active_adapter,
    adapters_dir,
    base_key,
)
from analysis.suggestions.plays import SuggestOptions
from analysis.suggestions.prompts import build_prompt
from loaders.config import Settings
from loaders.errors import BrandpulseError, explain

ProgressCallback = Callable[[str, int, int], None]  # (stage, done, total)
Evaluate = Callable[[LocalCausalLMGenerator], float]  # a generator's pass rate, 0..1

METADATA_FILE = "brandpulse-adapter.json"
EVAL_CARDS_FILE = "adapter_eval_cards.json"
MIN_TEXTS = 5  # fewer approved texts teach the model nothing but noise
MIN_HELD_OUT = 5  # fewer held-out cards make a pass rate too coarse to compare
REPLY_SYSTEM = "You reply to a customer's post for the brand, kindly and briefly."
KNOWLEDGE_SYSTEM = "You answer a customer's question for the brand, using the brand's policy."


@dataclass(frozen=True)
class TrainingText:
    kind: str  # "suggestion", "reply" or "knowledge"
    text: str  # the approved answer
    format: str = "social_post"
    card_kind: str = ""
    card_title: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    question: str = ""  # a knowledge entry's issue

    def card(self) -> Card:
        return Card(self.card_kind, self.card_title, 0.0, dict(self.facts))


@dataclass(frozen=True)
class TuneOptions:
    epochs: int = 3
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    learning_rate: float = 2e-3
    max_tokens: int = 384  # per example; SmolLM2 prompts for one card are ~250 tokens
    seed: int = 0


@dataclass(frozen=True)
class TuneResult:
    path: Path
    key: str  # the inputs' hash, the folder's name
    trained: bool  # False when an adapter for the same inputs already existed
    texts: int  # training texts used
    eval_cards: int
    pass_before: float | None  # the current generator's pass rate (None: not evaluated)
    pass_after: float | None  # the new adapter's
    activated: bool
    reason: str
    seconds: float  # training time (0 when reused)
    final_loss: float | None = None


def training_texts(con: duckdb.DuckDBPyConnection) -> list[TrainingText]:
    """Approved suggestions (the edit wins) with their card, then approved replies and
    knowledge-base entries."""
    texts = []
    for _id, fmt, kind, title, facts, final in con.execute(sql.APPROVED_SUGGESTIONS).fetchall():
        parsed = json.loads(facts) if isinstance(facts, str) else dict(facts or {})
        texts.append(TrainingText("suggestion", final.strip(), fmt, kind, title, parsed))
    for _id, final in con.execute(sql.APPROVED_REPLIES).fetchall():
        texts.append(TrainingText("reply", final.strip(), "review_reply"))
    for _id, issue, answer in con.execute(sql.KNOWLEDGE_ENTRIES).fetchall():
        texts.append(TrainingText("knowledge", answer.strip(), question=issue.strip()))
    return texts


def chat_example(text: TrainingText, brand: str | None = None) -> list[dict[str, str]]:
    """The chat turns of one training example: the product's prompt, then the answer."""
    if text.kind == "suggestion":
        system, prompt = build_prompt(text.card(), text.format, SuggestOptions(), brand)
    elif text.kind == "reply":
        system, prompt = REPLY_SYSTEM, "Write a short reply to the customer's post."
    else:
        system, prompt = KNOWLEDGE_SYSTEM, f"Customer question: {text.question}"
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": prompt},
        {"role": "assistant", "content": text.text},
    ]


def inputs_hash(
    base: LocalCausalLMGenerator, texts: Sequence[TrainingText], tune: TuneOptions
) -> str:
    """The adapter's identity: base model, texts (in order) and hyper-parameters."""
    payload = {
        "base": base_key(base.source),
        "texts": [asdict(t) for t in texts],
        "options": asdict(tune),
    }
    encoded = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


def split_texts(
    texts: Sequence[TrainingText], seed: int = 0
) -> tuple[list[TrainingText], list[Card]]:
    """(training texts, evaluation cards): a held-out 20% of the approved suggestions' cards
    when that makes at least MIN_HELD_OUT, else every text and the packaged cards."""
    suggestions = [t for t in texts if t.kind == "suggestion" and t.card_kind]
    held_count = len(suggestions) // 5
    if held_count < MIN_HELD_OUT:
        return list(texts), packaged_cards()
    held = random.Random(seed).sample(suggestions, held_count)
    held_ids = {id(t) for t in held}
    return [t for t in texts if id(t) not in held_ids], [t.card() for t in held]


def packaged_cards() -> list[Card]:
    """The small packaged evaluation set (analysis/suggestions/adapter_eval_cards.json)."""
    raw = resources.files("analysis.suggestions").joinpath(EVAL_CARDS_FILE).read_text("utf-8")
    return [Card(c["kind"], c["title"], 0.0, c["facts"]) for c in json.loads(raw)]


def pass_rate_evaluator(
    cards: Sequence[Card],
    names: Sequence[str] = (),
    brand: str | None = None,
    fmt: str = "social_post",
    options: SuggestOptions | None = None,
) -> Evaluate:
    """evaluate(generator): the share of generated candidates that pass every automatic
    check, over ``cards`` in one format, with the writer's default options (seeded)."""
    from analysis.suggestions.writer import write_variants

    chosen = options or SuggestOptions(formats=(fmt,), seed=7)

    def evaluate(generator: LocalCausalLMGenerator) -> float:
        passed = total = 0
        for card in cards:
            _variants, raw, _note = write_variants(card, fmt, generator, chosen, names, brand)
            total += len(raw)
            passed += sum(1 for r in raw if r.check.ok)
        return passed / total if total else 0.0

    return evaluate


def _encode(tokenizer: Any, messages: list[dict[str, str]], limit: int) -> tuple[list, list]:
    """(input ids, labels) with the prompt's labels masked (-100): loss on the answer only."""
    if getattr(tokenizer, "chat_template", None):
        prompt = tokenizer.apply_chat_template(
            messages[:-1], add_generation_prompt=True, tokenize=True, return_dict=True
        )["input_ids"]
        full = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True)["input_ids"]
    else:
        head = "\n\n".join(m["content"] for m in messages[:-1]) + "\n"
        prompt = tokenizer(head)["input_ids"]
        full = prompt + tokenizer(messages[-1]["content"], add_special_tokens=False)["input_ids"]
        full = [*full, tokenizer.eos_token_id]
    prompt, full = list(prompt), list(full)
    labels = [-100] * len(prompt) + full[len(prompt) :]
    if len(full) > limit:  # keep the answer: drop the prompt's start
        full, labels = full[-limit:], labels[-limit:]
    return full, labels


def _train(
    base: LocalCausalLMGenerator,
    texts: Sequence[TrainingText],
    tune: TuneOptions,
    folder: Path,
    progress: ProgressCallback | None,
    brand: str | None,
) -> float:
    """Train a LoRA adapter and save it to ``folder``; the last epoch's mean loss."""
    import torch
    from peft import LoraConfig, get_peft_model

    # A fresh float copy of the base: the generator's own may have an int8 output layer.
    plain = LocalCausalLMGenerator(base.source, base.model_dir, quantize_output_layer=False)
    tokenizer, model = plain.load()
    torch.manual_seed(tune.seed)
    names = {n.rsplit(".", 1)[-1] for n, _ in model.named_modules()}
    targets = [t for t in ("q_proj", "v_proj", "o_proj") if t in names] or None
    config = LoraConfig(
        r=tune.rank,
        lora_alpha=tune.alpha,
        lora_dropout=tune.dropout,
        target_modules=targets,
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, config)
    model.train()
    examples = [_encode(tokenizer, chat_example(t, brand), tune.max_tokens) for t in texts]
    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=tune.learning_rate
    )
    order = random.Random(tune.seed)
    total = tune.epochs * len(examples)
    done = 0
    epoch_loss = 0.0
    for _epoch in range(tune.epochs):
        indices = list(range(len(examples)))
        order.shuffle(indices)
        epoch_loss = 0.0
        for index in indices:
            ids, labels = examples[index]
            loss = model(input_ids=torch.tensor([ids]), labels=torch.tensor([labels])).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            epoch_loss += loss.item()
            done += 1
            if progress:
                progress("training", done, total)
    model.eval()
    model.save_pretrained(str(folder))
    return epoch_loss / max(len(examples), 1)


def _read_active(model_dir: Path) -> dict[str, str]:
    try:
        active = json.loads((adapters_dir(model_dir) / ACTIVE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return active if isinstance(active, dict) else {}


def activate(model_dir: Path, source: str, key: str) -> None:
    """Point the base model ``source`` at adapter ``key`` (written whole, then renamed)."""
    active = _read_active(model_dir)
    active[base_key(source)] = key
    pointer = adapters_dir(model_dir) / ACTIVE_FILE
    partial = pointer.with_name(f"{ACTIVE_FILE}.partial-{time.monotonic_ns()}")
    partial.write_text(json.dumps(active, indent=2, sort_keys=True), encoding="utf-8")
    partial.replace(pointer)


def tune_adapter(
    settings: Settings,
    texts: Sequence[TrainingText],
    base: LocalCausalLMGenerator,
    progress: ProgressCallback | None = None,
    evaluate: Evaluate | None = None,
    *,
    tune: TuneOptions | None = None,
    force_activate: bool = False,
    brand: str | None = None,
    names: Sequence[str] = (),
    eval_cards: Sequence[Card] | None = None,
) -> TuneResult:
    """Train (or reuse) a brand-voice adapter on ``texts`` and activate it when it passes
    the automatic checks at least as often as the current generator. ``eval_cards`` given,
    every text trains and those cards evaluate (the benchmark's held-out set)."""
    tune = tune or TuneOptions()
    if len(texts) < MIN_TEXTS:
        raise BrandpulseError(
            explain(
                f"Only {len(texts)} approved texts to learn the brand voice from",
                expected=f"at least {MIN_TEXTS} approved suggestions, replies or knowledge entries",
                fix="approve (or edit and approve) more suggestions first.",
            )
        )
    if eval_cards is None:
        train, cards = split_texts(texts, tune.seed)
    else:
        train, cards = list(texts), list(eval_cards)
    if evaluate is None:
        evaluate = pass_rate_evaluator(cards, names, brand)
    key = inputs_hash(base, train, tune)
    folder = adapters_dir(settings.model_dir) / key
    trained, seconds, loss = False, 0.0, None
    if not (folder / "adapter_config.json").is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        partial = folder.with_name(f"{key}.partial-{time.monotonic_ns()}")
        started = time.perf_counter()
        try:
            loss = _train(base, train, tune, partial, progress, brand)
            seconds = time.perf_counter() - started
            _write_metadata(partial, base, train, tune, seconds, loss)
            if folder.exists():  # another process finished first
                shutil.rmtree(partial, ignore_errors=True)
            else:
                partial.rename(folder)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        trained = True
    result = _decide(settings, base, folder, key, evaluate, progress, force_activate)
    result = replace(
        result,
        trained=trained,
        texts=len(train),
        eval_cards=len(cards),
        seconds=seconds,
        final_loss=loss if loss is not None else _metadata(folder).get("final_loss"),
    )
    _update_metadata(folder, result)
    return result


def _decide(
    settings: Settings,
    base: LocalCausalLMGenerator,
    folder: Path,
    key: str,
    evaluate: Evaluate,
    progress: ProgressCallback | None,
    force_activate: bool,
) -> TuneResult:
    """Evaluate the current generator and the candidate, and activate the candidate if it
    is no worse (or when forced)."""
    current_folder = active_adapter(settings.model_dir, base.source)
    if current_folder is not None and current_folder.name == key:
        return TuneResult(folder, key, False, 0, 0, None, None, True, "already active", 0.0)
    if progress:
        progress("evaluating", 0, 2)
    current = LocalCausalLMGenerator(
        base.source, base.model_dir, base.label, base.quantize_output_layer, current_folder
    )
    before = evaluate(current)
    if progress:
        progress("evaluating", 1, 2)
    candidate = LocalCausalLMGenerator(
        base.source, base.model_dir, base.label, base.quantize_output_layer, folder
    )
    after = evaluate(candidate)
    if progress:
        progress("evaluating", 2, 2)
    against = f"adapter {current_folder.name[:8]}" if current_folder else "the bare model"
    if after >= before or force_activate:
        activate(settings.model_dir, base.source, key)
        why = (
            f"pass rate {after:.0%} >= {before:.0%} of {against}"
            if after >= before
            else f"forced, though its pass rate {after:.0%} < {before:.0%} of {against}"
        )
        return TuneResult(folder, key, False, 0, 0, before, after, True, why, 0.0)
    why = f"kept {against}: pass rate {after:.0%} < {before:.0%}"
    return TuneResult(folder, key, False, 0, 0, before, after, False, why, 0.0)


def _metadata(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / METADATA_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _write_metadata(
    folder: Path,
    base: LocalCausalLMGenerator,
    texts: Sequence[TrainingText],
    tune: TuneOptions,
    seconds: float,
    loss: float,
) -> None:
    kinds: dict[str, int] = {}
    for text in texts:
        kinds[text.kind] = kinds.get(text.kind, 0) + 1
    metadata = {
        "base": base.name,
        "base_key": base_key(base.source),
        "texts": len(texts),
        "kinds": kinds,
        "options": asdict(tune),
        "training_seconds": round(seconds, 1),
        "final_loss": round(loss, 4),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (folder / METADATA_FILE).write_text(json.dumps(metadata, indent=2), encoding="utf-8")


def _update_metadata(folder: Path, result: TuneResult) -> None:
    """Record the latest evaluation beside the adapter (the pass rates and the decision)."""
    metadata = _metadata(folder)
    metadata.update(
        pass_before=result.pass_before,
        pass_after=result.pass_after,
        activated=result.activated,
        reason=result.reason,
        eval_cards=result.eval_cards,
    )
    with contextlib.suppress(OSError):  # the metadata informs; the adapter itself is saved
        (folder / METADATA_FILE).write_text(json.dumps(metadata, indent=2), encoding="utf-8")


def tune_brand_voice(
    settings: Settings,
    progress: ProgressCallback | None = None,
    *,
    epochs: int = 3,
    force_activate: bool = False,
) -> TuneResult:
    """The CLI's and the Suggestions page's one call: the approved texts of the database,
    the configured local generator (its bare model), a tuned adapter and the decision.

    The database is read first and closed: training takes minutes and must not hold it."""
    from analysis.suggestions.generators import make_generator
    from analysis.suggestions.writer import known_names
    from loaders import store
    from loaders.workspace import my_brand

    bare = make_generator(replace(settings, generator_adapter="off"))
    if not isinstance(bare, LocalCausalLMGenerator):
        raise BrandpulseError(
            explain(
                "Only a local generator can learn a brand voice",
                found=f"generator={settings.generator}",
                fix="set BRANDPULSE_GENERATOR=smollm2 (or a local model) to tune.",
            )
        )
    with store.session(settings=settings, read_only=True) as con:
        texts = training_texts(con)
        brand = my_brand(con, settings)
        names = known_names(con)
    return tune_adapter(
        settings,
        texts,
        bare,
        progress,
        tune=TuneOptions(epochs=epochs),
        force_activate=force_activate,
        brand=brand,
        names=names,
    )
