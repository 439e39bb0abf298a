"""An incremental Server-Sent-Events decoder that yields each event's data as bytes.

It follows the SSE framing rules (WHATWG HTML §9.2) and survives any split of the byte stream:

- lines end in ``\\n``, ``\\r\\n`` or ``\\r``, and a ``\\r\\n`` split across two chunks is one end;
- ``data:`` with or without the single following space; several ``data`` lines of one event are
  joined with ``\\n``; an empty line dispatches the event; an event without data is dropped;
- comment lines (``:...``) and the ``event``/``id``/``retry`` fields are ignored;
- a final event without a trailing blank line is flushed by :meth:`SseParser.close`;
- a line that is not a field but starts a JSON value (``{`` or ``[``, as in a plain JSON error
  body sent instead of SSE) is accumulated, possibly over many lines, until the JSON value is
  balanced (strings and escapes are respected), then yielded as one payload.
"""

from __future__ import annotations

__all__ = ["SseParser"]

_EOL_BYTES = (b"\n", b"\r")


class SseParser:
    """Feeds bytes in, gets complete event payloads out. Not thread-safe; one per stream."""

    __slots__ = ("_data", "_parts", "_raw", "_raw_depth", "_raw_escape", "_raw_in_str", "_skip_lf")

    def __init__(self) -> None:
        self._parts: list[bytes] = []  # an incomplete line, in pieces
        self._data: list[bytes] = []  # data lines of the event being built
        self._raw: list[bytes] | None = None  # lines of a raw JSON value being built
        self._raw_depth = 0
        self._raw_in_str = False
        self._raw_escape = False
        self._skip_lf = False

    def feed(self, chunk: bytes) -> list[bytes]:
        """Consumes ``chunk`` and returns the payloads of the events it completed (maybe none)."""
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        if not chunk:
            return []
        if b"\n" not in chunk and b"\r" not in chunk:
            self._parts.append(chunk)
            return []
        if self._parts:
            self._parts.append(chunk)
            chunk = b"".join(self._parts)
            self._parts = []
        lines = chunk.splitlines(keepends=True)
        last = lines[-1]
        if not last.endswith(_EOL_BYTES):
            self._parts.append(lines.pop())
        elif last.endswith(b"\r"):
            self._skip_lf = True
        out: list[bytes] = []
        for line in lines:
            self._line(line.rstrip(b"\r\n"), out)
        return out

    def close(self) -> list[bytes]:
        """Flushes at end of stream: a last line without an end, a last event without a blank line.

        Returns:
            The remaining payloads. An unbalanced raw JSON value is returned as it is, so the
            caller's decoder reports it.
        """
        out: list[bytes] = []
        if self._parts:
            line = b"".join(self._parts)
            self._parts = []
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
            self._data.append(value[1:] if value[:1] == b" " else value)
            return
        if line == b"data":
            self._data.append(b"")
            return
        first = line.lstrip()[:1]
        if first == b"{" or first == b"[":
            if self._data:
                out.append(b"\n".join(self._data))
                self._data = []
            self._raw = [line]
            self._raw_depth = 0
            self._raw_in_str = False
            self._raw_escape = False
            if self._scan(line):
                out.append(line)
                self._raw = None
        # Anything else is a comment, another field (event, id, retry) or noise: ignored.

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
