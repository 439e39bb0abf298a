"""The Python examples of docs/emulator.md run as written, each against a fresh emulator.

As in ``tests/test_docs.py``, every ```python block runs with ``GOOGLE_GEMINI_BASE_URL`` pointing
at an emulator (the ``gemini_emulator`` fixture) and a dummy ``GEMINI_API_KEY``, as a reader runs
it against an emulator started with ``genai-actors emulator``. A block preceded by
``<!-- prelude -->`` holds helpers: it runs before every later block, in the same namespace. A
block preceded by ``<!-- not run -->`` is skipped. Functions named ``test_*`` that a block defines
are called with the emulator, as pytest would with the fixture.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest

from genai_actors.emulator import Emulator

DOC = Path(__file__).resolve().parent.parent / "docs" / "emulator.md"
_BLOCK = re.compile(r"(?P<before>[^\n]*)\n```python\n(?P<code>.*?)\n```", re.DOTALL)
# Every admin endpoint the guide must show in a runnable example.
ENDPOINTS = (
    "health",
    "faults",
    "faults/fail-next",
    "recorded",
    "settings",
    "operations/complete",
    "batches/finish",
    "uploads/drop",
    "reset",
    "oauth",
    "oauth/expire",
    "vertex/finish",
)


def _blocks() -> list[tuple[int, str, str]]:
    """(line, marker line before the block, code) for each Python block of the guide."""
    text = DOC.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start("code")) + 1, m["before"], m["code"])
        for m in _BLOCK.finditer(text)
    ]


def _cases() -> list[Any]:
    params = []
    preludes: list[str] = []
    for line, before, code in _blocks():
        if "prelude" in before:
            preludes.append(code)
            continue
        marks = [pytest.mark.skip("marked not run")] if "not run" in before else []
        params.append(pytest.param((*preludes, code), id=f"emulator.md:{line}", marks=marks))
    return params


@pytest.mark.slow
@pytest.mark.parametrize("codes", _cases())
def test_example_runs_against_the_emulator(
    codes: tuple[str, ...], gemini_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A docs/emulator.md example (after its preludes) runs to completion against an emulator."""
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.setenv("GEMINI_API_KEY", "docs-example-key")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", gemini_emulator.url)
    namespace: dict[str, Any] = {"__name__": "__docs_example__"}
    with warnings.catch_warnings():
        # google-genai's own aiohttp session subclass warns on creation (not our code).
        warnings.filterwarnings(
            "ignore", message="Inheritance class AiohttpClientSession", category=DeprecationWarning
        )
        for number, code in enumerate(codes):
            exec(compile(code, f"<emulator.md block {number}>", "exec"), namespace)
        for name, value in list(namespace.items()):
            if name.startswith("test_") and callable(value):
                value(gemini_emulator)


def test_the_guide_shows_every_admin_endpoint_and_flag() -> None:
    """Each admin endpoint is used by a runnable example; each command flag is documented."""
    from genai_actors.emulator.__main__ import build_parser

    blocks = _blocks()
    runnable = "\n".join(code for _, before, code in blocks if "not run" not in before)
    for endpoint in ENDPOINTS:
        assert f'"{endpoint}"' in runnable, endpoint
    assert any("prelude" in before for _, before, _ in blocks)
    text = DOC.read_text(encoding="utf-8")
    flags = [
        flag
        for action in build_parser()._actions
        for flag in action.option_strings
        if flag.startswith("--") and flag != "--help"
    ]
    assert len(flags) > 5
    for flag in flags:
        assert f"`{flag}" in text, flag
    assert "gemini_emulator" in runnable
    assert "--version" in text
