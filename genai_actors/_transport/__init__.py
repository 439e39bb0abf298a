# genai_actors._transport: HTTP below the API modules.
#   _session.py  TransportConfig (defaults), SessionPool (one aiohttp session per event loop),
#                the shared SSL context, proxy settings read once
#   _retry.py    RetryPolicy: what is retried, backoff (supervisors.Backoff), server hints
#   _sse.py      SseParser: incremental server-sent-events framing
#   _stream.py   SseStream: a streamed response as an object with aclose()
"""HTTP transport: sessions per event loop, the retry policy, and server-sent events."""

from __future__ import annotations

from ._retry import DEFAULT_RETRY as DEFAULT_RETRY, RetryPolicy as RetryPolicy
from ._session import (
    SessionPool as SessionPool,
    TransportConfig as TransportConfig,
    proxy_for as proxy_for,
    shared_ssl_context as shared_ssl_context,
)
from ._sse import SseParser as SseParser
from ._stream import SseStream as SseStream, decode_json as decode_json

__all__ = [
    "DEFAULT_RETRY",
    "RetryPolicy",
    "SessionPool",
    "TransportConfig",
    "proxy_for",
    "shared_ssl_context",
    "SseParser",
    "SseStream",
    "decode_json",
]
