# genai_actors._transport._h1: a small HTTP/1.1 client on asyncio protocols and httptools.
#   _errors.py      its failures (mapped to genai_actors.errors by _transport._errors)
#   _session.py     H1Session: the requests, the retry of a stale keep-alive connection, timeouts
#   _pool.py        slots (limit, limit_per_host), FIFO waiters, idle connections per origin
#   _connect.py     TCP, TLS, HTTP proxies (absolute-form, CONNECT), the default SSL contexts
#   _connection.py  one connection: the asyncio.Protocol, httptools callbacks, write flow control
#   _head.py        the bytes of a request head
#   _response.py    H1Response
#   _reader.py      BodyReader: the body as it arrives, read flow control
#   _decode.py      gzip/deflate, decoded chunk by chunk
#   _timer.py       the total and sock_read timeouts of an exchange, on loop timers
"""h1: the default HTTP client of the transport (aiohttp remains as a fallback)."""

from ._errors import (
    CertificateError,
    ClientConnectError,
    ConnectTimeout,
    HttpClientError,
    PayloadError,
    ProtocolError,
    ProxyError,
    ReadTimeout,
    RequestError,
    ServerDisconnected,
    SessionClosed,
    TotalTimeout,
    WrongLoop,
)
from ._reader import BodyReader
from ._response import H1Response
from ._session import H1Session

__all__ = [
    "BodyReader",
    "CertificateError",
    "ClientConnectError",
    "ConnectTimeout",
    "H1Response",
    "H1Session",
    "HttpClientError",
    "PayloadError",
    "ProtocolError",
    "ProxyError",
    "ReadTimeout",
    "RequestError",
    "ServerDisconnected",
    "SessionClosed",
    "TotalTimeout",
    "WrongLoop",
]
