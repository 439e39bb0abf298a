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
  struct or a pydantic model; values converted leniently (``"12"`` for an int), as pydantic's
  lax mode does. A key that is no field raises unless its value is ``None`` (google-genai's
  ``model_dump()`` lists every one of its fields, some of which these types lack).

Errors are :class:`~genai_actors.errors.InvalidRequestError` (a ``ValueError``) whose ``path``
names the field, e.g. ``candidates[0].content.parts[1].inline_data``.
"""

from __future__ import annotations

import base64
import copy
import datetime
import difflib
import enum
import re
from collections.abc import Callable, Mapping
from typing import Any

import msgspec
import msgspec.inspect as mi

from ..errors import InvalidRequestError

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
    return raw.decode("utf-8")


# ---- copy ------------------------------------------------------------------------------------


def copy_struct(obj: Any, update: Mapping[str, Any] | None, deep: bool) -> Any:
    """A copy of ``obj`` with ``update`` (field names to values, not validated) applied.

    Raises:
        InvalidRequestError: A key of ``update`` is not a field of ``obj``.
    """
    result = copy.deepcopy(obj) if deep else copy.copy(obj)
    if update:
        fields = obj.__struct_fields__
        for key, value in update.items():
            if key not in fields:
                raise InvalidRequestError(str(key), _unknown(key, type(obj)))
            setattr(result, key, value)
    return result


# ---- validate --------------------------------------------------------------------------------


class _Plan:
    """One struct type: the keys a dict may use and each field's declared type."""

    __slots__ = ("by_key", "cls", "names", "python_names")

    def __init__(self, info: mi.StructType) -> None:
        self.cls = info.cls
        self.by_key: dict[str, tuple[str, mi.Type]] = {}
        self.python_names: dict[str, str] = {}
        self.names = [field.name for field in info.fields]
        for field in info.fields:
            entry = (field.encode_name, field.type)
            self.by_key[field.name] = self.by_key[field.encode_name] = entry
            self.python_names[field.encode_name] = field.name


_PLANS: dict[type[Any], _Plan] = {}


def _plan(cls: type[Any]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        info = mi.type_info(cls)
        assert isinstance(info, mi.StructType)
        plan = _PLANS[cls] = _Plan(info)
        # msgspec describes the whole graph at once: keep a plan for every struct in it.
        for field in info.fields:
            _keep(field.type)
    return plan


def _keep(info: mi.Type) -> None:
    struct, item, value = _shape(info)
    if struct is not None and struct.cls not in _PLANS:
        _PLANS[struct.cls] = _Plan(struct)
        for field in struct.fields:
            _keep(field.type)
    for inner in (item, value):
        if inner is not None:
            _keep(inner)


_LISTS = (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)


def _shape(info: mi.Type | None) -> tuple[mi.StructType | None, mi.Type | None, mi.Type | None]:
    """(struct type, list item type, dict value type) that a declared type admits."""
    struct = item = value = None
    stack = [info]
    while stack:
        current = stack.pop()
        if isinstance(current, mi.Metadata):
            stack.append(current.type)
        elif isinstance(current, mi.UnionType):
            stack.extend(current.types)
        elif isinstance(current, mi.StructType):
            struct = struct or current
        elif isinstance(current, _LISTS):
            item = item or current.item_type
        elif isinstance(current, mi.DictType):
            value = value or current.value_type
    return struct, item, value


def _unknown(key: object, cls: type[Any]) -> str:
    names = list(cls.__struct_fields__)
    message = f"unknown field for {cls.__name__}"
    close = difflib.get_close_matches(str(key), names, n=1)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    return message


class _Bad(Exception):
    def __init__(self, reason: str, segment: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.segments = [segment]


def _as_data(value: Any) -> Any:
    """A struct of another type or a pydantic model as a snake_case dict; else ``value``."""
    if isinstance(value, msgspec.Struct):
        dumper = getattr(value, "model_dump", None)
        return dumper(exclude_none=True) if callable(dumper) else value
    if not isinstance(value, dict | list | tuple | str) and hasattr(type(value), "model_fields"):
        return value.model_dump(exclude_none=True)
    return value


def _norm(value: Any, info: mi.Type | None) -> Any:
    """``value`` with struct dict keys renamed to wire names, ready for ``msgspec.convert``."""
    if isinstance(value, enum.Enum):
        return value.value
    struct, item, mapped = _shape(info)
    if struct is not None:
        if isinstance(value, struct.cls):
            return value
        value = _as_data(value)
        if isinstance(value, dict):
            return _norm_dict(value, _plan(struct.cls))
    if item is not None and isinstance(value, list | tuple):
        out = []
        for index, element in enumerate(value):
            try:
                out.append(_norm(element, item))
            except _Bad as bad:
                bad.segments.append(f"[{index}]")
                raise
        return out
    if mapped is not None and isinstance(value, dict):
        result: dict[Any, Any] = {}
        for key, element in value.items():
            try:
                result[key] = _norm(element, mapped)
            except _Bad as bad:
                bad.segments.append(f"[{key!r}]")
                raise
        return result
    return value


def _norm_dict(value: dict[Any, Any], plan: _Plan) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, element in value.items():
        entry = plan.by_key.get(key) if isinstance(key, str) else None
        if entry is None:
            if element is None:  # a field of google-genai's these types lack, left unset
                continue
            raise _Bad(_unknown(key, plan.cls), f".{key}")
        wire, field_type = entry
        if wire in out:
            raise _Bad("field given twice (snake_case and camelCase)", f".{key}")
        if element is None:
            continue
        try:
            out[wire] = _norm(element, field_type)
        except _Bad as bad:
            bad.segments.append(f".{key}")
            raise
    return out


_SEGMENTS = re.compile(r"\.([^.\[]+)|\[([^\]]*)\]")


def _python_path(cls: type[Any], where: str) -> str:
    """A msgspec error path over the wire form of ``cls`` with the Python field names."""
    info: mi.Type | None = None
    plan: _Plan | None = _plan(cls)
    out: list[str] = []
    for match in _SEGMENTS.finditer(where.removeprefix("$")):
        name, index = match.groups()
        if index is not None:
            out.append(f"[{index}]")
            _, item, mapped = _shape(info)
            info = item if index.isdigit() and item is not None else mapped
        else:
            entry = plan.by_key.get(name) if plan is not None else None
            if plan is None or entry is None:
                out.append(f".{name}")
                info = None
            else:
                out.append(f".{plan.python_names[entry[0]]}")
                info = entry[1]
        struct = _shape(info)[0]
        plan = _plan(struct.cls) if struct is not None else None
    return "".join(out).removeprefix(".")


def validate(cls: type[Any], obj: Any, dec_hook: Hook) -> Any:
    """``obj`` as a ``cls`` instance, as google-genai's ``model_validate`` takes it.

    Raises:
        InvalidRequestError: ``obj`` is not a dict or model, has a key that is no field (with
            a value), or a value that does not fit its field; ``path`` names the field.
    """
    if isinstance(obj, cls):
        return obj
    data = _as_data(obj)
    if not isinstance(data, dict):
        raise InvalidRequestError(
            "", f"expected {cls.__name__} or a dict, got {type(obj).__name__}"
        )
    try:
        wire = _norm_dict(data, _plan(cls))
    except _Bad as bad:
        path = "".join(reversed(bad.segments)).removeprefix(".")
        raise InvalidRequestError(path, bad.reason) from None
    try:
        return msgspec.convert(wire, cls, strict=False, dec_hook=dec_hook)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `")
        path = _python_path(cls, where.rstrip("`"))
        reason = message if path else f"{cls.__name__}: {message}"
        raise InvalidRequestError(path, reason) from None


def validate_json(cls: type[Any], text: str | bytes | bytearray, dec_hook: Hook) -> Any:
    """``text`` (JSON) as a ``cls`` instance, as google-genai's ``model_validate_json`` takes it.

    Raises:
        InvalidRequestError: ``text`` is not JSON, or its value does not fit ``cls``.
    """
    try:
        data = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise InvalidRequestError("", f"invalid JSON for {cls.__name__}: {exc}") from None
    return validate(cls, data, dec_hook)
