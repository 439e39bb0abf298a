"""The aiohttp fallback (``TransportConfig(http_client="aiohttp")``) behind the transport seam.

:class:`AiohttpSession` gives one ``aiohttp.ClientSession`` (over one ``TCPConnector``) the
:class:`~._wire.Session` shape: timeouts arrive as the neutral :class:`~._timeouts.Timeouts`
and become ``aiohttp.ClientTimeout`` (each distinct one converted once, so a plan's timeouts
are converted on first use, not per call); bodies over 1 MiB and memoryviews are sent as a
``BytesPayload`` (aiohttp warns about large raw ``bytes``; a payload is written without a copy).
Responses are aiohttp's own with the seam's ``header_dict()`` added (:class:`AiohttpResponse`).
This module imports aiohttp: it is loaded only when the aiohttp client is chosen.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, cast

import aiohttp

from ._timeouts import Timeouts

if TYPE_CHECKING:
    import ssl

    from yarl import URL

    from ._session import TransportConfig
    from ._wire import Body

__all__ = ["ERRORS", "AiohttpResponse", "AiohttpSession"]

ERRORS: tuple[type[BaseException], ...] = (aiohttp.ClientError, TimeoutError)
"""What a request or a body read may raise (mapped by ``map_transport_error``)."""

_PAYLOAD_SIZE = 1024 * 1024  # aiohttp warns about raw bytes bodies over this
_CACHE_LIMIT = 256  # distinct Timeouts kept converted (plans' own, plus retries' remainders)


class AiohttpResponse(aiohttp.ClientResponse):
    """aiohttp's response with the seam's :meth:`header_dict`."""

    _header_dict: dict[str, str] | None = None

    def header_dict(self) -> dict[str, str]:
        """The headers as a plain dict: lowercase names, the values of a repeated header joined
        with ``", "`` in order (built on first use; the same dict each time: do not change
        it)."""
        out = self._header_dict
        if out is None:
            out = self._header_dict = {}
            for name, value in self.headers.items():
                name = name.lower()
                if name in out:
                    out[name] = f"{out[name]}, {value}"
                else:
                    out[name] = value
        return out

    def take_body(self) -> bytes | None:
        """Always ``None``: aiohttp's body is read with ``await read()``."""
        return None


class AiohttpSession:
    """An aiohttp session and its connector, spoken to through the neutral seam.

    Args:
        config: Pool sizes and the keep-alive time.
        read_bufsize: Bytes buffered per response before reading pauses.
    """

    __slots__ = ("_timeouts", "session")

    def __init__(self, config: TransportConfig, read_bufsize: int) -> None:
        connector = aiohttp.TCPConnector(
            limit=config.connection_limit,
            limit_per_host=config.connection_limit_per_host,
            keepalive_timeout=config.keepalive_timeout,
        )
        self.session = aiohttp.ClientSession(
            connector=connector,
            trust_env=False,
            read_bufsize=read_bufsize,
            response_class=AiohttpResponse,
        )
        self._timeouts: dict[Timeouts, aiohttp.ClientTimeout] = {}

    @property
    def closed(self) -> bool:
        """True once closed."""
        return self.session.closed

    @property
    def busy(self) -> int:
        """Connections in use (acquired by a request or an open response)."""
        connector = self.session.connector
        return 0 if connector is None else len(connector._acquired)

    def request(
        self,
        method: str,
        url: URL,
        *,
        data: Body | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeouts = Timeouts(),  # noqa: B008 - immutable
        proxy: str | None = None,
        ssl: ssl.SSLContext | bool = True,
    ) -> Awaitable[AiohttpResponse]:
        """``ClientSession.request`` with the neutral timeouts and body (see the module).

        Raises (when awaited):
            aiohttp.ClientError, TimeoutError: aiohttp's own (mapped by the caller).
        """
        converted = self._timeouts.get(timeout)
        if converted is None:
            converted = self._convert(timeout)
        if data is not None and (type(data) is not bytes or len(data) > _PAYLOAD_SIZE):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                data = aiohttp.BytesPayload(data, content_type="application/octet-stream")  # type: ignore[assignment]
        # The session's response_class is AiohttpResponse: its requests give one.
        return cast(
            "Awaitable[AiohttpResponse]",
            self.session.request(
                method, url, data=data, headers=headers, timeout=converted, proxy=proxy, ssl=ssl
            ),
        )

    def _convert(self, timeout: Timeouts) -> aiohttp.ClientTimeout:
        converted = aiohttp.ClientTimeout(
            total=timeout.total,
            connect=timeout.connect,
            sock_connect=timeout.sock_connect,
            sock_read=timeout.sock_read,
        )
        if len(self._timeouts) >= _CACHE_LIMIT:
            self._timeouts.clear()
        self._timeouts[timeout] = converted
        return converted

    async def close(self) -> None:
        """Closes the session and its connections. Idempotent."""
        await self.session.close()
