"""Tests for Supervisor: strategies, restart types, intensity, shutdown and error surfacing."""

from __future__ import annotations

import math
from typing import Any

import anyio
import pytest

import supervisors as s

from .conftest import Journal, Probe, probe_spec, settle


def abc(journal: Journal, **kw: Any) -> list[s.ChildSpec[Probe]]:
    return [probe_spec(n, journal, **kw) for n in "abc"]


async def test_children_start_in_order_and_stop_in_reverse(
    journal: Journal, no_leaks: None
) -> None:
    """Children start in list order and stop in reverse order, running terminate."""
    async with s.Supervisor(abc(journal)):
        assert journal.of("init") == ["a", "b", "c"]
    assert journal.of("terminate") == [("c", "shutdown"), ("b", "shutdown"), ("a", "shutdown")]


async def test_one_for_one_restarts_only_the_failed_child(journal: Journal) -> None:
    """ONE_FOR_ONE restarts the crashed child alone."""
    async with s.Supervisor(abc(journal)) as sup:
        sup.child("b").cast("crash")
        await sup.child("b").call("ping")
        assert journal.of("init") == ["a", "b", "c", "b"]


async def test_one_for_all_restarts_everyone(journal: Journal) -> None:
    """ONE_FOR_ALL stops the others in reverse order, then restarts all in order."""
    async with s.Supervisor(abc(journal), s.Strategy.ONE_FOR_ALL) as sup:
        journal.events.clear()
        sup.child("b").cast("crash")
        await sup.child("b").call("ping")
        assert journal.events == [
            ("terminate", ("b", "error")),
            ("terminate", ("c", "shutdown")),
            ("terminate", ("a", "shutdown")),
            ("init", "a"),
            ("init", "b"),
            ("init", "c"),
        ]


async def test_rest_for_one_restarts_failed_and_later_children(journal: Journal) -> None:
    """REST_FOR_ONE restarts the failed child and those started after it, in order."""
    specs = [probe_spec(n, journal) for n in "abcd"]
    async with s.Supervisor(specs, s.Strategy.REST_FOR_ONE) as sup:
        journal.events.clear()
        sup.child("b").cast("crash")
        await sup.child("b").call("ping")
        await sup.child("d").call("ping")
        assert journal.events == [
            ("terminate", ("b", "error")),
            ("terminate", ("d", "shutdown")),
            ("terminate", ("c", "shutdown")),
            ("init", "b"),
            ("init", "c"),
            ("init", "d"),
        ]


async def test_transient_not_restarted_after_normal_exit(journal: Journal) -> None:
    """TRANSIENT: restarted after a crash, not after a normal exit."""
    spec = probe_spec("t", journal, restart=s.Restart.TRANSIENT)
    async with s.Supervisor([spec]) as sup:
        ref = sup.child("t")
        ref.cast("crash")
        assert await ref.call("ping") == ("pong", "t")
        ref.cast("exit")
        await settle()
        assert not ref.alive
        assert [i.status for i in sup.which_children()] == ["stopped"]
        with pytest.raises(s.ActorExited) as info:
            await ref.call("ping")
        assert info.value.reason == s.ExitReason.NORMAL
    assert journal.of("init") == ["t", "t"]


async def test_temporary_never_restarted(journal: Journal) -> None:
    """TEMPORARY: never restarted, and removed from the supervisor."""
    spec = probe_spec("t", journal, restart=s.Restart.TEMPORARY)
    async with s.Supervisor([spec]) as sup:
        ref = sup.child("t")
        ref.cast("crash")
        await settle()
        assert not ref.alive
        assert sup.which_children() == []
    assert journal.of("init") == ["t"]


async def test_temporary_sibling_not_restarted_under_one_for_all(journal: Journal) -> None:
    """A TEMPORARY sibling taken down by ONE_FOR_ALL is removed, not restarted."""
    specs = [
        probe_spec("a", journal),
        probe_spec("tmp", journal, restart=s.Restart.TEMPORARY),
        probe_spec("c", journal),
    ]
    async with s.Supervisor(specs, s.Strategy.ONE_FOR_ALL) as sup:
        sup.child("a").cast("crash")
        await sup.child("a").call("ping")
        await sup.child("c").call("ping")
        assert [i.id for i in sup.which_children()] == ["a", "c"]
    assert journal.of("init") == ["a", "tmp", "c", "a", "c"]


async def test_intensity_exceeded_stops_children_and_escalates(
    journal: Journal, vclock: s.VirtualClock, no_leaks: None
) -> None:
    """More than `intensity` restarts in `period` stops every child and raises MaxRestarts."""

    async def crash_thrice() -> None:
        async with s.Supervisor(abc(journal), intensity=2, period=5.0) as sup:
            for _ in range(3):
                sup.child("b").cast("crash")
                await sup.child("b").call("ping")
            pytest.fail("the body should have been cancelled by the escalation")

    with pytest.raises(s.MaxRestartsExceeded) as info:
        await crash_thrice()
    assert isinstance(info.value.__cause__, RuntimeError)
    assert journal.of("init") == ["a", "b", "c", "b", "b"]
    assert journal.events[-3:] == [
        ("terminate", ("b", "error")),  # the third crash: b is not restarted again
        ("terminate", ("c", "shutdown")),
        ("terminate", ("a", "shutdown")),
    ]


async def test_restarts_spread_over_time_do_not_escalate(
    journal: Journal, vclock: s.VirtualClock
) -> None:
    """Restarts further apart than `period` never accumulate past `intensity`."""
    async with s.Supervisor([probe_spec("a", journal)], intensity=1, period=5.0) as sup:
        for _ in range(5):
            sup.child("a").cast("crash")
            await sup.child("a").call("ping")
            await vclock.sleep(5.5)
    assert len(journal.of("init")) == 6


async def test_single_failure_never_surfaces_as_exception_group(journal: Journal) -> None:
    """A body error, a start failure and an escalation each surface as themselves."""

    async def body_error() -> None:
        async with s.Supervisor(abc(journal)):
            raise ZeroDivisionError

    async def start_error() -> None:
        async with s.Supervisor([probe_spec("x", journal, fail_init=True)]):
            pass

    async def escalation() -> None:
        async with s.Supervisor([probe_spec("a", journal)], intensity=0) as sup:
            sup.child("a").cast("crash")
            await anyio.sleep_forever()

    with pytest.raises(ZeroDivisionError) as err:
        await body_error()
    assert type(err.value) is ZeroDivisionError
    with pytest.raises(s.StartError) as info:
        await start_error()
    assert isinstance(info.value.__cause__, RuntimeError)
    with pytest.raises(s.MaxRestartsExceeded):
        await escalation()


async def test_start_failure_stops_already_started_children(journal: Journal) -> None:
    """If a child fails to start, the ones already started are stopped in reverse order."""
    specs = [*abc(journal), probe_spec("x", journal, fail_init=True)]
    with pytest.raises(s.StartError, match="'x'"):
        async with s.Supervisor(specs):
            pytest.fail("must not enter")
    assert journal.of("terminate") == [("c", "shutdown"), ("b", "shutdown"), ("a", "shutdown")]


async def test_cancellation_propagates_after_orderly_shutdown(
    journal: Journal, no_leaks: None
) -> None:
    """Cancelling the host cancels the body, stops children in order, then propagates."""
    with anyio.move_on_after(0.02) as scope:
        async with s.Supervisor(abc(journal)):
            await anyio.sleep_forever()
    assert scope.cancelled_caught
    assert journal.of("terminate") == [("c", "shutdown"), ("b", "shutdown"), ("a", "shutdown")]


async def test_terminate_runs_within_shutdown_budget(no_leaks: None) -> None:
    """terminate is cancelled after the child's shutdown budget; shutdown=0 skips it."""
    log: list[str] = []

    class Stubborn(s.Actor):
        async def terminate(self, reason: s.ExitReason) -> None:
            log.append("terminate-start")
            await anyio.sleep(10)
            log.append("terminate-end")

    t0 = anyio.current_time()
    async with s.Supervisor(
        [s.ChildSpec("a", Stubborn, shutdown=0.05), s.ChildSpec("b", Stubborn, shutdown=0)]
    ):
        pass
    assert log == ["terminate-start"]
    assert anyio.current_time() - t0 < 1.0


async def test_no_task_left_running_after_exit(no_leaks: None) -> None:
    """Busy actors, timers and nested supervisors all end when the supervisor exits."""

    class Busy(s.Actor):
        async def init(self) -> None:
            s.send_after(self.ref, "tick", 3600, key="t")

        async def handle_cast(self, msg: Any) -> None:
            await anyio.sleep(3600)

    inner = s.DynamicSupervisor()
    async with s.Supervisor(
        [
            s.ChildSpec("busy", Busy, shutdown=0.01),
            s.ChildSpec("inner", lambda: inner, shutdown=math.inf),
        ]
    ) as sup:
        sup.child("busy").cast("go")
        await inner.start_child(s.ChildSpec("x", Busy, shutdown=0.01))
        await settle()


async def test_start_terminate_restart_delete_child(journal: Journal) -> None:
    """Run-time child management follows OTP: specs kept after terminate, refs stable."""
    async with s.Supervisor([probe_spec("a", journal)]) as sup:
        ref = await sup.start_child(probe_spec("b", journal))
        assert await ref.call("ping") == ("pong", "b")
        with pytest.raises(s.DuplicateChild):
            await sup.start_child(probe_spec("b", journal))
        await sup.terminate_child("b")
        assert not ref.alive
        info = {i.id: i for i in sup.which_children()}
        assert info["b"].status == "stopped"
        assert info["b"].handle is None
        with pytest.raises(s.UnknownChild):
            sup.child("b")
        ref2 = await sup.restart_child("b")
        assert await ref2.call("ping") == ("pong", "b")
        with pytest.raises(RuntimeError):
            await sup.restart_child("b")
        with pytest.raises(RuntimeError):
            await sup.delete_child("b")
        await sup.terminate_child("b")
        await sup.delete_child("b")
        assert [i.id for i in sup.which_children()] == ["a"]
        with pytest.raises(s.UnknownChild):
            await sup.terminate_child("zz")
        with pytest.raises(s.StartError):
            await sup.start_child(probe_spec("bad", journal, fail_init=True))
        assert sup.count_children() == 1


async def test_ref_stop_is_not_restarted(journal: Journal) -> None:
    """ref.stop() stops a PERMANENT child for good (like terminate_child)."""
    async with s.Supervisor([probe_spec("a", journal)]) as sup:
        ref = sup.child("a")
        await ref.stop()
        await ref.stop()  # idempotent
        await settle()
        assert not ref.alive
        assert journal.of("init") == ["a"]
        assert (await sup.restart_child("a")) == ref


async def test_nested_supervisor_escalation_restarts_subtree(
    journal: Journal, vclock: s.VirtualClock
) -> None:
    """An escalating child supervisor is restarted by its parent like any crashed child."""
    inner = s.Supervisor([probe_spec("leaf", journal)], intensity=0, name="inner")
    async with s.Supervisor(
        [s.ChildSpec("inner", lambda: inner, shutdown=math.inf), probe_spec("side", journal)],
        intensity=3,
    ) as outer:
        assert outer.child("inner") is inner
        inner.child("leaf").cast("crash")
        for _ in range(50):
            await settle()
            if journal.of("init").count("leaf") == 2:
                break
        assert journal.of("init") == ["leaf", "side", "leaf"]
        assert await inner.child("leaf").call("ping") == ("pong", "leaf")


async def test_operations_on_stopped_supervisor_raise_not_running(journal: Journal) -> None:
    """start_child and friends raise NotRunning before start and after stop."""
    sup = s.Supervisor()
    with pytest.raises(s.NotRunning):
        await sup.start_child(probe_spec("a", journal))
    async with sup:
        ref = await sup.start_child(probe_spec("a", journal))
    with pytest.raises(s.NotRunning):
        await sup.terminate_child("a")
    assert not ref.alive
    with pytest.raises(s.ActorExited):
        await ref.call("ping")


async def test_supervisor_can_run_again_and_via_task_group(journal: Journal) -> None:
    """A stopped supervisor can be entered again; tg.start(sup.run) works too."""
    sup = s.Supervisor([probe_spec("a", journal)])
    async with sup:
        pass
    async with anyio.create_task_group() as tg:
        started = await tg.start(sup.run)
        assert started is sup
        assert await sup.child("a").call("ping") == ("pong", "a")
        tg.cancel_scope.cancel()
    assert journal.of("init") == ["a", "a"]
    with pytest.raises(RuntimeError):
        async with sup, sup:
            pass


async def test_auto_shutdown_any_significant(journal: Journal) -> None:
    """A significant TRANSIENT child exiting normally shuts the supervisor down by itself."""
    specs = [
        probe_spec("a", journal),
        probe_spec("sig", journal, restart=s.Restart.TRANSIENT, significant=True),
    ]
    sup = s.Supervisor(specs, auto_shutdown=s.AutoShutdown.ANY_SIGNIFICANT)
    async with anyio.create_task_group() as tg:
        await tg.start(sup.run)
        sup.child("sig").cast("exit")
    assert not sup.running
    assert ("a", "shutdown") in journal.of("terminate")


async def test_backoff_delays_restart_on_the_clock(
    journal: Journal, vclock: s.VirtualClock
) -> None:
    """A child spec's backoff delays each restart by the schedule, on the supervisor's clock."""
    spec = probe_spec("a", journal, backoff=s.Backoff(1.0, 4.0, jitter=0.0))
    async with s.Supervisor([spec], intensity=10, period=100.0) as sup:
        ref = sup.child("a")
        for expected in (1.0, 2.0, 4.0, 4.0):
            t0 = vclock.now()
            ref.cast("crash")
            assert await ref.call("ping", timeout=None) == ("pong", "a")
            assert vclock.now() - t0 == pytest.approx(expected)


def test_spec_and_supervisor_validation() -> None:
    """Bad specs and options are refused up front."""

    def make() -> Probe:
        return Probe("a", Journal())

    with pytest.raises(ValueError):
        s.ChildSpec("a", make, shutdown=-1)
    with pytest.raises(ValueError):
        s.ChildSpec("a", make, significant=True)
    with pytest.raises(TypeError):
        s.ChildSpec("a", 42)  # type: ignore[arg-type]
    with pytest.raises(s.DuplicateChild):
        s.Supervisor([s.ChildSpec("a", make), s.ChildSpec("a", make)])
    with pytest.raises(ValueError):
        s.Supervisor(intensity=-1)
    with pytest.raises(ValueError):
        s.Supervisor(period=0)
    with pytest.raises(TypeError):
        s.Supervisor(strategy="one_for_one")  # type: ignore[arg-type]


async def test_factory_returning_wrong_type_fails_start() -> None:
    """A start factory that returns neither an Actor nor a supervisor fails the start."""
    with pytest.raises(s.StartError) as info:
        async with s.Supervisor([s.ChildSpec("a", lambda: 42)]):
            pass
    assert isinstance(info.value.__cause__, TypeError)


async def test_exit_during_restart_backoff_does_not_wait(journal: Journal, no_leaks: None) -> None:
    """Leaving the supervisor while a restart waits out its backoff cancels the wait."""
    spec = probe_spec("a", journal, backoff=s.Backoff(100.0, 100.0))
    t0 = anyio.current_time()
    async with s.Supervisor([spec]) as sup:
        sup.child("a").cast("crash")
        await settle()
        assert [i.status for i in sup.which_children()] == ["restarting"]
    assert anyio.current_time() - t0 < 1.0


async def test_temporary_crash_fails_queued_calls(journal: Journal) -> None:
    """Calls queued behind a crash of a TEMPORARY actor fail with ActorExited(crash)."""
    spec = probe_spec("t", journal, restart=s.Restart.TEMPORARY)
    async with s.Supervisor([spec]) as sup:
        ref = sup.child("t")
        outcomes: list[Any] = []

        async def caller() -> None:
            try:
                await ref.call("ping")
            except s.ActorExited as exc:
                outcomes.append(exc.reason.kind)

        ref.cast("crash")
        async with anyio.create_task_group() as tg:
            for _ in range(3):
                tg.start_soon(caller)
        assert outcomes == ["error"] * 3


async def test_calls_queued_behind_a_crash_are_served_after_restart(journal: Journal) -> None:
    """Calls queued behind a crashing cast are answered by the restarted instance."""
    async with s.Supervisor([probe_spec("p", journal)]) as sup:
        ref = sup.child("p")
        ref.cast("crash")
        results: list[Any] = []

        async def caller(i: int) -> None:
            results.append(await ref.call(i))

        async with anyio.create_task_group() as tg:
            for i in range(5):
                tg.start_soon(caller, i)
        assert sorted(results) == [0, 1, 2, 3, 4]
    assert journal.of("init") == ["p", "p"]


async def test_cancelled_while_children_start(no_leaks: None) -> None:
    """Cancelling the host during start-up stops whatever started, then propagates."""
    log: list[str] = []

    class SlowStart(s.Actor):
        async def init(self) -> None:
            await anyio.sleep(0.03)
            log.append("init")

        async def terminate(self, reason: s.ExitReason) -> None:
            log.append("terminate")

    entered = False
    with anyio.move_on_after(0.01) as scope:
        async with s.Supervisor([s.ChildSpec("a", SlowStart), s.ChildSpec("b", SlowStart)]):
            entered = True
    assert scope.cancelled_caught
    assert not entered
    assert log.count("init") == log.count("terminate")


async def test_nested_supervisor_killed_after_its_budget(no_leaks: None) -> None:
    """A nested supervisor that overruns its shutdown budget is cancelled outright."""
    log: list[str] = []

    class Stuck(s.Actor):
        async def terminate(self, reason: s.ExitReason) -> None:
            log.append("terminate")
            await anyio.sleep(10)

    inner = s.Supervisor([s.ChildSpec("stuck", Stuck, shutdown=math.inf)])
    t0 = anyio.current_time()
    async with s.Supervisor([s.ChildSpec("inner", lambda: inner, shutdown=0.05)]):
        pass
    assert anyio.current_time() - t0 < 1.0
    assert log == ["terminate"]
    assert not inner.running


async def test_failing_terminate_is_logged_not_fatal(
    journal: Journal, caplog: pytest.LogCaptureFixture
) -> None:
    """An exception in terminate is logged (actor.terminate_failed); restart still happens."""

    class BadExit(s.Actor):
        async def handle_cast(self, msg: Any) -> None:
            raise RuntimeError("crash")

        async def handle_call(self, msg: Any) -> Any:
            return "up"

        async def terminate(self, reason: s.ExitReason) -> None:
            raise ValueError("terminate failed")

    async with s.Supervisor([s.ChildSpec("b", BadExit)]) as sup:
        sup.child("b").cast("x")
        assert await sup.child("b").call("?") == "up"
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("actor.terminate_failed") == 2  # after the crash, and at shutdown


async def test_kill_reaches_grandchildren(no_leaks: None) -> None:
    """Killing a nested supervisor also kills the supervisors nested inside it."""

    class Stuck(s.Actor):
        async def terminate(self, reason: s.ExitReason) -> None:
            await anyio.sleep(10)

    leaf = s.Supervisor([s.ChildSpec("stuck", Stuck, shutdown=math.inf)])
    middle = s.Supervisor([s.ChildSpec("leaf", lambda: leaf, shutdown=math.inf)])
    t0 = anyio.current_time()
    async with s.Supervisor([s.ChildSpec("middle", lambda: middle, shutdown=0.05)]):
        pass
    assert anyio.current_time() - t0 < 1.0
    assert not leaf.running
