"""File Search: stores, documents, the import/upload operations and the configs of their methods.

:class:`ImportFileOperation` and :class:`UploadToFileSearchStoreOperation` are
:class:`~genai_actors.types.Operation` subclasses whose ``response`` is typed
(``{parent, document_name}``); ``client.operations.get`` accepts them and returns the same class.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, ClassVar

import msgspec

from ._base import HttpResponse, _Wire, enum_of
from ._enums_more import (
    DocumentState,
)
from ._http import HttpOptions
from ._operations import Operation

__all__ = [
    "ChunkingConfig",
    "CreateFileSearchStoreConfig",
    "CustomMetadata",
    "DeleteDocumentConfig",
    "DeleteFileSearchStoreConfig",
    "Document",
    "DownloadMediaConfig",
    "FileSearchStore",
    "GetDocumentConfig",
    "GetFileSearchStoreConfig",
    "ImportFileConfig",
    "ImportFileOperation",
    "ImportFileResponse",
    "ListDocumentsConfig",
    "ListDocumentsResponse",
    "ListFileSearchStoresConfig",
    "ListFileSearchStoresResponse",
    "StringList",
    "UploadToFileSearchStoreConfig",
    "UploadToFileSearchStoreOperation",
    "UploadToFileSearchStoreResponse",
    "WhiteSpaceConfig",
]


class StringList(_Wire, kw_only=True):
    """A list of strings (a custom metadata value)."""

    values: list[str] | None = None


class CustomMetadata(_Wire, kw_only=True):
    """One ``key`` with one value: ``string_value``, ``numeric_value`` or ``string_list_value``."""

    key: str | None = None
    numeric_value: float | None = None
    string_list_value: StringList | None = None
    string_value: str | None = None


class WhiteSpaceConfig(_Wire, kw_only=True):
    """Chunking on white space: chunk size and overlap, in tokens."""

    max_tokens_per_chunk: int | None = None
    max_overlap_tokens: int | None = None


class ChunkingConfig(_Wire, kw_only=True):
    """How a document is cut into chunks."""

    white_space_config: WhiteSpaceConfig | None = None


class FileSearchStore(_Wire, kw_only=True):
    """A File Search store: documents, chunked and embedded for retrieval.

    Attributes:
        name: ``fileSearchStores/{id}``.
        display_name: The user-given label.
        create_time: When it was created.
        update_time: When it last changed.
        active_documents_count: Documents ready for retrieval.
        pending_documents_count: Documents still being processed.
        failed_documents_count: Documents that failed processing.
        size_bytes: Total size of the store's documents.
        embedding_model: ``models/{id}`` used to embed the chunks.
    """

    name: str | None = None
    display_name: str | None = None
    create_time: datetime.datetime | None = None
    update_time: datetime.datetime | None = None
    active_documents_count: int | None = None
    pending_documents_count: int | None = None
    failed_documents_count: int | None = None
    size_bytes: int | None = None
    embedding_model: str | None = None


class Document(_Wire, kw_only=True):
    """A document in a File Search store.

    Attributes:
        name: ``fileSearchStores/{store}/documents/{id}``.
        display_name: The user-given label.
        state: ``STATE_PENDING``, ``STATE_ACTIVE`` or ``STATE_FAILED``.
        size_bytes: Size of the source bytes.
        mime_type: The source's content type.
        create_time: When it was created.
        custom_metadata: The key/value metadata given at import or upload.
        update_time: When it last changed.
    """

    name: str | None = None
    display_name: str | None = None
    state: Annotated[DocumentState, enum_of(DocumentState, echoed=True)] | None = None
    size_bytes: int | None = None
    mime_type: str | None = None
    create_time: datetime.datetime | None = None
    custom_metadata: list[CustomMetadata] | None = None
    update_time: datetime.datetime | None = None


class CreateFileSearchStoreConfig(_Wire, kw_only=True):
    """Options of ``file_search_stores.create``; ``embedding_model`` becomes ``models/{id}``."""

    http_options: HttpOptions | None = None
    display_name: str | None = None
    embedding_model: str | None = None


class GetFileSearchStoreConfig(_Wire, kw_only=True):
    """Options of ``file_search_stores.get``."""

    http_options: HttpOptions | None = None


class DeleteFileSearchStoreConfig(_Wire, kw_only=True):
    """Options of ``file_search_stores.delete``: ``force`` also deletes its documents."""

    http_options: HttpOptions | None = None
    force: bool | None = None


class ListFileSearchStoresConfig(_Wire, kw_only=True):
    """Options of ``file_search_stores.list``."""

    http_options: HttpOptions | None = None
    page_size: int | None = None
    page_token: str | None = None


class ListFileSearchStoresResponse(_Wire, kw_only=True):
    """One page of ``file_search_stores.list``."""

    sdk_http_response: HttpResponse | None = None
    next_page_token: str | None = None
    file_search_stores: list[FileSearchStore] | None = None


class ImportFileConfig(_Wire, kw_only=True):
    """Options of ``file_search_stores.import_file``."""

    http_options: HttpOptions | None = None
    custom_metadata: list[CustomMetadata] | None = None
    chunking_config: ChunkingConfig | None = None


class UploadToFileSearchStoreConfig(_Wire, kw_only=True):
    """Options of ``file_search_stores.upload_to_file_search_store``.

    Attributes:
        http_options: Per-call HTTP options.
        should_return_http_response: Accepted for google-genai compatibility; ignored.
        mime_type: The content type; guessed from the file name when unset.
        display_name: The document's label.
        custom_metadata: The document's key/value metadata.
        chunking_config: How the document is cut into chunks.
    """

    http_options: HttpOptions | None = None
    should_return_http_response: bool | None = None
    mime_type: str | None = None
    display_name: str | None = None
    custom_metadata: list[CustomMetadata] | None = None
    chunking_config: ChunkingConfig | None = None


class DownloadMediaConfig(_Wire, kw_only=True):
    """Options of ``file_search_stores.download_media``.

    Attributes:
        http_options: Per-call HTTP options.
        max_bytes: Largest download accepted (default 256 MiB). Not a google-genai field.
    """

    http_options: HttpOptions | None = None
    max_bytes: int | None = None


class GetDocumentConfig(_Wire, kw_only=True):
    """Options of ``documents.get``."""

    http_options: HttpOptions | None = None


class DeleteDocumentConfig(_Wire, kw_only=True):
    """Options of ``documents.delete``: ``force`` also deletes its chunks."""

    http_options: HttpOptions | None = None
    force: bool | None = None


class ListDocumentsConfig(_Wire, kw_only=True):
    """Options of ``documents.list``."""

    http_options: HttpOptions | None = None
    page_size: int | None = None
    page_token: str | None = None


class ListDocumentsResponse(_Wire, kw_only=True):
    """One page of ``documents.list``."""

    sdk_http_response: HttpResponse | None = None
    next_page_token: str | None = None
    documents: list[Document] | None = None


class ImportFileResponse(_Wire, kw_only=True):
    """The result of an import: the store (``parent``) and the new ``document_name``."""

    sdk_http_response: HttpResponse | None = None
    parent: str | None = None
    document_name: str | None = None


class UploadToFileSearchStoreResponse(_Wire, kw_only=True):
    """The result of an upload: the store (``parent``) and the new ``document_name``."""

    sdk_http_response: HttpResponse | None = None
    parent: str | None = None
    document_name: str | None = None


def _result(response: dict[str, Any], tp: type[Any]) -> Any:
    try:
        return msgspec.convert(response, tp, strict=False)
    except msgspec.ValidationError:
        return None


class ImportFileOperation(Operation, kw_only=True):
    """The operation ``file_search_stores.import_file`` starts; done once the document is."""

    response: ImportFileResponse | None = None

    kind: ClassVar[str] = "import_file operation"

    @classmethod
    def _convert_response(
        cls, response: dict[str, Any], is_vertex_ai: bool
    ) -> ImportFileResponse | None:
        del is_vertex_ai
        result: ImportFileResponse | None = _result(response, ImportFileResponse)
        return result


class UploadToFileSearchStoreOperation(Operation, kw_only=True):
    """The operation ``upload_to_file_search_store`` answers; done once the document is."""

    response: UploadToFileSearchStoreResponse | None = None

    kind: ClassVar[str] = "upload_to_file_search_store operation"

    @classmethod
    def _convert_response(
        cls, response: dict[str, Any], is_vertex_ai: bool
    ) -> UploadToFileSearchStoreResponse | None:
        del is_vertex_ai
        result: UploadToFileSearchStoreResponse | None = _result(
            response, UploadToFileSearchStoreResponse
        )
        return result
