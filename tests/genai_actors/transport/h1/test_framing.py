"""Property tests of the response parsing: bodies framed by Content-Length or chunked, plain or
gzip/deflate, arriving split at any points, come out whole and in order."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from typing import Any

from hypothesis import given, strategies as st

from genai_actors._transport._h1._connection import Connection
from genai_actors._transport._h1._decode import Decoder
from genai_actors._transport._h1._pool import Pool


class _Transport:
    """Stands in for a socket transport: the property is about parsing, not I/O."""

    def __init__(self) -> None:
        self.written = b""
        self.closed = False

    def write(self, data: Any) -> None:
        self.written += bytes(data)

    def abort(self) -> None:
        self.closed = True

    close = abort

    def is_closing(self) -> bool:
        return self.closed

    def pause_reading(self) -> None:
        """Flow control is not under test here."""

    resume_reading = pause_reading


def _splits(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces, last = [], 0
    for point in [*points, len(data)]:
        pieces.append(data[last:point])
        last = point
    return [p for p in pieces if p]


def _chunked(body: bytes, sizes: list[int]) -> bytes:
    out, at = b"", 0
    for size in sizes:
        if at >= len(body):
            break
        part = body[at : at + size]
        out += b"%x\r\n%s\r\n" % (len(part), part)
        at += size
    if at < len(body):
        out += b"%x\r\n%s\r\n" % (len(body) - at, body[at:])
    return out + b"0\r\n\r\n"


def _receive(wire: bytes, cuts: list[int]) -> tuple[bytes, bool]:
    """Feeds ``wire`` (one response, then a second to prove the framing ended where it should)
    in pieces; returns the first body as read with readany, and whether the second parsed."""
    loop = asyncio.new_event_loop()
    try:
        pool = Pool(loop, 10, 0, 60.0)
        conn = Connection(pool, ("http", "h", 80, None, None), loop, 1 << 30)
        conn.connection_made(_Transport())  # type: ignore[arg-type]
        conn.leased = True
        pool.try_acquire(conn.key)
        waiter = conn.start(b"GET / HTTP/1.1\r\n\r\n", False, None)
        pieces = _splits(wire, cuts)
        got = b""
        response = None
        for piece in pieces:
            conn.data_received(piece)
            if response is None and waiter.done():
                response = waiter.result()
            if response is not None:
                while response.content.buffered:
                    got += loop.run_until_complete(response.content.readany())
        assert response is not None
        assert response.content.at_eof()
        assert pool.idle_connections == 1  # framing ended exactly: back in the pool
        second = conn.start(b"GET / HTTP/1.1\r\n\r\n", False, None)
        conn.data_received(b"HTTP/1.1 204 No Content\r\n\r\n")
        return got, second.done() and second.result().status == 204
    finally:
        loop.close()


_bodies = st.binary(max_size=3000)
_cuts = st.lists(st.integers(min_value=0, max_value=10_000), max_size=30)


@given(_bodies, _cuts)
def test_content_length_body_split_anywhere(body: bytes, cuts: list[int]) -> None:
    """A Content-Length body arrives in any pieces and comes out whole."""
    wire = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    assert _receive(wire, cuts) == (body, True)


@given(_bodies, st.lists(st.integers(min_value=1, max_value=700), max_size=10), _cuts)
def test_chunked_body_split_anywhere(body: bytes, sizes: list[int], cuts: list[int]) -> None:
    """A chunked body, in chunks of any sizes, arriving in any pieces, comes out whole."""
    wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunked(body, sizes)
    assert _receive(wire, cuts) == (body, True)


@given(
    _bodies,
    st.sampled_from(["gzip", "deflate", "raw-deflate"]),
    st.lists(st.integers(min_value=1, max_value=700), max_size=10),
    _cuts,
)
def test_compressed_chunked_body_split_anywhere(
    body: bytes, encoding: str, sizes: list[int], cuts: list[int]
) -> None:
    """gzip or deflate inside chunked framing, split anywhere, decodes to the body."""
    if encoding == "gzip":
        packed = gzip.compress(body)
    elif encoding == "deflate":
        packed = zlib.compress(body)
    else:
        squeeze = zlib.compressobj(wbits=-15)
        packed = squeeze.compress(body) + squeeze.flush()
    header = "deflate" if encoding == "raw-deflate" else encoding
    wire = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: %s\r\n\r\n"
        % header.encode()
        + _chunked(packed, sizes)
    )
    assert _receive(wire, cuts) == (body, True)


@given(_bodies, st.sampled_from(["gzip", "deflate"]), _cuts)
def test_decoder_split_anywhere(body: bytes, encoding: str, cuts: list[int]) -> None:
    """The decoder alone: any split of the compressed bytes decodes to the body."""
    packed = gzip.compress(body) if encoding == "gzip" else zlib.compress(body)
    decoder = Decoder(encoding)
    out = b"".join(decoder.feed(piece) for piece in _splits(packed, cuts)) + decoder.flush()
    assert out == body
