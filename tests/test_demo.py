"""`make demo` (python -m genai_actors.demo): every step of the tour passes, says what it did,
and the tour leaves no file behind unless `--keep DIR` asks for them."""

from __future__ import annotations

import functools
import io
import re
import tempfile
import wave
from pathlib import Path

import anyio
import pytest

from genai_actors import demo

TITLES = [title for title, _, _ in demo._STEPS]


@pytest.mark.slow
def test_every_step_passes_and_no_file_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """The entry point exits 0 with nothing on stderr; each step prints its figures, the
    closing table lists them all as passed, and the temporary directory is left empty."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    capfd.readouterr()
    assert demo.run([]) == 0
    text, err = capfd.readouterr()
    assert err == ""
    for number, title in enumerate(TITLES, 1):
        assert f"{number}. {title}" in text
    assert re.search(r"fan-out .* 2000/2000 retries [1-9]\d*", text)
    assert re.search(r"answered:\s+2,000 of 2,000, none failed", text)
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
    assert "no files left behind" in text.splitlines()[-1]
    assert list(tmp_path.iterdir()) == []


def test_keep_keeps_the_video_and_the_wav_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With keep=DIR the video (a real MP4) and the WAV file (three seconds of 48 kHz stereo)
    stay in DIR, and nothing else is left."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    keep = tmp_path / "kept"
    out = io.StringIO()
    only = [title for title in TITLES if "video" in title or "music" in title]
    steps = anyio.run(functools.partial(demo.main, out, keep, only=only))
    assert [(s.title, s.ok) for s in steps] == [(title, True) for title in only], out.getvalue()
    assert f"files kept in {keep}" in out.getvalue()
    assert sorted(p.name for p in keep.iterdir()) == ["boat.mp4", "music.wav"]
    assert (keep / "boat.mp4").read_bytes()[4:8] == b"ftyp"
    with wave.open(str(keep / "music.wav"), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, 48_000)
        assert wav.getnframes() >= 3 * 48_000
    assert list(scratch.iterdir()) == []


def test_bad_flag_is_a_usage_error() -> None:
    """An unknown flag exits 2 with the usage (argparse), before anything starts."""
    with pytest.raises(SystemExit) as exc:
        demo.run(["--nope"])
    assert exc.value.code == 2
