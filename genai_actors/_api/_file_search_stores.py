"""``client.file_search_stores``: File Search stores, imports, uploads, media, and waiting.

Stores hold documents chunked and embedded for retrieval (``tools=[{"file_search":
{"file_search_store_names": [...]}}]``). ``import_file`` (an uploaded file) and
``upload_to_file_search_store`` (the resumable protocol, whose final answer is an operation)
start long-running operations; :meth:`AsyncFileSearchStores.wait` and
:meth:`AsyncFileSearchStores.watch` follow them through the client's shared, supervised
watchers, resumable from the operation's name alone.

Store names are this surface's (:func:`store_name`); it hands that rule to the ``.documents``
surface it composes, which lists a store's documents.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar, overload

from supervisors import Backoff

from .._transformers import InvalidRequestError, Request, coerce_config, t_file_name, t_model
from .._watch import WatchStream
from ..errors import UnknownApiResponseError
from ..pagers import AsyncPager
from ..types._base import to_builtins
from ..types._file_search import (
    CreateFileSearchStoreConfig,
    CustomMetadata,
    DeleteFileSearchStoreConfig,
    DownloadMediaConfig,
    FileSearchStore,
    GetFileSearchStoreConfig,
    ImportFileConfig,
    ImportFileOperation,
    ListFileSearchStoresConfig,
    ListFileSearchStoresResponse,
    UploadToFileSearchStoreConfig,
    UploadToFileSearchStoreOperation,
)
from ..types._files import File
from ..types._http import HttpOptions
from ._documents import AsyncDocuments
from ._download import check_max_bytes, download_media
from ._operation_kinds import StoreOp, store_operation_class
from ._toolkit import call, check_timeout, decode, page_query, require_developer_api, send
from ._upload import guess_mime_type, open_source, resumable_upload

if TYPE_CHECKING:
    from .._api_client import ApiClient

__all__ = ["DEFAULT_IMPORT_TIMEOUT", "AsyncFileSearchStores", "store_name"]

OpT = TypeVar("OpT", ImportFileOperation, UploadToFileSearchStoreOperation)

DEFAULT_IMPORT_TIMEOUT = 900.0
"""Seconds ``wait`` waits for an import or upload when no ``timeout`` is given."""

_STORE = re.compile(r"^fileSearchStores/[A-Za-z0-9][A-Za-z0-9_-]*$")
_OPERATION = re.compile(
    r"^fileSearchStores/[A-Za-z0-9][A-Za-z0-9_-]*/(?:upload/)?operations/[A-Za-z0-9][\w-]*$"
)
_DEVELOPER_API_ONLY = "the Files and File Search APIs are Gemini Developer API only"


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


def _check_metadata(items: list[CustomMetadata] | None, path: str) -> None:
    for i, item in enumerate(items or ()):
        if not item.key:
            raise InvalidRequestError(f"{path}[{i}].key", "every custom metadata entry needs a key")
        values = [item.string_value, item.numeric_value, item.string_list_value]
        if sum(v is not None for v in values) != 1:
            raise InvalidRequestError(
                f"{path}[{i}]",
                "set exactly one of string_value, numeric_value, string_list_value",
            )


def _check_chunking(config: Any, path: str) -> None:
    white = getattr(getattr(config, "chunking_config", None), "white_space_config", None)
    if white is None:
        return
    for field in ("max_tokens_per_chunk", "max_overlap_tokens"):
        value = getattr(white, field)
        if value is not None and value < 0:
            raise InvalidRequestError(
                f"{path}.chunking_config.white_space_config.{field}", f"must be >= 0, got {value}"
            )


def _operation_name(operation: object) -> str:
    name = operation if isinstance(operation, str) else getattr(operation, "name", None)
    if not isinstance(name, str) or not _OPERATION.match(name):
        raise InvalidRequestError(
            "operation",
            f"expected an import/upload operation or its name "
            f"('fileSearchStores/<store>/operations/<id>'), got {name!r}",
        )
    return name


# ---------------------------------------------------------------------------- request builders


def _create_request(cfg: CreateFileSearchStoreConfig) -> Request:
    """``file_search_stores.create``: ``POST fileSearchStores`` (no body when nothing is set).

    Raises:
        InvalidRequestError: ``display_name`` over 512 characters, or a bad embedding model.
    """
    payload: dict[str, Any] = {}
    if cfg.display_name is not None:
        if len(cfg.display_name) > 512:
            raise InvalidRequestError("config.display_name", "must be at most 512 characters")
        payload["displayName"] = cfg.display_name
    if cfg.embedding_model is not None:
        payload["embeddingModel"] = t_model(cfg.embedding_model)
    return Request("POST", "fileSearchStores", None, payload or None, cfg.http_options)


def _get_request(name: object, cfg: GetFileSearchStoreConfig) -> Request:
    """``file_search_stores.get``: ``GET fileSearchStores/{id}``.

    Raises:
        InvalidRequestError: Not a store name.
    """
    return Request("GET", store_name(name), None, None, cfg.http_options)


def _delete_request(name: object, cfg: DeleteFileSearchStoreConfig) -> Request:
    """``file_search_stores.delete``: ``DELETE`` the store, ``?force=true|false`` when set.

    Raises:
        InvalidRequestError: Not a store name.
    """
    query = None if cfg.force is None else {"force": "true" if cfg.force else "false"}
    return Request("DELETE", store_name(name), query, None, cfg.http_options)


def _list_request(page_size: object, page_token: object, options: HttpOptions | None) -> Request:
    """One page of ``file_search_stores.list``: ``GET fileSearchStores?pageSize=&pageToken=``.

    Raises:
        InvalidRequestError: ``page_size`` is not a positive integer.
    """
    query = page_query(page_size, page_token)
    text = None if query is None else {key: str(value) for key, value in query.items()}
    return Request("GET", "fileSearchStores", text, None, options)


def _import_request(store: object, file_name: object, cfg: ImportFileConfig) -> Request:
    """``file_search_stores.import_file``: ``POST {store}:importFile``.

    Raises:
        InvalidRequestError: Bad custom metadata or chunking, or a bad store or file name.
    """
    _check_metadata(cfg.custom_metadata, "config.custom_metadata")
    _check_chunking(cfg, "config")
    path = f"{store_name(store, 'file_search_store_name')}:importFile"
    payload: dict[str, Any] = {"fileName": "files/" + t_file_name(file_name, "file_name")}
    extra = to_builtins(cfg)
    extra.pop("httpOptions", None)
    payload.update(extra)
    return Request("POST", path, None, payload, cfg.http_options)


def _operation_request(operation: object) -> Request:
    """A poll of an import or upload operation: ``GET`` its name.

    Raises:
        InvalidRequestError: Not an import/upload operation name.
    """
    return Request("GET", _operation_name(operation))


class AsyncFileSearchStores:
    """``client.file_search_stores`` on :class:`~genai_actors.AsyncClient`."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client
        self._documents: AsyncDocuments | None = None

    @property
    def documents(self) -> AsyncDocuments:
        """The stores' documents (get, list, delete)."""
        if self._documents is None:
            self._documents = AsyncDocuments(self._api, store_name)
        return self._documents

    async def create(
        self, *, config: CreateFileSearchStoreConfig | Mapping[str, Any] | None = None
    ) -> FileSearchStore:
        """Creates a store (``display_name``; ``embedding_model`` becomes ``models/<id>``).

        Raises:
            InvalidRequestError: A bad config (nothing is sent).
            APIError: The server refused (e.g. an unknown embedding model).
        """
        require_developer_api(self._api, "file_search_stores.create", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, CreateFileSearchStoreConfig)
        return await call(self._api, _create_request(cfg), FileSearchStore, idempotent=False)

    async def get(
        self,
        *,
        name: str | FileSearchStore,
        config: GetFileSearchStoreConfig | Mapping[str, Any] | None = None,
    ) -> FileSearchStore:
        """Fetches a store.

        Raises:
            InvalidRequestError: A bad name or config (nothing is sent).
            APIError: e.g. ``PermissionDeniedError`` for an unknown store.
        """
        require_developer_api(self._api, "file_search_stores.get", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, GetFileSearchStoreConfig)
        return await call(self._api, _get_request(name, cfg), FileSearchStore)

    async def delete(
        self,
        *,
        name: str | FileSearchStore,
        config: DeleteFileSearchStoreConfig | Mapping[str, Any] | None = None,
    ) -> None:
        """Deletes a store; ``config.force`` also deletes its documents (needed if it has any).

        Raises:
            InvalidRequestError: A bad name or config (nothing is sent).
            APIError: e.g. ``FailedPreconditionError`` for a non-empty store without force.
        """
        require_developer_api(self._api, "file_search_stores.delete", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, DeleteFileSearchStoreConfig)
        await send(self._api, _delete_request(name, cfg))

    async def list(
        self, *, config: ListFileSearchStoresConfig | Mapping[str, Any] | None = None
    ) -> AsyncPager[FileSearchStore]:
        """Lists stores, one page per request.

        Raises:
            InvalidRequestError: A bad config.
            APIError: The first page was refused.
        """
        require_developer_api(self._api, "file_search_stores.list", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, ListFileSearchStoresConfig)
        options = cfg.http_options

        async def fetch(config: dict[str, Any]) -> ListFileSearchStoresResponse:
            request = _list_request(config.get("page_size"), config.get("page_token"), options)
            # Decoded without sdk_http_response: google-genai leaves it unset on these pages.
            raw = await send(self._api, request)
            return decode(raw.content, ListFileSearchStoresResponse)

        base = {"page_size": cfg.page_size, "page_token": cfg.page_token}
        return AsyncPager("file_search_stores", fetch, await fetch(base), base)

    async def import_file(
        self,
        *,
        file_search_store_name: str | FileSearchStore,
        file_name: str | File,
        config: ImportFileConfig | Mapping[str, Any] | None = None,
    ) -> ImportFileOperation:
        """Imports an uploaded (ACTIVE) file into a store as a new document.

        Args:
            file_search_store_name: The store.
            file_name: The file (``files/<id>``, ``<id>``, a ``File`` or its URI).
            config: ``custom_metadata``, ``chunking_config``, ``http_options``.

        Returns:
            The operation; :meth:`wait` for it (``response.document_name`` once done).

        Raises:
            InvalidRequestError: Bad names or config (nothing is sent).
            APIError: e.g. an unknown store or file, or a file not yet ACTIVE.
        """
        require_developer_api(self._api, "file_search_stores.import_file", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, ImportFileConfig)
        request = _import_request(file_search_store_name, file_name, cfg)
        raw = await send(self._api, request, idempotent=False)
        return ImportFileOperation.from_api_response(raw.content)

    async def upload_to_file_search_store(
        self,
        *,
        file_search_store_name: str | FileSearchStore,
        file: str | os.PathLike[str] | BinaryIO,
        config: UploadToFileSearchStoreConfig | Mapping[str, Any] | None = None,
    ) -> UploadToFileSearchStoreOperation:
        """Uploads a file straight into a store (resumable, streamed, resumed after faults).

        Args:
            file_search_store_name: The store.
            file: A path, or a binary seekable file object (size measured from its position).
            config: ``mime_type`` (else guessed from the name), ``display_name``,
                ``custom_metadata``, ``chunking_config``, ``http_options``.

        Returns:
            The operation the upload started; :meth:`wait` for the document.

        Raises:
            FileNotFoundError / IsADirectoryError / PermissionError: The path cannot be read.
            InvalidRequestError: Bad names, config or file object (nothing is sent).
            APIError: The server refused (e.g. an unknown store).
            UploadError: The upload could not be completed after resuming.

        Cancellation: the upload session is cancelled server-side (best effort).
        """
        require_developer_api(
            self._api, "file_search_stores.upload_to_file_search_store", _DEVELOPER_API_ONLY
        )
        cfg = coerce_config(config, UploadToFileSearchStoreConfig)
        _check_metadata(cfg.custom_metadata, "config.custom_metadata")
        _check_chunking(cfg, "config")
        store = store_name(file_search_store_name, "file_search_store_name")
        metadata = to_builtins(cfg)
        metadata.pop("httpOptions", None)
        metadata.pop("shouldReturnHttpResponse", None)
        source = await open_source(file)
        try:
            final = await resumable_upload(
                self._api,
                start_path=f"upload/{{api_version}}/{store}:uploadToFileSearchStore",
                metadata=metadata,
                source=source,
                mime_type=guess_mime_type(source.path_name, cfg.mime_type),
                http_options=cfg.http_options,
            )
        finally:
            await source.aclose()
        if not isinstance(final, dict):
            raise UnknownApiResponseError("the final upload answer is not an operation")
        return UploadToFileSearchStoreOperation.from_api_response(final)

    async def download_media(
        self, *, media_id: str, config: DownloadMediaConfig | Mapping[str, Any] | None = None
    ) -> bytes:
        """Downloads a document's original bytes by the ``media_id`` grounding gives.

        Args:
            media_id: ``fileSearchStores/<store>/media/<blob>``.
            config: ``http_options``; ``max_bytes`` (default 256 MiB).

        Raises:
            InvalidRequestError: A malformed media id (nothing is sent).
            DownloadTooLargeError: Over ``max_bytes``.
            APIError: e.g. ``NotFoundError``.
        """
        require_developer_api(self._api, "file_search_stores.download_media", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, DownloadMediaConfig)
        clean = media_id.lstrip("/") if isinstance(media_id, str) else ""
        store, sep, blob = clean.partition("/media/")
        if not sep or not blob or "/" in blob or "?" in blob:
            raise InvalidRequestError(
                "media_id",
                f"invalid media id {media_id!r}: expected 'fileSearchStores/<store>/media/<blob>'",
            )
        store = store_name(store, "media_id")
        data = await download_media(
            self._api,
            f"{store}/media/{blob}",
            destination=None,
            max_bytes=check_max_bytes(cfg.max_bytes, "config.max_bytes"),
            http_options=cfg.http_options,
        )
        return data or b""

    # ------------------------------------------------------------------ operations

    async def get_operation(self, operation: OpT | str) -> StoreOp:
        """Fetches an import or upload operation (also ``client.operations.get``).

        Raises:
            InvalidRequestError: Not an import/upload operation name (nothing is sent).
            APIError: e.g. ``NotFoundError``.
        """
        raw = await send(self._api, _operation_request(operation))
        return store_operation_class(operation).from_api_response(raw.content)

    @overload
    async def wait(
        self,
        operation: OpT,
        *,
        timeout: float | None = ...,  # noqa: ASYNC109
        backoff: Backoff | None = ...,
    ) -> OpT: ...

    @overload
    async def wait(
        self,
        operation: str,
        *,
        timeout: float | None = ...,  # noqa: ASYNC109
        backoff: Backoff | None = ...,
    ) -> StoreOp: ...

    async def wait(
        self,
        operation: StoreOp | str,
        *,
        timeout: float | None = DEFAULT_IMPORT_TIMEOUT,  # noqa: ASYNC109 (on current_clock())
        backoff: Backoff | None = None,
    ) -> StoreOp:
        """Waits for an import or upload operation to finish and returns it (done).

        A failed import counts as done: it is returned with ``.error`` set. A name under
        ``.../upload/operations/`` gives an :class:`UploadToFileSearchStoreOperation`, other
        names an :class:`ImportFileOperation`.

        Args:
            operation: The operation or its name (enough to resume after a restart).
            timeout: Seconds (on ``supervisors.current_clock()``); ``None`` waits forever.
            backoff: The poll schedule (default: the watchers' schedule, 1 s growing to 30 s).

        Raises:
            WaitTimeoutError: ``timeout`` expired (``.last`` holds the last snapshot).
            InvalidRequestError: Not an import/upload operation (nothing is sent).
            InvalidOptionError: ``timeout`` is not a number of seconds >= 0 or ``None``.
            APIError: A poll failed for good (e.g. ``NotFoundError``).

        Cancellation: only this wait ends; the import goes on server-side.
        """
        limit = check_timeout(timeout)
        if isinstance(operation, ImportFileOperation | UploadToFileSearchStoreOperation) and (
            operation.done
        ):
            return operation
        name = _operation_name(operation)
        return await self._api.watchers.wait(
            name,
            self._fetcher(operation),
            _is_done,
            timeout=limit,
            kind="file_search_operation",
            backoff=backoff,
        )

    def watch(
        self, operation: StoreOp | str, *, backoff: Backoff | None = None
    ) -> WatchStream[StoreOp]:
        """A stream of the operation's states, ending with the done one.

        ``async with client.file_search_stores.watch(op) as states: async for s in states``.

        Raises:
            InvalidRequestError: Not an import/upload operation (raised here).
        """
        name = _operation_name(operation)
        return self._api.watchers.watch(
            name, self._fetcher(operation), _is_done, kind="file_search_operation", backoff=backoff
        )

    def _fetcher(self, operation: object) -> Any:
        cls = store_operation_class(operation)

        async def fetch(name: str) -> StoreOp:
            raw = await send(self._api, _operation_request(name))
            return cls.from_api_response(raw.content)

        return fetch


def _is_done(operation: StoreOp) -> bool:
    return bool(operation.done)
