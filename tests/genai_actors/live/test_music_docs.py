"""The Python examples in docs/music.md run as written against the emulator."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest

from genai_actors.emulator import Emulator

DOC = Path(__file__).resolve().parents[3] / "docs" / "music.md"
_BLOCK = re.compile(r"\n```python\n(?P<code>.*?)\n```", re.DOTALL)


def _blocks() -> list[Any]:
    text = DOC.read_text()
    return [
        pytest.param(m["code"], id=f"music.md:{text.count(chr(10), 0, m.start()) + 2}")
        for m in _BLOCK.finditer(text)
    ]


def test_the_guide_has_examples() -> None:
    """docs/music.md shows playback, checks and testing."""
    assert len(_blocks()) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("code", _blocks())
def test_music_doc_example_runs(
    code: str, gemini_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A docs/music.md example runs to completion against the emulator."""
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.setenv("GEMINI_API_KEY", "docs-example-key")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", gemini_emulator.url)
    gemini_emulator.live.settings.music_speed = 10.0  # a second of music in a tenth
    namespace: dict[str, Any] = {"__name__": "__docs_example__"}
    with warnings.catch_warnings():
        # google-genai's own aiohttp session subclass warns on creation (not our code).
        warnings.filterwarnings(
            "ignore", message="Inheritance class AiohttpClientSession", category=DeprecationWarning
        )
        exec(compile(code, "<docs example>", "exec", dont_inherit=True), namespace)
