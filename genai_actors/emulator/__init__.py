# genai_actors.emulator: an offline, wire-faithful Gemini API server.
#
#   _server.py      Emulator (async with / with), serve()
#   _app.py         aiohttp app: record -> auth -> route -> faults -> handler; error envelope
#   _router.py      dispatch table keyed by (verb, resource shape, :method); Call; paging
#   _state.py       EmulatorState, Settings: what every handler shares (clocks, stores, tmp dir)
#   _timeutil.py    timestamps, durations, Progress (staged jobs over polls and time)
#   _errors.py      ApiError and the {"error": {...}} envelope, RetryInfo
#   _proto.py       proto-JSON request validation (camelCase + snake_case, unknown fields)
#   _faults.py      FaultConfig, Faults: rate limits, 5xx, latency, cut streams, fail-next
#   _recorder.py    RecordedRequest, Recorder
#   _catalog.py     the model catalogue and seeded tuned models
#   _brain.py       deterministic generation; _schema_gen.py JSON from schemas
#   _tokens.py      the tokenizer every count uses; _embed.py embeddings + routes
#   _media.py       tiny PNG / MP4 / PCM
#   _models.py _generate.py _predict.py _operations.py _files.py   one module per resource
#   _upload.py      the resumable upload protocol, streamed to disk; upload drop faults
#   _caches.py _batches.py _tunings.py _file_search.py _auth_tokens.py   more resources
#   _retrieval.py   chunking, metadata filters and ranking for file search
#   _admin.py       /_emulator/* admin endpoints
#   _live.py        the Live WebSocket endpoints; _live_state.py sessions, handles, faults;
#   _live_admin.py  /_emulator/live/* and the Live routes; _tls.py the self-signed certificate
#   _vertex.py      Vertex AI paths: projects/{p}/locations/{l}/ scope, bearer/API-key auth,
#                   project allow-list, VertexCall; _oauth.py POST /token and bearer checks;
#                   _credentials.py service-account / authorized-user files for google-auth
#   _vertex_generate.py _vertex_media.py _vertex_models.py _vertex_jobs.py   Vertex resources
#   pytest_plugin.py   the gemini_emulator and gemini_service_account fixtures
"""An offline emulator of the Gemini Developer API and Vertex AI, for tests, benchmarks and demos.

>>> async with Emulator() as emu:  # doctest: +SKIP
...     client = genai.Client(api_key="k", http_options={"base_url": emu.url})
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._auth_tokens import TokenStore as TokenStore
    from ._batches import BatchStore as BatchStore
    from ._errors import ApiError as ApiError
    from ._faults import FaultConfig as FaultConfig, Faults as Faults
    from ._files import FileStore as FileStore, StoredFile as StoredFile
    from ._live_state import (
        LiveFault as LiveFault,
        LiveSettings as LiveSettings,
        LiveStore as LiveStore,
    )
    from ._operations import Operation as Operation, OperationStore as OperationStore
    from ._recorder import RecordedRequest as RecordedRequest, Recorder as Recorder
    from ._server import Emulator as Emulator, serve as serve
    from ._state import Settings as Settings
    from ._upload import UploadStore as UploadStore

__all__ = [
    "Emulator",
    "serve",
    "FaultConfig",
    "Faults",
    "RecordedRequest",
    "Recorder",
    "Operation",
    "OperationStore",
    "FileStore",
    "StoredFile",
    "ApiError",
    "Settings",
    "UploadStore",
    "BatchStore",
    "TokenStore",
    "LiveFault",
    "LiveSettings",
    "LiveStore",
]

# Public names resolve on first use, so importing the package (as the pytest plugin entry point
# does in every test session) does not import aiohttp and the server.
_WHERE = {
    "Emulator": "._server",
    "serve": "._server",
    "FaultConfig": "._faults",
    "Faults": "._faults",
    "RecordedRequest": "._recorder",
    "Recorder": "._recorder",
    "Operation": "._operations",
    "OperationStore": "._operations",
    "FileStore": "._files",
    "StoredFile": "._files",
    "ApiError": "._errors",
    "Settings": "._state",
    "UploadStore": "._upload",
    "BatchStore": "._batches",
    "TokenStore": "._auth_tokens",
    "LiveFault": "._live_state",
    "LiveSettings": "._live_state",
    "LiveStore": "._live_state",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
