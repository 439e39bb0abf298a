"""``RateGovernor``: per-model limits shared by every call of the clients handed it.

The path of one attempt (plain request or the opening of a stream):

1. The day check and the pause: a model whose per-day quota is exhausted fails at once with
   :class:`~genai_actors.errors.DailyQuotaExhaustedError`; a model paused by a server's
   ``RetryInfo`` (or ``Retry-After`` on a 503) holds every caller until the pause ends.
2. A concurrency slot (:class:`~._concurrency.Slots`: fixed or adaptive).
3. The sliding windows in the store (``rpm``, ``tpm``, ``rpd``), counted atomically.
4. The attempt; its outcome goes back: an answer grows an adaptive limit and corrects the
   token estimate from ``usageMetadata``; a 429 or 503 cuts it, a ``RetryInfo`` delay pauses
   the model for everyone, a per-day 429 blocks the model until the quota resets (midnight
   Pacific time, when the API resets daily quotas).

Waiting callers of one model queue first come, first served (per event loop, only the head of
the queue polls the store); callers of other models never wait on them. A caller that is not
held up takes no lock it could wait on and sleeps nowhere. Times are on
``supervisors.current_clock()`` (the event loop's clock, or a test's virtual clock).
"""

from __future__ import annotations

import asyncio
import datetime
import threading
import time
import weakref
from collections.abc import Mapping
from typing import Any

from supervisors import current_clock

from .. import _log
from ..errors import (
    DailyQuotaExhaustedError,
    InvalidOptionError,
    RateLimitedError,
    RequestTimeoutError,
    ServiceUnavailableError,
    parse_retry_after,
)
from ._concurrency import Slots
from ._limits import RateLimits
from ._store import MemoryStore, Store, Verdict, Windows

__all__ = [
    "Gate",
    "Permit",
    "RateGovernor",
    "estimate_tokens",
    "governed_model",
    "model_key",
    "prompt_tokens",
    "seconds_to_daily_reset",
]

_log_gov = _log.get_logger("genai_actors.governor")

_USAGE_KEY = b'"promptTokenCount"'
_PATHS_KEPT = 4096  # resource paths whose model is remembered (they are few: model x method)


def model_key(model: str) -> str:
    """The governor's name of a model: ``models/gemini-2.5-flash`` -> ``gemini-2.5-flash``
    (tuned models keep their ``tunedModels/`` prefix)."""
    return model[7:] if model.startswith("models/") else model


def seconds_to_daily_reset(now: float | None = None) -> float:
    """Seconds until the next midnight in America/Los_Angeles, when daily quotas reset.

    Args:
        now: A Unix time (default: the wall clock).
    """
    stamp = time.time() if now is None else now
    try:
        from zoneinfo import ZoneInfo

        zone: datetime.tzinfo = ZoneInfo("America/Los_Angeles")
    except Exception:  # no time-zone database: Pacific standard time
        zone = datetime.timezone(datetime.timedelta(hours=-8))
    local = datetime.datetime.fromtimestamp(stamp, zone)
    midnight = (local + datetime.timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return max(midnight.timestamp() - stamp, 1.0)


def _now() -> float:
    try:
        return current_clock().now()
    except RuntimeError:  # no event loop: asyncio's loops read the same monotonic clock
        return time.monotonic()


class _Model:
    """One model's local state: its limits, concurrency slots and per-loop admission queues."""

    __slots__ = ("creating", "key", "last", "limits", "queues", "slots", "until", "windows")

    def __init__(self, key: str, limits: RateLimits | None, adaptive: bool) -> None:
        self.key = key
        self.limits = limits
        self.windows: Windows = limits.windows() if limits is not None else ()
        ceiling = limits.concurrency if limits is not None else None
        self.slots = Slots(ceiling, adaptive)
        # One FIFO admission lock per event loop: only the head of the queue polls the store.
        self.queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self.until = float("-inf")  # the last wait a store reported (for retry_at)
        self.creating = threading.Lock()
        self.last: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    def queue(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        last = self.last
        if last is not None and last[0] is loop:
            return last[1]
        lock = self.queues.get(loop)
        if lock is None:
            with self.creating:
                lock = self.queues.get(loop)
                if lock is None:
                    lock = self.queues[loop] = asyncio.Lock()
        self.last = (loop, lock)  # the next lookup of the same loop skips the weak mapping
        return lock


class Permit:
    """One admitted attempt. Report how it went with :meth:`finish` (or :meth:`abandon`).

    Attributes:
        model: The governor's name of the model.
        tokens: The token estimate it was admitted with.
    """

    __slots__ = ("_done", "_governor", "_handle", "_model", "_seq", "model", "tokens")

    def __init__(
        self, governor: RateGovernor, state: _Model, seq: int, handle: object, tokens: int
    ) -> None:
        self._governor = governor
        self._model = state
        self._seq = seq
        self._handle = handle
        self._done = False
        self.model = state.key
        self.tokens = tokens

    async def finish(
        self, error: BaseException | None = None, *, tokens: int | None = None
    ) -> None:
        """Gives the slot back and teaches the governor from the outcome. Idempotent.

        Args:
            error: ``None`` for an answer; the attempt's error otherwise. A
                :class:`~genai_actors.errors.RateLimitedError` cuts an adaptive limit, pauses
                the model for its ``retry_after`` and, when per-day, blocks the model until
                the daily reset; a 503 cuts and honours ``Retry-After``; anything else only
                frees the slot.
            tokens: The request's real input tokens (``usageMetadata.promptTokenCount``), to
                correct the ``tpm`` window.
        """
        if self._done:
            return
        self._done = True
        governor = self._governor
        state = self._model
        if error is None:
            state.slots.release(self._seq, "ok")
            if tokens is not None and self._handle is not None and tokens != self.tokens:
                await governor.store.correct(state.key, self._handle, tokens)
            return
        overload = isinstance(error, RateLimitedError | ServiceUnavailableError) and not isinstance(
            error, DailyQuotaExhaustedError
        )
        state.slots.release(self._seq, "overload" if overload else "other")
        if overload:
            await governor._learn(state, error)

    def _succeed(self) -> None:
        if not self._done:
            self._done = True
            self._model.slots.release(self._seq, "ok")

    def abandon(self) -> None:
        """Gives the slot back without a signal (the attempt was cancelled). Idempotent."""
        if not self._done:
            self._done = True
            self._model.slots.release(self._seq, "other")


class Gate:
    """The governor's side of one call, used by the transport's retry loop: :meth:`admit`
    before each attempt, :meth:`settle` (or :meth:`abandon`) after it."""

    __slots__ = ("_governor", "_permit", "_state", "model", "tokens")

    def __init__(self, governor: RateGovernor, state: _Model, tokens: int) -> None:
        self._governor = governor
        self._state = state
        self.model = state.key
        self.tokens = tokens
        self._permit: Permit | None = None

    async def admit(self, deadline: float) -> bool:
        """Waits for the governor to admit the next attempt.

        Returns:
            False when it was admitted at once, True when it went the slow way (it may
            have waited).

        Raises:
            DailyQuotaExhaustedError: The model's daily quota is exhausted.
            RequestTimeoutError: The wait would cross ``deadline``.
        """
        governor = self._governor
        permit = governor._admit_now(self._state, self.tokens)
        if permit is not None:
            self._permit = permit
            return False
        self._permit = await governor.acquire(self.model, tokens=self.tokens, deadline=deadline)
        return True

    async def settle(self, error: BaseException | None, content: bytes | None = None) -> None:
        """Reports the attempt's outcome: ``error`` (``None`` for a 2xx answer) and, for a read
        answer, its bytes (the real token count is read from ``usageMetadata``)."""
        permit = self._permit
        if permit is None:
            return
        self._permit = None
        if error is None:
            handle = permit._handle
            if content is None or handle is None:
                permit._succeed()  # nothing to correct: no await
                return
            tokens = prompt_tokens(content)
            memory = self._governor._memory
            if memory is not None:  # an in-process store corrects without an await
                permit._succeed()
                if tokens is not None and tokens != permit.tokens:
                    memory.correct_now(self.model, handle, tokens)
                return
            await permit.finish(None, tokens=tokens)
            return
        await permit.finish(error)

    def abandon(self) -> None:
        """Frees the attempt's slot without a signal (cancellation, an unexpected error)."""
        permit = self._permit
        if permit is not None:
            self._permit = None
            permit.abandon()


def prompt_tokens(content: bytes) -> int | None:
    """``usageMetadata.promptTokenCount`` of a JSON response, read without decoding it, or
    ``None``. (The usage block comes last: the search starts from the end.)"""
    at = content.rfind(_USAGE_KEY)
    if at < 0:
        return None
    at = content.find(b":", at + len(_USAGE_KEY))
    if at < 0:
        return None
    end = at + 1
    size = len(content)
    while end < size and content[end] in b" \t\r\n":
        end += 1
    start = end
    while end < size and 48 <= content[end] <= 57:
        end += 1
    return int(content[start:end]) if end > start else None


class RateGovernor:
    """Per-model rate limits shared by every call of every client handed this governor.

    Args:
        limits: ``{model: RateLimits(...)}`` (``"gemini-2.5-flash"`` or
            ``"models/gemini-2.5-flash"``).
        default: The limits of a model not in ``limits`` (``None``: only the server's signals
            and, when adaptive, adaptive concurrency govern it).
        adaptive: Adapt each model's concurrency (AIMD: grow on answers, cut a quarter on 429
            and 503), below its ``concurrency`` when set. False keeps configured caps only.
        store: Where the rate windows, pauses and day blocks are kept: ``None`` for this
            process (:class:`MemoryStore`), ``RedisStore(url)`` to share them between
            processes and machines. Concurrency is always per process.

    Raises:
        InvalidOptionError: A limit that is not a ``RateLimits``, or a store that is not one.

    A governor may be shared by several clients (``AsyncClient(governor=gov)`` and
    ``Client(governor=gov)``), tasks, threads and event loops. Streams are admitted once, when
    they open; nothing is limited mid-stream. Close it with :meth:`aclose` when it has a
    store with connections (a ``RedisStore``); clients never close it.
    """

    def __init__(
        self,
        limits: Mapping[str, RateLimits] | None = None,
        *,
        default: RateLimits | None = None,
        adaptive: bool = True,
        store: Store | None = None,
    ) -> None:
        self._limits: dict[str, RateLimits] = {}
        for name, value in (limits or {}).items():
            if not isinstance(value, RateLimits):
                raise InvalidOptionError(
                    f"limits[{name!r}]", f"expected RateLimits, got {type(value).__name__}"
                )
            self._limits[model_key(name)] = value
        if default is not None and not isinstance(default, RateLimits):
            raise InvalidOptionError("default", f"expected RateLimits or None, got {default!r}")
        if store is not None and not isinstance(store, Store):
            raise InvalidOptionError("store", f"expected a Store (RedisStore...), got {store!r}")
        self.default = default
        self.adaptive = bool(adaptive)
        self.store: Store = store if store is not None else MemoryStore()
        # An exact MemoryStore decides without an await (the fast path of every call).
        self._memory: MemoryStore | None = None
        if isinstance(self.store, MemoryStore) and type(self.store) is MemoryStore:
            self._memory = self.store
        self._models: dict[str, _Model] = {}
        self._lock = threading.Lock()  # guards creating a model's state (any thread)
        self._paths: dict[str, _Model | None] = {}  # resource path -> its model's state

    def limits_for(self, model: str) -> RateLimits | None:
        """The configured limits of ``model`` (its own, else the default, else ``None``)."""
        key = model_key(model)
        return self._limits.get(key, self.default)

    def _state(self, model: str) -> _Model:
        state = self._models.get(model)
        if state is None:
            with self._lock:
                key = model_key(model)
                state = self._models.get(key)
                if state is None:
                    limits = self._limits.get(key, self.default)
                    state = _Model(key, limits, self.adaptive)
                    self._models[key] = state
                self._models[model] = state
        return state

    def gate_for(self, path: str, body: object) -> Gate | None:
        """The gate of one call to the resource ``path`` with ``body``: ``None`` unless the
        call spends a model's quota (``models/M:verb``)."""
        paths = self._paths
        state = paths.get(path)
        if state is None:
            if path in paths:
                return None
            model = governed_model(path)
            state = None if model is None else self._state(model)
            if len(paths) < _PATHS_KEPT:
                paths[path] = state
            if state is None:
                return None
        tokens = len(body) // 4 + 1 if isinstance(body, bytes) else 1
        return Gate(self, state, tokens)

    def _admit_now(self, state: _Model, tokens: int) -> Permit | None:
        """The fast path with an in-process store: a permit if nothing must wait, without an
        await; ``None`` to take the slow path (which decides again and raises if need be)."""
        memory = self._memory
        if memory is None or state.queue().locked():
            return None
        slots = state.slots
        seq = 0
        if slots.bounded:
            taken = slots.try_take()
            if taken is None:
                return None
            seq = taken
        verdict = memory.decide(state.key, state.windows, tokens, current_clock().now())
        if verdict.wait:
            if seq:
                slots.release(seq, "other")
            return None
        return Permit(self, state, seq, verdict.handle, tokens)

    async def acquire(
        self, model: str, *, tokens: int = 0, deadline: float | None = None
    ) -> Permit:
        """Waits until one request of ``model`` may be sent, and counts it.

        Args:
            model: The model (``gemini-2.5-flash`` or ``models/gemini-2.5-flash``).
            tokens: The request's estimated input tokens (for ``tpm``).
            deadline: The latest time (on ``supervisors.current_clock()``) the request may be
                sent; ``None`` waits as long as it takes.

        Returns:
            The permit: call ``await permit.finish(error)`` after the request.

        Raises:
            DailyQuotaExhaustedError: The model's daily quota is exhausted (at once, no wait).
            RequestTimeoutError: Admission would come after ``deadline``.

        Cancellation: a cancelled caller leaves the queue and counts nowhere.
        """
        state = self._models.get(model) or self._state(model)
        clock = current_clock()
        slots = state.slots
        queue = state.queue()
        if not queue.locked():  # nobody of this loop waits: try at once
            seq = slots.try_take() if slots.bounded else 0
            if seq is not None:
                try:
                    verdict = await self.store.admit(state.key, state.windows, tokens, clock.now())
                except BaseException:
                    if seq:
                        slots.release(seq, "other")
                    raise
                if not verdict.wait:
                    return Permit(self, state, seq, verdict.handle, tokens)
                if seq:
                    slots.release(seq, "other")
                if verdict.reason in ("day", "rpd"):
                    raise self._day_error(state, verdict.wait, verdict.reason, clock.now())
        if deadline is None:
            await queue.acquire()
        else:  # queued behind other callers of the model: still bounded by the deadline
            try:
                await asyncio.wait_for(queue.acquire(), max(deadline - clock.now(), 0.0))
            except TimeoutError:
                raise RequestTimeoutError(
                    f"this call of {state.key} queued behind others past its deadline "
                    "(the call's timeout)"
                ) from None
        try:
            return await self._wait_turn(state, tokens, deadline)
        finally:
            queue.release()

    async def try_acquire(self, model: str, *, tokens: int = 0) -> Permit | None:
        """Admits one request of ``model`` if it may be sent now, without waiting.

        Args:
            model: The model.
            tokens: The request's estimated input tokens (for ``tpm``).

        Returns:
            The permit (report with ``await permit.finish(...)``), or ``None`` when the request
            would have to wait (callers are queued, no slot is free, a window is full, or the
            model is paused): :meth:`retry_at` then says until when, for a rate or a pause.

        Raises:
            DailyQuotaExhaustedError: The model's daily quota is exhausted.
        """
        state = self._state(model)
        clock = current_clock()
        slots = state.slots
        if state.queue().locked():
            return None
        seq = slots.try_take() if slots.bounded else 0
        if seq is None:
            return None
        now = clock.now()
        permit, _ = await self._admit(state, seq, tokens, now)
        return permit

    async def _wait_turn(self, state: _Model, tokens: int, deadline: float | None) -> Permit:
        clock = current_clock()
        slots = state.slots
        while True:
            now = clock.now()
            seq = 0
            if slots.bounded:
                budget = None if deadline is None else deadline - now
                try:
                    seq = await slots.take(budget)
                except TimeoutError:
                    raise RequestTimeoutError(
                        f"no concurrency slot of {state.key} came free before the call's timeout"
                    ) from None
                now = clock.now()
            permit, verdict = await self._admit(state, seq, tokens, now)
            if permit is not None:
                return permit
            if deadline is not None and now + verdict.wait > deadline:
                raise RequestTimeoutError(
                    f"the rate governor would hold this call of {state.key} for "
                    f"{verdict.wait:.3g} s ({verdict.reason}), past its deadline "
                    "(the call's timeout)"
                )
            _log_gov.debug(
                "governor.wait", model=state.key, reason=verdict.reason, wait=round(verdict.wait, 3)
            )
            await clock.sleep(verdict.wait)

    async def _admit(
        self, state: _Model, seq: int, tokens: int, now: float
    ) -> tuple[Permit | None, Verdict]:
        """Asks the store for one request holding concurrency slot ``seq`` (0: none).

        Returns the permit, or ``None`` with the store's verdict after giving the slot back and
        marking the model busy until the verdict's wait is over.

        Raises:
            DailyQuotaExhaustedError: The verdict is a daily block.
        """
        slots = state.slots
        try:
            verdict = await self.store.admit(state.key, state.windows, tokens, now)
        except BaseException:
            if seq:
                slots.release(seq, "other")
            raise
        if not verdict.wait:
            return Permit(self, state, seq, verdict.handle, tokens), verdict
        if seq:
            slots.release(seq, "other")
        state.until = now + verdict.wait
        if verdict.reason in ("day", "rpd"):
            raise self._day_error(state, verdict.wait, verdict.reason, now)
        return None, verdict

    def _day_error(
        self, state: _Model, wait: float, reason: str, now: float
    ) -> DailyQuotaExhaustedError:
        state.until = now + wait
        return DailyQuotaExhaustedError(state.key, wait, now + wait, local=reason == "rpd")

    async def _learn(self, state: _Model, error: BaseException) -> None:
        """Pauses or blocks the model after a 429/503 that says so."""
        now = _now()
        if isinstance(error, RateLimitedError):
            if error.per_day and not isinstance(error, DailyQuotaExhaustedError):
                wait = seconds_to_daily_reset()
                _log_gov.info("governor.day_exhausted", model=state.key, wait=round(wait))
                await self.store.block_day(state.key, wait, now)
                state.until = max(state.until, now + wait)
                return
            delay = error.retry_after
        else:
            headers = getattr(error, "headers", None)
            delay = parse_retry_after(headers.get("Retry-After")) if headers else None
        if delay is not None and delay > 0:
            _log_gov.info("governor.pause", model=state.key, delay=round(delay, 3))
            await self.store.pause(state.key, delay, now)
            state.until = max(state.until, now + delay)

    def retry_at(self, model: str) -> float | None:
        """When ``model`` may send again, or ``None`` if a request would be admitted now.

        Returns:
            A time on ``supervisors.current_clock()`` (the event loop's clock; outside a loop,
            ``time.monotonic()``, which asyncio's loops read too): the end of a pause, a
            per-day block, or the moment a full ``rpm``/``tpm``/``rpd`` window has room. A
            store shared through Redis answers from what this process last heard from it.
            Free concurrency slots are not a time: a caller would queue for one.
        """
        state = self._state(model)
        now = _now()
        verdict = self.store.peek(state.key, state.windows, 1, now)
        if verdict is None:
            return state.until if state.until > now else None
        return now + verdict.wait if verdict.wait > 0 else None

    def retry_after(self, model: str) -> float | None:
        """Seconds until ``model`` may send again (see :meth:`retry_at`), or ``None``."""
        at = self.retry_at(model)
        return None if at is None else max(at - _now(), 0.0)

    def stats(self, model: str) -> dict[str, Any]:
        """A snapshot of ``model``'s local state: ``limit`` (the concurrency limit now),
        ``in_flight``, ``waiting`` and ``cuts`` (adaptive cuts so far)."""
        slots = self._state(model).slots
        return {
            "limit": slots.limit,
            "in_flight": slots.in_flight,
            "waiting": slots.waiting(),
            "cuts": slots.cuts,
        }

    async def aclose(self) -> None:
        """Closes the store's connections (a ``RedisStore``'s). Idempotent."""
        await self.store.aclose()

    async def __aenter__(self) -> RateGovernor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"RateGovernor(models={sorted(self._limits)!r}, default={self.default!r}, "
            f"adaptive={self.adaptive!r}, store={type(self.store).__name__})"
        )


def governed_model(path: str) -> str | None:
    """The model a request path spends quota of (``models/M:verb``), or ``None``."""
    if path.startswith(("models/", "tunedModels/")):
        head, sep, _verb = path.partition(":")
        if sep:
            return model_key(head)
    return None


def estimate_tokens(body: object) -> int:
    """A cheap upper-ish estimate of a request's input tokens: its JSON bytes / 4."""
    return len(body) // 4 + 1 if isinstance(body, bytes) else 1
