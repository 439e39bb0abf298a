"""The blocking ``Client``: AsyncClient's arguments, shared by any number of threads."""

from __future__ import annotations

import gc
import inspect
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

import genai_actors as ga
from genai_actors._client import AsyncClient
from genai_actors._sync import Client
from genai_actors.emulator import Emulator

MODEL = "gemini-2.5-flash"


def test_client_takes_exactly_the_arguments_of_async_client() -> None:
    """Client's signature is AsyncClient's (written once), and it forwards every argument."""
    assert inspect.signature(Client) == inspect.signature(AsyncClient)
    with Client(api_key="k", http_options={"api_version": "v1beta"}) as client:
        assert client.aio.api_client.http_options.api_version == "v1beta"
    with pytest.raises(TypeError):
        Client("positional-key")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Client(api_key="k", nope=1)  # type: ignore[call-arg]


def test_many_threads_share_one_client(gemini_emulator: Emulator) -> None:
    """Sixteen threads calling one Client at once each get their own answer."""
    with ga.Client(api_key="k", http_options={"base_url": gemini_emulator.url}) as client:
        start = threading.Barrier(16)

        def ask(i: int) -> str:
            start.wait(10)
            text = client.models.generate_content(model=MODEL, contents=f"number {i}").text
            assert text is not None
            return text

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(ask, range(16)))
    assert all(f"number {i}" in answer for i, answer in enumerate(answers))


def test_a_client_never_used_closes_without_a_thread() -> None:
    """Closing a client that never sent anything starts no loop thread; close() is idempotent."""
    before = threading.active_count()
    client = Client(api_key="k")
    client.close()
    client.close()
    assert threading.active_count() == before
    assert client.aio.closed


def test_a_client_never_closed_warns_once_naming_client_and_close(
    gemini_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """An unclosed Client warns once, naming Client and close(); aiohttp's own unclosed-session
    warnings and log records never reach the user, and the loop thread ends."""
    client = ga.Client(api_key="k", http_options={"base_url": gemini_emulator.url})
    client.models.generate_content(model="gemini-2.5-flash", contents="hi")
    thread = client.bridge._thread
    assert thread is not None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del client
        gc.collect()
        thread.join(10)
        gc.collect()
    assert not thread.is_alive()
    messages = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert messages == ["Client was never closed: use `with Client()` or `client.close()`"]
    assert "Unclosed" not in caplog.text
