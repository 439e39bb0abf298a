"""Part-like values into :class:`Part` (google-genai's ``t_part`` rules), and the two
:class:`Content` shortcuts built on them, :func:`UserContent` and :func:`ModelContent`.

A part may be given as a :class:`Part`, a string (text), a dict shaped like a Part or a
FileData (snake_case or camelCase keys), a file object with ``uri`` and ``mime_type`` (a
``File``), or a PIL image (sent as PNG, or JPEG when it was read from a JPEG file).
"""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING, Any

from ._construct import construct_unchecked
from ._content import Content, FileData, Part

if TYPE_CHECKING:
    from ..errors import InvalidRequestError

__all__ = ["ModelContent", "UserContent"]

# genai_actors.errors and the validation package are imported on first use, so that
# `import genai_actors.types` stays as cheap as the struct definitions.
_KEYS: dict[type[Any], frozenset[str]] = {}


def _keys(tp: type[Any]) -> frozenset[str]:
    # Built on first use: msgspec type introspection is too slow to run at import.
    found = _KEYS.get(tp)
    if found is None:
        from ._validate import field_keys

        found = _KEYS[tp] = field_keys(tp)
    return found


def _coerce(value: dict[Any, Any], tp: type[Any], path: str) -> Any:
    from ._validate import coerce

    return coerce(value, tp, path)


def _invalid(path: str, reason: str) -> InvalidRequestError:
    from ..errors import InvalidRequestError

    return InvalidRequestError(path, reason)


def is_file(value: Any) -> bool:
    """Whether ``value`` is a file object (a ``File``) with ``uri`` and ``mime_type``."""
    return type(value).__name__ == "File" and hasattr(value, "uri") and hasattr(value, "mime_type")


def is_pil_image(value: Any) -> bool:
    """Whether ``value`` is a PIL image (PIL is never imported here)."""
    pil = sys.modules.get("PIL.Image")
    return pil is not None and isinstance(value, pil.Image)


def is_part_dict(value: dict[Any, Any]) -> bool:
    """Whether a dict is shaped like a Part or a FileData (rather than a Content)."""
    return bool(value) and (value.keys() <= _keys(Part) or value.keys() <= _keys(FileData))


def is_content_dict(value: dict[Any, Any]) -> bool:
    """Whether every key of a dict is a field of :class:`Content`."""
    return value.keys() <= _keys(Content)


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


def t_part(part: Any, path: str = "part") -> Part:
    """Normalise one part-like value into a :class:`Part`.

    Raises:
        InvalidRequestError: ``part`` is ``None``, of an unsupported type, or a dict with
            unknown keys or badly typed values.
    """
    if isinstance(part, Part):
        return part
    if isinstance(part, str):
        text_part: Part = construct_unchecked(Part, text=part)  # nothing to convert
        return text_part
    if isinstance(part, dict):
        if part.keys() <= _keys(Part):
            result: Part = _coerce(part, Part, path)
            return result
        if part.keys() <= _keys(FileData):
            return Part(file_data=_coerce(part, FileData, path))
        result = _coerce(part, Part, path)
        return result
    if part is None:
        raise _invalid(path, "content part is required")
    if is_file(part):
        if not part.uri or not part.mime_type:
            raise _invalid(path, "file uri and mime_type are required")
        return Part.from_uri(file_uri=part.uri, mime_type=part.mime_type)
    if is_pil_image(part):
        return _pil_part(part)
    raise _invalid(path, f"unsupported content part type: {type(part).__name__}")


def t_parts(parts: Any, path: str = "parts") -> list[Part]:
    """Normalise a part-like value or a list of them into a list of :class:`Part`.

    Raises:
        InvalidRequestError: ``parts`` is ``None`` or empty, or an item is not part-like.
    """
    if parts is None or (isinstance(parts, list) and not parts):
        raise _invalid(path, "content parts are required")
    if isinstance(parts, list):
        return [t_part(p, f"{path}[{i}]") for i, p in enumerate(parts)]
    return [t_part(parts, path)]


def UserContent(parts: Any) -> Content:
    """A ``user`` :class:`Content` from a part, a string, or a list of them.

    Raises:
        ValueError: ``parts`` is empty or holds something that is not a part.
    """
    return Content(role="user", parts=t_parts(parts))


def ModelContent(parts: Any) -> Content:
    """A ``model`` :class:`Content` from a part, a string, or a list of them.

    Raises:
        ValueError: ``parts`` is empty or holds something that is not a part.
    """
    return Content(role="model", parts=t_parts(parts))
