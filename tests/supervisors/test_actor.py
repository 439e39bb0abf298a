"""Tests for Actor and ActorRef: call, cast, send, stop, mailboxes and failure semantics."""

from __future__ import annotations

import math
from typing import Any

import anyio
import pytest

import supervisors as s

from .conftest import Journal, Probe, probe_spec, settle


class Slow(s.Actor):
    """Handles ``("sleep", seconds)`` calls by sleeping on the real clock; records casts."""

    mailbox = s.Mailbox(math.inf)

    def __init__(self) -> None:
        self.seen: list[Any] = []
        self.gate = anyio.Event()

    async def handle_call(self, msg: Any) -> Any:
        if isinstance(msg, tuple) and msg[0] == "sleep":
            await anyio.sleep(msg[1])
            return "slept"
        if msg == "gate":
            await self.gate.wait()
            return "opened"
        if msg == "seen":
            return list(self.seen)
        self.seen.append(msg)
        return msg

    async def handle_cast(self, msg: Any) -> None:
        if msg == "open":
            self.gate.set()
            return
        self.seen.append(msg)


async def test_call_returns_reply_and_handler_error_reaches_caller(journal: Journal) -> None:
    """A handler's exception in call is re-raised to the caller and the actor keeps running."""
    async with s.Supervisor([probe_spec("p", journal)]) as sup:
        ref = sup.child("p")
        assert await ref.call("ping") == ("pong", "p")
        with pytest.raises(KeyError, match="asked to raise"):
            await ref.call("raise")
        assert await ref.call("ping") == ("pong", "p")
    assert journal.of("init") == ["p"]  # never restarted


async def test_crash_in_cast_restarts_actor_with_same_ref(journal: Journal) -> None:
    """A crash in the actor's own loop restarts it per its spec; the ref stays valid."""
    async with s.Supervisor([probe_spec("p", journal)]) as sup:
        ref = sup.child("p")
        ref.cast("crash")
        assert await ref.call("ping") == ("pong", "p")
        assert sup.child("p") == ref
    assert journal.of("init") == ["p", "p"]
    assert journal.of("terminate")[0] == ("p", "error")


async def test_messages_are_handled_one_at_a_time_in_order() -> None:
    """Casts and calls from one sender are handled serially, in order."""
    async with s.Supervisor([s.ChildSpec("a", Slow)]) as sup:
        ref = sup.child("a")
        for i in range(50):
            ref.cast(i)
        await ref.send(50)
        assert await ref.call(51) == 51
        assert await ref.call("seen") == list(range(52))


async def test_queued_calls_fail_with_actor_exited_when_actor_stops() -> None:
    """Calls queued behind a busy handler fail with ActorExited when the actor stops."""
    async with s.Supervisor([s.ChildSpec("a", Slow, shutdown=0.05)]) as sup:
        ref = sup.child("a")
        results: list[Any] = []

        async def caller(msg: Any) -> None:
            try:
                results.append(await ref.call(msg, timeout=10))
            except s.ActorExited as exc:
                results.append(("exited", exc.reason.kind))

        async with anyio.create_task_group() as tg:
            tg.start_soon(caller, "gate")  # in progress: cancelled after the budget
            await settle()
            tg.start_soon(caller, "queued-1")
            tg.start_soon(caller, "queued-2")
            await settle()
            await ref.stop()
        assert sorted(results) == [("exited", "shutdown")] * 3
        assert not ref.alive
        with pytest.raises(s.ActorExited):
            await ref.call("x")
        with pytest.raises(s.ActorExited):
            ref.cast("x")
        with pytest.raises(s.ActorExited):
            await ref.send("x")


async def test_stop_lets_message_in_progress_finish_within_budget() -> None:
    """stop() waits for the message in progress (within the budget) before terminate."""
    async with s.Supervisor([s.ChildSpec("a", Slow, shutdown=5.0)]) as sup:
        ref = sup.child("a")
        async with anyio.create_task_group() as tg:

            async def caller() -> None:
                assert await ref.call(("sleep", 0.02)) == "slept"

            tg.start_soon(caller)
            await settle()
            await ref.stop()


async def test_call_timeout_drops_late_reply_and_skips_unstarted_call() -> None:
    """After CallTimeout the late reply is dropped; a call not yet reached is discarded."""
    async with s.Supervisor([s.ChildSpec("a", Slow)]) as sup:
        ref = sup.child("a")
        with pytest.raises(s.CallTimeout) as info:
            await ref.call(("sleep", 0.05), timeout=0.01)
        assert isinstance(info.value, TimeoutError)
        # Queued behind the gate, this call times out before the actor reaches it.
        async with anyio.create_task_group() as tg:

            async def gate() -> None:
                assert await ref.call("gate") == "opened"

            tg.start_soon(gate)
            await settle()
            with pytest.raises(s.CallTimeout):
                await ref.call("never-handled", timeout=0.01)
            actor = ref._cell.actor
            assert isinstance(actor, Slow)
            actor.gate.set()
        await anyio.sleep(0.06)  # the late "slept" reply arrives now and is dropped
        assert await ref.call("seen") == []
        assert await ref.call("after") == "after"


async def test_cancelled_call_is_abandoned() -> None:
    """Cancelling a caller abandons its call like a timeout; the actor carries on."""
    async with s.Supervisor([s.ChildSpec("a", Slow)]) as sup:
        ref = sup.child("a")
        with anyio.move_on_after(0.01):
            await ref.call(("sleep", 0.03))
        assert await ref.call("ok") == "ok"


async def test_call_validation_and_self_call() -> None:
    """Bad timeouts raise ValueError; an actor calling itself gets RuntimeError, not a hang."""

    class Selfish(s.Actor):
        async def handle_call(self, msg: Any) -> Any:
            if msg == "self":
                return await self.ref.call("inner")
            if msg == "stop-self":
                await self.ref.stop()
            return msg

    async with s.Supervisor([s.ChildSpec("a", Selfish)]) as sup:
        ref = sup.child("a")
        with pytest.raises(ValueError):
            await ref.call("x", timeout=0)
        with pytest.raises(RuntimeError, match="deadlock"):
            await ref.call("self")
        with pytest.raises(RuntimeError, match=r"self\.stop"):
            await ref.call("stop-self")
        assert await ref.call("x", timeout=None) == "x"


async def test_self_stop_exits_normally_and_permanent_restarts(journal: Journal) -> None:
    """Actor.stop() exits NORMAL: a PERMANENT child is restarted (OTP)."""
    async with s.Supervisor([probe_spec("p", journal)]) as sup:
        ref = sup.child("p")
        ref.cast("exit")
        assert await ref.call("ping") == ("pong", "p")
    assert journal.of("terminate")[0] == ("p", "normal")
    assert journal.of("init") == ["p", "p"]


async def test_current_actor_inside_handlers() -> None:
    """current_actor() is the actor's ref inside its handlers and None outside."""

    class Who(s.Actor):
        async def handle_call(self, msg: Any) -> Any:
            return s.current_actor()

    assert s.current_actor() is None
    async with s.Supervisor([s.ChildSpec("w", Who)]) as sup:
        ref = sup.child("w")
        assert await ref.call(None) == ref
    assert s.current_actor() is None


class Sink(s.Actor):
    """Blocks on a gate in its first call so its mailbox fills up."""

    def __init__(self) -> None:
        self.seen: list[Any] = []
        self.gate = anyio.Event()

    async def handle_call(self, msg: Any) -> Any:
        if msg == "gate":
            await self.gate.wait()
        elif msg == "seen":
            return self.seen
        else:
            self.seen.append(msg)
        return msg

    async def handle_cast(self, msg: Any) -> None:
        self.seen.append(msg)


def sink_class(mailbox: s.Mailbox) -> type[Sink]:
    return type("SizedSink", (Sink,), {"mailbox": mailbox})


async def _blocked(sup: s.Supervisor, tg: Any) -> s.ActorRef:
    ref: s.ActorRef = sup.child("k")

    async def gate() -> None:
        await ref.call("gate", timeout=None)

    tg.start_soon(gate)
    await settle()
    return ref


def _spec(policy: s.Overflow, capacity: int = 2) -> s.ChildSpec[Sink]:
    cls = sink_class(s.Mailbox(capacity, policy))
    return s.ChildSpec("k", cls)


async def _open(ref: s.ActorRef) -> None:
    actor = ref._cell.actor
    assert isinstance(actor, Sink)
    actor.gate.set()
    await settle()


async def test_overflow_fail() -> None:
    """FAIL: cast and call on a full mailbox raise MailboxFull."""
    async with s.Supervisor([_spec(s.Overflow.FAIL)]) as sup, anyio.create_task_group() as tg:
        ref = await _blocked(sup, tg)
        assert ref.cast(1)
        assert ref.cast(2)
        with pytest.raises(s.MailboxFull):
            ref.cast(3)
        with pytest.raises(s.MailboxFull):
            await ref.call(3)
        await _open(ref)
        assert await ref.call("seen") == [1, 2]


async def test_overflow_drop_new() -> None:
    """DROP_NEW: a cast to a full mailbox is dropped (False); a call raises MailboxFull."""
    async with s.Supervisor([_spec(s.Overflow.DROP_NEW)]) as sup, anyio.create_task_group() as tg:
        ref = await _blocked(sup, tg)
        assert ref.cast(1)
        assert ref.cast(2)
        assert ref.cast(3) is False
        with pytest.raises(s.MailboxFull):
            await ref.call(3)
        await _open(ref)
        assert await ref.call("seen") == [1, 2]


async def test_overflow_drop_oldest_fails_evicted_call() -> None:
    """DROP_OLDEST: the oldest message is evicted; an evicted call gets MailboxFull."""
    async with (
        s.Supervisor([_spec(s.Overflow.DROP_OLDEST)]) as sup,
        anyio.create_task_group() as tg,
    ):
        ref = await _blocked(sup, tg)
        outcome: list[Any] = []

        async def evicted_call() -> None:
            try:
                await ref.call("evicted")
            except s.MailboxFull:
                outcome.append("full")

        tg.start_soon(evicted_call)
        await settle()
        assert ref.cast(1)
        assert ref.cast(2)  # evicts the queued call
        assert ref.cast(3)  # evicts 1
        await settle()
        assert outcome == ["full"]
        await _open(ref)
        assert await ref.call("seen") == [2, 3]


async def test_overflow_block_send_waits_and_cast_fails() -> None:
    """BLOCK: send waits for room (backpressure), cast raises MailboxFull, call waits."""
    async with s.Supervisor([_spec(s.Overflow.BLOCK)]) as sup, anyio.create_task_group() as tg:
        ref = await _blocked(sup, tg)
        await ref.send(1)
        await ref.send(2)
        with pytest.raises(s.MailboxFull):
            ref.cast(3)
        sent = anyio.Event()

        async def sender() -> None:
            await ref.send(3)
            sent.set()

        tg.start_soon(sender)
        await settle()
        assert not sent.is_set()
        with pytest.raises(s.CallTimeout):
            await ref.call(4, timeout=0.01)  # waiting for room counts against the timeout
        await _open(ref)
        await sent.wait()
        assert await ref.call("seen") == [1, 2, 3]


async def test_blocked_senders_fail_when_actor_stops() -> None:
    """A sender waiting for room gets ActorExited when the actor stops, never hangs."""
    async with s.Supervisor([_spec(s.Overflow.BLOCK, 1)]) as sup, anyio.create_task_group() as tg:
        ref = await _blocked(sup, tg)
        await ref.send(1)
        failed = anyio.Event()

        async def sender() -> None:
            with pytest.raises(s.ActorExited):
                await ref.send(2)
            failed.set()

        tg.start_soon(sender)
        await settle()
        async with anyio.create_task_group() as stopper:
            stopper.start_soon(ref.stop)
            await settle()
            await _open(ref)
        await failed.wait()


def test_mailbox_validation() -> None:
    """Mailbox refuses capacities below 1, fractions and wrong policy types."""
    for bad in (0, -1, 1.5):
        with pytest.raises(ValueError):
            s.Mailbox(bad)
    with pytest.raises(TypeError):
        s.Mailbox(1, "block")  # type: ignore[arg-type]
    assert s.Mailbox(math.inf).capacity == math.inf


async def test_actor_without_supervisor_has_no_ref() -> None:
    """Using ref on an actor nobody started raises a clear RuntimeError."""
    with pytest.raises(RuntimeError, match="not been started"):
        _ = Probe("x", Journal()).ref


async def test_default_handlers() -> None:
    """Unhandled calls raise NotImplementedError to the caller; unknown info is ignored."""

    class Bare(s.Actor):
        pass

    async with s.Supervisor([s.ChildSpec("b", Bare)]) as sup:
        ref = sup.child("b")
        with pytest.raises(NotImplementedError):
            await ref.call("x")
        s.send_after(ref, "info", 0)
        await settle()
        with pytest.raises(NotImplementedError):
            await ref.call("still alive")


async def test_init_can_queue_setup_work_for_itself() -> None:
    """A cast from init is handled first, before calls that arrive meanwhile."""

    class Lazy(s.Actor):
        async def init(self) -> None:
            self.connected = False
            self.ref.cast("connect")

        async def handle_cast(self, msg: Any) -> None:
            await anyio.sleep(0.01)
            self.connected = True

        async def handle_call(self, msg: Any) -> Any:
            return self.connected

    async with s.Supervisor([s.ChildSpec("l", Lazy)]) as sup:
        assert await sup.child("l").call("connected?") is True


class Hang(s.Actor):
    """Its handler never returns unless cancelled; records how it ended."""

    ended: list[str]

    async def init(self) -> None:
        self.ended = []

    async def handle_cast(self, msg: Any) -> None:
        try:
            await anyio.sleep_forever()
        except BaseException:
            self.ended.append("cancelled")
            raise


async def test_stop_past_the_budget_cancels_only_that_handler() -> None:
    """A handler that outlives its shutdown budget is cancelled; the supervisor, its other
    children and the caller's task are not (the stop's cancellation does not leak out)."""
    async with s.Supervisor(
        [s.ChildSpec("hang", Hang, shutdown=0.05), s.ChildSpec("other", Slow)]
    ) as sup:
        ref = sup.child("hang")
        actor = ref._cell.actor
        assert isinstance(actor, Hang)
        ref.cast("go")
        await settle()
        with anyio.fail_after(5):
            await ref.stop()
        assert actor.ended == ["cancelled"]
        assert not ref.alive
        assert await sup.child("other").call("after") == "after"
        await anyio.lowlevel.checkpoint()  # no stray cancellation reaches this task


async def test_shutdown_budget_zero_cancels_at_once() -> None:
    """shutdown=0 cancels a running handler at once, even several times over."""
    for _ in range(3):
        async with s.Supervisor([s.ChildSpec("hang", Hang, shutdown=0.0)]) as sup:
            ref = sup.child("hang")
            ref.cast("go")
            await settle()
            with anyio.fail_after(5):
                await ref.stop()
            assert not ref.alive


async def test_outer_cancellation_during_a_handler_propagates() -> None:
    """Cancelling the supervisor's host while a handler runs stops everything; the
    cancellation is not absorbed by the actor runtime."""
    with anyio.move_on_after(0.1) as scope:
        async with s.Supervisor([s.ChildSpec("hang", Hang, shutdown=0.05)]) as sup:
            sup.child("hang").cast("go")
            await anyio.sleep_forever()
    assert scope.cancelled_caught
