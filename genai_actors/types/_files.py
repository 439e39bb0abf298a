"""Files: :class:`File` and the configs and responses of ``client.files`` methods.

Integer sizes are ``int64`` on the wire, which the API serves as JSON strings (``"1234"``);
they decode to ``int``. ``sha256_hash`` is kept as the server sends it (base64 text), as in
google-genai.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ._base import HttpResponse, _Wire, enum_of
from ._construct import register_flexible
from ._enums_more import (
    FileSource,
    FileState,
)
from ._http import HttpOptions

__all__ = [
    "CreateFileConfig",
    "CreateFileResponse",
    "DeleteFileConfig",
    "DeleteFileResponse",
    "DownloadFileConfig",
    "File",
    "FileStatus",
    "GetFileConfig",
    "ListFilesConfig",
    "ListFilesResponse",
    "RegisterFilesConfig",
    "RegisterFilesResponse",
    "UploadFileConfig",
]


class FileStatus(_Wire, kw_only=True):
    """Why a file failed processing (a ``google.rpc.Status``)."""

    details: list[dict[str, Any]] | None = None
    message: str | None = None
    code: int | None = None


class File(_Wire, kw_only=True):
    """A file stored by the Files API.

    Attributes:
        name: ``files/{id}``.
        display_name: The user-given label.
        mime_type: The content type.
        size_bytes: Size in bytes.
        create_time: When it was created.
        expiration_time: When the service deletes it (48 hours after upload).
        update_time: When it last changed.
        sha256_hash: The SHA-256 of the bytes, as the server serves it (base64 text).
        uri: The URI to reference the file in a request (``Part.from_uri``).
        download_uri: For generated files only: where their bytes can be downloaded.
        state: ``PROCESSING``, ``ACTIVE`` or ``FAILED`` (:class:`~genai_actors.types.FileState`).
        source: ``UPLOADED``, ``GENERATED`` or ``REGISTERED``.
        video_metadata: Metadata of a video file.
        error: Why processing failed, when ``state`` is ``FAILED``.
    """

    name: str | None = None
    display_name: str | None = None
    mime_type: str | None = None
    size_bytes: int | None = None
    create_time: datetime.datetime | None = None
    expiration_time: datetime.datetime | None = None
    update_time: datetime.datetime | None = None
    sha256_hash: str | None = None
    uri: str | None = None
    download_uri: str | None = None
    state: Annotated[FileState, enum_of(FileState, echoed=True)] | None = None
    source: Annotated[FileSource, enum_of(FileSource, echoed=True)] | None = None
    video_metadata: dict[str, Any] | None = None
    error: FileStatus | None = None


class UploadFileConfig(_Wire, kw_only=True):
    """Options of ``files.upload``.

    Attributes:
        http_options: Per-call HTTP options (``timeout`` bounds each request of the upload).
        name: The file's name, ``files/{id}`` or just ``{id}`` (lower-case alphanumerics
            and dashes, at most 40); the server picks one when unset.
        mime_type: The content type; guessed from the file name when unset.
        display_name: A label of at most 512 characters.
    """

    http_options: HttpOptions | None = None
    name: str | None = None
    mime_type: str | None = None
    display_name: str | None = None


class CreateFileConfig(_Wire, kw_only=True):
    """Options of the upload start request (internal to ``files.upload``)."""

    http_options: HttpOptions | None = None
    should_return_http_response: bool | None = None


class CreateFileResponse(_Wire, kw_only=True):
    """The answer to an upload start request (its headers carry the upload URL)."""

    sdk_http_response: HttpResponse | None = None


class GetFileConfig(_Wire, kw_only=True):
    """Options of ``files.get``."""

    http_options: HttpOptions | None = None


class DeleteFileConfig(_Wire, kw_only=True):
    """Options of ``files.delete``."""

    http_options: HttpOptions | None = None


class DeleteFileResponse(_Wire, kw_only=True):
    """The (empty) answer to ``files.delete``."""

    sdk_http_response: HttpResponse | None = None


class DownloadFileConfig(_Wire, kw_only=True):
    """Options of ``files.download``.

    Attributes:
        http_options: Per-call HTTP options.
        max_bytes: Largest download accepted when returning bytes (no ``destination``);
            default 256 MiB. Not a google-genai field.
    """

    http_options: HttpOptions | None = None
    max_bytes: int | None = None


class ListFilesConfig(_Wire, kw_only=True):
    """Options of ``files.list``."""

    http_options: HttpOptions | None = None
    page_size: int | None = None
    page_token: str | None = None


class ListFilesResponse(_Wire, kw_only=True):
    """One page of ``files.list``."""

    sdk_http_response: HttpResponse | None = None
    next_page_token: str | None = None
    files: list[File] | None = None


class RegisterFilesConfig(_Wire, kw_only=True):
    """Options of ``files.register_files``."""

    http_options: HttpOptions | None = None
    should_return_http_response: bool | None = None


class RegisterFilesResponse(_Wire, kw_only=True):
    """The files created by ``files.register_files``."""

    sdk_http_response: HttpResponse | None = None
    files: list[File] | None = None


register_flexible(File)  # dicts in flexible fields become these (_construct)
