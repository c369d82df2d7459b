"""Text generators behind one interface, for campaign copy and topic names.

Backends (the local Hugging Face ones load on first use, never at import):

* :class:`ChatCompletionsGenerator`: any OpenAI-compatible ``/chat/completions`` endpoint
  (Ollama, vLLM, llama.cpp server, a hosted API), with base URL, model and key.

Every backend raises :class:`loaders.errors.GeneratorError` with a one-line message for
expected failures (unreachable, timeout, HTTP error, malformed answer), so callers can
fall back to deterministic copy.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from loaders.errors import GeneratorError


@dataclass(frozen=True)
class GenerationOptions:
    max_new_tokens: int = 120
    temperature: float = 0.7
    top_k: int = 40
    top_p: float = 0.9
    seed: int | None = None


class Generator(Protocol):
    name: str

    def generate(self, system: str, prompt: str, options: GenerationOptions) -> str:
        """The model's answer to ``prompt`` under the ``system`` instruction."""
        ...


@dataclass
class ChatCompletionsGenerator:
    """An OpenAI-compatible chat-completions endpoint, e.g. ``http://localhost:11434/v1``."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 60.0

    @property
    def name(self) -> str:
        return f"{self.model} at {self.base_url}"

    def generate(self, system: str, prompt: str, options: GenerationOptions) -> str:
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": prompt},
            ],
            "max_tokens": options.max_new_tokens,
            "temperature": options.temperature,
            "top_p": options.top_p,
            "top_k": options.top_k,  # not in OpenAI's API; vLLM, llama.cpp and Ollama take it
        }
        if options.seed is not None:
            body["seed"] = options.seed
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url = self.base_url.rstrip("/") + "/chat/completions"
        request = urllib.request.Request(
            url, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310 - the user's endpoint
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise GeneratorError(
                f"{url} answered HTTP {error.code}: {_error_message(error)}. Fix: check the "
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
            raise GeneratorError(
                f"Cannot reach {url}: {reason}. Fix: start the server or correct its base URL."
            ) from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise GeneratorError(f"{url} did not answer with JSON.") from None
        try:
            content = answer["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise GeneratorError(
                f"{url} answered without choices[0].message.content: {json.dumps(answer)[:120]}"
            ) from None
        if not isinstance(content, str):
            raise GeneratorError(f"{url} answered with non-text content.")
        return content.strip()


def _error_message(error: urllib.error.HTTPError) -> str:
    try:
        payload = json.loads(error.read().decode("utf-8"))
        detail = payload.get("error", payload)
        message = detail.get("message") if isinstance(detail, dict) else detail
        return str(message)[:200]
    except (ValueError, AttributeError):
        return error.reason or "no details"
