"""The emulator command as a user runs it: signals, flag validation, --version, python -m.

Every test starts a real process (bounded by a timeout): what is checked is what a shell sees,
exit codes and output included.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

import genai_actors

TIMEOUT = 30.0
# The three spellings of the command: the console script, python -m genai_actors, and
# python -m genai_actors.emulator (which takes the emulator's flags directly).
SCRIPT = Path(sys.executable).with_name("genai-actors")
PYTHON_M = [sys.executable, "-m", "genai_actors"]
EMULATOR_M = [sys.executable, "-m", "genai_actors.emulator"]
COMMANDS = {
    "genai-actors emulator": [str(SCRIPT), "emulator"],
    "python -m genai_actors emulator": [*PYTHON_M, "emulator"],
    "python -m genai_actors.emulator": EMULATOR_M,
}


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a command to completion and capture its output (bounded by TIMEOUT)."""
    return subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT, check=False)


# A background job started by a non-interactive shell (`make test &`, CI scripts) inherits SIGINT
# (and SIGQUIT) as ignored; this launcher reproduces that and then becomes the command.
_IGNORING = (
    "import os, signal, sys\n"
    "for s in (signal.SIGINT, signal.SIGTERM):\n"
    "    signal.signal(s, signal.SIG_IGN)\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signal dispositions")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("name", sorted(COMMANDS))
async def test_command_stops_on_signal_even_if_started_ignoring_it(name: str, sig: int) -> None:
    """Started with SIGINT and SIGTERM ignored, the command still serves and exits 0 on either."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _IGNORING,
        *COMMANDS[name],
        "--port",
        "0",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)).decode()
        assert "listening on http://127.0.0.1:" in line, line
        url = line.rsplit(" ", 1)[1].strip()
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{url}/_emulator/health") as reply,
        ):
            assert reply.status == 200
        proc.send_signal(sig)
        assert await asyncio.wait_for(proc.wait(), TIMEOUT) == 0
        assert proc.stderr is not None
        assert b"Traceback" not in await proc.stderr.read()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


BAD_FLAGS = [
    ["--port", "http"],
    ["--port", "-1"],
    ["--port", "65536"],
    ["--port", "1.5"],
    ["--host", ""],
    ["--host", " "],
    ["--api-key", ""],
    ["--api-key", "has space"],
    ["--api-key", " padded"],
    ["--api-key", "auth_tokens/abc"],
    ["--seed", "lucky"],
    ["--seed", "1e3"],
    ["--video-polls", "-1"],
    ["--video-polls", "two"],
    ["--video-delay", "-0.5"],
    ["--video-delay", "nan"],
    ["--video-delay", "inf"],
    ["--video-delay", "soon"],
    ["--job-polls", "-3"],
    ["--job-polls", "0.5"],
    ["--job-delay", "-1"],
    ["--job-delay", "nan"],
    ["--no-record=yes"],
    ["--port"],
    ["--bogus"],
]


@pytest.mark.slow
@pytest.mark.parametrize("flags", BAD_FLAGS, ids=lambda f: " ".join(f) or "<empty>")
def test_bad_flag_values_are_usage_errors(flags: list[str]) -> None:
    """A bad flag value exits 2 with argparse's usage message naming the flag, no traceback."""
    done = run([*COMMANDS["python -m genai_actors emulator"], *flags])
    assert done.returncode == 2, done
    assert done.stderr.startswith("usage: genai-actors emulator"), done.stderr
    assert "error:" in done.stderr
    name = flags[0].split("=")[0]
    assert name in done.stderr or "unrecognized" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.slow
def test_bad_flags_of_python_m_genai_actors_emulator_are_usage_errors() -> None:
    """python -m genai_actors.emulator validates its flags the same way (exit 2, its usage)."""
    done = run([*EMULATOR_M, "--port", "-1"])
    assert done.returncode == 2, done
    assert done.stderr.startswith("usage: python -m genai_actors.emulator")
    assert "--port" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("command", [[str(SCRIPT)], PYTHON_M], ids=["script", "python -m"])
def test_version_prints_the_package_version(command: list[str]) -> None:
    """`genai-actors --version` and `python -m genai_actors --version` print __version__."""
    done = run([*command, "--version"])
    assert done.returncode == 0, done
    assert done.stdout == f"genai-actors {genai_actors.__version__}\n"


@pytest.mark.slow
def test_python_m_genai_actors_is_the_genai_actors_command() -> None:
    """python -m genai_actors prints the same help, and refuses the same way, as genai-actors."""
    for args in (["--help"], ["emulator", "--help"]):
        script, module = run([str(SCRIPT), *args]), run([*PYTHON_M, *args])
        assert script.returncode == module.returncode == 0
        assert script.stdout == module.stdout
        assert script.stdout.startswith("usage: genai-actors")
    assert "--video-delay" in module.stdout
    for args in ([], ["frobnicate"]):
        script, module = run([str(SCRIPT), *args]), run([*PYTHON_M, *args])
        assert script.returncode == module.returncode == 2
        assert script.stderr == module.stderr
        assert script.stderr.startswith("usage: genai-actors")
        assert "Traceback" not in script.stderr


@pytest.mark.slow
def test_a_taken_port_is_a_clean_error() -> None:
    """A port already in use ends the command with exit 1 and one line naming the address."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run([*PYTHON_M, "emulator", "--port", str(port)])
    assert done.returncode == 1, done
    assert f"127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_console_script_is_installed() -> None:
    """The venv running the tests has the genai-actors console script the tests above use."""
    assert SCRIPT.exists()
    assert os.access(SCRIPT, os.X_OK)
