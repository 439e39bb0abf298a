"""The walker, and the entry points builders call: coerce, normalize_keys, check_struct,
repair.

One recursive walker reads a value of any form (a typed struct, a dict, a list, a string)
against its declared type: it renames dict keys, converts dicts where structs belong, makes
enum values canonical and raises, naming the first bad field. Each entry point tries the
strict twin first (see ``_twins``) and walks only when the twin refuses.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from ...errors import InvalidRequestError
from .._base import dec_hook, to_builtins
from ._plans import (
    DICT,
    DICT_CHECKED,
    TYPED,
    WIRE,
    _Bad,
    _error,
    _from_validation,
    _Node,
    _plan,
    _root,
    _StructPlan,
    _unknown_field_message,
)
from ._rules import QUIET_UNKNOWN, EnumRule
from ._twins import _holds_struct, _passes, dict_twins

_T = TypeVar("_T")


def _walk(value: Any, node: _Node, mode: int) -> Any:
    """``value`` as ``mode`` wants it; raises :class:`_Bad` for an invalid value."""
    if isinstance(value, str):
        if node.rule is None or mode == DICT:
            return value
        return _check_enum(node.rule, value)
    if isinstance(value, msgspec.Struct):
        if mode <= DICT_CHECKED:
            return to_builtins(_checked(value) if mode == DICT_CHECKED else value)
        checked = _struct(value, mode)
        return to_builtins(checked) if mode == WIRE and node.untyped else checked
    if isinstance(value, dict):
        if node.struct is not None:
            if mode <= DICT_CHECKED:
                return _dict(value, _plan(node.struct), mode)
            return _dict_to_struct(value, node.struct)
        if node.value is not None and node.value.needs[mode]:
            return _values(value, node.value, mode)
        return value
    if isinstance(value, (list, tuple)):
        item = node.item
        if item is not None and item.needs[mode]:
            return _items(value, item, mode)
        return list(value) if mode <= DICT_CHECKED and isinstance(value, tuple) else value
    if mode >= TYPED and node.pure_enum and node.rule is not None:
        _check_enum(node.rule, value)  # raises: not a string
    return value


def _check_enum(rule: EnumRule, value: Any) -> Any:
    try:
        return rule.check(value, "")
    except InvalidRequestError as exc:
        raise _Bad(exc.reason) from None


def _struct(value: Any, mode: int) -> Any:
    reads = _plan(value.__class__).reads[mode]
    if reads is None:
        return value
    getter, steps = reads
    items = getter(value)
    if items.count(None) >= len(steps):  # nothing set: the common case, decided in C
        return value
    changes: dict[str, Any] | None = None
    for (name, node), item in zip(steps, items, strict=False):
        if item is None:
            continue
        try:
            new = _walk(item, node, mode)
        except _Bad as bad:
            bad.segments.append(f".{name}")
            raise
        if new is not item:
            if changes is None:
                changes = {}
            changes[name] = new
    return msgspec.structs.replace(value, **changes) if changes else value


def _dict(value: dict[Any, Any], plan: _StructPlan, mode: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    table = plan.by_key
    for key, item in value.items():
        entry = table.get(key) if isinstance(key, str) else None
        if entry is None:
            raise _Bad(_unknown_field_message(key, plan), f".{key}")
        wire_key, node = entry
        if wire_key in out:
            raise _Bad("field given twice", f".{key}")
        if item is not None:
            try:
                out[wire_key] = _walk(item, node, mode)
            except _Bad as bad:
                bad.segments.append(f".{key}")
                raise
    return out


def _dict_to_struct(value: dict[Any, Any], cls: type[Any]) -> Any:
    # A dict where a struct belongs in a typed value: it becomes that struct.
    data = _dict(value, _plan(cls), DICT_CHECKED)
    try:
        return msgspec.convert(data, cls, dec_hook=dec_hook)
    except msgspec.ValidationError as exc:
        error = _from_validation(exc, "", cls)
        raise _Bad(error.reason, f".{error.path}" if error.path else "") from None


def _items(values: list[Any] | tuple[Any, ...], node: _Node, mode: int) -> Any:
    replaced: list[Any] | None = list(values) if mode <= DICT_CHECKED else None
    for index, item in enumerate(values):
        try:
            new = _walk(item, node, mode)
        except _Bad as bad:
            bad.segments.append(f"[{index}]")
            raise
        if new is not item:
            if replaced is None:
                replaced = list(values)
            replaced[index] = new
    return replaced if replaced is not None else values


def _values(mapping: dict[Any, Any], node: _Node, mode: int) -> Any:
    replaced: dict[Any, Any] | None = dict(mapping) if mode <= DICT_CHECKED else None
    for key, item in mapping.items():
        try:
            new = _walk(item, node, mode)
        except _Bad as bad:
            bad.segments.append(f"[{key!r}]")
            raise
        if new is not item:
            if replaced is None:
                replaced = dict(mapping)
            replaced[key] = new
    return replaced if replaced is not None else mapping


def _checked(value: Any) -> Any:
    return value if _passes(value) else _struct(value, TYPED)


def field_keys(tp: Any) -> frozenset[str]:
    """Every key (snake_case and camelCase) a dict may use for the struct type ``tp``."""
    return frozenset(_plan(tp).by_key)


def check_struct(value: _T, path: str = "") -> _T:
    """Check the enum-valued fields of a typed struct, at any depth.

    Dicts found where a struct belongs (on the way to an enum-valued field) become structs.

    Args:
        value: A wire struct (e.g. a :class:`~genai_actors.types.GenerateContentConfig`).
        path: The field path of ``value``, used in error messages.

    Returns:
        ``value`` itself, or a copy (copying only the changed branches) in which values
        given in another letter case are replaced by their canonical spelling.

    Raises:
        InvalidRequestError: An enum-valued field holds an unknown value or a non-string.
    """
    try:
        result: _T = _checked(value)
    except _Bad as bad:
        raise _error(bad, path) from None
    return result


def repair(body: _T, path: str = "") -> _T:
    """A request body ready to encode: dicts become structs, enum values canonical.

    Typed structs found in bare ``Any`` fields are checked and become builtins.

    Raises:
        InvalidRequestError: An unknown key, an unknown enum value, or a dict whose values
            do not fit its struct.
    """
    try:
        result: _T = _struct(body, WIRE)
    except _Bad as bad:
        raise _error(bad, path) from None
    return result


def normalize_keys(value: Any, tp: Any, path: str = "", *, check_enums: bool = True) -> Any:
    """Return ``value`` as builtins with struct keys renamed to their camelCase wire names.

    Enum values (in dicts and typed structs) are checked and made canonical unless
    ``check_enums`` is off; value types are not checked.

    Args:
        value: A struct, a dict (snake_case or camelCase keys), or a list of them.
        tp: The type ``value`` must fit, e.g. ``types.GenerateContentConfig``.
        path: The field path of ``value``, used in error messages.
        check_enums: Check enum values.

    Raises:
        InvalidRequestError: A dict has a key that is not a field of its struct type, or an
            enum-valued field holds an unknown value.
    """
    if isinstance(value, msgspec.Struct):
        return to_builtins(check_struct(value, path) if check_enums else value)
    try:
        return _walk(value, _root(tp), DICT_CHECKED if check_enums else DICT)
    except _Bad as bad:
        raise _error(bad, path) from None


def coerce(value: Any, tp: type[_T], path: str, *, check_enums: bool = True) -> _T:
    """Coerce ``value`` (an instance of ``tp`` or a dict) into ``tp``, validating types.

    A ``tp`` instance has its enum values checked and is returned as it is (or a copy with
    canonical enum values; its field types are checked when a request is built from it); a
    dict is key-normalised, checked and converted.

    Args:
        value: A ``tp`` instance or a dict with snake_case or camelCase keys.
        tp: The target struct type.
        path: The field path of ``value``, used in error messages.
        check_enums: Check enum values (a builder that checks its whole body turns it off).

    Raises:
        InvalidRequestError: Unknown key, wrong value type, unknown enum value, or ``value``
            is neither.
    """
    if isinstance(value, tp):
        return check_struct(value, path) if check_enums else value
    if not isinstance(value, dict):
        raise InvalidRequestError(
            path, f"expected {tp.__name__} or dict, got {type(value).__name__}"
        )
    # Fast path: a dict with all its keys Python field names, or all of them wire names, and
    # canonical values converts in C (a typed struct in one of the flexible Any fields takes
    # the walk, which checks it).
    wire_only, python_twin, wire_twin = dict_twins(tp)
    camel = not wire_only.isdisjoint(value)
    for twin in (wire_twin, python_twin) if camel else (python_twin, wire_twin):
        quiet = None if check_enums else QUIET_UNKNOWN.set(True)
        try:
            staged = msgspec.convert(value, twin, from_attributes=True, dec_hook=dec_hook)
        except msgspec.ValidationError:
            continue
        finally:
            if quiet is not None:
                QUIET_UNKNOWN.reset(quiet)
        if not _holds_struct(staged, tp):
            result: _T = msgspec.convert(staged, tp, from_attributes=True, dec_hook=dec_hook)
            return result
        break
    try:
        data = _walk(value, _root(tp), DICT_CHECKED if check_enums else DICT)
    except _Bad as bad:
        raise _error(bad, path) from None
    try:
        result = msgspec.convert(data, tp, dec_hook=dec_hook)
    except msgspec.ValidationError as exc:
        raise _from_validation(exc, path, tp) from None
    return result
