"""Strict twins of wire body types: msgspec checks enum values while it checks field types.

A twin has the same fields and wire names as the struct it mirrors, but every field marked
``enum_of(E)`` (and not ``echoed``) is typed as ``E``, so :func:`msgspec.convert` rejects an
unknown value in C, at no measurable cost on top of the type check the request builders
already run. Only when that fails does the Python walk of :mod:`._normalize` run, to replace
values given in another letter case or to name the field, the allowed values and the nearest.
"""

from __future__ import annotations

import datetime
import sys
import threading
import types
from typing import Any, Literal, Union

import msgspec
import msgspec.inspect as mi

from ..types._base import Base64Bytes
from ._enum_values import enum_rule

__all__ = ["strict_twin"]

_MODULE = types.ModuleType(f"{__name__}_twins")
_MODULE.__dict__.update({"Any": Any, "Literal": Literal, "Union": Union})
sys.modules[_MODULE.__name__] = _MODULE

_TWINS: dict[type[Any], type[Any]] = {}
_LOCK = threading.Lock()


def _annotation(info: mi.Type, pending: list[mi.StructType]) -> Any:
    if isinstance(info, mi.StructType):
        pending.append(info)
        return f"_{info.cls.__name__}_{id(info.cls):x}"
    if isinstance(info, mi.Metadata):
        rule = enum_rule(info)
        if rule is not None:
            return Literal[tuple(sorted(rule.values))]
        return _annotation(info.type, pending)
    if isinstance(info, mi.UnionType):
        return Union[tuple(_annotation(t, pending) for t in info.types)]  # noqa: UP007
    if isinstance(info, mi.ListType):
        return list[_annotation(info.item_type, pending)]  # type: ignore[misc]
    if isinstance(info, mi.DictType):
        return dict[_annotation(info.key_type, pending), _annotation(info.value_type, pending)]  # type: ignore[misc]
    simple: dict[type[mi.Type], Any] = {
        mi.StrType: str,
        mi.IntType: int,
        mi.FloatType: float,
        mi.BoolType: bool,
        mi.NoneType: None,
        mi.DateTimeType: datetime.datetime,
    }
    found = simple.get(type(info), Any)
    if isinstance(info, mi.CustomType) and info.cls is Base64Bytes:
        found = Base64Bytes
    return found


def _define(info: mi.StructType, pending: list[mi.StructType]) -> None:
    name = f"_{info.cls.__name__}_{id(info.cls):x}"
    if name in _MODULE.__dict__:
        return
    fields = [
        (
            field.name,
            _annotation(field.type, pending),
            msgspec.field(default=None, name=field.encode_name),
        )
        for field in info.fields
    ]
    twin = msgspec.defstruct(name, fields, kw_only=True, module=_MODULE.__name__)
    _MODULE.__dict__[name] = twin


def strict_twin(tp: type[Any]) -> type[Any]:
    """The strict twin of the wire struct ``tp`` (built once, then cached)."""
    twin = _TWINS.get(tp)
    if twin is not None:
        return twin
    with _LOCK:
        twin = _TWINS.get(tp)
        if twin is None:
            root = mi.type_info(tp)
            assert isinstance(root, mi.StructType)
            pending = [root]
            while pending:
                _define(pending.pop(), pending)
            twin = _TWINS[tp] = _MODULE.__dict__[f"_{tp.__name__}_{id(tp):x}"]
    return twin
