"""``genai-actors fanout`` in a subprocess: good input, bad input, interruption and --resume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from genai_actors.emulator import Emulator

from ._inputs import line

ROOT = Path(__file__).resolve().parents[3]


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL")
    }
    env.update({"COLUMNS": "120", **extra})
    return env


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "genai_actors", "fanout", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(**env),
        timeout=120,
    )


def _write(path: Path, count: int) -> Path:
    path.write_text("".join(json.dumps(line(i)) + "\n" for i in range(count)))
    return path


def test_the_embedded_emulator_answers_every_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    done = _run(str(_write(tmp_path / "in.jsonl", 300)), "--out", str(out), "--concurrency", "16")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0].startswith(
        "genai-actors fanout: GEMINI_API_KEY is not set: using an embedded emulator at "
    )
    lines = [msgspec.json.decode(x) for x in out.read_bytes().splitlines()]
    assert sorted(x["key"] for x in lines) == sorted(f"k{i}" for i in range(300))
    assert all(set(x) == {"key", "response"} for x in lines)
    assert "succeeded" in done.stderr
    assert "300" in done.stderr
    assert not Path(f"{out}.partial").exists()
    assert not Path(f"{out}.partial.state").exists()


def test_with_a_key_it_talks_to_the_api_it_is_given(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with Emulator(record_limit=None) as emu:
        done = _run(
            str(_write(tmp_path / "in.jsonl", 20)),
            "--out",
            str(out),
            "--via",
            "online",
            GEMINI_API_KEY="real-key",
            GOOGLE_GEMINI_BASE_URL=emu.url,
        )
        sent = [r for r in emu.recorded if r.path.endswith(":generateContent")]
    assert done.returncode == 0, done.stderr
    assert "embedded emulator" not in done.stderr
    assert len(sent) == 20
    assert len(out.read_bytes().splitlines()) == 20


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"key": "a", "request": {"contents": []}}\n{"key": "b", "request": \n', "line 2"),
        ('{"key": "a", "request": {}}\n[1, 2]\n', "line 2: expected a JSON object"),
        ('{"key": "a", "prompt": "x"}\n', 'line 1: expected {"key": ..., "request": {...}}'),
        ('{"key": "a", "request": {}}\n{"key": "a", "request": {}}\n', "line 2: the key 'a'"),
        ("\n\n", "no requests"),
    ],
)
def test_bad_input_is_named_by_line_and_nothing_is_written(
    tmp_path: Path, content: str, message: str
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(content)
    out = tmp_path / "out.jsonl"
    done = _run(str(source), "--out", str(out))
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == [source]


def test_a_missing_file_an_unknown_model_and_a_bad_rate(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    missing = _run(str(tmp_path / "nope.jsonl"), "--out", str(out))
    assert missing.returncode == 1
    assert "cannot read" in missing.stderr
    assert "nope.jsonl" in missing.stderr
    source = _write(tmp_path / "in.jsonl", 3)
    unknown = _run(str(source), "--out", str(out), "--model", "gemini-0-imaginary")
    assert unknown.returncode == 1
    assert "unknown model 'gemini-0-imaginary'" in unknown.stderr
    rate = _run(str(source), "--out", str(out), "--rpm", "fast")
    assert rate.returncode == 2
    assert "expected a number of requests per minute, got 'fast'" in rate.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_an_interrupted_run_needs_resume_and_completes_with_it(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", 40)
    out = tmp_path / "out.jsonl"
    partial = Path(f"{out}.partial")
    # What a killed run leaves: some answered lines and one cut short.
    partial.write_bytes(
        b'{"key":"k0","response":{"candidates":[]}}\n{"key":"k5","response":{}}\n{"key":"k9'
    )
    refused = _run(str(source), "--out", str(out))
    assert refused.returncode == 1
    assert "--resume" in refused.stderr
    resumed = _run(str(source), "--out", str(out), "--resume", "--rpm", "100000")
    assert resumed.returncode == 0, resumed.stderr
    keys = [msgspec.json.decode(x)["key"] for x in out.read_bytes().splitlines()]
    assert sorted(keys) == sorted(f"k{i}" for i in range(40))
    assert "answered before (resumed)" in resumed.stderr
    assert not partial.exists()
