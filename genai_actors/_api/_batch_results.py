"""Reading a finished batch's results: :class:`BatchResults`, matched by key.

Results come either inline (``dest.inlined_responses``, in the server's order) or as a JSONL
file (``dest.file_name``) of ``{"key": ..., "response"|"error": ...}`` lines. The file is
downloaded as a stream and parsed line by line, so memory stays flat however large it is; a
connection lost mid-way is reopened (up to three times) and the lines already delivered are
skipped, so nothing is lost or repeated.

Matching is by key, never by position. Inline results come back in request order when the
submitted keys are known. Every submitted key without a result gives a ``missing`` result, and
every result whose key is unknown, repeated or absent gives an ``unexpected`` one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

import msgspec

from .._transformers import InvalidRequestError, t_file_name
from ..errors import TransportError, UnknownApiResponseError
from ..types._base import dec_hook
from ..types._batches import (
    BatchJob,
    BatchResult,
    JobError,
    SingleEmbedContentResponse,
)
from ..types._response import GenerateContentResponse

if TYPE_CHECKING:
    from .._api_client import ApiClient
    from .._transport._body import RawBody

__all__ = ["BatchResults"]

_MAX_REOPENS = 3
_LINE_LIMIT = 64 * 1024 * 1024  # one result line larger than this is refused


def _response(data: Any) -> GenerateContentResponse | SingleEmbedContentResponse | None:
    if not isinstance(data, dict):
        return None
    tp: type[Any] = SingleEmbedContentResponse if "embedding" in data else GenerateContentResponse
    try:
        result: GenerateContentResponse | SingleEmbedContentResponse = msgspec.convert(
            data, tp, strict=False, dec_hook=dec_hook
        )
    except msgspec.ValidationError as exc:
        raise UnknownApiResponseError(f"a batch result does not decode: {exc}") from None
    return result


def _error(data: Any) -> JobError | None:
    if not isinstance(data, dict):
        return None
    try:
        return msgspec.convert(data, JobError, strict=False)
    except msgspec.ValidationError:
        return JobError(message=str(data))


class _Matcher:
    """Turns raw results into :class:`BatchResult` and remembers which keys were seen."""

    def __init__(self, keys: list[str] | None, request_count: int | None) -> None:
        self.expected = {k: i for i, k in enumerate(keys)} if keys is not None else None
        self.request_count = request_count
        self.seen: set[str] = set()
        self.matched = 0

    def result(
        self, key: Any, response: Any, error: JobError | None, metadata: dict[str, Any] | None
    ) -> BatchResult:
        reason = None
        if key is not None and not isinstance(key, str):
            key = str(key)
        if key is None:
            reason = "the result carries no key"
        elif key in self.seen:
            reason = f"a second result for key {key!r}"
        elif self.expected is not None and key not in self.expected:
            reason = f"key {key!r} was not submitted in this batch"
        if reason is not None:
            return BatchResult(
                key=key,
                response=response,
                error=error or JobError(message=reason),
                status="unexpected",
                metadata=metadata,
            )
        assert key is not None
        self.seen.add(key)
        self.matched += 1
        if error is None and response is None:
            error = JobError(message="the result holds neither a response nor an error")
        return BatchResult(
            key=key,
            response=response,
            error=error,
            status="failed" if error is not None else "succeeded",
            metadata=metadata,
        )

    def missing(self) -> list[BatchResult]:
        if self.expected is not None:
            return [
                BatchResult(
                    key=key,
                    error=JobError(message="no result was returned for this request"),
                    status="missing",
                )
                for key in self.expected
                if key not in self.seen
            ]
        count = self.request_count
        if count is not None and self.matched < count:
            gap = count - self.matched
            return [
                BatchResult(
                    key=None,
                    error=JobError(
                        message=f"{gap} of {count} results are missing (pass expected_keys to "
                        "learn which)"
                    ),
                    status="missing",
                )
            ]
        return []


class _FileLines:
    """The lines of a downloaded file, streamed; reopens a lost connection and skips ahead."""

    def __init__(self, api: ApiClient, file_name: str) -> None:
        self._api = api
        self._path = f"files/{t_file_name(file_name)}:download"
        self._body: RawBody | None = None
        self._buffer = bytearray()
        self._delivered = 0  # bytes of the file handed out as complete lines
        self._skip = 0
        self._eof = False
        self._reopens = 0

    def _open(self) -> RawBody:
        return self._api.open_body("GET", self._path, query={"alt": "media"})

    async def _read(self) -> bytes:
        while True:
            if self._body is None:
                self._body = self._open()
                await self._body.open()
            try:
                chunk = await self._body.readany()
            except TransportError:
                self.close()
                if self._reopens >= _MAX_REOPENS:
                    raise
                self._reopens += 1
                self._buffer.clear()
                self._skip = self._delivered
                continue
            if not chunk:
                return b""
            if self._skip:
                cut = min(self._skip, len(chunk))
                self._skip -= cut
                chunk = chunk[cut:]
                if not chunk:
                    continue
            return chunk

    async def next_line(self) -> bytes | None:
        """The next non-empty line (without its newline), or ``None`` at the end."""
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                self._delivered += end + 1
                if line.strip():
                    return line
                continue
            if self._eof:
                if self._buffer.strip():
                    line = bytes(self._buffer)
                    self._delivered += len(self._buffer)
                    self._buffer.clear()
                    return line
                return None
            if len(self._buffer) > _LINE_LIMIT:
                raise UnknownApiResponseError("a batch results line is larger than 64 MiB")
            chunk = await self._read()
            if chunk:
                self._buffer += chunk
            else:
                self._eof = True
                self.close()

    def close(self) -> None:
        """Releases the connection (idempotent)."""
        body, self._body = self._body, None
        if body is not None:
            body.release()


class BatchResults:
    """An async iterator of a batch's :class:`~genai_actors.types.BatchResult`.

    Nothing is fetched until the first ``__anext__`` (or ``async with``). ``aclose()`` frees
    the download connection; it is safe to call at any time and more than once.

    Raises (from iteration):
        InvalidRequestError: The job has no results (not finished, or it failed without any).
        APIError: Fetching the job or its results file failed.
        TransportError: The download broke more than three times.
        UnknownApiResponseError: A results line is not JSON of the expected shape.
    """

    def __init__(
        self,
        api: ApiClient,
        job: BatchJob | str,
        expected_keys: list[str] | None,
        get_job: Callable[[BatchJob | str], Awaitable[BatchJob]],
        remembered: Mapping[str, list[str]],
    ) -> None:
        self._api = api
        self._job = job
        self._expected = expected_keys
        self._get_job = get_job
        self._remembered = remembered
        self._opened = False
        self._closed = False
        self._matcher: _Matcher | None = None
        self._inline: list[BatchResult] | None = None
        self._lines: _FileLines | None = None
        self._tail: list[BatchResult] | None = None
        self.job: BatchJob | None = None

    async def _open(self) -> None:
        self._opened = True
        job = self.job = await self._get_job(self._job)
        dest = job.dest
        has_inline = dest is not None and (
            dest.inlined_responses is not None or dest.inlined_embed_content_responses is not None
        )
        if dest is None or (dest.file_name is None and not has_inline):
            detail = f": {job.error.message}" if job.error and job.error.message else ""
            raise InvalidRequestError(
                "job",
                f"batch {job.name} has no results (state {job.state}{detail}); wait for it "
                "to succeed first",
            )
        keys = self._expected
        if keys is None and job.name is not None:
            keys = self._remembered.get(job.name)
        stats = job.batch_stats
        matcher = self._matcher = _Matcher(keys, stats.request_count if stats else None)
        if has_inline:
            assert dest is not None
            items: list[Any] = list(dest.inlined_responses or []) + list(
                dest.inlined_embed_content_responses or []
            )
            results = [
                matcher.result(
                    (item.metadata or {}).get("key"), item.response, item.error, item.metadata
                )
                for item in items
            ]
            if matcher.expected is not None:
                order = matcher.expected
                last = len(order)
                results.sort(key=lambda r: last if r.key is None else order.get(r.key, last))
            self._inline = results
        else:
            assert dest is not None
            assert dest.file_name is not None
            self._lines = _FileLines(self._api, dest.file_name)

    def __aiter__(self) -> BatchResults:
        return self

    async def __anext__(self) -> BatchResult:
        if self._closed:
            raise StopAsyncIteration
        if not self._opened:
            await self._open()
        if self._inline:
            return self._inline.pop(0)
        if self._lines is not None:
            line = await self._lines.next_line()
            if line is not None:
                return self._parse(line)
            self._lines = None
        if self._tail is None:
            assert self._matcher is not None
            self._tail = self._matcher.missing()
        if self._tail:
            return self._tail.pop(0)
        self._closed = True
        raise StopAsyncIteration

    def _parse(self, line: bytes) -> BatchResult:
        assert self._matcher is not None
        try:
            row = msgspec.json.decode(line)
        except msgspec.DecodeError as exc:
            raise UnknownApiResponseError(f"a batch results line is not JSON: {exc}") from None
        if not isinstance(row, dict):
            raise UnknownApiResponseError("a batch results line is not a JSON object")
        metadata = row.get("metadata") if isinstance(row.get("metadata"), dict) else None
        key = row.get("key")
        if key is None and metadata is not None:
            key = metadata.get("key")
        return self._matcher.result(
            key, _response(row.get("response")), _error(row.get("error")), metadata
        )

    async def aclose(self) -> None:
        """Stops reading and frees the connection. Idempotent."""
        self._closed = True
        if self._lines is not None:
            self._lines.close()
            self._lines = None

    async def __aenter__(self) -> BatchResults:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def collect(self) -> list[BatchResult]:
        """Reads every result into a list (closes the stream).

        Raises:
            GenAIError: As iteration raises.
        """
        try:
            out = [result async for result in self]
        finally:
            await self.aclose()
        return out
