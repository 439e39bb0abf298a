"""``contents`` normalisation, following google-genai's ``t_contents`` rules.

Accepted: a string, a :class:`~genai_actors.types.Part`, a
:class:`~genai_actors.types.Content`, a file object with ``uri`` and ``mime_type``, a PIL
image, a dict shaped like a Content or a Part (snake_case or camelCase keys), or a list of
these. In a list, consecutive parts are grouped into one Content: ``user`` unless the parts
carry function calls (then ``model``); a nested list becomes one user Content.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from typing import Any

from ..types._content import Content, FileData, Part
from ._errors import InvalidRequestError
from ._normalize import coerce, field_keys

__all__ = [
    "t_content",
    "t_contents",
    "t_contents_for_embed",
    "t_part",
    "t_parts",
]


_KEYS: dict[type[Any], frozenset[str]] = {}


def _keys(tp: type[Any]) -> frozenset[str]:
    # Built on first use: msgspec type introspection is too slow to run at import.
    found = _KEYS.get(tp)
    if found is None:
        found = _KEYS[tp] = field_keys(tp)
    return found


def _is_file(value: Any) -> bool:
    return type(value).__name__ == "File" and hasattr(value, "uri") and hasattr(value, "mime_type")


def _pil_image(value: Any) -> bool:
    pil = sys.modules.get("PIL.Image")
    return pil is not None and isinstance(value, pil.Image)


def _pil_part(image: Any) -> Part:
    fmt = "PNG"
    options: dict[str, Any] = {}
    if (
        image.format == "JPEG"
        and getattr(image, "filename", "")
        and image.mode in ("1", "L", "RGB", "RGBX", "CMYK")
    ):
        fmt = "JPEG"
        options["quality"] = "keep"
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return Part.from_bytes(data=buffer.getvalue(), mime_type=f"image/{fmt.lower()}")


def _is_part_dict(value: dict[Any, Any]) -> bool:
    return bool(value) and (value.keys() <= _keys(Part) or value.keys() <= _keys(FileData))


def t_part(part: Any, path: str = "part") -> Part:
    """Normalise one part-like value into a :class:`Part`.

    Raises:
        InvalidRequestError: ``part`` is ``None``, of an unsupported type, or a dict with
            unknown keys or badly typed values.
    """
    if isinstance(part, Part):
        return part
    if isinstance(part, str):
        return Part(text=part)
    if isinstance(part, dict):
        if part.keys() <= _keys(Part):
            return coerce(part, Part, path)
        if part.keys() <= _keys(FileData):
            return Part(file_data=coerce(part, FileData, path))
        return coerce(part, Part, path)
    if part is None:
        raise InvalidRequestError(path, "content part is required")
    if _is_file(part):
        if not part.uri or not part.mime_type:
            raise InvalidRequestError(path, "file uri and mime_type are required")
        return Part.from_uri(file_uri=part.uri, mime_type=part.mime_type)
    if _pil_image(part):
        return _pil_part(part)
    raise InvalidRequestError(path, f"unsupported content part type: {type(part).__name__}")


def t_parts(parts: Any, path: str = "parts") -> list[Part]:
    """Normalise a part-like value or a list of them into a list of :class:`Part`.

    Raises:
        InvalidRequestError: ``parts`` is ``None`` or empty, or an item is not part-like.
    """
    if parts is None or (isinstance(parts, list) and not parts):
        raise InvalidRequestError(path, "content parts are required")
    if isinstance(parts, list):
        return [t_part(p, f"{path}[{i}]") for i, p in enumerate(parts)]
    return [t_part(parts, path)]


def _role_for(parts: list[Part]) -> str:
    return "user" if all(p.function_call is None for p in parts) else "model"


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
        if content.keys() <= _keys(Content):
            return coerce(content, Content, path)
        part = t_part(content, path)
        return Content(role=_role_for([part]), parts=[part])
    if isinstance(content, Part):
        return Content(role=_role_for([content]), parts=[content])
    if _is_file(content):
        return Content(role="user", parts=[t_part(content, path)])
    return Content(role="user", parts=t_parts(content, path))


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
            result.append(Content(role="user" if pending_is_user else "model", parts=pending[:]))
            pending.clear()

    for index, item in enumerate(contents):
        where = f"{path}[{index}]"
        if isinstance(item, Content):
            flush()
            result.append(item)
        elif isinstance(item, list):
            flush()
            result.append(Content(role="user", parts=t_parts(item, where)))
        elif (
            isinstance(item, (str, Part))
            or _is_file(item)
            or (isinstance(item, dict) and _is_part_dict(item))
            or _pil_image(item)
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


def t_contents_for_embed(contents: Any, *, vertex: bool = False) -> list[Content] | list[str]:
    """Normalise ``embed_content`` inputs: one Content per item (mldev) or texts (vertex).

    Raises:
        InvalidRequestError: An item cannot be read as a Content.
    """
    items: Iterable[Any] = contents if isinstance(contents, list) else [contents]
    converted = [t_content(c, f"contents[{i}]") for i, c in enumerate(items)]
    if not vertex:
        return converted
    return [p.text for c in converted for p in (c.parts or ()) if p.text]
