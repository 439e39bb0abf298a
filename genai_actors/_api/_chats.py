"""``client.chats``: multi-turn chats as supervised actors, with google-genai's surface.

``client.chats.create(model=, config=None, history=None)`` returns an :class:`AsyncChat` at
once (nothing is sent or started). Each chat's turns go through its ``ChatSession`` actor
(``_chats_session``): concurrent ``send_message`` calls on one chat are answered one after the
other, in the order they reached it, and each answer belongs to its own question.

What is committed (google-genai's two histories, ``_chats_history``):

- a turn that succeeds commits the user turn and one model turn at once (a streamed answer is
  merged into one content: text joined, thought signatures and function calls kept); with
  automatic function calling, every call and response round too;
- a request that fails (an API error, a transport error, cancellation before any output)
  commits nothing;
- a stream that is cancelled, closed early or cut after some output arrived commits the user
  turn and the partial answer to the *comprehensive* history only, as an invalid turn: it is
  never sent to the model again (the curated history skips it), and the chat stays usable.

Beyond google-genai: ``chat.snapshot()`` and ``chats.restore(snapshot)``, and durable chats in
a :class:`~genai_actors.ChatStore` (``create(..., store=, chat_id=)``, ``resume(chat_id,
store=)``) that write each committed turn as one row in the commit step.
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import Generator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

import anyio
import msgspec

from .. import _log
from .._transformers import (
    Request,
    coerce_config,
    generate_content_request,
    parse_response,
    t_content,
    t_contents,
    t_model,
)
from .._watch import TreeHost
from ..types._base import encode_json, to_builtins
from ..types._content import Content, Part
from ..types._generate import GenerateContentConfig
from ..types._response import GenerateContentResponse
from ._afc import AfcPlan, afc_enabled, budget_exhausted, function_calls_of, plan_afc
from ._chat_store import ChatStore
from ._chats_history import (
    EMPTY_MODEL,
    History,
    Record,
    decode_fragments,
    merge_contents,
    valid_response,
)
from ._chats_session import ChatCore
from ._chats_tools import run_tools, tool_tasks
from ._mcp import has_sessions, is_session, mark_headers, resolve_sessions
from ._mcp_stream import McpDeferredStream
from ._models_stream import GenerateContentStream
from ._toolkit import call, vertex_location

if TYPE_CHECKING:
    from supervisors import ActorRef, TaskSupervisor

    from .._api_client import ApiClient
    from ._chats_session import Turn

__all__ = ["AsyncChat", "AsyncChats", "ChatStream"]

SNAPSHOT_FORMAT = "genai_actors.chat/1"

_log_response = _log.get_logger("genai_actors.response")
_HEAD = b'{"contents":['
_PLAIN_TAIL = b'],"generationConfig":{}}'
_DEFAULT_TOOL_TIMEOUT = 60.0


class _Entry(msgspec.Struct, array_like=True):
    valid: bool
    contents: msgspec.Raw


_ROWS = msgspec.json.Decoder(list[_Entry])


class _Prepared:
    """One turn's request, built and checked once: the body is the chat's curated history
    spliced in front of the new contents, so the history is never re-encoded."""

    __slots__ = ("afc", "headers", "method", "options", "path", "query", "schema", "tail", "user")

    def __init__(
        self, request: Request, user: Content, plan: AfcPlan | None, headers: dict[str, str]
    ) -> None:
        body = request.body or b"{}"
        encoded = encode_json(user)
        if body.startswith(_HEAD + encoded + b"]"):
            self.user = encoded
            self.tail = body[len(_HEAD) + len(encoded) :]
        else:  # the builder normalised the message: take both parts from its body
            payload = msgspec.json.decode(body)
            self.user = msgspec.json.encode(payload.pop("contents")[0])
            rest = msgspec.json.encode(payload)
            self.tail = b"]" + (b"," + rest[1:] if len(rest) > 2 else b"}")
        self.method = request.method
        self.path = request.path
        self.query = request.query
        self.options = request.http_options
        cfg: GenerateContentConfig = request.config
        schema = cfg.response_schema
        self.schema = schema if schema is not None else cfg.response_json_schema
        self.afc = plan
        self.headers = headers

    def request(self, contents: list[bytes]) -> Request:
        body = _HEAD + b",".join(contents) + self.tail
        return Request(self.method, self.path, self.query, None, self.options, encoded=body)


class AsyncChats:
    """``client.chats`` (and ``client.aio.chats`` on the blocking client): creates chats.

    Safe to share between tasks.
    """

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client
        self._vertex = vertex_location(api_client)
        self._paths: dict[tuple[str, bool], str] = {}

    def _plain(self, model: str, text: str, *, stream: bool) -> _Prepared:
        """The turn of a plain text message without config: the body the general builder
        makes (``{"contents": [...], "generationConfig": {}}``), without its passes."""
        paths = self._paths
        path = paths.get((model, stream))
        if path is None:
            verb = ":streamGenerateContent" if stream else ":generateContent"
            path = t_model(model, vertex=self._vertex is not None) + verb
            if len(paths) >= 256:
                paths.clear()
            paths[(model, stream)] = path
        prepared = _Prepared.__new__(_Prepared)
        prepared.user = encode_json(Content(role="user", parts=[Part(text=text)]))
        prepared.tail = _PLAIN_TAIL
        prepared.method = "POST"
        prepared.path = path
        prepared.query = {"alt": "sse"} if stream else None
        prepared.options = None
        prepared.schema = None
        prepared.afc = None
        prepared.headers = self._api.feature_headers("chat", "afc")
        return prepared

    def create(
        self,
        *,
        model: str,
        config: Any = None,
        history: list[Any] | None = None,
        store: ChatStore | None = None,
        chat_id: str | None = None,
        tool_timeout: float | None = _DEFAULT_TOOL_TIMEOUT,
        raise_tool_errors: bool = False,
    ) -> AsyncChat:
        """Creates a chat (nothing is sent; its actor starts with its first turn).

        Args:
            model: The model (``gemini-2.5-flash``, ``models/...``).
            config: The :class:`~genai_actors.types.GenerateContentConfig` (or dict) of every
                turn that does not pass its own.
            history: Earlier contents (Content or dicts) the chat starts from.
            store: A :class:`~genai_actors.ChatStore` to keep the chat in (durable).
            chat_id: The chat's id in ``store`` (a new random id if None).
            tool_timeout: Seconds each Python tool may run (None: no limit); a tool that
                runs out of time is answered with an error response.
            raise_tool_errors: Raise :class:`~genai_actors.errors.FunctionInvocationError`
                when a tool raises or times out, instead of telling the model.

        Raises:
            InvalidRequestError: A bad config or history content.
            ValueError: A history role other than ``user``/``model``; a bad tool_timeout.
            ChatExistsError: ``chat_id`` already exists in ``store``.
            ChatInUseError: Another owner holds ``chat_id``.
        """
        cfg = None if config is None else coerce_config(config, GenerateContentConfig)
        contents = t_contents(history, "history") if history else []
        chat = AsyncChat(
            self,
            model,
            cfg,
            History(contents),
            tool_timeout=tool_timeout,
            raise_tool_errors=raise_tool_errors,
        )
        if store is not None:
            chat._attach(
                store, uuid.uuid4().hex if chat_id is None else chat_id, header=chat.snapshot()
            )
        elif chat_id is not None:
            raise ValueError("chat_id needs a store")
        return chat

    def restore(
        self,
        snapshot: Mapping[str, Any],
        *,
        config: Any = None,
        store: ChatStore | None = None,
        chat_id: str | None = None,
        tool_timeout: float | None = _DEFAULT_TOOL_TIMEOUT,
        raise_tool_errors: bool = False,
    ) -> AsyncChat:
        """A new chat continuing ``snapshot`` (from :meth:`AsyncChat.snapshot`, in any process).

        Args:
            snapshot: The snapshot (plain data, as returned or after a JSON/msgpack round trip).
            config: Replaces the snapshot's config; required when the chat had Python tools
                (functions are not part of a snapshot).
            store, chat_id, tool_timeout, raise_tool_errors: As for :meth:`create`.

        Raises:
            ValueError: Not a chat snapshot, or Python tools to give back through ``config``.
            InvalidRequestError: A content or config in it is invalid.
        """
        model, cfg, history = _from_snapshot(snapshot, config)
        chat = AsyncChat(
            self,
            model,
            cfg,
            history,
            tool_timeout=tool_timeout,
            raise_tool_errors=raise_tool_errors,
        )
        if store is not None:
            chat._attach(
                store, uuid.uuid4().hex if chat_id is None else chat_id, header=chat.snapshot()
            )
        elif chat_id is not None:
            raise ValueError("chat_id needs a store")
        return chat

    def resume(
        self,
        chat_id: str,
        *,
        store: ChatStore,
        config: Any = None,
        tool_timeout: float | None = _DEFAULT_TOOL_TIMEOUT,
        raise_tool_errors: bool = False,
    ) -> AsyncChat:
        """The chat ``chat_id`` of ``store``, with every committed turn, owned by this chat.

        Args:
            chat_id: The chat's id.
            store: Where it is kept.
            config: Replaces the stored config; required when the chat had Python tools.
            tool_timeout, raise_tool_errors: As for :meth:`create`.

        Raises:
            ChatNotFoundError: No such chat.
            ChatInUseError: Another live owner holds it (close that chat first).
            ValueError: Python tools to give back through ``config``; a corrupt row.
        """
        stored = store.claim(chat_id, None)
        try:
            snapshot = msgspec.json.decode(stored.header)
            model, cfg, history = _from_snapshot(snapshot, config)
            for row in stored.turns:
                history.add(
                    (bytes(entry.contents)[1:-1], entry.valid) for entry in _ROWS.decode(row)
                )
        except BaseException:
            store.release(chat_id)
            raise
        chat = AsyncChat(
            self,
            model,
            cfg,
            history,
            tool_timeout=tool_timeout,
            raise_tool_errors=raise_tool_errors,
        )
        chat._attach(store, chat_id, seq=len(stored.turns))
        return chat


class AsyncChat(ChatCore):
    """One chat: google-genai's ``AsyncChat`` surface on a supervised session actor.

    Turns are serialized: concurrent calls wait their turn in arrival order. A chat belongs to
    one event loop at a time (the loop of its first turn, until it is idle again).
    """

    __slots__ = ("_chats", "_config", "_finalizer", "_model", "_raise_tool_errors", "_timeout")

    def __init__(
        self,
        chats: AsyncChats,
        model: str,
        config: GenerateContentConfig | None,
        history: History,
        *,
        tool_timeout: float | None,
        raise_tool_errors: bool,
    ) -> None:
        if tool_timeout is not None and not tool_timeout > 0:
            raise ValueError(f"tool_timeout must be positive seconds or None, not {tool_timeout!r}")
        api = chats._api
        if api.tree is None:  # an ApiClient used without AsyncClient: give it a tree host
            api.tree = TreeHost()
        super().__init__(api.tree, history)
        self._chats = chats
        self._model = model
        self._config = config
        self._timeout = tool_timeout
        self._raise_tool_errors = raise_tool_errors
        self._finalizer: weakref.finalize[Any, Any] | None = None

    def _attach(self, store: ChatStore, chat_id: str, *, header: Any = None, seq: int = 0) -> None:
        if not isinstance(store, ChatStore):
            raise TypeError(f"store must be a ChatStore (claim, append, release), not {store!r}")
        if not isinstance(chat_id, str) or not chat_id:
            raise ValueError(f"chat_id must be a non-empty string, not {chat_id!r}")
        if header is not None:
            store.claim(chat_id, encode_json(header))
        self._store = store
        self._chat_id = chat_id
        self._seq = seq
        self._finalizer = weakref.finalize(self, store.release, chat_id)

    @property
    def chat_id(self) -> str | None:
        """The chat's id in its store (None for a chat without a store)."""
        return self._chat_id

    # -- google-genai's surface -------------------------------------------------------------

    async def send_message(self, message: Any, config: Any = None) -> GenerateContentResponse:
        """Sends the curated history plus ``message`` and commits the exchange.

        Args:
            message: A string, a Part, a File, or a list of those (or dicts).
            config: This turn's config instead of the chat's (google-genai's rule: a falsy
                config means the chat's).

        With Python callables among the tools, automatic function calling runs them (the
        calls of one model turn at once, each within ``tool_timeout``) and records every
        call and response round, up to ``maximum_remote_calls`` requests.

        Returns:
            The last response.

        Raises:
            InvalidRequestError: A bad message or config (nothing is sent or queued).
            APIError, TransportError: The request failed (nothing is committed).
            FunctionInvocationError: A tool failed and ``raise_tool_errors`` is set.
            ChatInUseError: The store no longer lets this chat write (nothing committed).
            ClientClosedError: The client is closed.
            ValueError: The chat is closed.

        Cancellation: the request in flight is aborted and nothing is committed.
        """
        if has_sessions(config if config else self._config):  # MCP: list tools (_mcp)
            config = await resolve_sessions(
                config if config else self._config, vertex=self._chats._vertex is not None
            )
        prepared = self._prepare(message, config, stream=False)
        turn, ref = await self._begin()
        try:
            response, records = await self._exchange(prepared)
        except BaseException:
            self._hand_back(turn, ref, None)
            raise
        await self._end(turn, ref, records)
        return response

    def send_message_stream(self, message: Any, config: Any = None) -> ChatStream:
        """Streams the answer to ``message`` as a :class:`ChatStream` and commits the exchange.

        Use ``async for chunk in await chat.send_message_stream(...)`` (google-genai's form),
        ``async for chunk in chat.send_message_stream(...)`` or ``async with ... as stream``.
        The turn is queued when the stream is awaited, entered or iterated.

        Raises:
            InvalidRequestError: A bad message or config (raised here).
            ValueError: ``stream_function_call_arguments`` with automatic function calling.
            The stream's own errors are raised when it is opened or iterated (see
            :class:`ChatStream`).
        """
        if has_sessions(config if config else self._config):  # MCP: listed on open
            return cast(
                ChatStream,
                McpDeferredStream(
                    config if config else self._config,
                    lambda cfg: ChatStream(self, self._prepare(message, cfg, stream=True)),
                    vertex=self._chats._vertex is not None,
                ),
            )
        return ChatStream(self, self._prepare(message, config, stream=True))

    def get_history(self, curated: bool = False) -> list[Content]:
        """The comprehensive history (every turn), or with ``curated`` the one sent to the
        model (invalid model turns dropped with their user turns). Committed turns only; a
        fresh list of fresh contents each call."""
        return self._history.contents(curated=curated)

    # -- beyond google-genai ----------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The chat's committed state as plain data (msgspec/JSON encodable).

        Python tools are not data: their names are listed under ``"unsaved_tools"``, and
        :meth:`AsyncChats.restore` then needs them back through ``config``.
        """
        config, unsaved = _config_data(self._config)
        return {
            "format": SNAPSHOT_FORMAT,
            "model": self._model,
            "config": config,
            "unsaved_tools": unsaved,
            "history": [
                {"valid": valid, "contents": msgspec.json.decode(b"[" + data + b"]")}
                for data, valid in self._history.entries()
            ],
        }

    def close(self) -> None:
        """Closes the chat: later turns raise ValueError, and the chat's claim on its store is
        released once the turns in flight have been committed. Idempotent."""
        self._closed = True
        if self._turns == 0:
            self._on_idle()

    def _on_idle(self) -> None:
        if self._closed and self._finalizer is not None:
            self._finalizer()

    def __repr__(self) -> str:
        where = f" {self._chat_id!r}" if self._chat_id else ""
        return f"<AsyncChat{where} {self._model} {len(self._history.comprehensive)} entries>"

    # -- internals --------------------------------------------------------------------------

    def _prepare(self, message: Any, config: Any, *, stream: bool) -> _Prepared:
        cfg = config if config else self._config
        chats = self._chats
        if cfg is None and type(message) is str:
            # Hot path: a plain message with no config needs no config processing.
            return chats._plain(self._model, message, stream=stream)
        user = t_content(message, "message")
        # As google-genai, a chat always sends a generationConfig ({} at least).
        request = generate_content_request(
            self._model,
            [user],
            GenerateContentConfig() if cfg is None else cfg,
            vertex=chats._vertex,
            stream=stream,
        )
        coerced: GenerateContentConfig = request.config
        plan = plan_afc(coerced, stream=stream) if coerced.tools else None
        tags = ("chat", "afc") if afc_enabled(coerced) else ("chat",)
        headers = mark_headers(chats._api.feature_headers(*tags), coerced.tools)
        return _Prepared(request, user, plan, headers)

    async def _tools(self) -> TaskSupervisor:
        return await tool_tasks(await self._host.ensure())

    async def _exchange(self, prepared: _Prepared) -> tuple[GenerateContentResponse, list[Record]]:
        api = self._chats._api
        contents = [*self._history.curated, prepared.user]
        user_in = prepared.user
        plan = prepared.afc
        remaining = plan.maximum_remote_calls if plan is not None else 1
        records: list[Record] = []
        while True:
            response = await call(
                api, prepared.request(contents), GenerateContentResponse, headers=prepared.headers
            )
            remaining -= 1
            candidates = response.candidates
            content = candidates[0].content if candidates else None
            if plan is None or content is None or not content.parts:
                break
            calls = function_calls_of(content)
            if not calls:
                break
            if remaining <= 0:
                budget_exhausted(plan, calls)
                break
            parts = await run_tools(
                calls,
                plan.functions,
                await self._tools(),
                timeout=self._timeout,
                raise_errors=self._raise_tool_errors,
            )
            if not parts:
                break
            call_turn = encode_json(content)
            answers = encode_json(Content(role="user", parts=parts))
            records.append((user_in + b"," + call_turn, valid_response(response)))
            contents += (call_turn, answers)
            user_in = answers
        output = encode_json(content) if content is not None else EMPTY_MODEL
        records.append((user_in + b"," + output, valid_response(response)))
        if prepared.schema is not None:
            response.parsed = parse_response(response.text, prepared.schema, log=_log_response)
        return response, records


class ChatStream:
    """The streamed answer of one chat turn: chunks of every request of the turn.

    An async iterator of :class:`~genai_actors.types.GenerateContentResponse` chunks, an async
    context manager, and awaitable (google-genai's ``async for c in await
    chat.send_message_stream(...)``: awaiting queues the turn and opens the stream, so HTTP
    errors raise at the ``await``). With Python tools, the tools run when a request's stream
    ends with function calls, and the next request streams on.

    The turn is committed when the stream ends: the user turn and the merged model turn
    (valid only if every chunk was valid and a finish reason came). If it ends early
    (:meth:`aclose`, leaving ``async with``, cancellation, an error or a cut connection) after
    some output arrived, the user turn and the partial answer go to the comprehensive history
    as an invalid turn; with no output, nothing is committed.

    Raises (from the ``await``, ``async with`` entry, or iteration):
        APIError, TransportError: As :class:`~genai_actors.GenerateContentStream`.
        FunctionInvocationError: A tool failed and ``raise_tool_errors`` is set.
        ClientClosedError: The client is closed.
        ValueError: The chat is closed.
    """

    __slots__ = (
        "_chat",
        "_chunks",
        "_closed",
        "_contents",
        "_finished",
        "_loop",
        "_prepared",
        "_records",
        "_ref",
        "_remaining",
        "_stream",
        "_turn",
        "_user_in",
        "_valid",
    )

    def __init__(self, chat: AsyncChat, prepared: _Prepared) -> None:
        self._chat = chat
        self._prepared = prepared
        self._turn: Turn | None = None
        self._ref: ActorRef | None = None
        self._stream: GenerateContentStream | None = None
        self._closed = False
        self._contents: list[bytes] = []
        self._records: list[Record] = []
        self._user_in = prepared.user
        plan = prepared.afc
        self._remaining = plan.maximum_remote_calls if plan is not None else 1
        self._chunks: list[Content] = []
        self._valid = True
        self._finished = False
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def closed(self) -> bool:
        """True once the stream ended, failed or was closed."""
        return self._closed

    async def open(self) -> None:
        """Queues the turn, waits for it, and opens the first request's stream; does nothing
        if already open.

        Raises:
            The errors listed on the class.
        """
        if self._turn is not None or self._closed:
            return
        chat = self._chat
        try:
            self._turn, self._ref = await chat._begin()
        except BaseException:
            self._closed = True
            raise
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:  # not asyncio (trio): a finalizer then hands back directly
            self._loop = None
        self._contents = [*chat._history.curated, self._prepared.user]
        try:
            await self._open_request()
        except BaseException:
            self._abort()
            raise

    async def _open_request(self) -> None:
        prepared = self._prepared
        self._stream = stream = GenerateContentStream(
            self._chat._chats._api,
            prepared.request(self._contents),
            headers=prepared.headers,
            schema=prepared.schema,
        )
        await stream.open()

    def __await__(self) -> Generator[Any, None, ChatStream]:
        return self._opened().__await__()

    async def _opened(self) -> ChatStream:
        await self.open()
        return self

    def __aiter__(self) -> ChatStream:
        return self

    async def __anext__(self) -> GenerateContentResponse:
        if self._closed:
            raise StopAsyncIteration
        if self._turn is None:
            await self.open()
        try:
            while True:
                stream = self._stream
                assert stream is not None
                try:
                    chunk = await stream.__anext__()
                except StopAsyncIteration:
                    if await self._next_request():
                        continue
                    raise
                self._take(chunk)
                return chunk
        except StopAsyncIteration:
            raise
        except Exception:
            await self._abort_and_wait()  # the partial turn is committed when this raises
            raise
        except BaseException:
            self._abort()  # cancelled: the actor commits the partial turn right after
            raise

    def _take(self, chunk: GenerateContentResponse) -> None:
        if not valid_response(chunk):
            self._valid = False
        candidates = chunk.candidates
        if candidates:
            first = candidates[0]
            if first.content is not None:
                self._chunks.append(first.content)
            if first.finish_reason is not None:
                self._finished = True

    async def _next_request(self) -> bool:
        """After one request's stream: run its function calls and open the next request, or
        commit the turn. Returns whether another request streams."""
        chat = self._chat
        plan = self._prepared.afc
        merged = merge_contents(self._chunks)
        valid = self._valid and merged is not None and self._finished
        self._remaining -= 1
        calls = function_calls_of(merged) if plan is not None else []
        if plan is not None and calls:
            if self._remaining <= 0:
                budget_exhausted(plan, calls)
            else:
                parts = await run_tools(
                    calls,
                    plan.functions,
                    await chat._tools(),
                    timeout=chat._timeout,
                    raise_errors=chat._raise_tool_errors,
                )
                if parts:
                    assert merged is not None
                    call_turn = encode_json(merged)
                    answers = encode_json(Content(role="user", parts=parts))
                    self._records.append((self._user_in + b"," + call_turn, valid))
                    self._contents += (call_turn, answers)
                    self._user_in = answers
                    self._chunks = []
                    self._valid = True
                    self._finished = False
                    await self._open_request()
                    return True
        output = encode_json(merged) if merged is not None else EMPTY_MODEL
        self._records.append((self._user_in + b"," + output, valid))
        self._closed = True
        turn, ref = self._turn, self._ref
        assert turn is not None
        assert ref is not None
        await chat._end(turn, ref, self._records)
        return False

    def _abort(self) -> None:
        """Ends the turn early without waiting: its partial answer (comprehensive history
        only) if any output arrived, else nothing, is committed by the actor."""
        records = self._close_turn()
        if records is not None:
            turn, ref = self._turn, self._ref
            assert turn is not None
            assert ref is not None
            self._chat._hand_back(turn, ref, records or None)

    async def _abort_and_wait(self) -> None:
        """Ends the turn early and waits until the actor committed what it holds."""
        records = self._close_turn()
        if records is None:
            return
        turn, ref = self._turn, self._ref
        assert turn is not None
        assert ref is not None
        try:
            with anyio.CancelScope(shield=True):  # short: the actor only commits
                await self._chat._end(turn, ref, records or [])
        except Exception as exc:  # the stream's own error is the one to raise
            _log_response.warning("chat.partial_commit_failed", error=type(exc).__name__)

    def _close_turn(self) -> list[Record] | None:
        """Marks the stream closed; the records of a turn that ends early (all invalid), an
        empty list for nothing to commit, or None if there is no turn to end."""
        if self._closed:
            return None
        self._closed = True
        if self._turn is None or self._ref is None:
            return None
        records: list[Record] = []
        partial = merge_contents(self._chunks)
        if partial is not None or self._records:
            output = encode_json(partial) if partial is not None else EMPTY_MODEL
            rounds = [*self._records, (self._user_in + b"," + output, True)]
            records = [(data, False) for data, _ in rounds]
        return records

    async def aclose(self) -> None:
        """Closes the stream (frees its connection) and ends the turn; once it returns, the
        partial turn (if any output arrived) is in the comprehensive history. Idempotent."""
        stream = self._stream
        if stream is not None:
            await stream.aclose()
        await self._abort_and_wait()

    async def __aenter__(self) -> ChatStream:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __del__(self) -> None:
        # An abandoned stream must not hold its chat forever. It may be collected in another
        # thread (a blocking client's user thread): the actor is then told on its own loop.
        if self._closed or self._turn is None:
            return
        turn, ref, loop = self._turn, self._ref, self._loop
        records = self._close_turn()
        if records is None or ref is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        chat, stream = self._chat, self._stream
        try:
            if loop is None:  # not asyncio: hand back here; the stream closes itself
                chat._hand_back(turn, ref, records or None)
            elif running is loop:  # the actor's runtime and the stream need a task
                _finalize(loop, chat, turn, ref, records, stream)
            elif not loop.is_closed():
                loop.call_soon_threadsafe(_finalize, loop, chat, turn, ref, records, stream)
        except Exception:
            _log_response.debug("chat.stream_finalizer_failed")

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<ChatStream {self._prepared.path} ({state})>"


_FINALIZING: set[asyncio.Task[None]] = set()  # hand-backs of collected streams, until done


def _finalize(
    loop: asyncio.AbstractEventLoop,
    chat: AsyncChat,
    turn: Turn,
    ref: ActorRef,
    records: list[Record],
    stream: GenerateContentStream | None,
) -> None:
    """For a stream collected unclosed: hands its turn back and closes its connection, in a
    task of the chat's loop."""

    async def finalize() -> None:
        chat._hand_back(turn, ref, records or None)
        if stream is not None:
            await stream.aclose()

    task = loop.create_task(finalize())
    _FINALIZING.add(task)
    task.add_done_callback(_FINALIZING.discard)


# -- snapshots ------------------------------------------------------------------------------


def _config_data(config: GenerateContentConfig | None) -> tuple[Any, list[str]]:
    """``config`` as plain data, without its Python tools and MCP sessions (whose names, or
    type names, are returned)."""
    if config is None:
        return None, []
    tools = config.tools
    unsaved: list[str] = []
    if tools:
        kept = []
        for tool in tools:
            if (callable(tool) and not isinstance(tool, type)) or is_session(tool):
                unsaved.append(getattr(tool, "__name__", type(tool).__name__))
            else:
                kept.append(tool)
        config = msgspec.structs.replace(config, tools=kept or None)
    return to_builtins(config), unsaved


def _from_snapshot(
    snapshot: Mapping[str, Any], config: Any
) -> tuple[str, GenerateContentConfig | None, History]:
    if not isinstance(snapshot, Mapping) or snapshot.get("format") != SNAPSHOT_FORMAT:
        raise ValueError(f"not a chat snapshot (expected format {SNAPSHOT_FORMAT!r})")
    model = snapshot.get("model")
    if not isinstance(model, str) or not model:
        raise ValueError("the snapshot has no model")
    unsaved = snapshot.get("unsaved_tools") or []
    if config is None:
        if unsaved:
            raise ValueError(
                f"the chat had Python tools ({', '.join(unsaved)}): pass them again with config=..."
            )
        data = snapshot.get("config")
        cfg = None if data is None else coerce_config(data, GenerateContentConfig)
    else:
        cfg = coerce_config(config, GenerateContentConfig)
    entries: list[Record] = []
    for index, entry in enumerate(snapshot.get("history") or ()):
        try:
            data = msgspec.json.encode(entry["contents"])
            if not data.startswith(b"[{") or len(decode_fragments((data[1:-1],))) < 1:
                raise ValueError("no contents")
        except (KeyError, TypeError, ValueError) as exc:  # msgspec's errors are ValueErrors
            raise ValueError(
                f"snapshot history[{index}] is not a list of contents: {exc}"
            ) from None
        entries.append((data[1:-1], bool(entry["valid"])))
    return model, cfg, History.from_entries(entries)
