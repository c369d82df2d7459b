"""Local causal language models: a folder, a Hugging Face id from the hub cache (offline),
the offline default SmolLM2 from its GGUF file (slow), and the choice made by settings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.suggestions.generators import (
    ChatCompletionsGenerator,
    GenerationOptions,
    LocalCausalLMGenerator,
    dequantized_cache_dir,
    make_generator,
    smollm2_gguf,
)
from loaders.config import load_settings
from loaders.errors import GeneratorError
from tests.conftest import REPO, save_tiny_model

HUB_ID = "acme/tiny-chat"
CHAT_TEMPLATE = (
    "{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<assistant>{% endif %}"
)


def _tiny_causal_lm(folder: Path, tokenizer_source: Path) -> Path:
    """A randomly initialised 2-layer Llama with a chat template: loads and samples in seconds."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_source)
    tokenizer.chat_template = CHAT_TEMPLATE
    return save_tiny_model(
        folder,
        tokenizer,
        LlamaConfig,
        LlamaForCausalLM,
        num_key_value_heads=2,
        max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id,
    )


@pytest.fixture(scope="module")
def tiny_lm(tiny_base, tmp_path_factory) -> Path:
    return _tiny_causal_lm(tmp_path_factory.mktemp("tiny-lm"), tiny_base)


def test_a_model_folder_loads_on_first_use_and_samples_variants(tiny_lm):
    generator = LocalCausalLMGenerator(str(tiny_lm))
    assert generator._loaded is None and generator.name == tiny_lm.name  # nothing loaded yet
    options = GenerationOptions(max_new_tokens=8, temperature=1.0, seed=3)
    texts = generator.generate_many("Be brief.", "Write a headline.", options, 3)
    assert len(texts) == 3 and all(isinstance(t, str) and t for t in texts)
    assert texts == generator.generate_many("Be brief.", "Write a headline.", options, 3)  # seeded
    greedy = GenerationOptions(max_new_tokens=8, temperature=0.0)
    assert len(set(generator.generate_many("", "Hi", greedy, 2))) == 1


def test_a_missing_model_is_a_one_line_error(tmp_path):
    with pytest.raises(GeneratorError, match="Cannot load the generator") as error:
        LocalCausalLMGenerator(str(tmp_path / "nothing-here")).load()
    assert "\n" not in str(error.value)
    with pytest.raises(GeneratorError, match="does not exist"):
        LocalCausalLMGenerator(str(tmp_path / "model.gguf")).load()


def test_a_hub_id_loads_from_the_hub_cache_without_internet(tiny_lm, tmp_path):
    repo = tmp_path / "hub" / ("models--" + HUB_ID.replace("/", "--"))
    snapshot = repo / "snapshots" / ("b" * 40)
    snapshot.mkdir(parents=True)
    for file in tiny_lm.iterdir():
        (snapshot / file.name).write_bytes(file.read_bytes())
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("b" * 40)
    code = (
        "from analysis.suggestions.generators import LocalCausalLMGenerator, GenerationOptions\n"
        f"g = LocalCausalLMGenerator({HUB_ID!r})\n"
        "print(len(g.generate_many('', 'Hi', GenerationOptions(max_new_tokens=4, seed=1), 2)))\n"
        "try:\n"
        "    LocalCausalLMGenerator('acme/not-cached').load()\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
    )
    env = {**os.environ, "HF_HUB_CACHE": str(tmp_path / "hub"), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2", "GeneratorError"]


def test_settings_choose_the_generator(tmp_path):
    assert make_generator(load_settings({"generator": "template"}, environ={})) is None
    with pytest.raises(GeneratorError, match="needs a model name"):
        make_generator(load_settings({"generator": "openai"}, environ={}))
    chat = make_generator(
        load_settings(
            {"generator": "openai", "generator_model": "llama3.2"},
            environ={
                "BRANDPULSE_GENERATOR_BASE_URL": "http://gpu-box:8000/v1",
                "BRANDPULSE_GENERATOR_API_KEY": "sk-test",
            },
        )
    )
    assert isinstance(chat, ChatCompletionsGenerator)
    assert (chat.base_url, chat.model, chat.api_key) == (
        "http://gpu-box:8000/v1",
        "llama3.2",
        "sk-test",
    )
    local = make_generator(
        load_settings({"generator": "HuggingFaceTB/SmolLM2-360M-Instruct"}, environ={})
    )
    assert isinstance(local, LocalCausalLMGenerator) and local._loaded is None
    default = make_generator(load_settings({"model_dir": tmp_path}, environ={}))
    assert isinstance(default, LocalCausalLMGenerator)
    assert default.source.endswith("SmolLM2-135M-Instruct.Q4_1.gguf")


@pytest.mark.slow
def test_the_offline_default_loads_from_gguf_caches_and_writes_text(tmp_path):
    gguf = smollm2_gguf()
    cache = dequantized_cache_dir(gguf, tmp_path)
    started = time.perf_counter()
    cold = LocalCausalLMGenerator(str(gguf), tmp_path)
    cold.load()
    cold_s = time.perf_counter() - started
    assert (cache / "brandpulse-generator.json").is_file()
    assert (cache / "model.safetensors").is_file()
    started = time.perf_counter()
    warm = LocalCausalLMGenerator(str(gguf), tmp_path)
    warm.load()
    warm_s = time.perf_counter() - started
    assert warm_s < cold_s
    # Greedy decoding: the cached checkpoint must answer exactly as the GGUF file does.
    greedy = GenerationOptions(max_new_tokens=24, temperature=0.0)
    prompt = "Write one friendly social media post about a water bottle that keeps drinks cold."
    text = warm.generate("You write short marketing copy.", prompt, greedy)
    assert len(text.split()) >= 5, text
    assert cold.generate("You write short marketing copy.", prompt, greedy) == text
    sampled = warm.generate_many("", prompt, GenerationOptions(max_new_tokens=8, seed=1), 3)
    assert len(sampled) == 3
