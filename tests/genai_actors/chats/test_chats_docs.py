"""The Python examples in docs/chats.md run as written against the emulator.

Each ```python block runs with ``GEMINI_API_KEY`` and ``GOOGLE_GEMINI_BASE_URL`` pointing at a
fresh emulator, exactly as a reader would run it against the real API.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from genai_actors.emulator import Emulator

DOC = Path(__file__).resolve().parents[3] / "docs" / "chats.md"
_BLOCK = re.compile(r"```python\n(?P<code>.*?)\n```", re.DOTALL)


def _blocks() -> list[Any]:
    text = DOC.read_text()
    return [
        pytest.param(m["code"], id=f"chats.md:{text.count(chr(10), 0, m.start())}")
        for m in _BLOCK.finditer(text)
    ]


def test_the_page_has_examples() -> None:
    assert len(_blocks()) >= 8


@pytest.mark.slow
@pytest.mark.parametrize("code", _blocks())
def test_chats_doc_example_runs(
    code: str, gemini_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A docs/chats.md example runs to completion against the emulator."""
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.setenv("GEMINI_API_KEY", "docs-example-key")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", gemini_emulator.url)
    namespace: dict[str, Any] = {"__name__": "__docs_example__"}
    exec(compile(code, "<docs example>", "exec", dont_inherit=True), namespace)
