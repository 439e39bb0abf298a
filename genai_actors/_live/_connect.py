"""``client.live``: ``connect(model=, config=)`` opens a supervised Live session.

The config is checked and the setup built before anything is opened. The session's actor is
started under the client's ``sessions`` supervisor; ``connect`` returns once the server
answered the setup (``setupComplete``), and leaving the ``async with`` block closes the session.
The endpoint is ``{base_url as ws/wss}/ws/google.ai.generativelanguage.{version}.
GenerativeService.BidiGenerateContent``, authenticated with ``x-goog-api-key``; an ephemeral
token (``api_key="auth_tokens/..."``) goes to ``BidiGenerateContentConstrained`` as
``Authorization: Token ...`` instead. On Vertex AI it is ``{base}/ws/google.cloud.aiplatform.
{version}.LlmBidiService/BidiGenerateContent`` with a bearer token (or the express API key) and
a project-scoped model name in the setup.

mTLS on Vertex AI follows the client's TLS choice (``_transport._mtls.client_tls``, made once
per client), as google-genai does for its WebSocket: the client certificate's SSL context serves
every ``wss://`` handshake of the client's Live sessions, and with the mTLS host chosen the URL's
``*.googleapis.com`` host becomes its ``mtls`` host in project and express modes (a gateway's
URL is left as given). The Developer API keeps the process-wide SSL setting and its host.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._backend import to_mtls_url
from .._transformers import live_setup
from .._transport import shared_ssl_context
from .._transport._mtls import client_tls
from ..types._http import HttpOptions
from . import _wire
from ._music import AsyncLiveMusic
from ._pool import SharedHttp
from ._session import AsyncSession, LiveOptions, _Link, supervised
from ._setup import coerce_live_config, vertex_live_setup

if TYPE_CHECKING:
    from .._api_client import ApiClient
    from ..types._auth_tokens import LiveConnectConfig

__all__ = ["AsyncLive"]

_SERVICE = "google.ai.generativelanguage.{version}.GenerativeService.{method}"
_VERTEX_SERVICE = "google.cloud.aiplatform.{version}.LlmBidiService/BidiGenerateContent"
_Auth = Callable[[], Awaitable[Mapping[str, str]]]


def _ws_base(base_url: str) -> str:
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :]
    if base.startswith("http://"):
        return "ws://" + base[len("http://") :]
    return base


class AsyncLive:
    """Live sessions (``client.live``, also ``client.aio.live``): async only, as in google-genai.

    Args:
        api_client: The client's seam (backend, options, supervision tree).
        options: How sessions connect and recover (defaults: :class:`LiveOptions`).
    """

    def __init__(self, api_client: ApiClient, options: LiveOptions | None = None) -> None:
        self._api = api_client
        self.options = options if options is not None else LiveOptions()
        self._music: AsyncLiveMusic | None = None
        self.http = SharedHttp(self._ssl)  # the aiohttp session of every session

    def _ssl(self) -> Any:
        """The TLS setting of the client's ``wss://`` connections: its client certificate's
        context when it has one (Vertex AI), else the process-wide one."""
        context = client_tls(self._api.backend).context
        return context if context is not None else shared_ssl_context()

    @property
    def music(self) -> AsyncLiveMusic:
        """Live Music sessions (``client.live.music.connect(model=...)``)."""
        music = self._music
        if music is None:
            music = self._music = AsyncLiveMusic(self)
        return music

    def endpoint(
        self, cfg: LiveConnectConfig | None, *, music: bool = False
    ) -> tuple[str, dict[str, str]]:
        """The WebSocket URL and headers of a session (``music``: BidiGenerateMusic)."""
        api = self._api
        options: HttpOptions = api.http_options
        override = cfg.http_options if cfg is not None else None
        base = (override.base_url if override else None) or options.base_url or ""
        version = (override.api_version if override else None) or options.api_version or ""
        backend = api.backend
        ephemeral = bool(getattr(backend, "is_ephemeral_token", False)) and not music
        method = "BidiGenerateContentConstrained" if ephemeral else "BidiGenerateContent"
        if music:
            method = "BidiGenerateMusic"
        url = f"{_ws_base(base)}/ws/{_SERVICE.format(version=version, method=method)}"
        headers = dict(api.feature_headers("live"))
        if ephemeral:
            headers["Authorization"] = f"Token {getattr(backend, 'api_key', '')}"
        else:
            headers.update(backend.static_headers)
        for extra in (options.headers, override.headers if override else None):
            if extra:
                headers.update(extra)
        return url, headers

    def _vertex(
        self, model: str, cfg: LiveConnectConfig
    ) -> tuple[str, dict[str, str], _Auth | None, dict[str, Any]]:
        """Vertex AI's URL, fixed headers, per-connection credentials and setup.

        Project mode sends a bearer token from the backend's token source, fetched (and
        refreshed) for every connection; express mode its API key; a gateway (a custom base URL
        without project and location) only the caller's headers, at the base URL itself.
        """
        api = self._api
        backend: Any = api.backend  # a VertexBackend (not imported: it sits beside this layer)
        options: HttpOptions = api.http_options
        override = cfg.http_options
        base = (
            (override.base_url if override else None)
            or options.base_url
            or backend.default_base_url
        )
        version = (
            (override.api_version if override else None)
            or options.api_version
            or backend.default_api_version
        )
        mode = backend.mode
        if mode == "gateway":
            url = _ws_base(base)
        else:
            url = f"{_ws_base(base)}/ws/{_VERTEX_SERVICE.format(version=version)}"
            if client_tls(backend).mtls_endpoint:
                url = to_mtls_url(url)
        headers = dict(api.feature_headers("live"))
        headers.update(backend.static_headers)
        for extra in (options.headers, override.headers if override else None):
            if extra:
                headers.update(extra)
        auth = backend.auth_headers if mode == "project" and backend.dynamic_auth else None
        prefix = (
            f"projects/{backend.project}/locations/{backend.location}/"
            if backend.project and backend.location
            else ""
        )
        setup = vertex_live_setup(model, cfg, prefix=prefix, default_audio=mode != "express")
        return url, headers, auth, setup

    @contextlib.asynccontextmanager
    async def connect(self, *, model: str, config: Any = None) -> AsyncIterator[AsyncSession]:
        """Opens a Live session; the ``async with`` block's exit closes it.

        Args:
            model: The Live model (``gemini-2.0-flash-live-001`` or ``models/...``).
            config: A :class:`~genai_actors.types.LiveConnectConfig` or a dict.

        Raises:
            InvalidRequestError: A bad config (checked before any socket is opened).
            SessionClosed: The server refused the setup (its close code and reason).
            ClientClosedError: The client is closed.
            aiohttp.ClientError / OSError / TimeoutError: The socket could not be opened.
            google.auth.exceptions.RefreshError: Vertex AI credentials could not be refreshed.

        Cancellation: the session's actor is stopped and its socket closed before the
        cancellation propagates.
        """
        cfg = coerce_live_config(config)
        if self._api.vertexai:
            url, headers, auth, setup = self._vertex(model, cfg)
        else:
            setup = live_setup(model, cfg)
            url, headers = self.endpoint(cfg)
            auth = None
        vertex = self._api.vertexai
        link = _Link(
            url,
            headers,
            setup,
            self.options,
            self.http,
            _wire.decode_vertex_server_message if vertex else _wire.decode_server_message,
            auth=auth,
            vertex=vertex,
        )
        async with supervised(self._api, link) as stop:
            yield AsyncSession(link, stop)
