"""The Batch API: ``{model}:batchGenerateContent``, ``{model}:asyncBatchEmbedContent`` and
``batches`` get / list / cancel / delete.

A batch is an Operation named ``batches/{id}`` whose ``metadata`` (``@type`` ``...v1main.
GenerateContentBatch`` or ``...EmbedContentBatch``) carries ``state``, ``batchStats`` and, once
finished, ``output`` (``inlinedResponses.inlinedResponses`` or ``responsesFile``). Its state walks
BATCH_STATE_PENDING -> RUNNING -> SUCCEEDED, one stage per ``Settings.job_polls`` GETs and
``Settings.job_delay`` seconds; CANCELLED by ``:cancel``, EXPIRED after
``Settings.batch_expiry`` seconds unfinished, FAILED when the input file is unreadable (or forced
with ``emu.batches.fail(name)``).

Every request runs through the same deterministic model as online calls; a malformed request
fails that item only. Inline results come back in a deterministic shuffled order (like the real
service; ``Settings.batch_shuffle``), each with the request's ``metadata``; file input
(``inputConfig.fileName``: JSONL lines ``{"key": ..., "request": {...}}``) produces a generated,
downloadable JSONL ``responsesFile`` of ``{"key", "response"|"error"}`` lines.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import random
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from ._embed import embed_request
from ._errors import ApiError, bad_request
from ._proto import parse
from ._router import page
from ._timeutil import Progress, rfc3339

if TYPE_CHECKING:
    from ._router import Call, Router
    from ._state import EmulatorState

__all__ = ["Batch", "BatchStore", "register"]

_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main."
_STAGES = ("BATCH_STATE_PENDING", "BATCH_STATE_RUNNING", "BATCH_STATE_SUCCEEDED")
_TERMINAL = frozenset(
    {"BATCH_STATE_SUCCEEDED", "BATCH_STATE_FAILED", "BATCH_STATE_CANCELLED", "BATCH_STATE_EXPIRED"}
)
_ENCODE = msgspec.json.encode


@dataclass
class _Item:
    request: Any
    metadata: dict[str, Any] | None = None
    key: Any = None
    error: dict[str, Any] | None = None


@dataclass
class Batch:
    """One batch job.

    Attributes:
        name: ``batches/{id}``.
        kind: ``generate`` or ``embed``.
        model: ``models/...``.
        state: The ``BATCH_STATE_*`` it is in.
        results: Per-item ``{"response"|"error", "metadata"|"key"}`` once RUNNING.
        output: ``metadata.output`` once SUCCEEDED.
    """

    name: str
    kind: str
    model: str
    version: str
    base: str
    display_name: str | None
    file_input: str | None
    items: list[_Item]
    created: _dt.datetime
    updated: _dt.datetime
    progress: Progress | None = None
    state: str = "BATCH_STATE_PENDING"
    ended: _dt.datetime | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    output: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    expected: int = 0

    def stats(self) -> dict[str, str]:
        """``batchStats`` (int64 counts as strings, as the API serves them)."""
        total = len(self.items) or self.expected
        done = self.results if self.state != "BATCH_STATE_RUNNING" else self.results[: total // 2]
        failed = sum(1 for r in done if "error" in r)
        return {
            "requestCount": str(total),
            "successfulRequestCount": str(len(done) - failed),
            "failedRequestCount": str(failed),
            "pendingRequestCount": str(total - len(done)),
        }

    def to_json(self) -> dict[str, Any]:
        """The Operation the API serves for this batch."""
        meta: dict[str, Any] = {
            "@type": _TYPE
            + ("GenerateContentBatch" if self.kind == "generate" else "EmbedContentBatch"),
            "model": self.model,
            "displayName": self.display_name or "",
            "name": self.name,
            "createTime": rfc3339(self.created),
            "updateTime": rfc3339(self.updated),
            "batchStats": self.stats(),
            "state": self.state,
        }
        if self.file_input is not None:
            meta["inputConfig"] = {"fileName": self.file_input}
        if self.ended is not None:
            meta["endTime"] = rfc3339(self.ended)
        if self.output is not None:
            meta["output"] = self.output
        out: dict[str, Any] = {"name": self.name, "metadata": meta}
        if self.state in _TERMINAL:
            out["done"] = True
            if self.error is not None:
                out["error"] = self.error
            elif self.output is not None:
                suffix = (
                    "GenerateContentBatchOutput"
                    if self.kind == "generate"
                    else "EmbedContentBatchOutput"
                )
                out["response"] = {"@type": _TYPE + suffix, **self.output}
        return out


class BatchStore:
    """Every batch job, by name.

    Args:
        state: The emulator state (clocks, settings, models, files).
    """

    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._batches: dict[str, Batch] = {}
        self._ids = itertools.count(1)

    # -- lifecycle ---------------------------------------------------------------------------

    def create(self, kind: str, model: str, body: dict[str, Any], version: str, base: str) -> Batch:
        """Create a batch from a validated ``batch`` body.

        Raises:
            ApiError: 400 for bad input (no input, both inline and file input, empty requests,
                a model mismatch); 403 / 400 FAILED_PRECONDITION for an unknown or inactive file.
        """
        where = "GenerateContentBatch" if kind == "generate" else "EmbedContentBatch"
        inner_model = body.get("model")
        if inner_model and inner_model.removeprefix("models/") != model.removeprefix("models/"):
            raise bad_request(
                f"* {where}.model: the model ({inner_model}) must match the model in the URL "
                f"({model})\n",
                "batch.model",
            )
        config = body.get("inputConfig")
        if not config:
            raise bad_request(
                f"* {where}.input_config: input_config is required\n", "batch.input_config"
            )
        if "fileName" in config and "requests" in config:
            raise bad_request(
                f"* {where}.input_config: only one of file_name and requests may be set\n",
                "batch.input_config",
            )
        items: list[_Item] = []
        file_input: str | None = None
        expected = 0
        if "fileName" in config:
            file_input = config["fileName"]
            if not file_input.startswith("files/"):
                file_input = f"files/{file_input}"
            source = self._state.files.require_active(file_input)
            # Counted now so batchStats.requestCount is right while PENDING.
            expected = sum(1 for line in source.read().splitlines() if line.strip())
        elif "requests" in config:
            entries = config["requests"].get("requests") or []
            if not entries:
                raise bad_request(
                    f"* {where}.input_config.requests.requests: requests must not be empty\n",
                    "batch.input_config.requests",
                )
            items = [_Item(e.get("request"), e.get("metadata")) for e in entries]
        else:
            raise bad_request(
                f"* {where}.input_config: one of file_name and requests must be set\n",
                "batch.input_config",
            )
        now = self._state.now()
        name = f"batches/{secrets.token_hex(5)}{next(self._ids):05d}"
        batch = Batch(
            name=name,
            kind=kind,
            model=model,
            version=version,
            base=base,
            display_name=body.get("displayName"),
            file_input=file_input,
            items=items,
            created=now,
            updated=now,
        )
        batch.expected = expected
        settings = self._state.settings
        batch.progress = Progress(
            _STAGES,
            polls=settings.job_polls,
            delay=settings.job_delay,
            clock=self._state.clock,
            on_enter=lambda stage: self._enter(batch, stage),
        )
        self._batches[name] = batch
        return batch

    def _enter(self, batch: Batch, stage: str) -> None:
        batch.state = stage
        batch.updated = self._state.now()
        if stage == "BATCH_STATE_RUNNING":
            try:
                self._run(batch)
            except ApiError as exc:
                batch.error = exc.to_json()["error"]
                batch.state = "BATCH_STATE_FAILED"
                batch.ended = batch.updated
                assert batch.progress is not None
                batch.progress.stop("BATCH_STATE_FAILED")
        elif stage == "BATCH_STATE_SUCCEEDED":
            batch.output = self._output(batch)
            batch.ended = batch.updated

    def _load_file(self, batch: Batch) -> None:
        assert batch.file_input is not None
        stored = self._state.files.get(batch.file_input)
        try:
            text = stored.read().decode("utf-8")
        except (UnicodeDecodeError, OSError):
            raise ApiError(400, f"The input file {batch.file_input} is not UTF-8 JSONL.") from None
        items = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = msgspec.json.decode(line)
            except msgspec.DecodeError as exc:
                items.append(_Item(None, error=_err(400, f"Line {number}: invalid JSON ({exc}).")))
                continue
            if not isinstance(row, dict) or "request" not in row:
                items.append(
                    _Item(
                        None,
                        key=row.get("key") if isinstance(row, dict) else None,
                        error=_err(400, f"Line {number}: a line must be an object with 'request'."),
                    )
                )
                continue
            items.append(_Item(row["request"], key=row.get("key")))
        if not items:
            raise ApiError(400, f"The input file {batch.file_input} holds no requests.")
        batch.items = items

    def _run(self, batch: Batch) -> None:
        from ._generate import answer  # generation imports the state, which imports this module

        if batch.file_input is not None:
            self._load_file(batch)
        results = []
        for index, item in enumerate(batch.items):
            entry: dict[str, Any] = {}
            if batch.file_input is not None:
                if item.key is not None:
                    entry["key"] = item.key
            elif item.metadata is not None:
                entry["metadata"] = item.metadata
            if item.error is not None:
                entry["error"] = item.error
            else:
                try:
                    entry["response"] = self._answer_one(batch, item.request, index, answer)
                except ApiError as exc:
                    entry["error"] = exc.to_json()["error"]
            results.append(entry)
        batch.results = results

    def _answer_one(self, batch: Batch, request: Any, index: int, answer: Any) -> dict[str, Any]:
        if batch.kind == "embed":
            parsed = parse("EmbedContentRequest", request, api_version=batch.version)
            model = self._state.model(batch.model, "embedContent", batch.version)
            where = f"EmbedContentBatch.requests[{index}]"
            return {"embedding": embed_request(model, parsed, where)}
        parsed = parse("GenerateContentRequest", request, api_version=batch.version)
        inner = parsed.pop("model", None)
        if inner and inner.removeprefix("models/") != batch.model.removeprefix("models/"):
            raise bad_request(
                f"The model of request {index} ({inner}) differs from the batch's ({batch.model}).",
                "request.model",
            )
        response: dict[str, Any] = answer(
            self._state, batch.model, parsed, batch.version
        ).response()
        return response

    def _output(self, batch: Batch) -> dict[str, Any]:
        ordered = list(batch.results)
        if self._state.settings.batch_shuffle and len(ordered) > 1:
            random.Random(f"{batch.name}:{self._state.settings.seed}").shuffle(ordered)
            if ordered == batch.results:  # never the request order: code assuming it fails
                ordered.append(ordered.pop(0))
        if batch.file_input is None:
            return {"inlinedResponses": {"inlinedResponses": ordered}}
        lines = b"".join(_ENCODE(r) + b"\n" for r in ordered)
        file_id = f"batch-{batch.name.removeprefix('batches/')}"
        stored = self._state.files.add(
            lines, "application/jsonl", source="GENERATED", file_id=file_id
        )
        return {"responsesFile": stored.name}

    def _refresh(self, batch: Batch) -> None:
        if batch.state in _TERMINAL:
            return
        expiry = _dt.timedelta(seconds=self._state.settings.batch_expiry)
        if self._state.now() - batch.created >= expiry:
            self._stop(batch, "BATCH_STATE_EXPIRED")

    def _stop(self, batch: Batch, state: str) -> None:
        assert batch.progress is not None
        batch.progress.stop(state)
        batch.state = state
        batch.updated = batch.ended = self._state.now()

    # -- access ------------------------------------------------------------------------------

    def _find(self, name: str) -> Batch:
        found = self._batches.get(name)
        if found is None:
            raise ApiError(404, f"Batch {name} not found.")
        return found

    def poll(self, name: str) -> Batch:
        """Count one GET of a batch and advance it as polls and time allow.

        Raises:
            ApiError: 404 for an unknown batch.
        """
        batch = self._find(name)
        self._refresh(batch)
        if batch.state not in _TERMINAL:
            assert batch.progress is not None
            batch.progress.poll()
        return batch

    def get(self, name: str) -> Batch:
        """A batch without counting a poll.

        Raises:
            ApiError: 404 for an unknown batch.
        """
        batch = self._find(name)
        self._refresh(batch)
        return batch

    def all(self) -> list[Batch]:
        """Every batch, newest first."""
        for batch in self._batches.values():
            self._refresh(batch)
        return list(reversed(self._batches.values()))

    def finish(self, name: str) -> Batch:
        """Run a batch to completion now (tests and the admin API).

        Raises:
            ApiError: 404 for an unknown batch.
        """
        batch = self.get(name)
        if batch.state not in _TERMINAL:
            assert batch.progress is not None
            batch.progress.finish()
        return batch

    def fail(self, name: str, message: str = "The batch failed.") -> Batch:
        """Force a batch that has not finished into BATCH_STATE_FAILED.

        Raises:
            ApiError: 404 for an unknown batch.
        """
        batch = self.get(name)
        if batch.state not in _TERMINAL:
            batch.error = _err(500, message, "INTERNAL")
            self._stop(batch, "BATCH_STATE_FAILED")
        return batch

    def cancel(self, name: str) -> None:
        """Cancel a batch that has not finished.

        Raises:
            ApiError: 404 for an unknown batch; 400 FAILED_PRECONDITION once it has finished.
        """
        batch = self.get(name)
        if batch.state in _TERMINAL:
            raise ApiError(
                400,
                f"Batch {name} is already in a terminal state ({batch.state}) and cannot be "
                "cancelled.",
                status="FAILED_PRECONDITION",
            )
        self._stop(batch, "BATCH_STATE_CANCELLED")

    def delete(self, name: str) -> None:
        """Forget a batch.

        Raises:
            ApiError: 404 for an unknown batch.
        """
        self._find(name)
        del self._batches[name]


def _err(code: int, message: str, status: str = "INVALID_ARGUMENT") -> dict[str, Any]:
    return {"code": code, "message": message, "status": status}


# -- routes -------------------------------------------------------------------------------------


def _model_of(call: Call) -> str:
    return f"{call.segments[0]}/{call.segments[1]}"


async def create_batch(call: Call) -> dict[str, Any]:
    """``POST models/{m}:batchGenerateContent``."""
    model = _model_of(call)
    call.state.model(model, "batchGenerateContent", call.version)
    body = call.body_as("BatchGenerateContentRequest").get("batch")
    if not body:
        raise bad_request("* BatchGenerateContentRequest.batch: batch is required\n", "batch")
    batch = call.state.batches.create("generate", model, body, call.version, call.origin())
    return batch.to_json()


async def create_embed_batch(call: Call) -> dict[str, Any]:
    """``POST models/{m}:asyncBatchEmbedContent``."""
    model = _model_of(call)
    call.state.model(model, "embedContent", call.version)
    body = call.body_as("AsyncBatchEmbedContentRequest").get("batch")
    if not body:
        raise bad_request("* AsyncBatchEmbedContentRequest.batch: batch is required\n", "batch")
    batch = call.state.batches.create("embed", model, body, call.version, call.origin())
    return batch.to_json()


async def get_batch(call: Call) -> dict[str, Any]:
    """``GET batches/{id}`` (each GET counts as a poll)."""
    return call.state.batches.poll(call.name).to_json()


async def list_batches(call: Call) -> dict[str, Any]:
    """``GET batches`` (newest first) with ``pageSize`` (default 10, max 100) and ``pageToken``."""
    if "filter" in call.query:
        raise bad_request("filter is not supported for batches on the Gemini API.", "filter")
    chunk, token = page(call, call.state.batches.all(), default_size=10, max_size=100)
    out: dict[str, Any] = {}
    if chunk:
        out["operations"] = [b.to_json() for b in chunk]
    if token:
        out["nextPageToken"] = token
    return out


async def cancel_batch(call: Call) -> dict[str, Any]:
    """``POST batches/{id}:cancel``."""
    call.state.batches.cancel(call.name)
    return {}


async def delete_batch(call: Call) -> dict[str, Any]:
    """``DELETE batches/{id}``."""
    call.state.batches.delete(call.name)
    return {}


def register(router: Router) -> None:
    """Add the batch routes."""
    router.add("POST", "models/*", "batchGenerateContent", create_batch)
    router.add("POST", "models/*", "asyncBatchEmbedContent", create_embed_batch)
    router.add("GET", "batches/*", "", get_batch)
    router.add("GET", "batches", "", list_batches)
    router.add("POST", "batches/*", "cancel", cancel_batch)
    router.add("DELETE", "batches/*", "", delete_batch)
