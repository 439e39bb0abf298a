# genai_actors._transport: HTTP below the API modules.
#   _session.py   TransportConfig (defaults, size caps, the HTTP client), SessionPool (one
#                 session per event loop), the shared SSL context, proxy settings read once
#   _wire.py      the Session / Response / Reader protocols both HTTP clients satisfy
#   _h1/          h1: our HTTP/1.1 client on asyncio protocols + httptools (the default)
#   _aiohttp.py   the aiohttp fallback as a Session (neutral timeouts, payload bodies)
#   _timeouts.py  Timeouts: the per-phase limits of one attempt, whatever the client
#   _options.py   HttpOptions checked and merged (the one deep_merge), Plan (resolved per-call
#                 options, URL cache), the resource-path guard
#   _exchange.py  Exchange: the one retry loop (plain requests, streams, raw bodies), deadlines
#   _retry.py     RetryPolicy: what is retried, backoff (supervisors.Backoff), server hints
#   _errors.py    the one h1/aiohttp -> errors mapping (by phase), the one secret scrub
#   _reading.py   RawResponse (a 2xx answer read whole; types.HttpResponse is the wire type);
#                 capped body reads; bytes before a stored error come first
#   _sse.py       SseParser: incremental server-sent-events framing, size-capped
#   _stream.py    SseStream: a streamed response as an object with aclose()
#   _body.py      RawBody: a body read in pieces (downloads)
"""HTTP transport: sessions per event loop, options, the retry loop, errors, and streams."""

from __future__ import annotations

from ._errors import (
    Phase as Phase,
    decode_json as decode_json,
    map_transport_error as map_transport_error,
    scrub as scrub,
)
from ._exchange import Exchange as Exchange
from ._options import (
    Plan as Plan,
    check_resource_path as check_resource_path,
    coerce_http_options as coerce_http_options,
    deep_merge as deep_merge,
    merge_http_options as merge_http_options,
)
from ._reading import RawResponse as RawResponse
from ._retry import DEFAULT_RETRY as DEFAULT_RETRY, RetryPolicy as RetryPolicy
from ._session import (
    SessionPool as SessionPool,
    TransportConfig as TransportConfig,
    proxy_for as proxy_for,
    shared_ssl_context as shared_ssl_context,
)
from ._sse import SseParser as SseParser
from ._stream import SseStream as SseStream

__all__ = [
    "DEFAULT_RETRY",
    "Exchange",
    "RawResponse",
    "Phase",
    "Plan",
    "RetryPolicy",
    "SessionPool",
    "SseParser",
    "SseStream",
    "TransportConfig",
    "check_resource_path",
    "coerce_http_options",
    "decode_json",
    "deep_merge",
    "map_transport_error",
    "merge_http_options",
    "proxy_for",
    "scrub",
    "shared_ssl_context",
]
