"""Running ``genai-actors`` commands: without a key (embedded emulator) or pointed at a test's
emulator through the environment, as a user would point it at the real API; in-process
(``cli``) or in a real process (test_docs.py, test_terminal.py)."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass

import pytest

from genai_actors._cli import main
from genai_actors.emulator import Emulator

EMBEDDED = "GEMINI_API_KEY is not set: using an embedded emulator"


def command_env(emulator: Emulator | None = None) -> dict[str, str]:
    """The environment of a command: no key (embedded emulator), or a key and ``emulator``'s
    URL (the command then treats it as the real API)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL")
    }
    env["COLUMNS"] = "100"
    if emulator is not None:
        env["GEMINI_API_KEY"] = "cli-test-key"
        env["GOOGLE_GEMINI_BASE_URL"] = emulator.url
    return env


@dataclass
class Result:
    """What a command run in-process returned and printed."""

    returncode: int
    stdout: str
    stderr: str


class InProcess:
    """Runs ``genai_actors._cli.main`` in this process (no interpreter start-up per command),
    with standard input, the environment and the captured output of the test."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(self, *args: str, stdin: str = "", emulator: Emulator | None = None) -> Result:
        for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
            self._monkeypatch.delenv(name, raising=False)
        if emulator is not None:
            self._monkeypatch.setenv("GEMINI_API_KEY", "cli-test-key")
            self._monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", emulator.url)
        self._monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        self._capsys.readouterr()
        status = main(list(args))
        out, err = self._capsys.readouterr()
        assert "Traceback" not in err, err
        return Result(status, out, err)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> InProcess:
    """``cli("generate", "hi", stdin=..., emulator=...)`` runs a command in-process."""
    return InProcess(capsys, monkeypatch)
