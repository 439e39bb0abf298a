"""``GenerateContentStream``: the object ``models.generate_content_stream`` returns.

It is an async iterator of :class:`~genai_actors.types.GenerateContentResponse` chunks and an
async context manager, and it may also be awaited (google-genai's form, which opens the stream
first). With automatic function calling it runs the tools between turns and goes on streaming
the next turn, so the caller sees every chunk of every turn.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import anyio

from .._transformers import Request, parse_response
from ..types._base import HttpResponse, to_builtins
from ..types._content import Content, FunctionCall, Part
from ..types._response import GenerateContentResponse
from ._afc import AfcPlan, budget_exhausted, function_calls_of, run_function_calls
from ._toolkit import decode, sdk_http_response

if TYPE_CHECKING:
    from .._api_client import ApiClient
    from .._transport import SseStream

__all__ = ["GenerateContentStream"]


class GenerateContentStream:
    """The chunks of a streamed ``generate_content`` call.

    Use it as ``async for chunk in client.models.generate_content_stream(...)`` (no
    ``await`` needed), as ``async with client.models.generate_content_stream(...) as s:``,
    or as ``async for chunk in await client.models.generate_content_stream(...)`` like
    google-genai (awaiting opens the stream, so HTTP errors raise at the ``await``).
    Nothing is sent before the first of these. Iterating to the end, an error, leaving
    ``async with`` or :meth:`aclose` closes it; a stream left open by breaking out of a
    plain ``async for`` keeps its connection until :meth:`aclose`.

    With automatic function calling, each chunk of a turn is yielded; when a turn ends with
    function calls, the tools run (concurrently) and the next turn streams on, up to
    ``maximum_remote_calls`` requests. ``automatic_function_calling_history`` is set on the
    chunks of the turns after the first (unless ``ignore_call_history``).

    Raises (from the ``await``, ``async with`` entry, or iteration):
        APIError: An error status, or an error event mid-stream (earlier chunks were
            delivered).
        StreamCutError: The connection dropped before the stream ended.
        StreamIdleTimeoutError: No data within the idle timeout.
        RequestTimeoutError: The call's overall timeout expired.
        ConnectError: No connection could be made (after retries).
        UnknownApiResponseError: A chunk that is not a valid response.

    Cancellation: cancelling a task blocked on the stream closes it and frees its connection.
    :meth:`aclose` is safe from any task of the same event loop: a read in progress in
    another task ends as the end of iteration, and tools running between turns are
    cancelled.
    """

    __slots__ = (
        "__weakref__",
        "_api",
        "_closed",
        "_headers",
        "_history",
        "_http",
        "_model_parts",
        "_pending_calls",
        "_plan",
        "_remaining",
        "_request",
        "_schema",
        "_stream",
        "_tool_scope",
        "_turn_contents",
    )

    def __init__(
        self,
        api: ApiClient,
        request: Request,
        *,
        plan: AfcPlan | None = None,
        contents: list[Content] | None = None,
        headers: Mapping[str, str] | None = None,
        schema: Any = None,
    ) -> None:
        self._api = api
        self._request = request
        self._schema = schema
        self._plan = plan
        self._headers = headers
        self._remaining = plan.maximum_remote_calls if plan is not None else 1
        self._turn_contents = contents or []
        self._history: list[Content] = []
        self._pending_calls: list[FunctionCall] = []
        self._model_parts: list[Part] = []
        self._stream: SseStream | None = self._new_stream()
        self._http: HttpResponse | None = None
        self._closed = False
        self._tool_scope: anyio.CancelScope | None = None

    def _new_stream(self) -> SseStream:
        request = self._request
        query = request.query
        if query is not None and "alt" in query:
            query = {k: v for k, v in query.items() if k != "alt"} or None
        return self._api.stream(
            request.method,
            request.path,
            body=request.body,
            query=query,
            http_options=request.http_options,
            headers=self._headers,
        )

    @property
    def closed(self) -> bool:
        """True once the stream ended, failed or was closed."""
        return self._closed

    async def open(self) -> None:
        """Sends the request and waits for the response headers (retrying before the first
        byte); does nothing if already open.

        Raises:
            The errors listed on the class.
        """
        stream = self._stream
        if stream is None or self._closed:
            return
        try:
            await stream.open()
        except BaseException:
            self._closed = True
            raise

    def __await__(self) -> Generator[Any, None, GenerateContentStream]:
        return self._opened().__await__()

    async def _opened(self) -> GenerateContentStream:
        await self.open()
        return self

    def __aiter__(self) -> GenerateContentStream:
        return self

    async def __anext__(self) -> GenerateContentResponse:
        while True:
            if self._closed:
                raise StopAsyncIteration
            stream = self._stream
            if stream is None:
                raise StopAsyncIteration
            try:
                payload = await stream.__anext__()
            except StopAsyncIteration:
                try:
                    more = not self._closed and await self._next_turn()
                except BaseException:
                    self._closed = True
                    raise
                if not more:
                    self._closed = True
                    raise
                continue
            except BaseException:
                self._closed = True
                raise
            try:
                chunk = decode(payload, GenerateContentResponse)
            except BaseException:
                self._closed = True
                await stream.aclose()
                raise
            return self._chunk(chunk, stream)

    def _chunk(self, chunk: GenerateContentResponse, stream: SseStream) -> GenerateContentResponse:
        http = self._http
        if http is None:
            response = stream.response
            if response is not None:
                http = self._http = sdk_http_response(response.header_dict())
        chunk.sdk_http_response = http
        if self._schema is not None:  # as google-genai: each chunk parsed on its own
            chunk.parsed = parse_response(chunk.text, self._schema)
        if self._plan is not None:
            candidates = chunk.candidates
            if candidates and candidates[0].content is not None:
                content = candidates[0].content
                self._pending_calls.extend(function_calls_of(content))
                if content.parts:
                    self._model_parts.extend(content.parts)
            if self._history and self._plan.keep_history:
                chunk.automatic_function_calling_history = list(self._history)
        return chunk

    async def _next_turn(self) -> bool:
        """After a turn: runs its function calls and starts the next turn, or returns False."""
        plan = self._plan
        if plan is None:
            return False
        self._remaining -= 1
        calls, self._pending_calls = self._pending_calls, []
        model_parts, self._model_parts = self._model_parts, []
        if not calls:
            return False
        if self._remaining <= 0:
            budget_exhausted(plan, calls)
            return False
        with anyio.CancelScope() as scope:
            self._tool_scope = scope
            try:
                parts = await run_function_calls(calls, plan.functions)
            finally:
                self._tool_scope = None
        if scope.cancelled_caught or self._closed or not parts:
            return False
        model_turn = Content(role="model", parts=model_parts)
        user_turn = Content(role="user", parts=parts)
        if not self._history:
            self._history.extend(self._turn_contents)
        self._history.append(model_turn)
        self._history.append(user_turn)
        request = self._request
        payload = dict(request.payload or {})
        payload["contents"] = [
            *payload.get("contents", ()),
            to_builtins(model_turn),
            to_builtins(user_turn),
        ]
        self._request = Request(
            request.method, request.path, request.query, payload, request.http_options
        )
        self._http = None
        self._stream = self._new_stream()
        return True

    async def aclose(self) -> None:
        """Closes the stream and frees its connection. Idempotent; safe from another task."""
        self._closed = True
        scope = self._tool_scope
        if scope is not None:
            scope.cancel()
        stream = self._stream
        if stream is not None:
            await stream.aclose()

    async def __aenter__(self) -> GenerateContentStream:
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
        state = "closed" if self._closed else "open"
        return f"<GenerateContentStream {self._request.path} ({state})>"
