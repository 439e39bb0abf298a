"""The bounded queue between a session's socket reader and the code reading the session.

One producer (the reader) and any number of consumers, on one event loop. ``put`` waits while
the queue is full, so an unread session stops reading its socket (TCP backpressure) instead of
buffering without bound; ``get`` waits while it is empty. After ``close``, ``get`` drains what
is left and then raises :class:`EndOfInbox`; ``put`` drops the item. Cheaper per item than an
anyio memory stream: no checkpoint when an item or room is already there.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

__all__ = ["EndOfInbox", "Inbox"]


class EndOfInbox(Exception):
    """The inbox is closed and empty."""


class Inbox:
    """A bounded FIFO of server messages (see the module docstring).

    Args:
        size: Items held before ``put`` waits.
    """

    def __init__(self, size: int) -> None:
        self._items: deque[Any] = deque()
        self._size = max(1, size)
        self._getters: deque[asyncio.Future[None]] = deque()
        self._putter: asyncio.Future[None] | None = None
        self.closed = False

    def __len__(self) -> int:
        return len(self._items)

    def put_nowait(self, item: Any) -> bool:
        """Append ``item`` without waiting (dropped once closed); False when the inbox is full
        (then nothing was added: ``await put(item)``)."""
        if self.closed:
            return True
        if len(self._items) >= self._size:
            return False
        self._items.append(item)
        if self._getters:
            self._wake_getter()
        return True

    async def put(self, item: Any) -> None:
        """Append ``item``, waiting while the inbox is full (dropped once closed)."""
        while len(self._items) >= self._size and not self.closed:
            self._putter = waiter = asyncio.get_running_loop().create_future()
            await waiter
        if self.closed:
            return
        self._items.append(item)
        self._wake_getter()

    async def get(self) -> Any:
        """The oldest item, waiting while there is none.

        Raises:
            EndOfInbox: Closed and empty.
        """
        while not self._items:
            if self.closed:
                raise EndOfInbox
            waiter = asyncio.get_running_loop().create_future()
            self._getters.append(waiter)
            try:
                await waiter
            except BaseException:
                if waiter in self._getters:
                    self._getters.remove(waiter)
                if self._items and not waiter.cancelled():
                    self._wake_getter()
                raise
        return self.get_nowait()

    def get_nowait(self) -> Any:
        """The oldest item, without waiting.

        Raises:
            IndexError: The inbox is empty.
        """
        item = self._items.popleft()
        putter = self._putter
        if putter is not None and not putter.done():
            putter.set_result(None)
        return item

    def close(self) -> None:
        """No more items: waiting getters see the end once the inbox is drained."""
        self.closed = True
        while self._getters:
            waiter = self._getters.popleft()
            if not waiter.done():
                waiter.set_result(None)
        putter = self._putter
        if putter is not None and not putter.done():
            putter.set_result(None)

    def _wake_getter(self) -> None:
        while self._getters:
            waiter = self._getters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
