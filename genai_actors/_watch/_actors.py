"""The two actors behind every watch: one ``PollScheduler`` per tree, one ``Watcher`` per job.

The scheduler owns the only timer: a heap of due times (``ScheduleBook``) and one keyed
``send_after`` armed for the earliest entry, so 10,000 watched jobs are 10,000 heap entries and
one sleeping task, not 10,000 sleeping loops. When entries fall due it hands out poll tokens,
bounded by ``max_concurrent_polls`` in flight and a token bucket of ``max_polls_per_second``.
A 429 pauses the whole schedule (for ``retry_after``, else ``rate_limit_pause``) and halves the
effective rate, which then recovers by 10% per successful poll.

A poll is a plain task the scheduler starts and owns (no message to the watcher, none back):
it fetches, hands the snapshot to the subscribers (see ``WatchState``) and books the outcome
in the schedule directly, with the next delay from the watch's own ``Backoff``. Transient
errors (5xx, transport failures) back off and poll again; 429 backs off by at least
``retry_after``; other API errors (404, 403, ...) end the watch with that error; anything else
crashes the job's ``Watcher`` actor (the poll hands it the exception), and its supervisor
restarts it with the same state (same backoff position), up to ``max_crashes`` consecutive
crashes after which the waiters get the exception. The watcher is the supervised owner of its
watch (crashes, restarts, stop); it handles no message per poll. On asyncio the scheduler's
timer is a loop timer that runs the dispatch itself; on a virtual clock it is a keyed
``send_after``. When the scheduler stops (or crashes), its poll tasks are cancelled and their
watches re-queued, so a restarted scheduler polls them again.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import math
import weakref
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from supervisors import (
    Actor,
    ActorExited,
    ExitReason,
    Mailbox,
    MailboxFull,
    SystemClock,
    VirtualClock,
    cancel_timer,
    send_after,
)

from .. import _log
from ..errors import RateLimitedError
from ._config import Outcome, WatchConfig, classify

if TYPE_CHECKING:
    from ._state import Subscriber, WatchState

__all__ = ["PollScheduler", "ScheduleBook", "Watcher"]

_log_watch = _log.get_logger("genai_actors.watch")

_MIN_RATE_FACTOR = 1.0 / 64.0
_EPSILON = 1e-9
_COMPACT_MIN = 1024
_MIN_WAIT = 1e-4
# A poll due at most this far ahead starts at once. Event loops sleep in whole milliseconds
# (libuv's timers, and epoll's timeout, which asyncio's selector rounds up to 1 ms), so a
# shorter delay cannot be slept and only costs a timer and a wake-up: ``Backoff(1e-6, 1e-6)``
# polls back to back on every loop. Deadlines keep the loop's own resolution.
TIMER_FLOOR = 1e-3
# Polls a watch may make back to back (each due at once) before it gets its supervised
# Watcher: a short burst of polls pays no actor start and stop; a watch that sleeps between
# polls gets its watcher at its first poll.
UNSUPERVISED_POLLS = 16


class ScheduleBook:
    """The scheduler's data, kept outside the actor so a restarted scheduler resumes it.

    Attributes:
        heap: ``(due, seq, generation, state)`` entries; stale ones are skipped lazily.
        deadlines: ``(at, seq, weakref to subscriber)``: when waiters with a timeout give up.
        compact_at: Size of ``deadlines`` above which finished entries are swept out.
        in_flight: Poll token → state, for polls handed out and not yet reported.
        tokens: Rate-limit tokens available (a token bucket).
        refilled_at: When ``tokens`` was last topped up.
        paused_until: No poll starts before this time (after a 429).
        rate_factor: Fraction of ``max_polls_per_second`` currently allowed (AIMD after 429s).
        tick_at: When the armed timer fires (None when none is armed).
        dispatched: Polls handed out so far.
        rate_limited: 429s seen so far.
        ticks: Times the scheduler's timer fired so far.
        live: The running scheduler, for direct calls from the same loop (None while none
            runs: callers then cast to its ref and the next incarnation handles the message).
    """

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, int, WatchState[Any]]] = []
        self.deadlines: list[tuple[float, int, weakref.ref[Subscriber[Any]]]] = []
        self.compact_at = _COMPACT_MIN
        self.in_flight: dict[int, WatchState[Any]] = {}
        self.tokens = 0.0
        self.refilled_at: float | None = None
        self.paused_until = -math.inf
        self.rate_factor = 1.0
        self.tick_at: float | None = None
        self.dispatched = 0
        self.rate_limited = 0
        self.ticks = 0
        self.seq = itertools.count()
        self.tokens_seq = itertools.count(1)
        self.live: PollScheduler | None = None

    def post(self, ref: Any, msg: tuple[Any, ...]) -> None:
        """Hands ``msg`` to the running scheduler directly, else casts it to ``ref``.

        A direct call runs the handler at once, on the caller's task: the scheduler's handlers
        never suspend, so this is the order the mailbox would have given, without waking a
        drain task for it.

        Raises:
            ActorExited: No scheduler runs and ``ref`` is dead or stopping.
        """
        live = self.live
        if live is not None and not live._stopped and live.ref.alive:
            live.handle(msg)
        elif ref is None:
            raise ActorExited(ExitReason.SHUTDOWN, "the poll scheduler is not running")
        else:
            ref.cast(msg)


def _pending(ref: weakref.ref[Subscriber[Any]]) -> bool:
    sub = ref()
    return sub is not None and not sub.finished


class PollScheduler(Actor):
    """Decides which watch polls when, for every watch of one client tree, and runs the polls.

    Messages (casts): ``("add", state, delay)``, ``("deadline", subscriber, timeout)``,
    ``("lost", state, token, delay)``, ``("recover",)``; timer (virtual clock only):
    ``"tick"``. Polls are tasks of its own.
    """

    mailbox = Mailbox(math.inf)

    def __init__(
        self,
        book: ScheduleBook,
        config: Callable[[], WatchConfig],
        respawn: Callable[[WatchState[Any]], Coroutine[Any, Any, None]],
        forget: Callable[[WatchState[Any]], None],
    ) -> None:
        self._book = book
        self._config = config
        self._respawn = respawn
        self._forget = forget
        self._tasks: set[asyncio.Task[None]] = set()
        self._handle: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped = False
        self._carrier: WatchState[Any] | None = None  # the watch whose poll task is reporting
        self._carried: int | None = None  # a poll token handed back to that task

    async def init(self) -> None:
        clock = self.clock
        self._virtual = isinstance(clock, VirtualClock)
        self._loop = loop = asyncio.get_running_loop()
        # The system clock is the loop's time(): read it without the clock's own look-up.
        self._now = loop.time if type(clock) is SystemClock else clock.now
        # How early a deadline may expire: the loop's timer resolution. uvloop's clock and
        # timers count whole milliseconds, so a timer may fire while its entry looks a fraction
        # of a millisecond ahead; without the slack the loop re-arms a zero timer until the
        # clock ticks over (a busy spin of up to 1 ms). asyncio's own loop runs handles this
        # early. A poll may start up to TIMER_FLOOR early (no timer for a sub-millisecond wait).
        resolution = 0.0 if self._virtual else getattr(loop, "_clock_resolution", 1e-3)
        self._deadline_slack = resolution
        self._slack = resolution if self._virtual else max(resolution, TIMER_FLOOR)
        self._book.tick_at = None  # a timer of a previous incarnation died with it
        # Polls and the timer run in the scheduler's own context, whoever booked them (a
        # watcher's init, a waiter's deadline): no caller's context variables leak into them.
        self._ctx = contextvars.copy_context()
        self._book.live = self
        self.ref.cast(("recover",))

    async def terminate(self, reason: ExitReason) -> None:
        """Cancels the timer and every poll in flight, and waits for them (within the
        shutdown budget): their watches are back in the schedule for the next incarnation."""
        self._stopped = True
        if self._book.live is self:
            self._book.live = None
        self._cancel_handle()
        tasks, self._tasks = self._tasks, set()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    async def handle_cast(self, msg: Any) -> None:
        self.handle(msg)

    def handle(self, msg: Any) -> None:
        """Handles one message (a cast, or a direct call through ``ScheduleBook.post``).

        Raises:
            ValueError: An unknown message (a cast of one crashes the scheduler).
        """
        kind = msg[0]
        if kind == "add":
            _, state, delay = msg
            self._add(state, delay)
        elif kind == "deadline":
            _, sub, timeout = msg
            self._add_deadline(sub, timeout)
        elif kind == "lost":  # from a restarted watcher: its poll died with it
            _, state, token, delay = msg
            self._finished(state, token, delay, None, False)
        elif kind == "recover":
            self._recover()
        else:
            raise ValueError(f"PollScheduler: unknown message {kind!r}")
        self._dispatch()

    async def handle_info(self, msg: Any) -> None:
        if msg == "tick":
            self._book.tick_at = None
            self._book.ticks += 1
            self._dispatch()

    # ------------------------------------------------------------------ book keeping

    def _add(self, state: WatchState[Any], delay: float) -> None:
        if state.closed or state.in_flight is not None:
            return
        book = self._book
        state.generation += 1
        state.scheduled = True
        due = self._now() + max(0.0, delay)
        heapq.heappush(book.heap, (due, next(book.seq), state.generation, state))

    def _finished(
        self,
        state: WatchState[Any],
        token: int,
        delay: float | None,
        pause: float | None,
        ok: bool,
    ) -> None:
        book = self._book
        if book.in_flight.pop(token, None) is None:
            return  # already released (e.g. by a recovery)
        if state.in_flight == token:
            state.in_flight = None
        if pause is not None:
            book.rate_limited += 1
            book.paused_until = max(book.paused_until, self._now() + pause)
            book.rate_factor = max(book.rate_factor / 2.0, _MIN_RATE_FACTOR)
        elif ok and book.rate_factor < 1.0:
            book.rate_factor = min(1.0, book.rate_factor * 1.1)
        if delay is not None and not state.closed:
            self._add(state, delay)

    def report(
        self,
        state: WatchState[Any],
        token: int,
        delay: float | None,
        *,
        ok: bool,
        pause: float | None = None,
    ) -> None:
        """Books the outcome of poll ``token`` and starts what is due (no message)."""
        self._finished(state, token, delay, pause, ok)
        if not self._stopped:
            self._dispatch()

    def _recover(self) -> None:
        """Re-queues watches whose poll was lost (a dead watcher, or a cancelled poll task)."""
        book = self._book
        for token, state in list(book.in_flight.items()):
            ref = state.ref
            task = state.poll_task
            if (ref is not None and not ref.alive) or task is None or task.done():
                del book.in_flight[token]
                state.in_flight = None
                if not state.closed:
                    self._add(state, 0.0)

    # ------------------------------------------------------------------ dispatch

    def _dispatch(self) -> None:
        book = self._book
        now = self._now()
        if book.deadlines:  # most waits have no timeout: no calls for them
            self._expire(now)
        wake = book.paused_until if now < book.paused_until else self._start_due(now)
        if book.deadlines:
            deadline = self._next_deadline()
            if deadline is not None and deadline < wake:
                wake = deadline
        if self._virtual and book.in_flight:
            # On a virtual clock time stands still while a poll is out: a poll over real I/O
            # is one instant, so schedules and timeouts stay deterministic in tests.
            self._disarm()
        elif wake != math.inf:  # never NaN: due times, deadlines and pauses are finite
            self._arm(wake, now)

    def _start_due(self, now: float) -> float:
        """Starts every due poll the caps allow; returns when to look again (inf: no need)."""
        book = self._book
        cfg = self._config()
        rate = cfg.max_polls_per_second * book.rate_factor
        limited = cfg.max_polls_per_second != math.inf  # validated: positive, not NaN
        if limited:
            self._refill(now, cfg, rate)
        heap = book.heap
        while heap:
            if len(book.in_flight) >= cfg.max_concurrent_polls:
                return math.inf  # a finishing poll dispatches again
            due, _, gen, state = heap[0]
            if gen != state.generation or state.closed or not state.scheduled:
                heapq.heappop(heap)
                continue
            if due > now + self._slack:
                return due
            if limited and book.tokens < 1.0 - _EPSILON:
                # Never a zero-length wait: rounding would make it spin without time passing.
                return now + max((1.0 - book.tokens) / rate, _MIN_WAIT)
            heapq.heappop(heap)
            state.scheduled = False
            if limited:
                book.tokens = max(0.0, book.tokens - 1.0)
            self._start_poll(state)
        return math.inf

    def _refill(self, now: float, cfg: WatchConfig, rate: float) -> None:
        """Tops up the token bucket of a rate-limited schedule to ``now``."""
        book = self._book
        burst = max(1.0, min(float(cfg.max_concurrent_polls), rate))
        if book.refilled_at is None:
            book.tokens = burst
        else:
            book.tokens = min(burst, book.tokens + (now - book.refilled_at) * rate)
        book.refilled_at = now

    def _add_deadline(self, sub: Subscriber[Any], timeout: float) -> None:
        # Entries hold weak references: a waiter that returned early (and its result) is not
        # kept alive until its deadline, which may be days away.
        book = self._book
        entry = (self._now() + timeout, next(book.seq), weakref.ref(sub))
        heapq.heappush(book.deadlines, entry)
        if len(book.deadlines) > book.compact_at:
            book.deadlines = [e for e in book.deadlines if _pending(e[2])]
            heapq.heapify(book.deadlines)
            book.compact_at = max(_COMPACT_MIN, 2 * len(book.deadlines))

    def _expire(self, now: float) -> None:
        deadlines = self._book.deadlines
        until = now + self._deadline_slack
        while deadlines and (deadlines[0][0] <= until or not _pending(deadlines[0][2])):
            _, _, ref = heapq.heappop(deadlines)
            sub = ref()
            if sub is not None and not sub.finished:
                sub.expire()

    def _next_deadline(self) -> float | None:
        deadlines = self._book.deadlines
        while deadlines and not _pending(deadlines[0][2]):
            heapq.heappop(deadlines)
        return deadlines[0][0] if deadlines else None

    def _start_poll(self, state: WatchState[Any]) -> None:
        book = self._book
        ref = state.ref
        if ref is not None and not ref.alive:
            # The watcher is gone (its supervisor was restarted, say): give the job a new one.
            if not state.closed:
                self._spawn(self._respawn(state))
            return
        token = next(book.tokens_seq)
        state.in_flight = token
        book.in_flight[token] = state
        book.dispatched += 1
        if state is self._carrier:
            # Booked from this watch's own poll task, due at once: that task polls again
            # itself (no new task, no loop turn to start one).
            self._carried = token
            return
        loop = self._loop
        assert loop is not None
        # No done callback (it would cost the loop a turn per poll): the poll removes its own
        # task from the set; one cancelled before it started stays until terminate() swaps it.
        state.poll_task = task = loop.create_task(
            self._poll(state, token), context=self._ctx.copy()
        )
        self._tasks.add(task)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        loop = self._loop
        assert loop is not None
        task = loop.create_task(coro, context=self._ctx.copy())
        tasks = self._tasks
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return task

    # ------------------------------------------------------------------ one poll

    async def _poll(self, state: WatchState[Any], token: int) -> None:
        """Fetches for ``state`` and books the outcome; runs as a task of the scheduler. A
        next poll of the same watch due at once runs on this task too (no new task, no timer).

        Cancellation (the scheduler stopping): the poll's token is released and the watch
        re-queued, so the next scheduler polls it again.
        """
        tasks = self._tasks
        try:
            next_token: int | None = token
            while next_token is not None:
                token, next_token = next_token, None
                left = state.closed  # (a local: mypy would keep state.closed narrowed below)
                if left:  # every subscriber left before this poll started: no fetch
                    self.report(state, token, None, ok=True)
                    break
                # One fetch and its booking, inline: a coroutine per poll costs a frame.
                try:
                    snapshot = await state.fetch(state.name)
                except asyncio.CancelledError:
                    self._requeue(state, token)
                    raise
                except Exception as exc:
                    state.polls += 1
                    if state.in_flight == token:
                        if state.ref is None and classify(exc) is Outcome.CRASH:
                            await self._respawn(state)  # raised in a supervised watcher
                        if state.in_flight == token:
                            self._failed(state, token, exc)
                    break
                state.polls += 1
                state.crashes = 0
                if state.in_flight != token:
                    break  # released meanwhile (a recovery): the schedule has moved on
                if state.closed:  # every subscriber left during the fetch
                    self.report(state, token, None, ok=True)
                elif state.deliver(snapshot):
                    self._finish(state, token)
                else:
                    delay = state.next_delay()
                    if state.ref is None and (
                        delay > self._slack or state.polls >= UNSUPERVISED_POLLS
                    ):
                        # The watch goes to sleep in the schedule, or has polled back to back
                        # for long: from now on a supervised Watcher owns it (its init sees
                        # this poll running and books nothing). A crash before that starts one
                        # too (above), so every crash is raised in a supervised watcher.
                        await self._respawn(state)
                        if state.in_flight != token:
                            break
                    next_token = self._rebook(state, token, delay)
            if state.closed:
                # The watch ended: its watcher stops through its supervisor (cheaper than a
                # "stop" message, which would start a drain task just to handle it).
                ref = state.ref
                if ref is not None and ref.alive:
                    await ref.stop()
        finally:
            task = asyncio.current_task()
            if task is not None:
                tasks.discard(task)

    def _rebook(self, state: WatchState[Any], token: int, delay: float) -> int | None:
        """``report(state, token, delay, ok=True)`` for an open watch, in one call: the hot
        path of every poll that did not end its watch.

        Returns:
            The token of the watch's next poll when it is due at once (the calling poll task
            runs it: no new task, no timer), else None.
        """
        book = self._book
        in_flight = book.in_flight
        if in_flight.pop(token, None) is None:
            return None  # already released (e.g. by a recovery)
        state.in_flight = None  # it was ``token``: checked by the caller
        if book.rate_factor < 1.0:
            book.rate_factor = min(1.0, book.rate_factor * 1.1)
        stopped = self._stopped
        if delay <= self._slack and not (stopped or state.closed or book.deadlines):
            # Due at once and nothing else due (the earliest other entry is later, and the
            # timer armed for it): the next poll takes a token here, with what _dispatch would
            # have done and nothing else (no heap entry, no dispatch).
            now = self._now()
            cfg = self._config()
            heap = book.heap
            ref = state.ref
            tick_at = book.tick_at
            if (
                not self._virtual
                and now >= book.paused_until
                and len(in_flight) < cfg.max_concurrent_polls
                and (
                    not heap
                    or (
                        heap[0][0] > now + self._slack
                        and tick_at is not None
                        and tick_at <= heap[0][0]
                    )
                )
                and (ref is None or ref.alive)
                and (cfg.max_polls_per_second == math.inf or self._take_token(now, cfg))
            ):
                token = next(book.tokens_seq)
                state.in_flight = token
                in_flight[token] = state
                book.dispatched += 1
                return token
        if not state.closed:
            state.generation += 1
            state.scheduled = True
            due = self._now() + (delay if delay > 0.0 else 0.0)
            heapq.heappush(book.heap, (due, next(book.seq), state.generation, state))
        if stopped:
            return None
        self._carrier = state
        try:
            self._dispatch()
        finally:
            self._carrier = None
        carried, self._carried = self._carried, None
        return carried

    def _take_token(self, now: float, cfg: WatchConfig) -> bool:
        """Takes one poll token from the rate cap's bucket, if it holds one."""
        book = self._book
        self._refill(now, cfg, cfg.max_polls_per_second * book.rate_factor)
        if book.tokens < 1.0 - _EPSILON:
            return False
        book.tokens = max(0.0, book.tokens - 1.0)
        return True

    def _requeue(self, state: WatchState[Any], token: int) -> None:
        book = self._book
        if book.in_flight.pop(token, None) is not None and state.in_flight == token:
            state.in_flight = None
            if not state.closed:
                self._add(state, 0.0)

    def _failed(self, state: WatchState[Any], token: int, exc: Exception) -> None:
        outcome = classify(exc)
        if outcome is Outcome.RETRY:
            delay = state.next_delay()
            _log_watch.info(
                "watch.poll_error", name=state.name, error=type(exc).__name__, delay=delay
            )
            self.report(state, token, delay, ok=False)
        elif outcome is Outcome.RATE_LIMITED:
            assert isinstance(exc, RateLimitedError)
            hint = exc.retry_after
            delay = max(state.next_delay(), hint or 0.0)
            pause = hint if hint is not None else self._config().rate_limit_pause
            _log_watch.info("watch.rate_limited", name=state.name, delay=delay, pause=pause)
            self.report(state, token, delay, ok=False, pause=pause)
        elif outcome is Outcome.FATAL:
            _log_watch.info("watch.failed", name=state.name, error=type(exc).__name__)
            state.fail_all(exc)
            self._finish(state, token)
        else:
            state.crashes += 1
            state.last_crash = exc
            if state.crashes >= self._config().max_crashes:
                _log_watch.warning(
                    "watch.gave_up",
                    name=state.name,
                    crashes=state.crashes,
                    error=type(exc).__name__,
                )
                state.fail_all(exc)
                self._finish(state, token)
                return
            # A crash: the watcher raises it, its supervisor restarts it, and the new
            # incarnation's init books this lost poll (same backoff position).
            ref = state.ref
            try:
                if ref is not None:
                    ref.cast(("crash", exc))
                    return
            except (ActorExited, MailboxFull):
                pass
            self.report(state, token, state.next_delay(), ok=False)

    def _finish(self, state: WatchState[Any], token: int) -> None:
        state.closed = True
        self._forget(state)
        self.report(state, token, None, ok=True)

    # ------------------------------------------------------------------ the timer

    def _arm(self, at: float, now: float) -> None:
        book = self._book
        if book.tick_at is not None and book.tick_at <= at:
            return
        book.tick_at = at
        delay = max(0.0, at - now)
        if self._virtual:
            send_after(self.ref, "tick", delay, key="tick")
            return
        self._cancel_handle()
        loop = self._loop
        assert loop is not None
        self._handle = loop.call_later(delay, self._tick, context=self._ctx)

    def _tick(self) -> None:
        self._handle = None
        self._book.tick_at = None
        self._book.ticks += 1
        if not self._stopped:
            self._dispatch()

    def _cancel_handle(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.cancel()

    def _disarm(self) -> None:
        if self._book.tick_at is not None:
            self._book.tick_at = None
            if self._virtual:
                cancel_timer(self.ref, "tick")
            else:
                self._cancel_handle()


class Watcher(Actor):
    """The supervised owner of one watch: restarted with the same state after a crash.

    Started by a poll of the watch when its next poll is not due at once (the watch sleeps in
    the schedule: usually at its first poll), after ``UNSUPERVISED_POLLS`` polls back to back,
    or when a fetch crashed before it existed (a wait served by its first poll, or by a short
    burst of back-to-back polls, never has one).

    It handles no message per poll (the scheduler runs polls as its own tasks). Messages
    (casts): ``("crash", exc)`` from a poll whose fetch raised something unexpected (it is
    raised here, so the supervisor restarts the watcher), ``"stop"`` from the hub when the last
    subscriber leaves. A poll that ends the watch stops the watcher through its supervisor
    (``ref.stop()``).
    """

    def __init__(
        self,
        state: WatchState[Any],
        post: Callable[[tuple[Any, ...]], None],
        config: Callable[[], WatchConfig],
        forget: Callable[[WatchState[Any]], None],
    ) -> None:
        self._state = state
        self._post = post
        self._config = config
        self._forget = forget

    async def init(self) -> None:
        state = self._state
        state.ref = self.ref  # before the scheduler can dispatch to it
        if state.closed:
            self.ref.cast("stop")
            return
        token = state.in_flight
        task = state.poll_task
        if token is not None and (task is None or task.done()):
            # The previous incarnation crashed (or was killed) and this poll is lost.
            if state.crashes == 0:
                state.crashes = 1  # killed from outside rather than by its own exception
            self._post(("lost", state, token, state.next_delay()))
        elif token is None and not state.scheduled:
            self._post(("add", state, 0.0))

    async def handle_cast(self, msg: Any) -> None:
        if msg == "stop":
            self.stop()
            return
        if isinstance(msg, tuple) and msg[0] == "crash":
            raise msg[1]  # the supervisor restarts us; init books the lost poll
        raise ValueError(f"Watcher: unknown message {msg!r}")
