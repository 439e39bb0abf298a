"""Configs already built: the part of a request body a config makes, kept for the next call.

A config is usually reused (one dict or struct for many calls), and building its part of the
body (coercing it, transforming the flexible fields, encoding and checking the bytes) costs
far more than the prompt's part. :class:`PreparedConfigs` keeps, per config *content*, the
bytes that follow ``contents`` in the body and the coerced config struct, so that the next
call with an equal config only encodes its prompt.

What makes an entry safe to reuse:

- The key is the config's MessagePack encoding (with its type and the backend), computed on
  every call: a config mutated after a call (at any depth) has another key. MessagePack keeps
  ``1``, ``1.0`` and ``True`` apart, bytes apart from strings, a NaN apart from ``None``.
- A hit also needs the config to equal what was built: for a dict, its decoded key (so only
  dicts of plain JSON values are kept: never one holding a struct, a tuple, a set, a UUID or
  anything else MessagePack would encode like a plain value); for a struct, the struct the
  entry was built from (msgspec compares field by field, types included).
- A config holding anything MessagePack cannot encode (a Python callable among the tools, a
  Python type as ``response_schema``) is never kept, nor one over :data:`MAX_KEY_BYTES`.
- Only builds that succeeded without warning are kept: an error is raised again, and an
  unknown enum value warned about again, on every call.

A config is kept the second time it is built (the first time only its key is noted), so that
a config used once pays for its key and nothing more.
"""

from __future__ import annotations

import threading
from typing import Any

import msgspec

__all__ = ["MAX_ENTRIES", "MAX_KEY_BYTES", "Prepared", "PreparedConfigs"]

MAX_ENTRIES = 64
MAX_KEY_BYTES = 16 * 1024

_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder().decode


class Prepared:
    """One config's part of a request body, and what the builder made of the config.

    Attributes:
        tail: The body's bytes after ``contents`` (``,"generationConfig":{...}}``).
        coerced: The config struct a dict config was converted into (shared by every call
            that hits this entry: read it, never modify it); ``None`` for a struct config,
            which the caller's own struct stands for.
    """

    __slots__ = ("coerced", "snapshot", "tail")

    def __init__(self, tail: bytes, coerced: Any, snapshot: Any) -> None:
        self.tail = tail
        self.coerced = coerced
        self.snapshot = snapshot


Key = tuple[Any, type[Any], bytes]


class PreparedConfigs:
    """A bounded cache of :class:`Prepared` entries for one config type.

    Safe to share between threads: a race at worst builds a config twice.
    """

    def __init__(self, tp: type[Any], max_entries: int = MAX_ENTRIES) -> None:
        self._tp = tp
        self._max = max_entries
        self._entries: dict[Key, Prepared] = {}
        self._seen: dict[Key, None] = {}  # built once, not kept yet
        self._lock = threading.Lock()

    def key(self, config: Any, backend: Any) -> Key | None:
        """The key of ``config`` built for ``backend`` (hashable), or ``None`` when such a
        config is never kept (see the module doc)."""
        kind = type(config)
        if kind is not dict and kind is not self._tp:
            return None
        try:
            data = _encode(config)
        except Exception:  # any value MessagePack refuses: not kept
            return None
        if len(data) > MAX_KEY_BYTES:
            return None
        return (backend, kind, data)

    def get(self, key: Key, config: Any) -> Prepared | None:
        """The entry built from a config equal to ``config`` (whose key is ``key``), if any."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        try:
            same = config == entry.snapshot
        except Exception:  # a value whose == raises: no reuse
            return None
        return entry if same else None

    def wanted(self, key: Key) -> bool:
        """Whether a config with this key, just built, is worth keeping: it was built before
        (else its key is noted, and ``False`` returned)."""
        seen = self._seen
        if key in seen:
            return True
        with self._lock:
            if len(seen) >= 4 * self._max:
                seen.clear()
            seen[key] = None
        return False

    def put(self, key: Key, config: Any, tail: bytes, coerced: Any) -> None:
        """Keep what ``config`` (whose key is ``key``) was built into.

        ``coerced`` is the struct a dict config became (ignored for a struct config). A dict
        that is not equal to its own decoded key (it holds something besides JSON values)
        is not kept.
        """
        if key[1] is dict:
            snapshot = _decode(key[2])
            if config != snapshot:
                return
            entry = Prepared(tail, coerced, snapshot)
        else:
            entry = Prepared(tail, None, config)
        with self._lock:
            entries = self._entries
            if len(entries) >= self._max and key not in entries:
                del entries[next(iter(entries))]  # the oldest entry
            entries[key] = entry
            self._seen.pop(key, None)

    def clear(self) -> None:
        """Forget every entry and every key noted."""
        with self._lock:
            self._entries.clear()
            self._seen.clear()

    def __len__(self) -> int:
        return len(self._entries)
