"""The ``genai-actors`` command."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    raise SystemExit("genai-actors: no commands yet")
