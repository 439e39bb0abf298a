"""Configs already built: the part of a request body a config makes, kept for the next call.

A config is usually reused (one dict or struct for many calls), and building its part of the
body (coercing it, transforming the flexible fields, encoding and checking the bytes) costs
far more than the prompt's part. :class:`PreparedConfigs` keeps, per config *content*, the
bytes that follow ``contents`` in the body and the coerced config struct, so that the next
call with an equal config only encodes its prompt.

What makes an entry safe to reuse:

- The key is the config's MessagePack encoding, computed on every call, looked up in the
  table of its backend and its type (a dict or the config struct): a config mutated after
  a call (at any depth) has another key. MessagePack keeps ``1``, ``1.0`` and ``True``
  apart, bytes apart from strings, a NaN apart from ``None``, and keys in their order.
- A hit also needs the config to equal (``==``) a snapshot of what was built, which refuses
  what MessagePack encodes like a plain value: a tuple or a set where a list was, a UUID or
  a ``Decimal`` where a string was, a struct where a dict was, a ``bytearray`` where bytes
  were. A dict is kept only if it equals its decoded key (plain JSON values; enum members
  pass, as they equal their values) and holds no dict or list subclass; its snapshot copies
  its dicts and lists and shares its immutable leaves, so that the check compares most
  leaves by identity. A struct's snapshot is a deep copy taken when it was kept (never the
  caller's own object, which may be mutated in place into a look-alike).
- A config holding anything MessagePack cannot encode (a Python callable among the tools, a
  Python type as ``response_schema``) is never kept, nor one over :data:`MAX_KEY_BYTES`.
- Only builds that succeeded without warning are kept: an error is raised again, and an
  unknown enum value warned about again, on every call.

A config is kept the second time it is built (the first time only its key is noted), so that
a config used once pays for its key and nothing more.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

import msgspec

__all__ = ["MAX_ENTRIES", "MAX_KEY_BYTES", "Prepared", "PreparedConfigs", "Table", "find_kept"]

MAX_ENTRIES = 64  # per backend and config type
MAX_KEY_BYTES = 16 * 1024

# The text part of a string prompt's body ends with these bytes (see Prepared.text_tail).
TEXT_END = b'}],"role":"user"}]'

_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder().decode


class Prepared:
    """One config's part of a request body, and what the builder made of the config.

    Attributes:
        tail: The body's bytes after ``contents`` (``,"generationConfig":{...}}``).
        text_tail: What follows a string prompt's encoded text in the body: the end of its
            content and ``tail``.
        coerced: The config struct a dict config was converted into (shared by every call
            that hits this entry: read it, never modify it); ``None`` for a struct config,
            which the caller's own struct stands for.
        snapshot: What a config must equal to hit this entry (see the module doc).
        simple: The config has no tools, automatic function calling settings or response
            schema: the call needs no AFC, MCP or parsing step.
    """

    __slots__ = ("coerced", "simple", "snapshot", "tail", "text_tail")

    def __init__(self, tail: bytes, coerced: Any, snapshot: Any, simple: bool) -> None:
        self.tail = tail
        self.text_tail = TEXT_END + tail
        self.coerced = coerced
        self.snapshot = snapshot
        self.simple = simple


class Table:
    """The entries kept for one backend and config type, and the last one found.

    Attributes:
        entries: MessagePack of a config -> its entry, oldest first.
        last: The key and entry :func:`find_kept` found last (``(b"", None)`` at first): a
            config reused call after call is matched by comparing bytes, without hashing
            its key.
    """

    __slots__ = ("entries", "last")

    def __init__(self) -> None:
        self.entries: dict[bytes, Prepared] = {}
        self.last: tuple[bytes, Prepared | None] = (b"", None)

    def __len__(self) -> int:
        return len(self.entries)


Key = tuple[Any, type[Any], bytes]  # (backend, config type, MessagePack of the config)


def find_kept(table: Table, config: Any) -> Prepared | None:
    """The entry of ``table`` built from a config equal to ``config``, if any.

    ``table`` is the one of ``config``'s backend and type (:meth:`PreparedConfigs.table`).
    Never raises: a config that cannot be encoded or compared finds nothing.
    """
    try:
        data = _encode(config)
        last = table.last
        if data == last[0]:
            entry = last[1]
        else:
            entry = table.entries.get(data)
            if entry is None:
                return None
            table.last = (data, entry)
        if entry is not None and config == entry.snapshot:
            return entry
    except Exception:  # a value MessagePack refuses, or whose == raises: no reuse
        pass
    return None


_LEAVES = (str, int, float, bytes)  # immutable, subclasses (enums) included


def _containers_copied(value: Any) -> Any:
    """A copy of a dict config's dicts and lists holding its own leaves (strings, numbers,
    bytes, ``None``): comparing the config with it compares leaves by identity first, so it
    walks little memory besides the containers.

    Raises:
        TypeError: A value that is neither an exact dict or list nor an immutable leaf (a
            dict or list subclass could be mutated behind the copy's back).
    """
    kind = type(value)
    if kind is dict:
        return {key: _containers_copied(item) for key, item in value.items()}
    if kind is list:
        return [_containers_copied(item) for item in value]
    if value is None or isinstance(value, _LEAVES):
        return value
    raise TypeError(f"not kept: a {kind.__name__} in a dict config")


class PreparedConfigs:
    """A bounded cache of :class:`Prepared` entries for one config type, per backend.

    Safe to share between threads: a race at worst builds a config twice.
    """

    def __init__(self, tp: type[Any], max_entries: int = MAX_ENTRIES) -> None:
        self._tp = tp
        self._max = max_entries
        self._tables: dict[tuple[Any, type[Any]], Table] = {}
        self._seen: dict[Key, None] = {}  # built once, not kept yet
        self._lock = threading.Lock()

    def table(self, backend: Any, kind: type[Any]) -> Table:
        """The (live) table of the configs of type ``kind`` kept for ``backend``."""
        tables = self._tables
        table = tables.get((backend, kind))
        if table is None:
            with self._lock:
                table = tables.setdefault((backend, kind), Table())
        return table

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
        table = self._tables.get((key[0], key[1]))
        if table is None:
            return None
        entry = table.entries.get(key[2])
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

        ``coerced`` is the config struct the build used (the struct a dict became, or the
        caller's struct). A dict that is not equal to its own decoded key (it holds
        something besides JSON values), or a struct that cannot be copied or is not equal to
        its copy, is not kept.
        """
        try:
            if key[1] is dict:
                if config != _decode(key[2]):
                    return
                snapshot = _containers_copied(config)
            else:
                snapshot = copy.deepcopy(config)
                if config != snapshot:
                    return
        except Exception:  # not copyable, or an == that raises: not kept
            return
        simple = (
            not coerced.tools
            and coerced.automatic_function_calling is None
            and coerced.response_schema is None
            and coerced.response_json_schema is None
        )
        entry = Prepared(tail, coerced if key[1] is dict else None, snapshot, simple)
        table = self.table(key[0], key[1])
        with self._lock:
            entries = table.entries
            if len(entries) >= self._max and key[2] not in entries:
                del entries[next(iter(entries))]  # the oldest entry
            entries[key[2]] = entry
            self._seen.pop(key, None)

    def clear(self) -> None:
        """Forget every entry and every key noted (the tables handed out stay live, empty)."""
        with self._lock:
            for table in self._tables.values():
                table.entries.clear()
                table.last = (b"", None)
            self._seen.clear()

    def __len__(self) -> int:
        return sum(len(table.entries) for table in self._tables.values())
