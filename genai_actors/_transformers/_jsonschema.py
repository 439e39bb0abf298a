"""JSON Schema for Python annotations, shaped like pydantic's output (which google-genai sends).

Supported: ``bool``, ``int``, ``float``, ``str``, ``bytes``, ``datetime``/``date``, ``None``,
``Any``, ``list``/``set``/``tuple``/``Sequence``, ``dict``, unions and ``Optional``,
``Literal``, ``Enum``, dataclasses, ``TypedDict``, msgspec Structs, and pydantic models
(duck-typed through ``model_json_schema``; pydantic is never imported here). Nested named
types go to ``$defs`` and are referenced as ``#/$defs/Name``.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import datetime
import enum
import types
import typing
from typing import Any

import msgspec

__all__ = ["UnsupportedTypeError", "json_schema", "is_pydantic_model", "struct_like_fields"]

_NONE = type(None)


class UnsupportedTypeError(TypeError):
    """An annotation has no JSON Schema form here."""


def is_pydantic_model(tp: Any) -> bool:
    """Whether ``tp`` is a pydantic model class (duck-typed, without importing pydantic)."""
    return (
        isinstance(tp, type)
        and callable(getattr(tp, "model_json_schema", None))
        and hasattr(tp, "model_fields")
    )


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


def struct_like_fields(tp: Any) -> list[tuple[str, Any, bool, Any]] | None:
    """``(name, annotation, required, default)`` of a dataclass, TypedDict or Struct, else None."""
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        hints = typing.get_type_hints(tp)
        out = []
        for sf in msgspec.structs.fields(tp):
            required = sf.required
            default = None if required or sf.default is msgspec.NODEFAULT else sf.default
            out.append((sf.name, hints.get(sf.name, Any), required, default))
        return out
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = typing.get_type_hints(tp)
        out = []
        for f in dataclasses.fields(tp):
            if f.default is not dataclasses.MISSING:
                out.append((f.name, hints.get(f.name, Any), False, f.default))
            elif f.default_factory is not dataclasses.MISSING:
                out.append((f.name, hints.get(f.name, Any), False, f.default_factory()))
            else:
                out.append((f.name, hints.get(f.name, Any), True, None))
        return out
    if _is_typeddict(tp):
        hints = typing.get_type_hints(tp)
        required_keys = tp.__required_keys__
        return [(name, hint, name in required_keys, None) for name, hint in hints.items()]
    return None


def _title(name: str) -> str:
    return name.title().replace("_", " ")


def _json_default(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    return msgspec.to_builtins(value)


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def ref(self, tp: Any) -> dict[str, Any]:
        name = tp.__name__
        if name not in self.defs:
            self.defs[name] = {}
            self.defs[name] = self.named(tp)
        return {"$ref": f"#/$defs/{name}"}

    def named(self, tp: Any) -> dict[str, Any]:
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            values = [m.value for m in tp]
            schema: dict[str, Any] = {"enum": values, "title": tp.__name__}
            kind = _literal_type(values)
            if kind:
                schema["type"] = kind
            return schema
        if is_pydantic_model(tp):
            schema = dict(tp.model_json_schema())
            self.defs.update(schema.pop("$defs", {}))
            return schema
        fields = struct_like_fields(tp)
        assert fields is not None
        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, hint, is_required, default in fields:
            prop = self.schema(hint)
            if "$ref" not in prop:
                prop["title"] = _title(name)
            if is_required:
                required.append(name)
            else:
                prop["default"] = _json_default(default)
            properties[name] = prop
        schema = {"properties": properties, "title": tp.__name__, "type": "object"}
        if required:
            schema["required"] = required
        return schema

    def schema(self, tp: Any) -> dict[str, Any]:
        if tp is Any or tp is object:
            return {}
        if tp is None or tp is _NONE:
            return {"type": "null"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is str:
            return {"type": "string"}
        if tp in (bytes, bytearray):
            return {"format": "binary", "type": "string"}
        if tp is datetime.datetime:
            return {"format": "date-time", "type": "string"}
        if tp is datetime.date:
            return {"format": "date", "type": "string"}
        if tp is list or tp is cabc.Sequence:
            return {"items": {}, "type": "array"}
        if tp is dict:
            return {"additionalProperties": True, "type": "object"}
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is typing.Annotated:
            return self.schema(args[0])
        if origin in (typing.Union, types.UnionType):
            return {"anyOf": [self.schema(a) for a in args]}
        if origin is typing.Literal:
            values = [a.value if isinstance(a, enum.Enum) else a for a in args]
            kind = _literal_type(values)
            if len(values) == 1:
                result: dict[str, Any] = {"const": values[0]}
            else:
                result = {"enum": values}
            if kind:
                result["type"] = kind
            return result
        if origin in (list, cabc.Sequence, cabc.MutableSequence, cabc.Iterable):
            return {"items": self.schema(args[0]) if args else {}, "type": "array"}
        if origin in (set, frozenset, cabc.Set, cabc.MutableSet):
            return {
                "items": self.schema(args[0]) if args else {},
                "type": "array",
                "uniqueItems": True,
            }
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return {"items": self.schema(args[0]), "type": "array"}
            if args == ((),):
                return {"maxItems": 0, "minItems": 0, "type": "array"}
            return {
                "maxItems": len(args),
                "minItems": len(args),
                "prefixItems": [self.schema(a) for a in args],
                "type": "array",
            }
        if origin in (dict, cabc.Mapping, cabc.MutableMapping):
            value: Any = self.schema(args[1]) if len(args) == 2 else True
            return {"additionalProperties": value if value != {} else True, "type": "object"}
        if isinstance(tp, type) and (
            issubclass(tp, enum.Enum) or is_pydantic_model(tp) or struct_like_fields(tp) is not None
        ):
            return self.ref(tp)
        raise UnsupportedTypeError(f"unsupported type for a JSON schema: {tp!r}")


def _literal_type(values: list[Any]) -> str | None:
    if values and all(isinstance(v, str) for v in values):
        return "string"
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    return None


def json_schema(tp: Any) -> dict[str, Any]:
    """JSON Schema for ``tp``; a top-level named type is inlined, nested ones go to ``$defs``.

    Raises:
        UnsupportedTypeError: ``tp`` (or a type inside it) has no JSON Schema form.
    """
    builder = _Builder()
    if isinstance(tp, type) and (
        issubclass(tp, enum.Enum) or is_pydantic_model(tp) or struct_like_fields(tp) is not None
    ):
        builder.defs[tp.__name__] = {}
        schema = builder.named(tp)
        del builder.defs[tp.__name__]
    else:
        schema = builder.schema(tp)
    if builder.defs:
        schema["$defs"] = builder.defs
    return schema
