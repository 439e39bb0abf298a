"""`make demo` (python -m genai_actors.demo): every part of the tour runs and says what it did."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import anyio
import pytest

from genai_actors import demo


@pytest.mark.slow
def test_demo_main_shows_every_part() -> None:
    """The tour prints each of its six parts with real figures, and leaves a saved video."""
    out = io.StringIO()
    anyio.run(demo.main, out)
    text = out.getvalue()
    for heading in (
        "1. Generation",
        "2. Streaming",
        "3. Embeddings",
        "4. Automatic function calling",
        "5. Video generation",
        "6. Rate limited (429)",
    ):
        assert heading in text, heading
    assert re.search(r"tokens:\s+\d+ in, \d+ out", text)
    chunks = re.search(r"chunks:\s+(\d+) in", text)
    assert chunks is not None
    assert int(chunks.group(1)) > 3
    assert re.search(r"dimension:\s+3072", text)
    assert re.search(r"cosine\(same\):\s+1\.000", text)
    assert "get_weather(city='Paris')" in text
    assert "The function get_weather returned" in text
    saved = re.search(r"saved:\s+([\d,]+) bytes to (\S+)", text)
    assert saved is not None
    path = saved.group(2)
    try:
        assert os.path.getsize(path) == int(saved.group(1).replace(",", "")) > 0
        with open(path, "rb") as f:
            assert f.read(12)[4:8] == b"ftyp"  # an MP4 container
    finally:
        os.remove(path)
    assert re.search(r"advised delay:\s+1\.00 s", text)
    assert re.search(r"answered after 2 attempts", text)
    waited = re.search(r"time taken:\s+([\d.]+) s", text)
    assert waited is not None
    assert float(waited.group(1)) >= 0.99
    assert text.rstrip().endswith("emulator stopped")


@pytest.mark.slow
def test_demo_module_exits_zero_without_log_noise() -> None:
    """`python -m genai_actors.demo` exits 0 and writes nothing to stderr."""
    env = {k: v for k, v in os.environ.items() if k not in ("GOOGLE_API_KEY", "GEMINI_API_KEY")}
    proc = subprocess.run(
        [sys.executable, "-m", "genai_actors.demo"],
        capture_output=True,
        text=True,
        timeout=50,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "6. Rate limited (429)" in proc.stdout
    saved = re.search(r"saved:\s+[\d,]+ bytes to (\S+)", proc.stdout)
    assert saved is not None
    os.remove(saved.group(1))
