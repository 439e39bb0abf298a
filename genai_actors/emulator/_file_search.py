"""File search stores and their documents, imports, uploads, media and grounding.

``fileSearchStores`` create / get / list / delete (``force``: a store that still has documents
is refused with 400 FAILED_PRECONDITION without it). ``{store}:importFile`` (an uploaded, ACTIVE
file) and ``/upload/{v}/{store}:uploadToFileSearchStore`` (resumable) create a document in
``STATE_PENDING`` and answer an Operation (``{store}/operations/{id}`` or
``{store}/upload/operations/{id}``); after ``Settings.job_polls`` polls and ``job_delay`` seconds
the document is chunked and embedded, becomes ``STATE_ACTIVE`` (``STATE_FAILED`` when it holds no
text), and the operation's ``response`` is ``{parent, documentName}``. Documents: get / list /
delete (``force``: a document with chunks is refused without it). ``{store}/media/{blob}?alt=media``
serves a document's original bytes (the ``mediaId`` in grounding chunks).

``generateContent`` with ``tools: [{fileSearch: {fileSearchStoreNames, topK, metadataFilter}}]``
ranks the named stores' chunks against the prompt by cosine similarity and answers text that
quotes the best chunks, with ``groundingMetadata.groundingChunks[].retrievedContext`` and
``groundingSupports`` (UTF-8 byte offsets) citing them.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._brain import Generation
from ._embed import embed
from ._errors import ApiError, bad_request
from ._operations import Operation
from ._retrieval import DIMS, Chunk, chunk_text, cosine, matches, parse_filter, whitespace_config
from ._router import page
from ._timeutil import Progress, rfc3339
from ._tokens import count_text

if TYPE_CHECKING:
    from ._router import Call, Router
    from ._state import EmulatorState
    from ._upload import UploadSession

__all__ = ["FileSearchStore", "register"]

_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta."
_DEFAULT_EMBEDDING = "models/gemini-embedding-001"
_MAX_METADATA = 20


@dataclass
class Document:
    """One document of a store."""

    name: str
    display_name: str
    mime_type: str
    data: bytes
    metadata: list[dict[str, Any]]
    chunking: tuple[int, int]
    created: _dt.datetime
    updated: _dt.datetime
    blob: str
    state: str = "STATE_PENDING"
    chunks: list[Chunk] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``Document`` resource."""
        out: dict[str, Any] = {
            "name": self.name,
            "displayName": self.display_name,
            "state": self.state,
            "sizeBytes": str(len(self.data)),
            "mimeType": self.mime_type,
            "createTime": rfc3339(self.created),
            "updateTime": rfc3339(self.updated),
        }
        if self.metadata:
            out["customMetadata"] = self.metadata
        return out


@dataclass
class Store:
    """One file search store."""

    name: str
    display_name: str
    embedding_model: str
    created: _dt.datetime
    updated: _dt.datetime
    documents: dict[str, Document] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``FileSearchStore`` resource (int64 counts as strings)."""
        docs = list(self.documents.values())
        count = {
            s: sum(1 for d in docs if d.state == s)
            for s in ("STATE_ACTIVE", "STATE_PENDING", "STATE_FAILED")
        }
        out: dict[str, Any] = {"name": self.name}
        if self.display_name:
            out["displayName"] = self.display_name
        out.update(
            {
                "createTime": rfc3339(self.created),
                "updateTime": rfc3339(self.updated),
                "activeDocumentsCount": str(count["STATE_ACTIVE"]),
                "pendingDocumentsCount": str(count["STATE_PENDING"]),
                "failedDocumentsCount": str(count["STATE_FAILED"]),
                "sizeBytes": str(sum(len(d.data) for d in docs if d.state == "STATE_ACTIVE")),
                "embeddingModel": self.embedding_model,
            }
        )
        return out


@dataclass
class Retrieval:
    """What a fileSearch tool retrieved for one request: ``(score, store, document, chunk)``."""

    hits: list[tuple[float, Store, Document, Chunk]]


def _slug(text: str, limit: int = 30) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")
    return slug


def _check_metadata(metadata: list[dict[str, Any]], where: str) -> None:
    if len(metadata) > _MAX_METADATA:
        raise bad_request(
            f"* {where}.custom_metadata: at most {_MAX_METADATA} entries are allowed\n",
            "custom_metadata",
        )
    for i, entry in enumerate(metadata):
        values = [k for k in ("stringValue", "numericValue", "stringListValue") if k in entry]
        if not entry.get("key") or len(values) != 1:
            raise bad_request(
                f"* {where}.custom_metadata[{i}]: a key and exactly one of string_value, "
                "numeric_value and string_list_value are required\n",
                f"custom_metadata[{i}]",
            )


def _text_of(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace")
    return text if any(ch.isalnum() for ch in text) else ""


class FileSearchStore:
    """Every file search store, by name.

    Args:
        state: The emulator state (clocks, settings, models, files, operations).
    """

    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._stores: dict[str, Store] = {}
        self._ids = itertools.count(1)

    # -- stores ------------------------------------------------------------------------------

    def create(self, body: dict[str, Any], version: str) -> Store:
        """Create a store from a validated body.

        Raises:
            ApiError: 400 for a long display name; 404 for an unknown embedding model.
        """
        display = body.get("displayName", "")
        if len(display) > 512:
            raise bad_request("display_name must be at most 512 characters.", "display_name")
        model = body.get("embeddingModel") or _DEFAULT_EMBEDDING
        if not model.startswith("models/"):
            model = f"models/{model}"
        self._state.model(model, "embedContent", version)
        now = self._state.now()
        ident = f"{_slug(display) or 'store'}-{secrets.token_hex(6)}"
        store = Store(f"fileSearchStores/{ident}", display, model, now, now)
        self._stores[store.name] = store
        return store

    def get(self, name: str) -> Store:
        """The store called ``name``.

        Raises:
            ApiError: 403 PERMISSION_DENIED for an unknown store, as the real API answers.
        """
        found = self._stores.get(name)
        if found is None:
            raise ApiError(403, f"Permission denied on resource {name} (or it may not exist).")
        return found

    def all(self) -> list[Store]:
        """Every store, oldest first."""
        return list(self._stores.values())

    def delete(self, name: str, force: bool) -> None:
        """Delete a store (and, with ``force``, its documents).

        Raises:
            ApiError: 403 for an unknown store; 400 FAILED_PRECONDITION when it has documents and
                ``force`` is false.
        """
        store = self.get(name)
        if store.documents and not force:
            raise ApiError(
                400,
                f"Cannot delete non-empty FileSearchStore {name}: it has "
                f"{len(store.documents)} documents. Set force=true to delete them too.",
                status="FAILED_PRECONDITION",
            )
        del self._stores[name]

    # -- documents ---------------------------------------------------------------------------

    def document(self, name: str) -> tuple[Store, Document]:
        """The store and document for ``fileSearchStores/{s}/documents/{d}``.

        Raises:
            ApiError: 403 for an unknown store or document.
        """
        store = self.get(name.split("/documents/")[0])
        doc = store.documents.get(name)
        if doc is None:
            raise ApiError(403, f"Permission denied on resource {name} (or it may not exist).")
        return store, doc

    def delete_document(self, name: str, force: bool) -> None:
        """Delete a document.

        Raises:
            ApiError: 403 for an unknown document; 400 FAILED_PRECONDITION when it has chunks and
                ``force`` is false.
        """
        store, doc = self.document(name)
        if doc.chunks and not force:
            raise ApiError(
                400,
                f"Cannot delete Document {name}: it has {len(doc.chunks)} chunks. Set force=true "
                "to delete them too.",
                status="FAILED_PRECONDITION",
            )
        del store.documents[name]
        store.updated = self._state.now()

    def media(self, store_name: str, blob: str) -> Document:
        """The document whose media blob is ``blob``.

        Raises:
            ApiError: 403 for an unknown store; 404 for an unknown blob.
        """
        store = self.get(store_name)
        for doc in store.documents.values():
            if doc.blob == blob:
                return doc
        raise ApiError(404, f"Media {store_name}/media/{blob} not found.")

    def _add_document(
        self,
        store: Store,
        data: bytes,
        mime: str,
        display: str,
        meta: dict[str, Any],
        where: str,
        op_name: str,
        response_type: str,
    ) -> Operation:
        metadata = meta.get("customMetadata", [])
        _check_metadata(metadata, where)
        chunking = whitespace_config(meta.get("chunkingConfig"), where)
        now = self._state.now()
        ident = f"{_slug(display, 24) or 'document'}-{secrets.token_hex(6)}"
        doc = Document(
            name=f"{store.name}/documents/{ident}",
            display_name=display,
            mime_type=mime,
            data=data,
            metadata=metadata,
            chunking=chunking,
            created=now,
            updated=now,
            blob=f"{secrets.token_hex(8)}{next(self._ids)}",
        )
        store.documents[doc.name] = doc
        store.updated = now
        settings = self._state.settings
        progress = Progress(
            ("PENDING", "DONE"),
            polls=settings.job_polls,
            delay=settings.job_delay,
            clock=self._state.clock,
            on_enter=lambda _stage: self._index(store, doc),
        )

        def refresh(op: Operation) -> None:
            progress.poll()
            if not progress.finished or op.done:
                return
            op.done = True
            if doc.state == "STATE_FAILED":
                op.error = {
                    "code": 400,
                    "message": f"Document {doc.name} holds no text that can be indexed.",
                    "status": "INVALID_ARGUMENT",
                }
            else:
                op.response = {
                    "@type": _TYPE + response_type,
                    "parent": store.name,
                    "documentName": doc.name,
                }

        op = self._state.operations.create(op_name, refresh=refresh, finish=progress.finish)
        if settings.job_polls == 0 and settings.job_delay == 0:
            refresh(op)
        return op

    def _index(self, store: Store, doc: Document) -> None:
        text = _text_of(doc.data)
        doc.chunks = chunk_text(text, *doc.chunking) if text else []
        doc.state = "STATE_ACTIVE" if doc.chunks else "STATE_FAILED"
        doc.updated = store.updated = self._state.now()

    def import_file(self, store_name: str, body: dict[str, Any]) -> Operation:
        """``{store}:importFile`` from a validated body.

        Raises:
            ApiError: 403 for an unknown store or file; 400 for a missing file name, a file not
                ACTIVE, bad metadata or chunking config.
        """
        store = self.get(store_name)
        where = "ImportFileRequest"
        file_name = body.get("fileName")
        if not file_name:
            raise bad_request(f"* {where}.file_name: file_name is required\n", "file_name")
        stored = self._state.files.require_active(file_name)
        op_name = f"{store.name}/operations/{self._state.operations.new_id('import')}"
        return self._add_document(
            store,
            stored.read(),
            stored.mime_type,
            stored.display_name or stored.file_id,
            body,
            where,
            op_name,
            "ImportFileResponse",
        )

    def check_upload(self, store_name: str, meta: dict[str, Any]) -> None:
        """Validate the start of an upload to a store.

        Raises:
            ApiError: 403 for an unknown store; 400 for bad metadata or chunking config.
        """
        self.get(store_name)
        where = "UploadToFileSearchStoreRequest"
        _check_metadata(meta.get("customMetadata", []), where)
        whitespace_config(meta.get("chunkingConfig"), where)

    def finish_upload(self, session: UploadSession, base: str) -> dict[str, Any]:
        """Turn a finished upload into a document; returns the Operation (the final body).

        Raises:
            ApiError: 403 when the store was deleted meanwhile.
        """
        store = self.get(session.target)
        data = session.path.read_bytes()
        session.path.unlink(missing_ok=True)
        display = session.meta.get("displayName") or f"upload-{session.upload_id[-8:].lower()}"
        op_name = f"{store.name}/upload/operations/{self._state.operations.new_id('upload')}"
        op = self._add_document(
            store,
            data,
            session.mime_type,
            display,
            session.meta,
            "UploadToFileSearchStoreRequest",
            op_name,
            "UploadToFileSearchStoreResponse",
        )
        return op.to_json()

    # -- grounding ---------------------------------------------------------------------------

    def retrieve(self, request: dict[str, Any]) -> Retrieval | None:
        """Rank chunks for a request with a ``fileSearch`` tool (None without one).

        Raises:
            ApiError: 400 for a malformed tool or filter; 403 for an unknown store.
        """
        tool = next((t["fileSearch"] for t in request.get("tools", ()) if "fileSearch" in t), None)
        if tool is None:
            return None
        where = "GenerateContentRequest.tools.file_search"
        names = tool.get("fileSearchStoreNames", tool.get("file_search_store_names"))
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise bad_request(
                f"* {where}.file_search_store_names: at least one store name is required\n",
                "tools.file_search.file_search_store_names",
            )
        top_k = tool.get("topK", tool.get("top_k", 5))
        if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
            raise bad_request(
                f"* {where}.top_k: must be a positive integer\n", "tools.file_search.top_k"
            )
        expression = tool.get("metadataFilter", tool.get("metadata_filter"))
        parsed = (
            parse_filter(expression) if isinstance(expression, str) and expression.strip() else None
        )
        query = _query_text(request)
        vector = embed(query, DIMS)
        hits: list[tuple[float, Store, Document, Chunk]] = []
        for name in names:
            store = self.get(name)
            for doc in store.documents.values():
                if doc.state != "STATE_ACTIVE" or (parsed and not matches(parsed, doc.metadata)):
                    continue
                hits.extend((cosine(vector, c.vector), store, doc, c) for c in doc.chunks)
        hits.sort(key=lambda h: -h[0])
        return Retrieval([h for h in hits[:top_k] if h[0] > 0])

    def ground(self, generation: Generation, retrieval: Retrieval) -> None:
        """Make each candidate's text quote the best chunks and attach ``groundingMetadata``."""
        chunks = []
        for _, store, doc, chunk in retrieval.hits:
            context: dict[str, Any] = {
                "title": doc.display_name,
                "text": chunk.text,
                "fileSearchStore": store.name,
                "uri": doc.name,
                "mediaId": f"{store.name}/media/{doc.blob}",
            }
            if doc.metadata:
                context["customMetadata"] = doc.metadata
            chunks.append({"retrievedContext": context})
        for cand in generation.candidates:
            part = next((p for p in cand.parts if "text" in p and not p.get("thought")), None)
            if part is None or not retrieval.hits:
                cand.grounding = {"groundingChunks": chunks} if chunks else None
                continue
            prefix = ""
            supports = []
            for index, (score, _, doc, chunk) in enumerate(retrieval.hits[:3]):
                sentence = f'According to "{doc.display_name}": {_snippet(chunk.text)} '
                start = len(prefix.encode())
                prefix += sentence
                supports.append(
                    {
                        "segment": {
                            "startIndex": start,
                            "endIndex": len(prefix.rstrip().encode()),
                            "text": sentence.rstrip(),
                        },
                        "groundingChunkIndices": [index],
                        "confidenceScores": [round(max(0.0, min(1.0, score)), 4)],
                    }
                )
            part["text"] = prefix + part["text"]
            generation.candidate_tokens += count_text(prefix)
            cand.grounding = {"groundingChunks": chunks, "groundingSupports": supports}


def _snippet(text: str, words: int = 24) -> str:
    parts = text.split()
    out = " ".join(parts[:words])
    return out + ("..." if len(parts) > words else "")


def _query_text(request: dict[str, Any]) -> str:
    for content in reversed(request.get("contents", ())):
        if content.get("role", "user") != "model":
            text = " ".join(p["text"] for p in content.get("parts", ()) if "text" in p)
            if text.strip():
                return text
    return ""


# -- routes -------------------------------------------------------------------------------------


def _force(call: Call) -> bool:
    raw = (call.query.get("force") or "false").lower()
    if raw not in ("true", "false", "1", "0"):
        raise bad_request(f"Invalid value at 'force' (TYPE_BOOL), \"{raw}\"", "force")
    return raw in ("true", "1")


def _store_name(call: Call) -> str:
    return f"fileSearchStores/{call.segments[1]}"


async def create_store(call: Call) -> dict[str, Any]:
    """``POST fileSearchStores``."""
    body = call.body_as("FileSearchStoreCreate")
    return call.state.file_search.create(body, call.version).to_json()


async def get_store(call: Call) -> dict[str, Any]:
    """``GET fileSearchStores/{s}``."""
    return call.state.file_search.get(call.name).to_json()


async def list_stores(call: Call) -> dict[str, Any]:
    """``GET fileSearchStores`` with ``pageSize`` (default 10, max 20) and ``pageToken``."""
    chunk, token = page(call, call.state.file_search.all(), default_size=10, max_size=20)
    out: dict[str, Any] = {}
    if chunk:
        out["fileSearchStores"] = [s.to_json() for s in chunk]
    if token:
        out["nextPageToken"] = token
    return out


async def delete_store(call: Call) -> dict[str, Any]:
    """``DELETE fileSearchStores/{s}[?force=true]``."""
    call.state.file_search.delete(call.name, _force(call))
    return {}


async def import_file(call: Call) -> dict[str, Any]:
    """``POST fileSearchStores/{s}:importFile``."""
    body = call.body_as("ImportFileRequest")
    return call.state.file_search.import_file(call.name, body).to_json()


async def get_document(call: Call) -> dict[str, Any]:
    """``GET fileSearchStores/{s}/documents/{d}``."""
    return call.state.file_search.document(call.name)[1].to_json()


async def list_documents(call: Call) -> dict[str, Any]:
    """``GET fileSearchStores/{s}/documents`` with ``pageSize`` (default 10, max 20)."""
    store = call.state.file_search.get(_store_name(call))
    chunk, token = page(call, list(store.documents.values()), default_size=10, max_size=20)
    out: dict[str, Any] = {}
    if chunk:
        out["documents"] = [d.to_json() for d in chunk]
    if token:
        out["nextPageToken"] = token
    return out


async def delete_document(call: Call) -> dict[str, Any]:
    """``DELETE fileSearchStores/{s}/documents/{d}[?force=true]``."""
    call.state.file_search.delete_document(call.name, _force(call))
    return {}


async def download_media(call: Call) -> web.Response:
    """``GET fileSearchStores/{s}/media/{blob}?alt=media``: a document's original bytes."""
    if call.query.get("alt") != "media":
        raise ApiError(400, "Only alt=media is supported for media download.")
    doc = call.state.file_search.media(_store_name(call), call.segments[3])
    return web.Response(body=doc.data, headers={"Content-Type": doc.mime_type})


def register(router: Router) -> None:
    """Add the file search routes (uploads are served by ``_upload``)."""
    router.add("POST", "fileSearchStores", "", create_store)
    router.add("GET", "fileSearchStores", "", list_stores)
    router.add("GET", "fileSearchStores/*", "", get_store)
    router.add("DELETE", "fileSearchStores/*", "", delete_store)
    router.add("POST", "fileSearchStores/*", "importFile", import_file)
    router.add("GET", "fileSearchStores/*/documents/*", "", get_document)
    router.add("GET", "fileSearchStores/*/documents", "", list_documents)
    router.add("DELETE", "fileSearchStores/*/documents/*", "", delete_document)
    router.add("GET", "fileSearchStores/*/media/*", "", download_media)
