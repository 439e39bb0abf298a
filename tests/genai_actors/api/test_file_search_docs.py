"""The Python examples in docs/file-search.md run as written against the emulator."""

from __future__ import annotations

import pytest

from genai_actors.emulator import Emulator

from .test_files_docs import doc_blocks, run_block


def test_the_guide_has_examples() -> None:
    """docs/file-search.md shows every feature (at least four examples)."""
    assert len(doc_blocks("file-search.md")) >= 4


@pytest.mark.slow
@pytest.mark.parametrize("code", doc_blocks("file-search.md"))
def test_file_search_doc_example_runs(
    code: str, gemini_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A docs/file-search.md example runs to completion against the emulator."""
    run_block(code, gemini_emulator, monkeypatch)
