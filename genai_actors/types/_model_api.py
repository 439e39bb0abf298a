"""google-genai's model methods for wire structs: dump, copy and validate, with pydantic's names.

google-genai's types are pydantic models (camelCase aliases, ``populate_by_name``, JSON bytes as
URL-safe base64); user code calls ``model_dump``, ``model_copy``, ``model_validate`` and friends
on them. The wire structs' methods (see ``_base._Wire``) call the functions here, which this
module keeps out of ``import genai_actors.types`` (it is imported on first use).

Semantics, as pydantic gives them for google-genai's models:

- ``dump``: snake_case keys (camelCase with ``by_alias``), nested structs dumped recursively,
  ``exclude_none`` dropping unset struct fields only (``None`` inside a free-form dict stays).
  JSON mode: bytes as URL-safe base64, datetimes in ISO 8601 (``Z`` for UTC), enums as values.
- ``validate``: a dict with snake_case or camelCase keys (nested), an instance, another wire
  struct or a pydantic model; values converted by the constructor's rules (``_construct``:
  pydantic's lax mode, e.g. ``"12"`` for an int). A key that is no field raises unless its
  value is ``None`` (google-genai's ``model_dump()`` lists every one of its fields, some of
  which these types lack).
- ``copy_struct``: ``model_copy``; its ``update`` values are converted by the same rules.

Errors are :class:`~genai_actors.errors.InvalidRequestError` (a ``ValueError``) whose ``path``
names the field, e.g. ``candidates[0].content.parts[1].inline_data``.
"""

from __future__ import annotations

import base64
import copy
import datetime
import enum
import re
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from ..errors import InvalidRequestError
from ._construct import convert_fields, from_data

__all__: list[str] = []  # package-private: the wire structs' methods call these by name

Hook = Callable[..., Any]
Spec = Mapping[Any, Any] | None


# ---- dump ------------------------------------------------------------------------------------


def _spec(value: Any) -> Spec:
    """An include/exclude argument as a mapping (a set of names means ``{name: True}``)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return value
    if isinstance(value, set | frozenset | list | tuple):
        return dict.fromkeys(value, True)
    raise InvalidRequestError("include/exclude", f"expected a set or dict, got {value!r}")


def _sub(spec: Spec, key: Any) -> tuple[bool, Spec]:
    """(present, nested spec) of ``key`` in ``spec`` (``__all__`` applies to every key)."""
    if spec is None:
        return False, None
    found = spec.get(key, spec.get("__all__"))
    if found is None:
        return False, None
    if found is True or found is Ellipsis:
        return True, None
    return True, _spec(found)


_PLAIN = frozenset({str, int, float, bool})


class _Dumper:
    __slots__ = ("by_alias", "enc_hook", "exclude_none", "json")

    def __init__(self, *, json: bool, exclude_none: bool, by_alias: bool, enc_hook: Hook) -> None:
        self.json = json
        self.exclude_none = exclude_none
        self.by_alias = by_alias
        self.enc_hook = enc_hook

    def struct(self, obj: Any, include: Spec, exclude: Spec) -> dict[str, Any]:
        out: dict[str, Any] = {}
        names = obj.__struct_fields__
        keys = obj.__struct_encode_fields__ if self.by_alias else names
        if include is None and exclude is None:  # the common case, read in one C call
            dump = self.value
            items = zip(keys, msgspec.structs.astuple(obj), strict=True)
            if self.exclude_none:
                return {k: v if type(v) in _PLAIN else dump(v) for k, v in items if v is not None}
            return {k: v if v is None or type(v) in _PLAIN else dump(v) for k, v in items}
        for name, key in zip(names, keys, strict=True):
            inc: Spec = None
            exc: Spec = None
            if include is not None:
                present, inc = _sub(include, name)
                if not present:
                    continue
            if exclude is not None:
                present, exc = _sub(exclude, name)
                if present and exc is None:
                    continue
            value = getattr(obj, name)
            if value is None:
                if not self.exclude_none:
                    out[key] = None
                continue
            out[key] = self.value(value, inc, exc)
        return out

    def value(self, value: Any, include: Spec = None, exclude: Spec = None) -> Any:
        if value is None or type(value) in _PLAIN:
            return value
        if isinstance(value, msgspec.Struct) and hasattr(value, "__struct_encode_fields__"):
            return self.struct(value, include, exclude)
        if isinstance(value, list | tuple):
            out = []
            for index, item in enumerate(value):
                inc: Spec = None
                exc: Spec = None
                if include is not None:
                    present, inc = _sub(include, index)
                    if not present:
                        continue
                if exclude is not None:
                    present, exc = _sub(exclude, index)
                    if present and exc is None:
                        continue
                out.append(self.value(item, inc, exc))
            return out
        if isinstance(value, dict):
            return {
                (self.value(k) if self.json and not isinstance(k, str) else k): self.value(v)
                for k, v in value.items()
            }
        dump = getattr(value, "model_dump", None)
        if callable(dump):  # a pydantic model (a google-genai type) inside a free-form field
            return dump(
                mode="json" if self.json else "python",
                exclude_none=self.exclude_none,
                by_alias=self.by_alias,
            )
        if isinstance(value, enum.Enum):
            return self.value(value.value) if self.json else value
        if isinstance(value, bytes):
            return base64.urlsafe_b64encode(value).decode("ascii") if self.json else bytes(value)
        if not self.json:
            return value
        if isinstance(value, str | int | float):  # str/int subclasses
            return value
        if isinstance(value, datetime.datetime):
            text = value.isoformat()
            offset = value.utcoffset()
            if offset is not None and not offset:
                text = text.removesuffix("+00:00") + "Z"
            return text
        if isinstance(value, datetime.date | datetime.time):
            return value.isoformat()
        try:
            return self.enc_hook(value)
        except NotImplementedError:
            raise InvalidRequestError(
                "", f"{type(value).__name__} value has no JSON form (mode='json')"
            ) from None


def dump(
    obj: Any,
    *,
    mode: str,
    exclude_none: bool,
    by_alias: bool,
    include: Any,
    exclude: Any,
    enc_hook: Hook,
) -> dict[str, Any]:
    """``obj`` as a dict, as pydantic's ``model_dump`` gives it for a google-genai model.

    Raises:
        InvalidRequestError: ``mode`` is neither ``"python"`` nor ``"json"``, or a JSON-mode
            dump meets a value with no JSON form.
    """
    if mode not in ("python", "json"):
        raise InvalidRequestError("mode", f"expected 'python' or 'json', got {mode!r}")
    dumper = _Dumper(
        json=mode == "json", exclude_none=exclude_none, by_alias=by_alias, enc_hook=enc_hook
    )
    return dumper.struct(obj, _spec(include), _spec(exclude))


def dump_json(
    obj: Any,
    *,
    exclude_none: bool,
    by_alias: bool,
    include: Any,
    exclude: Any,
    indent: int | None,
    ensure_ascii: bool,
    enc_hook: Hook,
) -> str:
    """``obj`` as JSON text, as pydantic's ``model_dump_json`` gives it."""
    data = dump(
        obj,
        mode="json",
        exclude_none=exclude_none,
        by_alias=by_alias,
        include=include,
        exclude=exclude,
        enc_hook=enc_hook,
    )
    raw = msgspec.json.encode(data)
    if indent is not None:
        raw = msgspec.json.format(raw, indent=indent)
    text = raw.decode("utf-8")
    if ensure_ascii and not text.isascii():
        text = _NON_ASCII.sub(_escape, text)
    return text


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape(match: re.Match[str]) -> str:
    # Non-ASCII characters only appear inside JSON strings, where \u escapes mean the same.
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


# ---- copy ------------------------------------------------------------------------------------


def copy_struct(obj: Any, update: Mapping[str, Any] | None, deep: bool) -> Any:
    """A copy of ``obj`` with ``update`` (field names to values, converted as the constructor
    converts them) applied.

    Raises:
        InvalidRequestError: A key of ``update`` is not a field of ``obj``, or a value does not
            fit its field.
    """
    changes = convert_fields(type(obj), update) if update else None
    result = copy.deepcopy(obj) if deep else copy.copy(obj)
    if changes:
        for name, value in changes.items():
            setattr(result, name, value)
    return result


# ---- validate --------------------------------------------------------------------------------


def validate(cls: type[Any], obj: Any) -> Any:
    """``obj`` as a ``cls`` instance, as google-genai's ``model_validate`` takes it.

    Values are converted as the constructor converts them; a key that is no field is left
    out when its value is ``None`` (google-genai's full dumps list fields these types lack).

    Raises:
        InvalidRequestError: ``obj`` is not a dict or model, has a key that is no field (with
            a value), or a value that does not fit its field; ``path`` names the field.
    """
    return from_data(cls, obj, skip_unknown_none=True)


def validate_json(cls: type[Any], text: str | bytes | bytearray) -> Any:
    """``text`` (JSON) as a ``cls`` instance, as google-genai's ``model_validate_json`` takes it.

    Raises:
        InvalidRequestError: ``text`` is not JSON, or its value does not fit ``cls``.
    """
    try:
        data = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise InvalidRequestError("", f"invalid JSON for {cls.__name__}: {exc}") from None
    return validate(cls, data)
