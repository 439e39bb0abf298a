"""Type-directed coercion of user input (structs or plain dicts) into wire structs.

A dict given where a struct is expected may use snake_case or camelCase keys. Keys are
renamed only where the type says the value is a struct; free-form values (``dict[str, Any]``
and ``Any`` fields such as function ``args``, JSON schemas or ``extra_body``) are left as
they are. Unknown keys and values of the wrong type raise :class:`InvalidRequestError`
naming the field path, before anything is sent.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Any, TypeVar

import msgspec
import msgspec.inspect as mi

from ..types._base import Base64Bytes, dec_hook, to_builtins
from ._errors import InvalidRequestError

__all__ = ["coerce", "field_keys", "normalize_keys", "validate_wire", "wire_path_to_python"]

_T = TypeVar("_T")


class _Fields:
    """Lookup table of one struct type: accepted key -> (wire key, python name, type)."""

    __slots__ = ("by_key", "names")

    def __init__(self, info: mi.StructType) -> None:
        self.by_key: dict[str, tuple[str, mi.Type]] = {}
        self.names: list[str] = []
        for field in info.fields:
            entry = (field.encode_name, field.type)
            self.by_key[field.name] = entry
            self.by_key[field.encode_name] = entry
            self.names.append(field.name)


@cache
def _type_info(tp: Any) -> mi.Type:
    return mi.type_info(tp)


_FIELDS: dict[type[Any], _Fields] = {}


def _fields(info: mi.StructType) -> _Fields:
    found = _FIELDS.get(info.cls)
    if found is None:
        found = _FIELDS[info.cls] = _Fields(info)
    return found


def field_keys(tp: Any) -> frozenset[str]:
    """Every key (snake_case and camelCase) a dict may use for the struct type ``tp``."""
    info = _type_info(tp)
    if not isinstance(info, mi.StructType):
        raise TypeError(f"{tp!r} is not a struct type")
    return frozenset(_fields(info).by_key)


def _struct_member(info: mi.Type) -> mi.StructType | None:
    if isinstance(info, mi.StructType):
        return info
    if isinstance(info, mi.UnionType):
        for member in info.types:
            if isinstance(member, mi.StructType):
                return member
    return None


def _item_type(info: mi.Type) -> mi.Type | None:
    if isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
        return info.item_type
    if isinstance(info, mi.UnionType):
        for member in info.types:
            found = _item_type(member)
            if found is not None:
                return found
    return None


def _value_type(info: mi.Type) -> mi.Type | None:
    if isinstance(info, mi.DictType):
        return info.value_type
    if isinstance(info, mi.UnionType):
        for member in info.types:
            if isinstance(member, mi.DictType):
                return member.value_type
    return None


def _normalize(value: Any, info: mi.Type, path: str) -> Any:
    if isinstance(value, msgspec.Struct):
        # Typed values encode to their wire names already; their field types are checked by
        # validate_wire. Only dicts and lists supplied by the user are walked.
        return to_builtins(value)
    if isinstance(value, dict):
        struct = _struct_member(info)
        if struct is not None:
            table = _fields(struct).by_key
            out: dict[str, Any] = {}
            for key, item in value.items():
                entry = table.get(key) if isinstance(key, str) else None
                if entry is None:
                    raise InvalidRequestError(
                        f"{path}.{key}" if path else str(key),
                        _unknown_field_message(key, struct),
                    )
                wire_key, field_type = entry
                if wire_key in out:
                    raise InvalidRequestError(f"{path}.{key}", "field given twice")
                if item is not None:
                    out[wire_key] = _normalize(item, field_type, f"{path}.{key}" if path else key)
            return out
        value_type = _value_type(info)
        if value_type is not None and _needs_walk(value_type):
            return {k: _normalize(v, value_type, f"{path}[{k!r}]") for k, v in value.items()}
        return value
    if isinstance(value, (list, tuple)):
        item_type = _item_type(info)
        if item_type is not None and _needs_walk(item_type):
            return [_normalize(v, item_type, f"{path}[{i}]") for i, v in enumerate(value)]
        return list(value) if isinstance(value, tuple) else value
    return value


_WALK: dict[int, tuple[mi.Type, bool]] = {}


def _needs_walk(info: mi.Type) -> bool:
    cached = _WALK.get(id(info))
    if cached is not None and cached[0] is info:
        return cached[1]
    result = _compute_needs_walk(info)
    _WALK[id(info)] = (info, result)
    return result


def _compute_needs_walk(info: mi.Type) -> bool:
    if isinstance(info, mi.StructType):
        return True
    if isinstance(info, mi.UnionType):
        return any(_needs_walk(t) for t in info.types)
    if isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
        return _needs_walk(info.item_type)
    if isinstance(info, mi.DictType):
        return _needs_walk(info.value_type)
    return False


def _unknown_field_message(key: object, struct: mi.StructType) -> str:
    names = _fields(struct).names
    message = f"unknown field for {struct.cls.__name__}"
    close = difflib.get_close_matches(str(key), names, n=1)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    if len(names) <= 12:
        return f"{message} (known fields: {', '.join(names)})"
    return message


def normalize_info(value: Any, info: mi.Type, path: str = "") -> Any:
    """As :func:`normalize_keys`, for a ``msgspec.inspect`` type description."""
    return _normalize(value, info, path)


def normalize_keys(value: Any, tp: Any, path: str = "") -> Any:
    """Return ``value`` as builtins with struct keys renamed to their camelCase wire names.

    Args:
        value: A struct, a dict (snake_case or camelCase keys), or a list of them.
        tp: The type ``value`` must fit, e.g. ``types.GenerateContentConfig``.
        path: The field path of ``value``, used in error messages.

    Raises:
        InvalidRequestError: A dict has a key that is not a field of its struct type.
    """
    return _normalize(value, _type_info(tp), path)


_CAMEL_SEGMENT = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def wire_path_to_python(path: str) -> str:
    """Turn a msgspec error path (``$.generationConfig.topK``) into ``generation_config.top_k``."""
    path = path.removeprefix("$").removeprefix(".")
    return _CAMEL_SEGMENT.sub(lambda m: re.sub(r"(?<!^)([A-Z])", r"_\1", m.group()).lower(), path)


def _raise_validation(exc: msgspec.ValidationError, prefix: str) -> InvalidRequestError:
    message = str(exc)
    where = ""
    if " - at `" in message:
        message, _, where = message.partition(" - at `")
        where = where.rstrip("`")
    path = wire_path_to_python(where)
    if prefix:
        path = f"{prefix}.{path}" if path and not path.startswith("[") else f"{prefix}{path}"
    return InvalidRequestError(path or prefix or "request", message)


def coerce(value: Any, tp: type[_T], path: str) -> _T:
    """Coerce ``value`` (an instance of ``tp`` or a dict) into ``tp``, validating types.

    A ``tp`` instance is returned as it is (its fields are checked when the request is
    encoded); a dict is key-normalised and converted.

    Args:
        value: A ``tp`` instance or a dict with snake_case or camelCase keys.
        tp: The target struct type.
        path: The field path of ``value``, used in error messages.

    Raises:
        InvalidRequestError: Unknown key, wrong value type, or ``value`` is neither.
    """
    if isinstance(value, tp):
        return value
    if not isinstance(value, dict):
        raise InvalidRequestError(
            path, f"expected {tp.__name__} or dict, got {type(value).__name__}"
        )
    data = normalize_keys(value, tp, path)
    try:
        return msgspec.convert(data, tp, dec_hook=dec_hook)
    except msgspec.ValidationError as exc:
        raise _raise_validation(exc, path) from None


_EMPTY = Base64Bytes(b"")


def _validation_hook(tp: type[Any], obj: Any) -> Any:
    # Validation only: accept base64 text without decoding it.
    if isinstance(obj, str):
        return _EMPTY
    return dec_hook(tp, obj)


def validate_wire(body: Any, tp: Any, path: str = "") -> None:
    """Check that a wire body (builtins, camelCase) fits ``tp``; the result is discarded.

    Raises:
        InvalidRequestError: A value has the wrong type; the message names its field.
    """
    try:
        msgspec.convert(body, tp, dec_hook=_validation_hook)
    except msgspec.ValidationError as exc:
        raise _raise_validation(exc, path) from None
