"""The stream returned when ``config.tools`` holds MCP sessions: the sessions' tools are listed
when the stream is opened (listing needs the event loop; the stream methods return at once).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

from ..types._response import GenerateContentResponse
from ._mcp import resolve_sessions

__all__ = ["McpDeferredStream"]


class _Stream(Protocol):
    @property
    def closed(self) -> bool: ...

    async def open(self) -> None: ...

    async def __anext__(self) -> GenerateContentResponse: ...

    async def aclose(self) -> None: ...


S = TypeVar("S", bound=_Stream)


class McpDeferredStream(Generic[S]):
    """A ``GenerateContentStream`` or ``ChatStream`` made once the MCP sessions of its config
    were listed: same use (``await``, ``async for``, ``async with``, ``aclose``, ``closed``).

    Raises (from the ``await``, ``async with`` entry, or iteration): what
    :func:`~genai_actors._api._mcp.resolve_sessions` raises, then the stream's own errors.
    """

    __slots__ = ("_closed", "_config", "_inner", "_make", "_vertex")

    def __init__(self, config: Any, make: Callable[[Any], S], *, vertex: bool = False) -> None:
        self._config = config
        self._make = make
        self._vertex = vertex
        self._inner: S | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once the stream ended, failed or was closed."""
        inner = self._inner
        return self._closed or (inner is not None and inner.closed)

    async def open(self) -> None:
        """Lists the sessions' tools, then opens the stream; does nothing if already open."""
        if self._closed:
            return
        if self._inner is None:
            try:
                resolved = await resolve_sessions(self._config, vertex=self._vertex)
                self._inner = self._make(resolved)
            except BaseException:
                self._closed = True
                raise
        await self._inner.open()

    def __await__(self) -> Generator[Any, None, McpDeferredStream[S]]:
        return self._opened().__await__()

    async def _opened(self) -> McpDeferredStream[S]:
        await self.open()
        return self

    def __aiter__(self) -> McpDeferredStream[S]:
        return self

    async def __anext__(self) -> GenerateContentResponse:
        if self._closed:
            raise StopAsyncIteration
        if self._inner is None:
            await self.open()
        assert self._inner is not None
        return await self._inner.__anext__()

    async def aclose(self) -> None:
        """Closes the stream (see the stream's own ``aclose``). Idempotent."""
        self._closed = True
        if self._inner is not None:
            await self._inner.aclose()

    async def __aenter__(self) -> McpDeferredStream[S]:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<McpDeferredStream {self._inner!r}>"
