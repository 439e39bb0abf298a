"""``client.file_search_stores.documents``: the documents of a File Search store.

Documents are created by ``file_search_stores.import_file`` and
``upload_to_file_search_store``; here they are read, listed and deleted. Names are
``fileSearchStores/{store}/documents/{id}``; anything else is refused before a request is sent.

Document names are this module's (:func:`document_name`); store names are the stores' surface's,
which hands its naming rule over when it composes this one (``file_search_stores.documents``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._transformers import InvalidRequestError, Request, coerce_config
from ..pagers import AsyncPager
from ..types._file_search import (
    DeleteDocumentConfig,
    Document,
    FileSearchStore,
    GetDocumentConfig,
    ListDocumentsConfig,
    ListDocumentsResponse,
)
from ..types._http import HttpOptions
from ._toolkit import call, decode, page_query, require_developer_api, send

if TYPE_CHECKING:
    from .._api_client import ApiClient

__all__ = ["AsyncDocuments", "StoreNamer", "document_name"]

StoreNamer = Callable[[object, str], str]
"""A store's full name from a name or :class:`FileSearchStore` (``(value, path) -> name``)."""

_DOCUMENT = re.compile(r"^fileSearchStores/[A-Za-z0-9][A-Za-z0-9_-]*/documents/[A-Za-z0-9][\w-]*$")
_DEVELOPER_API_ONLY = "the Files and File Search APIs are Gemini Developer API only"


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


def _get_request(name: object, cfg: GetDocumentConfig) -> Request:
    """``documents.get``: ``GET fileSearchStores/{store}/documents/{id}``.

    Raises:
        InvalidRequestError: Not a document name.
    """
    return Request("GET", document_name(name), None, None, cfg.http_options)


def _delete_request(name: object, cfg: DeleteDocumentConfig) -> Request:
    """``documents.delete``: ``DELETE`` the document, ``?force=true|false`` when set.

    Raises:
        InvalidRequestError: Not a document name.
    """
    query = None if cfg.force is None else {"force": "true" if cfg.force else "false"}
    return Request("DELETE", document_name(name), query, None, cfg.http_options)


def _list_request(
    store: str, page_size: object, page_token: object, options: HttpOptions | None
) -> Request:
    """One page of ``documents.list``: ``GET {store}/documents?pageSize=&pageToken=``.

    Raises:
        InvalidRequestError: ``page_size`` is not a positive integer.
    """
    query = page_query(page_size, page_token)
    text = None if query is None else {key: str(value) for key, value in query.items()}
    return Request("GET", f"{store}/documents", text, None, options)


class AsyncDocuments:
    """``file_search_stores.documents`` on :class:`~genai_actors.AsyncClient`.

    Args:
        api_client: The client's HTTP seam.
        store_name: The rule naming a store (the owning ``file_search_stores`` surface's),
            applied to ``list(parent=...)``.
    """

    def __init__(self, api_client: ApiClient, store_name: StoreNamer) -> None:
        self._api = api_client
        self._store_name = store_name

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
        require_developer_api(self._api, "file_search_stores.documents.get", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, GetDocumentConfig)
        return await call(self._api, _get_request(name, cfg), Document)

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
        require_developer_api(self._api, "file_search_stores.documents.delete", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, DeleteDocumentConfig)
        await send(self._api, _delete_request(name, cfg))

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
        require_developer_api(self._api, "file_search_stores.documents.list", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, ListDocumentsConfig)
        store = self._store_name(parent, "parent")
        options = cfg.http_options

        async def fetch(config: dict[str, Any]) -> ListDocumentsResponse:
            request = _list_request(
                store, config.get("page_size"), config.get("page_token"), options
            )
            # Decoded without sdk_http_response: google-genai leaves it unset on these pages.
            return decode((await send(self._api, request)).content, ListDocumentsResponse)

        base = {"page_size": cfg.page_size, "page_token": cfg.page_token}
        return AsyncPager("documents", fetch, await fetch(base), base)
