"""Starting and stopping the emulator, its command line, and the pytest fixture."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import aiohttp
import pytest

from genai_actors._cli import main as cli_main
from genai_actors.emulator import Emulator
from genai_actors.emulator.__main__ import build_parser

pytest_plugins = ["pytester"]


async def test_async_context_binds_loopback_free_port() -> None:
    """async with binds 127.0.0.1 on a free port and stops serving on exit."""
    async with Emulator() as emu:
        assert emu.url.startswith("http://127.0.0.1:")
        assert emu.port > 0
        async with aiohttp.ClientSession() as s, s.get(f"{emu.url}/_emulator/health") as resp:
            assert await resp.json() == {"ok": True}
        url = emu.url
    with pytest.raises(RuntimeError):
        _ = emu.url
    async with aiohttp.ClientSession() as s:
        with pytest.raises(aiohttp.ClientConnectionError):
            await s.get(f"{url}/_emulator/health")


async def test_two_emulators_run_side_by_side() -> None:
    """Two emulators get different ports and independent state."""
    async with Emulator() as a, Emulator() as b:
        assert a.url != b.url
        a.faults.fail_next(1, 500)
        async with aiohttp.ClientSession() as s:
            body = {"contents": [{"role": "user", "parts": [{"text": "x"}]}]}
            path = "/v1beta/models/gemini-2.5-flash:generateContent"
            hdr = {"x-goog-api-key": "k"}
            async with s.post(b.url + path, json=body, headers=hdr) as resp:
                assert resp.status == 200
            async with s.post(a.url + path, json=body, headers=hdr) as resp:
                assert resp.status == 500


async def test_double_start_is_refused() -> None:
    """Starting a running emulator raises RuntimeError."""
    async with Emulator() as emu:
        with pytest.raises(RuntimeError):
            await emu.start()


def test_threaded_emulator_serves_blocking_clients() -> None:
    """`with Emulator()` serves from its own thread; blocking HTTP works; exit stops it."""
    with Emulator() as emu:
        with urllib.request.urlopen(f"{emu.url}/_emulator/health", timeout=5) as resp:
            assert resp.read() == b'{"ok":true}'
        url = emu.url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/_emulator/health", timeout=2)


def test_bad_settings_are_refused() -> None:
    """Invalid constructor arguments raise ValueError."""
    with pytest.raises(ValueError):
        Emulator(video_polls=-1)
    with pytest.raises(ValueError):
        Emulator(file_uri_scheme="ftp")
    with pytest.raises(ValueError):
        Emulator(chunk_words=0)


def test_cli_parser_defaults() -> None:
    """The parser takes --host, --port and --api-key."""
    args = build_parser().parse_args(["--port", "0", "--api-key", "s3cret"])
    assert (args.host, args.port, args.api_key) == ("127.0.0.1", 0, "s3cret")


def test_genai_actors_cli_help_and_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    """`genai-actors` prints usage and rejects unknown commands."""
    assert cli_main(["--help"]) == 0
    assert "emulator" in capsys.readouterr().out
    assert cli_main(["frobnicate"]) == 2
    assert cli_main([]) == 2


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "sig"),
    [
        ([sys.executable, "-m", "genai_actors.emulator"], signal.SIGINT),
        (
            [
                sys.executable,
                "-c",
                "import sys; from genai_actors._cli import main; "
                "sys.exit(main(['emulator', *sys.argv[1:]]))",
            ],
            signal.SIGTERM,
        ),
    ],
)
async def test_command_serves_until_interrupted(command: list[str], sig: int) -> None:
    """The command prints its URL, enforces --api-key, and exits 0 on SIGINT or SIGTERM."""
    proc = await asyncio.create_subprocess_exec(
        *command,
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--api-key",
        "s3cret",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert "listening on http://127.0.0.1:" in line
        url = line.rsplit(" ", 1)[1].strip()
        body = {"contents": [{"role": "user", "parts": [{"text": "x"}]}]}
        path = "/v1beta/models/gemini-2.5-flash:generateContent"
        async with aiohttp.ClientSession() as s:
            async with s.post(url + path, json=body, headers={"x-goog-api-key": "s3cret"}) as r:
                assert r.status == 200
            async with s.post(url + path, json=body, headers={"x-goog-api-key": "nope"}) as r:
                assert r.status == 400
        proc.send_signal(sig)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


@pytest.mark.slow
def test_pytest_plugin_fixture(pytester: pytest.Pytester) -> None:
    """The gemini_emulator fixture is provided by the installed plugin and serves requests."""
    pytester.makepyfile(
        """
        import json
        import urllib.request

        def test_it(gemini_emulator):
            req = urllib.request.Request(
                gemini_emulator.url + "/v1beta/models/gemini-2.5-flash:countTokens",
                data=json.dumps({"contents": [{"parts": [{"text": "a b c"}]}]}).encode(),
                headers={"x-goog-api-key": "k", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(req, timeout=5) as resp:
                assert json.loads(resp.read())["totalTokens"] == 3
            assert len(gemini_emulator.recorded) == 1
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_plugin_import_is_cheap() -> None:
    """Importing the plugin module does not import the emulator's server or app."""
    code = (
        "import sys; import genai_actors.emulator.pytest_plugin; "
        "print('genai_actors.emulator._app' in sys.modules, "
        "'genai_actors.emulator._server' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    ).stdout.split()
    assert out == ["False", "False"]
