"""The blocking ``Client().models`` / ``.operations`` against the threaded emulator fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._transformers import InvalidRequestError
from genai_actors.emulator import Emulator
from supervisors import Backoff

MODEL = "gemini-2.5-flash"
FAST_POLLS = Backoff(0.01, 0.05, jitter=0.0)


@pytest.fixture
def client(gemini_emulator: Emulator) -> Iterator[ga.Client]:
    """A blocking client on the threaded emulator."""
    with ga.Client(api_key="any-key", http_options={"base_url": gemini_emulator.url}) as c:
        yield c


def shout(text: str) -> str:
    """Upper-cases text."""
    return text.upper()


async def whisper(text: str) -> str:
    """Lower-cases text."""
    return text.lower()


def test_generate_content(client: ga.Client) -> None:
    """A blocking call returns the response."""
    response = client.models.generate_content(model=MODEL, contents="Hello")
    assert response.text is not None
    assert "Hello" in response.text


def test_bad_input_and_vertex_only_send_nothing(
    client: ga.Client, gemini_emulator: Emulator
) -> None:
    """Bad input and Vertex-only methods raise in the calling thread; nothing is sent."""
    with pytest.raises(InvalidRequestError):
        client.models.generate_content(model=MODEL, contents="x", config={"top_k": "many"})
    with pytest.raises(errors.UnsupportedByBackendError):
        client.models.compute_tokens(model=MODEL, contents="x")
    with pytest.raises(errors.UnsupportedByBackendError):
        client.models.generate_images(model="imagen-4.0-generate-001", prompt="x")
    assert len(gemini_emulator.recorded) == 0


def test_stream_iterates_and_closes_early(client: ga.Client) -> None:
    """The blocking stream yields chunks; closing it early is clean; a new call works."""
    chunks = list(client.models.generate_content_stream(model=MODEL, contents="A long tale"))
    assert len(chunks) > 1
    with client.models.generate_content_stream(model=MODEL, contents="A long tale") as stream:
        first = next(stream)
    assert first.text
    assert client.models.generate_content(model=MODEL, contents="after").text


def test_afc_with_sync_and_async_tools(client: ga.Client, gemini_emulator: Emulator) -> None:
    """The blocking client runs sync tools in threads and coroutine tools on its loop."""
    response = client.models.generate_content(
        model=MODEL,
        contents="call shout and whisper with text=MiXeD",
        config={"tools": [shout, whisper]},
    )
    sent = gemini_emulator.recorded[1].json["contents"][-1]["parts"]
    assert [p["functionResponse"]["response"] for p in sent] == [
        {"result": "MIXED"},
        {"result": "mixed"},
    ]
    assert response.automatic_function_calling_history is not None


def test_embed_count_get_and_list(client: ga.Client) -> None:
    """embed, count, get and a Pager that walks several pages."""
    embedded = client.models.embed_content(model="gemini-embedding-001", contents=["a", "b"])
    assert embedded.embeddings is not None
    assert len(embedded.embeddings) == 2
    assert client.models.count_tokens(model=MODEL, contents="a b").total_tokens == 2
    assert client.models.get(model=MODEL).name == f"models/{MODEL}"
    pager = client.models.list(config={"page_size": 3})
    names = [m.name for m in pager]
    assert len(names) > 3
    assert len(set(names)) == len(names)


def test_videos_wait_and_download(client: ga.Client) -> None:
    """A video job waited (blocking) from its stored name, then downloaded."""
    operation = client.models.generate_videos(model="veo-3.0-generate-001", prompt="sea")
    name = operation.name
    assert name is not None
    fetched = client.operations.get(name)
    assert isinstance(fetched, types.GenerateVideosOperation)
    finished = client.operations.wait(name, timeout=30, backoff=FAST_POLLS)
    assert isinstance(finished, types.GenerateVideosOperation)
    assert finished.done
    assert finished.result is not None
    assert finished.result.generated_videos
    data = client.files.download(file=finished.result.generated_videos[0])
    assert data[4:8] == b"ftyp"


def test_wait_timeout_in_blocking_client() -> None:
    """The blocking wait raises WaitTimeoutError when the job outlives the timeout."""
    with (
        Emulator(video_polls=10_000) as slow,
        ga.Client(api_key="k", http_options={"base_url": slow.url}) as client,
    ):
        operation = client.models.generate_videos(model="veo-3.0-generate-001", prompt="x")
        with pytest.raises(errors.WaitTimeoutError):
            client.operations.wait(operation, timeout=0.2, backoff=FAST_POLLS)
