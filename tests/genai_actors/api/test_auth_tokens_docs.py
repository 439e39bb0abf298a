"""The Python examples in docs/auth-tokens.md run as written against the emulator."""

from __future__ import annotations

import pytest

from genai_actors.emulator import Emulator

from .test_files_docs import doc_blocks, run_block


def test_the_guide_has_examples() -> None:
    """docs/auth-tokens.md shows every feature (at least three examples)."""
    assert len(doc_blocks("auth-tokens.md")) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("code", doc_blocks("auth-tokens.md"))
def test_auth_tokens_doc_example_runs(
    code: str, gemini_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A docs/auth-tokens.md example runs to completion against the emulator."""
    run_block(code, gemini_emulator, monkeypatch)
