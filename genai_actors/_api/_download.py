"""Streamed media downloads: ``files.download`` and ``file_search_stores.download_media``.

The body is streamed: to a path through a temporary file beside it, renamed into place only
when complete (a failed or cancelled download leaves nothing half-written); to a caller's file
object as it arrives; or into memory under a size cap (:class:`DownloadTooLargeError` past it,
checked against ``Content-Length`` before reading when the server sends one).
"""

from __future__ import annotations

import io
import os
import tempfile
from typing import TYPE_CHECKING, BinaryIO

import anyio
import anyio.to_thread

from .._transformers import InvalidRequestError
from ..errors import DownloadTooLargeError
from ..types._http import HttpOptions

if TYPE_CHECKING:
    from .._api_client import ApiClient

__all__ = [
    "DEFAULT_MAX_DOWNLOAD_BYTES",
    "check_destination",
    "check_max_bytes",
    "download_media",
]

DEFAULT_MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024
"""Largest download returned as ``bytes`` unless a config says otherwise (256 MiB)."""

_READ_CHUNK = 1024 * 1024


def check_max_bytes(value: object, path: str) -> int:
    """Validates a ``max_bytes`` setting (``None`` means the default cap).

    Raises:
        InvalidRequestError: Not a positive integer.
    """
    if value is None:
        return DEFAULT_MAX_DOWNLOAD_BYTES
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidRequestError(path, f"must be a positive number of bytes, got {value!r}")
    return value


def check_destination(destination: object) -> str | BinaryIO | None:
    """Validates where a download goes: ``None``, a path, or a writable binary file object.

    Returns:
        The path as ``str``, the file object, or ``None``.

    Raises:
        FileNotFoundError: The path's directory does not exist.
        IsADirectoryError: The path is a directory.
        InvalidRequestError: An empty path, or an object that is not a writable binary file.
    """
    if destination is None:
        return None
    if isinstance(destination, str | os.PathLike):
        path = os.fsdecode(os.fspath(destination))
        if not path:
            raise InvalidRequestError("destination", "the path is empty")
        if os.path.isdir(path):
            raise IsADirectoryError(f"{path!r} is a directory; give a file path")
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"the directory {folder!r} does not exist")
        return path
    if isinstance(destination, io.TextIOBase) or "b" not in str(getattr(destination, "mode", "b")):
        raise InvalidRequestError("destination", "the file object must be opened in binary mode")
    if not callable(getattr(destination, "write", None)):
        raise InvalidRequestError(
            "destination",
            f"expected a path or a writable binary file, got {type(destination).__name__}",
        )
    return destination  # type: ignore[return-value]


async def download_media(
    api: ApiClient,
    path: str,
    *,
    destination: str | BinaryIO | None,
    max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
    http_options: HttpOptions | None = None,
) -> bytes | None:
    """GETs ``path?alt=media`` and streams the body to ``destination`` (or returns it).

    Args:
        api: The client's API seam.
        path: The resource path, e.g. ``files/abc:download``.
        destination: A path (written to a temporary file beside it, renamed into place when
            complete), a writable binary file object (written as it arrives), or ``None``.
        max_bytes: With ``destination=None``: the largest body accepted.
        http_options: Per-call options.

    Returns:
        The body with ``destination=None``; else ``None``.

    Raises:
        APIError: The server refused (e.g. 400 for an uploaded file, 403/404 unknown).
        DownloadTooLargeError: The body exceeded ``max_bytes`` (nothing is returned).
        StreamCutError: The connection dropped mid-body; a destination path is left
            untouched (the partial temporary file is removed).
        OSError: Writing the destination failed (the temporary file is removed).

    Cancellation: the connection is closed, and a destination path is left untouched.
    """
    body = api.open_body("GET", path, query={"alt": "media"}, http_options=http_options)
    tmp_path: str | None = None
    out: BinaryIO | None = None
    try:
        await body.open()
        declared = body.content_length
        if destination is None and declared is not None and declared > max_bytes:
            raise DownloadTooLargeError(
                f"the download is {declared} bytes, over the {max_bytes}-byte cap; pass a "
                "destination path to stream it to disk, or raise config.max_bytes",
                limit=max_bytes,
            )
        if isinstance(destination, str):
            tmp_path, out = await anyio.to_thread.run_sync(_temp_beside, destination)
        elif destination is not None:
            out = destination
        buffer = bytearray()
        while True:
            chunk = await body.read(_READ_CHUNK)
            if not chunk:
                break
            if out is None:
                if len(buffer) + len(chunk) > max_bytes:
                    raise DownloadTooLargeError(
                        f"the download exceeds the {max_bytes}-byte cap; pass a destination "
                        "path to stream it to disk, or raise config.max_bytes",
                        limit=max_bytes,
                    )
                buffer += chunk
            else:
                await anyio.to_thread.run_sync(out.write, chunk)
        if tmp_path is not None and out is not None:
            target = tmp_path
            tmp_path = None
            await anyio.to_thread.run_sync(_finish_temp, out, target, str(destination))
            return None
        if out is not None:
            return None
        return bytes(buffer)
    finally:
        with anyio.CancelScope(shield=True):
            await body.aclose()
            if tmp_path is not None and out is not None:
                await anyio.to_thread.run_sync(_discard_temp, out, tmp_path)


def _temp_beside(destination: str) -> tuple[str, BinaryIO]:
    folder = os.path.dirname(os.path.abspath(destination))
    fd, tmp = tempfile.mkstemp(prefix=".download-", suffix=".part", dir=folder)
    return tmp, os.fdopen(fd, "wb")


def _finish_temp(out: BinaryIO, tmp: str, destination: str) -> None:
    try:
        out.flush()
        os.fsync(out.fileno())
        out.close()
        os.replace(tmp, destination)
    except BaseException:
        _discard_temp(out, tmp)
        raise


def _discard_temp(out: BinaryIO, tmp: str) -> None:
    try:
        out.close()
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
