"""Starts the emulator as a subprocess for the benchmarks, and stops it.

The process is an ``Emulator`` with recording off and, by default, one word per streamed
text event (``chunk_words=1``), so a streamed answer has many chunks: the command-line
``python -m genai_actors.emulator`` has no flag for the chunk size. It also holds the
operations the client benchmark reads: one that never finishes (``RUNNING_OP``) and
``WATCH_OPS`` that finish on their ``WATCH_POLLS``-th poll (see ``benchmarks._clients``).
Other ``Emulator`` options (``model_faults`` as dicts of ``FaultConfig`` fields) are passed as
keyword arguments.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["EmulatorProcess"]

ROOT = Path(__file__).resolve().parent.parent  # the script imports benchmarks._clients

_SERVE = """
import asyncio, json, sys
from genai_actors.emulator import Emulator, FaultConfig
from benchmarks._clients import RUNNING_OP, WATCH_OP, WATCH_OPS, WATCH_POLLS

async def main(options):
    faults = options.pop("model_faults", {})
    options["model_faults"] = {m: FaultConfig(**f) for m, f in faults.items()}
    async with Emulator(record_limit=0, **options) as emu:
        ops = emu.state.operations
        ops.create(RUNNING_OP, polls=2**62)
        for i in range(WATCH_OPS):
            ops.create(WATCH_OP.format(i), polls=WATCH_POLLS)
        print(emu.url, flush=True)
        await asyncio.Event().wait()

asyncio.run(main(json.loads(sys.argv[1])))
"""


class EmulatorProcess:
    """One emulator process on a free loopback port (``with EmulatorProcess() as emu: emu.url``).

    Raises:
        RuntimeError: The emulator did not report its URL within ``startup_timeout`` seconds.
    """

    def __init__(self, startup_timeout: float = 20.0, **options: Any) -> None:
        self._timeout = startup_timeout
        self._options = {"chunk_words": 1, **options}
        self._proc: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> EmulatorProcess:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _SERVE, json.dumps(self._options)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
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

    def cpu_seconds(self) -> float | None:
        """The emulator process's CPU time so far (user + system), or ``None`` where
        ``/proc`` is not readable (not Linux) or the process is not running."""
        proc = self._proc
        if proc is None:
            return None
        try:
            with open(f"/proc/{proc.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

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
