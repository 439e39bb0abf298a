"""Response bodies and stream events are capped, and reading stops at the cap."""

from __future__ import annotations

import pytest
from aiohttp import web
from hypothesis import given, strategies as st

import genai_actors as ga
from genai_actors import errors
from genai_actors._transport import SseParser, TransportConfig
from genai_actors.emulator import Emulator

from ..core.conftest import API_KEY, Server
from .conftest import acquired, drain, make_client, transport

KIB = 1024


def test_default_caps_are_generous() -> None:
    """Defaults: 256 MiB per response body, 64 MiB per stream event."""
    config = TransportConfig()
    assert config.max_response_bytes == 256 * KIB * KIB
    assert config.max_sse_event_bytes == 64 * KIB * KIB


async def test_a_chunked_body_past_the_cap_stops_the_read(server: Server, http_client: str) -> None:
    """A body without a length is read incrementally and dropped once it passes the cap."""
    total = 64 * KIB * KIB
    written: list[int] = [0]

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        await resp.prepare(request)
        piece = b"x" * (64 * KIB)
        try:
            while written[0] < total:
                await resp.write(piece)
                written[0] += len(piece)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    server.handler = handler
    config = TransportConfig(max_response_bytes=256 * KIB)
    async with make_client(server, http_client, transport=config) as client:
        with pytest.raises(errors.ResponseTooLargeError) as caught:
            await client.api_client.request("GET", "files/big")
        assert caught.value.limit == 256 * KIB
        assert isinstance(caught.value, errors.TransportError)
        assert acquired(client) == 0
        await server.disconnected.wait()
    assert written[0] < total  # the client hung up long before the server was done
    assert len(server.requests) == 1  # never retried


async def test_a_declared_length_past_the_cap_fails_before_reading(
    server: Server, http_client: str
) -> None:
    """A Content-Length over the cap fails at once; an error status's body is capped too."""
    answers = [
        web.Response(body=b"y" * (300 * KIB), content_type="application/json"),
        web.Response(body=b"z" * (300 * KIB), status=500, content_type="application/json"),
    ]

    async def handler(request: web.Request) -> web.StreamResponse:
        return answers.pop(0)

    server.handler = handler
    config = TransportConfig(max_response_bytes=100 * KIB)
    async with make_client(server, http_client, transport=config) as client:
        with pytest.raises(errors.ResponseTooLargeError):
            await client.api_client.request("GET", "models")
        with pytest.raises(errors.ResponseTooLargeError):
            await client.api_client.request("GET", "models")
        assert acquired(client) == 0


async def test_generate_content_past_the_cap_raises(emu: Emulator, http_client: str) -> None:
    """The cap applies to API calls: a response over it raises ResponseTooLargeError."""
    config = transport(http_client, max_response_bytes=64)
    async with ga.AsyncClient(
        api_key=API_KEY, http_options={"base_url": emu.url}, transport=config
    ) as client:
        with pytest.raises(errors.ResponseTooLargeError):
            await client.models.generate_content(model="gemini-2.5-flash", contents="hi")


@pytest.mark.parametrize(
    "piece",
    [
        b"data: " + b"x" * (8 * KIB),
        b"data: " + b"x" * (8 * KIB) + b"\n",
        b'{"a": "' + b"x" * 8 * KIB,
    ],
    ids=["one-long-line", "many-data-lines", "raw-json-value"],
)
async def test_a_stream_event_past_the_cap_fails_the_stream(
    server: Server, piece: bytes, http_client: str
) -> None:
    """A line or event over max_sse_event_bytes fails the stream before it is buffered whole."""

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(b'data: {"n":1}\n\n')
        try:
            for _ in range(4096):
                await resp.write(piece)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    server.handler = handler
    config = TransportConfig(max_sse_event_bytes=64 * KIB)
    async with make_client(server, http_client, transport=config) as client:
        stream = client.api_client.stream("POST", "models/m:streamGenerateContent", body=b"{}")
        got: list[bytes] = []
        with pytest.raises(errors.ResponseTooLargeError, match="max_sse_event_bytes"):
            await drain(stream, got)
        assert got == [b'{"n":1}']
        assert stream.closed
        assert acquired(client) == 0


async def test_raw_bodies_are_not_capped_by_max_response_bytes(
    server: Server, http_client: str
) -> None:
    """open_body (downloads) reads past max_response_bytes: downloads carry their own caps."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"v" * (300 * KIB), content_type="video/mp4")

    server.handler = handler
    config = TransportConfig(max_response_bytes=100 * KIB)
    async with (
        make_client(server, http_client, transport=config) as client,
        client.api_client.open_body("GET", "files/f:download") as body,
    ):
        data = await body.read()
    assert len(data) == 300 * KIB


events = st.lists(st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b))


@given(events, st.integers(min_value=1, max_value=50), st.data())
def test_parser_limit_holds_under_any_split(
    payloads: list[bytes], limit: int, data: st.DataObject
) -> None:
    """Under any chunking, events before the first one over the limit arrive, then it raises."""
    stream = b"".join(b"data:" + p + b"\n\n" for p in payloads)
    cuts = sorted(data.draw(st.sets(st.integers(0, len(stream)), max_size=8)))
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    parser = SseParser(limit)
    out: list[bytes] = []
    try:
        for chunk in chunks:
            out.extend(parser.feed(chunk))
        out.extend(parser.close())
    except errors.ResponseTooLargeError:
        assert parser.error is not None
        over = len(out)
        assert out == payloads[:over]
        assert over < len(payloads)
        assert len(b"data:" + payloads[over]) > limit  # a line over the limit
    else:
        assert parser.error is None
        assert out == payloads
        assert all(len(p) <= limit for p in payloads)
