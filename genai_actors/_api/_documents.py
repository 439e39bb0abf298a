"""``client.file_search_stores.documents``: the documents of a File Search store.

Documents are created by ``file_search_stores.import_file`` and
``upload_to_file_search_store``; here they are read, listed and deleted. Names are
``fileSearchStores/{store}/documents/{id}``; anything else is refused before a request is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._transformers import InvalidRequestError, coerce_config
from ..pagers import AsyncPager, Pager
from ..types._file_search import (
    DeleteDocumentConfig,
    Document,
    FileSearchStore,
    GetDocumentConfig,
    ListDocumentsConfig,
    ListDocumentsResponse,
)
from ..types._http import HttpOptions
from ._files import check_page_size, decode, list_query, require_mldev

if TYPE_CHECKING:
    from .._api_client import ApiClient
    from .._sync import LoopThread

__all__ = ["AsyncDocuments", "Documents", "document_name", "store_name"]

_STORE = re.compile(r"^fileSearchStores/[A-Za-z0-9][A-Za-z0-9_-]*$")
_DOCUMENT = re.compile(r"^fileSearchStores/[A-Za-z0-9][A-Za-z0-9_-]*/documents/[A-Za-z0-9][\w-]*$")


def store_name(name: object, path: str = "name") -> str:
    """A store's full name from ``fileSearchStores/x``, ``x`` or a :class:`FileSearchStore`.

    Raises:
        InvalidRequestError: No name, or not a store name.
    """
    value = name.name if isinstance(name, FileSearchStore) else name
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(
            path, f"expected a store name such as 'fileSearchStores/abc', got {name!r}"
        )
    text = value.strip()
    if "/" not in text:
        text = f"fileSearchStores/{text}"
    if not _STORE.match(text):
        raise InvalidRequestError(
            path, f"invalid File Search store name {value!r}: expected 'fileSearchStores/<id>'"
        )
    return text


def document_name(name: object, path: str = "name") -> str:
    """A document's full name from ``fileSearchStores/s/documents/d`` or a :class:`Document`.

    Raises:
        InvalidRequestError: No name, or not a document name.
    """
    value = name.name if isinstance(name, Document) else name
    if not isinstance(value, str) or not _DOCUMENT.match(value.strip()):
        raise InvalidRequestError(
            path,
            f"invalid document name {value!r}: expected 'fileSearchStores/<store>/documents/<id>'",
        )
    return value.strip()


def _http_options(config: Any) -> HttpOptions | None:
    options = getattr(config, "http_options", None)
    return options if isinstance(options, HttpOptions) else None


class AsyncDocuments:
    """``file_search_stores.documents`` on :class:`~genai_actors.AsyncClient`."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client

    async def get(
        self,
        *,
        name: str | Document,
        config: GetDocumentConfig | Mapping[str, Any] | None = None,
    ) -> Document:
        """Fetches a document.

        Raises:
            InvalidRequestError: A bad name or config (nothing is sent).
            APIError: e.g. ``PermissionDeniedError`` for an unknown document.
        """
        require_mldev(self._api, "file_search_stores.documents.get")
        cfg = coerce_config(config, GetDocumentConfig)
        resp = await self._api.request("GET", document_name(name), http_options=_http_options(cfg))
        return decode(resp.content, Document)

    async def delete(
        self,
        *,
        name: str | Document,
        config: DeleteDocumentConfig | Mapping[str, Any] | None = None,
    ) -> None:
        """Deletes a document; ``config.force`` also deletes its chunks (needed once indexed).

        Raises:
            InvalidRequestError: A bad name or config (nothing is sent).
            APIError: e.g. ``FailedPreconditionError`` for an indexed document without force.
        """
        require_mldev(self._api, "file_search_stores.documents.delete")
        cfg = coerce_config(config, DeleteDocumentConfig)
        query = None if cfg.force is None else {"force": cfg.force}
        await self._api.request(
            "DELETE", document_name(name), query=query, http_options=_http_options(cfg)
        )

    async def list(
        self,
        *,
        parent: str | FileSearchStore,
        config: ListDocumentsConfig | Mapping[str, Any] | None = None,
    ) -> AsyncPager[Document]:
        """Lists a store's documents, one page per request.

        Raises:
            InvalidRequestError: A bad store name or config (nothing is sent).
            APIError: The first page was refused.
        """
        require_mldev(self._api, "file_search_stores.documents.list")
        cfg = coerce_config(config, ListDocumentsConfig)
        check_page_size(cfg)
        path = store_name(parent, "parent") + "/documents"
        options = _http_options(cfg)

        async def fetch(config: dict[str, Any]) -> ListDocumentsResponse:
            resp = await self._api.request(
                "GET", path, query=list_query(config), http_options=options
            )
            page = decode(resp.content, ListDocumentsResponse)
            return page

        base = {"page_size": cfg.page_size, "page_token": cfg.page_token}
        return AsyncPager("documents", fetch, await fetch(base), base)


class Documents:
    """``file_search_stores.documents`` on the blocking :class:`~genai_actors.Client`."""

    def __init__(self, aio: AsyncDocuments, bridge: LoopThread) -> None:
        self._aio = aio
        self._bridge = bridge

    def get(
        self,
        *,
        name: str | Document,
        config: GetDocumentConfig | Mapping[str, Any] | None = None,
    ) -> Document:
        """Blocking :meth:`AsyncDocuments.get`."""
        return self._bridge.run(self._aio.get(name=name, config=config))

    def delete(
        self,
        *,
        name: str | Document,
        config: DeleteDocumentConfig | Mapping[str, Any] | None = None,
    ) -> None:
        """Blocking :meth:`AsyncDocuments.delete`."""
        self._bridge.run(self._aio.delete(name=name, config=config))

    def list(
        self,
        *,
        parent: str | FileSearchStore,
        config: ListDocumentsConfig | Mapping[str, Any] | None = None,
    ) -> Pager[Document]:
        """Blocking :meth:`AsyncDocuments.list`: a :class:`~genai_actors.pagers.Pager`."""
        return self._bridge.pager(self._bridge.run(self._aio.list(parent=parent, config=config)))
