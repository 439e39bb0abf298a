"""A chat's history: google-genai's curated and comprehensive rules, held as compact JSON.

A chat keeps two histories. The *comprehensive* one has every turn. The *curated* one, which is
what the next request sends, drops a model turn that is empty or holds an empty part, together
with the user turn that produced it. Roles must be ``user`` or ``model``.

Each entry of a :class:`History` is one *fragment*: the wire JSON of one or more contents,
comma-joined without brackets (``{"role":"user",...},{"role":"model",...}``). A request body is
then the fragments joined, and an idle chat holds a few byte strings instead of a tree of
structs. Contents are decoded into :class:`~genai_actors.types.Content` only when read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from ..types._base import dec_hook, encode_json
from ..types._content import Content, Part
from ..types._response import GenerateContentResponse

__all__ = [
    "EMPTY_MODEL",
    "History",
    "Record",
    "decode_fragments",
    "fragment",
    "merge_contents",
    "valid_content",
    "valid_response",
]

_EMPTY_PART = Part()
EMPTY_MODEL = encode_json(Content(role="model", parts=[]))
"""The wire JSON of an empty model turn (recorded when the model gave no output)."""
_CONTENTS = msgspec.json.Decoder(list[Content], dec_hook=dec_hook)

Record = tuple[bytes, bool]
"""One recorded exchange: a fragment (the input content and the model's output contents) and
whether it is valid (so part of the curated history)."""


def valid_content(content: Content) -> bool:
    """google-genai's rule: a content is valid if it has parts and none of them is empty."""
    parts = content.parts
    if not parts:
        return False
    return all(part != _EMPTY_PART for part in parts)


def valid_response(response: GenerateContentResponse) -> bool:
    """A response is valid if its first candidate holds a valid content."""
    candidates = response.candidates
    if not candidates:
        return False
    content = candidates[0].content
    return content is not None and valid_content(content)


def fragment(contents: Iterable[Content]) -> bytes:
    """The comma-joined wire JSON of ``contents`` (an empty model turn if there are none)."""
    encoded = [encode_json(content) for content in contents]
    return b",".join(encoded) if encoded else EMPTY_MODEL


def exchange(user: Content, output: Sequence[Content]) -> bytes:
    """The fragment of one exchange: the input, then the model's output, or an empty model
    turn when the output is empty (so the comprehensive history keeps alternating)."""
    return encode_json(user) + b"," + (fragment(output) if output else EMPTY_MODEL)


def decode_fragments(fragments: Iterable[bytes]) -> list[Content]:
    """The contents of ``fragments``, decoded.

    Raises:
        msgspec.ValidationError: A fragment is not contents (a corrupt store row).
    """
    return _CONTENTS.decode(b"[" + b",".join(fragments) + b"]")


def merge_contents(contents: Sequence[Content]) -> Content | None:
    """The model contents of one streamed turn merged into a single content.

    Consecutive plain text parts are joined when they have the same ``thought`` flag and the
    later one carries no thought signature of its own (a part with a signature starts a new
    part, so every signature stays on the text it came with). Every other part (function
    calls, inline data, code) is kept as it is, in order. Returns None for no contents.
    """
    if not contents:
        return None
    role = "model"
    merged: list[Part] = []
    for content in contents:
        if content.role:
            role = content.role
        for part in content.parts or ():
            last = merged[-1] if merged else None
            if (
                last is not None
                and part.text is not None
                and last.text is not None
                and _text_only(part)
                and _text_only(last)
                and bool(part.thought) == bool(last.thought)
                and part.thought_signature is None
            ):
                merged[-1] = msgspec.structs.replace(last, text=last.text + part.text)
            else:
                merged.append(part)
    return Content(role=role, parts=merged)


def _text_only(part: Part) -> bool:
    """Whether ``part`` sets nothing but text, thought and thought signature."""
    set_fields = sum(value is not None for value in msgspec.structs.astuple(part))
    own = (part.text is not None) + (part.thought is not None)
    return set_fields == own + (part.thought_signature is not None)


class History:
    """The comprehensive and curated histories of one chat, as fragments.

    Args:
        initial: The history the chat was created with (contents), split into the two
            histories by google-genai's rule.

    Raises:
        ValueError: A content whose role is neither ``user`` nor ``model``.
    """

    __slots__ = ("comprehensive", "curated")

    def __init__(self, initial: Sequence[Content] = ()) -> None:
        self.comprehensive: list[bytes] = [encode_json(c) for c in initial]
        self.curated: list[bytes] = _curate(initial, self.comprehensive)

    @classmethod
    def from_entries(cls, entries: Iterable[Record]) -> History:
        """A history from ``(fragment, curated)`` entries, oldest first."""
        history = cls.__new__(cls)
        history.comprehensive = []
        history.curated = []
        history.add(entries)
        return history

    def entries(self) -> list[Record]:
        """The comprehensive history as ``(fragment, curated)`` entries, oldest first."""
        curated = self.curated
        j = 0
        out: list[Record] = []
        for data in self.comprehensive:
            kept = j < len(curated) and curated[j] is data
            if kept:
                j += 1
            out.append((data, kept))
        return out

    def add(self, records: Iterable[Record]) -> None:
        """Appends recorded exchanges (all of them: the caller commits them at once)."""
        for data, valid in records:
            self.comprehensive.append(data)
            if valid:
                self.curated.append(data)

    def contents(self, *, curated: bool) -> list[Content]:
        """One history, decoded into fresh structs (the caller may change them)."""
        return decode_fragments(self.curated if curated else self.comprehensive)

    def copy(self) -> History:
        """A history with the same fragments (bytes are immutable, so this is cheap)."""
        other = History.__new__(History)
        other.comprehensive = list(self.comprehensive)
        other.curated = list(self.curated)
        return other


def _curate(contents: Sequence[Content], encoded: list[bytes]) -> list[bytes]:
    """google-genai's curated history of ``contents``: each run of model contents is kept if
    every one is valid, else dropped together with the user content before it."""
    curated: list[bytes] = []
    i = 0
    n = len(contents)
    while i < n:
        role = contents[i].role
        if role not in ("user", "model"):
            raise ValueError(f"history roles must be 'user' or 'model', got {role!r}")
        if role == "user":
            curated.append(encoded[i])
            i += 1
            continue
        start = i
        ok = True
        while i < n and contents[i].role == "model":
            ok = ok and valid_content(contents[i])
            i += 1
        if ok:
            curated.extend(encoded[start:i])
        elif curated:
            curated.pop()
    return curated


def as_builtins(fragments: Sequence[bytes]) -> list[Any]:
    """The contents of ``fragments`` as plain JSON values (for snapshots)."""
    result: list[Any] = msgspec.json.decode(b"[" + b",".join(fragments) + b"]")
    return result
