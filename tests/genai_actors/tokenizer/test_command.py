"""``genai-actors tokens count FILE``: prints LocalTokenizer's count; clean errors."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from genai_actors import LocalTokenizer
from genai_actors._cli import main

from .conftest import ModelServer

TEXT = "What is your name? Le café est très bon 😀\n"


def test_count_prints_the_local_tokenizer_count(
    spm_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The printed number is LocalTokenizer's count of the file's text."""
    path = tmp_path / "prompt.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert main(["tokens", "count", str(path), "--model-file", str(spm_path)]) == 0
    want = LocalTokenizer("gemini-2.5-flash", model_path=spm_path).count_tokens(TEXT)
    assert capsys.readouterr().out == f"{want.total_tokens}\n"


def test_count_reads_stdin(
    spm_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """FILE '-' reads standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(TEXT))
    assert main(["tokens", "count", "-", "--model-file", str(spm_path)]) == 0
    want = LocalTokenizer("gemini-2.5-flash", model_path=spm_path).count_tokens(TEXT)
    assert capsys.readouterr().out == f"{want.total_tokens}\n"


def test_errors_exit_1_with_one_line(
    model_server: ModelServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing file, an unknown model and an unreachable download exit 1, no traceback."""
    path = tmp_path / "prompt.txt"
    path.write_text(TEXT)
    assert main(["tokens", "count", str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt" in capsys.readouterr().err
    assert main(["tokens", "count", str(path), "--model", "gpt-4o"]) == 1
    assert "known models: gemini-2.5-pro" in capsys.readouterr().err
    model_server.status = 404  # an empty cache, and a mirror without the file
    argv = ["tokens", "count", str(path), "--cache-dir", str(tmp_path / "cache")]
    assert main([*argv, "--download-url", model_server.url, "--timeout", "5"]) == 1
    err = capsys.readouterr().err
    assert "copy it to" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """No sub-command, no FILE or a bad flag are usage errors (exit 2)."""
    for argv in (["tokens"], ["tokens", "count"], ["tokens", "count", "f", "--timeout", "0"]):
        assert main(argv) == 2
        assert "usage: genai-actors tokens" in capsys.readouterr().err


def test_the_installed_command(spm_path: Path, tmp_path: Path) -> None:
    """`python -m genai_actors tokens count` works as a real process."""
    path = tmp_path / "prompt.txt"
    path.write_text(TEXT, encoding="utf-8")
    command = [sys.executable, "-m", "genai_actors", "tokens", "count", str(path)]
    done = subprocess.run(
        [*command, "--model-file", str(spm_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    want = LocalTokenizer("gemini-2.5-flash", model_path=spm_path).count_tokens(TEXT)
    assert (done.returncode, done.stdout) == (0, f"{want.total_tokens}\n"), done.stderr
