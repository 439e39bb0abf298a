"""``client.files``: resumable uploads, metadata, listing, deletion, downloads, registration.

Every method is the Gemini Developer API's (``files/{id}`` under the client's API version, the
upload under ``upload/{api_version}/files``, as google-genai 3.x sends them). Beyond
google-genai: uploads stream from disk and resume after faults (see ``_upload``), MIME types
are guessed sanely, ``wait_active`` waits for a file to leave ``PROCESSING`` (through the
client's shared, supervised watchers), and downloads stream to disk or are capped in memory.

File names are accepted as ``files/abc``, ``abc``, a :class:`~genai_actors.types.File`, a
``Video``/``GeneratedVideo``, or a file URI (``https://.../files/abc...``); anything that does
not reduce to a valid id (lower-case letters, digits and dashes, at most 40) is refused before a
request is sent.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, overload

import anyio.to_thread
import msgspec

from supervisors import Backoff

from .._transformers import InvalidRequestError, Request, coerce_config, t_file_name
from ..errors import FileProcessingError, UnknownApiResponseError
from ..pagers import AsyncPager
from ..types._base import dec_hook
from ..types._files import (
    DeleteFileConfig,
    DeleteFileResponse,
    DownloadFileConfig,
    File,
    GetFileConfig,
    ListFilesConfig,
    ListFilesResponse,
    RegisterFilesConfig,
    RegisterFilesResponse,
    UploadFileConfig,
)
from ..types._http import HttpOptions
from ..types._media import GeneratedVideo, Video
from ._download import check_destination, check_max_bytes, download_media
from ._toolkit import call, check_timeout, page_query, require_developer_api
from ._upload import guess_mime_type, open_source, resumable_upload

if TYPE_CHECKING:
    from .._api_client import ApiClient

__all__ = ["DEFAULT_ACTIVE_TIMEOUT", "AsyncFiles"]

DEFAULT_ACTIVE_TIMEOUT = 600.0
"""Seconds ``wait_active`` waits for processing when no ``timeout`` is given."""

_ACTIVE_BACKOFF = Backoff(1.0, 10.0, multiplier=1.5, jitter=0.2)
_DEVELOPER_API_ONLY = "the Files and File Search APIs are Gemini Developer API only"


# ---------------------------------------------------------------------------- request builders


def _get_request(name: object, cfg: GetFileConfig) -> Request:
    """``files.get``: ``GET files/{id}``.

    Raises:
        InvalidRequestError: Not a file name.
    """
    return Request("GET", f"files/{t_file_name(name)}", None, None, cfg.http_options)


def _delete_request(name: object, cfg: DeleteFileConfig) -> Request:
    """``files.delete``: ``DELETE files/{id}``.

    Raises:
        InvalidRequestError: Not a file name.
    """
    return Request("DELETE", f"files/{t_file_name(name)}", None, None, cfg.http_options)


def _list_request(page_size: object, page_token: object, options: HttpOptions | None) -> Request:
    """One page of ``files.list``: ``GET files?pageSize=&pageToken=``.

    Raises:
        InvalidRequestError: ``page_size`` is not a positive integer.
    """
    query = page_query(page_size, page_token)
    text = None if query is None else {key: str(value) for key, value in query.items()}
    return Request("GET", "files", text, None, options)


def _register_request(uris: object, cfg: RegisterFilesConfig) -> Request:
    """``files.register_files``: ``POST files:register`` with the ``gs://`` URIs.

    Raises:
        InvalidRequestError: No URIs, or a URI that is not ``gs://bucket/object``.
    """
    if not isinstance(uris, list | tuple) or not uris:
        raise InvalidRequestError("uris", "expected a non-empty list of gs:// URIs")
    for i, uri in enumerate(uris):
        bucket, _, obj = str(uri).removeprefix("gs://").partition("/")
        if not isinstance(uri, str) or not uri.startswith("gs://") or not bucket or not obj:
            raise InvalidRequestError(f"uris[{i}]", f"expected gs://bucket/object, got {uri!r}")
    return Request("POST", "files:register", None, {"uris": list(uris)}, cfg.http_options)


def _check_name_length(value: str | None, path: str, limit: int = 512) -> None:
    if value is not None and len(value) > limit:
        raise InvalidRequestError(path, f"must be at most {limit} characters, got {len(value)}")


# ---------------------------------------------------------------------------- async module


class AsyncFiles:
    """``client.files`` on :class:`~genai_actors.AsyncClient` (Gemini Developer API only)."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client

    async def upload(
        self,
        *,
        file: str | os.PathLike[str] | BinaryIO,
        config: UploadFileConfig | Mapping[str, Any] | None = None,
    ) -> File:
        """Uploads a file with the resumable protocol, streaming it from disk.

        Args:
            file: A path, or a binary, seekable file object positioned where the upload
                begins (its size is measured from there; it is not closed).
            config: ``name`` (``files/<id>`` or ``<id>``), ``display_name`` (≤ 512
                characters), ``mime_type`` (else guessed from the name; else
                ``application/octet-stream``), ``http_options``.

        Returns:
            The stored file. Large and video files may still be ``PROCESSING``: see
            :meth:`wait_active`.

        Raises:
            FileNotFoundError / IsADirectoryError / PermissionError: The path cannot be read.
            InvalidRequestError: A bad config, name, or file object (nothing is sent).
            UnsupportedByBackendError: On Vertex AI.
            APIError: The server refused (e.g. ``ConflictError`` for a taken name).
            UploadError: The upload could not be completed after resuming.
            TransportError: The connection kept failing.

        Cancellation: the chunk in flight is aborted and the upload session is cancelled
        server-side (best effort), so no file is created, unless the server had already
        accepted the final chunk.
        """
        require_developer_api(self._api, "files.upload", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, UploadFileConfig)
        name = None if cfg.name is None else "files/" + t_file_name(cfg.name, "config.name")
        _check_name_length(cfg.display_name, "config.display_name")
        source = await open_source(file)
        try:
            mime = guess_mime_type(source.path_name, cfg.mime_type)
            metadata: dict[str, Any] = {"file": {}}
            meta = metadata["file"]
            if name is not None:
                meta["name"] = name
            if cfg.display_name is not None:
                meta["displayName"] = cfg.display_name
            meta["mimeType"] = mime
            meta["sizeBytes"] = source.size
            final = await resumable_upload(
                self._api,
                start_path="upload/{api_version}/files",
                metadata=metadata,
                source=source,
                mime_type=mime,
                http_options=cfg.http_options,
            )
        finally:
            await source.aclose()
        if not isinstance(final, dict) or not isinstance(final.get("file"), dict):
            raise UnknownApiResponseError("the final upload answer carried no file")
        try:
            return msgspec.convert(final["file"], File, strict=False, dec_hook=dec_hook)
        except msgspec.ValidationError as exc:
            raise UnknownApiResponseError(f"unexpected File in the upload answer: {exc}") from None

    async def get(
        self, *, name: str | File, config: GetFileConfig | Mapping[str, Any] | None = None
    ) -> File:
        """Fetches a file's metadata.

        Raises:
            InvalidRequestError: A bad name or config (nothing is sent).
            APIError: e.g. ``PermissionDeniedError`` / ``NotFoundError`` for an unknown file.
        """
        require_developer_api(self._api, "files.get", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, GetFileConfig)
        return await call(self._api, _get_request(name, cfg), File)

    async def delete(
        self, *, name: str | File, config: DeleteFileConfig | Mapping[str, Any] | None = None
    ) -> DeleteFileResponse:
        """Deletes a file.

        Raises:
            InvalidRequestError: A bad name or config (nothing is sent).
            APIError: e.g. ``PermissionDeniedError`` for an unknown file.
        """
        require_developer_api(self._api, "files.delete", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, DeleteFileConfig)
        return await call(self._api, _delete_request(name, cfg), DeleteFileResponse)

    async def list(
        self, *, config: ListFilesConfig | Mapping[str, Any] | None = None
    ) -> AsyncPager[File]:
        """Lists files, one page per request (``async for f in await client.files.list()``).

        Raises:
            InvalidRequestError: A bad config (e.g. ``page_size`` ≤ 0).
            APIError: The first page was refused.
        """
        require_developer_api(self._api, "files.list", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, ListFilesConfig)
        options = cfg.http_options

        async def fetch(config: dict[str, Any]) -> ListFilesResponse:
            request = _list_request(config.get("page_size"), config.get("page_token"), options)
            return await call(self._api, request, ListFilesResponse)

        base = {"page_size": cfg.page_size, "page_token": cfg.page_token}
        return AsyncPager("files", fetch, await fetch(base), base)

    @overload
    async def download(
        self,
        *,
        file: str | File | Video | GeneratedVideo,
        destination: None = None,
        config: DownloadFileConfig | Mapping[str, Any] | None = None,
    ) -> bytes: ...

    @overload
    async def download(
        self,
        *,
        file: str | File | Video | GeneratedVideo,
        destination: str | os.PathLike[str] | BinaryIO,
        config: DownloadFileConfig | Mapping[str, Any] | None = None,
    ) -> None: ...

    async def download(
        self,
        *,
        file: str | File | Video | GeneratedVideo,
        destination: str | os.PathLike[str] | BinaryIO | None = None,
        config: DownloadFileConfig | Mapping[str, Any] | None = None,
    ) -> bytes | None:
        """Downloads a generated file's bytes (only generated files have a ``download_uri``).

        Args:
            file: A name, URI, ``File``, ``Video`` or ``GeneratedVideo``.
            destination: A path (written via a temporary file renamed into place when
                complete), a writable binary file object, or ``None`` to get the bytes
                (also set as ``video_bytes`` on a ``Video``/``GeneratedVideo`` argument).
            config: ``http_options``; ``max_bytes``, the cap when returning bytes (256 MiB).

        Returns:
            The bytes with no destination, else ``None``.

        Raises:
            InvalidRequestError: A bad name or config, or a ``File`` without ``download_uri``.
            FileNotFoundError / IsADirectoryError: The destination's folder is missing, or
                the destination is a folder (raised before any request).
            DownloadTooLargeError: Over ``max_bytes`` (nothing returned).
            APIError: e.g. 400 for an uploaded file, 403 for an unknown one.
            StreamCutError: The body was cut; a destination path is left untouched.

        Cancellation: the connection is closed; a destination path is left untouched.
        """
        require_developer_api(self._api, "files.download", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, DownloadFileConfig)
        if isinstance(file, File) and file.download_uri is None:
            raise InvalidRequestError(
                "file",
                "only generated files (with a download_uri) can be downloaded; uploaded files "
                "cannot",
            )
        ident = t_file_name(file, "file")
        limit = check_max_bytes(cfg.max_bytes, "config.max_bytes")
        target = await anyio.to_thread.run_sync(check_destination, destination)
        data: bytes | None = await download_media(
            self._api,
            f"files/{ident}:download",
            destination=target,
            max_bytes=limit,
            http_options=cfg.http_options,
        )
        if data is not None:
            if isinstance(file, Video):
                file.video_bytes = data
            elif isinstance(file, GeneratedVideo) and file.video is not None:
                file.video.video_bytes = data
        return data

    async def register_files(
        self,
        *,
        auth: Any,
        uris: builtins.list[str],
        config: RegisterFilesConfig | Mapping[str, Any] | None = None,
    ) -> RegisterFilesResponse:
        """Registers Cloud Storage objects (``gs://bucket/object``) as files.

        Args:
            auth: Google credentials for the objects: a ``google.auth`` credentials object
                (refreshed in a worker thread when not valid; its ``quota_project_id`` is sent
                as ``x-goog-user-project``) or an OAuth access token string.
            uris: The ``gs://`` URIs (at least one).
            config: ``http_options``.

        Raises:
            InvalidRequestError: No URIs, a URI that is not ``gs://bucket/object``, or
                unusable ``auth`` (nothing is sent).
            APIError: The server refused (e.g. ``UnauthenticatedError``).
        """
        require_developer_api(self._api, "files.register_files", _DEVELOPER_API_ONLY)
        cfg = coerce_config(config, RegisterFilesConfig)
        request = _register_request(uris, cfg)
        headers = await _auth_headers(auth)
        return await call(self._api, request, RegisterFilesResponse, headers=headers)

    async def wait_active(
        self,
        file: str | File,
        *,
        timeout: float | None = DEFAULT_ACTIVE_TIMEOUT,  # noqa: ASYNC109 (on current_clock())
        backoff: Backoff | None = None,
    ) -> File:
        """Waits until a file has finished processing, and returns it ``ACTIVE``.

        Uploaded videos and large files start ``PROCESSING`` and cannot be used in a request
        until ``ACTIVE``. Polls share the client's supervised watchers (one poll serves every
        waiter on the same file).

        Args:
            file: The file or its name; a ``File`` already ``ACTIVE`` returns at once.
            timeout: Seconds (on ``supervisors.current_clock()``); ``None`` waits forever.
            backoff: The poll schedule (default: 1 s, then 1.5 times longer per poll, at most 10 s).

        Returns:
            The ``ACTIVE`` file.

        Raises:
            FileProcessingError: The file's processing FAILED (``.file`` holds it).
            WaitTimeoutError: ``timeout`` expired (``.last`` holds the last snapshot).
            InvalidRequestError: A bad name (nothing is sent).
            InvalidOptionError: ``timeout`` is not a number of seconds >= 0 or ``None``.
            APIError: e.g. the file does not exist (``PermissionDeniedError``).

        Cancellation: only this wait ends; processing goes on server-side.
        """
        require_developer_api(self._api, "files.wait_active", _DEVELOPER_API_ONLY)
        limit = check_timeout(timeout)
        if isinstance(file, File) and file.state == "ACTIVE":
            return file
        if isinstance(file, File) and file.state == "FAILED":
            raise FileProcessingError(file)
        name = "files/" + t_file_name(file, "file")

        async def fetch(name: str) -> File:
            return await self.get(name=name)

        result = await self._api.watchers.wait(
            name,
            fetch,
            _processed,
            timeout=limit,
            kind="file",
            backoff=backoff or _ACTIVE_BACKOFF,
        )
        if result.state == "FAILED":
            raise FileProcessingError(result)
        return result


def _processed(file: File) -> bool:
    return file.state != "PROCESSING"


async def _auth_headers(auth: Any) -> dict[str, str]:
    if isinstance(auth, str):
        token = auth.strip()
        if not token:
            raise InvalidRequestError("auth", "the access token is empty")
        return {"authorization": f"Bearer {token}"}
    if not hasattr(auth, "token"):
        raise InvalidRequestError(
            "auth",
            f"expected google.auth credentials or an access token, got {type(auth).__name__}",
        )
    if not getattr(auth, "valid", True) or not getattr(auth, "token", None):
        await anyio.to_thread.run_sync(_refresh, auth)
    fresh = getattr(auth, "token", None)
    if not isinstance(fresh, str) or not fresh:
        raise InvalidRequestError("auth", "the credentials produced no access token")
    headers = {"authorization": f"Bearer {fresh}"}
    project = getattr(auth, "quota_project_id", None)
    if isinstance(project, str) and project:
        headers["x-goog-user-project"] = project
    return headers


def _refresh(credentials: Any) -> None:
    try:
        from google.auth.transport.requests import Request  # optional dependency
    except ImportError as exc:
        raise InvalidRequestError(
            "auth",
            "the credentials need refreshing, which needs google-auth[requests]; pass a "
            "fresh access token instead",
        ) from exc
    credentials.refresh(Request())
