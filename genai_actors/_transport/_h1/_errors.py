"""The failures of the h1 HTTP client (``genai_actors._transport._h1``).

They are mapped to :mod:`genai_actors.errors` in one place, ``_transport._errors``; nothing
outside ``_transport`` sees them.
"""

from __future__ import annotations

__all__ = [
    "CertificateError",
    "ClientConnectError",
    "ConnectTimeout",
    "HttpClientError",
    "PayloadError",
    "ProtocolError",
    "ProxyError",
    "ReadTimeout",
    "RequestError",
    "ServerDisconnected",
    "SessionClosed",
    "TotalTimeout",
    "WrongLoop",
]


class HttpClientError(Exception):
    """Base class of every h1 failure."""


class ClientConnectError(HttpClientError):
    """No connection could be made: DNS, refused, unreachable, TLS handshake.

    Attributes:
        host: The host connected to (the proxy's, when connecting through one).
        port: Its port.
        os_error: The underlying ``OSError`` or ``ssl.SSLError``, if any.
    """

    def __init__(
        self, host: str, port: int, os_error: BaseException | None = None, message: str = ""
    ) -> None:
        self.host = host
        self.port = port
        self.os_error = os_error
        detail = message or (f"{type(os_error).__name__}: {os_error}" if os_error else "failed")
        super().__init__(f"cannot connect to {host}:{port}: {detail}")


class CertificateError(ClientConnectError):
    """The server's TLS certificate (or its host name) did not verify."""


class ProxyError(ClientConnectError):
    """The proxy refused the tunnel (``CONNECT`` answered with a non-2xx status).

    Attributes:
        status: The proxy's status code.
    """

    def __init__(self, host: str, port: int, status: int, reason: str = "") -> None:
        self.status = status
        super().__init__(host, port, None, f"the proxy answered {status} {reason}".rstrip())


class ConnectTimeout(HttpClientError, TimeoutError):
    """A new connection (TCP and TLS handshakes, proxy tunnel) took longer than
    ``Timeouts.sock_connect``, or the pool wait plus connecting passed ``Timeouts.connect``."""


class ReadTimeout(HttpClientError, TimeoutError):
    """The server sent nothing for ``Timeouts.sock_read`` seconds."""


class TotalTimeout(HttpClientError, TimeoutError):
    """The attempt passed ``Timeouts.total``."""


class ServerDisconnected(HttpClientError):
    """The connection closed (or failed) before the response head was complete."""


class PayloadError(HttpClientError):
    """The body was cut short, its chunked framing or compression was broken."""


class ProtocolError(HttpClientError):
    """The server's response head could not be parsed as HTTP/1.1."""


class SessionClosed(HttpClientError, RuntimeError):
    """The session was closed before or during the request."""


class RequestError(HttpClientError, ValueError):
    """The request cannot be sent as given (a URL that is not http/https, a header holding a
    line break, an unsupported proxy URL); nothing was sent."""


class WrongLoop(HttpClientError, RuntimeError):
    """The session is bound to another event loop (the loop of its first request)."""
