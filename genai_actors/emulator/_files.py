"""The file store and the ``files`` resource: get, list, delete, ``:download`` and ``:register``.

Uploaded bytes (see ``_upload.py``) live on disk in the emulator's temporary directory; generated
media (videos, batch results) may live in memory. Uploads of ``video/*`` or of at least
``Settings.file_processing_min_bytes`` bytes start in ``PROCESSING`` and turn ``ACTIVE`` once they
have been fetched ``Settings.file_processing_gets`` times *and* ``Settings.file_processing_delay``
seconds have passed (both configurable; ``emu.files.set_state`` forces a state, e.g. ``FAILED``).
Unknown files answer 403 PERMISSION_DENIED, as on the real API.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import itertools
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._errors import ApiError, bad_request
from ._router import page
from ._timeutil import rfc3339

if TYPE_CHECKING:
    from ._router import Call, Router

__all__ = ["FileStore", "StoredFile", "download_uri", "register"]

_EXPIRY = _dt.timedelta(hours=48)
_STATES = frozenset({"PROCESSING", "ACTIVE", "FAILED"})
_URI_ID = re.compile(r"[a-z0-9-]+")


def _timestamp(moment: _dt.datetime) -> str:
    return rfc3339(moment)


@dataclass
class StoredFile:
    """One file the emulator holds.

    Attributes:
        file_id: The id (``files/{file_id}``); lower-case alphanumerics (and ``-`` for batch
            results).
        mime_type: The content type served on download.
        source: ``UPLOADED``, ``GENERATED`` or ``REGISTERED``.
        size: Size in bytes.
        sha256: Hex SHA-256 of the bytes (served base64-encoded as ``sha256Hash``).
        created: When it was created.
        display_name: The optional display name.
        data: The bytes, when held in memory.
        path: Where the bytes live on disk, when not in memory.
        state: ``PROCESSING``, ``ACTIVE`` or ``FAILED``.
        gets_left: ``files.get`` calls still needed before a PROCESSING file is ACTIVE.
        ready_at: Clock time before which a PROCESSING file stays PROCESSING.
        uri: For registered files, the ``gs://`` URI they stand for.
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
    gets_left: int = 0
    ready_at: float = 0.0
    uri: str | None = None
    error: dict[str, Any] | None = field(default=None)

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

    def refresh(self, now: float, *, counts_get: bool = False) -> None:
        """Move a PROCESSING file to ACTIVE when its gets and delay are used up."""
        if self.state != "PROCESSING":
            return
        if counts_get and self.gets_left > 0:
            self.gets_left -= 1
        if self.gets_left <= 0 and now >= self.ready_at:
            self.state = "ACTIVE"

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
                # The real API serves the hex digest, base64-encoded (a bytes field in JSON).
                "sha256Hash": base64.b64encode(self.sha256.encode()).decode(),
                "uri": self.uri or f"{base}/v1beta/{self.name}",
                "state": self.state,
                "source": self.source,
            }
        )
        if self.source == "GENERATED":
            out["downloadUri"] = download_uri(base, self.file_id)
        if self.state == "FAILED" and self.error is not None:
            out["error"] = self.error
        return out


def file_id_from_uri(uri: str) -> str | None:
    """The file id an ``http(s)://.../files/{id}`` URI names (None for other URIs)."""
    if not uri.startswith(("http://", "https://")) or "/files/" not in uri:
        return None
    match = _URI_ID.match(uri.rsplit("/files/", 1)[1])
    return match.group(0) if match else None


def download_uri(base: str, file_id: str) -> str:
    """``{base}/v1beta/files/{id}:download?alt=media``, as generated media is addressed."""
    return f"{base}/v1beta/files/{file_id}:download?alt=media"


class FileStore:
    """Every file the emulator holds, by id, in creation order.

    Args:
        now: The emulator's wall clock (``createTime``).
        clock: The emulator's monotonic clock (processing delays).
    """

    def __init__(
        self,
        now: Callable[[], _dt.datetime] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._files: dict[str, StoredFile] = {}
        self._ids = itertools.count(1)
        self._now = now or (lambda: _dt.datetime.now(_dt.UTC))
        self._clock = clock or (lambda: 0.0)

    def new_id(self) -> str:
        """A fresh lower-case alphanumeric file id (``[a-z0-9]+``, as clients expect)."""
        return f"{secrets.token_hex(4)}{next(self._ids):04d}"

    def _claim(self, file_id: str | None) -> str:
        fid = file_id or self.new_id()
        if fid in self._files:
            raise ApiError(409, f"File files/{fid} already exists.")
        return fid

    def add(
        self,
        data: bytes,
        mime_type: str,
        *,
        source: str = "UPLOADED",
        display_name: str | None = None,
        file_id: str | None = None,
    ) -> StoredFile:
        """Store bytes held in memory and return the new, ACTIVE file.

        Raises:
            ApiError: 409 ALREADY_EXISTS when ``file_id`` is taken.
        """
        fid = self._claim(file_id)
        stored = StoredFile(
            file_id=fid,
            mime_type=mime_type,
            source=source,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            created=self._now(),
            display_name=display_name,
            data=data,
        )
        self._files[fid] = stored
        return stored

    def add_path(
        self,
        path: Path,
        mime_type: str,
        *,
        size: int,
        sha256: str,
        display_name: str | None = None,
        file_id: str | None = None,
        processing_gets: int = 0,
        processing_delay: float = 0.0,
    ) -> StoredFile:
        """Adopt a finished upload on disk; PROCESSING when gets or a delay are required.

        Raises:
            ApiError: 409 ALREADY_EXISTS when ``file_id`` is taken.
        """
        fid = self._claim(file_id)
        processing = processing_gets > 0 or processing_delay > 0
        stored = StoredFile(
            file_id=fid,
            mime_type=mime_type,
            source="UPLOADED",
            size=size,
            sha256=sha256,
            created=self._now(),
            display_name=display_name,
            path=path,
            state="PROCESSING" if processing else "ACTIVE",
            gets_left=processing_gets,
            ready_at=self._clock() + processing_delay,
        )
        self._files[fid] = stored
        return stored

    def add_registered(self, uri: str, mime_type: str) -> StoredFile:
        """Register a ``gs://`` object as a file (no bytes are held)."""
        fid = self._claim(None)
        stored = StoredFile(
            file_id=fid,
            mime_type=mime_type,
            source="REGISTERED",
            size=0,
            sha256=hashlib.sha256(uri.encode()).hexdigest(),
            created=self._now(),
            uri=uri,
        )
        self._files[fid] = stored
        return stored

    def get(self, file_id: str) -> StoredFile:
        """The file with this id (``abc`` or ``files/abc``), its state refreshed.

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
        found.refresh(self._clock())
        return found

    def require_active(self, file_id: str) -> StoredFile:
        """The file, which must be ACTIVE to be used.

        Raises:
            ApiError: 403 for an unknown file; 400 FAILED_PRECONDITION when not ACTIVE.
        """
        stored = self.get(file_id)
        if stored.state != "ACTIVE":
            raise ApiError(
                400,
                f"The File {stored.file_id} is not in an ACTIVE state and usage is not allowed.",
                status="FAILED_PRECONDITION",
            )
        return stored

    def check_uris(self, contents: Iterable[dict[str, Any]]) -> None:
        """Check every ``fileData.fileUri`` that names one of this emulator's files.

        URIs elsewhere (``gs://``, YouTube, other hosts' paths without ``/files/``) are left alone.

        Raises:
            ApiError: 403 for an unknown file; 400 FAILED_PRECONDITION for one not ACTIVE.
        """
        for content in contents:
            for part in content.get("parts", ()):
                uri = (part.get("fileData") or {}).get("fileUri")
                fid = file_id_from_uri(uri) if isinstance(uri, str) else None
                if fid is not None:
                    self.require_active(fid)

    def set_state(self, file_id: str, state: str, message: str | None = None) -> StoredFile:
        """Force a file's state (``PROCESSING``, ``ACTIVE`` or ``FAILED``).

        Raises:
            ValueError: For an unknown state.
            ApiError: 403 for an unknown file.
        """
        if state not in _STATES:
            raise ValueError(f"unknown file state {state!r}")
        stored = self.get(file_id)
        stored.state = state
        stored.gets_left = 0 if state != "PROCESSING" else max(stored.gets_left, 1)
        if state == "FAILED":
            stored.error = {"code": 400, "message": message or "File processing failed."}
        return stored

    def delete(self, file_id: str) -> None:
        """Delete a file (and its bytes on disk).

        Raises:
            ApiError: 403 for an unknown file.
        """
        stored = self.get(file_id)
        del self._files[stored.file_id]
        if stored.path is not None:
            stored.path.unlink(missing_ok=True)

    def all(self) -> list[StoredFile]:
        """Every file, oldest first (states refreshed)."""
        now = self._clock()
        for stored in self._files.values():
            stored.refresh(now)
        return list(self._files.values())

    def forget_on_disk(self) -> None:
        """Drop every file whose bytes lived on disk (the temporary directory is going away)."""
        for fid in [f for f, s in self._files.items() if s.path is not None]:
            del self._files[fid]


def _base(call: Call) -> str:
    return call.origin(call.state.settings.file_uri_scheme)


def _file_id(call: Call) -> str:
    fid = call.segments[1]
    if not fid or len(fid) > 40 or not all(c.isalnum() or c == "-" for c in fid):
        raise bad_request(
            f"Invalid file name: files/{fid}. A file name must be 'files/' followed by at most "
            "40 lower-case alphanumeric characters or dashes.",
            "name",
        )
    return fid


async def get_file(call: Call) -> dict[str, Any]:
    """``GET files/{id}`` (each GET counts towards a PROCESSING file becoming ACTIVE)."""
    stored = call.state.files.get(_file_id(call))
    stored.refresh(call.state.clock(), counts_get=True)
    return stored.to_json(_base(call))


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
    call.state.files.delete(_file_id(call))
    return {}


async def download_file(call: Call) -> web.StreamResponse:
    """``GET files/{id}:download?alt=media``: the raw bytes of a generated file.

    Files on disk are streamed, never read whole into memory.

    Raises:
        ApiError: 400 without ``alt=media``; 400 for uploaded files (only generated files can be
            downloaded, as on the real API); 403 for an unknown file.
    """
    if call.query.get("alt") != "media":
        raise ApiError(400, "Only alt=media is supported for file download.")
    stored = call.state.files.get(_file_id(call))
    if stored.source != "GENERATED":
        raise ApiError(
            400,
            f"Cannot download the File {stored.file_id}: only generated files can be downloaded.",
        )
    if stored.path is not None:
        return web.FileResponse(stored.path, headers={"Content-Type": stored.mime_type})
    return web.Response(body=stored.read(), headers={"Content-Type": stored.mime_type})


_GUESS = {
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".csv": "text/csv",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".mp4": "video/mp4",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
}


async def register_files(call: Call) -> dict[str, Any]:
    """``POST files:register`` with ``{"uris": ["gs://bucket/object", ...]}``.

    Raises:
        ApiError: 401 UNAUTHENTICATED without an ``authorization: Bearer`` header (the caller's
            GCS credentials); 400 for no URIs or a URI that is not ``gs://bucket/object``.
    """
    auth = call.request.headers.get("authorization", "")
    if not auth.lower().startswith("bearer ") or not auth[7:].strip():
        raise ApiError(
            401,
            "Registering files requires OAuth credentials for the Cloud Storage objects "
            "(an 'authorization: Bearer <token>' header).",
        )
    body = call.body_as("RegisterFilesRequest")
    uris = body.get("uris") or []
    if not uris:
        raise bad_request("* RegisterFilesRequest.uris: uris is not specified\n", "uris")
    for i, uri in enumerate(uris):
        bucket, _, obj = uri.removeprefix("gs://").partition("/")
        if not uri.startswith("gs://") or not bucket or not obj:
            raise bad_request(
                f"* RegisterFilesRequest.uris[{i}]: {uri!r} is not a gs://bucket/object URI\n",
                f"uris[{i}]",
            )
    base = _base(call)
    files = []
    for uri in uris:
        suffix = "." + uri.rsplit(".", 1)[-1].lower() if "." in uri.rsplit("/", 1)[-1] else ""
        mime = _GUESS.get(suffix, "application/octet-stream")
        files.append(call.state.files.add_registered(uri, mime).to_json(base))
    return {"files": files}


def register(router: Router) -> None:
    """Add the ``files`` routes."""
    router.add("GET", "files/*", "", get_file)
    router.add("GET", "files", "", list_files)
    router.add("DELETE", "files/*", "", delete_file)
    router.add("GET", "files/*", "download", download_file)
    router.add("POST", "files", "register", register_files)
