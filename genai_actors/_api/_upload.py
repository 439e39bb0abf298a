"""The resumable upload engine shared by ``files.upload`` and File Search uploads.

The protocol, as the API and google-genai speak it: a *start* request (JSON metadata,
``X-Goog-Upload-Command: start``) answers an upload URL in ``x-goog-upload-url``; the bytes
then go in 8 MiB chunks (``X-Goog-Upload-Command: upload`` with ``X-Goog-Upload-Offset``),
the last one with ``upload, finalize``; every answer carries ``x-goog-upload-status``
(``active`` while more is expected, ``final`` once done, with the resource as JSON body). A
0-byte file is one ``upload, finalize`` chunk with an empty body.

Beyond google-genai: the source is streamed from disk in chunks read off the event loop (memory
stays at about one chunk whatever the file size), and an interrupted chunk (connection dropped,
5xx, 429, timeout) is *resumed*: the engine asks the server how much it holds (``X-Goog-Upload-
Command: query`` → ``x-goog-upload-size-received``), seeks there and continues, with backoff,
up to :data:`MAX_CHUNK_FAILURES` failures in a row. If the call is cancelled or fails for good,
the session is cancelled server-side (best effort) so nothing half-uploaded lingers.

MIME types: an explicit ``mime_type`` wins; else a table of source and text extensions that
``mimetypes`` gets wrong or does not know (``.ts`` is TypeScript, not MPEG-TS); else
``mimetypes``; else ``application/octet-stream``.
"""

from __future__ import annotations

import io
import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import parse_qsl, urlsplit

import anyio
import anyio.to_thread
import msgspec

from supervisors import Backoff, current_clock

from .. import _log
from .._transformers import InvalidRequestError
from ..errors import (
    APIError,
    ClientClosedError,
    GenAIError,
    RateLimitedError,
    RequestTimeoutStatusError,
    ResponseTooLargeError,
    ServerError,
    TransportError,
    UnknownApiResponseError,
    UploadError,
)
from ..types._http import HttpOptions, HttpRetryOptions

if TYPE_CHECKING:
    from .._api_client import ApiClient, RawResponse

__all__ = [
    "CHUNK_SIZE",
    "MAX_CHUNK_FAILURES",
    "UploadSource",
    "guess_mime_type",
    "open_source",
    "resumable_upload",
]

CHUNK_SIZE = 8 * 1024 * 1024
"""Bytes per upload request (the API's granularity)."""

MAX_CHUNK_FAILURES = 5
"""Failed chunk attempts in a row (without progress) before an upload gives up."""

_RESUME_BACKOFF = Backoff(1.0, 30.0, multiplier=2.0, jitter=0.2)
_CANCEL_BUDGET = 5.0
_OCTET_STREAM = "application/octet-stream"

_log_upload = _log.get_logger("genai_actors.upload")

# Extensions mimetypes misses or gets wrong for what people upload to Gemini (source code is
# text: the API rejects e.g. `.ts` sent as MPEG-TS video).
_PLAIN_TEXT = """
.rst .txt .log .yaml .yml .toml .ini .cfg .conf .env .sh .bash .zsh .ps1 .bat .sql .c .h .cc
.cpp .cxx .hpp .hh .cu .cuh .m .mm .cs .java .kt .kts .scala .go .rs .rb .php .pl .lua .r
.jl .swift .dart .ex .exs .erl .hs .clj .vue .svelte .tex .proto .graphql .tf .gradle
.dockerfile
"""
_PLAIN_TEXT_EXTENSIONS = frozenset(_PLAIN_TEXT.split())
_MIME_TABLE: dict[str, str] = {
    ".py": "text/x-python",
    ".pyi": "text/x-python",
    ".ipynb": "application/json",
    ".ts": "text/x-typescript",
    ".tsx": "text/x-typescript",
    ".mts": "text/x-typescript",
    ".cts": "text/x-typescript",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".cjs": "text/javascript",
    ".jsx": "text/javascript",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".ndjson": "application/jsonl",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".xml": "text/xml",
    ".rtf": "text/rtf",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".pdf": "application/pdf",
}
_TEXT_NAMES = frozenset({"dockerfile", "makefile", "license", "readme", "gemfile", "procfile"})


def guess_mime_type(name: str | None, explicit: str | None = None) -> str:
    """The MIME type to send for a file called ``name``.

    Args:
        name: A path or file name (only the extension matters), or ``None``.
        explicit: A caller-given type, which always wins.

    Returns:
        ``explicit``; else the type the extension table or :mod:`mimetypes` give; else
        ``application/octet-stream``.
    """
    if explicit:
        return explicit
    if not name:
        return _OCTET_STREAM
    base = os.path.basename(name)
    ext = os.path.splitext(base)[1].lower()
    if ext in _MIME_TABLE:
        return _MIME_TABLE[ext]
    if ext in _PLAIN_TEXT_EXTENSIONS:
        return "text/plain"
    if not ext and base.lower() in _TEXT_NAMES:
        return "text/plain"
    guessed, _ = mimetypes.guess_type(base, strict=False)
    return guessed or _OCTET_STREAM


@dataclass
class UploadSource:
    """An opened upload source: ``size`` bytes from ``start`` of ``stream``.

    Attributes:
        stream: The binary file being read (owned when ``owned``).
        start: Offset in ``stream`` where the upload begins.
        size: Bytes to upload.
        name: The file's base name (paths only; sent as ``X-Goog-Upload-File-Name``).
        path_name: A name to guess the MIME type from (paths, or a file object's ``name``).
        owned: Whether :meth:`aclose` closes ``stream``.
    """

    stream: BinaryIO
    start: int
    size: int
    name: str | None
    path_name: str | None
    owned: bool

    async def read(self, offset: int, length: int) -> bytes:
        """Reads ``length`` bytes at ``offset`` (relative to ``start``) in a worker thread.

        Raises:
            UploadError: The source changed size under the upload (fewer bytes than expected).
        """
        if length == 0:
            return b""
        stream = self.stream
        where = self.start + offset

        def read() -> bytes:
            stream.seek(where)
            return stream.read(length)

        data = await anyio.to_thread.run_sync(read)
        if not isinstance(data, bytes | bytearray) or len(data) != length:
            got = len(data) if isinstance(data, bytes | bytearray) else 0
            raise UploadError(
                f"the source ended early: expected {length} bytes at offset {offset}, got "
                f"{got} (was the file changed during the upload?)",
                uploaded=offset,
                size=self.size,
            )
        return bytes(data)

    async def aclose(self) -> None:
        """Closes the stream if this source opened it (never a caller's file object)."""
        if self.owned:
            await anyio.to_thread.run_sync(self.stream.close)


async def open_source(file: object, *, what: str = "file") -> UploadSource:
    """Opens what a caller passed as the thing to upload.

    Args:
        file: A path (``str`` or ``os.PathLike``), or a binary, readable, seekable file object
            positioned where the upload should begin (its size is measured from there).
        what: The argument's name, for error messages.

    Returns:
        The source; call :meth:`UploadSource.aclose` when done.

    Raises:
        FileNotFoundError: The path does not exist.
        IsADirectoryError: The path is a directory.
        PermissionError: The path cannot be read.
        InvalidRequestError: An empty path, a text-mode or unseekable or unreadable object, or
            something that is neither a path nor a file object.
    """
    if isinstance(file, str | os.PathLike):
        path = os.fspath(file)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not path:
            raise InvalidRequestError(what, "the path is empty")

        def open_path() -> tuple[BinaryIO, int]:
            if os.path.isdir(path):
                raise IsADirectoryError(f"{path!r} is a directory, not a file")
            if not os.path.exists(path):
                raise FileNotFoundError(f"{path!r} does not exist")
            stream = open(path, "rb")  # noqa: SIM115 (closed by UploadSource.aclose)
            try:
                size = os.fstat(stream.fileno()).st_size
            except BaseException:
                stream.close()
                raise
            return stream, size

        stream, size = await anyio.to_thread.run_sync(open_path)
        base = os.path.basename(path)
        return UploadSource(stream, 0, size, base, path, owned=True)
    if isinstance(file, io.TextIOBase) or "b" not in str(getattr(file, "mode", "b")):
        raise InvalidRequestError(what, "the file object must be opened in binary mode ('rb')")
    for method in ("read", "seek", "tell"):
        if not callable(getattr(file, method, None)):
            raise InvalidRequestError(
                what,
                f"expected a path or a binary file object, got {type(file).__name__}",
            )
    seekable = getattr(file, "seekable", None)
    if callable(seekable) and not seekable():
        raise InvalidRequestError(what, "the file object must be seekable")
    readable = getattr(file, "readable", None)
    if callable(readable) and not readable():
        raise InvalidRequestError(what, "the file object is not readable")
    if getattr(file, "closed", False):
        raise InvalidRequestError(what, "the file object is closed")
    obj: BinaryIO = file  # type: ignore[assignment]  # a binary file object (checked above)

    def measure() -> tuple[int, int]:
        start = obj.tell()
        end = obj.seek(0, os.SEEK_END)
        obj.seek(start)
        return start, end

    start, end = await anyio.to_thread.run_sync(measure)
    name = getattr(file, "name", None)
    path_name = name if isinstance(name, str) else None
    return UploadSource(
        obj,
        start,
        max(end - start, 0),
        None,
        path_name,
        owned=False,
    )


def _chunk_options(http_options: HttpOptions | None) -> HttpOptions:
    """Per-call options for chunk and query requests: the caller's, with transport retries
    off (the engine resumes instead of blindly resending a chunk)."""
    single = HttpRetryOptions(attempts=1)
    if http_options is None:
        return HttpOptions(retry_options=single)
    return msgspec.structs.replace(http_options, retry_options=single, extra_body=None)


def _upload_target(upload_url: str, base_url: str) -> tuple[str, dict[str, str]]:
    """The path (under the base URL) and query an upload URL names.

    The scheme and host of the upload URL are replaced by the client's base URL (so proxies
    and emulators work); a path prefix the base URL has is kept once.
    """
    parts = urlsplit(upload_url)
    path = parts.path
    base_path = urlsplit(base_url).path.rstrip("/")
    if base_path and path.startswith(base_path + "/"):
        path = path[len(base_path) :]
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    return path.lstrip("/"), query


def _is_resumable(exc: BaseException) -> bool:
    if isinstance(exc, ClientClosedError | ResponseTooLargeError):
        return False
    return isinstance(
        exc, TransportError | ServerError | RateLimitedError | RequestTimeoutStatusError
    )


async def resumable_upload(
    api: ApiClient,
    *,
    start_path: str,
    metadata: Mapping[str, Any],
    source: UploadSource,
    mime_type: str,
    http_options: HttpOptions | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Any:
    """Uploads ``source`` with the resumable protocol and returns the final JSON body.

    Args:
        api: The client's API seam.
        start_path: ``upload/{api_version}/files`` or
            ``upload/{api_version}/fileSearchStores/{id}:uploadToFileSearchStore``.
        metadata: The start request's JSON body (camelCase).
        source: The opened source (not closed here).
        mime_type: Sent as ``X-Goog-Upload-Header-Content-Type``.
        http_options: The caller's per-call options (timeout, headers, base URL).
        chunk_size: Bytes per chunk request (8 MiB; smaller only in tests).

    Returns:
        The decoded JSON of the final answer (``{"file": ...}`` or an operation).

    Raises:
        APIError: The start request, or a chunk, was refused (4xx), or a 5xx persisted.
        TransportError: The connection kept failing (after resuming attempts).
        UploadError: The server lost the session, answered an unexpected status, or the
            source changed size during the upload.
        UnknownApiResponseError: No upload URL in the start answer, or a bad final body.

    Cancellation: cancelling the caller aborts the chunk in flight and sends a best-effort
    ``cancel`` for the session (shielded, at most 5 s), so the server drops the partial bytes.
    """
    headers = {
        "X-Goog-Upload-Protocol": "resumable",
        "X-Goog-Upload-Command": "start",
        "X-Goog-Upload-Header-Content-Length": str(source.size),
        "X-Goog-Upload-Header-Content-Type": mime_type,
    }
    if source.name is not None:
        headers["X-Goog-Upload-File-Name"] = source.name
    started = await api.request(
        "POST",
        start_path,
        body=msgspec.json.encode(dict(metadata)),
        headers=headers,
        http_options=http_options,
    )
    upload_url = started.headers.get("x-goog-upload-url")
    if not upload_url:
        raise UnknownApiResponseError("the upload start answer carried no x-goog-upload-url header")
    base_url = (http_options.base_url if http_options else None) or api.http_options.base_url
    path, query = _upload_target(upload_url, base_url or "")
    # Chunks repeat the start's protocol headers, as google-genai sends them.
    repeat = {k: v for k, v in headers.items() if k != "X-Goog-Upload-Command"}
    session = _Session(api, path, query, _chunk_options(http_options), source, chunk_size, repeat)
    try:
        return await session.run()
    except BaseException:
        with anyio.CancelScope(shield=True), anyio.move_on_after(_CANCEL_BUDGET):
            await session.cancel()
        raise


class _Session:
    """One upload session: sends chunks, resumes after failures, cancels on abort."""

    def __init__(
        self,
        api: ApiClient,
        path: str,
        query: dict[str, str],
        options: HttpOptions,
        source: UploadSource,
        chunk_size: int,
        headers: Mapping[str, str],
    ) -> None:
        self._headers = dict(headers)
        self._api = api
        self._path = path
        self._query = query
        self._options = options
        self._source = source
        self._chunk = chunk_size
        self._finished = False

    async def _send(self, command: str, body: bytes | None, offset: int | None) -> RawResponse:
        headers = {**self._headers, "X-Goog-Upload-Command": command}
        if offset is not None:
            headers["X-Goog-Upload-Offset"] = str(offset)
            headers["Content-Type"] = "application/octet-stream"
        return await self._api.request(
            "POST",
            self._path,
            body=body,
            query=self._query,
            headers=headers,
            http_options=self._options,
            merge_extra_body=False,
        )

    async def run(self) -> Any:
        size = self._source.size
        offset = 0
        failures = 0
        schedule = _RESUME_BACKOFF.schedule()
        clock = current_clock()
        while True:
            length = min(self._chunk, size - offset)
            data = await self._source.read(offset, length)
            last = offset + length >= size
            command = "upload, finalize" if last else "upload"
            try:
                resp = await self._send(command, data, offset)
                status = resp.headers.get("x-goog-upload-status")
                if status is None:
                    raise UnknownApiResponseError("the chunk answer had no x-goog-upload-status")
            except (GenAIError, OSError) as exc:
                if not _is_resumable(exc) and not isinstance(exc, UnknownApiResponseError):
                    raise
                failures += 1
                if failures >= MAX_CHUNK_FAILURES:
                    raise
                delay = schedule.next_delay()
                _log_upload.info(
                    "upload.resume",
                    offset=offset,
                    size=size,
                    failures=failures,
                    delay=round(delay, 3),
                    error=type(exc).__name__,
                )
                await clock.sleep(delay)
                received, final = await self._query_state(offset)
                if final is not None:
                    self._finished = True
                    return final
                if received > offset:
                    failures = 0
                    schedule = _RESUME_BACKOFF.schedule()
                offset = received
                continue
            del data
            offset += length
            if status == "final":
                self._finished = True
                return resp.json()
            if status != "active":
                self._finished = True
                raise UploadError(
                    f"the server ended the upload with status {status!r}",
                    uploaded=offset,
                    size=size,
                )
            if last:
                raise UploadError(
                    "every byte was sent but the server did not finalize the upload",
                    uploaded=offset,
                    size=size,
                )
            confirmed = resp.headers.get("x-goog-upload-size-received")
            if confirmed is not None and confirmed.isdigit() and int(confirmed) != offset:
                offset = self._check_received(int(confirmed))

    def _check_received(self, received: int) -> int:
        if not 0 <= received <= self._source.size:
            raise UploadError(
                f"the server reports {received} bytes received of {self._source.size}",
                uploaded=received,
                size=self._source.size,
            )
        return received

    async def _query_state(self, offset: int) -> tuple[int, Any]:
        """Asks the server how much it holds: ``(bytes received, final body or None)``.

        A failing query leaves ``offset`` unchanged (the next chunk attempt is the next try).
        """
        try:
            resp = await self._send("query", None, None)
        except APIError as exc:
            if exc.code == 404:
                self._finished = True
                raise UploadError(
                    "the server no longer knows this upload session (expired or cancelled)",
                    uploaded=offset,
                    size=self._source.size,
                ) from exc
            if not _is_resumable(exc):
                raise
            return offset, None
        except TransportError as exc:
            if not _is_resumable(exc):
                raise
            return offset, None
        status = resp.headers.get("x-goog-upload-status")
        if status == "final":
            return self._source.size, resp.json()
        if status != "active":
            self._finished = True
            raise UploadError(
                f"the upload session is {status or 'in an unknown state'}",
                uploaded=offset,
                size=self._source.size,
            )
        raw = resp.headers.get("x-goog-upload-size-received", "")
        if not raw.isdigit():
            return offset, None
        return self._check_received(int(raw)), None

    async def cancel(self) -> None:
        """Best effort: tells the server to drop the session (errors are ignored)."""
        if self._finished:
            return
        self._finished = True
        try:
            await self._send("cancel", None, None)
        except Exception:  # best effort, on a path that is already failing
            _log_upload.debug("upload.cancel_failed")
