"""Fault injection: rate limits, random 5xx, latency, cut streams and scripted failures.

A :class:`FaultConfig` applies to every model (the emulator-wide default) or to one model.
Quotas are counted per model, as the real API's ``...PerProjectPerModel`` quotas are.
:class:`Faults` is the run-time controller shared by the Python API (``emu.faults``) and the
admin endpoint ``/_emulator/faults``.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from ._errors import ApiError, retry_info

__all__ = ["FaultConfig", "Faults", "model_key"]

_MINUTE = 60.0
_DAY = 86_400.0


class FaultConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Faults for the whole emulator or one model.

    Attributes:
        rpm: Requests per minute each model accepts before answering 429 RESOURCE_EXHAUSTED
            (``None``: unlimited). Counted per model over a sliding 60 s window.
        rpd: Requests per day each model accepts (``None``: unlimited); 429 with a per-day quota id.
        error_rate: The fraction of requests (0..1) answered with a status from ``error_statuses``,
            drawn from the emulator's seeded RNG.
        error_statuses: The statuses random errors use (default 500 and 503).
        latency: Seconds added before each request is handled.
        stream_cut_after: Drop the connection after this many SSE events, without the terminating
            chunk (``None``: never).
        stream_event_delay: Seconds between SSE events.
        stream_error_after: Send this many SSE events, then an error event
            (``data: {"error": {...}}``) with status ``stream_error_status``, then end the stream
            cleanly, as the real API reports failures after a stream has started (``None``: never).
        stream_error_status: The status of that mid-stream error event (default 503).
    """

    rpm: int | None = None
    rpd: int | None = None
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 503)
    latency: float = 0.0
    stream_cut_after: int | None = None
    stream_event_delay: float = 0.0
    stream_error_after: int | None = None
    stream_error_status: int = 503

    def __post_init__(self) -> None:
        for name in ("rpm", "rpd"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must be >= 0, got {value}")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError(f"error_rate must be within [0, 1], got {self.error_rate}")
        if not self.error_statuses or any(not 400 <= s <= 599 for s in self.error_statuses):
            raise ValueError("error_statuses must be HTTP error statuses (400..599)")
        if self.latency < 0 or self.stream_event_delay < 0:
            raise ValueError("latency and stream_event_delay must be >= 0 seconds")
        for name in ("stream_cut_after", "stream_error_after"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must be >= 0, got {value}")
        if not 400 <= self.stream_error_status <= 599:
            raise ValueError("stream_error_status must be an HTTP error status (400..599)")


def model_key(model: str | None) -> str | None:
    """Normalise ``models/x`` and ``x`` to ``x``; tuned models keep ``tunedModels/``."""
    if model is None:
        return None
    return model[7:] if model.startswith("models/") else model


@dataclass
class _Scripted:
    remaining: int
    status: int
    model: str | None
    message: str | None
    retry_delay: float | None


class Faults:
    """The emulator's fault controller.

    Args:
        default: Faults for every model.
        per_model: Faults for particular models (``"gemini-2.5-pro"`` or ``"models/..."``); a model
            with an entry uses it instead of ``default``.
        seed: Seeds the RNG behind ``error_rate``; equal seeds and request orders give equal faults.
        clock: Seconds, monotonic; rate-limit windows are measured with it.
    """

    def __init__(
        self,
        default: FaultConfig | None = None,
        per_model: Mapping[str, FaultConfig] | None = None,
        *,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._default = default or FaultConfig()
        self._per_model: dict[str, FaultConfig] = {}
        for name, cfg in (per_model or {}).items():
            self._per_model[model_key(name) or name] = cfg
        self._seed = seed
        self._rng = random.Random(seed)
        self._clock = clock
        self._windows: dict[tuple[str, float], deque[float]] = {}
        self._scripted: list[_Scripted] = []

    # -- configuration ---------------------------------------------------------------------------

    def configure(self, config: FaultConfig | None = None, *, model: str | None = None) -> None:
        """Replace the faults of one model, or the default when ``model`` is None.

        ``config=None`` removes a model's own entry (it falls back to the default) or resets the
        default to no faults. Rate-limit windows are kept.
        """
        if model is None:
            self._default = config or FaultConfig()
            return
        key = model_key(model) or model
        if config is None:
            self._per_model.pop(key, None)
        else:
            self._per_model[key] = config

    def fail_next(
        self,
        count: int = 1,
        status: int = 503,
        *,
        model: str | None = None,
        message: str | None = None,
        retry_delay: float | None = None,
    ) -> None:
        """Fail the next ``count`` requests (for ``model`` only, if given) with ``status``.

        Scripted failures are used in the order they were added, before any other fault. A 429
        carries ``RetryInfo`` (``retry_delay`` seconds, default 1) and a ``QuotaFailure``.

        Raises:
            ValueError: If ``count`` < 1 or ``status`` is not an HTTP error status.
        """
        if count < 1:
            raise ValueError("count must be >= 1")
        if not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400..599)")
        self._scripted.append(_Scripted(count, status, model_key(model), message, retry_delay))

    def clear(self) -> None:
        """Remove every fault: defaults, per-model entries, scripted failures and quota windows."""
        self._default = FaultConfig()
        self._per_model.clear()
        self._scripted.clear()
        self._windows.clear()
        self._rng = random.Random(self._seed)

    def config_for(self, model: str | None) -> FaultConfig:
        """The faults that apply to ``model`` (the default for requests not about a model)."""
        if model is not None and self._per_model:
            found = self._per_model.get(model_key(model) or model)
            if found is not None:
                return found
        return self._default

    def snapshot(self) -> dict[str, Any]:
        """The current configuration as JSON-ready data (served by the admin endpoint)."""
        return {
            "default": msgspec.to_builtins(self._default),
            "models": {k: msgspec.to_builtins(v) for k, v in self._per_model.items()},
            "failNext": [
                {"count": s.remaining, "status": s.status, "model": s.model} for s in self._scripted
            ],
        }

    # -- the request path ------------------------------------------------------------------------

    def check(self, model: str | None, *, counts_quota: bool) -> None:
        """Raise the fault this request meets, if any; count it against its model's quota.

        Args:
            model: The model the request is about (``None`` for other resources).
            counts_quota: Whether the request consumes quota (generation, embedding, counting).

        Raises:
            ApiError: A scripted failure, a 429 from a quota, or a random 5xx.
        """
        if self._scripted:
            self._check_scripted(model_key(model))
        cfg = self.config_for(model)
        if counts_quota and model is not None:
            if cfg.rpm is not None:
                self._check_window(model, cfg.rpm, _MINUTE)
            if cfg.rpd is not None:
                self._check_window(model, cfg.rpd, _DAY)
        if cfg.error_rate and self._rng.random() < cfg.error_rate:
            status = cfg.error_statuses[self._rng.randrange(len(cfg.error_statuses))]
            raise ApiError(status)

    def _check_scripted(self, model: str | None) -> None:
        for index, entry in enumerate(self._scripted):
            if entry.model is None or entry.model == model:
                entry.remaining -= 1
                if entry.remaining <= 0:
                    del self._scripted[index]
                if entry.status == 429:
                    raise quota_error(model or "unknown", 0, entry.retry_delay or 1.0, _MINUTE)
                raise ApiError(entry.status, entry.message)

    def _check_window(self, model: str, limit: int, period: float) -> None:
        key = (model_key(model) or model, period)
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = deque()
        now = self._clock()
        while window and window[0] <= now - period:
            window.popleft()
        if len(window) >= limit:
            wait = (window[0] + period - now) if window else period
            raise quota_error(key[0], limit, wait, period)
        window.append(now)


def quota_error(model: str, limit: int, wait: float, period: float) -> ApiError:
    """A 429 RESOURCE_EXHAUSTED shaped like the real API's, with QuotaFailure and RetryInfo."""
    per_day = period >= _DAY
    metric = "generativelanguage.googleapis.com/generate_content_free_tier_requests"
    quota_id = (
        "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
        if per_day
        else "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
    )
    message = (
        "You exceeded your current quota, please check your plan and billing details. For more "
        "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n"
        f"* Quota exceeded for metric: {metric}, limit: {limit}, model: {model}\n"
        f"Please retry in {max(wait, 0.0):.1f}s."
    )
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [
                {
                    "quotaMetric": metric,
                    "quotaId": quota_id,
                    "quotaDimensions": {"location": "global", "model": model},
                    "quotaValue": str(limit),
                }
            ],
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Learn more about Gemini API quotas",
                    "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
                }
            ],
        },
        retry_info(wait),
    ]
    return ApiError(429, message, details=details)
