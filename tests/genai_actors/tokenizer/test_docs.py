"""The Python examples of docs/local-tokenizer.md run as written.

The real Gemma 3 model cannot be fetched here, so the cache the examples read is pre-seeded the
way the page tells a reader to (the file under its name in ``GENAI_ACTORS_CACHE_DIR``), with the
test model, and the Gemma 3 pin is pointed at that file's hash. Everything else (loading, the
hash check, counting, the emulator) runs for real.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest

from genai_actors._tokenizer import _models

from .conftest import pinned_spec

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "local-tokenizer.md"
_BLOCK = re.compile(r"```python\n(?P<code>.*?)\n```", re.DOTALL)


def _blocks() -> list[Any]:
    text = PAGE.read_text(encoding="utf-8")
    return [
        pytest.param(m["code"], id=f"line{text.count(chr(10), 0, m.start()) + 1}")
        for m in _BLOCK.finditer(text)
    ]


@pytest.fixture
def seeded_cache(
    spm_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_memo: None
) -> Path:
    """A cache directory pre-seeded as the page says, with the pin matching its file."""
    spec = pinned_spec(spm_bytes, "http://127.0.0.1:9/unreachable")
    for name, known in list(_models.KNOWN_MODELS.items()):
        if known is _models.GEMMA3:
            monkeypatch.setitem(_models.KNOWN_MODELS, name, spec)
    (tmp_path / str(spec.file_name)).write_bytes(spm_bytes)
    monkeypatch.setenv("GENAI_ACTORS_CACHE_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("code", _blocks())
def test_example_runs(code: str, seeded_cache: Path) -> None:
    """A Python example of the page runs to completion with the pre-seeded cache."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # one example shows the warning on purpose
        exec(compile(code, str(PAGE), "exec", dont_inherit=True), {"__name__": "__docs__"})


def test_the_page_has_examples() -> None:
    """The page holds several Python examples (so the test above is not vacuous)."""
    assert len(_blocks()) >= 6
