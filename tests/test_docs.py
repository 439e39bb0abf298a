"""The Python examples in the README and the guides (quickstart, migration, chats, Live, music)
run as written.

Each ```python block is executed against the emulator, found through the environment
(``GOOGLE_GEMINI_BASE_URL`` and a dummy ``GEMINI_API_KEY``), exactly as a reader would run it
against the real API. A block preceded by ``<!-- not run -->`` is skipped (none should be,
except snippets that need something the emulator cannot give). Functions named ``test_*`` that a
block defines are called with an emulator, as pytest would with the ``gemini_emulator`` fixture.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from genai_actors.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
# Guide -> the fewest examples it must hold (so the test below is not vacuous).
GUIDES = {
    "docs/quickstart.md": 3,
    "docs/migrating-from-google-genai.md": 3,
    "docs/chats.md": 8,
    "docs/live.md": 8,
    "docs/music.md": 3,
    "docs/governor.md": 3,
    "docs/mcp.md": 3,
    "docs/vertex.md": 7,
    "docs/fanout.md": 4,
}
FILES = ("README.md", *GUIDES)
# Emulator settings a guide's examples need, applied before each of its examples.
_SETTINGS: dict[str, dict[str, float]] = {
    "docs/music.md": {"music_speed": 10.0},  # a second of music in a tenth
}


def _vertex_environment(emu: Emulator, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Vertex AI examples: Vertex AI at the emulator, ADC a service-account key it issues
    tokens for (as GOOGLE_APPLICATION_CREDENTIALS and GOOGLE_VERTEX_BASE_URL would be set for
    the real service); the Developer API examples beside them read neither variable."""
    key = folder / "vertex-service-account.json"
    emu.service_account(key, project_id="my-project")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    monkeypatch.setenv("GOOGLE_VERTEX_BASE_URL", emu.url)
    for name in ("GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION", "GOOGLE_GENAI_USE_VERTEXAI"):
        monkeypatch.delenv(name, raising=False)


# Environment a guide's examples need, set before each of its examples.
_ENVIRONMENTS: dict[str, Callable[[Emulator, pytest.MonkeyPatch, Path], None]] = {
    "docs/vertex.md": _vertex_environment,
    "docs/migrating-from-google-genai.md": _vertex_environment,  # its Vertex AI example
}
_BLOCK = re.compile(r"(?P<before>[^\n]*)\n```python\n(?P<code>.*?)\n```", re.DOTALL)


def _blocks() -> list[Any]:
    params = []
    for name in FILES:
        text = (ROOT / name).read_text()
        for number, match in enumerate(_BLOCK.finditer(text), 1):
            line = text.count("\n", 0, match.start("code"))
            marks = [pytest.mark.skip("marked not run")] if "not run" in match["before"] else []
            params.append(
                pytest.param(name, match["code"], id=f"{name}:{line}#{number}", marks=marks)
            )
    return params


@pytest.mark.slow
@pytest.mark.parametrize(("name", "code"), _blocks())
def test_example_runs_against_the_emulator(
    name: str,
    code: str,
    gemini_emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A documentation example runs to completion against the emulator."""
    for setting, value in _SETTINGS.get(name, {}).items():
        setattr(gemini_emulator.live.settings, setting, value)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.setenv("GEMINI_API_KEY", "docs-example-key")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", gemini_emulator.url)
    if name in _ENVIRONMENTS:
        _ENVIRONMENTS[name](gemini_emulator, monkeypatch, tmp_path)
    namespace: dict[str, Any] = {"__name__": "__docs_example__"}
    with warnings.catch_warnings():
        # google-genai's own aiohttp session subclass warns on creation (not our code).
        warnings.filterwarnings(
            "ignore", message="Inheritance class AiohttpClientSession", category=DeprecationWarning
        )
        exec(compile(code, "<docs example>", "exec", dont_inherit=True), namespace)
        for name, value in list(namespace.items()):
            if name.startswith("test_") and callable(value):
                value(gemini_emulator)


def test_the_docs_have_examples() -> None:
    """The README and every guide hold Python examples (so the test above is not vacuous)."""
    assert "```python" in (ROOT / "README.md").read_text()
    for name, fewest in GUIDES.items():
        text = (ROOT / name).read_text()
        assert text.count("```python") >= fewest, name
