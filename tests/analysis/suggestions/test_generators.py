"""The chat-completions client against a small local server speaking the wire format."""

from __future__ import annotations

import json
import socket
import time

import pytest

from analysis.suggestions.generators import ChatCompletionsGenerator, GenerationOptions
from loaders.errors import GeneratorError
from tests.conftest import QuietHandler, local_server


class Handler(QuietHandler):
    requests: list[tuple[str, dict, dict]] = []

    def reply(self, status: int, body: bytes) -> None:  # type: ignore[override]
        super().reply(status, body, "application/json")

    def do_POST(self) -> None:
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Handler.requests.append((self.path, dict(self.headers), payload))
        model = payload["model"]
        if model == "slow":
            time.sleep(2)
        if model == "locked":
            self.reply(401, json.dumps({"error": {"message": "Invalid API key"}}).encode())
        elif model == "garbled":
            self.reply(200, b"<html>not json</html>")
        elif model == "empty":
            self.reply(200, json.dumps({"choices": []}).encode())
        else:
            answer = {
                "id": "x",
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": "  Stay cold, stay kind.  "},
                        "finish_reason": "stop",
                    }
                ],
            }
            self.reply(200, json.dumps(answer).encode())


@pytest.fixture(scope="module")
def server():
    with local_server(Handler) as address:
        yield f"http://{address}/v1"


def test_sends_the_chat_completions_request_and_reads_the_answer(server):
    generator = ChatCompletionsGenerator(server, "smol", api_key="secret")
    options = GenerationOptions(max_new_tokens=40, temperature=0.2, top_k=10, top_p=0.8, seed=3)
    assert generator.generate("You write ads.", "Write one.", options) == "Stay cold, stay kind."
    path, headers, body = Handler.requests[-1]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer secret"
    assert body == {
        "model": "smol",
        "messages": [
            {"role": "system", "content": "You write ads."},
            {"role": "user", "content": "Write one."},
        ],
        "max_tokens": 40,
        "temperature": 0.2,
        "top_p": 0.8,
        "top_k": 10,
        "seed": 3,
    }


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("locked", "answered HTTP 401: Invalid API key"),
        ("garbled", "did not answer with JSON"),
        ("empty", "answered without choices[0].message.content"),
    ],
)
def test_server_errors_are_one_line(server, model, message):
    with pytest.raises(
        GeneratorError, match=message.replace("[", r"\[").replace("]", r"\]")
    ) as raised:
        ChatCompletionsGenerator(server, model).generate("s", "p", GenerationOptions())
    assert "\n" not in str(raised.value)


def test_timeout_and_unreachable_server(server):
    with pytest.raises(GeneratorError, match="did not answer within 1 s"):
        ChatCompletionsGenerator(server, "slow", timeout_s=1).generate(
            "s", "p", GenerationOptions()
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(GeneratorError, match="Cannot reach"):
        ChatCompletionsGenerator(f"http://127.0.0.1:{port}/v1", "smol").generate(
            "s", "p", GenerationOptions()
        )


def test_worked_examples_travel_as_earlier_chat_turns(server):
    generator = ChatCompletionsGenerator(server, "smol")
    generator.generate(
        "You write ads.", "Write one.", GenerationOptions(), [("Write another.", "Stay cold.")]
    )
    _, _, body = Handler.requests[-1]
    assert body["messages"] == [
        {"role": "system", "content": "You write ads."},
        {"role": "user", "content": "Write another."},
        {"role": "assistant", "content": "Stay cold."},
        {"role": "user", "content": "Write one."},
    ]


def test_each_sample_of_many_carries_the_worked_examples(server):
    generator = ChatCompletionsGenerator(server, "smol")
    before = len(Handler.requests)
    texts = generator.generate_many(
        "", "Write one.", GenerationOptions(seed=5), 2, [("Write another.", "Stay cold.")]
    )
    assert texts == ["Stay cold, stay kind.", "Stay cold, stay kind."]
    sent = Handler.requests[before:]
    assert [body["seed"] for _, _, body in sent] == [5, 6]
    assert all(body["messages"][1]["content"] == "Stay cold." for _, _, body in sent)
