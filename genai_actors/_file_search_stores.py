"""``client.file_search_stores``: File Search stores and their documents (being built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._api_client import ApiClient
    from ._sync import LoopThread

__all__ = ["AsyncFileSearchStores", "FileSearchStores"]


class AsyncFileSearchStores:
    """File Search stores and their documents on :class:`~genai_actors.AsyncClient`."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client


class FileSearchStores:
    """File Search stores and their documents on the blocking :class:`~genai_actors.Client`."""

    def __init__(self, aio: AsyncFileSearchStores, bridge: LoopThread) -> None:
        self._aio = aio
        self._bridge = bridge
