"""Running ``genai-actors`` in a subprocess: without a key (embedded emulator) or pointed at a
test's emulator through the environment, as a user would point it at the real API."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Mapping
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


def genai_actors(
    *args: str,
    stdin: str = "",
    emulator: Emulator | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 30,
) -> subprocess.CompletedProcess[str]:
    """Runs ``python -m genai_actors ARGS`` and returns it finished (never a traceback)."""
    proc = subprocess.run(
        [sys.executable, "-m", "genai_actors", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(env) if env is not None else command_env(emulator),
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


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
