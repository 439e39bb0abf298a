"""The oracle: google-genai 3.x, pointed at the emulator, works unchanged and gets sane results.

Every ``models`` call the SDK supports on the Developer API is exercised through its async client
(plus one call through the sync client). If the emulator drifted from the real wire protocol, the
SDK's own request building and response parsing would fail here.
"""

from __future__ import annotations

import asyncio
import base64
import enum
import math
from collections.abc import Iterator

import aiohttp
import pydantic
import pytest
from google import genai
from google.genai import errors, types

from genai_actors.emulator import Emulator, FaultConfig

# google-genai's async transport subclasses aiohttp.ClientSession, which aiohttp deprecates; the
# warning fires when the SDK builds its session and is not ours to fix.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Inheritance class AiohttpClientSession from ClientSession is discouraged"
    ":DeprecationWarning"
)


@pytest.fixture
def client(emu: Emulator) -> genai.client.AsyncClient:
    """google-genai's async client aimed at the in-loop emulator."""
    return genai.Client(api_key="k", http_options=types.HttpOptions(base_url=emu.url)).aio


async def test_generate_content_text(client: genai.client.AsyncClient) -> None:
    """A plain prompt gives deterministic text mentioning the prompt, with usage metadata."""
    first = await client.models.generate_content(
        model="gemini-2.5-flash", contents="Tell me about Marseille"
    )
    second = await client.models.generate_content(
        model="gemini-2.5-flash", contents="Tell me about Marseille"
    )
    assert first.text == second.text
    assert first.text is not None
    assert "Marseille" in first.text
    assert first.candidates is not None
    assert first.candidates[0].finish_reason == types.FinishReason.STOP
    usage = first.usage_metadata
    assert usage is not None
    assert usage.prompt_token_count == 4
    assert usage.total_token_count == (
        (usage.prompt_token_count or 0)
        + (usage.candidates_token_count or 0)
        + (usage.thoughts_token_count or 0)
    )


async def test_generate_content_with_config_and_history(client: genai.client.AsyncClient) -> None:
    """System instructions, sampling config, safety settings and multi-turn history are accepted."""
    response = await client.models.generate_content(
        model="gemini-2.0-flash",
        contents=[
            types.Content(role="user", parts=[types.Part(text="Hi")]),
            types.Content(role="model", parts=[types.Part(text="Hello")]),
            types.Content(role="user", parts=[types.Part(text="What about Rome?")]),
        ],
        config=types.GenerateContentConfig(
            system_instruction="Answer briefly",
            temperature=0.2,
            top_p=0.9,
            top_k=20,
            max_output_tokens=200,
            stop_sequences=["\n\n"],
            seed=5,
            safety_settings=[
                types.SafetySetting(
                    category=types.HarmCategory.HARM_CATEGORY_HARASSMENT,
                    threshold=types.HarmBlockThreshold.BLOCK_ONLY_HIGH,
                )
            ],
        ),
    )
    assert response.text is not None
    assert "Rome" in response.text


class Colour(enum.Enum):
    """A colour."""

    RED = "red"
    GREEN = "green"


class Pet(pydantic.BaseModel):
    """A pet, as structured output."""

    name: str
    age: int
    colour: Colour
    nicknames: list[str]
    owner: str | None = None


async def test_json_schema_with_pydantic_parsed(client: genai.client.AsyncClient) -> None:
    """A pydantic response_schema produces JSON that the SDK parses into the model."""
    response = await client.models.generate_content(
        model="gemini-2.5-flash",
        contents="Invent a pet",
        config=types.GenerateContentConfig(
            response_mime_type="application/json", response_schema=Pet
        ),
    )
    assert isinstance(response.parsed, Pet)
    assert isinstance(response.parsed.colour, Colour)
    listed = await client.models.generate_content(
        model="gemini-2.5-flash",
        contents="Invent pets",
        config=types.GenerateContentConfig(
            response_mime_type="application/json", response_schema=list[Pet]
        ),
    )
    assert isinstance(listed.parsed, list)
    assert all(isinstance(p, Pet) for p in listed.parsed)


async def test_json_schema_dict_response_json_schema(client: genai.client.AsyncClient) -> None:
    """response_json_schema (raw JSON Schema) output parses as JSON satisfying it."""
    response = await client.models.generate_content(
        model="gemini-2.5-flash",
        contents="Give a point",
        config=types.GenerateContentConfig(
            response_mime_type="application/json",
            response_json_schema={
                "type": "object",
                "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}},
                "required": ["x", "y"],
            },
        ),
    )
    assert isinstance(response.parsed, dict)
    assert set(response.parsed) == {"x", "y"}


def get_weather(city: str) -> str:
    """Returns the current weather in a city.

    Args:
        city: The city name.
    """
    return f"sunny and 21 degrees in {city}"


async def test_automatic_function_calling(client: genai.client.AsyncClient) -> None:
    """The SDK's AFC loop calls the Python function and the answer uses its result."""
    response = await client.models.generate_content(
        model="gemini-2.5-flash",
        contents="Call get_weather for city=Valencia and tell me.",
        config=types.GenerateContentConfig(tools=[get_weather]),
    )
    assert response.text is not None
    assert "sunny and 21 degrees in Valencia" in response.text
    history = response.automatic_function_calling_history
    assert history is not None
    assert len(history) == 3
    call = history[1].parts[0].function_call  # type: ignore[index]
    assert call is not None
    assert call.name == "get_weather"
    assert call.args == {"city": "Valencia"}


async def test_manual_function_declarations(client: genai.client.AsyncClient) -> None:
    """Declared functions come back as function_calls with schema-valid args."""
    decl = types.FunctionDeclaration(
        name="set_light",
        description="Switch a light",
        parameters=types.Schema(
            type=types.Type.OBJECT,
            properties={
                "room": types.Schema(type=types.Type.STRING),
                "on": types.Schema(type=types.Type.BOOLEAN),
            },
            required=["room", "on"],
        ),
    )
    response = await client.models.generate_content(
        model="gemini-2.5-flash",
        contents="please set_light in the kitchen",
        config=types.GenerateContentConfig(
            tools=[types.Tool(function_declarations=[decl])],
            tool_config=types.ToolConfig(
                function_calling_config=types.FunctionCallingConfig(mode="ANY")
            ),
        ),
    )
    calls = response.function_calls
    assert calls is not None
    assert calls[0].name == "set_light"
    assert isinstance(calls[0].args, dict)
    assert isinstance(calls[0].args["on"], bool)
    assert isinstance(calls[0].args["room"], str)


async def test_thinking_with_thoughts(client: genai.client.AsyncClient) -> None:
    """include_thoughts yields a thought part with a signature; .text excludes it."""
    response = await client.models.generate_content(
        model="gemini-2.5-pro",
        contents="Why is the sky blue?",
        config=types.GenerateContentConfig(
            thinking_config=types.ThinkingConfig(include_thoughts=True, thinking_budget=1024)
        ),
    )
    parts = response.candidates[0].content.parts  # type: ignore[index,union-attr]
    assert parts is not None
    assert parts[0].thought is True
    assert isinstance(parts[0].thought_signature, bytes)
    assert parts[0].thought_signature
    assert response.text is not None
    assert "Why is the sky blue" in response.text
    assert response.usage_metadata is not None
    assert (response.usage_metadata.thoughts_token_count or 0) > 0


async def test_generate_content_stream(client: genai.client.AsyncClient) -> None:
    """Streaming yields several chunks whose text joins to the non-streamed answer."""
    chunks = [
        chunk
        async for chunk in await client.models.generate_content_stream(
            model="gemini-2.5-flash", contents="Stream about Lima"
        )
    ]
    whole = await client.models.generate_content(
        model="gemini-2.5-flash", contents="Stream about Lima"
    )
    assert len(chunks) >= 3
    assert "".join(c.text or "" for c in chunks) == whole.text
    assert chunks[-1].usage_metadata is not None
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP  # type: ignore[index]
    assert all(c.usage_metadata is None for c in chunks[:-1])


async def test_stream_cut_surfaces_as_an_error(
    emu: Emulator, client: genai.client.AsyncClient
) -> None:
    """A stream cut mid-body raises in the SDK's iterator instead of ending cleanly."""
    emu.faults.configure(FaultConfig(stream_cut_after=1))
    received: list[types.GenerateContentResponse] = []

    async def drain() -> None:
        stream = await client.models.generate_content_stream(
            model="gemini-2.5-flash", contents="Cut me"
        )
        async for chunk in stream:
            received.append(chunk)  # noqa: PERF401 - the chunks before the error are the point

    with pytest.raises(aiohttp.ClientPayloadError):
        await drain()
    assert len(received) == 1


async def test_embed_content(client: genai.client.AsyncClient) -> None:
    """embed_content returns one stable, unit-length vector per input of the requested size."""
    result = await client.models.embed_content(
        model="gemini-embedding-001",
        contents=["red apple", "green pear", "red apple"],
        config=types.EmbedContentConfig(output_dimensionality=256, task_type="RETRIEVAL_DOCUMENT"),
    )
    vectors = [e.values for e in result.embeddings or []]
    assert len(vectors) == 3
    assert all(v is not None and len(v) == 256 for v in vectors)
    assert vectors[0] == vectors[2]
    assert vectors[0] != vectors[1]
    assert math.isclose(math.fsum(x * x for x in vectors[1] or []), 1.0, rel_tol=1e-9)


async def test_count_tokens(client: genai.client.AsyncClient) -> None:
    """count_tokens agrees with the prompt token count of generate_content."""
    counted = await client.models.count_tokens(
        model="gemini-2.5-flash", contents="How many tokens, exactly?"
    )
    generated = await client.models.generate_content(
        model="gemini-2.5-flash", contents="How many tokens, exactly?"
    )
    assert counted.total_tokens == 6
    assert generated.usage_metadata is not None
    assert generated.usage_metadata.prompt_token_count == counted.total_tokens


async def test_models_get_and_paged_list(client: genai.client.AsyncClient) -> None:
    """models.get parses a Model; the async pager walks every page."""
    model = await client.models.get(model="gemini-2.5-flash")
    assert model.name == "models/gemini-2.5-flash"
    assert model.supported_actions is not None
    assert "generateContent" in model.supported_actions
    pager = await client.models.list(config=types.ListModelsConfig(page_size=4))
    assert len(pager.page) == 4
    names = [m.name async for m in pager]
    assert len(names) == len(set(names)) >= 12
    assert "models/veo-3.0-generate-001" in names
    tuned = [m.name async for m in await client.models.list(config={"query_base": False})]
    assert tuned == ["tunedModels/emulated-tuned-model"]


async def test_tuned_model_update_generate_delete(client: genai.client.AsyncClient) -> None:
    """A tuned model can be read, updated, used for generation and deleted."""
    got = await client.models.get(model="tunedModels/emulated-tuned-model")
    assert got.display_name == "Emulated tuned model"
    updated = await client.models.update(
        model="tunedModels/emulated-tuned-model",
        config=types.UpdateModelConfig(display_name="Renamed", description="New description"),
    )
    assert updated.display_name == "Renamed"
    assert updated.description == "New description"
    answer = await client.models.generate_content(
        model="tunedModels/emulated-tuned-model", contents="Hello tuned"
    )
    assert answer.text is not None
    assert "Hello tuned" in answer.text
    await client.models.delete(model="tunedModels/emulated-tuned-model")
    with pytest.raises(errors.ClientError) as caught:
        await client.models.get(model="tunedModels/emulated-tuned-model")
    assert caught.value.code == 404


async def test_video_lro_poll_and_download(emu: Emulator, client: genai.client.AsyncClient) -> None:
    """A Veo operation is polled with operations.get until done, then files.download fetches it.

    google-genai 3.4 refuses ``generate_videos`` on the Developer API client-side (it raises
    before sending), so the operation is started with the same wire request the real API takes
    and then handed to the SDK as a ``GenerateVideosOperation``.
    """
    with pytest.raises(ValueError):
        await client.models.generate_videos(
            model="veo-3.0-generate-001", source=types.GenerateVideosSource(prompt="x")
        )
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{emu.url}/v1beta/models/veo-3.0-generate-001:predictLongRunning",
            json={"instances": [{"prompt": "A koi pond at dawn"}], "parameters": {}},
            headers={"x-goog-api-key": "k"},
        ) as resp,
    ):
        started = await resp.json()
    operation = types.GenerateVideosOperation(name=started["name"])
    polls = 0
    while not operation.done:
        operation = await client.operations.get(operation)
        polls += 1
        assert polls <= 5
    assert polls == 2
    assert operation.error is None
    assert operation.result is not None
    assert operation.result.generated_videos
    video = operation.result.generated_videos[0].video
    assert video is not None
    data = await client.files.download(file=video)
    assert data[4:8] == b"ftyp"
    assert video.video_bytes == data


async def test_api_errors_map_to_sdk_errors(
    emu: Emulator, client: genai.client.AsyncClient
) -> None:
    """Unknown models, bad input and quota errors surface as the SDK's typed errors."""
    with pytest.raises(errors.ClientError) as caught:
        await client.models.generate_content(model="no-such-model", contents="x")
    assert caught.value.code == 404
    assert caught.value.status == "NOT_FOUND"
    emu.faults.fail_next(1, 429, retry_delay=30)
    with pytest.raises(errors.ClientError) as caught:
        await client.models.generate_content(model="gemini-2.5-flash", contents="x")
    assert caught.value.code == 429
    details = caught.value.details["error"]["details"]
    assert {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "30s"} in details
    emu.faults.fail_next(1, 503)
    with pytest.raises(errors.ServerError) as server:
        await client.models.generate_content(model="gemini-2.5-flash", contents="x")
    assert server.value.code == 503


async def test_inline_image_input_and_image_output(client: genai.client.AsyncClient) -> None:
    """Inline bytes in the request are accepted; the image model returns PNG bytes."""
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
    )
    response = await client.models.generate_content(
        model="gemini-2.5-flash-image",
        contents=[types.Part.from_bytes(data=png, mime_type="image/png"), "Make it bigger"],
        config=types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"]),
    )
    images = [
        p.inline_data
        for p in response.candidates[0].content.parts  # type: ignore[index,union-attr]
        if p.inline_data is not None
    ]
    assert images
    assert images[0].data is not None
    assert images[0].data.startswith(b"\x89PNG")


@pytest.fixture
def threaded() -> Iterator[Emulator]:
    """An emulator on its own thread, so a blocking client can call it."""
    with Emulator() as emulator:
        yield emulator


def test_sync_client_generate_content(threaded: Emulator) -> None:
    """The sync google-genai client works against the emulator too."""
    client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=threaded.url))
    response = client.models.generate_content(model="gemini-2.5-flash", contents="Hi from sync")
    assert response.text is not None
    assert "Hi from sync" in response.text
    assert threaded.recorded[-1].headers["x-goog-api-key"] == "k"


async def test_concurrent_sdk_calls(client: genai.client.AsyncClient) -> None:
    """Many concurrent SDK calls all succeed with distinct answers."""
    results = await asyncio.gather(
        *(
            client.models.generate_content(model="gemini-2.5-flash", contents=f"n{i}")
            for i in range(20)
        )
    )
    assert len({r.text for r in results}) == 20


async def test_mid_stream_error_event_raises_server_error(
    emu: Emulator, client: genai.client.AsyncClient
) -> None:
    """An error event inside the SSE stream surfaces as the SDK's ServerError."""
    emu.faults.configure(FaultConfig(stream_error_after=1))
    stream = await client.models.generate_content_stream(
        model="gemini-2.5-flash", contents="Fail midway"
    )
    first = await anext(stream)
    assert first.text
    with pytest.raises(errors.ServerError) as caught:
        await anext(stream)
    assert caught.value.code == 503
