"""Conformance: google-genai 3.4 and genai_actors send the same files requests.

Documented difference: the upload start body's ``file`` object, which google-genai sends with
snake_case keys and genai_actors with camelCase (the server accepts both).

Each case runs the same call through both clients against one emulator and compares what the
recorder captured: method, path, query and JSON body, plus, for the resumable upload, the
protocol headers of every request (command, offset, declared size and type, file name). Names of
resources made for a case are replaced by placeholders (each client gets its own), and the
upload session id by ``{upload_id}``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from google.genai import types as gtypes
from google.oauth2.credentials import Credentials

from genai_actors.emulator import Emulator
from genai_actors.emulator._recorder import RecordedRequest

from ._compare import GOOGLE_GENAI_WARNINGS, WireRequest, assert_same_requests, capture

pytestmark = [
    GOOGLE_GENAI_WARNINGS,
    # google-genai hands aiohttp 8 MiB chunks as raw bytes, which aiohttp warns about.
    pytest.mark.filterwarnings("ignore:Sending a large body directly:ResourceWarning"),
]

_UPLOAD_HEADERS = (
    "x-goog-upload-protocol",
    "x-goog-upload-command",
    "x-goog-upload-offset",
    "x-goog-upload-header-content-length",
    "x-goog-upload-header-content-type",
    "x-goog-upload-file-name",
)


class Ctx:
    """What a case may use: a tag unique to the client, fixtures, and names made for it."""

    def __init__(self, tag: str, tmp: Path, emu: Emulator) -> None:
        self.tag = tag
        self.tmp = tmp
        self.emu = emu
        self.file = ""  # an uploaded file made for the case
        self.generated = ""  # a generated (downloadable) file made for the case

    def path(self, name: str, data: bytes) -> Path:
        """A file under a per-client folder (same base name for both clients)."""
        folder = self.tmp / self.tag
        folder.mkdir(exist_ok=True)
        target = folder / name
        target.write_bytes(data)
        return target


Call = Callable[[Any, Ctx], Awaitable[Any]]
BIG = os.urandom(8 * 1024 * 1024 + 100)
PLAIN = {"mime_type": "text/plain"}


async def _walk(pager: Any) -> None:
    async for _ in pager:
        pass


# id, call (same code for both clients)
CASES: list[tuple[str, Call]] = [
    (
        "upload-path",
        lambda c, x: c.files.upload(file=x.path("a.txt", b"hello"), config={"display_name": "d"}),
    ),
    ("upload-markdown", lambda c, x: c.files.upload(file=str(x.path("n.md", b"# t")))),
    (
        "upload-named",
        lambda c, x: c.files.upload(
            file=x.path("b.txt", b"b"), config={"name": f"files/conf-{x.tag}"}
        ),
    ),
    (
        "upload-bare-name",
        lambda c, x: c.files.upload(file=x.path("c.txt", b"c"), config={"name": f"bare-{x.tag}"}),
    ),
    (
        "upload-stream",
        lambda c, x: c.files.upload(
            file=io.BytesIO(b"stream bytes"), config={"mime_type": "text/csv"}
        ),
    ),
    ("upload-empty", lambda c, x: c.files.upload(file=x.path("e.txt", b""))),
    (
        "upload-two-chunks",
        lambda c, x: c.files.upload(
            file=x.path("big.bin", BIG), config={"mime_type": "application/zip"}
        ),
    ),
    ("get", lambda c, x: c.files.get(name=x.file)),
    ("get-bare-id", lambda c, x: c.files.get(name=x.file.removeprefix("files/"))),
    (
        "get-uri",
        lambda c, x: c.files.get(name=f"https://generativelanguage.googleapis.com/v1beta/{x.file}"),
    ),
    ("delete", lambda c, x: c.files.delete(name=x.file)),
    ("list", lambda c, x: _walk_list(c, None)),
    ("list-paged", lambda c, x: _walk_list(c, {"page_size": 1})),
    ("download", lambda c, x: c.files.download(file=x.generated)),
    (
        "register",
        lambda c, x: c.files.register_files(
            auth=Credentials(token="gcs-token"), uris=["gs://bucket/obj.txt"]
        ),
    ),
]


async def _walk_list(client: Any, config: Any) -> None:
    await _walk(await client.files.list(config=config))


def _normalise(
    recorded: list[RecordedRequest], subs: dict[str, str]
) -> list[tuple[WireRequest, tuple[tuple[str, str], ...]]]:
    out = []
    for r in recorded:
        path = r.path
        for old, new in subs.items():
            path = path.replace(old, new)
        query = {k: ("{upload_id}" if k == "upload_id" else v) for k, v in r.query.items()}
        body = r.json
        if isinstance(body, dict):
            text = repr(body)
            for old, new in subs.items():
                text = text.replace(old, new)
            body = eval(text)
        headers = tuple((h, r.headers[h]) for h in _UPLOAD_HEADERS if h in r.headers)
        out.append((WireRequest(r.method, path, query, body), headers))
    return out


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _camel_file(request: WireRequest) -> WireRequest:
    body = request.body
    if not isinstance(body, dict) or not isinstance(body.get("file"), dict):
        return request
    fixed = {**body, "file": {_camel(k): v for k, v in body["file"].items()}}
    return WireRequest(request.method, request.path, request.query, fixed)


async def _prepare(client: Any, ctx: Ctx, case: str, ours: bool) -> dict[str, str]:
    subs: dict[str, str] = {f"conf-{ctx.tag}": "conf-{tag}", f"bare-{ctx.tag}": "bare-{tag}"}
    if case in ("get", "get-bare-id", "get-uri", "delete"):
        made = await client.files.upload(
            file=io.BytesIO(b"x"),
            config=(
                {"mime_type": "text/plain"}
                if ours
                else gtypes.UploadFileConfig(mime_type="text/plain")
            ),
        )
        ctx.file = made.name
        subs[made.name.removeprefix("files/")] = "{file}"
    if case == "download":
        fid = ctx.emu.files.add(b"video", "video/mp4", source="GENERATED").file_id
        ctx.generated = f"files/{fid}"
        subs[fid] = "{generated}"
    return subs


@pytest.mark.parametrize(("case", "call"), CASES, ids=[c[0] for c in CASES])
async def test_same_requests(
    case: str, call: Call, emu: Emulator, theirs: Any, ours: Any, tmp_path: Path
) -> None:
    """genai_actors sends what google-genai sends for the same files call."""
    if case in ("list", "list-paged"):
        for tag in ("pre1", "pre2"):
            emu.files.add(tag.encode(), "text/plain")
    results = []
    for client, tag, mine in ((theirs, "theirs", False), (ours, "ours", True)):
        ctx = Ctx(tag, tmp_path, emu)
        subs = await _prepare(client, ctx, case, mine)
        recorded = await capture(emu, lambda c=client, x=ctx: call(c, x))
        results.append(_normalise(recorded, subs))
    expected, got = results
    # Documented difference: google-genai dumps the `file` object of the upload start with
    # snake_case keys; genai_actors sends camelCase, as proto JSON expects.
    expected = [(_camel_file(w), h) for w, h in expected]
    assert [h for _, h in got] == [h for _, h in expected]
    assert_same_requests([w for w, _ in got], [w for w, _ in expected])
