"""``RawBody``: a non-JSON response body (downloads) read incrementally, with typed errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING

from ..errors import GenAIError, TransportError
from ._errors import Phase, map_transport_error
from ._reading import read_chunk

if TYPE_CHECKING:
    from ._wire import Response

__all__ = ["RawBody"]


class RawBody:
    """The body of one response, read in pieces: media downloads and results files.

    Use ``async with api.open_body(...) as body: chunk = await body.read(n)``. The response is
    opened (with retries, before its first byte only) by :meth:`open` or on entering the
    context; an error status raises there, as the typed :class:`~genai_actors.errors.APIError`.

    The body is not capped here (it is never buffered whole by the transport): callers that
    keep it in memory apply their own cap (``DownloadTooLargeError``).

    Raises (from reads):
        StreamCutError: The connection dropped before the body was complete (bytes received
            before the cut are returned first).
        StreamIdleTimeoutError: No data within the transport's idle timeout.
        RequestTimeoutError: The call's timeout expired.
        TransportError: The body was closed, or another transport failure.

    Cancellation: cancelling a read leaves the connection to :meth:`aclose` (or
    :meth:`release`), which frees it; both are idempotent and never raise.
    """

    __slots__ = ("_opener", "_response")

    def __init__(self, opener: Callable[[], Awaitable[Response]]) -> None:
        self._opener = opener
        self._response: Response | None = None

    async def open(self) -> None:
        """Sends the request and waits for the response headers (idempotent)."""
        if self._response is None:
            self._response = await self._opener()

    @property
    def content_length(self) -> int | None:
        """The declared length of the body, when the server sent one (after :meth:`open`)."""
        return None if self._response is None else self._response.content_length

    async def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all the rest for ``-1``); ``b""`` at the end of the body.

        For ``-1`` the body is returned only if it reached its end: a cut raises.
        """
        return await self._read(size)

    async def readany(self) -> bytes:
        """Whatever bytes have arrived (waiting for some); ``b""`` at the end of the body."""
        return await self._read(None)

    async def _read(self, size: int | None) -> bytes:
        await self.open()
        response = self._response
        if response is None:
            raise TransportError("the body was closed")
        try:
            if size is None:
                return await read_chunk(response.content)
            if size < 0:  # all of it, or the error: never a silently cut body
                content = response.content
                parts = []
                while chunk := await content.readany():
                    parts.append(chunk)
                return b"".join(parts)
            return await read_chunk(response.content, size)
        except GenAIError:
            raise
        except Exception as exc:  # the client's payload and connection errors, timeouts
            raise map_transport_error(exc, Phase.BODY) from exc

    def release(self) -> None:
        """Frees the connection now; later reads raise :class:`TransportError`."""
        response, self._response = self._response, None
        if response is not None:
            response.release()

    async def aclose(self) -> None:
        """Frees the connection (same as :meth:`release`, for ``async with``)."""
        self.release()

    async def __aenter__(self) -> RawBody:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
