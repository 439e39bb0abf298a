"""An incremental Server-Sent-Events decoder that yields each event's data as bytes.

It follows the SSE framing rules (WHATWG HTML §9.2) and survives any split of the byte stream:

- lines end in ``\\n``, ``\\r\\n`` or ``\\r``, and a ``\\r\\n`` split across two chunks is one end;
- ``data:`` with or without the single following space; several ``data`` lines of one event are
  joined with ``\\n``; an empty line dispatches the event; an event without data is dropped;
- comment lines (``:...``) and the ``event``/``id``/``retry`` fields are ignored;
- a final event without a trailing blank line is flushed by :meth:`SseParser.close`;
- a line that is not a field but starts a JSON value (``{`` or ``[``, as in a plain JSON error
  body sent instead of SSE) is accumulated, possibly over many lines, until the JSON value is
  balanced (strings and escapes are respected), then yielded as one payload;
- an incomplete line, or an event (its data lines, or a raw JSON value), larger than the
  parser's ``limit`` fails the parser as soon as it passes the limit, so memory stays bounded
  whatever the server sends: the events completed before it are still returned, and
  :attr:`SseParser.error` is set; every later call raises that
  :class:`~genai_actors.errors.ResponseTooLargeError`.
"""

from __future__ import annotations

from ..errors import ResponseTooLargeError

__all__ = ["SseParser"]

_EOL_BYTES = (b"\n", b"\r")
DEFAULT_LIMIT = 64 * 1024 * 1024


class SseParser:
    """Feeds bytes in, gets complete event payloads out. Not thread-safe; one per stream.

    Args:
        limit: The largest incomplete line or event, in bytes.
    """

    __slots__ = (
        "_data",
        "_error",
        "_event_size",
        "_limit",
        "_parts",
        "_parts_size",
        "_raw",
        "_raw_depth",
        "_raw_escape",
        "_raw_in_str",
        "_skip_lf",
    )

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit
        self._parts: list[bytes] = []  # an incomplete line, in pieces
        self._parts_size = 0
        self._data: list[bytes] = []  # data lines of the event being built
        self._event_size = 0  # bytes of the event being built (in _data or _raw)
        self._raw: list[bytes] | None = None  # lines of a raw JSON value being built
        self._raw_depth = 0
        self._raw_in_str = False
        self._raw_escape = False
        self._skip_lf = False
        self._error: ResponseTooLargeError | None = None

    @property
    def error(self) -> ResponseTooLargeError | None:
        """Set once a line or an event passed the limit; the parser is then done."""
        return self._error

    def _too_large(self, what: str) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"a stream {what} is larger than max_sse_event_bytes ({self._limit:,} bytes)",
            limit=self._limit,
        )

    def feed(self, chunk: bytes) -> list[bytes]:
        """Consumes ``chunk`` and returns the payloads of the events it completed (maybe none).

        When a line or an event passes the limit, the events completed before it are returned
        and :attr:`error` is set.

        Raises:
            ResponseTooLargeError: :attr:`error` was already set by an earlier call.
        """
        if self._error is not None:
            raise self._error
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        if not chunk:
            return []
        if b"\n" not in chunk and b"\r" not in chunk:
            self._parts.append(chunk)
            self._parts_size += len(chunk)
            if self._parts_size > self._limit:
                self._fail("line")
            return []
        if self._parts:
            self._parts.append(chunk)
            chunk = b"".join(self._parts)
            self._parts = []
            self._parts_size = 0
        lines = chunk.splitlines(keepends=True)
        last = lines[-1]
        rest = None
        if not last.endswith(_EOL_BYTES):
            rest = lines.pop()
        elif last.endswith(b"\r"):
            self._skip_lf = True
        out: list[bytes] = []
        try:
            for line in lines:
                self._line(line.rstrip(b"\r\n"), out)
        except ResponseTooLargeError as exc:
            self._error = exc
            return out
        if rest is not None:
            self._parts.append(rest)
            self._parts_size = len(rest)
            if self._parts_size > self._limit:
                self._fail("line")
        return out

    def _fail(self, what: str) -> None:
        self._error = self._too_large(what)
        self._parts = []
        self._data = []
        self._raw = None

    def close(self) -> list[bytes]:
        """Flushes at end of stream: a last line without an end, a last event without a blank line.

        Returns:
            The remaining payloads. An unbalanced raw JSON value is returned as it is, so the
            caller's decoder reports it.

        Raises:
            ResponseTooLargeError: :attr:`error` is set, or the last line passes the limit.
        """
        if self._error is not None:
            raise self._error
        out: list[bytes] = []
        if self._parts:
            line = b"".join(self._parts)
            self._parts = []
            self._parts_size = 0
            self._line(line, out)
        if self._raw is not None:
            out.append(b"\n".join(self._raw))
            self._raw = None
        if self._data:
            out.append(b"\n".join(self._data))
            self._data = []
        return out

    def _line(self, line: bytes, out: list[bytes]) -> None:
        if self._raw is not None:
            self._raw.append(line)
            self._grow(len(line))
            if self._scan(line):
                out.append(b"\n".join(self._raw))
                self._raw = None
            return
        if not line:
            if self._data:
                out.append(b"\n".join(self._data))
                self._data = []
            return
        if line.startswith(b"data:"):
            value = line[5:]
            data = self._data
            # _event_size counts the event being built: its first line starts it afresh.
            size = self._event_size + len(value) if data else len(value)
            if size > self._limit:
                raise self._too_large("event")
            self._event_size = size
            data.append(value[1:] if value[:1] == b" " else value)
            return
        if line == b"data":
            if not self._data:
                self._event_size = 0
            self._data.append(b"")
            return
        first = line.lstrip()[:1]
        if first == b"{" or first == b"[":
            if self._data:
                out.append(b"\n".join(self._data))
                self._data = []
            if len(line) > self._limit:
                raise self._too_large("event")
            self._raw = [line]
            self._event_size = len(line)
            self._raw_depth = 0
            self._raw_in_str = False
            self._raw_escape = False
            if self._scan(line):
                out.append(line)
                self._raw = None
        # Anything else is a comment, another field (event, id, retry) or noise: ignored.

    def _grow(self, size: int) -> None:
        size += self._event_size
        if size > self._limit:
            raise self._too_large("event")
        self._event_size = size

    def _scan(self, line: bytes) -> bool:
        """Tracks JSON nesting over ``line``; True when the value started is now complete."""
        depth = self._raw_depth
        in_str = self._raw_in_str
        escape = self._raw_escape
        for byte in line:
            if in_str:
                if escape:
                    escape = False
                elif byte == 0x5C:  # backslash
                    escape = True
                elif byte == 0x22:  # quote
                    in_str = False
            elif byte == 0x22:
                in_str = True
            elif byte == 0x7B or byte == 0x5B:  # { [
                depth += 1
            elif byte == 0x7D or byte == 0x5D:  # } ]
                depth -= 1
                if depth <= 0:
                    return True
        self._raw_depth = depth
        self._raw_in_str = in_str
        self._raw_escape = escape
        return False
