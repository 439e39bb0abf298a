"""One aiohttp ``ClientSession`` shared by a client's open Live sessions.

Each Live session's socket is its own connection (a WebSocket is never pooled); what the
sessions share is the aiohttp session object and its connector, so opening a session does not
build one and closing it does not tear one down. The first session to open creates it and the
last one to end closes it: nothing stays open while no session is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp

__all__ = ["SharedHttp"]


class SharedHttp:
    """The aiohttp session of one client's Live (or Live Music) sessions.

    Args:
        ssl: Gives the TLS setting for ``wss://`` (``aiohttp.TCPConnector(ssl=...)``), asked
            when the aiohttp session is created.
    """

    def __init__(self, ssl: Callable[[], Any]) -> None:
        self._ssl = ssl
        self._http: aiohttp.ClientSession | None = None
        self._users = 0

    @property
    def users(self) -> int:
        """Sessions holding the aiohttp session now."""
        return self._users

    def acquire(self) -> aiohttp.ClientSession:
        """The shared aiohttp session (created if none is open); pair with :meth:`release`."""
        http = self._http
        if http is None or http.closed:
            http = self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, ssl=self._ssl()), trust_env=False
            )
        self._users += 1
        return http

    async def release(self, http: aiohttp.ClientSession) -> None:
        """Give ``http`` back; the last user closes it.

        Cancellation: the count is already down; the close may not have finished.
        """
        self._users -= 1
        if self._users <= 0 and self._http is http:
            self._users = 0
            self._http = None
            await http.close()
