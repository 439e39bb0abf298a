"""The plain read path: a compressed body of declared length is counted after decoding, and a
read response carries both header views (the call path reads the plain dict only)."""

from __future__ import annotations

import gzip

import pytest
from aiohttp import web

from genai_actors import errors
from genai_actors._transport import TransportConfig

from ..core.conftest import Server
from .conftest import acquired, make_client

KIB = 1024


@pytest.mark.parametrize("encoding", ["gzip", "GZIP"])
async def test_a_compressed_body_of_declared_length_is_capped_decoded(
    server: Server, http_client: str, encoding: str
) -> None:
    """A gzip body whose Content-Length is within the cap but whose decoded size is not fails
    with ResponseTooLargeError (the length bounds the wire size only), whatever the letter case
    of the header; one that decodes within the cap reads whole."""
    big = gzip.compress(b"[" + b"0," * (150 * KIB) + b"0]")
    small = gzip.compress(b'{"n": [1, 2, 3]}')
    answers = [big, small]

    async def handler(request: web.Request) -> web.StreamResponse:
        body = answers.pop(0)
        return web.Response(
            body=body,
            headers={
                "Content-Type": "application/json",
                "Content-Encoding": encoding,
                "Content-Length": str(len(body)),
            },
        )

    server.handler = handler
    config = TransportConfig(max_response_bytes=100 * KIB)
    assert len(big) < 100 * KIB
    async with make_client(server, http_client, transport=config) as client:
        with pytest.raises(errors.ResponseTooLargeError):
            await client.api_client.request("GET", "models")
        raw = await client.api_client.request("GET", "models")
        assert raw.json() == {"n": [1, 2, 3]}
        assert acquired(client) == 0


async def test_a_read_response_has_the_plain_dict_and_the_multidict(
    server: Server, http_client: str
) -> None:
    """``header_dict``: lowercase names, repeated values joined in order; ``headers``: the
    client's case-insensitive mapping with each value kept."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.Response(body=b"{}", content_type="application/json")
        response.headers.add("X-Twice", "a")
        response.headers.add("x-twice", "b")
        return response

    server.handler = handler
    async with make_client(server, http_client) as client:
        raw = await client.api_client.request("GET", "models")
    assert raw.status == 200
    assert raw.header_dict["x-twice"] == "a, b"
    assert all(name == name.lower() for name in raw.header_dict)
    assert raw.headers["X-TWICE"] == "a"
    assert raw.headers.getall("x-twice") == ["a", "b"]  # type: ignore[attr-defined]
    assert raw.headers["content-type"].startswith("application/json")
    assert repr(raw) == "RawResponse(status=200, content=<2 bytes>)"
