"""Lines typed at a terminal (or piped in), read without blocking the event loop.

A daemon thread does the blocking ``readline`` of standard input, one line per request, and
hands it to the loop; being a daemon, it never holds the process open after Ctrl-C or the end
of a command. Standard input keeps its blocking mode and the terminal its settings (no
``O_NONBLOCK`` shared with standard output, no raw mode left behind).
"""

from __future__ import annotations

import asyncio
import queue
import sys
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import TextIO

__all__ = ["LineReader", "converse"]


class LineReader:
    """Reads lines of ``stream`` (standard input by default) for one event loop.

    Cancellation: a cancelled :meth:`readline` leaves the thread waiting for the line it asked
    for; that line then goes to the next call.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._requests: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._lines: asyncio.Queue[str | None] | None = None
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._ended = False

    @property
    def interactive(self) -> bool:
        """True when the lines come from a terminal (so prompts are worth printing)."""
        stream = self._stream if self._stream is not None else sys.stdin
        try:
            return stream.isatty()
        except (AttributeError, ValueError):
            return False

    async def readline(self) -> str | None:
        """The next line without its line ending; ``None`` at end of input (Ctrl-D)."""
        if self._ended:
            return None
        loop = asyncio.get_running_loop()
        if self._lines is None:
            self._lines = asyncio.Queue()
            self._thread = threading.Thread(
                target=self._read, args=(loop, self._lines), name="genai-actors stdin", daemon=True
            )
            self._thread.start()
        if self._pending == 0:
            self._pending += 1
            self._requests.put(None)
        line = await self._lines.get()
        self._pending -= 1
        if line is None:
            self._ended = True
            return None
        return line.rstrip("\r\n")

    def _read(self, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
        stream = self._stream if self._stream is not None else sys.stdin
        while True:
            self._requests.get()
            try:
                line: str | None = stream.readline() or None
            except (OSError, ValueError):
                line = None
            try:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            except RuntimeError:  # the loop is closed: nobody is reading any more
                return
            if line is None:
                return


async def converse(
    answer: Callable[[str], Awaitable[None]],
    *,
    reader: LineReader,
    out: TextIO,
    commands: Mapping[str, tuple[str, Callable[[], str]]] | None = None,
) -> None:
    """Reads messages and answers each with ``answer(text)`` until ``/quit`` or end of input.

    Blank lines are skipped; ``/quit`` (or ``/exit``) and Ctrl-D end the conversation, ``/help``
    lists the commands, and each of ``commands`` (``/name -> (help, action)``) prints what its
    action returns. A prompt (``you> ``) is shown only when the input is a terminal.

    Raises:
        Whatever ``answer`` raises.
    """
    table = dict(commands or {})
    interactive = reader.interactive
    if interactive:
        out.write("Type a message and press Enter. /help lists commands; /quit or Ctrl-D ends.\n")
    while True:
        if interactive:
            out.write("you> ")
            out.flush()
        line = await reader.readline()
        if line is None:
            if interactive:
                out.write("\n")
                out.flush()
            return
        text = line.strip()
        if not text:
            continue
        if text in ("/quit", "/exit"):
            return
        if text == "/help":
            out.write("/quit      end the conversation (Ctrl-D too)\n")
            for name, (help_text, _) in table.items():
                out.write(f"{name:<10} {help_text}\n")
        elif text in table:
            out.write(table[text][1]() + "\n")
        elif text.startswith("/") and " " not in text:
            out.write(f"unknown command {text}: /help lists them\n")
        else:
            await answer(text)
        out.flush()
