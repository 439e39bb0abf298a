"""The file store and the ``files`` resource: get, list, delete and ``:download``.

Generated media (videos today) lands here as ``files/{id}`` with ``source: GENERATED`` and a
``downloadUri``. The store keeps bytes in memory or on disk (``path``), so resumable uploads to a
temporary directory can be added later without changing how files are served.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import itertools
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._errors import ApiError
from ._router import page

if TYPE_CHECKING:
    from ._router import Call, Router

__all__ = ["FileStore", "StoredFile", "register"]

_EXPIRY = _dt.timedelta(hours=48)


def _timestamp(moment: _dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class StoredFile:
    """One file the emulator holds.

    Attributes:
        file_id: The lower-case alphanumeric id (``files/{file_id}``).
        mime_type: The content type served on download.
        source: ``UPLOADED``, ``GENERATED`` or ``REGISTERED``.
        data: The bytes, when held in memory.
        path: Where the bytes live on disk, when not in memory.
        state: ``PROCESSING``, ``ACTIVE`` or ``FAILED``.
    """

    file_id: str
    mime_type: str
    source: str
    size: int
    sha256: str
    created: _dt.datetime
    display_name: str | None = None
    data: bytes | None = None
    path: Path | None = None
    state: str = "ACTIVE"

    @property
    def name(self) -> str:
        """``files/{id}``."""
        return f"files/{self.file_id}"

    def read(self) -> bytes:
        """The file's bytes.

        Raises:
            OSError: If a file on disk cannot be read.
        """
        if self.data is not None:
            return self.data
        if self.path is not None:
            return self.path.read_bytes()
        return b""

    def to_json(self, base: str) -> dict[str, Any]:
        """The ``File`` resource; ``base`` is ``scheme://host`` for ``uri`` and ``downloadUri``."""
        out: dict[str, Any] = {"name": self.name}
        if self.display_name:
            out["displayName"] = self.display_name
        out.update(
            {
                "mimeType": self.mime_type,
                "sizeBytes": str(self.size),
                "createTime": _timestamp(self.created),
                "updateTime": _timestamp(self.created),
                "expirationTime": _timestamp(self.created + _EXPIRY),
                "sha256Hash": self.sha256,
                "uri": f"{base}/v1beta/{self.name}",
                "state": self.state,
                "source": self.source,
            }
        )
        if self.source == "GENERATED":
            out["downloadUri"] = download_uri(base, self.file_id)
        return out


def download_uri(base: str, file_id: str) -> str:
    """``{base}/v1beta/files/{id}:download?alt=media``, as generated media is addressed."""
    return f"{base}/v1beta/files/{file_id}:download?alt=media"


class FileStore:
    """Every file the emulator holds, by id, in creation order."""

    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}
        self._ids = itertools.count(1)

    def new_id(self) -> str:
        """A fresh lower-case alphanumeric file id (``[a-z0-9]+``, as clients expect)."""
        return f"{secrets.token_hex(4)}{next(self._ids):04d}"

    def add(
        self,
        data: bytes,
        mime_type: str,
        *,
        source: str = "UPLOADED",
        display_name: str | None = None,
        file_id: str | None = None,
    ) -> StoredFile:
        """Store bytes held in memory and return the new file.

        Raises:
            ApiError: 409 ALREADY_EXISTS when ``file_id`` is taken.
        """
        fid = file_id or self.new_id()
        if fid in self._files:
            raise ApiError(409, f"File files/{fid} already exists.")
        stored = StoredFile(
            file_id=fid,
            mime_type=mime_type,
            source=source,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            created=_dt.datetime.now(_dt.UTC),
            display_name=display_name,
            data=data,
        )
        self._files[fid] = stored
        return stored

    def get(self, file_id: str) -> StoredFile:
        """The file with this id (``abc`` or ``files/abc``).

        Raises:
            ApiError: 403 PERMISSION_DENIED for an unknown file, as the real API answers.
        """
        fid = file_id.removeprefix("files/")
        found = self._files.get(fid)
        if found is None:
            raise ApiError(
                403,
                f"You do not have permission to access the File {fid} or it may not exist.",
            )
        return found

    def delete(self, file_id: str) -> None:
        """Delete a file.

        Raises:
            ApiError: 403 for an unknown file.
        """
        stored = self.get(file_id)
        del self._files[stored.file_id]
        if stored.path is not None:
            stored.path.unlink(missing_ok=True)

    def all(self) -> list[StoredFile]:
        """Every file, oldest first."""
        return list(self._files.values())


def _base(call: Call) -> str:
    return call.origin(call.state.settings.file_uri_scheme)


async def get_file(call: Call) -> dict[str, Any]:
    """``GET files/{id}``."""
    return call.state.files.get(call.segments[1]).to_json(_base(call))


async def list_files(call: Call) -> dict[str, Any]:
    """``GET files`` with ``pageSize`` (default 10, max 100) and ``pageToken``."""
    chunk, token = page(call, call.state.files.all(), default_size=10, max_size=100)
    base = _base(call)
    out: dict[str, Any] = {}
    if chunk:
        out["files"] = [f.to_json(base) for f in chunk]
    if token:
        out["nextPageToken"] = token
    return out


async def delete_file(call: Call) -> dict[str, Any]:
    """``DELETE files/{id}``."""
    call.state.files.delete(call.segments[1])
    return {}


async def download_file(call: Call) -> web.Response:
    """``GET files/{id}:download?alt=media``: the raw bytes of a generated file.

    Raises:
        ApiError: 400 without ``alt=media``; 400 for uploaded files (only generated files can be
            downloaded, as on the real API); 403 for an unknown file.
    """
    if call.query.get("alt") != "media":
        raise ApiError(400, "Only alt=media is supported for file download.")
    stored = call.state.files.get(call.segments[1])
    if stored.source != "GENERATED":
        raise ApiError(
            400,
            f"Cannot download the File {stored.file_id}: only generated files can be downloaded.",
        )
    return web.Response(body=stored.read(), headers={"Content-Type": stored.mime_type})


def register(router: Router) -> None:
    """Add the ``files`` routes."""
    router.add("GET", "files/*", "", get_file)
    router.add("GET", "files", "", list_files)
    router.add("DELETE", "files/*", "", delete_file)
    router.add("GET", "files/*", "download", download_file)
