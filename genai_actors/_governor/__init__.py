# genai_actors._governor: the shared rate governor (per-model limits, adaptive concurrency,
# server pauses, the daily-quota breaker), used by the transport's retry loop through a Gate.
#
# Layout (private modules, one concept each):
#   _limits       RateLimits (rpm, tpm, rpd, concurrency), checked at construction
#   _store        the Store protocol and MemoryStore (sliding windows, pauses, day blocks)
#   _redis        RedisStore: the same state in Redis, shared by processes (extra [redis])
#   _concurrency  Slots: requests in flight per model, fixed or adaptive (AIMD)
#   _governor     RateGovernor, Permit and Gate (the transport's hook)
"""The shared rate governor: ``RateGovernor``, ``RateLimits``, ``MemoryStore``, ``RedisStore``."""

from __future__ import annotations

from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:
    from ._governor import Gate as Gate, Permit as Permit, RateGovernor as RateGovernor
    from ._limits import RateLimits as RateLimits
    from ._redis import RedisStore as RedisStore
    from ._store import MemoryStore as MemoryStore, Store as Store

_LAZY = {
    "Gate": "._governor",
    "Permit": "._governor",
    "RateGovernor": "._governor",
    "RateLimits": "._limits",
    "RedisStore": "._redis",
    "MemoryStore": "._store",
    "Store": "._store",
}

__all__ = ["Gate", "MemoryStore", "Permit", "RateGovernor", "RateLimits", "RedisStore", "Store"]


def __getattr__(name: str) -> object:
    """Imports a name's module on the first use of the name.

    Raises:
        AttributeError: ``name`` is not exported here.
    """
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
