"""``client.live``: ``connect(model=, config=)`` opens a supervised Live session.

The config is checked and the setup built before anything is opened. The session's actor is
started under the client's ``sessions`` supervisor; ``connect`` returns once the server
answered the setup (``setupComplete``), and leaving the ``async with`` block closes the session.
The endpoint is ``{base_url as ws/wss}/ws/google.ai.generativelanguage.{version}.
GenerativeService.BidiGenerateContent``, authenticated with ``x-goog-api-key``; an ephemeral
token (``api_key="auth_tokens/..."``) goes to ``BidiGenerateContentConstrained`` as
``Authorization: Token ...`` instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from .._transformers import live_setup
from .._transport import shared_ssl_context
from ..types._http import HttpOptions
from ._music import AsyncLiveMusic
from ._session import AsyncSession, LiveOptions, _Link, supervised
from ._setup import coerce_live_config

if TYPE_CHECKING:
    from .._api_client import ApiClient
    from ..types._auth_tokens import LiveConnectConfig

__all__ = ["AsyncLive"]

_SERVICE = "google.ai.generativelanguage.{version}.GenerativeService.{method}"


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

    @contextlib.asynccontextmanager
    async def connect(self, *, model: str, config: Any = None) -> AsyncIterator[AsyncSession]:
        """Opens a Live session; the ``async with`` block's exit closes it.

        Args:
            model: The Live model (``gemini-2.0-flash-live-001`` or ``models/...``).
            config: A :class:`~genai_actors.types.LiveConnectConfig` or a dict.

        Raises:
            InvalidRequestError: A bad config (checked before any socket is opened).
            UnsupportedByBackendError: Vertex AI.
            SessionClosed: The server refused the setup (its close code and reason).
            ClientClosedError: The client is closed.
            aiohttp.ClientError / OSError / TimeoutError: The socket could not be opened.

        Cancellation: the session's actor is stopped and its socket closed before the
        cancellation propagates.
        """
        if self._api.vertexai:
            raise self._api.unsupported("live.connect")
        cfg = coerce_live_config(config)
        setup = live_setup(model, cfg)
        url, headers = self.endpoint(cfg)
        link = _Link(url, headers, setup, self.options, shared_ssl_context())
        async with supervised(self._api, link) as stop:
            yield AsyncSession(link, stop)
