"""File-search retrieval: whitespace chunking, metadata filters, ranking and grounding.

Chunks are runs of whitespace-separated tokens (``chunkingConfig.whiteSpaceConfig``:
``maxTokensPerChunk``, default 200; ``maxOverlapTokens``, default 20). Each chunk is embedded with
the emulator's deterministic embeddings (:data:`DIMS` dimensions, enough to rank by shared
words); a query is ranked against chunks by cosine similarity. ``metadataFilter`` accepts the
AIP-160 subset ``key <op> value`` joined by ``AND`` / ``OR`` (``AND`` binds tighter), with ops
``= != < <= > >= :``, quoted string or numeric values, matched against ``customMetadata``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._embed import embed
from ._errors import bad_request

__all__ = [
    "DIMS",
    "Chunk",
    "chunk_text",
    "cosine",
    "parse_filter",
    "whitespace_config",
]

DIMS = 256
_DEFAULT_MAX = 200
_DEFAULT_OVERLAP = 20
_TERM = re.compile(
    r"""\s*([A-Za-z_][\w.\-]*)\s*(<=|>=|!=|=|<|>|:)\s*("(?:[^"\\]|\\.)*"|'[^']*'|-?\d+(?:\.\d+)?)\s*"""
)


@dataclass
class Chunk:
    """One chunk of a document: its text and unit-length embedding."""

    text: str
    vector: list[float]


def whitespace_config(config: dict[str, Any] | None, where: str) -> tuple[int, int]:
    """``(maxTokensPerChunk, maxOverlapTokens)`` from a ``chunkingConfig``, validated.

    Raises:
        ApiError: 400 for a non-positive size or an overlap not smaller than the size.
    """
    ws = (config or {}).get("whiteSpaceConfig") or {}
    size = ws.get("maxTokensPerChunk", _DEFAULT_MAX)
    overlap = ws.get("maxOverlapTokens", _DEFAULT_OVERLAP if size > _DEFAULT_OVERLAP else 0)
    if size < 1:
        raise bad_request(
            f"* {where}.chunking_config.white_space_config.max_tokens_per_chunk: must be "
            "positive\n",
            "chunking_config.white_space_config.max_tokens_per_chunk",
        )
    if overlap < 0 or overlap >= size:
        raise bad_request(
            f"* {where}.chunking_config.white_space_config.max_overlap_tokens: must be >= 0 "
            "and smaller than max_tokens_per_chunk\n",
            "chunking_config.white_space_config.max_overlap_tokens",
        )
    return size, overlap


def chunk_text(text: str, size: int, overlap: int) -> list[Chunk]:
    """Split ``text`` into overlapping runs of at most ``size`` whitespace tokens."""
    words = text.split()
    chunks: list[Chunk] = []
    step = size - overlap
    for start in range(0, len(words), step):
        piece = " ".join(words[start : start + size])
        chunks.append(Chunk(piece, embed(piece, DIMS)))
        if start + size >= len(words):
            break
    return chunks


def cosine(a: list[float], b: list[float]) -> float:
    """Cosine similarity of two unit vectors."""
    return sum(x * y for x, y in zip(a, b, strict=True))


Filter = list[list[tuple[str, str, str | float]]]


def parse_filter(expression: str) -> Filter:
    """Parse a metadata filter into OR-groups of AND-ed ``(key, op, value)`` terms.

    Raises:
        ApiError: 400 INVALID_ARGUMENT for anything outside the supported subset.
    """
    groups: Filter = []
    for group in re.split(r"\s+OR\s+", expression.strip()):
        terms = []
        for raw in re.split(r"\s+AND\s+", group):
            match = _TERM.fullmatch(raw)
            if match is None:
                raise bad_request(
                    f"Invalid metadata_filter {expression!r}: cannot parse {raw.strip()!r} "
                    '(expected key <op> value, e.g. genre = "fiction" AND year > 2000).',
                    "metadata_filter",
                )
            key, op, value = match.groups()
            quoted = value[0] in "\"'"
            parsed: str | float = value[1:-1].replace('\\"', '"') if quoted else float(value)
            terms.append((key, op, parsed))
        groups.append(terms)
    return groups


def _values(metadata: list[dict[str, Any]], key: str) -> list[str | float]:
    out: list[str | float] = []
    for entry in metadata:
        if entry.get("key") != key:
            continue
        if "stringValue" in entry:
            out.append(entry["stringValue"])
        elif "numericValue" in entry:
            out.append(float(entry["numericValue"]))
        elif "stringListValue" in entry:
            out.extend(entry["stringListValue"].get("values", []))
    return out


def _compare(have: str | float, op: str, want: str | float) -> bool:
    if isinstance(have, str) != isinstance(want, str):
        return op == "!="
    if op in ("=", ":"):
        return have == want
    if op == "!=":
        return have != want
    if isinstance(have, str) or isinstance(want, str):
        return False
    return {"<": have < want, "<=": have <= want, ">": have > want, ">=": have >= want}[op]


def matches(parsed: Filter, metadata: list[dict[str, Any]]) -> bool:
    """Whether a document's ``customMetadata`` satisfies a parsed filter."""
    for group in parsed:
        if all(
            any(_compare(v, op, want) for v in _values(metadata, key))
            or (op == "!=" and not _values(metadata, key))
            for key, op, want in group
        ):
            return True
    return False
