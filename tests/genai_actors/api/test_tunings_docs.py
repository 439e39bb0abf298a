"""The Python examples in docs/tunings.md run as written against the emulator."""

from __future__ import annotations

import pytest

from genai_actors.emulator import Emulator

from .test_caches_docs import doc_blocks, run_block


@pytest.mark.slow
@pytest.mark.parametrize("code", doc_blocks("tunings.md"))
def test_tunings_doc_example_runs(
    code: str, gemini_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A docs/tunings.md example runs to completion against the emulator."""
    run_block(code, gemini_emulator, monkeypatch)
