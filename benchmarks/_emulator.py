"""Starts the emulator as a subprocess for the benchmarks, and stops it.

The process is ``genai_actors.emulator.serve`` with recording off and one word per streamed
text event (``chunk_words=1``), so a streamed answer has many chunks: the command-line
``python -m genai_actors.emulator`` has no flag for the chunk size.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from types import TracebackType

__all__ = ["EmulatorProcess"]

_SERVE = """
import asyncio, sys
from genai_actors.emulator import serve
def ready(url):
    print(url, flush=True)
asyncio.run(serve("127.0.0.1", 0, ready=ready, record_limit=0, chunk_words=1))
"""


class EmulatorProcess:
    """One emulator process on a free loopback port (``with EmulatorProcess() as emu: emu.url``).

    Raises:
        RuntimeError: The emulator did not report its URL within ``startup_timeout`` seconds.
    """

    def __init__(self, startup_timeout: float = 20.0) -> None:
        self._timeout = startup_timeout
        self._proc: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> EmulatorProcess:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _SERVE],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().strip()  # serve() prints the URL once listening
        if not line.startswith("http"):
            self.close()
            raise RuntimeError("the emulator did not start")
        self.url = line
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_emulator/health", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.close()
                raise RuntimeError("the emulator did not become healthy")
            time.sleep(0.05)

    def close(self) -> None:
        """Terminates the process and waits for it (killed after 5 s)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
