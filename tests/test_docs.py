"""The Python examples in the README, docs/quickstart.md and docs/migrating-from-google-genai.md
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
from pathlib import Path
from typing import Any

import pytest

from genai_actors.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
GUIDES = ("docs/quickstart.md", "docs/migrating-from-google-genai.md")
FILES = ("README.md", *GUIDES)
_BLOCK = re.compile(r"(?P<before>[^\n]*)\n```python\n(?P<code>.*?)\n```", re.DOTALL)


def _blocks() -> list[Any]:
    params = []
    for name in FILES:
        text = (ROOT / name).read_text()
        for number, match in enumerate(_BLOCK.finditer(text), 1):
            line = text.count("\n", 0, match.start("code"))
            marks = [pytest.mark.skip("marked not run")] if "not run" in match["before"] else []
            params.append(pytest.param(match["code"], id=f"{name}:{line}#{number}", marks=marks))
    return params


@pytest.mark.slow
@pytest.mark.parametrize("code", _blocks())
def test_example_runs_against_the_emulator(
    code: str, gemini_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A documentation example runs to completion against the emulator."""
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.setenv("GEMINI_API_KEY", "docs-example-key")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", gemini_emulator.url)
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
    """The README and both guides hold Python examples (so the test above is not vacuous)."""
    assert "```python" in (ROOT / "README.md").read_text()
    for name in GUIDES:
        text = (ROOT / name).read_text()
        assert text.count("```python") >= 3, name
