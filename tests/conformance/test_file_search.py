"""Conformance: google-genai 3.4 and genai_actors send the same File Search requests.

One line per case: the same call through both clients against one emulator; the recorder's
method, path, query and JSON body are compared (and the protocol headers of the resumable
upload). Documented differences (see ``_deviations``): google-genai's snake_case keys inside
``customMetadata``/``chunkingConfig`` and its ``force=True`` query value. Resources made for a
case (a store, a file, a document, an operation) are made per client and their names replaced
by placeholders; the upload session id becomes ``{upload_id}``.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from genai_actors.emulator import Emulator
from genai_actors.emulator._recorder import RecordedRequest

from ._compare import GOOGLE_GENAI_WARNINGS, WireRequest, assert_same_requests, capture

pytestmark = GOOGLE_GENAI_WARNINGS

TEXT = b"Poseidonia is the capital of Atlantis. Its walls are blue.\n" * 3
META = [{"key": "topic", "string_value": "myth"}, {"key": "year", "numeric_value": 1999}]
CHUNKING = {"white_space_config": {"max_tokens_per_chunk": 40, "max_overlap_tokens": 5}}
_UPLOAD_HEADERS = (
    "x-goog-upload-protocol",
    "x-goog-upload-command",
    "x-goog-upload-offset",
    "x-goog-upload-header-content-length",
    "x-goog-upload-header-content-type",
)


class Made:
    """Resources made for one client before its call: store, file, document, operation, media."""

    store = ""
    file = ""
    document = ""
    operation: Any = None
    media = ""


Call = Callable[[Any, Made], Awaitable[Any]]


async def _walk(pager: Awaitable[Any]) -> None:
    async for _ in await pager:
        pass


# id, what to make first, the call (same code for both clients)
CASES: list[tuple[str, str, Call]] = [
    ("create-empty", "", lambda c, m: c.file_search_stores.create()),
    (
        "create-full",
        "",
        lambda c, m: c.file_search_stores.create(
            config={"display_name": "kb", "embedding_model": "gemini-embedding-001"}
        ),
    ),
    ("get", "store", lambda c, m: c.file_search_stores.get(name=m.store)),
    ("delete", "store", lambda c, m: c.file_search_stores.delete(name=m.store)),
    (
        "delete-force",
        "store",
        lambda c, m: c.file_search_stores.delete(name=m.store, config={"force": True}),
    ),
    ("list", "store", lambda c, m: _walk(c.file_search_stores.list())),
    ("list-paged", "store", lambda c, m: _walk(c.file_search_stores.list(config={"page_size": 1}))),
    (
        "import-min",
        "store file",
        lambda c, m: c.file_search_stores.import_file(
            file_search_store_name=m.store, file_name=m.file
        ),
    ),
    (
        "import-full",
        "store file",
        lambda c, m: c.file_search_stores.import_file(
            file_search_store_name=m.store,
            file_name=m.file,
            config={"custom_metadata": META, "chunking_config": CHUNKING},
        ),
    ),
    (
        "upload-stream",
        "store",
        lambda c, m: c.file_search_stores.upload_to_file_search_store(
            file_search_store_name=m.store,
            file=io.BytesIO(TEXT),
            config={
                "mime_type": "text/plain",
                "display_name": "atlas",
                "custom_metadata": META,
                "chunking_config": CHUNKING,
            },
        ),
    ),
    ("operations-get", "store file operation", lambda c, m: c.operations.get(m.operation)),
    (
        "documents-get",
        "store document",
        lambda c, m: c.file_search_stores.documents.get(name=m.document),
    ),
    (
        "documents-delete-force",
        "store document",
        lambda c, m: c.file_search_stores.documents.delete(name=m.document, config={"force": True}),
    ),
    (
        "documents-list",
        "store document",
        lambda c, m: _walk(
            c.file_search_stores.documents.list(parent=m.store, config={"page_size": 1})
        ),
    ),
    (
        "download-media",
        "store document",
        lambda c, m: c.file_search_stores.download_media(media_id=m.media),
    ),
]


async def _make(client: Any, emu: Emulator, what: str) -> tuple[Made, dict[str, str]]:
    made = Made()
    subs: dict[str, str] = {}
    if "store" in what:
        store = await client.file_search_stores.create(config={"display_name": "s"})
        made.store = store.name
        subs[store.name] = "{store}"
    if "file" in what:
        fid = emu.files.add(TEXT, "text/plain").file_id
        made.file = f"files/{fid}"
        subs[fid] = "{file}"
    if "operation" in what:
        made.operation = await client.file_search_stores.import_file(
            file_search_store_name=made.store, file_name=made.file
        )
        subs[made.operation.name] = "{operation}"
    if "document" in what:
        fid = emu.files.add(TEXT, "text/plain").file_id
        op = await client.file_search_stores.import_file(
            file_search_store_name=made.store, file_name=f"files/{fid}"
        )
        for _ in range(20):
            op = await client.operations.get(op)
            if op.done:
                break
        made.document = op.response.document_name
        subs[made.document] = "{document}"
        doc_id = made.document.rsplit("/", 1)[-1]
        blob = next(
            d.blob
            for s in emu.state.file_search.all()
            for d in s.documents.values()
            if d.name.endswith(doc_id)
        )
        made.media = f"{made.store}/media/{blob}"
        subs[made.media] = "{media}"
    return made, subs


def _normalise(
    recorded: list[RecordedRequest], subs: dict[str, str]
) -> list[tuple[WireRequest, tuple[tuple[str, str], ...]]]:
    def sub(text: str) -> str:
        for old, new in sorted(subs.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(old, new)
        return text

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return sub(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    out = []
    for r in recorded:
        query = {k: ("{upload_id}" if k == "upload_id" else sub(v)) for k, v in r.query.items()}
        headers = tuple((h, r.headers[h]) for h in _UPLOAD_HEADERS if h in r.headers)
        out.append((WireRequest(r.method, sub(r.path), query, walk(r.json)), headers))
    return out


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _camel_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel(k): _camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


def _deviations(request: WireRequest) -> WireRequest:
    """google-genai's documented quirks, mapped to what genai_actors sends.

    - ``customMetadata`` and ``chunkingConfig`` are dumped with snake_case keys inside
      (as google-genai builds them); genai_actors sends camelCase.
    - ``force`` is sent as Python's ``True``/``False``; genai_actors sends ``true``/``false``.
    """
    query = {k: v.lower() if k == "force" else v for k, v in request.query.items()}
    body = request.body
    if isinstance(body, dict):
        body = {
            k: _camel_keys(v) if k in ("customMetadata", "chunkingConfig") else v
            for k, v in body.items()
        }
    return WireRequest(request.method, request.path, query, body)


@pytest.mark.parametrize(("case", "make", "call"), CASES, ids=[c[0] for c in CASES])
async def test_same_requests(
    case: str, make: str, call: Call, emu: Emulator, theirs: Any, ours: Any
) -> None:
    """genai_actors sends what google-genai sends for the same File Search call."""
    prepared = [await _make(client, emu, make) for client in (theirs, ours)]
    results = []
    for client, (made, subs) in zip((theirs, ours), prepared, strict=True):
        recorded = await capture(emu, lambda c=client, m=made: call(c, m))
        results.append(_normalise(recorded, subs))
    expected, got = results
    expected = [(_deviations(w), h) for w, h in expected]
    assert [h for _, h in got] == [h for _, h in expected]
    assert_same_requests([w for w, _ in got], [w for w, _ in expected])
