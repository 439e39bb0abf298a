"""Runs every Python code block of docs/operations.md, so the guide stays correct."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "operations.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_the_guide_has_examples() -> None:
    """The guide has a runnable example for each topic (at least eight)."""
    assert len(BLOCKS) >= 8


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_doc_example_runs(index: int) -> None:
    """The code block runs to completion (its asserts hold) and leaves no loop running.

    Slow: the examples poll on the real default schedule (1 s, 1.5 s, ...).
    """
    code = compile(BLOCKS[index], f"{DOC.name}[{index}]", "exec")
    exec(code, {"__name__": f"doc_example_{index}"})
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
