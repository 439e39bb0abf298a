"""The emulator counts with a tokenizer model as LocalTokenizer does: countTokens, usageMetadata
and computeTokens agree with it for the same model file (over real loopback sockets)."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from genai_actors import AsyncClient, LocalTokenizer, types
from genai_actors.emulator import Emulator

KEY = {"x-goog-api-key": "test-key"}
MODEL = "gemini-2.5-flash"
TOOLS = [
    {
        "functionDeclarations": [
            {
                "name": "get_weather",
                "description": "Weather of a city",
                "parameters": {
                    "type": "OBJECT",
                    "properties": {"city": {"type": "STRING", "description": "City name"}},
                    "required": ["city"],
                },
            }
        ]
    }
]


@pytest.fixture
async def emu(spm_path: Path) -> AsyncIterator[Emulator]:
    """An emulator counting with the test SentencePiece model."""
    async with Emulator(tokenizer_model=spm_path) as emulator:
        yield emulator


@pytest.fixture
def tok(spm_path: Path) -> LocalTokenizer:
    """LocalTokenizer on the same file."""
    return LocalTokenizer(MODEL, model_path=spm_path)


async def post(url: str, body: Any) -> tuple[int, Any]:
    """POST JSON and return the status and decoded body."""
    async with (
        aiohttp.ClientSession(headers=KEY) as session,
        session.post(url, json=body) as response,
    ):
        return response.status, await response.json()


async def test_count_tokens_agrees_with_local_tokenizer(emu: Emulator, tok: LocalTokenizer) -> None:
    """client.models.count_tokens against the emulator equals LocalTokenizer.count_tokens."""
    contents: list[Any] = [
        "What is the weather in Zürich? 😀",
        types.Content(
            role="model",
            parts=[
                types.Part(
                    function_call=types.FunctionCall(
                        name="get_weather", args={"city": "Zürich", "days": 3}
                    )
                )
            ],
        ),
        types.Content(
            role="user",
            parts=[
                types.Part(
                    function_response=types.FunctionResponse(
                        name="get_weather", response={"sky": "clear"}
                    )
                )
            ],
        ),
    ]
    client = AsyncClient(api_key="test-key", http_options={"base_url": emu.url})
    try:
        result = await client.models.count_tokens(model=MODEL, contents=contents)
    finally:
        await client.aclose()
    assert result.total_tokens == tok.count_tokens(contents).total_tokens


async def test_usage_metadata_agrees_with_local_tokenizer(
    emu: Emulator, tok: LocalTokenizer
) -> None:
    """promptTokenCount counts contents, system instruction, tools and response schema as
    LocalTokenizer does; candidatesTokenCount is the candidate text's count, cut at the limit."""
    schema = {"type": "STRING", "description": "a short answer", "enum": ["yes", "no"]}
    body = {
        "contents": [{"role": "user", "parts": [{"text": "Is it sunny in Paris today?"}]}],
        "systemInstruction": {"parts": [{"text": "Answer briefly."}]},
        "tools": TOOLS,
        "generationConfig": {"maxOutputTokens": 7},
    }
    status, data = await post(f"{emu.url}/v1beta/models/{MODEL}:generateContent", body)
    assert status == 200, data
    usage = data["usageMetadata"]
    config = {"system_instruction": "Answer briefly.", "tools": TOOLS}
    assert usage["promptTokenCount"] == (
        tok.count_tokens("Is it sunny in Paris today?", config=config).total_tokens
    )
    text = data["candidates"][0]["content"]["parts"][0]["text"]
    assert data["candidates"][0]["finishReason"] == "MAX_TOKENS"
    assert usage["candidatesTokenCount"] == tok.count_tokens(text).total_tokens <= 7

    body["generationConfig"] = {"responseSchema": schema, "responseMimeType": "text/x.enum"}
    status, data = await post(
        f"{emu.url}/v1beta/models/{MODEL}:countTokens",
        {"generateContentRequest": {**body, "model": f"models/{MODEL}"}},
    )
    assert status == 200, data
    config["generation_config"] = {"response_schema": schema}
    want = tok.count_tokens("Is it sunny in Paris today?", config=config).total_tokens
    assert data["totalTokens"] == want


async def test_compute_tokens_agrees_with_local_tokenizer(
    emu: Emulator, tok: LocalTokenizer
) -> None:
    """computeTokens (served with a tokenizer model) gives LocalTokenizer's ids, pieces, roles."""
    contents = [
        {"role": "user", "parts": [{"text": "Hello wörld"}]},
        {"role": "model", "parts": [{"functionCall": {"name": "f", "args": {"k": "v"}}}]},
    ]
    status, data = await post(
        f"{emu.url}/v1beta/models/{MODEL}:computeTokens", {"contents": contents}
    )
    assert status == 200, data
    ours = tok.compute_tokens(contents).tokens_info or []
    assert len(data["tokensInfo"]) == len(ours) == 4
    for wire, info in zip(data["tokensInfo"], ours, strict=True):
        assert [int(i) for i in wire["tokenIds"]] == info.token_ids
        assert [base64.b64decode(t) for t in wire["tokens"]] == info.tokens
        assert wire["role"] == info.role


async def test_without_a_model_the_word_count_and_no_compute_tokens() -> None:
    """By default the emulator counts words and has no computeTokens (as the Developer API)."""
    async with Emulator() as emulator:
        body = {"contents": [{"role": "user", "parts": [{"text": "one two, three"}]}]}
        status, data = await post(f"{emulator.url}/v1beta/models/{MODEL}:countTokens", body)
        assert (status, data["totalTokens"]) == (200, 4)
        status, _ = await post(f"{emulator.url}/v1beta/models/{MODEL}:computeTokens", body)
        assert status == 404


def test_two_emulators_with_different_models_in_one_process(spm_path: Path, hf_path: Path) -> None:
    """Each emulator counts with its own model, even side by side in one process."""
    text = "The quick brown fox 😀"
    with Emulator(tokenizer_model=spm_path) as a, Emulator(tokenizer_model=hf_path) as b:
        body = {"contents": [{"role": "user", "parts": [{"text": text}]}]}
        counts = [
            asyncio.run(post(f"{e.url}/v1beta/models/{MODEL}:countTokens", body))[1]["totalTokens"]
            for e in (a, b)
        ]
    assert counts == [
        LocalTokenizer(MODEL, model_path=spm_path).count_tokens(text).total_tokens,
        LocalTokenizer("gemini-3.5-flash", model_path=hf_path).count_tokens(text).total_tokens,
    ]


def test_emulator_rejects_a_bad_model_file(tmp_path: Path) -> None:
    """A file that is not a tokenizer model fails at construction; the flag checks the path."""
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"nope")
    with pytest.raises(ValueError, match="SentencePiece"):
        Emulator(tokenizer_model=bad)
    result = subprocess.run(
        [sys.executable, "-m", "genai_actors.emulator", "--tokenizer-model", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_the_emulator_loads_nothing_of_the_client_but_the_core() -> None:
    """Importing the emulator's server loads only the tokenizer's leaf core of genai_actors."""
    code = (
        "import sys; import genai_actors.emulator._server, genai_actors.emulator.__main__; "
        "print(sorted(m for m in sys.modules if m.startswith('genai_actors') "
        "and not m.startswith('genai_actors.emulator')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == str(
        ["genai_actors", "genai_actors._tokenizer", "genai_actors._tokenizer._core"]
    )


async def receive(ws: aiohttp.ClientWebSocketResponse) -> Any:
    """The next Live message (the API sends JSON in binary frames)."""
    message = await ws.receive(timeout=10)
    assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
    return json.loads(message.data)


async def test_live_sessions_count_with_the_model_too(emu: Emulator, tok: LocalTokenizer) -> None:
    """A Live session's usageMetadata counts its prompt with the tokenizer model as well."""
    url = emu.url.replace("http", "ws", 1) + (
        "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
    )
    prompt = "Is it sunny in Paris today?"
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url, params={"key": "test-key"}) as ws,
    ):
        await ws.send_json({"setup": {"model": "models/gemini-2.0-flash-live-001"}})
        assert "setupComplete" in await receive(ws)
        turn = {"role": "user", "parts": [{"text": prompt}]}
        await ws.send_json({"clientContent": {"turns": [turn], "turnComplete": True}})
        while True:
            message = await receive(ws)
            if "usageMetadata" in message:
                break
    assert message["usageMetadata"]["promptTokenCount"] == tok.count_tokens(prompt).total_tokens


@pytest.fixture
def model_marker(request: pytest.FixtureRequest, spm_path: Path) -> None:
    """Marks the test as a user would: @pytest.mark.gemini_emulator(tokenizer_model=PATH)."""
    request.node.add_marker(pytest.mark.gemini_emulator(tokenizer_model=spm_path))


def test_the_pytest_fixture_takes_a_tokenizer_model(
    model_marker: None, gemini_emulator: Emulator, tok: LocalTokenizer
) -> None:
    """The gemini_emulator fixture, marked with tokenizer_model, counts as LocalTokenizer."""
    body = {"contents": [{"role": "user", "parts": [{"text": "Hello wörld"}]}]}
    status, data = asyncio.run(
        post(f"{gemini_emulator.url}/v1beta/models/{MODEL}:countTokens", body)
    )
    assert status == 200
    assert data["totalTokens"] == tok.count_tokens("Hello wörld").total_tokens
