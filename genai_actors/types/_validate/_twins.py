"""Strict twins: the whole check of a value in one msgspec pass, in C.

The strict twin of a struct type has the same fields, with enum fields typed by their rule's
check enum (the known values; its ``_missing_`` lets a value unknown to this release through,
with a warning: see ``_rules``) and, for one backend, the fields it lacks typed ``None``, so
that msgspec checks value types, enum values and unknown keys in C. The walker runs only when
a twin refuses a value, to repair it or to name the bad field.
"""

from __future__ import annotations

import datetime
import sys
import threading
import types as pytypes
from collections.abc import Callable, Mapping
from typing import Any, Literal, Union

import msgspec
import msgspec.inspect as mi

from ...errors import InvalidRequestError
from .._base import Base64Bytes, dec_hook, encode_json
from ._plans import _LISTS, _from_validation, _plan, _type_info
from ._rules import enum_rule

Gates = Mapping[type[Any], frozenset[str]]

_TWIN_MODULE = pytypes.ModuleType(f"{__name__}_twins")
_TWIN_MODULE.__dict__.update({"Any": Any, "Literal": Literal, "Union": Union})
sys.modules[_TWIN_MODULE.__name__] = _TWIN_MODULE
_TWINS: dict[tuple[type[Any], bool, int, bool, bool], tuple[type[Any], Gates | None]] = {}
_TWIN_LOCK = threading.Lock()
# What a bare ``Any`` field may hold in a twin: JSON values, not a typed struct (that fails the
# check, so the walker checks it) nor any other object.
_JSON = Union[None, bool, int, float, str, list[Any], dict[str, Any]]  # noqa: UP007
_SIMPLE: dict[type[mi.Type], Any] = {
    mi.StrType: str,
    mi.EnumType: str,  # an echoed enum field: any string
    mi.IntType: int,
    mi.FloatType: float,
    mi.BoolType: bool,
    mi.NoneType: None,
    mi.DateTimeType: datetime.datetime,
}


class _TwinBuilder:
    def __init__(self, typed: bool, gates: Gates | None, wire_names: bool) -> None:
        self.typed = typed
        self.gates = gates
        self.wire_names = wire_names
        kind = "t" if typed else "w" if wire_names else "d"
        self.tag = f"{kind}{id(gates) if gates is not None else 0:x}"
        self.pending: list[tuple[type[Any], bool]] = []

    def name(self, cls: type[Any], root: bool) -> str:
        return f"_{cls.__name__}_{id(cls):x}_{self.tag}{'_root' if root else ''}"

    def annotation(self, info: mi.Type, *, bare: bool, root: bool) -> Any:
        if isinstance(info, mi.StructType):
            self.pending.append((info.cls, False))
            return self.name(info.cls, False)
        if isinstance(info, mi.Metadata):
            rule = enum_rule(info)
            if rule is not None:
                return rule.twin
            return self.annotation(info.type, bare=bare, root=root)
        if isinstance(info, mi.UnionType):
            members = tuple(self.annotation(t, bare=bare, root=root) for t in info.types)
            return Union[members]  # noqa: UP007
        if isinstance(info, _LISTS):
            return list[self.annotation(info.item_type, bare=bare, root=root)]  # type: ignore[misc]
        if isinstance(info, mi.DictType):
            key = self.annotation(info.key_type, bare=False, root=False)
            return dict[key, self.annotation(info.value_type, bare=False, root=False)]  # type: ignore[misc,valid-type]
        if isinstance(info, mi.LiteralType):
            return Literal[tuple(info.values)]
        if isinstance(info, mi.AnyType):
            # The root's own Any fields are the flexible inputs a builder transforms
            # (config.tools may hold functions); the walker checks what is typed in them.
            return _JSON if bare and not root else Any
        if isinstance(info, mi.CustomType) and info.cls is Base64Bytes:
            return Base64Bytes
        return _SIMPLE.get(type(info), Any)

    def define(self, cls: type[Any], root: bool) -> None:
        name = self.name(cls, root)
        if name in _TWIN_MODULE.__dict__:
            return
        info = _type_info(cls)
        assert isinstance(info, mi.StructType)
        gated = self.gates.get(cls, frozenset()) if self.gates is not None else frozenset()
        fields = [
            (
                field.name,
                None if field.name in gated else self.annotation(field.type, bare=True, root=root),
                msgspec.field(default=None, name=field.encode_name if self.wire_names else None),
            )
            for field in info.fields
        ]
        twin = msgspec.defstruct(
            name,
            fields,
            kw_only=True,
            array_like=self.typed,
            forbid_unknown_fields=not self.typed,
            gc=False,  # never in a cycle: cheaper to create and drop
            module=_TWIN_MODULE.__name__,
        )
        _TWIN_MODULE.__dict__[name] = twin


def _twin(
    cls: type[Any],
    *,
    typed: bool,
    gates: Gates | None = None,
    root: bool = False,
    wire_names: bool = False,
) -> Any:
    """The strict twin of struct type ``cls`` (built once, then cached).

    A *typed* twin checks a typed value by its attributes (``from_attributes``); a dict where a
    struct belongs fails it. Otherwise the twin checks a dict with the Python field names (or,
    with ``wire_names``, the camelCase ones), and no other key.
    """
    key = (cls, typed, id(gates), root, wire_names)
    found = _TWINS.get(key)
    if found is not None:
        return found[0]
    with _TWIN_LOCK:
        found = _TWINS.get(key)
        if found is None:
            builder = _TwinBuilder(typed, gates, wire_names)
            builder.define(cls, root)
            while builder.pending:
                builder.define(*builder.pending.pop())
            twin = _TWIN_MODULE.__dict__[builder.name(cls, root)]
            found = _TWINS[key] = (twin, gates)  # keeps ``gates`` alive, so its id stays unique
    return found[0]


_EMPTY = Base64Bytes(b"")


def _validation_hook(tp: type[Any], obj: Any) -> Any:
    # Checking only: accept bytes or base64 text without decoding or copying them.
    if tp is Base64Bytes and isinstance(obj, (str, bytes, bytearray, memoryview)):
        return _EMPTY
    return dec_hook(tp, obj)


_DECODERS: dict[tuple[type[Any], int], msgspec.json.Decoder[Any]] = {}


def wire_check(
    body: Any, gates: Gates | None = None, tp: type[Any] | None = None
) -> tuple[bytes, msgspec.ValidationError | None]:
    """A request body encoded once, and the result of checking those bytes in C, once.

    The check decodes the bytes into the body's strict twin: value types, enum values, keys
    (a dict where a struct belongs must use the wire names) and, with ``gates``, fields set
    that the backend lacks (``gates`` maps a struct type to the names of those fields).

    Args:
        body: The request struct, or a dict with its wire names (and its key order).
        gates: Fields each struct type's backend lacks, or ``None``.
        tp: The request struct type when ``body`` is a dict.

    Returns:
        The JSON bytes, and ``None`` when they pass or else msgspec's error (for
        :func:`validation_error`).

    Raises:
        TypeError: The body holds a value with no JSON form.
    """
    data = encode_json(body)
    cls = body.__class__ if tp is None else tp
    key = (cls, id(gates))
    decoder = _DECODERS.get(key)
    if decoder is None:
        twin = _twin(cls, typed=False, gates=gates, wire_names=True)
        decoder = _DECODERS[key] = msgspec.json.Decoder(twin, dec_hook=_validation_hook)
    try:
        decoder.decode(data)
    except msgspec.ValidationError as exc:
        return data, exc
    return data, None


def validation_error(
    exc: msgspec.ValidationError, tp: type[Any], path: str = ""
) -> InvalidRequestError:
    """The :class:`InvalidRequestError` for an error of :func:`wire_check` on a ``tp``."""
    return _from_validation(exc, path, tp)


_PASSES: dict[type[Any], tuple[Any, Callable[[Any], tuple[Any, ...]] | None]] = {}


def _passes(value: Any) -> bool:
    # The fast path of check_struct: its twin passes, and so do the typed values in its own
    # Any fields (checked the same way, one by one).
    cls = value.__class__
    entry = _PASSES.get(cls)
    if entry is None:
        entry = _PASSES[cls] = (_twin(cls, typed=True, root=True), _plan(cls).flexible)
    twin, flexible = entry
    try:
        msgspec.convert(value, twin, from_attributes=True, dec_hook=_validation_hook)
    except msgspec.ValidationError:
        return False
    if flexible is None:
        return True
    for item in flexible(value):
        for inner in item if isinstance(item, (list, tuple)) else (item,):
            if isinstance(inner, msgspec.Struct) and not _passes(inner):
                return False
    return True


_DICT_TWINS: dict[type[Any], tuple[frozenset[str], Any, Any]] = {}


def dict_twins(tp: type[Any]) -> tuple[frozenset[str], Any, Any]:
    """The wire-only key names of ``tp``, and its dict twins (Python names, wire names)."""
    found = _DICT_TWINS.get(tp)
    if found is None:
        found = _DICT_TWINS[tp] = (
            _plan(tp).wire_only,
            _twin(tp, typed=False, root=True),
            _twin(tp, typed=False, root=True, wire_names=True),
        )
    return found


def _holds_struct(staged: Any, tp: type[Any]) -> bool:
    # ``staged`` (a twin of ``tp``, same attribute names) holds a typed struct in an Any field.
    read = _plan(tp).untyped
    if read is not None:
        for item in read(staged):
            if isinstance(item, msgspec.Struct):
                return True
    return False
