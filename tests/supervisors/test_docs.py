"""Runs every Python code block of docs/supervisors.md, so the guide stays correct."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "supervisors.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_the_guide_has_examples() -> None:
    """The guide has one example per concept (at least ten)."""
    assert len(BLOCKS) >= 10


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_doc_example_runs(index: int) -> None:
    """The code block runs to completion (its asserts hold)."""
    code = compile(BLOCKS[index], f"{DOC.name}[{index}]", "exec")
    exec(code, {"__name__": f"doc_example_{index}"})
