"""``genai-actors fanout`` in a real terminal (tmux): the progress bar moves, then the summary.

Needs Debian's tmux (``apt-get install tmux``); skipped without it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from genai_actors.emulator import Emulator, FaultConfig

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None,
    reason="tmux is not installed: apt-get install tmux (Debian's package) to run this",
)


def _tmux(socket: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["tmux", "-S", str(socket), *args],
        capture_output=True,
        text=True,
        timeout=10,
        env=env,
        check=True,
        cwd=ROOT,
    ).stdout


def test_the_progress_bar_moves_and_a_summary_closes_the_run(tmp_path: Path) -> None:
    socket = tmp_path / "tmux.sock"
    out = tmp_path / "out.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in ("GOOGLE_API_KEY", "TMUX")}
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b"".join((ROOT / "examples/prompts.jsonl").read_bytes().splitlines(True)[:300])
    )
    with Emulator(faults=FaultConfig(latency=0.02), record_limit=0) as emu:
        env.update(GEMINI_API_KEY="k", GOOGLE_GEMINI_BASE_URL=emu.url)
        command = shlex.join(
            [
                sys.executable,
                "-m",
                "genai_actors",
                "fanout",
                str(source),
                "--out",
                str(out),
                "--concurrency",
                "4",
            ]
        )
        shell = f'cd {shlex.quote(str(ROOT))} && {command}; echo "exit status $?"; sleep 60'
        _tmux(socket, "new-session", "-d", "-x", "120", "-y", "30", "-s", "t", shell, env=env)
        try:
            seen: list[int] = []
            screen = ""
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                screen = _tmux(socket, "capture-pane", "-p", "-t", "t")
                seen.extend(int(done) for done in re.findall(r"(\d+)/300\b", screen))
                if "exit status" in screen:
                    break
                time.sleep(0.1)
        finally:
            subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True)
    assert "exit status 0" in screen, screen
    moving = sorted({n for n in seen if 0 < n < 300})
    assert len(moving) >= 2, f"the bar never showed progress between 0 and 300: {seen}\n{screen}"
    assert "ETA" in screen
    assert "retries" in screen
    assert "succeeded" in screen
    assert len(out.read_bytes().splitlines()) == 300
