"""The timeouts of one HTTP attempt, in seconds, whatever the HTTP client underneath.

``None`` means no limit for that phase. The meanings are aiohttp's (``ClientTimeout``), so the
aiohttp transport converts field for field and the h1 transport honours the same phases.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Timeouts"]


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Per-phase limits of one attempt (seconds; ``None`` is no limit).

    Attributes:
        total: From the request's start (pool wait included) to the end of its body.
        connect: The pool wait plus a new connection's DNS, TCP and TLS handshakes.
        sock_connect: A new connection's TCP and TLS handshakes alone (proxy ``CONNECT``
            included), not the wait for a pooled connection.
        sock_read: The longest silence while waiting for the response head or its body.
    """

    total: float | None = None
    connect: float | None = None
    sock_connect: float | None = None
    sock_read: float | None = None
