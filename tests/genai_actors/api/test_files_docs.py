"""The Python examples in docs/files.md run as written against the emulator.

Each ```python block runs with ``GEMINI_API_KEY`` and ``GOOGLE_GEMINI_BASE_URL`` pointing at the
emulator, exactly as a reader would run it against the real API. The helpers here are shared
with the File Search and auth-token guide tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from genai_actors.emulator import Emulator

DOCS = Path(__file__).resolve().parents[3] / "docs"
_BLOCK = re.compile(r"```python\n(?P<code>.*?)\n```", re.DOTALL)


def doc_blocks(name: str) -> list[Any]:
    """One pytest param per python block of ``docs/<name>``, named by its line."""
    text = (DOCS / name).read_text()
    return [
        pytest.param(m["code"], id=f"{name}:{text.count(chr(10), 0, m.start()) + 1}")
        for m in _BLOCK.finditer(text)
    ]


def run_block(code: str, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs one example with the environment aimed at ``emulator``."""
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.setenv("GEMINI_API_KEY", "docs-example-key")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", emulator.url)
    namespace: dict[str, Any] = {"__name__": "__docs_example__"}
    exec(compile(code, "<docs example>", "exec", dont_inherit=True), namespace)


def test_the_guide_has_examples() -> None:
    """docs/files.md shows every feature (at least seven examples)."""
    assert len(doc_blocks("files.md")) >= 7


@pytest.mark.slow
@pytest.mark.parametrize("code", doc_blocks("files.md"))
def test_files_doc_example_runs(
    code: str, gemini_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A docs/files.md example runs to completion against the emulator."""
    gemini_emulator.state.settings.file_processing_gets = 2
    run_block(code, gemini_emulator, monkeypatch)
