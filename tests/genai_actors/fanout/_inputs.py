"""Inputs and settings the fan-out tests share (importable without the emulator)."""

from __future__ import annotations

MODEL = "gemini-2.5-flash"
EMBED_MODEL = "gemini-embedding-001"
# Quick, deterministic per-input retries: the faults are the point, not the waits.
QUICK_RETRY = {"attempts": 10, "initial_delay": 0.005, "max_delay": 0.02, "jitter": 0.0}


def line(i: int, *, short: bool = False) -> dict[str, object]:
    """Batch API input line number ``i``: its prompt names it (``short``: a one-token answer,
    which the emulator makes quickly)."""
    request: dict[str, object] = {"contents": [{"parts": [{"text": f"prompt {i}"}]}]}
    if short:
        request["generationConfig"] = {"maxOutputTokens": 1}
    return {"key": f"k{i}", "request": request}
