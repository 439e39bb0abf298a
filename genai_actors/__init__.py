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
#
# Public names resolve on first use (module __getattr__), so `import genai_actors` imports
# nothing heavy; aiohttp is imported when the first connection pool is opened.
"""An asyncio-first client for Google's Gemini API, built as supervised actors on anyio."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import errors as errors, pagers as pagers, types as types
    from ._client import AsyncClient as AsyncClient
    from ._sync import Client as Client
    from ._transport import TransportConfig as TransportConfig
    from .errors import (
        DownloadTooLargeError as DownloadTooLargeError,
        FileProcessingError as FileProcessingError,
        UploadError as UploadError,
    )

__version__ = "0.1.0"

__all__ = [
    "AsyncClient",
    "Client",
    "DownloadTooLargeError",
    "FileProcessingError",
    "TransportConfig",
    "UploadError",
    "errors",
    "pagers",
    "types",
    "__version__",
]

# name -> (module, attribute); attribute None means the module itself.
_WHERE: dict[str, tuple[str, str | None]] = {
    "AsyncClient": ("._client", "AsyncClient"),
    "Client": ("._sync", "Client"),
    "TransportConfig": ("._transport._session", "TransportConfig"),
    "UploadError": (".errors", "UploadError"),
    "DownloadTooLargeError": (".errors", "DownloadTooLargeError"),
    "FileProcessingError": (".errors", "FileProcessingError"),
    "errors": (".errors", None),
    "pagers": (".pagers", None),
    "types": (".types", None),
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(where[0], __name__)
    value = module if where[1] is None else getattr(module, where[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
