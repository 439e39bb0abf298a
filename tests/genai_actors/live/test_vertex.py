"""Live on Vertex AI: ``client.live.connect`` in project mode (regional and ``global``, bearer
tokens from the backend's token source, fetched again for every connection) and express mode
(API key), over the same session actor as the Developer API; Live Music refused as both
google-genai's ``NotImplementedError`` and our ``UnsupportedByBackendError``."""

from __future__ import annotations

import datetime
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given, strategies as st

import genai_actors as ga
from genai_actors import errors
from genai_actors._live import LiveOptions, _wire
from genai_actors.emulator import Emulator
from genai_actors.emulator._live_state import LiveFault
from supervisors import Backoff

from .conftest import MODEL, RESUMABLE, TEXT, client_turns, text_of, turn

PROJECT = "live-proj"
TOKEN = "vertex-live-token-4Kp"
EXPRESS_KEY = "express-live-key-8Wd"
VERTEX_ENV = (
    "GOOGLE_VERTEX_BASE_URL",
    "GOOGLE_GENAI_API_VERSION",
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_CLOUD_PROJECT",
    "GOOGLE_CLOUD_LOCATION",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_CLOUD_QUOTA_PROJECT",
)


@pytest.fixture(autouse=True)
def clean_vertex_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Google Cloud settings leak in from the environment."""
    for name in VERTEX_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def vemu() -> AsyncIterator[Emulator]:
    """An emulator accepting the bearer token TOKEN, the express key, and only PROJECT."""
    async with Emulator(
        api_key=EXPRESS_KEY, bearer_tokens=[TOKEN], vertex_projects=[PROJECT]
    ) as emulator:
        yield emulator


def _fast(client: ga.AsyncClient) -> ga.AsyncClient:
    client.live.options = LiveOptions(
        reconnect_backoff=Backoff(0.01, 0.05, jitter=0.0), max_reconnect_attempts=3
    )
    return client


def vertex_client(
    emu: Emulator, *, location: str = "us-central1", credentials: Any = None
) -> ga.AsyncClient:
    """Our client on Vertex AI (PROJECT, ``location``) aimed at ``emu``."""
    from google.oauth2.credentials import Credentials

    return _fast(
        ga.AsyncClient(
            vertexai=True,
            project=PROJECT,
            location=location,
            credentials=credentials or Credentials(token=TOKEN),  # type: ignore[no-untyped-call]
            http_options={"base_url": emu.url},
        )
    )


@pytest.mark.parametrize("location", ["us-central1", "global"])
async def test_multi_turn_text_in_project_mode(vemu: Emulator, location: str) -> None:
    """Two turns on one connection; the setup names the project-scoped publisher model."""
    async with (
        vertex_client(vemu, location=location) as client,
        client.live.connect(model=MODEL, config=TEXT) as session,
    ):
        await session.send_client_content(turns="My name is Ada")
        assert 'Emulated reply to "My name is Ada"' in text_of(await turn(session))
        await session.send_client_content(turns="What is my name?")
        answer = text_of(await turn(session))
        assert 'which began with "My name is Ada"' in answer
        assert "This is turn 2" in answer
    assert vemu.live.setups[-1]["model"] == (
        f"projects/{PROJECT}/locations/{location}/publishers/google/models/{MODEL}"
    )
    assert vemu.live.connections == 1


async def test_express_mode_with_an_api_key(vemu: Emulator) -> None:
    """Express mode: the key, no project in the model, and no default modality added."""
    client = _fast(
        ga.AsyncClient(vertexai=True, api_key=EXPRESS_KEY, http_options={"base_url": vemu.url})
    )
    async with client, client.live.connect(model=MODEL, config=TEXT) as session:
        await session.send_realtime_input(text="hello express")
        assert "hello express" in text_of(await turn(session))
    assert vemu.live.setups[-1]["model"] == f"publishers/google/models/{MODEL}"


async def test_vertex_only_setup_fields_are_sent(vemu: Emulator) -> None:
    """explicitVadSignal and sessionResumption.transparent (refused on the Developer API) reach
    the Vertex setup; with no modality the setup asks for AUDIO, as google-genai's does."""
    config = {"explicit_vad_signal": True, "session_resumption": {"transparent": True}}
    async with vertex_client(vemu) as client, client.live.connect(model=MODEL, config=config):
        pass
    setup = vemu.live.setups[-1]
    assert setup["explicitVadSignal"] is True
    assert setup["sessionResumption"] == {"transparent": True}
    assert setup["generationConfig"] == {"responseModalities": ["AUDIO"]}


async def test_wrong_project_is_refused_at_setup(vemu: Emulator) -> None:
    """The emulator closes a setup for another project with 1008: SessionClosed, no retry."""
    from google.oauth2.credentials import Credentials

    client = ga.AsyncClient(
        vertexai=True,
        project="not-mine",
        location="us-central1",
        credentials=Credentials(token=TOKEN),  # type: ignore[no-untyped-call]
        http_options={"base_url": vemu.url},
    )
    async with client:
        with pytest.raises(errors.SessionClosed) as closed:
            async with client.live.connect(model=MODEL, config=TEXT):
                pass
    assert closed.value.code == 1008


async def test_resumption_across_a_forced_close_with_a_refreshed_token(vemu: Emulator) -> None:
    """An abnormal close after the token expired: the session reconnects with a freshly
    refreshed bearer token (the old one is dead on the server) and resumes, every client
    message consumed once."""
    from google.oauth2 import credentials as user

    info = vemu.authorized_user()
    credentials = user.Credentials.from_authorized_user_info(info).with_token_uri(  # type: ignore[no-untyped-call]
        vemu.token_uri
    )
    async with (
        vertex_client(vemu, credentials=credentials) as client,
        client.live.connect(model=MODEL, config=RESUMABLE) as session,
    ):
        await session.send_client_content(turns="Keep: plum")
        await turn(session)
        first = credentials.token
        assert vemu.oauth.issued_total == 1
        credentials.expiry = datetime.datetime.now(datetime.UTC).replace(
            tzinfo=None
        ) - datetime.timedelta(seconds=5)
        vemu.oauth.expire()
        vemu.live.add_fault(LiveFault(close_after=1, close_code=1011))
        await session.send_client_content(turns="What did I keep?")
        answer = text_of(await turn(session))
        assert 'which began with "Keep: plum"' in answer
        assert [e.kind for e in session.events].count("resumed") == 1
        session_id = session.session_id or ""
    assert vemu.oauth.issued_total == 2
    assert credentials.token != first
    assert client_turns(vemu.live.consumed(session_id)) == ["Keep: plum", "What did I keep?"]
    assert vemu.live.connections == 2


async def test_music_is_refused_as_both_errors(vemu: Emulator) -> None:
    """google-genai raises NotImplementedError; ours is also an UnsupportedByBackendError, and
    names the backend; nothing is opened."""
    async with vertex_client(vemu) as client:
        for kind in (NotImplementedError, errors.UnsupportedByBackendError):
            with pytest.raises(kind, match="not supported by the Vertex AI") as refused:
                async with client.live.music.connect(model="models/lyria-realtime-exp"):
                    pass
            assert isinstance(refused.value, errors.UnsupportedByBackendError)
            assert refused.value.backend == "Vertex AI"
            assert refused.value.feature == "live.music.connect"
    assert vemu.live.connections == 0


def test_tool_response_without_id_is_sent_on_vertex_only() -> None:
    """Vertex AI matches function responses by name (google-genai sends them without ``id``);
    the Developer API needs the id, checked before sending."""
    response = {"name": "get_time", "response": {"t": "noon"}}
    frame = _wire.tool_response([response], require_id=False)
    assert json.loads(frame) == {
        "tool_response": {"functionResponses": [{"name": "get_time", "response": {"t": "noon"}}]}
    }
    with pytest.raises(errors.InvalidRequestError, match=r"function_responses\[0\]\.id"):
        _wire.tool_response([response])


async def test_vertex_session_sends_a_tool_response_without_id(vemu: Emulator) -> None:
    """On a Vertex session the id-less response leaves the client (the emulator, stricter than
    Vertex AI, then closes the socket with 1007: the session ends with that code)."""
    async with vertex_client(vemu) as client:
        async with client.live.connect(model=MODEL, config=TEXT) as session:
            await session.send_tool_response(
                function_responses={"name": "get_time", "response": {"t": "noon"}}
            )
            with pytest.raises(errors.SessionClosed) as closed:
                async for _ in session:
                    pass
        assert closed.value.code == 1007


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"tools": [{"file_search": {"file_search_store_names": ["s"]}}]}, "tools[0].file_search"),
        (
            {"generation_config": {"enable_enhanced_civic_answers": True}},
            "generation_config.enable_enhanced_civic_answers",
        ),
    ],
)
async def test_developer_only_fields_are_refused_before_connecting(
    vemu: Emulator, config: dict[str, Any], field: str
) -> None:
    async with vertex_client(vemu) as client:
        with pytest.raises(errors.UnsupportedByBackendError, match="Vertex AI") as refused:
            async with client.live.connect(model=MODEL, config=config):
                pass
    assert refused.value.feature == f"config.{field}"
    assert vemu.live.connections == 0


async def test_vertex_only_tool_reaches_the_setup(vemu: Emulator) -> None:
    """A retrieval tool (refused on the Developer API) is sent as is."""
    tools = [{"retrieval": {"vertex_ai_search": {"datastore": "projects/p/datastores/d"}}}]
    async with (
        vertex_client(vemu) as client,
        client.live.connect(model=MODEL, config={**TEXT, "tools": tools}),
    ):
        pass
    assert vemu.live.setups[-1]["tools"] == [
        {"retrieval": {"vertexAiSearch": {"datastore": "projects/p/datastores/d"}}}
    ]


async def test_go_away_rotation_keeps_the_conversation(vemu: Emulator) -> None:
    """Two goAways on Vertex AI: the session moves to new connections (bearer token and
    project-scoped setup each time) and the conversation goes on, each message consumed once."""
    async with (
        vertex_client(vemu) as client,
        client.live.connect(model=MODEL, config=RESUMABLE) as session,
    ):
        sent = []
        for text in ("My name is Ada", "Rotation 0", "Rotation 1", "Who am I?"):
            if text.startswith("Rotation"):
                vemu.live.add_fault(LiveFault(go_away_after=1, go_away_time_left=0.05))
            sent.append(text)
            await session.send_client_content(turns=text)
            answer = text_of(await turn(session))
        assert 'which began with "My name is Ada"' in answer
        assert [e.kind for e in session.events].count("go_away") == 2
        session_id = session.session_id or ""
    assert client_turns(vemu.live.consumed(session_id)) == sent
    assert vemu.live.connections == 3


def _usage_frame(counts: dict[str, Any]) -> bytes:
    return json.dumps({"usageMetadata": counts}).encode()


@given(
    prompt=st.integers(0, 2**31),
    answer=st.integers(0, 2**31),
    details=st.lists(
        st.fixed_dictionaries(
            {"modality": st.sampled_from(["TEXT", "AUDIO"]), "tokenCount": st.integers(0, 99)}
        ),
        max_size=2,
    ),
    as_text=st.booleans(),
)
def test_vertex_usage_reads_as_google_genai_reads_it(
    prompt: int, answer: int, details: list[dict[str, Any]], as_text: bool
) -> None:
    """Vertex AI counts the answer as ``candidates*``: both clients read the same usage."""
    from google.genai import _live_converters, types as gtypes

    counts: dict[str, Any] = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": answer,
        "totalTokenCount": prompt + answer,
        "candidatesTokensDetails": details,
    }
    frame = _usage_frame(counts)
    ours = _wire.decode_vertex_server_message(frame.decode() if as_text else frame)
    theirs = gtypes.LiveServerMessage._from_response(
        response=_live_converters._LiveServerMessage_from_vertex(json.loads(frame)), kwargs={}
    )
    assert ours.usage_metadata is not None
    assert theirs.usage_metadata is not None
    assert ours.usage_metadata.response_token_count == answer
    assert ours.usage_metadata.response_token_count == theirs.usage_metadata.response_token_count
    assert ours.usage_metadata.prompt_token_count == theirs.usage_metadata.prompt_token_count
    assert [
        (d.modality, d.token_count) for d in ours.usage_metadata.response_tokens_details or []
    ] == [(d.modality, d.token_count) for d in theirs.usage_metadata.response_tokens_details or []]
    # A frame without Vertex names decodes exactly as the Developer API's does.
    plain = _usage_frame({"promptTokenCount": prompt, "responseTokenCount": answer})
    assert _wire.decode_vertex_server_message(plain) == _wire.decode_server_message(plain)


async def test_gateway_base_url_is_the_socket_url(vemu: Emulator) -> None:
    """A custom base URL without project, location or key (a gateway): the socket opens at the
    base URL itself with only the caller's headers, and the model has no project."""
    url = f"{vemu.url}/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
    client = _fast(
        ga.AsyncClient(
            vertexai=True,
            http_options={"base_url": url, "headers": {"Authorization": f"Bearer {TOKEN}"}},
        )
    )
    async with client, client.live.connect(model=MODEL, config=TEXT) as session:
        await session.send_realtime_input(text="through the gateway")
        assert "through the gateway" in text_of(await turn(session))
    assert vemu.live.setups[-1]["model"] == f"publishers/google/models/{MODEL}"
