"""``client.auth_tokens``: Ephemeral auth tokens for Live (being built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._api_client import ApiClient
    from ._sync import LoopThread

__all__ = ["AsyncTokens", "Tokens"]


class AsyncTokens:
    """Ephemeral auth tokens for Live on :class:`~genai_actors.AsyncClient`."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client


class Tokens:
    """Ephemeral auth tokens for Live on the blocking :class:`~genai_actors.Client`."""

    def __init__(self, aio: AsyncTokens, bridge: LoopThread) -> None:
        self._aio = aio
        self._bridge = bridge
