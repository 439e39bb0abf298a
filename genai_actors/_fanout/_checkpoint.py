"""Durable fan-out runs: a JSONL output of results plus a small state file beside it.

The output (``PATH``) holds one Batch API result line per answered input, in completion order.
The state file (``PATH.state``, replaced atomically) records how many bytes of the output it
vouches for and a bitmap of the input indexes answered in those bytes; it is written at most
every ``save_every`` seconds, after the output was flushed and fsynced.

Recovery after any stop, ``kill -9`` included:

1. The output is cut back to its last complete line (a line cut by the kill is dropped: its
   input was not answered, as far as this run knows, and is sent again).
2. Lines past the state's offset (written after the last save) are read for their keys; an
   input whose key is among them is answered (and its bit set when it is met). Keys not met
   yet are kept in the state file (``pending``) until they are.
3. Every other input with its bit set is skipped; the rest are sent.

So every input is answered exactly once in the output, provided keys are unique, and nothing
answered is sent again. Without a state file the whole output is read for keys (a run killed
before its first save, or an output from elsewhere).
"""

from __future__ import annotations

import base64
import os
import time
import zlib
from pathlib import Path
from typing import IO, Any

import msgspec

from ._result import FanoutResult

__all__ = ["Checkpoint", "state_path"]

_VERSION = 1
_KEY_ONLY = msgspec.json.Decoder(dict[str, Any])


class _State(msgspec.Struct):
    version: int
    offset: int
    answered: int
    bitmap: str
    pending: list[str] = []


def state_path(path: str | os.PathLike[str]) -> Path:
    """Where the state file of the checkpoint ``path`` is kept."""
    return Path(f"{os.fspath(path)}.state")


class Checkpoint:
    """An open checkpoint. Not shared between processes (one run at a time).

    Raises:
        ValueError: The state file does not belong to this output (it vouches for more bytes
            than the output has) or is not a checkpoint state file.
        OSError: The files cannot be read or written.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, resume: bool = True, save_every: float = 0.5
    ) -> None:
        self.path = Path(path)
        self.state_file = state_path(path)
        self._save_every = save_every
        self._bits = bytearray()
        self._tail: set[str] = set()
        self.answered = 0  # results in the output
        if resume and self.path.exists():
            self._recover()
            self._out: IO[bytes] = open(self.path, "ab")  # noqa: SIM115 (closed by close())
        else:
            self._out = open(self.path, "wb")  # noqa: SIM115
            self.state_file.unlink(missing_ok=True)
        self._last_save = time.monotonic()
        self._dirty = False

    # -- recovery --------------------------------------------------------------------------------

    def _recover(self) -> None:
        offset = 0
        if self.state_file.exists():
            try:
                state = msgspec.json.decode(self.state_file.read_bytes(), type=_State)
            except msgspec.DecodeError as exc:
                raise ValueError(f"{self.state_file}: not a fan-out checkpoint ({exc})") from None
            if state.version != _VERSION:
                raise ValueError(f"{self.state_file}: unknown checkpoint version {state.version}")
            offset = state.offset
            self._bits = bytearray(zlib.decompress(base64.b64decode(state.bitmap)))
            self.answered = state.answered
            self._tail.update(state.pending)
        size = self.path.stat().st_size
        if offset > size:
            raise ValueError(
                f"{self.state_file} vouches for {offset} bytes of {self.path}, which has {size}: "
                "they are not from the same run"
            )
        with open(self.path, "r+b") as out:
            out.seek(offset)
            tail = out.read()
            end = tail.rfind(b"\n") + 1
            if end < len(tail):  # a line cut short by the stop
                out.truncate(offset + end)
        for number, line in enumerate(tail[:end].splitlines(), 1):
            if not line.strip():
                continue
            try:
                key = _KEY_ONLY.decode(line).get("key")
            except msgspec.DecodeError:
                raise ValueError(
                    f"{self.path}: line {number} after byte {offset} is not JSON: not a "
                    "fan-out output"
                ) from None
            self._tail.add(str(key))
            self.answered += 1

    # -- the run ---------------------------------------------------------------------------------

    def is_answered(self, index: int, key: str) -> bool:
        """True when input ``index`` (with ``key``) has its result in the output already."""
        byte = index >> 3
        if byte < len(self._bits) and self._bits[byte] & (1 << (index & 7)):
            return True
        if key in self._tail:
            self._tail.discard(key)
            self._set(index)
            self._dirty = True
            return True
        return False

    def _set(self, index: int) -> None:
        byte = index >> 3
        bits = self._bits
        if byte >= len(bits):
            bits.extend(bytes(max(byte + 1 - len(bits), len(bits))))
        bits[byte] |= 1 << (index & 7)

    def write(self, result: FanoutResult) -> None:
        """Appends ``result``'s line; saves the state when ``save_every`` has passed."""
        self._out.write(result.to_line())
        self._set(result.index)
        self.answered += 1
        self._dirty = True
        if time.monotonic() - self._last_save >= self._save_every:
            self.save()

    def save(self) -> None:
        """Flushes the output to disk, then replaces the state file (atomically)."""
        out = self._out
        out.flush()
        os.fsync(out.fileno())
        state = _State(
            version=_VERSION,
            offset=out.tell(),
            answered=self.answered,
            bitmap=base64.b64encode(zlib.compress(bytes(self._bits), 1)).decode("ascii"),
            pending=sorted(self._tail),
        )
        temporary = self.state_file.with_name(self.state_file.name + ".tmp")
        with open(temporary, "wb") as handle:
            handle.write(msgspec.json.encode(state))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.state_file)
        self._last_save = time.monotonic()
        self._dirty = False

    def close(self) -> None:
        """Saves the state and closes the output. Idempotent."""
        if self._out.closed:
            return
        try:
            self.save()
        finally:
            self._out.close()
