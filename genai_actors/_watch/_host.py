"""``TreeHost``: a client's supervision trees, one per event loop, each started on first need.

Light on purpose: a client builds its host at construction, and nothing of the actor runtime
(``supervisors``, the watcher tree, anyio) is imported until the first watch or session starts
a tree (:meth:`TreeHost.ensure`).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from ..errors import ClientClosedError

if TYPE_CHECKING:
    from ._config import WatchConfig
    from ._tree import ClientTree

__all__ = ["TreeHost"]


class TreeHost:
    """Owns one :class:`ClientTree` per event loop for a client; the hub and sessions use it.

    Args:
        config: The watch settings (read on every scheduling decision, so changes apply live).
    """

    def __init__(self, config: WatchConfig | None = None) -> None:
        self._config = config
        self._trees: dict[asyncio.AbstractEventLoop, ClientTree] = {}
        self.closed = False

    @property
    def config(self) -> WatchConfig:
        """The watch settings (the defaults until one is assigned)."""
        config = self._config
        if config is None:
            from ._config import WatchConfig

            config = self._config = WatchConfig()
        return config

    @config.setter
    def config(self, value: WatchConfig) -> None:
        self._config = value

    @property
    def started(self) -> bool:
        """True if a tree was started in some loop (and the host is not closed since)."""
        return bool(self._trees)

    def _get_config(self) -> WatchConfig:
        config = self._config  # read on every scheduling decision: no property call once set
        return config if config is not None else self.config

    def current(self) -> ClientTree | None:
        """The running loop's tree if it is up, else None (starts nothing)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        tree = self._trees.get(loop)
        return None if tree is None or tree.stopped else tree

    async def ensure(self) -> ClientTree:
        """The running loop's tree, started on first need.

        Raises:
            ClientClosedError: The client is closed, or the tree could not start.

        Cancellation: a start in progress goes on in its own task; a later call waits for it.
        """
        if self.closed:
            raise ClientClosedError("the client is closed")
        loop = asyncio.get_running_loop()
        tree = self._trees.get(loop)
        if tree is None or tree.stopped:
            from ._tree import ClientTree  # the actor runtime loads with the first watch

            for other in [lp for lp in self._trees if lp.is_closed()]:
                del self._trees[other]
            tree = ClientTree(self._get_config)
            self._trees[loop] = tree
            tree.launch(loop)
        await tree.wait_started()
        return tree

    async def aclose(self) -> None:
        """Stops every tree (waiting for the one of the running loop); idempotent."""
        self.closed = True
        trees, self._trees = list(self._trees.values()), {}
        for tree in trees:
            await tree.stop()
