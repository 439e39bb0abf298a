"""Vertex AI generation paths: generate, stream, count and compute tokens, embeddings.

google-genai with ``vertexai=True`` is the oracle: it builds the Vertex paths and bodies and
parses the answers; the raw tests pin what google-genai does not show (paths, shapes).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from google.genai import errors

from genai_actors.emulator import Emulator, FaultConfig

from .conftest import BEARER, SCOPE, Raw, user, vertex_client

MODEL = f"{SCOPE}/publishers/google/models/gemini-2.5-flash"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """One threaded emulator for the module's sync google-genai calls."""
    with Emulator(bearer_tokens=["test-token"]) as emu:
        yield emu


@pytest.fixture(scope="module")
def client(emulator: Emulator) -> Any:
    """google-genai's sync client on Vertex AI, one per module (each costs ~0.7 s)."""
    return vertex_client(emulator.url)


@pytest.fixture(autouse=True)
def _fresh(emulator: Emulator) -> None:
    """Each test starts with an empty request log and no faults."""
    emulator.recorded.clear()
    emulator.faults.clear()


def test_generate_and_stream_match_the_developer_api(emulator: Emulator, client: Any) -> None:
    """Vertex answers are the Developer API's answers for the same model and prompt; the
    stream's text joins to the same text, requested with ?alt=sse on the Vertex path."""
    reply = client.models.generate_content(model="gemini-2.5-flash", contents="Tell me of Lyon")
    assert "Lyon" in reply.text
    assert reply.usage_metadata.prompt_token_count == 4
    chunks = list(
        client.models.generate_content_stream(model="gemini-2.5-flash", contents="Tell me of Lyon")
    )
    assert len(chunks) > 1
    assert "".join(c.text or "" for c in chunks) == reply.text
    paths = [(r.method, r.path, r.query) for r in emulator.recorded]
    assert paths == [
        ("POST", f"/{MODEL}:generateContent", {}),
        ("POST", f"/{MODEL}:streamGenerateContent", {"alt": "sse"}),
    ]


def test_vertex_only_request_fields_are_accepted(client: Any) -> None:
    """Fields google-genai sends only to Vertex AI (labels, routing config, audio timestamp)
    pass the Vertex request parser."""
    reply = client.models.generate_content(
        model="gemini-2.5-flash",
        contents="hi",
        config={
            "labels": {"team": "a"},
            "audio_timestamp": True,
            "routing_config": {"auto_mode": {"model_routing_preference": "BALANCED"}},
        },
    )
    assert reply.text


def test_count_tokens_counts_system_instruction_and_tools(client: Any) -> None:
    """countTokens on Vertex adds the system instruction and the tools to the contents."""
    plain = client.models.count_tokens(model="gemini-2.5-flash", contents="one two three")
    assert plain.total_tokens == 3
    full = client.models.count_tokens(
        model="gemini-2.5-flash",
        contents="one two three",
        config={
            "system_instruction": "four five",
            "tools": [{"function_declarations": [{"name": "lookup", "description": "find"}]}],
        },
    )
    assert full.total_tokens > 5


def test_compute_tokens_agrees_with_count_tokens(client: Any) -> None:
    """computeTokens lists, per text, the tokens countTokens counts, with ids and bytes."""
    text = "Hello, world: tokens!"
    computed = client.models.compute_tokens(model="gemini-2.5-flash", contents=text)
    (info,) = computed.tokens_info
    assert info.role == "user"
    assert b"".join(info.tokens) == b"Hello,world:tokens!"
    assert len(info.token_ids) == len(info.tokens)
    counted = client.models.count_tokens(model="gemini-2.5-flash", contents=text)
    assert counted.total_tokens == len(info.tokens)
    again = client.models.compute_tokens(model="gemini-2.5-flash", contents=text)
    assert again.tokens_info[0].token_ids == info.token_ids


def test_embeddings_on_vertex_paths(emulator: Emulator, client: Any) -> None:
    """gemini-embedding-001 goes through batchEmbedContents with embedContentConfig; the
    dimensionality is honoured and each vector has unit norm."""
    result = client.models.embed_content(
        model="gemini-embedding-001",
        contents=["a cat", "a dog"],
        config={"output_dimensionality": 8},
    )
    assert [len(e.values) for e in result.embeddings] == [8, 8]
    assert result.embeddings[0].values != result.embeddings[1].values
    assert abs(sum(v * v for v in result.embeddings[0].values) - 1) < 1e-9
    (request,) = list(emulator.recorded)
    assert request.path.endswith(":batchEmbedContents")


def test_unknown_model_is_vertex_404(client: Any) -> None:
    """An unknown publisher model gets Vertex AI's 'Publisher Model ... was not found'."""
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model="gemini-9-ultra", contents="x")
    assert caught.value.code == 404
    assert "Publisher Model `projects/proj/locations/us-central1/publishers/google/models/" in (
        caught.value.message or ""
    )


def test_faults_apply_to_vertex_paths(emulator: Emulator, client: Any) -> None:
    """Per-model faults and fail-next hit the Vertex path of the same model."""
    emulator.faults.fail_next(1, 503, model="gemini-2.5-flash")
    with pytest.raises(errors.ServerError):
        client.models.generate_content(model="gemini-2.5-flash", contents="x")
    emulator.faults.configure(FaultConfig(stream_cut_after=1), model="gemini-2.5-flash")
    with pytest.raises(Exception):  # noqa: B017 - the transport's own error for a cut
        list(client.models.generate_content_stream(model="gemini-2.5-flash", contents="a b c d"))
    assert client.models.generate_content(model="gemini-2.5-flash-lite", contents="x").text


async def test_raw_shapes(vraw: Raw) -> None:
    """The raw wire: countTokens shape, computeTokens base64 tokens, express mode, v1, and a
    malformed scope."""
    status, body = await vraw.post(
        f"{MODEL}:countTokens", {"contents": [user("a b")]}, headers=BEARER
    )
    assert status == 200
    assert body["totalTokens"] == 2
    assert body["totalBillableCharacters"] == 2
    status, body = await vraw.post(
        f"{MODEL}:computeTokens", {"contents": [user("ab cd")]}, headers=BEARER
    )
    assert status == 200
    tokens = body["tokensInfo"][0]["tokens"]
    assert [base64.b64decode(t) for t in tokens] == [b"ab", b"cd"]
    assert all(isinstance(i, str) for i in body["tokensInfo"][0]["tokenIds"])
    status, body = await vraw.post(
        f"{MODEL}:generateContent", {"contents": [user("x")]}, headers=BEARER
    )
    assert status == 200
    assert body["createTime"].endswith("Z")
    assert body["usageMetadata"]["trafficType"] == "ON_DEMAND"
    async with vraw.session.post(
        f"{vraw.base}/{MODEL}:streamGenerateContent",
        params={"alt": "sse"},
        json={"contents": [user("a b c d e f g h i j k l")]},
        headers=BEARER,
    ) as resp:
        events = [line for line in (await resp.text()).splitlines() if line.startswith("data: ")]
    assert len(events) > 1
    assert all('"createTime"' in e for e in events)
    assert '"trafficType":"ON_DEMAND"' in events[-1]
    v1 = MODEL.replace("v1beta1/", "v1/") + ":generateContent"
    status, _ = await vraw.post(v1, {"contents": [user("x")]}, headers=BEARER)
    assert status == 200
    status, _ = await vraw.post(
        "v1beta1/projects/proj/publishers/google/models/gemini-2.5-flash:generateContent",
        {"contents": [user("x")]},
        headers=BEARER,
    )
    assert status == 404
    status, body = await vraw.post(
        f"{MODEL}:generateContent", {"contents": [user("x")], "bogus": 1}, headers=BEARER
    )
    assert status == 400
    assert "bogus" in body["error"]["message"]


async def test_developer_only_fields_are_unknown_on_vertex(vraw: Raw) -> None:
    """Fields only the Developer API has (google-genai refuses them for Vertex) are unknown
    names on the Vertex paths, as Vertex AI's parser answers; the Developer API takes them."""
    cases = [
        {"tools": [{"fileSearch": {"fileSearchStoreNames": ["s"]}}]},
        {"toolConfig": {"includeServerSideToolInvocations": True}},
        {"generationConfig": {"enableEnhancedCivicAnswers": True}},
    ]
    for extra in cases:
        body = {"contents": [user("x")], **extra}
        status, out = await vraw.post(f"{MODEL}:countTokens", body, headers=BEARER)
        assert status == 400, extra
        assert "Unknown name" in out["error"]["message"]
    dev = "v1beta/models/gemini-2.5-flash:generateContent"
    body = {"contents": [user("x")], "generationConfig": {"enableEnhancedCivicAnswers": True}}
    status, _ = await vraw.post(dev, body, headers={"x-goog-api-key": "k"})
    assert status == 200
