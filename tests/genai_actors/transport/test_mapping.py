"""The one aiohttp -> errors mapping: the answer depends on the phase, and is applied everywhere."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest
from aiohttp import web

import genai_actors as ga
from genai_actors import errors
from genai_actors._transport import Phase, map_transport_error
from genai_actors._transport._body import RawBody
from genai_actors._transport._h1 import _errors as h1
from supervisors import VirtualClock, use_clock

from ..core.conftest import API_KEY, Server
from .conftest import drain, make_client, transport, until_cut_seen


def _connector_error() -> aiohttp.ClientConnectorError:
    from aiohttp.client_reqrep import ConnectionKey

    key = ConnectionKey("127.0.0.1", 9, False, True, None, None, None)
    return aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "refused"))


CASES: list[tuple[BaseException, type[errors.GenAIError], type[errors.GenAIError]]] = [
    # exception, error before the response started, error once it started
    (aiohttp.ClientPayloadError("cut"), errors.ConnectionLostError, errors.StreamCutError),
    (aiohttp.ServerDisconnectedError(), errors.ConnectionLostError, errors.StreamCutError),
    (aiohttp.ClientOSError(104, "reset"), errors.ConnectionLostError, errors.StreamCutError),
    (_connector_error(), errors.ConnectError, errors.StreamCutError),
    (aiohttp.ConnectionTimeoutError(), errors.ConnectTimeoutError, errors.ConnectTimeoutError),
    (aiohttp.SocketTimeoutError(), errors.StreamIdleTimeoutError, errors.StreamIdleTimeoutError),
    (TimeoutError(), errors.RequestTimeoutError, errors.RequestTimeoutError),
    (aiohttp.InvalidURL("x"), errors.TransportError, errors.TransportError),
    # h1's classes, by the same rule
    (h1.PayloadError("cut"), errors.ConnectionLostError, errors.StreamCutError),
    (h1.ServerDisconnected("closed"), errors.ConnectionLostError, errors.StreamCutError),
    (
        h1.ClientConnectError("127.0.0.1", 9, ConnectionRefusedError(111, "refused")),
        errors.ConnectError,
        errors.StreamCutError,
    ),
    (h1.CertificateError("h", 443, None, "bad"), errors.ConnectError, errors.StreamCutError),
    (h1.ProxyError("proxy", 3128, 407), errors.ConnectError, errors.StreamCutError),
    (h1.ConnectTimeout(), errors.ConnectTimeoutError, errors.ConnectTimeoutError),
    (h1.ReadTimeout(), errors.StreamIdleTimeoutError, errors.StreamIdleTimeoutError),
    (h1.TotalTimeout(), errors.RequestTimeoutError, errors.RequestTimeoutError),
    (h1.ProtocolError("bad head"), errors.TransportError, errors.TransportError),
    (h1.SessionClosed(), errors.TransportError, errors.TransportError),
]

PAYLOAD_ERRORS: dict[str, type[BaseException]] = {
    "h1": h1.PayloadError,
    "aiohttp": aiohttp.ClientPayloadError,
}


@pytest.mark.parametrize(
    ("exc", "before", "after"), CASES, ids=lambda v: f"{type(v).__module__[:7]}.{type(v).__name__}"
)
def test_one_mapping_by_phase(
    exc: BaseException, before: type[errors.GenAIError], after: type[errors.GenAIError]
) -> None:
    """Connection loss is ConnectionLostError before the response, StreamCutError after it."""
    for phase, expected in ((Phase.SEND, before), (Phase.BODY, after)):
        err = map_transport_error(exc, phase)
        assert type(err) is expected
        assert err.__cause__ is exc
        assert isinstance(err, errors.TransportError)


async def test_a_cut_plain_body_is_a_stream_cut_retried_when_idempotent(
    server: Server, http_client: str
) -> None:
    """A 200 whose body is cut is StreamCutError: retried if idempotent, raised if not; the
    retry sends the request's own headers again (not the cut answer's)."""
    calls: list[dict[str, str]] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        calls.append({k.lower(): v for k, v in request.headers.items()})
        if len(calls) in (1, 3):
            resp = web.StreamResponse(headers={"Content-Length": "1000"})
            await resp.prepare(request)
            await resp.write(b'{"partial": ')
            assert request.transport is not None
            request.transport.abort()
            return resp
        return web.json_response({"ok": True})

    server.handler = handler
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(server, http_client, retry_options={"jitter": 0}) as client:
            resp = await client.api_client.request("GET", "models/m")
            assert resp.json() == {"ok": True}
            with pytest.raises(errors.StreamCutError) as caught:
                await client.api_client.request("POST", "batches", body=b"{}", idempotent=False)
    assert isinstance(caught.value.__cause__, PAYLOAD_ERRORS[http_client])
    assert len(calls) == 3
    assert calls[1] == calls[0]
    assert "content-length" not in calls[1]
    assert clock.sleeps == [1.0]


async def test_a_connection_dropped_before_the_answer_is_connection_lost(
    server: Server, http_client: str
) -> None:
    """A connection closed before any status line is ConnectionLostError, retried, then raised."""

    async def handler(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.abort()
        await asyncio.sleep(5)
        raise AssertionError("unreachable")

    server.handler = handler
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(
            server, http_client, retry_options={"attempts": 2, "jitter": 0}
        ) as client:
            with pytest.raises(errors.ConnectionLostError):
                await client.api_client.request("GET", "models")
    assert len(server.requests) >= 2  # aiohttp may resend once on a dropped kept-alive connection
    assert clock.sleeps == [1.0]


async def test_a_refused_connection_is_connect_error_on_every_kind_of_call(
    http_client: str,
) -> None:
    """No listener: request, stream and open_body all raise ConnectError after retries."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    clock = VirtualClock()
    options = {"base_url": f"http://127.0.0.1:{port}/", "retry_options": {"attempts": 2}}
    with use_clock(clock):
        async with ga.AsyncClient(
            api_key=API_KEY, http_options=options, transport=transport(http_client)
        ) as client:
            api = client.api_client
            with pytest.raises(errors.ConnectError):
                await api.request("GET", "models")
            with pytest.raises(errors.ConnectError):
                await drain(api.stream("POST", "models/m:streamGenerateContent", body=b"{}"), [])
            with pytest.raises(errors.ConnectError):
                await api.open_body("GET", "files/f:download").open()
    assert len(clock.sleeps) == 3


async def test_a_cut_raw_body_returns_its_bytes_then_stream_cut(
    server: Server, http_client: str
) -> None:
    """A download cut mid-way returns every byte that arrived, then raises StreamCutError."""
    gate = asyncio.Event()
    cut = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Length": "100000"})
        await resp.prepare(request)
        await resp.write(b"a" * 1000)
        await gate.wait()
        await resp.write(b"b" * 2000)
        assert request.transport is not None
        request.transport.abort()
        cut.set()
        return resp

    server.handler = handler
    async with (
        make_client(server, http_client) as client,
        client.api_client.open_body("GET", "files/f:download") as body,
    ):
        got = [await body.readany()]
        gate.set()
        response = body._response
        assert response is not None
        await cut.wait()
        await until_cut_seen(response)  # the client knows of the cut before the next read
        with pytest.raises(errors.StreamCutError):
            await read_rest(body, got)
    assert b"".join(got) == b"a" * 1000 + b"b" * 2000


async def read_rest(body: RawBody, into: list[bytes]) -> None:
    while chunk := await body.readany():
        into.append(chunk)
