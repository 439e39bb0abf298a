"""``ChatSession``: the actor that serializes a chat's turns and commits them.

Every chat has a :class:`ChatCore`: its committed history (and store), which outlives any actor.
While the chat has turns in flight, a ``ChatSession`` actor runs under the client's ``sessions``
supervisor (restart ``TRANSIENT``: a crash restarts it on the same core, so the committed
history is intact). It exits normally once the chat has had no turn for ``LINGER`` seconds, so
an idle chat holds no actor, no task and no mailbox: only its core.

A turn is two calls to the actor, in mailbox order:

1. ``BEGIN``: the actor first settles the turn before it (waiting for that turn's caller to
   finish, then committing it), then grants this turn. From then on no other turn runs.
2. The caller sends its requests in its own task (so cancelling the caller aborts them, as
   every request of this library), then records what should be committed and sends ``END``.
   The actor commits it (the store's row first, then the in-memory history); a commit that
   fails (the store refused the row) leaves the history as it was, and the caller raises
   the store's error.

A caller that is cancelled or fails hands its turn back with a cast instead of waiting. So a
turn is settled exactly once, by the actor, whatever happens to its caller.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Final

import anyio

from supervisors import Actor, ActorExited, ActorRef, ChildSpec, Mailbox, Restart, send_after

from .. import _log
from ..errors import ClientClosedError
from ._chats_history import History, Record

if TYPE_CHECKING:
    from .._watch import TreeHost
    from ._chat_store import ChatStore

__all__ = ["BEGIN", "END", "ChatCore", "ChatSession", "Turn", "encode_row"]

_log_chat = _log.get_logger("genai_actors.chats")

BEGIN: Final = "begin"
END: Final = "end"
_IDLE: Final = "idle"

LINGER: Final = 2.0
"""Seconds a session actor stays up after its chat's last turn, so that a conversation in
progress does not restart its actor at every turn; then it exits and the chat is idle."""


def encode_row(records: Sequence[Record]) -> bytes:
    """One committed turn as a store row: ``[[valid, [contents...]], ...]`` in JSON."""
    return (
        b"["
        + b",".join(
            b"[" + (b"true" if valid else b"false") + b",[" + data + b"]]"
            for data, valid in records
        )
        + b"]"
    )


class Turn:
    """One exchange in flight: granted by the actor, finished by its caller, settled once."""

    __slots__ = ("began", "done", "error", "event", "records", "settled")

    def __init__(self) -> None:
        self.began = False
        self.done = False
        self.settled = False
        self.records: list[Record] | None = None
        self.error: BaseException | None = None
        self.event: anyio.Event | None = None  # made only if the actor has to wait

    def finish(self, records: list[Record] | None) -> None:
        """The caller is done: ``records`` to commit (None or empty: nothing). Idempotent."""
        if self.done:
            return
        self.done = True
        self.records = records
        if self.event is not None:
            self.event.set()

    async def wait_done(self) -> None:
        if not self.done:
            if self.event is None:
                self.event = anyio.Event()
            await self.event.wait()


class ChatCore:
    """A chat's committed state and its link to its session actor (see the module docstring).

    Subclassed by the public chat handle; every attribute is private.
    """

    __slots__ = (
        "__weakref__",
        "_chat_id",
        "_closed",
        "_current",
        "_history",
        "_host",
        "_ref",
        "_seq",
        "_starting",
        "_store",
        "_turns",
    )

    def __init__(
        self,
        host: TreeHost,
        history: History,
        *,
        store: ChatStore | None = None,
        chat_id: str | None = None,
        seq: int = 0,
    ) -> None:
        self._host = host
        self._history = history
        self._store = store
        self._chat_id = chat_id
        self._seq = seq
        self._ref: ActorRef | None = None
        self._starting: anyio.Event | None = None
        self._current: Turn | None = None
        self._turns = 0
        self._closed = False

    # -- the caller's side ------------------------------------------------------------------

    async def _session(self) -> ActorRef:
        """The running session actor, started on demand."""
        while True:
            ref = self._ref
            if ref is not None and ref.alive:
                return ref
            starting = self._starting
            if starting is not None:
                await starting.wait()
                continue
            event = self._starting = anyio.Event()
            try:
                with anyio.CancelScope(shield=True):  # a started actor is always recorded
                    tree = await self._host.ensure()
                    self._ref = await tree.sessions.start_child(
                        ChildSpec(
                            "chat",
                            partial(ChatSession, self),
                            restart=Restart.TRANSIENT,
                            shutdown=1.0,
                        )
                    )
            finally:
                self._starting = None
                event.set()

    async def _begin(self) -> tuple[Turn, ActorRef]:
        """Queues a turn and waits until it is this turn's go.

        Raises:
            ClientClosedError: The client is closed, or the chat's session stopped.
            ValueError: The chat is closed.
        """
        if self._closed:
            raise ValueError("this chat is closed")
        turn = Turn()
        self._turns += 1
        ref: ActorRef | None = None
        try:
            ref = await self._session()
            await ref.call((BEGIN, turn), timeout=None)
        except ActorExited as exc:
            if turn.began:
                turn.finish(None)
            else:
                self._turns -= 1
            raise ClientClosedError("the chat's session stopped (is the client closing?)") from exc
        except BaseException:
            if not turn.began:
                self._turns -= 1  # never reached the actor: nothing to settle
            elif ref is not None:
                self._hand_back(turn, ref, None)
            raise
        return turn, ref

    async def _end(self, turn: Turn, ref: ActorRef, records: list[Record]) -> None:
        """Hands the finished turn to the actor and waits for its commit.

        Raises:
            ClientClosedError: The session stopped before committing the turn.
            ChatInUseError: The store no longer lets this chat write (nothing committed).
            Exception: Whatever the store raised (nothing committed).

        Cancellation: the turn is still committed, by the actor.
        """
        turn.finish(records)
        try:
            await ref.call((END, turn), timeout=None)
        except ActorExited:
            pass
        finally:
            if not turn.settled:
                self._hand_back(turn, ref, records)
        if not turn.settled:
            raise ClientClosedError("the chat's session stopped before the turn was committed")
        if turn.error is not None:
            raise turn.error

    def _on_idle(self) -> None:
        """Called by the actor when the chat has no turn left in flight."""

    def _hand_back(self, turn: Turn, ref: ActorRef, records: list[Record] | None) -> None:
        """Ends a turn without waiting (its caller failed or was cancelled)."""
        turn.finish(records)
        if turn.settled:
            return
        try:
            ref.cast((END, turn))
        except ActorExited:
            pass  # the actor is gone: nothing will be committed


class ChatSession(Actor):
    """The actor of one chat: grants its turns one at a time and commits them.

    Its mailbox is unbounded: every queued message is a turn someone awaits.
    """

    mailbox = Mailbox(math.inf)

    linger: ClassVar[float] = LINGER
    """Seconds an idle session stays up before it exits (0: at once)."""

    def __init__(self, core: ChatCore) -> None:
        self.core = core

    async def handle_call(self, msg: Any) -> Any:
        kind, turn = msg
        if kind == BEGIN:
            turn.began = True
            await self._settle_current()
            self.core._current = turn
            return None
        if kind == END:
            await self._finish(turn)
            return None
        raise TypeError(f"ChatSession: unknown call {kind!r}")

    async def handle_cast(self, msg: Any) -> None:
        kind, turn = msg
        if kind != END:
            raise TypeError(f"ChatSession: unknown message {kind!r}")
        await self._finish(turn)

    async def init(self) -> None:
        self._last = 0.0  # when the chat was last idle (supervisor clock)
        self._armed = False  # an idle check is due

    async def handle_info(self, msg: Any) -> None:
        if msg != _IDLE:
            await super().handle_info(msg)
            return
        self._armed = False
        core = self.core
        if core._turns or core._current is not None:
            return  # busy again: the end of that turn arms a new check
        left = self._last + self.linger - self.clock.now()
        if left > 0:  # turns came meanwhile: one timer per linger period, not one per turn
            self._arm(left)
        else:
            self._hibernate()

    async def _finish(self, turn: Turn) -> None:
        core = self.core
        if core._current is turn:
            await self._settle_current()
        if core._turns == 0 and core._current is None:
            core._on_idle()
            if self.linger <= 0:
                self._hibernate()
                return
            self._last = self.clock.now()
            if not self._armed:
                self._arm(self.linger)

    def _arm(self, delay: float) -> None:
        self._armed = True
        send_after(self.ref, _IDLE, delay, key=_IDLE)

    def _hibernate(self) -> None:
        core = self.core
        if core._turns == 0 and core._current is None and core._ref == self.ref:
            core._ref = None  # idle: the chat keeps its history, the actor goes
            self.stop()

    async def _settle_current(self) -> None:
        core = self.core
        turn = core._current
        if turn is None:
            return
        await turn.wait_done()
        core._current = None
        core._turns -= 1
        try:
            commit(core, turn.records)
        except Exception as exc:
            turn.error = exc
            _log_chat.warning("chat.commit_failed", error=type(exc).__name__)
        finally:
            turn.settled = True


def commit(core: ChatCore, records: list[Record] | None) -> None:
    """Commits one turn's records: the store's row first, then the in-memory history.

    Raises:
        Exception: Whatever the store raised; then nothing is committed.
    """
    if not records:
        return
    store = core._store
    if store is not None:
        assert core._chat_id is not None
        store.append(core._chat_id, core._seq, encode_row(records))
    core._history.add(records)
    core._seq += 1
