# genai_actors: the Gemini client, built on supervisors.
#   _client.py       AsyncClient: configuration, lifecycle, API modules
#   _sync.py         Client (blocking) and the loop-thread bridge
#   _api_client.py   ApiClient: the HTTP seam every API module calls
#   _backend.py      Backend protocol, MLDevBackend, URL building, env resolution
#   _transport/      sessions per event loop, retry policy, SSE parser and streams
#   _log.py          structlog over the stdlib "genai_actors" logger (silent by default)
#   _transformers/   pure request building: input normalisation, names, schemas, gating
#   _models*.py _afc.py _operations.py _files.py _upload.py _download.py _caches.py
#   _batches.py _batch_results.py _tunings.py _file_search_stores.py _documents.py
#   _auth_tokens.py  one module per API surface (async class + blocking facade)
#   _watch/          supervised job watchers sharing one poll schedule (wait / watch)
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
    from ._api._models_stream import GenerateContentStream as GenerateContentStream
    from ._client import AsyncClient as AsyncClient
    from ._sync import Client as Client
    from ._transport import TransportConfig as TransportConfig
    from ._watch import WatchConfig as WatchConfig, WatchStream as WatchStream
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
    "GenerateContentStream",
    "TransportConfig",
    "UploadError",
    "WatchConfig",
    "WatchStream",
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
    "GenerateContentStream": ("._api._models_stream", "GenerateContentStream"),
    "WatchConfig": ("._watch", "WatchConfig"),
    "WatchStream": ("._watch", "WatchStream"),
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
