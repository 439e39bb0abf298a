"""Placeholder for ``client.operations``: replaced later with the real methods.

``AsyncOperations`` takes the :class:`~genai_actors._api_client.ApiClient`; the blocking
``Operations`` wraps an ``AsyncOperations`` and runs its coroutines through the client's
loop-thread bridge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._api_client import ApiClient
    from ._sync import LoopThread

__all__ = ["AsyncOperations", "Operations"]


class AsyncOperations:
    """``client.operations`` on :class:`~genai_actors.AsyncClient` (methods to come)."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client


class Operations:
    """``client.operations`` on the blocking :class:`~genai_actors.Client` (methods to come)."""

    def __init__(self, aio: AsyncOperations, bridge: LoopThread) -> None:
        self._aio = aio
        self._bridge = bridge
