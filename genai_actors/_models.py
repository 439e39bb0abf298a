"""Placeholder for ``client.models``: replaced by the models engineer with the real methods.

``AsyncModels`` takes the :class:`~genai_actors._api_client.ApiClient`; the blocking ``Models``
wraps an ``AsyncModels`` and runs its coroutines through the client's loop-thread bridge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._api_client import ApiClient
    from ._sync import LoopThread

__all__ = ["AsyncModels", "Models"]


class AsyncModels:
    """``client.models`` on :class:`~genai_actors.AsyncClient` (methods to come)."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client


class Models:
    """``client.models`` on the blocking :class:`~genai_actors.Client` (methods to come)."""

    def __init__(self, aio: AsyncModels, bridge: LoopThread) -> None:
        self._aio = aio
        self._bridge = bridge
