# genai_actors: the Gemini client, built on supervisors.
#   _client.py       AsyncClient: configuration, lifecycle, API modules
#   _sync.py         Client (blocking) and the loop-thread bridge
#   _api_client.py   ApiClient: the HTTP seam every API module calls
#   _backend.py      Backend protocol, MLDevBackend, URL building, env resolution
#   _transport/      sessions per event loop, retry policy, SSE parser and streams
#   _log.py          structlog over the stdlib "genai_actors" logger (silent by default)
#   errors.py        the exception hierarchy (public)
#   pagers.py        Pager / AsyncPager (public)
#   types/           wire types (public)
#   emulator/        an offline Gemini API server (public)
"""An asyncio-first client for Google's Gemini API, built as supervised actors on anyio."""

from __future__ import annotations

from . import errors as errors, pagers as pagers
from ._api_client import VERSION as __version__
from ._client import AsyncClient as AsyncClient
from ._sync import Client as Client
from ._transport import TransportConfig as TransportConfig

__all__ = ["AsyncClient", "Client", "TransportConfig", "errors", "pagers", "__version__"]
