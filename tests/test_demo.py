"""`make demo` (python -m genai_actors.demo): every step of the tour passes, says what it did,
and the tour leaves no file behind unless `--keep DIR` asks for them."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import anyio
import pytest

from genai_actors import demo

TITLES = [title for title, _ in demo._STEPS]


def _run(tmp: Path, monkeypatch: pytest.MonkeyPatch, keep: Path | None = None) -> str:
    """Runs the tour with the temporary-file directory set to ``tmp``; returns what it printed."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    out = io.StringIO()
    steps = anyio.run(demo.main, out, keep)
    text = out.getvalue()
    assert [s.title for s in steps] == TITLES
    failed = [(s.title, s.result) for s in steps if not s.ok]
    assert failed == [], text
    return text


@pytest.mark.slow
def test_every_step_passes_and_no_file_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each step prints its figures, the closing table lists them all, nothing is left."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    text = _run(scratch, monkeypatch)
    for number, title in enumerate(TITLES, 1):
        assert f"{number}. {title}" in text
    assert re.search(r"tool ran:\s+get_weather\(\{'city': 'Paris'\}\)", text)
    assert re.search(r"history:\s+6 turns", text)
    assert re.search(r"video: done .* 1/1", text)
    assert re.search(r"batch: succeeded .* 40/40", text)
    assert re.search(r"tuning: succeeded, \d+ steps", text)
    assert re.search(r"events:\s+go_away, resumed", text)
    assert re.search(r"saved:\s+3\.\d s of 48 kHz stereo", text)
    assert re.search(r"tokens:\s+\d+, counted offline", text)
    table = text[text.index("What ran") :]
    assert table.count(" ok ") == len(TITLES)
    assert "FAILED" not in table
    assert re.search(r"total\s+│\s+│\s+\d+\.\d\d", table)
    assert text.rstrip().endswith("no files left behind")
    assert list(scratch.iterdir()) == []


@pytest.mark.slow
def test_keep_keeps_the_video_and_the_wav_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--keep DIR keeps a real MP4 and a WAV of three seconds of 48 kHz stereo in DIR."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    keep = tmp_path / "kept"
    text = _run(scratch, monkeypatch, keep)
    assert f"files kept in {keep}" in text
    assert (keep / "boat.mp4").read_bytes()[4:8] == b"ftyp"
    with wave.open(str(keep / "music.wav"), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, 48_000)
        assert wav.getnframes() >= 3 * 48_000
    assert list(scratch.iterdir()) == []


@pytest.mark.slow
def test_module_exits_zero_without_log_noise_or_files(tmp_path: Path) -> None:
    """`python -m genai_actors.demo` exits 0, writes nothing to stderr, leaves TMPDIR empty."""
    env = {k: v for k, v in os.environ.items() if k not in ("GOOGLE_API_KEY", "GEMINI_API_KEY")}
    env["TMPDIR"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "genai_actors.demo"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    assert "What ran" in proc.stdout
    assert list(tmp_path.iterdir()) == []


def test_bad_flag_is_a_usage_error() -> None:
    """An unknown flag exits 2 with the usage (argparse), before anything starts."""
    with pytest.raises(SystemExit) as exc:
        demo.run(["--nope"])
    assert exc.value.code == 2
