"""A Live session: the supervised actor that owns the socket, and the user's ``AsyncSession``.

::

    sessions (DynamicSupervisor)
    └── LiveSessionActor      one per session: runs the connection loop of its _Link
          reader              the loop reads the socket; sends go straight to it

The :class:`_Link` holds what outlives one connection: the setup, the latest resumption
handle, the client messages the server has not consumed yet, and the inbox of server
frames (the reader peeks at each for what it acts on; the code reading the session decodes
it, so decoded messages do not pile up between the two). The actor's loop connects (sending
``setup``, resuming with the handle when there is one), replays the unconsumed messages in
order, and reads until the connection ends. On ``goAway``, or on an abnormal close, a session
with resumption enabled reconnects with the latest handle (bounded backoff, then
``SessionClosed``); one without ends with ``SessionClosed(code, reason, resumable=False)``.

A ``goAway`` rotates make-before-break: once the old connection is quiet (no answer running,
everything sent on it acknowledged), new sends are held for the next connection, which is
opened and set up with the latest handle while the old one stays open (and is still read);
the held and unconsumed messages are then sent on the new connection, and only then is the
old one closed (in the background), so no answer waits for a close handshake.

Client messages are numbered per connection from 0, as the server counts them; a
``sessionResumptionUpdate`` acknowledges every message up to its
``lastConsumedClientMessageIndex``, and only unacknowledged messages are sent again. The
unacknowledged buffer is bounded (``max_unacked``): a send waits for room (backpressure).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
import anyio
import msgspec

from supervisors import Actor, Backoff, ChildSpec, Restart, SupervisorsError, current_clock

from .. import _log
from ..errors import NotAvailableYetError, SessionClosed
from ..types._live import LiveServerMessage
from . import _wire
from ._inbox import EndOfInbox, Inbox
from ._pool import SharedHttp

if TYPE_CHECKING:
    from .._api_client import ApiClient

__all__ = ["AsyncSession", "LiveOptions", "LiveSessionActor", "LiveSessionEvent", "supervised"]

_log_live = _log.get_logger("genai_actors.live")
# google-genai's deprecated session methods: reaching one says what replaces it.
_DEPRECATED = {
    "send": (
        "google-genai deprecated it; use send_client_content(turns=..., turn_complete=...), "
        "send_realtime_input(...) or send_tool_response(function_responses=...)"
    ),
    "start_stream": (
        "google-genai deprecated it; send the chunks with send_realtime_input(audio=...) "
        "and read the answers with receive()"
    ),
}
_CLOSE_TIMEOUT = 2.0
_DATA = (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY)
_PING_PONG = (aiohttp.WSMsgType.PING, aiohttp.WSMsgType.PONG)
_DEFAULT_BACKOFF = Backoff(0.1, 5.0, jitter=0.2)
_ids = itertools.count(1)


@dataclass(frozen=True)
class LiveOptions:
    """How a Live session connects and recovers.

    Attributes:
        reconnect_backoff: Delays between reconnection attempts after a drop.
        max_reconnect_attempts: Failed attempts in a row before the session gives up.
        connect_timeout: Seconds for the socket to open and ``setupComplete`` to arrive.
        max_unacked: Client messages kept for replay before a send waits (backpressure).
        inbox_size: Server messages buffered for the reader before the socket is left unread.
        heartbeat: Seconds between WebSocket pings; a ping still unanswered at the next one,
            while the session reads the socket, drops the connection as lost (None: no
            pings).
    """

    reconnect_backoff: Backoff = _DEFAULT_BACKOFF
    max_reconnect_attempts: int = 5
    connect_timeout: float = 30.0
    max_unacked: int = 512
    inbox_size: int = 256
    heartbeat: float | None = 20.0


@dataclass(frozen=True)
class LiveSessionEvent:
    """Something that happened to the connection under a session.

    Attributes:
        kind: ``"go_away"`` (the server asked to reconnect), ``"disconnected"`` (the socket
            closed abnormally), ``"resumed"`` (a new connection carries the session on, with
            ``replayed`` client messages sent again), or ``"closed"``.
        code: The close code, for ``"disconnected"``/``"closed"``.
        reason: The close reason or goAway's ``timeLeft``.
        replayed: Client messages sent again after resuming.
    """

    kind: str
    code: int | None = None
    reason: str = ""
    replayed: int = 0


class _Setup(Exception):
    """The server refused or failed the handshake (a close before ``setupComplete``)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _Link:
    """What a session keeps across connections, shared by the actor and ``AsyncSession``."""

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        setup: dict[str, Any],
        options: LiveOptions,
        pool: SharedHttp,
        decode: Callable[[bytes | str], Any] = _wire.decode_server_message,
        auth: Callable[[], Awaitable[Mapping[str, str]]] | None = None,
        vertex: bool = False,
    ) -> None:
        self.decode = decode
        self.url = url
        self.headers = headers
        self.auth = auth  # fresh credentials per connection (Vertex AI bearer tokens)
        self.vertex = vertex  # Vertex AI's rules for client messages
        self.setup = setup
        self.options = options
        self.pool = pool  # the aiohttp session, shared with the client's other Live sessions
        self.resumable = "sessionResumption" in setup
        self.handle: str | None = None
        self.session_id: str | None = None
        self.setup_complete: Any = None  # the first setupComplete message
        self.events: list[LiveSessionEvent] = []
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.http: aiohttp.ClientSession | None = None
        # (index on the current connection, or None if not sent on it yet; the frame)
        self.unacked: deque[list[Any]] = deque()
        self.next_index = 0
        self._mark: int | None = None  # next_index when the last index-less update came
        self._indexed = False  # the server sends lastConsumedClientMessageIndex
        self._closers: set[asyncio.Task[None]] = set()  # old sockets closing after a goAway
        self.send_lock = asyncio.Lock()  # orders sends; cheaper than anyio's on the hot path
        self.room = anyio.Event()
        self.inbox = Inbox(options.inbox_size)
        self.ready = anyio.Event()
        self.ended = anyio.Event()
        self.done = asyncio.Event()  # the loop has returned: its sockets and pool are closed
        self._reading: aiohttp.ClientWebSocketResponse | None = None  # the socket _read awaits
        self._unanswered: aiohttp.ClientWebSocketResponse | None = None  # pinged, no pong yet
        self._stale: aiohttp.ClientWebSocketResponse | None = None  # dropped for want of a pong
        self._beat: asyncio.TimerHandle | None = None
        self.error: BaseException | None = None
        self.closed_by_user = False

    # -- sending (from the user's tasks) --------------------------------------------------

    def _check_open(self) -> None:
        if self.ended.is_set() or self.closed_by_user:
            if isinstance(self.error, SessionClosed):
                raise self.error
            raise SessionClosed(1000, "the session is closed", resumable=False)

    async def send(self, frame: bytes) -> None:
        """Send one client message, in order; kept for replay until the server consumes it.

        Raises:
            SessionClosed: The session is closed (or closes while waiting for room).

        Cancellation: a message not yet queued is not sent; one queued will be.
        """
        self._check_open()
        while self.resumable and len(self.unacked) >= self.options.max_unacked:
            self.room = room = anyio.Event()  # set by an acknowledgement or by the end
            await room.wait()
            self._check_open()
        async with self.send_lock:
            self._check_open()
            ws = self.ws
            entry: list[Any] = [None, frame]
            if self.resumable:
                self.unacked.append(entry)
            if ws is None or ws.closed:
                if self.resumable:
                    return  # replayed on the next connection
                code = ws.close_code if ws is not None and ws.close_code is not None else 1006
                raise SessionClosed(code, "the connection is closed", resumable=False)
            entry[0] = self.next_index
            self.next_index += 1
            try:
                await ws.send_bytes(frame)
            except (ConnectionError, aiohttp.ClientError, RuntimeError):
                if not self.resumable:
                    raise SessionClosed(1006, "the connection was lost", resumable=False) from None

    def _ack(self, index: int) -> None:
        unacked = self.unacked
        while unacked and unacked[0][0] is not None and unacked[0][0] <= index:
            unacked.popleft()
        self.room.set()

    # -- the connection loop (run by the actor) ---------------------------------------------

    async def run(self) -> None:
        """Connect, read, and reconnect as needed until the session ends.

        Sets ``ready`` once the first ``setupComplete`` arrived (or the first attempt
        failed: ``error`` then says why). Always ends with ``ended`` set and the socket closed.
        """
        schedule = self.options.reconnect_backoff.schedule()
        attempts = 0
        previous: aiohttp.ClientWebSocketResponse | None = None  # open while the next connects
        try:
            while True:
                try:
                    replayed = await self._connect(previous)
                except _Setup as exc:
                    self._finish(SessionClosed(exc.code, exc.reason, resumable=False))
                    return
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    if not self.ready.is_set():
                        self._finish(exc)
                        return
                    attempts += 1
                    if attempts > self.options.max_reconnect_attempts:
                        _log_live.warning("live.reconnect_failed", attempts=attempts - 1)
                        self._finish(
                            SessionClosed(
                                1006,
                                f"could not reconnect after {attempts - 1} attempts: "
                                f"{type(exc).__name__}: {exc}",
                                resumable=self.handle is not None,
                            )
                        )
                        return
                    await current_clock().sleep(schedule.next_delay())
                    continue
                finally:
                    previous = None  # adopted's predecessor closing, or closed on failure
                if self.ready.is_set():
                    self.events.append(LiveSessionEvent("resumed", replayed=replayed))
                    _log_live.info("live.resumed", replayed=replayed)
                self.ready.set()
                attempts = 0
                schedule = self.options.reconnect_backoff.schedule()  # a good connection resets it
                code, reason, go_away = await self._read()
                if go_away and not self.closed_by_user:
                    previous = await self._detach()  # make before break: closed once replaced
                else:
                    await self._drop_socket()
                if self.closed_by_user:
                    self._finish(None)
                    return
                if go_away:
                    self.events.append(LiveSessionEvent("go_away", reason=reason))
                else:
                    self.events.append(LiveSessionEvent("disconnected", code, reason))
                if not (self.resumable and self.handle is not None):
                    self._finish(SessionClosed(code, reason, resumable=False))
                    return
                # The first attempt is immediate (a 1011 or a goAway rarely means the service
                # is down); only failed attempts wait, with growing delays.
        finally:
            if self._beat is not None:
                self._beat.cancel()
                self._beat = None
            with anyio.CancelScope(shield=True):
                await self._drop_socket()
                if previous is not None:
                    self._close_later(previous)
                for closer in list(self._closers):
                    with contextlib.suppress(Exception):
                        await closer
                if self.http is not None:
                    http, self.http = self.http, None
                    await self.pool.release(http)
            if not self.ended.is_set():
                self._finish(None if self.closed_by_user else SessionClosed(1001, "stopped"))
            self.done.set()

    async def hang_up(self) -> bool:
        """Close the socket the loop is waiting on, from the caller's task, when the loop is
        waiting on it: the loop then sees the close, finishes the handshake (at most
        ``_CLOSE_TIMEOUT`` seconds), gives the aiohttp session back and returns by itself
        (``done``), with no cancellation. False when the loop is elsewhere (connecting,
        replaying, waiting for inbox room): stop the actor instead.

        Call it after setting ``closed_by_user``.
        """
        ws = self._reading
        if ws is None or ws is not self.ws or ws.closed:
            return False
        await ws.close()  # wakes _read with a CLOSING message; _drop_socket does the handshake
        return True

    def _finish(self, error: BaseException | None) -> None:
        if self.ended.is_set():
            return
        if error is not None and not self.closed_by_user:
            self.error = error
            self.events.append(
                LiveSessionEvent(
                    "closed",
                    getattr(error, "code", None),
                    getattr(error, "reason", str(error)),
                )
            )
        self.ended.set()
        self.ready.set()
        self.room.set()
        self.inbox.close()

    async def _connect(self, previous: aiohttp.ClientWebSocketResponse | None = None) -> int:
        """Open a connection, set it up (resuming with the latest handle), replay what the
        server has not consumed and make it the session's; returns the messages replayed.

        With ``previous`` (the connection a goAway retires), that one is read meanwhile and
        closed in the background once the new one is adopted, or when this fails.
        """
        drain = None
        if previous is not None:
            drain = asyncio.ensure_future(self._drain(previous))
        try:
            ws = await self._open()
        except BaseException:
            if drain is not None:
                await _cancelled(drain)
            if previous is not None:
                self._close_later(previous)
            raise
        if drain is not None:
            await _cancelled(drain)  # before the replay renumbers what it acknowledged
        if previous is not None:
            self._close_later(previous)
        return await self._adopt(ws)

    async def _open(self) -> aiohttp.ClientWebSocketResponse:
        if self.http is None:
            self.http = self.pool.acquire()
        setup = self.setup
        if self.resumable:
            resumption = dict(setup.get("sessionResumption") or {})
            if self.handle is not None:
                resumption["handle"] = self.handle
            setup = {**setup, "sessionResumption": resumption}
        headers = self.headers
        with anyio.fail_after(self.options.connect_timeout):
            if self.auth is not None:
                headers = {**(await self.auth()), **headers}
            ws = await self.http.ws_connect(
                self.url,
                headers=headers,
                max_msg_size=0,
                autoclose=True,
                autoping=False,  # pings answered and pongs seen by the reader (_heartbeat)
            )
            try:
                await ws.send_bytes(msgspec.json.encode({"setup": setup}))
                msg = await ws.receive()
                while msg.type in _PING_PONG:
                    if msg.type is aiohttp.WSMsgType.PING:
                        await _pong(ws, msg.data)
                    msg = await ws.receive()
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await ws.close()
                raise
        if msg.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
            code = ws.close_code or 1006
            reason = msg.extra if isinstance(msg.extra, str) else ""
            await ws.close()
            raise _Setup(code, reason or "the server closed the connection during setup")
        first = self.decode(msg.data)
        if first.setup_complete is None:
            await ws.close()
            raise _Setup(1002, "the server did not answer the setup with setupComplete")
        if self.setup_complete is None:
            self.setup_complete = first
            self.session_id = getattr(first.setup_complete, "session_id", None)
        return ws

    async def _adopt(self, ws: aiohttp.ClientWebSocketResponse) -> int:
        # Replay what the server has not consumed, in order, before any new message.
        async with self.send_lock:
            self.next_index = 0
            self._mark = None
            replayed = 0
            try:
                for entry in self.unacked:
                    entry[0] = self.next_index
                    self.next_index += 1
                    await ws.send_bytes(entry[1])
                    replayed += 1
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await ws.close()
                raise
            self.ws = ws
        self._heartbeat(ws)
        return replayed

    async def _read(self) -> tuple[int, str, bool]:
        """Reads until the connection ends: (close code, reason, whether after goAway).

        A ``goAway`` that comes while the model answers does not cut the answer: reading goes
        on until the turn completes and the next resumption update covers it (or until 80% of
        ``timeLeft`` has passed); then the session moves to a new connection.
        """
        ws = self.ws
        assert ws is not None
        loop = asyncio.get_running_loop()
        peek = _wire.peek_server_message
        inbox = self.inbox
        answering = False
        leave_at: float | None = None  # set by a goAway that came during an answer
        time_left = ""
        while True:
            self._reading = ws
            try:
                if leave_at is None:
                    msg = await ws.receive()
                else:
                    msg = await ws.receive(timeout=max(0.0, leave_at - loop.time()))
            except TimeoutError:
                return 1000, time_left, True
            finally:
                self._reading = None
            if msg.type in _DATA:
                data = msg.data
                try:
                    peeked = peek(data)
                except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                    _log_live.warning("live.bad_message", error=str(exc))
                    continue
                update = peeked.session_resumption_update
                if update is not None:
                    self._take_update(update)
                if not peeked.setup_complete and not inbox.put_nowait(data):
                    await inbox.put(data)  # full: wait for the consumer (backpressure)
                content = peeked.server_content
                if content is not None:
                    if content.turn_complete or content.interrupted:
                        answering = False
                    elif content.model_turn:
                        answering = True
                if leave_at is not None and update is not None and self._quiet(answering):
                    return 1000, time_left, True  # the answer is done and covered by a handle
                go_away = peeked.go_away
                if go_away is not None and self.resumable and self.handle is not None:
                    time_left = go_away.time_left or ""
                    if self._quiet(answering):
                        return 1000, time_left, True
                    leave_at = loop.time() + 0.8 * _seconds(time_left)
                continue
            if msg.type is aiohttp.WSMsgType.PONG:
                self._unanswered = None
                continue
            if msg.type is aiohttp.WSMsgType.PING:
                await _pong(ws, msg.data)
                continue
            if msg.type == aiohttp.WSMsgType.ERROR:
                return 1006, f"{type(msg.data).__name__}: {msg.data}", False
            if ws is self._stale:
                return 1006, f"no answer to a ping within {self.options.heartbeat:g} s", False
            code = ws.close_code if ws.close_code is not None else 1006
            reason = msg.extra if isinstance(msg.extra, str) else ""
            return code, reason, False

    def _take_update(self, update: Any) -> None:
        """Keep a ``sessionResumptionUpdate``'s handle and acknowledge what it covers."""
        if update.resumable is not False and update.new_handle:
            self.handle = update.new_handle
        if update.last_consumed_client_message_index is not None:
            self._indexed = True
            self._ack(update.last_consumed_client_message_index)
        elif update.new_handle:
            # No index (the Gemini API sends one only with transparent resumption): what was
            # sent before the previous update is taken as consumed, one update of slack for
            # messages still in flight.
            if self._mark is not None:
                self._ack(self._mark - 1)
            self._mark = self.next_index

    def _quiet(self, answering: bool) -> bool:
        """Whether the connection can be left now: no answer running and, when the server
        reports consumed indexes, everything sent on it acknowledged (the handle covers it)."""
        if answering:
            return False
        return not self._indexed or all(entry[0] is None for entry in self.unacked)

    async def _drain(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Read a retiring connection while the next one is set up: its messages reach the
        inbox, its resumption updates count. Ends when it closes (or is cancelled)."""
        while True:
            msg = await ws.receive()
            if msg.type is aiohttp.WSMsgType.PING:
                await _pong(ws, msg.data)
                continue
            if msg.type not in _DATA:
                if msg.type is aiohttp.WSMsgType.PONG:
                    continue
                return
            try:
                peeked = _wire.peek_server_message(msg.data)
            except (msgspec.DecodeError, msgspec.ValidationError):
                continue
            update = peeked.session_resumption_update
            if update is not None:
                self._take_update(update)
            if not peeked.setup_complete:
                await self.inbox.put(msg.data)

    def _heartbeat(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Ping ``ws`` every ``heartbeat`` seconds while it is the session's socket; one ping
        unanswered at the next, while the reader waits on the socket (not on a full inbox),
        closes it, and the reader reports it lost (1006). Nothing runs per message."""
        interval = self.options.heartbeat
        if self._beat is not None:
            self._beat.cancel()
            self._beat = None
        if not interval:
            return
        self._unanswered = None
        self._beat = asyncio.get_running_loop().call_later(interval, self._tick, ws, interval)

    def _tick(self, ws: aiohttp.ClientWebSocketResponse, interval: float) -> None:
        self._beat = None
        if ws is not self.ws or ws.closed:
            return  # replaced or closed: the next socket has its own heartbeat
        if self._unanswered is ws:
            if self._reading is ws:
                _log_live.warning("live.no_pong", seconds=interval)
                self._stale = ws
                self._close_later(ws)
                return
        else:
            self._unanswered = ws
            self._background(_ping(ws))
        self._beat = asyncio.get_running_loop().call_later(interval, self._tick, ws, interval)

    def _background(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._closers.add(task)
        task.add_done_callback(self._closers.discard)

    async def _detach(self) -> aiohttp.ClientWebSocketResponse | None:
        """Take the current socket out of use, open: sends wait for the next connection."""
        async with self.send_lock:
            ws, self.ws = self.ws, None
        return ws

    def _close_later(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async def close() -> None:
            if not ws.closed:
                with anyio.move_on_after(_CLOSE_TIMEOUT), contextlib.suppress(Exception):
                    await ws.close()

        self._background(close())

    async def _drop_socket(self) -> None:
        async with self.send_lock:
            ws, self.ws = self.ws, None
        if ws is not None and not ws.closed:
            # No close handshake with a peer that stopped answering pings (cut at once).
            wait = 0.0 if ws is self._stale else _CLOSE_TIMEOUT
            with anyio.move_on_after(wait), contextlib.suppress(Exception):
                await ws.close()


async def _cancelled(task: asyncio.Future[Any]) -> None:
    """Cancel ``task`` and wait for it to end (its own errors are dropped)."""
    task.cancel()
    with anyio.CancelScope(shield=True), contextlib.suppress(BaseException):
        await task


async def _ping(ws: aiohttp.ClientWebSocketResponse) -> None:
    with contextlib.suppress(ConnectionError, RuntimeError, aiohttp.ClientError):
        await ws.ping()


async def _pong(ws: aiohttp.ClientWebSocketResponse, data: bytes) -> None:
    with contextlib.suppress(ConnectionError, RuntimeError, aiohttp.ClientError):
        await ws.pong(data)


def _seconds(duration: str) -> float:
    """A proto-JSON duration (``"5s"``, ``"0.250s"``) in seconds; 0 if unreadable."""
    try:
        return max(0.0, float(duration.removesuffix("s")))
    except ValueError:
        return 0.0


class LiveSessionActor(Actor):
    """The supervised owner of one Live session's connection loop (a ``sessions`` child).

    Stopping it (``session.close()``, ``client.aclose()``) cancels the loop, which closes the
    socket; the session then reports closed.
    """

    def __init__(self, link: _Link) -> None:
        self.link = link

    async def init(self) -> None:
        self.ref.cast("run")

    async def handle_cast(self, msg: Any) -> None:
        await self.link.run()
        self.stop()

    async def handle_call(self, msg: Any) -> Any:  # pragma: no cover - no calls are made
        raise ValueError(f"unknown call {msg!r}")


class AsyncSession:
    """A Live session (``async with client.live.connect(...) as session``).

    google-genai's methods: :meth:`send_client_content`, :meth:`send_realtime_input`,
    :meth:`send_tool_response`, :meth:`send_context_update`, :meth:`receive` (one turn) and
    :meth:`close`; iterating the
    session itself (``async for message in session``) yields every server message until the
    session ends, across turns and reconnections. Sends raise
    :class:`~genai_actors.errors.SessionClosed` once the session is gone.
    """

    def __init__(self, link: _Link, stop: Any) -> None:
        self._link = link
        self._stop = stop

    def __getattr__(self, name: str) -> Any:
        hint = _DEPRECATED.get(name)
        if hint is not None:
            raise NotAvailableYetError(f"AsyncSession.{name}", hint)
        raise AttributeError(f"'AsyncSession' object has no attribute {name!r}")

    @property
    def session_id(self) -> str | None:
        """The id the server gave in ``setupComplete`` (the emulator sends one)."""
        return self._link.session_id

    @property
    def resumption_handle(self) -> str | None:
        """The latest resumption handle (pass it to a new session to resume this one)."""
        return self._link.handle

    @property
    def events(self) -> list[LiveSessionEvent]:
        """What happened to the connection so far (goAway, drops, resumptions), in order."""
        return list(self._link.events)

    @property
    def closed(self) -> bool:
        """True once the session ended (closed by you, by the server, or given up)."""
        return self._link.ended.is_set() or self._link.closed_by_user

    @property
    def unacknowledged(self) -> int:
        """Client messages sent (or queued) that the server has not confirmed consuming."""
        return len(self._link.unacked)

    async def send_client_content(self, *, turns: Any = None, turn_complete: bool = True) -> None:
        """Add ``turns`` (Content-like values) to the conversation, in order.

        Raises:
            InvalidRequestError: ``turns`` cannot be read as contents.
            SessionClosed: The session is closed.
        """
        await self._link.send(_wire.client_content(turns, turn_complete))

    async def send_realtime_input(
        self,
        *,
        media: Any = None,
        audio: Any = None,
        audio_stream_end: bool | None = None,
        video: Any = None,
        text: str | None = None,
        activity_start: Any = None,
        activity_end: Any = None,
    ) -> None:
        """Send one realtime input (exactly one argument): audio, video, text or a marker.

        Raises:
            InvalidRequestError: Not exactly one argument, or a blob of the wrong kind.
            SessionClosed: The session is closed.

        Waits while ``max_unacked`` messages await the server (backpressure).
        """
        frame, _ = _wire.realtime_input(
            media=media,
            audio=audio,
            audio_stream_end=audio_stream_end,
            video=video,
            text=text,
            activity_start=activity_start,
            activity_end=activity_end,
        )
        await self._link.send(frame)

    async def send_tool_response(self, *, function_responses: Any) -> None:
        """Answer tool calls (each response carries its call's ``id``; Vertex AI also takes
        responses without one).

        Raises:
            InvalidRequestError: A response without ``id`` on the Gemini Developer API.
            SessionClosed: The session is closed.
        """
        link = self._link
        await link.send(_wire.tool_response(function_responses, require_id=not link.vertex))

    async def send_context_update(
        self, *, system_instruction: Any = None, tools: Any = None
    ) -> None:
        """Replace the system instruction and/or the tools for the rest of the session, in
        order with the other inputs (``tools=[]`` clears them). Like every client message, it
        is replayed after a reconnection until the server consumed it.

        Raises:
            InvalidRequestError: Neither is given, or one cannot be read. A ``ValueError``,
                as google-genai raises.
            SessionClosed: The session is closed.
        """
        await self._link.send(_wire.context_update(system_instruction, tools))

    async def _messages(self, *, one_turn: bool = False) -> AsyncIterator[LiveServerMessage]:
        link = self._link
        inbox = link.inbox
        decode = link.decode
        while True:
            try:
                frame = inbox.get_nowait() if len(inbox) else await inbox.get()
            except EndOfInbox:
                if link.error is not None and not link.closed_by_user:
                    raise link.error from None
                return
            try:
                message = decode(frame)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                _log_live.warning("live.bad_message", error=str(exc))
                continue
            yield message
            if one_turn and _wire.is_turn_end(message):
                return

    def receive(self) -> AsyncIterator[LiveServerMessage]:
        """Yields server messages until the current turn completes (google-genai's rule).

        Raises:
            SessionClosed: The session ended abnormally (after buffered messages).
        """
        return self._messages(one_turn=True)

    def __aiter__(self) -> AsyncIterator[LiveServerMessage]:
        return self._messages()

    async def close(self) -> None:
        """Closes the session: the actor stops and the socket closes. Idempotent.

        Iteration then ends after the messages already received.
        """
        self._link.closed_by_user = True
        await self._stop()


@contextlib.asynccontextmanager
async def supervised(api: ApiClient, link: _Link) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """Runs ``link`` in a LiveSessionActor under the client's ``sessions`` supervisor.

    Yields, once the server answered the setup, the coroutine function that stops the
    session; leaving the block stops it too.

    Raises:
        SessionClosed: The server refused the setup.
        ClientClosedError: The client is closed.
        aiohttp.ClientError / OSError / TimeoutError: The socket could not be opened.
    """
    tree = api.tree
    if tree is None:  # pragma: no cover - AsyncClient always sets it
        raise RuntimeError("the client has no supervision tree")
    sessions = (await tree.ensure()).sessions
    ref = await sessions.start_child(
        ChildSpec(
            ("live", next(_ids)),
            lambda: LiveSessionActor(link),
            restart=Restart.TEMPORARY,
            shutdown=0.0,
        )
    )

    async def stop() -> None:
        link.closed_by_user = True
        with anyio.CancelScope(shield=True), contextlib.suppress(SupervisorsError):
            if ref.alive:
                if await link.hang_up():
                    await link.done.wait()  # the actor then exits normally; stop() is a no-op
                await ref.stop()
        await link.ended.wait()

    try:
        await link.ready.wait()
        if link.setup_complete is None:
            raise link.error or RuntimeError("the Live session ended before its setup")
        yield stop
    finally:
        with anyio.CancelScope(shield=True):
            await stop()
        link.inbox.close()
