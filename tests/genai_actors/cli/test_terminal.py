"""The commands in a real terminal: tmux runs them in a pseudo-terminal, types into them and
reads the screen (``chat``'s prompt, Ctrl-D and Ctrl-C; ``jobs watch``'s live progress line).

Needs Debian's tmux (``apt-get install tmux``; ``.ci/run`` installs it); skipped without it.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from genai_actors.emulator import Emulator

from .conftest import command_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("tmux") is None,
        reason="tmux is not installed: apt-get install tmux (Debian's package) to run these",
    ),
]


class Terminal:
    """One tmux session on a private server, running one command in a 100x30 terminal."""

    def __init__(self, socket: Path) -> None:
        self.socket = str(socket)

    def tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        proc = subprocess.run(
            ["tmux", "-S", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
            check=True,
        )
        return proc.stdout

    def start(self, args: list[str], env: dict[str, str]) -> None:
        """Runs ``python -m genai_actors ARGS``; its exit status is printed when it ends."""
        command = shlex.join([sys.executable, "-m", "genai_actors", *args])
        shell = f'{command}; echo "exit status $?"; sleep 60'
        self.tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", "t", shell, env=env)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def wait_for(self, check: str | Callable[[str], bool], timeout: float = 30) -> str:
        """The screen once it shows ``check`` (a string, or a predicate of the screen)."""
        test = check if callable(check) else (lambda screen: check in screen)
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if test(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"the terminal never showed {check!r}; it shows:\n{screen}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(tmp_path / "tmux.sock")
    yield term
    subprocess.run(["tmux", "-S", term.socket, "kill-server"], capture_output=True, timeout=10)


def test_chat_prompts_answers_and_ends_on_ctrl_d(terminal: Terminal) -> None:
    """In a terminal: a greeting, a ``you>`` prompt, streamed answers, /history, and Ctrl-D
    ending the chat with status 0 (capture-pane drops the prompt's trailing space)."""
    terminal.start(["chat"], command_env())
    terminal.wait_for("you>")
    screen = terminal.screen()
    assert "GEMINI_API_KEY is not set: using an embedded emulator" in screen.replace("\n", "")
    assert "/help lists commands; /quit or Ctrl-D ends" in screen
    terminal.keys("Hello there", "Enter")
    terminal.wait_for('Emulated reply to "Hello there"')
    terminal.keys("/history", "Enter")
    terminal.wait_for("2 turns in the history (1 exchange)")
    terminal.keys("C-d")
    screen = terminal.wait_for("exit status 0")
    assert "Traceback" not in screen


def test_chat_ends_cleanly_on_ctrl_c(terminal: Terminal) -> None:
    """Ctrl-C at the prompt closes the client and exits 130 with one line, no traceback."""
    terminal.start(["chat"], command_env())
    terminal.wait_for("you>")
    terminal.keys("C-c")
    screen = terminal.wait_for("exit status 130")
    assert "genai-actors chat: interrupted" in screen
    assert "Traceback" not in screen


def test_jobs_watch_draws_live_progress(terminal: Terminal, gemini_emulator: Emulator) -> None:
    """``jobs watch`` redraws one progress line as the operation reports progress, then ends
    with the closing line and status 0."""
    name = "models/veo-3.0-generate-001/operations/progress"
    job = gemini_emulator.operations.create(name, metadata={"progressPercent": 0}, polls=10_000)
    terminal.start(["jobs", "watch", name, "--poll", "0.05"], command_env(gemini_emulator))
    terminal.wait_for(f"{name}: running")
    assert "0/100" in terminal.screen()
    job.metadata = {"progressPercent": 40}
    screen = terminal.wait_for("40/100")
    assert screen.count(f"{name}: running") == 1  # redrawn in place, not printed again
    gemini_emulator.operations.complete(name, response={})
    screen = terminal.wait_for("exit status 0")
    assert f"{name}: DONE (done)" in screen
    assert "100/100" in screen
