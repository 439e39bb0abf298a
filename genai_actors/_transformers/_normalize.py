"""Type-directed coercion of user input (structs or plain dicts) into wire structs.

A dict given where a struct is expected may use snake_case or camelCase keys. Keys are
renamed only where the type says the value is a struct; free-form values (``dict[str, Any]``
and ``Any`` fields such as function ``args``, JSON schemas or ``extra_body``) are left as
they are. Unknown keys and values of the wrong type raise :class:`InvalidRequestError`
naming the field path, before anything is sent.

Enum-valued fields (``Annotated[str, enum_of(E)]``) are checked here for dicts and typed
structs alike: an unknown value raises, another letter case is replaced by the canonical
value (typed structs are then copied, never modified). Typed structs are walked only along
fields that can reach an enum field, so plain contents cost a few attribute reads.
"""

from __future__ import annotations

import difflib
import functools
import operator
import re
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import msgspec
import msgspec.inspect as mi

from ..types._base import Base64Bytes, dec_hook, to_builtins
from ._enum_values import EnumRule, enum_rule
from ._errors import InvalidRequestError
from ._strict import strict_twin

__all__ = [
    "check_struct",
    "coerce",
    "field_keys",
    "normalize_keys",
    "validate_request",
    "validate_wire",
    "wire_path_to_python",
]

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


def _normalize(value: Any, info: mi.Type, path: str, check: bool = True) -> Any:
    # ``check``: check enum values here; off when the caller runs validate_request.
    if isinstance(value, msgspec.Struct):
        # Typed values encode to their wire names already; their field types are checked by
        # validate_wire.
        return _to_checked_builtins(value, path) if check else to_builtins(value)
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
                    out[wire_key] = _normalize(
                        item, field_type, f"{path}.{key}" if path else key, check
                    )
            return out
        value_type = _value_type(info)
        if value_type is not None and _needs_walk(value_type, check):
            return {k: _normalize(v, value_type, f"{path}[{k!r}]", check) for k, v in value.items()}
        return value
    if isinstance(value, (list, tuple)):
        item_type = _item_type(info)
        if item_type is not None and _needs_walk(item_type, check):
            return [_normalize(v, item_type, f"{path}[{i}]", check) for i, v in enumerate(value)]
        return list(value) if isinstance(value, tuple) else value
    if check and isinstance(value, str):
        rule = _rule(info)
        if rule is not None:
            return rule.check(value, path)
    return value  # other types are checked by msgspec when the dict is converted


_RULE: dict[int, tuple[mi.Type, EnumRule | None]] = {}


def _rule(info: mi.Type) -> EnumRule | None:
    cached = _RULE.get(id(info))
    if cached is not None and cached[0] is info:
        return cached[1]
    result = enum_rule(info)
    _RULE[id(info)] = (info, result)
    return result


_WALK: dict[bool, dict[int, tuple[mi.Type, bool]]] = {True: {}, False: {}}


def _needs_walk(info: mi.Type, check: bool = True) -> bool:
    """Whether values of this type hold structs (or, with ``check``, enum values)."""
    cache = _WALK[check]
    cached = cache.get(id(info))
    if cached is not None and cached[0] is info:
        return cached[1]
    result = _compute_needs_walk(info, check)
    cache[id(info)] = (info, result)
    return result


def _compute_needs_walk(info: mi.Type, check: bool) -> bool:
    if isinstance(info, mi.StructType):
        return True
    if isinstance(info, mi.Metadata):
        return (check and enum_rule(info) is not None) or _needs_walk(info.type, check)
    if isinstance(info, mi.UnionType):
        return any(_needs_walk(t, check) for t in info.types)
    if isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
        return _needs_walk(info.item_type, check)
    if isinstance(info, mi.DictType):
        return _needs_walk(info.value_type, check)
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


def normalize_info(value: Any, info: mi.Type, path: str = "", *, check_enums: bool = True) -> Any:
    """As :func:`normalize_keys`, for a ``msgspec.inspect`` type description."""
    return _normalize(value, info, path, check_enums)


def normalize_keys(value: Any, tp: Any, path: str = "", *, check_enums: bool = True) -> Any:
    """Return ``value`` as builtins with struct keys renamed to their camelCase wire names.

    Enum values (in dicts and typed structs) are checked and made canonical unless
    ``check_enums`` is off.

    Args:
        value: A struct, a dict (snake_case or camelCase keys), or a list of them.
        tp: The type ``value`` must fit, e.g. ``types.GenerateContentConfig``.
        path: The field path of ``value``, used in error messages.
        check_enums: Check enum values. Turn it off only when the whole body is then
            checked by :func:`validate_request`.

    Raises:
        InvalidRequestError: A dict has a key that is not a field of its struct type, or an
            enum-valued field holds an unknown value.
    """
    return _normalize(value, _type_info(tp), path, check_enums)


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


def coerce(value: Any, tp: type[_T], path: str, *, check_enums: bool = True) -> _T:
    """Coerce ``value`` (an instance of ``tp`` or a dict) into ``tp``, validating types.

    A ``tp`` instance has its enum values checked and is returned as it is (or a copy with
    canonical enum values; its field types are checked when the request is encoded); a dict
    is key-normalised, checked and converted.

    Args:
        value: A ``tp`` instance or a dict with snake_case or camelCase keys.
        tp: The target struct type.
        path: The field path of ``value``, used in error messages.
        check_enums: Check enum values. Turn it off only when the request body is then
            checked by :func:`validate_request`.

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
    data = normalize_keys(value, tp, path, check_enums=check_enums)
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


def validate_request(body: dict[str, Any], tp: type[Any], path: str = "") -> None:
    """As :func:`validate_wire`, and check enum values too (in C, through a strict twin).

    A value given in another letter case is replaced in ``body`` by its canonical spelling.

    Raises:
        InvalidRequestError: A value has the wrong type or is not one of its enum's values;
            the message names the field (and for an enum, the allowed values and the nearest).
    """
    twin = strict_twin(tp)
    try:
        msgspec.convert(body, twin, dec_hook=_validation_hook)
        return
    except msgspec.ValidationError as exc:
        if not str(exc).startswith("Invalid enum value"):
            raise _raise_validation(exc, path) from None
    try:
        _check_wire_struct(body, tp)  # canonical spellings, or the full error
    except _Bad as bad:
        raise _error(bad, path) from None
    try:
        msgspec.convert(body, twin, dec_hook=_validation_hook)
    except msgspec.ValidationError as exc:
        raise _raise_validation(exc, path) from None


# --- enum values of typed structs -------------------------------------------------------
#
# Each struct class gets a plan: the fields that can reach an enum field, each with a checker
# compiled once from its declared type, so checking a value costs no type introspection.
# A checker returns its value, or a replacement holding canonical enum values, and raises
# _Bad for an invalid one.

_Checker = Callable[[Any], Any]


class _Bad(Exception):
    """An invalid enum value deep in a typed struct; the path is assembled while unwinding."""

    def __init__(self, reason: str, segment: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.segments = [segment]


class _Plan:
    """The fields of one struct class that can reach an enum field, read in one C call."""

    __slots__ = ("count", "get", "steps")

    def __init__(self, steps: list[tuple[str, _Checker]]) -> None:
        self.steps = tuple(steps)
        self.count = len(steps)
        names = [name for name, _ in steps]
        # attrgetter of one name returns the value itself, of several a tuple: ask for the
        # first name twice so that the result is always a tuple.
        self.get = operator.attrgetter(*(names * 2 if len(names) == 1 else names))


_PLANS: dict[type[Any], _Plan | None] = {}


def _reaches_enum(info: mi.Type, seen: set[type[Any]], *, any_ok: bool) -> bool:
    if isinstance(info, mi.AnyType):
        return any_ok  # a typed value may sit there (config.tools, system_instruction)
    if isinstance(info, mi.Metadata):
        return enum_rule(info) is not None or _reaches_enum(info.type, seen, any_ok=any_ok)
    if isinstance(info, mi.StructType):
        if info.cls in seen:
            return False
        seen.add(info.cls)
        return any(_reaches_enum(f.type, seen, any_ok=True) for f in info.fields)
    if isinstance(info, mi.UnionType):
        return any(_reaches_enum(t, seen, any_ok=any_ok) for t in info.types)
    if isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
        return _reaches_enum(info.item_type, seen, any_ok=any_ok)
    if isinstance(info, mi.DictType):
        # Free-form maps (function args and responses) are never walked.
        return _reaches_enum(info.value_type, seen, any_ok=False)
    return False


def _plan(cls: type[Any]) -> _Plan | None:
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    steps = [
        (field.name, _checker(field.type))
        for field in info.fields
        if _reaches_enum(field.type, {cls}, any_ok=True)
    ]
    plan = _PLANS[cls] = _Plan(steps) if steps else None
    return plan


def _check_struct(value: Any) -> Any:
    try:
        plan = _PLANS[value.__class__]
    except KeyError:
        plan = _plan(value.__class__)
    if plan is None:
        return value
    items = plan.get(value)
    if items.count(None) >= plan.count:  # nothing set: the common case, decided in C
        return value
    changes: dict[str, Any] | None = None
    for (name, check), item in zip(plan.steps, items, strict=False):
        if item is None:
            continue
        try:
            new = check(item)
        except _Bad as bad:
            bad.segments.append(f".{name}")
            raise
        if new is not item:
            if changes is None:
                changes = {}
            changes[name] = new
    if changes:
        return msgspec.structs.replace(value, **changes)
    return value


def _check_untyped(value: Any) -> Any:
    # An ``Any`` field: typed structs in it (or in a list in it) are checked, nothing else.
    if isinstance(value, msgspec.Struct):
        return _check_struct(value)
    if isinstance(value, (list, tuple)):
        return _check_items(value, _check_untyped)
    return value


def _check_items(values: list[Any] | tuple[Any, ...], check: _Checker) -> Any:
    replaced: list[Any] | None = None
    for index, item in enumerate(values):
        try:
            new = check(item)
        except _Bad as bad:
            bad.segments.append(f"[{index}]")
            raise
        if new is not item:
            if replaced is None:
                replaced = list(values)
            replaced[index] = new
    return replaced if replaced is not None else values


def _check_values(mapping: dict[Any, Any], check: _Checker) -> Any:
    replaced: dict[Any, Any] | None = None
    for key, item in mapping.items():
        try:
            new = check(item)
        except _Bad as bad:
            bad.segments.append(f"[{key!r}]")
            raise
        if new is not item:
            if replaced is None:
                replaced = dict(mapping)
            replaced[key] = new
    return replaced if replaced is not None else mapping


def _dict_to_struct(value: dict[Any, Any], struct: mi.StructType) -> Any:
    # A dict where a struct belongs (a loosely built typed config): convert it.
    try:
        data = _normalize(value, struct, "")
        return msgspec.convert(data, struct.cls, dec_hook=dec_hook)
    except InvalidRequestError as exc:
        raise _Bad(exc.reason, f".{exc.path}" if exc.path else "") from None
    except msgspec.ValidationError as exc:
        error = _raise_validation(exc, "")
        raise _Bad(error.reason, f".{error.path}" if error.path else "") from None


def _checker(info: mi.Type) -> _Checker:
    """Compile the checker of a declared field type (one that can reach an enum field)."""
    members = info.types if isinstance(info, mi.UnionType) else (info,)
    if any(isinstance(m, mi.AnyType) for m in members):
        return _check_untyped
    rule: EnumRule | None = None
    struct: mi.StructType | None = None
    item_check: _Checker | None = None
    value_check: _Checker | None = None
    for member in members:
        if isinstance(member, mi.Metadata) and enum_rule(member) is not None:
            rule = enum_rule(member)
        elif isinstance(member, mi.StructType):
            struct = member
        elif isinstance(
            member, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)
        ) and _reaches_enum(member.item_type, set(), any_ok=True):
            item_check = _checker(member.item_type)
        elif isinstance(member, mi.DictType) and _reaches_enum(
            member.value_type, set(), any_ok=False
        ):
            value_check = _checker(member.value_type)

    def check(value: Any) -> Any:
        if isinstance(value, str):
            if rule is None:
                return value
            try:
                return rule.check(value, "")
            except InvalidRequestError as exc:
                raise _Bad(exc.reason, "") from None
        if isinstance(value, msgspec.Struct):
            return _check_struct(value)
        if isinstance(value, (list, tuple)):
            return value if item_check is None else _check_items(value, item_check)
        if isinstance(value, dict):
            if struct is not None:
                return _dict_to_struct(value, struct)
            return value if value_check is None else _check_values(value, value_check)
        if rule is not None and struct is None and item_check is None and value_check is None:
            try:
                rule.check(value, "")  # raises: not a string
            except InvalidRequestError as exc:
                raise _Bad(exc.reason, "") from None
        return value

    return check


# The same check on the builtins of a typed struct (camelCase keys, just made by
# to_builtins and so ours to change): only keys that can reach an enum field are visited,
# and a struct with none of them set is passed over with one set operation in C.


class _WirePlan:
    __slots__ = ("keys", "single", "steps")

    def __init__(self, steps: dict[str, tuple[str, _Checker]]) -> None:
        self.steps = steps
        self.keys = frozenset(steps)
        self.single = next(iter(steps.items())) if len(steps) == 1 else None


_WIRE_PLANS: dict[type[Any], _WirePlan | None] = {}


def _wire_plan(cls: type[Any]) -> _WirePlan | None:
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    steps = {
        field.encode_name: (field.name, _wire_checker(field.type))
        for field in info.fields
        if _reaches_enum(field.type, {cls}, any_ok=False)
    }
    plan = _WIRE_PLANS[cls] = _WirePlan(steps) if steps else None
    return plan


def _check_wire_struct(data: dict[str, Any], cls: type[Any]) -> dict[str, Any]:
    try:
        plan = _WIRE_PLANS[cls]
    except KeyError:
        plan = _wire_plan(cls)
    if plan is None:
        return data
    if plan.single is not None:
        key, (name, check) = plan.single
        item = data.get(key)
        if item is not None:
            try:
                data[key] = check(item)
            except _Bad as bad:
                bad.segments.append(f".{name}")
                raise
        return data
    if plan.keys.isdisjoint(data):
        return data
    for key in plan.keys.intersection(data):
        name, check = plan.steps[key]
        item = data[key]
        try:
            data[key] = check(item)
        except _Bad as bad:
            bad.segments.append(f".{name}")
            raise
    return data


def _check_wire_one(value: Any, *, cls: type[Any]) -> Any:
    # A field that holds one struct (the most common shape, so it gets its own checker).
    if type(value) is dict:
        return _check_wire_struct(value, cls)
    return value


def _check_wire_list(values: Any, *, cls: type[Any]) -> Any:
    # A list of structs (contents, parts, safety settings): the dicts are changed in place.
    if type(values) is not list:
        return values
    try:
        plan = _WIRE_PLANS[cls]
    except KeyError:
        plan = _wire_plan(cls)
    if plan is None:
        return values
    keys = plan.keys
    for index, item in enumerate(values):
        if type(item) is dict and not keys.isdisjoint(item):
            try:
                _check_wire_struct(item, cls)
            except _Bad as bad:
                bad.segments.append(f"[{index}]")
                raise
    return values


def _wire_checker(info: mi.Type) -> _Checker:
    """Compile the checker of a declared field type for its builtins form."""
    members = info.types if isinstance(info, mi.UnionType) else (info,)
    rule: EnumRule | None = None
    struct: type[Any] | None = None
    item_check: _Checker | None = None
    value_check: _Checker | None = None
    for member in members:
        if isinstance(member, mi.Metadata) and enum_rule(member) is not None:
            rule = enum_rule(member)
        elif isinstance(member, mi.StructType):
            struct = member.cls
        elif isinstance(
            member, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)
        ) and _reaches_enum(member.item_type, set(), any_ok=False):
            item_check = _wire_checker(member.item_type)
        elif isinstance(member, mi.DictType) and _reaches_enum(
            member.value_type, set(), any_ok=False
        ):
            value_check = _wire_checker(member.value_type)

    if struct is not None and rule is None and item_check is None and value_check is None:
        return functools.partial(_check_wire_one, cls=struct)
    if (
        isinstance(item_check, functools.partial)
        and rule is None
        and struct is None
        and value_check is None
    ):
        return functools.partial(_check_wire_list, cls=item_check.keywords["cls"])

    def check(value: Any) -> Any:
        if isinstance(value, str):
            if rule is None:
                return value
            try:
                return rule.check(value, "")
            except InvalidRequestError as exc:
                raise _Bad(exc.reason, "") from None
        if isinstance(value, dict):
            if struct is not None:
                return _check_wire_struct(value, struct)
            return value if value_check is None else _check_values(value, value_check)
        if isinstance(value, list) and item_check is not None:
            return _check_items(value, item_check)
        return value

    return check


def _to_checked_builtins(value: Any, path: str) -> Any:
    data = to_builtins(value)
    try:
        return _check_wire_struct(data, value.__class__)
    except _Bad as bad:
        raise _error(bad, path) from None


def _error(bad: _Bad, path: str) -> InvalidRequestError:
    where = "".join(reversed(bad.segments))
    if not path:
        where = where.removeprefix(".")
    return InvalidRequestError(f"{path}{where}" or "request", bad.reason)


def check_struct(value: _T, path: str = "") -> _T:
    """Check the enum-valued fields of a typed struct, at any depth.

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
        result: _T = _check_struct(value)
    except _Bad as bad:
        raise _error(bad, path) from None
    return result
