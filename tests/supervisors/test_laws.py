"""Property tests: the supervisor obeys a small reference model of OTP's restart laws.

For random children (restart types), strategies, intensities and crash schedules on virtual
time, the real Supervisor's journal of `init` / `terminate` events, its escalation and the
final set of children must equal what the model of OTP's `supervisor` module predicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import anyio
from hypothesis import HealthCheck, example, given, settings, strategies as st

import supervisors as s

from .conftest import Journal, probe_spec, settle

Event = tuple[float, int, str]  # (absolute time, child index, "crash" | "exit")


@dataclass
class _MChild:
    name: str
    restart: s.Restart
    running: bool = True


@dataclass
class Outcome:
    journal: list[tuple[str, Any]] = field(default_factory=list)
    escalated: bool = False
    final: list[tuple[str, str]] = field(default_factory=list)


def otp_model(
    restarts: list[s.Restart],
    strategy: s.Strategy,
    intensity: int,
    period: float,
    events: list[Event],
) -> Outcome:
    """What OTP's supervisor does, written as plainly as possible."""
    out = Outcome()
    children = [_MChild(f"c{i}", r) for i, r in enumerate(restarts)]
    out.journal += [("init", c.name) for c in children]
    window: list[float] = []
    for now, idx, kind in events:
        found = [c for c in children if c.name == f"c{idx}"]
        if not found or not found[0].running:
            continue
        child = found[0]
        crashed = kind == "crash"
        out.journal.append(("terminate", (child.name, "error" if crashed else "normal")))
        child.running = False
        if child.restart is s.Restart.TEMPORARY or (
            child.restart is s.Restart.TRANSIENT and not crashed
        ):
            if child.restart is s.Restart.TEMPORARY:
                children.remove(child)
            continue
        # add_restart: keep restarts within the period (inclusive), escalate beyond intensity
        window = [t for t in window if now - t <= period] + [now]
        if len(window) > intensity:
            for other in reversed(children):
                if other.running:
                    out.journal.append(("terminate", (other.name, "shutdown")))
                    other.running = False
            out.escalated = True
            return out
        if strategy is s.Strategy.ONE_FOR_ONE:
            group = [child]
        elif strategy is s.Strategy.ONE_FOR_ALL:
            group = list(children)
        else:
            group = children[children.index(child) :]
        for other in reversed(group):
            if other is child:
                continue
            if other.running:
                out.journal.append(("terminate", (other.name, "shutdown")))
                other.running = False
            if other.restart is s.Restart.TEMPORARY:
                children.remove(other)
        for member in group:
            if member in children:
                member.running = True
                out.journal.append(("init", member.name))
    out.final = [(c.name, "running" if c.running else "stopped") for c in children]
    for c in reversed(children):
        if c.running:
            out.journal.append(("terminate", (c.name, "shutdown")))
    return out


async def run_real(
    restarts: list[s.Restart],
    strategy: s.Strategy,
    intensity: int,
    period: float,
    events: list[Event],
) -> Outcome:
    """Drive the real Supervisor through the same schedule on a virtual clock."""
    journal = Journal()
    out = Outcome(journal=journal.events)
    clock = s.VirtualClock(autojump=False)
    specs = [probe_spec(f"c{i}", journal, restart=r) for i, r in enumerate(restarts)]

    async def noop() -> None:
        return None

    with s.use_clock(clock):
        try:
            async with s.Supervisor(specs, strategy, intensity, period) as sup:
                for now, idx, kind in events:
                    await clock.advance(now - clock.now())
                    status = {i.id: i.status for i in sup.which_children()}
                    if status.get(f"c{idx}") != "running":
                        continue
                    sup.child(f"c{idx}").cast(kind)
                    await settle(5)
                    await sup._op(noop)  # the control loop has handled the exit
                out.final = [(str(i.id), i.status) for i in sup.which_children()]
        except s.MaxRestartsExceeded:
            out.escalated = True
    return out


restart_types = st.sampled_from(list(s.Restart))
schedules = st.lists(
    st.tuples(
        st.sampled_from([0.0, 0.5, 1.0, 2.5, 5.0, 6.0]),
        st.integers(0, 4),
        st.sampled_from(["crash", "crash", "exit"]),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    restarts=st.lists(restart_types, min_size=1, max_size=4),
    strategy=st.sampled_from(list(s.Strategy)),
    intensity=st.integers(0, 3),
    period=st.sampled_from([1.0, 5.0, 10.0]),
    steps=schedules,
)
@example(  # a normally-exited TRANSIENT sibling comes back with a ONE_FOR_ALL restart
    restarts=[s.Restart.PERMANENT, s.Restart.TRANSIENT],
    strategy=s.Strategy.ONE_FOR_ALL,
    intensity=3,
    period=5.0,
    steps=[(0.0, 1, "exit"), (0.0, 0, "crash")],
)
@example(  # REST_FOR_ONE drops a later TEMPORARY child and restarts the rest in order
    restarts=[s.Restart.PERMANENT, s.Restart.PERMANENT, s.Restart.TEMPORARY, s.Restart.PERMANENT],
    strategy=s.Strategy.REST_FOR_ONE,
    intensity=2,
    period=5.0,
    steps=[(0.0, 1, "crash"), (1.0, 3, "crash"), (1.0, 0, "crash"), (1.0, 1, "exit")],
)
def test_supervisor_matches_otp_model(
    restarts: list[s.Restart],
    strategy: s.Strategy,
    intensity: int,
    period: float,
    steps: list[tuple[float, int, str]],
) -> None:
    """Restart count, restart order, final children and escalation match the OTP model."""
    events: list[Event] = []
    now = 0.0
    for delta, idx, kind in steps:
        now += delta
        events.append((now, idx, kind))
    expected = otp_model(restarts, strategy, intensity, period, events)
    actual = anyio.run(run_real, restarts, strategy, intensity, period, events)
    assert actual.escalated == expected.escalated
    assert actual.journal == expected.journal
    if not expected.escalated:
        assert actual.final == expected.final


def test_model_sanity() -> None:
    """The model itself: one_for_one intensity 1 escalates on the second quick crash."""
    perm = [s.Restart.PERMANENT]
    out = otp_model(perm, s.Strategy.ONE_FOR_ONE, 1, 5.0, [(0.0, 0, "crash"), (1.0, 0, "crash")])
    assert out.escalated
    assert out.journal.count(("init", "c0")) == 2
    out = otp_model(perm, s.Strategy.ONE_FOR_ONE, 1, 5.0, [(0.0, 0, "crash"), (6.0, 0, "crash")])
    assert not out.escalated
