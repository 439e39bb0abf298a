"""``contents`` normalisation, following google-genai's ``t_contents`` rules.

Parts are read by :mod:`genai_actors.types._parts` (``t_part`` / ``t_parts``, re-exported here).

Accepted: a string, a :class:`~genai_actors.types.Part`, a
:class:`~genai_actors.types.Content`, a file object with ``uri`` and ``mime_type``, a PIL
image, a dict shaped like a Content or a Part (snake_case or camelCase keys), or a list of
these. In a list, consecutive parts are grouped into one Content: ``user`` unless the parts
carry function calls (then ``model``); a nested list becomes one user Content.
"""

from __future__ import annotations

from typing import Any

from ..types._construct import construct_unchecked
from ..types._content import Content, Part
from ..types._parts import (
    is_content_dict,
    is_file,
    is_part_dict,
    is_pil_image,
    t_part as t_part,
    t_parts as t_parts,
)
from ..types._validate import coerce
from ._errors import InvalidRequestError

__all__ = [
    "t_content",
    "t_contents",
    "t_part",
    "t_parts",
]


def _role_for(parts: list[Part]) -> str:
    return "user" if all(p.function_call is None for p in parts) else "model"


def _content(*, role: str, parts: list[Part]) -> Content:
    """A Content of parts already normalised here (not converted a second time)."""
    result: Content = construct_unchecked(Content, role=role, parts=parts)
    return result


def t_content(content: Any, path: str = "content") -> Content:
    """Normalise one content-like value into a :class:`Content`.

    Raises:
        InvalidRequestError: ``content`` is ``None`` or cannot be read as a Content.
    """
    if isinstance(content, Content):
        return content
    if content is None:
        raise InvalidRequestError(path, "content is required")
    if isinstance(content, dict):
        if is_content_dict(content):
            return coerce(content, Content, path)
        part = t_part(content, path)
        return _content(role=_role_for([part]), parts=[part])
    if isinstance(content, Part):
        return _content(role=_role_for([content]), parts=[content])
    if is_file(content):
        return _content(role="user", parts=[t_part(content, path)])
    return _content(role="user", parts=t_parts(content, path))


def t_contents(contents: Any, path: str = "contents") -> list[Content]:
    """Normalise ``contents`` into a list of :class:`Content` (google-genai's rules).

    Raises:
        InvalidRequestError: ``contents`` is ``None`` or empty, or an item is unsupported.
    """
    if contents is None or (isinstance(contents, list) and not contents):
        raise InvalidRequestError(path, "contents are required")
    if not isinstance(contents, list):
        return [t_content(contents, path)]
    result: list[Content] = []
    pending: list[Part] = []
    pending_is_user = True

    def flush() -> None:
        if pending:
            result.append(_content(role="user" if pending_is_user else "model", parts=pending[:]))
            pending.clear()

    for index, item in enumerate(contents):
        where = f"{path}[{index}]"
        if isinstance(item, Content):
            flush()
            result.append(item)
        elif isinstance(item, list):
            flush()
            result.append(_content(role="user", parts=t_parts(item, where)))
        elif (
            isinstance(item, (str, Part))
            or is_file(item)
            or (isinstance(item, dict) and is_part_dict(item))
            or is_pil_image(item)
        ):
            part = t_part(item, where)
            is_user = part.function_call is None
            if pending and is_user != pending_is_user:
                flush()
            if not pending:
                pending_is_user = is_user
            pending.append(part)
        elif isinstance(item, dict):
            flush()
            result.append(coerce(item, Content, where))
        else:
            raise InvalidRequestError(where, f"unsupported content type: {type(item).__name__}")
    flush()
    return result
