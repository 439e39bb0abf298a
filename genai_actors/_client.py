"""``AsyncClient``: configuration, lifecycle, and the API modules hanging off it.

Lifecycle: ``async with AsyncClient() as client:`` is the recommended form.
Plain construction works too: nothing is opened until the first request, and ``await
client.aclose()`` closes everything. The transport keeps one aiohttp session per event loop,
so one client may serve several loops (e.g. successive ``asyncio.run`` calls). Nothing is
cleaned up in ``__del__``; a client that opened a connection and was never closed warns with a
``ResourceWarning`` when it is collected.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._api_client import ApiClient, coerce_http_options
from ._backend import (
    Backend,
    MLDevBackend,
    env_flag,
    resolve_api_key,
    resolve_api_version,
    resolve_base_url,
)

# The API modules are imported by their properties on first use, so constructing a client stays
# cheap (no aiohttp, no request builders) until a module is needed.
from ._lazy import api_module
from ._transport import SessionPool, TransportConfig
from ._watch import TreeHost, WatchConfig
from .errors import InvalidOptionError, NotAvailableYetError
from .types._http import HttpOptions

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, Iterable
    from typing import Literal

    from ._api._auth_tokens import AsyncTokens
    from ._api._batches import AsyncBatches
    from ._api._caches import AsyncCaches
    from ._api._chats import AsyncChats
    from ._api._file_search_stores import AsyncFileSearchStores
    from ._api._files import AsyncFiles
    from ._api._models import AsyncModels
    from ._api._operations import AsyncOperations
    from ._api._tunings import AsyncTunings
    from ._fanout import FanoutStream
    from ._fanout._result import Method as FanoutMethod
    from ._governor import RateGovernor
    from ._live import AsyncLive
    from .types._http import HttpRetryOptions

__all__ = ["AsyncClient", "NotBuiltSurfaces", "resolve_options"]


def not_built(name: str) -> Any:
    """A property for ``client.<name>`` that raises :class:`NotAvailableYetError`."""

    def missing(self: object) -> Any:
        raise NotAvailableYetError(f"client.{name}", "google-genai's API of that name")

    missing.__name__ = name
    missing.__doc__ = f"``{name}``: not available yet (raises NotAvailableYetError)."
    return property(missing)


class NotBuiltSurfaces:
    """google-genai 3.6's newer surfaces (its "Gemini Next-Gen" APIs) that genai_actors does
    not offer yet, shared by both clients: reaching one raises NotAvailableYetError (an
    AttributeError too), never a bare AttributeError."""

    agents = not_built("agents")
    credentials = not_built("credentials")
    decisions = not_built("decisions")
    environments = not_built("environments")
    interactions = not_built("interactions")
    triggers = not_built("triggers")
    voices = not_built("voices")
    webhooks = not_built("webhooks")


def _env_vertexai() -> bool:
    """``GOOGLE_GENAI_USE_ENTERPRISE`` when set (it wins, with a warning, over a conflicting
    ``GOOGLE_GENAI_USE_VERTEXAI``), else ``GOOGLE_GENAI_USE_VERTEXAI``: ``true`` or ``1``."""
    enterprise = os.environ.get("GOOGLE_GENAI_USE_ENTERPRISE")
    vertex = os.environ.get("GOOGLE_GENAI_USE_VERTEXAI")
    if enterprise is not None:
        if vertex is not None and env_flag("GOOGLE_GENAI_USE_ENTERPRISE") != env_flag(
            "GOOGLE_GENAI_USE_VERTEXAI"
        ):
            warnings.warn(
                "GOOGLE_GENAI_USE_ENTERPRISE and GOOGLE_GENAI_USE_VERTEXAI conflict; "
                "GOOGLE_GENAI_USE_ENTERPRISE is used",
                stacklevel=4,
            )
        return env_flag("GOOGLE_GENAI_USE_ENTERPRISE")
    return env_flag("GOOGLE_GENAI_USE_VERTEXAI")


def resolve_options(
    *,
    api_key: str | None,
    vertexai: bool | None,
    credentials: object | None,
    project: str | None,
    location: str | None,
    http_options: HttpOptions | Mapping[str, Any] | None,
) -> tuple[Backend, HttpOptions]:
    """Resolves constructor arguments and the environment into a backend and client options.

    Vertex AI (argument, else ``GOOGLE_GENAI_USE_ENTERPRISE`` / ``GOOGLE_GENAI_USE_VERTEXAI``)
    is resolved by :func:`genai_actors._vertex.resolve_vertex` (project, location, express
    mode, credentials, base URL, ``v1beta1``).

    Raises:
        InvalidOptionError: No API key; ``project``/``location``/``credentials`` given for
            the Developer API; on Vertex AI no project nor key, or key with credentials; a bad
            ``http_options`` or base URL (a ``ValueError``).
        ImportError: Vertex AI credentials are needed and google-auth is missing (the message
            names the ``genai-actors[vertex]`` extra).
    """
    if vertexai is None:
        vertexai = _env_vertexai()
    if vertexai:
        from ._vertex import resolve_vertex

        return resolve_vertex(
            api_key=api_key,
            credentials=credentials,
            project=project,
            location=location,
            options=coerce_http_options(http_options),
        )
    if project is not None or location is not None:
        raise InvalidOptionError(
            "project" if project is not None else "location",
            "project and location are Vertex AI settings; the Gemini Developer API "
            "takes an API key only",
        )
    if credentials is not None:
        raise InvalidOptionError(
            "credentials",
            "credentials are a Vertex AI setting; the Gemini Developer API takes an API key",
        )
    options = coerce_http_options(http_options)
    backend = MLDevBackend(resolve_api_key(api_key))
    options = HttpOptions(
        base_url=resolve_base_url(
            options.base_url, scoped=options.base_url_resource_scope is not None
        ),
        base_url_resource_scope=options.base_url_resource_scope,
        api_version=resolve_api_version(options.api_version),
        headers=options.headers,
        timeout=options.timeout,
        retry_options=options.retry_options,
        extra_body=options.extra_body,
    )
    return backend, options


class AsyncClient(NotBuiltSurfaces):
    """The asynchronous Gemini client.

    Args:
        api_key: The API key; else ``GOOGLE_API_KEY`` (wins), else ``GEMINI_API_KEY``.
        vertexai: ``True`` selects Vertex AI (else ``GOOGLE_GENAI_USE_VERTEXAI``); see
            docs/vertex.md.
        credentials: Vertex AI: a google-auth credentials object or a key file's path;
            else Application Default Credentials.
        project: Vertex AI: the project (else ``GOOGLE_CLOUD_PROJECT``, else ADC's).
        location: Vertex AI: the location (else ``GOOGLE_CLOUD_LOCATION``, else ``global``).
        http_options: ``HttpOptions`` or a dict: ``base_url`` (else ``GOOGLE_GEMINI_BASE_URL``),
            ``api_version`` (default ``v1``), ``headers``, ``timeout`` (in milliseconds, as in
            google-genai; default 600 s, retries included), ``retry_options`` (on by default),
            ``extra_body``, ``base_url_resource_scope`` (needs ``base_url``; docs/vertex.md).
        transport: Connection settings (pool size, connect and stream-idle timeouts).
        watch: How job watchers poll (``wait``/``watch`` on operations, batches, tunings,
            files and file-search imports): the schedule and its rate and concurrency caps.
        governor: A :class:`~genai_actors.RateGovernor` every model call of this client goes
            through (per-model rpm, tpm, rpd, concurrency, server pauses); several clients may
            share one. ``None`` (the default): no governor, no cost.
        enterprise: google-genai 3.6's name for ``vertexai``.
        debug_config: google-genai's record/replay settings: not available (raises
            ``NotAvailableYetError`` when given).

    Raises:
        InvalidOptionError: No API key, or invalid options (a ``ValueError``).
        ImportError: Vertex AI credentials need google-auth (``genai-actors[vertex]``).

    The client is safe to share between tasks, and between event loops: each loop gets its own
    connection pool. It never opens anything before the first request.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        vertexai: bool | None = None,
        credentials: object | None = None,
        project: str | None = None,
        location: str | None = None,
        http_options: HttpOptions | Mapping[str, Any] | None = None,
        transport: TransportConfig | None = None,
        watch: WatchConfig | None = None,
        governor: RateGovernor | None = None,
        enterprise: bool | None = None,
        debug_config: object | None = None,
    ) -> None:
        if enterprise is not None:  # google-genai 3.6's name for vertexai
            if vertexai is not None and vertexai != enterprise:
                raise InvalidOptionError("enterprise", "conflicts with vertexai: give one")
            vertexai = enterprise
        if debug_config is not None:
            raise NotAvailableYetError(
                "debug_config (google-genai's record and replay)",
                "test against genai_actors.emulator instead",
            )
        if watch is not None and not isinstance(watch, WatchConfig):
            raise InvalidOptionError("watch", f"expected a WatchConfig, not {type(watch).__name__}")
        if governor is not None:
            from ._governor import RateGovernor

            if not isinstance(governor, RateGovernor):
                raise InvalidOptionError(
                    "governor", f"expected a RateGovernor, not {type(governor).__name__}"
                )
        backend, options = resolve_options(
            api_key=api_key,
            vertexai=vertexai,
            credentials=credentials,
            project=project,
            location=location,
            http_options=http_options,
        )
        config = transport if transport is not None else TransportConfig()
        self._pool = SessionPool(config)
        self._api = ApiClient(backend, options, config, self._pool, governor)
        self._closed = False
        # The supervision tree (sessions, the shared poll scheduler, watchers), one per event
        # loop, started on first need and stopped by `aclose()` before the transport closes.
        # Request/response calls never go through it.
        self._tree = TreeHost(watch)
        self._api.tree = self._tree

    # ------------------------------------------------------------------ modules

    models: api_module[AsyncModels] = api_module("._api._models", "AsyncModels")
    """Generation, embeddings, token counting, model metadata."""

    operations: api_module[AsyncOperations] = api_module("._api._operations", "AsyncOperations")
    """Long-running operations."""

    caches: api_module[AsyncCaches] = api_module("._api._caches", "AsyncCaches")
    """Context caching (``cachedContents``)."""

    batches: api_module[AsyncBatches] = api_module("._api._batches", "AsyncBatches")
    """Batch jobs: create, follow, read results."""

    tunings: api_module[AsyncTunings] = api_module("._api._tunings", "AsyncTunings")
    """Model tuning jobs."""

    files: api_module[AsyncFiles] = api_module("._api._files", "AsyncFiles")
    """Files: resumable uploads, metadata, downloads."""

    file_search_stores: api_module[AsyncFileSearchStores] = api_module(
        "._api._file_search_stores", "AsyncFileSearchStores"
    )
    """File Search stores (with ``.documents``)."""

    auth_tokens: api_module[AsyncTokens] = api_module("._api._auth_tokens", "AsyncTokens")
    """Ephemeral auth tokens (for Live)."""

    chats: api_module[AsyncChats] = api_module("._api._chats", "AsyncChats")
    """Multi-turn chats, each a supervised session actor (``create``, ``restore``, ``resume``)."""

    live: api_module[AsyncLive] = api_module("._live", "AsyncLive")
    """Live sessions (``connect``), each a supervised actor that survives disconnects."""

    def fanout(
        self,
        requests: Iterable[Any] | AsyncIterable[Any],
        *,
        model: str | None = None,
        method: FanoutMethod = "generate_content",
        concurrency: int | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        via: Literal["online", "batch", "auto"] = "online",
        retry_options: HttpRetryOptions | Mapping[str, Any] | None = None,
        batch_size: int | None = None,
        batch_attempts: int = 3,
        auto_batch_min: int = 50_000,
    ) -> FanoutStream:
        """Sends many requests and yields their results in completion order (docs/fanout.md).

        ``requests`` is a sync or async iterable of any size (Batch API lines ``{"key",
        "request"}``, prompts, typed requests), read as workers free up (``concurrency``
        requests in flight, default 64); ``method`` is ``generate_content``, ``embed_content``
        (packed 100 per ``batchEmbedContents``) or ``count_tokens``. Each result is a
        :class:`~genai_actors.FanoutResult` (index, key, response or error, attempts); one
        input failing never stops the others. ``checkpoint="out.jsonl"`` makes the run durable
        (restart with the same call after any stop); ``via="batch"`` hands the work to the
        Batch API, ``"auto"`` does so from ``auto_batch_min`` inputs.

        Raises:
            InvalidOptionError: A bad option (nothing is sent).
            ValueError: The checkpoint's state file does not match its output.
            ClientClosedError: (while iterating) the client was closed.

        Cancellation: ``aclose()`` on the stream (or leaving ``async with``) aborts the
        requests in flight and saves the checkpoint; their inputs stay unanswered.
        """
        from ._fanout import fanout

        return fanout(
            self,
            requests,
            model=model,
            method=method,
            concurrency=concurrency,
            checkpoint=checkpoint,
            via=via,
            retry_options=retry_options,
            batch_size=batch_size,
            batch_attempts=batch_attempts,
            auto_batch_min=auto_batch_min,
        )

    def _build_module(self, cls: type[Any], name: str) -> Any:
        return cls(self._api)

    @property
    def api_client(self) -> ApiClient:
        """The HTTP seam the modules use (for extension modules and tests)."""
        return self._api

    @property
    def vertexai(self) -> bool:
        """True on Vertex AI, False on the Gemini Developer API."""
        return self._api.vertexai

    @property
    def governor(self) -> RateGovernor | None:
        """The rate governor this client's model calls go through, or ``None``."""
        return self._api.governor

    @property
    def closed(self) -> bool:
        """True after :meth:`aclose`."""
        return self._closed

    # ------------------------------------------------------------------ lifecycle

    async def aclose(self) -> None:
        """Closes the client: its supervision tree, then its connection pools. Idempotent.

        The tree goes first: every watcher and session actor stops, and pending
        ``wait``/``watch`` calls end with :class:`~genai_actors.errors.ClientClosedError`
        (this loop's tree is waited for; a tree on another loop is asked to stop). Later calls
        raise :class:`~genai_actors.errors.ClientClosedError`. In-flight requests in other
        tasks fail as their connections close. If cancelled, this loop's tree and pool are
        still closed (both closes are shielded).
        """
        self._closed = True
        await self._tree.aclose()  # every watcher and session stops before the transport
        await self._api.aclose()

    def _close_unopened(self) -> bool:
        """Marks the client closed without any I/O if it never opened a pool; True if so."""
        if self._pool.opened or self._tree.started:
            return False
        self._closed = True
        self._pool.closed = True
        self._tree.closed = True
        return True

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        plan = self._api.http_options
        state = "closed" if self._closed else "open"
        return (
            f"AsyncClient(backend={self._api.backend.name!r}, base_url={plan.base_url!r}, "
            f"api_version={plan.api_version!r}, {self._api.backend!r}, {state})"
        )

    def __del__(self, _warn: Any = warnings.warn) -> None:
        pool = getattr(self, "_pool", None)
        if pool is not None and pool.opened and not self._closed:
            _warn(
                "AsyncClient was never closed: use `async with AsyncClient()` or "
                "`await client.aclose()`",
                ResourceWarning,
                source=self,
                stacklevel=2,
            )
