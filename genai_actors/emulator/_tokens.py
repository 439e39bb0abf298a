"""The emulator's deterministic tokenizer: one token per word and per punctuation mark.

Every token count the emulator reports (``countTokens``, ``usageMetadata``, cached-content usage)
comes from these functions, so the numbers agree with one another everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import msgspec

__all__ = [
    "MEDIA_TOKENS",
    "count_content",
    "count_contents",
    "count_part",
    "count_text",
    "tokenize",
    "truncate_to_tokens",
]

_TOKEN = re.compile(r"\w+|[^\w\s]")
# What one inline or file-referenced media part costs, as the real API charges an image.
MEDIA_TOKENS = 258
_ENCODE = msgspec.json.encode


def tokenize(text: str) -> list[str]:
    """Split text into tokens: runs of word characters, and single punctuation marks."""
    return _TOKEN.findall(text)


def count_text(text: str) -> int:
    """Count the tokens of a string."""
    return len(_TOKEN.findall(text))


def truncate_to_tokens(text: str, limit: int) -> tuple[str, bool]:
    """Cut ``text`` after its ``limit``-th token.

    Returns:
        The (possibly shortened) text and whether anything was cut.
    """
    if limit <= 0:
        return "", bool(text)
    for index, match in enumerate(_TOKEN.finditer(text)):
        if index + 1 == limit:
            end = match.end()
            return text[:end], end < len(text.rstrip())
    return text, False


def count_part(part: dict[str, Any]) -> int:
    """Count the tokens of one (camelCase) Part."""
    total = 0
    text = part.get("text")
    if text:
        total += count_text(text)
    if "inlineData" in part or "fileData" in part:
        total += MEDIA_TOKENS
    call = part.get("functionCall")
    if call:
        total += count_text(call.get("name", "")) + count_text(
            _ENCODE(call.get("args") or {}).decode()
        )
    resp = part.get("functionResponse")
    if resp:
        total += count_text(resp.get("name", "")) + count_text(
            _ENCODE(resp.get("response") or {}).decode()
        )
    code = part.get("executableCode")
    if code:
        total += count_text(code.get("code", ""))
    result = part.get("codeExecutionResult")
    if result:
        total += count_text(result.get("output", ""))
    return total


def count_content(content: dict[str, Any]) -> int:
    """Count the tokens of one Content."""
    return sum(count_part(p) for p in content.get("parts", ()))


def count_contents(contents: Iterable[dict[str, Any]]) -> int:
    """Count the tokens of a list of Contents."""
    return sum(count_content(c) for c in contents)
