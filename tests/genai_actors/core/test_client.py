"""Client lifecycle, configuration, headers, secrets and cancellation, over loopback."""

from __future__ import annotations

import asyncio
import gc
import logging
import pickle
import threading

import pytest
from aiohttp import web

import genai_actors as ga
from genai_actors import errors
from supervisors import VirtualClock, use_clock

from .conftest import API_KEY, Server, ThreadedServer, json_error, ok_handler


def make_client(server: Server, **options: object) -> ga.AsyncClient:
    return ga.AsyncClient(api_key=API_KEY, http_options={"base_url": server.url, **options})


def acquired(client: ga.AsyncClient) -> int:
    return client.api_client._pool.busy()


async def test_async_with_closes_and_later_calls_fail(server: Server) -> None:
    """Leaving `async with` closes the pool; a later call raises ClientClosedError."""
    server.handler = ok_handler
    async with make_client(server) as client:
        resp = await client.api_client.request("GET", "models")
        assert resp.status == 200
        session = client.api_client._pool.current()
        assert session is not None
    assert client.closed
    assert session.closed
    with pytest.raises(errors.ClientClosedError):
        await client.api_client.request("GET", "models")
    with pytest.raises(errors.ClientClosedError):
        client.api_client.stream("POST", "models/m:streamGenerateContent")


async def test_plain_use_then_aclose_twice(server: Server) -> None:
    """A plainly constructed client opens lazily, and aclose() is idempotent."""
    server.handler = ok_handler
    client = make_client(server)
    assert client.api_client._pool.current() is None
    await client.api_client.request("GET", "models")
    await client.aclose()
    await client.aclose()
    assert client.closed


async def test_unclosed_client_warns(server: Server) -> None:
    """A client that opened a connection and is dropped unclosed emits a ResourceWarning."""
    server.handler = ok_handler
    client = make_client(server)
    await client.api_client.request("GET", "models")
    session = client.api_client._pool.current()
    assert session is not None
    holder = [client]
    del client
    with pytest.warns(ResourceWarning, match="never closed"):
        holder.clear()  # the last reference: the client is collected here
    await session.close()


async def test_client_that_never_connected_does_not_warn() -> None:
    """Constructing a client and dropping it without use is silent (nothing was opened)."""
    client = ga.AsyncClient(api_key=API_KEY)
    del client
    gc.collect()


def test_client_survives_successive_event_loops() -> None:
    """One client used from two asyncio.run() loops works; the first loop's pool is closed."""
    with ThreadedServer(ok_handler) as srv:
        client = make_client(srv)
        sessions = []

        async def call() -> int:
            resp = await client.api_client.request("GET", "models")
            sessions.append(client.api_client._pool.current())
            return resp.status

        assert asyncio.run(call()) == 200
        assert asyncio.run(call()) == 200
        assert sessions[0] is not sessions[1]
        assert sessions[0] is not None
        assert sessions[0].closed
        asyncio.run(client.aclose())
        assert sessions[1] is not None
        assert sessions[1].closed
    assert len(srv.requests) == 2


def test_blocking_client_runs_requests_streams_and_closes() -> None:
    """The blocking Client runs calls on its loop thread from many threads, then shuts it down."""

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.query.get("alt") == "sse":
            return web.Response(
                text='data: {"n":1}\n\ndata: {"n":2}\n\n', content_type="text/event-stream"
            )
        return web.json_response({"ok": True})

    with ThreadedServer(handler) as srv:
        client = ga.Client(api_key=API_KEY, http_options={"base_url": srv.url})
        with client:
            api = client.aio.api_client
            results: list[int] = []

            def worker() -> None:
                results.append(client.bridge.run(api.request("GET", "models")).status)

            threads = [threading.Thread(target=worker) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert results == [200] * 8
            with client.bridge.iterate(api.stream("POST", "models/m:streamGenerateContent")) as s:
                assert list(s) == [b'{"n":1}', b'{"n":2}']
            assert client.models is client.models
            loop_thread = client.bridge._thread
            assert loop_thread is not None
            assert loop_thread.is_alive()
        assert not loop_thread.is_alive()
        with pytest.raises(errors.ClientClosedError):
            client.bridge.run(api.request("GET", "models"))
        client.close()


def test_blocking_client_closed_without_use() -> None:
    """close() on a blocking client that never ran anything starts no thread and is silent."""
    client = ga.Client(api_key=API_KEY)
    client.close()
    assert client.aio.closed
    assert not client.bridge.started


async def test_key_never_in_repr_logs_or_errors(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    """The API key appears in no repr, log line, error text, pickled error, or URL."""
    answers = [
        json_error(503, "UNAVAILABLE", "busy"),
        json_error(400, "INVALID_ARGUMENT", f"API key {API_KEY} not valid"),
    ]

    async def handler(request: web.Request) -> web.StreamResponse:
        return answers.pop(0)

    server.handler = handler
    caplog.set_level(logging.DEBUG, logger="genai_actors")
    with use_clock(VirtualClock()):
        async with make_client(server) as client:
            with pytest.raises(errors.InvalidArgumentError) as caught:
                await client.api_client.request("GET", "models/gemini-2.5-flash")
            text = repr(client) + repr(client.api_client.backend) + client.api_client.url("models")
    assert "request.retry" in caplog.text
    assert "models/gemini-2.5-flash" in caplog.text
    err = caught.value
    everything = text + caplog.text + str(err) + repr(err) + repr(err.details)
    everything += str(pickle.loads(pickle.dumps(err)).details)
    assert API_KEY not in everything
    assert "***" in str(err)
    assert API_KEY not in server.requests[0].url.raw_query_string
    assert API_KEY not in repr(ga.Client(api_key=API_KEY))


async def test_cancelling_requests_frees_their_connections(server: Server) -> None:
    """Cancelling 40 in-flight requests leaves no acquired connection; the server sees 40 drops."""
    release = asyncio.Event()
    arrived = 0
    all_arrived = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal arrived
        arrived += 1
        if arrived == 40:
            all_arrived.set()
        await release.wait()
        return web.json_response({})

    server.handler = handler
    async with make_client(server) as client:
        tasks = [
            asyncio.create_task(client.api_client.request("POST", "models/m:generateContent"))
            for _ in range(40)
        ]
        await asyncio.wait_for(all_arrived.wait(), 10)
        assert acquired(client) == 40
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results)
        assert acquired(client) == 0
        for _ in range(200):
            if server.disconnects == 40:
                break
            await asyncio.sleep(0.01)
        assert server.disconnects == 40


async def test_headers_sent(server: Server) -> None:
    """Content-Type, user-agent and x-goog-api-client are sent; per-call headers and tags win."""
    server.handler = ok_handler
    async with make_client(server, headers={"x-extra": "client"}, timeout=12_500) as client:
        api = client.api_client
        await api.request("POST", "models/m:generateContent", body=b"{}")
        await api.request(
            "POST",
            "models/m:generateContent",
            body=b"{}",
            headers={**api.feature_headers("afc"), "x-extra": "call"},
        )
    first, second = server.requests
    assert first.headers["Content-Type"] == "application/json"
    assert first.headers["user-agent"].startswith(f"genai-actors/{ga.__version__} gl-python/")
    assert first.headers["x-goog-api-client"] == first.headers["user-agent"]
    assert first.headers["x-extra"] == "client"
    assert first.headers["X-Server-Timeout"] == "13"
    assert second.headers["x-goog-api-client"].startswith(f"genai-actors/{ga.__version__}+afc ")
    assert second.headers["x-extra"] == "call"


async def test_extra_body_and_per_call_options(server: Server) -> None:
    """extra_body is deep-merged into the JSON body; per-call api_version overrides the client's."""
    server.handler = ok_handler
    async with make_client(server, extra_body={"generationConfig": {"seed": 7}}) as client:
        await client.api_client.request(
            "POST",
            "models/m:generateContent",
            body=b'{"contents":[],"generationConfig":{"temperature":0.5}}',
            http_options={"api_version": "v1alpha"},
        )
        await client.api_client.request("GET", "models", query={"pageSize": 5})
    assert server.requests[0].path == "/v1alpha/models/m:generateContent"
    import json

    assert json.loads(server.bodies[0]) == {
        "contents": [],
        "generationConfig": {"temperature": 0.5, "seed": 7},
    }
    assert server.requests[1].path == "/v1/models"
    assert server.requests[1].query["pageSize"] == "5"


async def test_ephemeral_token_refused_for_rest() -> None:
    """An auth_tokens/... key is refused for REST with EphemeralTokenAPIKeyError, nothing sent."""
    async with ga.AsyncClient(api_key="auth_tokens/abc") as client:
        with pytest.raises(errors.EphemeralTokenAPIKeyError, match="Live"):
            await client.api_client.request("GET", "models")


def test_env_var_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    """GOOGLE_API_KEY wins over GEMINI_API_KEY; GOOGLE_GEMINI_BASE_URL sets the base URL."""
    monkeypatch.setenv("GEMINI_API_KEY", "gemini-key")
    assert ga.AsyncClient().api_client.backend.static_headers["x-goog-api-key"] == "gemini-key"
    monkeypatch.setenv("GOOGLE_API_KEY", " google-key ")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", "http://127.0.0.1:9/")
    client = ga.AsyncClient()
    assert client.api_client.backend.static_headers["x-goog-api-key"] == "google-key"
    assert client.api_client.url("models") == "http://127.0.0.1:9/v1/models"
    explicit = ga.AsyncClient(api_key="arg-key", http_options={"base_url": "https://x.test"})
    assert explicit.api_client.backend.static_headers["x-goog-api-key"] == "arg-key"
    assert explicit.api_client.url("models") == "https://x.test/v1/models"


def test_configuration_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Missing key, Vertex, Vertex-only arguments and bad http_options fail with clear errors."""
    with pytest.raises(ValueError, match="no API key") as missing:
        ga.AsyncClient()
    assert isinstance(missing.value, errors.InvalidOptionError)
    assert missing.value.option == "api_key"
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", "true")
    assert ga.AsyncClient(api_key=API_KEY).vertexai  # express mode (tests/genai_actors/vertex)
    monkeypatch.delenv("GOOGLE_GENAI_USE_VERTEXAI")
    with pytest.raises(errors.InvalidOptionError, match="project and location"):
        ga.AsyncClient(api_key=API_KEY, project="p")
    with pytest.raises(errors.InvalidOptionError, match="credentials"):
        ga.AsyncClient(api_key=API_KEY, credentials=object())
    with pytest.raises(errors.InvalidOptionError, match="base_url"):
        ga.AsyncClient(api_key=API_KEY, http_options={"base_url": "ftp://x"})
    with pytest.raises(ValueError, match="unknown field"):
        ga.AsyncClient(api_key=API_KEY, http_options={"client_args": {}})
    with pytest.raises(ValueError, match="timeout"):
        ga.AsyncClient(api_key=API_KEY, http_options={"timeout": "soon"})
    with pytest.raises(ValueError, match="positive"):
        ga.AsyncClient(api_key=API_KEY, http_options={"timeout": 0})
    with pytest.raises(ValueError, match="base_url"):
        ga.AsyncClient(api_key=API_KEY, http_options={"base_url": "ftp://x"})


async def test_default_transport_settings(server: Server) -> None:
    """The pool is large (512), the HTTP client is h1, timeouts finite."""
    server.handler = ok_handler
    async with make_client(server) as client:
        await client.api_client.request("GET", "models")
        session = client.api_client._pool.current()
        assert session is not None
        assert client.api_client.config.connection_limit == 512
        assert client.api_client.config.http_client == "h1"
        plan = client.api_client._plan
        assert plan.request_timeout.total == 600.0
        # The connect timeout bounds a new connection's handshakes, not the wait for the pool.
        assert plan.request_timeout.sock_connect == 10.0
        assert plan.request_timeout.connect is None
        assert plan.stream_timeout.sock_connect == 10.0
        assert plan.stream_timeout.connect == 600.0  # no total: the budget bounds the pool wait
        assert plan.stream_timeout.sock_read == 300.0


async def test_aclose_during_a_call_fails_it_with_a_typed_error(server: Server) -> None:
    """Closing the client while a request is in flight fails that request with a GenAIError."""

    async def handler(request: web.Request) -> web.StreamResponse:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    server.handler = handler
    client = make_client(server)
    task = asyncio.create_task(client.api_client.request("GET", "models"))
    await server.arrived.wait()
    await client.aclose()
    with pytest.raises(errors.GenAIError):
        await asyncio.wait_for(task, 5)


async def test_binary_body_skips_extra_body(server: Server) -> None:
    """With merge_extra_body=False a binary body (an upload chunk) is sent untouched."""
    server.handler = ok_handler
    async with make_client(server, extra_body={"x": 1}) as client:
        await client.api_client.request(
            "POST",
            "upload/{api_version}/files",
            body=b"\x00\x01binary",
            headers={"Content-Type": "application/octet-stream"},
            merge_extra_body=False,
        )
        with pytest.raises(ValueError, match="extra_body"):
            await client.api_client.request("POST", "upload/v1beta/files", body=b"\x00\x01")
    assert server.bodies == [b"\x00\x01binary"]
    assert server.requests[0].path == "/upload/v1/files"
    assert server.requests[0].headers["Content-Type"] == "application/octet-stream"


def test_blocking_live_says_it_is_async_only() -> None:
    """The blocking client's live says Live is async-only and names client.aio.live;
    hasattr() answers False."""
    blocking = ga.Client(api_key=API_KEY)
    with pytest.raises(AttributeError, match=r"async-only.*client\.aio\.live\.connect"):
        _ = blocking.live
    assert not hasattr(blocking, "live")
    blocking.close()
