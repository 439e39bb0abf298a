"""``client.files``: Files (upload, download, list, delete) (being built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._api_client import ApiClient
    from ._sync import LoopThread

__all__ = ["AsyncFiles", "Files"]


class AsyncFiles:
    """Files (upload, download, list, delete) on :class:`~genai_actors.AsyncClient`."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client


class Files:
    """Files (upload, download, list, delete) on the blocking :class:`~genai_actors.Client`."""

    def __init__(self, aio: AsyncFiles, bridge: LoopThread) -> None:
        self._aio = aio
        self._bridge = bridge
