"""The resumable upload protocol (``/upload/{version}/...``), bodies streamed to disk.

Start: ``POST /upload/{v}/files`` (or ``/upload/{v}/fileSearchStores/{s}:uploadToFileSearchStore``)
with ``X-Goog-Upload-Protocol: resumable``, ``X-Goog-Upload-Command: start``,
``X-Goog-Upload-Header-Content-Length`` / ``-Content-Type`` and a JSON body, authenticated with the
API key. The answer carries ``x-goog-upload-url`` (this path plus ``upload_id``) and
``x-goog-upload-status: active``.

Chunks: ``POST <upload url>`` with ``X-Goog-Upload-Command: upload`` (or ``upload, finalize``, or
``finalize``) and ``X-Goog-Upload-Offset``, which must equal the bytes received so far (else 400
with ``x-goog-upload-status: active`` and ``x-goog-upload-size-received``). The upload URL alone
authorises chunks; no API key is needed. ``query`` reports ``x-goog-upload-size-received`` so a
client can resume where the server is; ``cancel`` abandons the session. Finalizing answers
``x-goog-upload-status: final`` with ``{"file": File}`` (files) or an Operation (file search).
Every error answer carries ``x-goog-upload-status`` so clients do not retry blindly, except
injected faults (``emu.faults``) on chunks, which answer like a failing front end without one.

Bodies are streamed to a file in the emulator's temporary directory, never buffered whole.

Fault: ``emu.uploads.drop_connection(chunk=N, after_bytes=K)`` keeps ``K`` bytes of the N-th
upload request of a session (1-based) and then drops the TCP connection; with ``chunk=None`` it
drops once the session has received ``K`` bytes in total. The bytes kept are really received, so
``query`` then reports them.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from aiohttp import web

from ._auth import authenticate
from ._errors import ApiError, bad_request
from ._proto import parse
from ._recorder import RecordedRequest
from ._router import API_VERSIONS

if TYPE_CHECKING:
    from ._state import EmulatorState

__all__ = ["UploadFaults", "UploadSession", "UploadStore", "handle_upload"]

_ENCODE = msgspec.json.encode
_READ = 256 * 1024
_GRANULARITY = 8 * 1024 * 1024
_STORE_PATH = re.compile(r"^fileSearchStores/([^/:]+):uploadToFileSearchStore$")
_FILE_ID = re.compile(r"^[a-z0-9-]{1,40}$")


@dataclass
class UploadSession:
    """One resumable upload in progress.

    Attributes:
        upload_id: The id in the upload URL.
        target: ``files`` or the ``fileSearchStores/{id}`` receiving the upload.
        declared_size: ``X-Goog-Upload-Header-Content-Length`` (None when not sent).
        mime_type: The content type of the bytes.
        meta: The start request's JSON body (camelCase).
        path: Where the bytes are being written.
        received: Bytes received so far (the next valid offset).
        requests: Chunk requests seen so far.
        final: The final response body once finalized.
    """

    upload_id: str
    target: str
    declared_size: int | None
    mime_type: str
    meta: dict[str, Any]
    path: Path
    received: int = 0
    requests: int = 0
    final: dict[str, Any] | None = None
    hasher: Any = field(default_factory=hashlib.sha256)


@dataclass
class _Drop:
    chunk: int | None
    after_bytes: int
    times: int


class UploadFaults:
    """Scripted connection drops during upload chunks (see the module docstring)."""

    def __init__(self) -> None:
        self._drops: list[_Drop] = []

    def drop_connection(
        self, *, chunk: int | None = None, after_bytes: int = 0, times: int = 1
    ) -> None:
        """Drop the connection during the ``chunk``-th upload request after ``after_bytes``.

        Args:
            chunk: The 1-based upload request of a session to cut, or None to cut as soon as
                the session has received ``after_bytes`` bytes in total.
            after_bytes: Bytes kept before the drop (of that request, or of the session).
            times: How many times the drop fires (once per session at most).

        Raises:
            ValueError: For a non-positive chunk or times, or negative bytes.
        """
        if (chunk is not None and chunk < 1) or after_bytes < 0 or times < 1:
            raise ValueError("chunk and times must be >= 1 and after_bytes >= 0")
        self._drops.append(_Drop(chunk, after_bytes, times))

    def clear(self) -> None:
        """Remove every scripted drop."""
        self._drops.clear()

    def limit_for(self, session: UploadSession) -> tuple[int | None, bool]:
        """How many bytes of this request to read before dropping, and whether the drop
        happens even if the body ends first (``(None, False)``: no drop)."""
        for drop in self._drops:
            if drop.chunk is not None and drop.chunk == session.requests:
                return drop.after_bytes, True
            if drop.chunk is None:
                return max(0, drop.after_bytes - session.received), False
        return None, False

    def fired(self) -> None:
        """Count one use of the first matching drop."""
        if self._drops:
            self._drops[0].times -= 1
            if self._drops[0].times <= 0:
                self._drops.pop(0)

    def snapshot(self) -> list[dict[str, Any]]:
        """The scripted drops, for the admin API."""
        return [
            {"chunk": d.chunk, "afterBytes": d.after_bytes, "times": d.times} for d in self._drops
        ]


class UploadStore:
    """Resumable upload sessions, writing into ``workdir() / "uploads"``.

    Args:
        workdir: The emulator's temporary directory (created on first use).
    """

    def __init__(self, workdir: Callable[[], Path]) -> None:
        self._workdir = workdir
        self.sessions: dict[str, UploadSession] = {}
        self.faults = UploadFaults()
        self._ids = itertools.count(1)

    def drop_connection(
        self, *, chunk: int | None = None, after_bytes: int = 0, times: int = 1
    ) -> None:
        """Shorthand for :meth:`UploadFaults.drop_connection`."""
        self.faults.drop_connection(chunk=chunk, after_bytes=after_bytes, times=times)

    def open(
        self, target: str, declared: int | None, mime: str, meta: dict[str, Any]
    ) -> UploadSession:
        """Start a session and create its (empty) file."""
        upload_id = f"ABg{secrets.token_urlsafe(24)}{next(self._ids)}"
        folder = self._workdir() / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{len(self.sessions)}-{secrets.token_hex(8)}"
        path.touch()
        session = UploadSession(upload_id, target, declared, mime, meta, path)
        self.sessions[upload_id] = session
        return session

    def discard(self, session: UploadSession) -> None:
        """Forget a session and delete its bytes (unless they were adopted)."""
        self.sessions.pop(session.upload_id, None)
        if session.final is None:
            session.path.unlink(missing_ok=True)

    def clear(self) -> None:
        """Forget every session (the temporary directory is going away)."""
        self.sessions.clear()


def _headers(status: str, received: int | None = None) -> dict[str, str]:
    out = {"x-goog-upload-status": status}
    if received is not None:
        out["x-goog-upload-size-received"] = str(received)
    return out


def _error(exc: ApiError, status: str, received: int | None = None) -> web.Response:
    return web.Response(
        status=exc.code,
        body=exc.to_bytes(),
        headers={
            "Content-Type": "application/json; charset=UTF-8",
            **exc.headers,
            **_headers(status, received),
        },
    )


def _json(body: Any, headers: dict[str, str]) -> web.Response:
    return web.Response(
        body=_ENCODE(body),
        headers={"Content-Type": "application/json; charset=UTF-8", **headers},
    )


def _record(state: EmulatorState, request: web.Request, decoded: Any, size: int) -> None:
    if state.recorder.enabled:
        state.recorder.add(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query.items()),
                headers={k.lower(): v for k, v in request.headers.items()},
                json=decoded,
                body_size=size,
            )
        )


async def handle_upload(state: EmulatorState, request: web.Request) -> web.StreamResponse:
    """Serve one request under ``/upload/`` (a start, a chunk, a query or a cancel).

    Errors are answered, not raised (each with its ``x-goog-upload-status``); a scripted drop
    or a client that goes away raises ``ConnectionResetError`` after keeping the bytes read. If
    the handler is cancelled mid-chunk, the bytes already written stay received and the session
    stays resumable (``query`` reports them).
    """
    upload_id = request.query.get("upload_id")
    if upload_id is None:
        return await _start(state, request)
    session = state.uploads.sessions.get(upload_id)
    command = {
        c.strip().lower() for c in request.headers.get("x-goog-upload-command", "").split(",")
    }
    command.discard("")
    if session is None:
        _record(state, request, None, 0)
        return _error(ApiError(404, "Upload session not found or expired."), "final")
    try:
        state.faults.check(None, counts_quota=False)
    except ApiError as exc:
        # An injected front-end failure carries no upload status, so clients retry the chunk
        # (google-genai re-sends a chunk whose answer lacks x-goog-upload-status).
        _record(state, request, None, 0)
        return web.Response(
            status=exc.code,
            body=exc.to_bytes(),
            headers={"Content-Type": "application/json; charset=UTF-8", **exc.headers},
        )
    if command == {"query"}:
        _record(state, request, None, 0)
        if session.final is not None:
            return _json(session.final, _headers("final", session.received))
        return web.Response(headers=_headers("active", session.received))
    if command == {"cancel"}:
        _record(state, request, None, 0)
        state.uploads.discard(session)
        return web.Response(headers=_headers("cancelled"))
    if command not in ({"upload"}, {"upload", "finalize"}, {"finalize"}):
        _record(state, request, None, 0)
        return _error(
            bad_request(
                f"Invalid X-Goog-Upload-Command {request.headers.get('x-goog-upload-command')!r};"
                " expected upload, 'upload, finalize', finalize, query or cancel."
            ),
            "active" if session.final is None else "final",
            session.received,
        )
    return await _chunk(state, request, session, finalize="finalize" in command)


async def _start(state: EmulatorState, request: web.Request) -> web.StreamResponse:
    raw = await request.read()
    decoded: Any = None
    try:
        decoded = msgspec.json.decode(raw) if raw.strip() else {}
    except msgspec.DecodeError:
        decoded = None
    _record(state, request, decoded, len(raw))
    try:
        return await _open(state, request, decoded)
    except ApiError as exc:
        return _error(exc, "final")


async def _open(state: EmulatorState, request: web.Request, decoded: Any) -> web.StreamResponse:

    path = request.path.lstrip("/")
    _, version, rest = [*path.split("/", 2), "", ""][:3]
    if version not in API_VERSIONS or not rest:
        raise ApiError(404, f"The requested URL /{path} was not found on this server.")
    authenticate(state, request)
    state.faults.check(None, counts_quota=False)
    protocol = request.headers.get("x-goog-upload-protocol", "").lower()
    if protocol != "resumable":
        raise bad_request(
            "The emulator supports the resumable upload protocol only "
            "(X-Goog-Upload-Protocol: resumable)."
        )
    if request.headers.get("x-goog-upload-command", "").strip().lower() != "start":
        raise bad_request("A resumable upload must begin with X-Goog-Upload-Command: start.")
    if decoded is None:
        raise bad_request("Invalid JSON payload received.")
    declared: int | None = None
    raw_size = request.headers.get("x-goog-upload-header-content-length")
    if raw_size is not None:
        try:
            declared = int(raw_size)
        except ValueError:
            declared = -1
        if declared < 0:
            raise bad_request(f"Invalid X-Goog-Upload-Header-Content-Length: {raw_size!r}")
    header_mime = request.headers.get("x-goog-upload-header-content-type")
    if rest == "files":
        body = parse("CreateFileRequest", decoded, api_version=version)
        meta = body.get("file", {})
        target = "files"
        size_field = meta.get("sizeBytes")
        if size_field is not None and declared is not None and int(size_field) != declared:
            raise bad_request(
                f"file.size_bytes ({size_field}) does not match "
                f"X-Goog-Upload-Header-Content-Length ({declared}).",
                "file.size_bytes",
            )
        name = meta.get("name")
        if name is not None:
            fid = name.removeprefix("files/")
            if not name.startswith("files/") or not _FILE_ID.match(fid):
                raise bad_request(
                    f"Invalid file name {name!r}: must be 'files/' followed by at most 40 "
                    "lower-case alphanumeric characters or dashes.",
                    "file.name",
                )
            if any(f.file_id == fid for f in state.files.all()):
                raise ApiError(409, f"File {name} already exists.")
        if len(meta.get("displayName", "")) > 512:
            raise bad_request(
                "file.display_name must be at most 512 characters.", "file.display_name"
            )
        mime = meta.get("mimeType") or header_mime
    else:
        match = _STORE_PATH.match(rest)
        if match is None:
            raise ApiError(404, f"The requested URL /{path} was not found on this server.")
        target = f"fileSearchStores/{match.group(1)}"
        meta = parse("UploadToFileSearchStoreRequest", decoded, api_version=version)
        state.file_search.check_upload(target, meta)
        mime = meta.get("mimeType") or header_mime
    if not mime:
        raise bad_request(
            "The MIME type of the upload is required "
            "(X-Goog-Upload-Header-Content-Type or mimeType)."
        )
    session = state.uploads.open(target, declared, mime, meta)
    url = f"{request.scheme}://{request.host}/{path}?upload_id={session.upload_id}&upload_protocol=resumable"
    return web.Response(
        headers={
            "x-goog-upload-url": url,
            "x-goog-upload-status": "active",
            "x-goog-upload-chunk-granularity": str(_GRANULARITY),
            "x-goog-upload-control-url": url,
        }
    )


async def _chunk(
    state: EmulatorState, request: web.Request, session: UploadSession, *, finalize: bool
) -> web.StreamResponse:
    session.requests += 1
    raw_offset = request.headers.get("x-goog-upload-offset")
    if session.final is not None:
        _record(state, request, None, 0)
        if raw_offset is not None and raw_offset.strip() == str(session.received):
            # A retried final chunk: answer again with the final result.
            return _json(session.final, _headers("final", session.received))
        return _error(bad_request("The upload has already been finalized."), "final")
    try:
        offset = int(raw_offset) if raw_offset is not None else -1
    except ValueError:
        offset = -1
    if offset < 0:
        _record(state, request, None, 0)
        return _error(
            bad_request(f"Missing or invalid X-Goog-Upload-Offset: {raw_offset!r}."),
            "active",
            session.received,
        )
    if offset != session.received:
        _record(state, request, None, 0)
        return _error(
            bad_request(
                f"Invalid X-Goog-Upload-Offset {offset}: the server has received "
                f"{session.received} bytes; resume from there."
            ),
            "active",
            session.received,
        )
    length = request.content_length
    if (
        session.declared_size is not None
        and length is not None
        and offset + length > session.declared_size
    ):
        _record(state, request, None, 0)
        return _error(
            bad_request(f"The upload exceeds the declared size of {session.declared_size} bytes."),
            "active",
            session.received,
        )
    limit, always = state.uploads.faults.limit_for(session)
    read = 0
    with session.path.open("ab") as out:
        try:
            while True:
                want = _READ if limit is None else min(_READ, limit - read)
                if limit is not None and want <= 0:
                    break
                data = await request.content.read(want)
                if not data:
                    break
                if (
                    session.declared_size is not None
                    and session.received + len(data) > session.declared_size
                ):
                    _record(state, request, None, read)
                    return _error(
                        bad_request(
                            f"The upload exceeds the declared size of {session.declared_size} "
                            "bytes."
                        ),
                        "active",
                        session.received,
                    )
                out.write(data)
                session.hasher.update(data)
                session.received += len(data)
                read += len(data)
        except (ConnectionError, OSError, web.HTTPException) as exc:
            # The client went away mid-chunk: what arrived stays received.
            _record(state, request, None, read)
            raise ConnectionResetError("client disconnected during an upload chunk") from exc
        except Exception as exc:  # aiohttp payload errors on a broken connection
            _record(state, request, None, read)
            raise ConnectionResetError("upload chunk interrupted") from exc
    _record(state, request, None, read)
    if limit is not None and (always or read >= limit):
        state.uploads.faults.fired()
        transport = request.transport
        if transport is not None:
            transport.abort()
        raise ConnectionResetError("upload dropped by a scripted fault")
    if not finalize:
        return web.Response(headers=_headers("active", session.received))
    if session.declared_size is not None and session.received != session.declared_size:
        return _error(
            bad_request(
                f"Cannot finalize: received {session.received} of {session.declared_size} bytes."
            ),
            "active",
            session.received,
        )
    base = f"{request.scheme}://{request.host}"
    try:
        final = state.finish_upload(session, base)
    except ApiError as exc:
        state.uploads.discard(session)
        return _error(exc, "final")
    session.final = final
    return _json(final, _headers("final", session.received))
