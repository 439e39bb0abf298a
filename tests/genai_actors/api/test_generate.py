"""``models.generate_content`` against the emulator: inputs, config, parsed, errors, faults."""

from __future__ import annotations

import enum

import anyio
import msgspec
import pytest
from hypothesis import given, settings, strategies as st

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._transformers import InvalidRequestError, generate_content_request
from genai_actors._transport import TransportConfig
from genai_actors.emulator import Emulator, FaultConfig
from supervisors import VirtualClock, use_clock

from .conftest import API_KEY, MODEL, paths, wait_recorded


async def test_str_prompt_returns_text_and_headers(client: ga.AsyncClient, emu: Emulator) -> None:
    """A string prompt is sent as one user turn; the reply has text, usage and HTTP headers."""
    response = await client.models.generate_content(model=MODEL, contents="Hello there")
    assert response.text is not None
    assert "Hello there" in response.text
    assert response.usage_metadata is not None
    assert response.usage_metadata.total_token_count
    assert response.sdk_http_response is not None
    assert response.sdk_http_response.headers
    (request,) = emu.recorded
    assert request.path == f"/v1/models/{MODEL}:generateContent"
    assert request.json == {"contents": [{"role": "user", "parts": [{"text": "Hello there"}]}]}


async def test_dict_and_struct_configs_send_the_same_body(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """config as a snake_case dict, a camelCase dict and a struct produce one wire body."""
    configs: list[object] = [
        {"temperature": 0.25, "max_output_tokens": 40, "system_instruction": "Be brief"},
        {"temperature": 0.25, "maxOutputTokens": 40, "systemInstruction": "Be brief"},
        types.GenerateContentConfig(
            temperature=0.25, max_output_tokens=40, system_instruction="Be brief"
        ),
    ]
    for config in configs:
        await client.models.generate_content(model=MODEL, contents="hi", config=config)
    bodies = [r.json for r in emu.recorded]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["generationConfig"] == {"temperature": 0.25, "maxOutputTokens": 40}
    assert bodies[0]["systemInstruction"]["parts"] == [{"text": "Be brief"}]


async def test_contents_as_parts_and_history(client: ga.AsyncClient, emu: Emulator) -> None:
    """Parts, Content objects and dicts are all accepted as contents."""
    contents = [
        types.Content(role="user", parts=[types.Part(text="first")]),
        {"role": "model", "parts": [{"text": "ok"}]},
        types.Part(text="second"),
    ]
    response = await client.models.generate_content(model=MODEL, contents=contents)
    assert response.text
    sent = emu.recorded[0].json["contents"]
    assert [c["role"] for c in sent] == ["user", "model", "user"]


class City(msgspec.Struct):
    """A structured-output target."""

    name: str
    population: int


class Color(enum.Enum):
    """An enum structured-output target."""

    RED = "red"
    GREEN = "green"


async def test_parsed_is_filled_for_a_response_schema(client: ga.AsyncClient) -> None:
    """A response_schema type fills response.parsed with an instance of it."""
    response = await client.models.generate_content(
        model=MODEL,
        contents="Describe a city",
        config={"response_mime_type": "application/json", "response_schema": City},
    )
    assert isinstance(response.parsed, City)
    assert isinstance(response.parsed.population, int)


async def test_parsed_for_json_schema_and_enum(client: ga.AsyncClient) -> None:
    """A raw JSON schema gives a dict; an enum schema gives a member."""
    response = await client.models.generate_content(
        model=MODEL,
        contents="Describe",
        config={
            "response_mime_type": "application/json",
            "response_json_schema": {
                "type": "object",
                "properties": {"x": {"type": "integer"}},
                "required": ["x"],
            },
        },
    )
    assert isinstance(response.parsed, dict)
    assert isinstance(response.parsed["x"], int)
    response = await client.models.generate_content(
        model=MODEL,
        contents="Pick a color",
        config={"response_mime_type": "text/x.enum", "response_schema": Color},
    )
    assert isinstance(response.parsed, Color)


async def test_no_schema_leaves_parsed_unset(client: ga.AsyncClient) -> None:
    """Without a schema, parsed stays None."""
    response = await client.models.generate_content(model=MODEL, contents="hi")
    assert response.parsed is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"contents": "hi", "config": {"temperature": "hot"}}, "config.temperature"),
        ({"contents": "hi", "config": {"no_such_field": 1}}, "config"),
        ({"contents": [{"role": "user", "bogus": []}]}, "contents"),
        ({"contents": "hi", "config": {"safety_settings": "BLOCK_NONE"}}, "config.safety_settings"),
        ({"contents": 42}, "contents"),
    ],
)
async def test_bad_input_raises_before_sending(
    client: ga.AsyncClient, emu: Emulator, kwargs: dict[str, object], field: str
) -> None:
    """Bad config or contents raise InvalidRequestError naming the field; nothing is sent."""
    with pytest.raises(InvalidRequestError) as caught:
        await client.models.generate_content(model=MODEL, **kwargs)
    assert field in str(caught.value)
    assert len(emu.recorded) == 0


async def test_bad_model_name_raises_before_sending(client: ga.AsyncClient, emu: Emulator) -> None:
    """An empty model name is refused client-side."""
    with pytest.raises(InvalidRequestError):
        await client.models.generate_content(model="", contents="hi")
    assert len(emu.recorded) == 0


@pytest.mark.parametrize(
    "config",
    [
        {"model_armor_config": {"prompt_template_name": "t"}},
        {"routing_config": {"auto_mode": {"model_routing_preference": "BALANCED"}}},
        {"audio_timestamp": True},
    ],
)
async def test_vertex_only_fields_are_refused_on_mldev(
    client: ga.AsyncClient, emu: Emulator, config: dict[str, object]
) -> None:
    """A Vertex-only field raises UnsupportedByBackendError naming the backend; nothing sent."""
    with pytest.raises(errors.UnsupportedByBackendError) as caught:
        await client.models.generate_content(model=MODEL, contents="hi", config=config)
    assert "Gemini Developer API" in str(caught.value)
    assert len(emu.recorded) == 0


async def test_api_error_is_typed(client: ga.AsyncClient, emu: Emulator) -> None:
    """An unknown model is a NotFoundError carrying the server's message."""
    with pytest.raises(errors.NotFoundError) as caught:
        await client.models.generate_content(model="no-such-model-xyz", contents="hi")
    assert caught.value.code == 404


async def test_429_with_retry_info_is_retried_after_the_advised_delay(emu: Emulator) -> None:
    """A 429 carrying RetryInfo is retried once after exactly the advised delay (virtual)."""
    emu.faults.fail_next(1, 429, retry_delay=7.0)
    clock = VirtualClock()
    with use_clock(clock):
        async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as client:
            response = await client.models.generate_content(model=MODEL, contents="hi")
    assert response.text
    assert clock.sleeps == [7.0]
    assert len(emu.recorded) == 2


async def test_503_is_retried(emu: Emulator) -> None:
    """Two 503s in a row are retried with backoff and the third attempt answers."""
    emu.faults.fail_next(2, 503)
    clock = VirtualClock()
    with use_clock(clock):
        async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as client:
            response = await client.models.generate_content(model=MODEL, contents="hi")
    assert response.text
    assert len(clock.sleeps) == 2
    assert paths(emu) == [f"/v1/models/{MODEL}:generateContent"] * 3


async def test_per_call_retry_options_limit_attempts(client: ga.AsyncClient, emu: Emulator) -> None:
    """config.http_options.retry_options applies to this call only: one attempt, then raise."""
    emu.faults.fail_next(1, 503)
    with pytest.raises(errors.ServiceUnavailableError):
        await client.models.generate_content(
            model=MODEL,
            contents="hi",
            config={"http_options": {"retry_options": {"attempts": 1}}},
        )
    assert len(emu.recorded) == 1


async def test_cancelling_a_call_frees_its_connection(emu: Emulator) -> None:
    """A caller cancelled mid-request releases its connection: with a pool of one, the next
    call goes through."""
    emu.faults.configure(FaultConfig(latency=30.0))
    async with ga.AsyncClient(
        api_key=API_KEY,
        http_options={"base_url": emu.url},
        transport=TransportConfig(connection_limit=1, connect_timeout=5.0),
    ) as client:
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: client.models.generate_content(model=MODEL, contents="slow"))
            await wait_recorded(emu)
            tg.cancel_scope.cancel()
        emu.faults.clear()
        with anyio.fail_after(5):
            response = await client.models.generate_content(model=MODEL, contents="fast")
    assert response.text


async def test_closed_client_raises(emu: Emulator) -> None:
    """A call on a closed client raises ClientClosedError."""
    client = ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url})
    await client.aclose()
    with pytest.raises(errors.ClientClosedError):
        await client.models.generate_content(model=MODEL, contents="hi")


@settings(max_examples=200, deadline=None)
@given(text=st.text(), model=st.sampled_from(["gemini-2.5-flash", "models/x-1", "tunedModels/t"]))
def test_plain_prompt_fast_path_matches_the_builder(text: str, model: str) -> None:
    """The hot path for a plain string prompt sends exactly the general builder's request."""
    with ga.Client(api_key="k") as client:
        models = client.aio.models
        for stream in (False, True):
            fast = models._text_request(model, text, stream=stream)
            built = generate_content_request(model, text, None, stream=stream)
            assert fast.body == built.body
            assert fast.path == built.path
            assert fast.http_options is None
