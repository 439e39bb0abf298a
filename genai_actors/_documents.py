"""``client.documents``: Documents in a File Search store (being built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._api_client import ApiClient
    from ._sync import LoopThread

__all__ = ["AsyncDocuments", "Documents"]


class AsyncDocuments:
    """Documents in a File Search store on :class:`~genai_actors.AsyncClient`."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client


class Documents:
    """Documents in a File Search store on the blocking :class:`~genai_actors.Client`."""

    def __init__(self, aio: AsyncDocuments, bridge: LoopThread) -> None:
        self._aio = aio
        self._bridge = bridge
