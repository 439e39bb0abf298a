"""`Registry`: names for actors. An entry disappears when its actor exits for good.

A restart does not remove the entry: the `ActorRef` is stable across restarts. The registry is
plain in-process state, safe to use from any task on the event loop's thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._actor import STOPPING, ActorRef
from ._exceptions import ActorExited, AlreadyRegistered

__all__ = ["Registry"]


class Registry:
    """A name → `ActorRef` map with unique names and automatic cleanup on actor exit."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[Any, ActorRef] = {}

    def register(self, name: Any, ref: ActorRef) -> None:
        """Register `ref` under `name`.

        Raises:
            AlreadyRegistered: `name` belongs to another live actor.
            ActorExited: `ref`'s actor is dead or stopping.
        """
        cell = ref._cell
        if cell.state >= STOPPING:
            raise ActorExited(cell.reason)
        current = self._entries.get(name)
        if current is not None and current != ref and current.alive:
            raise AlreadyRegistered(f"name {name!r} is already registered")
        if current == ref:
            return
        self._entries[name] = ref
        if cell.names is None:
            cell.names = []
        cell.names.append((self, name))

    def unregister(self, name: Any) -> bool:
        """Remove `name`. Returns False if it was not registered."""
        ref = self._entries.pop(name, None)
        if ref is None:
            return False
        names = ref._cell.names
        if names is not None:
            try:
                names.remove((self, name))
            except ValueError:
                pass
        return True

    def lookup(self, name: Any) -> ActorRef | None:
        """Return the live actor registered under `name`, or None."""
        ref = self._entries.get(name)
        return ref if ref is not None and ref.alive else None

    def __getitem__(self, name: Any) -> ActorRef:
        ref = self.lookup(name)
        if ref is None:
            raise KeyError(name)
        return ref

    def __contains__(self, name: object) -> bool:
        return self.lookup(name) is not None

    def __iter__(self) -> Iterator[Any]:
        return iter([name for name, ref in self._entries.items() if ref.alive])

    def __len__(self) -> int:
        return sum(1 for ref in self._entries.values() if ref.alive)

    def _forget(self, name: Any, ref: ActorRef) -> None:
        if self._entries.get(name) == ref:
            del self._entries[name]

    def __repr__(self) -> str:
        return f"<Registry {len(self)} names>"
