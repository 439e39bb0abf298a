"""A short tour of the `supervisors` runtime (temporary `make demo`; a later issue replaces it).

Run it with ``python -m genai_actors.demo``. It builds a small supervision tree, then shows four
things: a failing call comes back to its caller, a crashed actor is restarted behind the same
ref, a crash loop escalates, and timers run on virtual time.
"""

from __future__ import annotations

import math
from typing import Any

import anyio

import supervisors as s


class Account(s.Actor):
    """A bank account: calls read or withdraw, casts deposit; a bad cast crashes it."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.balance = 0

    async def handle_call(self, msg: Any) -> Any:
        if msg == "balance":
            return self.balance
        kind, amount = msg
        if kind == "withdraw":
            if amount > self.balance:
                raise ValueError(f"{self.owner} has only {self.balance}")
            self.balance -= amount
            return self.balance
        raise ValueError(f"unknown call {msg!r}")

    async def handle_cast(self, msg: Any) -> None:
        if not isinstance(msg, int):
            raise TypeError(f"deposit of {msg!r}")
        self.balance += msg


class Reminder(s.Actor):
    """Sends itself a reminder every 3600 s of (virtual) time."""

    def __init__(self) -> None:
        self.fired: list[float] = []

    async def init(self) -> None:
        s.send_after(self.ref, "remind", 3600.0, key="remind")

    async def handle_info(self, msg: Any) -> None:
        self.fired.append(self.clock.now())
        s.send_after(self.ref, "remind", 3600.0, key="remind")

    async def handle_call(self, msg: Any) -> Any:
        return self.fired


async def main() -> None:
    print("1. A supervision tree: root (Supervisor) -> accounts (DynamicSupervisor)")
    accounts = s.DynamicSupervisor(name="accounts")
    root = s.Supervisor(
        [s.ChildSpec("accounts", lambda: accounts, shutdown=math.inf)],
        intensity=3,
        period=5.0,
        name="root",
    )
    async with root:
        alice = await accounts.start_child(s.ChildSpec("alice", lambda: Account("alice")))
        alice.cast(100)
        print(f"   alice deposits 100, balance = {await alice.call('balance')}")

        print("2. A handler error goes back to the caller; the actor keeps running")
        try:
            await alice.call(("withdraw", 500))
        except ValueError as exc:
            print(f"   withdraw 500 -> ValueError: {exc}")
        print(f"   balance is still {await alice.call('balance')}")

        print("3. A crash restarts the actor (fresh state) behind the same ref")
        alice.cast("not money")
        print(f"   after the crash: balance = {await alice.call('balance')}, same ref: {alice!r}")

    print("4. A crash loop escalates: MaxRestartsExceeded, never an ExceptionGroup")
    try:
        with s.use_clock(s.VirtualClock()):
            async with s.Supervisor(
                [s.ChildSpec("bob", lambda: Account("bob"))], intensity=2, name="bank"
            ) as bank:
                bob = bank.child("bob")
                for _ in range(3):
                    bob.cast("garbage")
                    await bob.call("balance")
    except s.MaxRestartsExceeded as exc:
        print(f"   {type(exc).__name__}: {exc}")

    print("5. Timers on a virtual clock: four hours pass instantly")
    clock = s.VirtualClock(autojump=False)
    with s.use_clock(clock):
        async with s.Supervisor([s.ChildSpec("reminder", Reminder)]) as sup:
            await clock.advance(4 * 3600.0)
            fired = await sup.child("reminder").call("fired")
            print(f"   reminders at t = {[f'{t / 3600:.0f}h' for t in fired]}")
    print("done: every actor stopped, no task left running")


def run() -> None:
    """Entry point for ``python -m genai_actors.demo``."""
    anyio.run(main)


if __name__ == "__main__":
    run()
