"""``response_schema`` to a Gemini :class:`~genai_actors.types.Schema`, and ``.parsed``.

Processing rules (as google-genai applies them): ``$defs``/``$ref`` are inlined, a ``null``
type becomes ``nullable: true``, a string ``const`` becomes a one-value ``enum``, type names
are upper-cased, ``propertyOrdering`` is added to objects with more than one property, and
``additionalProperties`` is rejected on the Gemini Developer API.
"""

from __future__ import annotations

import copy
import enum
import json
import types
import typing
from typing import Any

import msgspec

from ..types._tools import Schema
from ._errors import InvalidRequestError
from ._jsonschema import UnsupportedTypeError, _Builder, is_pydantic_model, json_schema
from ._normalize import coerce, normalize_keys

__all__ = ["parse_response", "process_schema", "t_schema"]

_SNAKE_KEYS = (
    ("additional_properties", "additionalProperties"),
    ("any_of", "anyOf"),
    ("prefix_items", "prefixItems"),
    ("property_ordering", "propertyOrdering"),
)


def _handle_null(schema: dict[str, Any]) -> None:
    kind = schema.get("type")
    if kind == "null":
        schema["nullable"] = True
        del schema["type"]
    elif isinstance(kind, list) and "null" in kind:
        rest = [k for k in kind if k != "null"]
        schema["nullable"] = True
        if len(rest) == 1:
            schema["type"] = rest[0]
        elif not rest:
            del schema["type"]
        else:
            schema["type"] = rest
    elif isinstance(schema.get("anyOf"), list):
        options = schema["anyOf"]
        if any(isinstance(o, dict) and o.get("type") == "null" for o in options):
            schema["nullable"] = True
            options = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            if len(options) == 1:
                del schema["anyOf"]
                schema.update(options[0])
            else:
                schema["anyOf"] = options


class _Processor:
    def __init__(self, defs: dict[str, Any], vertex: bool, order_properties: bool) -> None:
        self.defs = defs
        self.vertex = vertex
        self.order_properties = order_properties
        self.active_refs: set[str] = set()

    def resolve(self, ref: str) -> dict[str, Any] | None:
        name = ref.split("defs/")[-1]
        if name in self.active_refs:
            return None
        if name not in self.defs:
            raise InvalidRequestError("response_schema", f"unresolved $ref {ref!r}")
        resolved: dict[str, Any] = copy.deepcopy(self.defs[name])
        self.active_refs.add(name)
        try:
            self.process(resolved)
        finally:
            self.active_refs.discard(name)
        return resolved

    def sub(self, schema: Any) -> Any:
        if not isinstance(schema, dict):
            return schema
        ref = schema.pop("$ref", None)
        if ref is not None:
            resolved = self.resolve(ref)
            return {} if resolved is None else resolved
        self.process(schema)
        return schema

    def process(self, schema: dict[str, Any]) -> None:
        if schema.get("title") == "PlaceholderLiteralEnum":
            del schema["title"]
        if not self.vertex and (
            schema.get("additionalProperties") or schema.get("additional_properties")
        ):
            raise InvalidRequestError(
                "response_schema.additional_properties",
                "additionalProperties is only supported by the Vertex AI backend, "
                "not by the Gemini Developer API",
            )
        for snake, camel in _SNAKE_KEYS:
            value = schema.pop(snake, None)
            if value is not None:
                schema[camel] = value
        _handle_null(schema)
        ref = schema.pop("$ref", None)
        if ref is not None:
            resolved = self.resolve(ref)
            if resolved is not None:
                schema.update(resolved)
            return
        if isinstance(schema.get("anyOf"), list):
            schema["anyOf"] = [self.sub(s) for s in schema["anyOf"]]
            return
        kind = schema.get("type")
        if isinstance(kind, enum.Enum):
            kind = kind.value
        if isinstance(kind, str):
            kind = kind.upper()
            schema["type"] = kind
        const = schema.get("const")
        if const is not None:
            if kind != "STRING":
                raise InvalidRequestError("response_schema", "Literal values must be strings")
            schema["enum"] = [const]
            del schema["const"]
        if kind == "OBJECT":
            properties = schema.get("properties")
            if isinstance(properties, dict):
                for name, sub_schema in list(properties.items()):
                    properties[name] = self.sub(sub_schema)
                if (
                    len(properties) > 1
                    and self.order_properties
                    and "propertyOrdering" not in schema
                ):
                    schema["propertyOrdering"] = list(properties)
            additional = schema.get("additionalProperties")
            if isinstance(additional, dict):
                schema["additionalProperties"] = self.sub(additional)
        elif kind == "ARRAY":
            if isinstance(schema.get("items"), dict):
                schema["items"] = self.sub(schema["items"])
            if isinstance(schema.get("prefixItems"), list):
                schema["prefixItems"] = [self.sub(p) for p in schema["prefixItems"]]


def process_schema(
    schema: dict[str, Any],
    *,
    vertex: bool = False,
    defs: dict[str, Any] | None = None,
    order_properties: bool = True,
) -> dict[str, Any]:
    """Apply the Gemini schema rules to a JSON-Schema-like dict, in place; returns it.

    Raises:
        InvalidRequestError: ``additionalProperties`` on mldev, a non-string ``const``, or an
            unresolvable ``$ref``.
    """
    if defs is None:
        defs = schema.pop("$defs", None) or {}
    _Processor(defs, vertex, order_properties).process(schema)
    return schema


def _is_type_like(origin: Any) -> bool:
    return (
        isinstance(origin, (type, types.GenericAlias, types.UnionType))
        or typing.get_origin(origin) is not None
    )


def _enum_schema(tp: type[enum.Enum], vertex: bool) -> dict[str, Any]:
    values: list[Any] = []
    for member in tp:
        if isinstance(member.value, int):
            values.append(str(member.value))
        elif isinstance(member.value, str):
            values.append(member.value)
        else:
            raise InvalidRequestError(
                "response_schema",
                f"Enum member {member.name} value must be a string or integer, "
                f"got {type(member.value).__name__}",
            )
    return process_schema({"enum": values, "title": tp.__name__, "type": "string"}, vertex=vertex)


def t_schema(origin: Any, *, vertex: bool = False) -> Schema | None:
    """Convert a ``response_schema`` (Schema, dict, or Python type) to a processed Schema.

    Args:
        origin: A :class:`Schema`, an OpenAPI-subset dict (snake_case or camelCase keys), or a
            Python type: ``int``, ``list[X]``, ``dict[str, X]``, ``Enum``, ``Literal``,
            ``Optional``, a dataclass, TypedDict, msgspec Struct or pydantic model.
        vertex: Whether the request goes to Vertex AI (allows ``additionalProperties``).

    Returns:
        The schema, or ``None`` when ``origin`` is empty.

    Raises:
        InvalidRequestError: An unsupported type, or a schema that breaks the rules above.
    """
    if origin is None or (isinstance(origin, dict) and not origin):
        return None
    path = "config.response_schema"
    if isinstance(origin, dict):
        data = process_schema(copy.deepcopy(origin), vertex=vertex)
        return coerce(data, Schema, path)
    if isinstance(origin, enum.EnumMeta):
        return coerce(_enum_schema(typing.cast("type[enum.Enum]", origin), vertex), Schema, path)
    if isinstance(origin, Schema):
        data = normalize_keys(origin, Schema, path)
        if not data:
            raise InvalidRequestError(path, "the schema is empty")
        return coerce(process_schema(data, vertex=vertex), Schema, path)
    if isinstance(origin, type) and is_pydantic_model(origin):
        return coerce(
            process_schema(copy.deepcopy(origin.model_json_schema()), vertex=vertex),  # type: ignore[attr-defined]
            Schema,
            path,
        )
    if _is_type_like(origin):
        builder = _Builder()
        try:
            field = builder.schema(origin)
        except UnsupportedTypeError as exc:
            raise InvalidRequestError(path, str(exc)) from None
        if "$ref" not in field and typing.get_origin(origin) is not typing.Literal:
            # google-genai wraps the type in a pydantic field named "placeholder"; a bare
            # Literal becomes an Enum there instead, whose title it drops.
            field["title"] = "Placeholder"
        process_schema(field, vertex=vertex, defs=builder.defs)
        return coerce(field, Schema, path)
    raise InvalidRequestError(path, f"unsupported schema type: {origin!r}")


def t_json_schema(origin: Any) -> Any:
    """Convert a ``response_json_schema``: a JSON Schema (a dict or a bool) passes unchanged; a
    Python type (a dataclass, TypedDict, msgspec Struct, pydantic model, ``Enum``,
    ``list[X]``...) becomes its JSON Schema, and ``response.parsed`` is then decoded into it.

    Raises:
        InvalidRequestError: Neither a JSON Schema nor a type with a JSON Schema form.
    """
    path = "config.response_json_schema"
    if isinstance(origin, dict | bool):
        return origin
    if _is_type_like(origin):
        try:
            return json_schema(origin)
        except UnsupportedTypeError as exc:
            raise InvalidRequestError(path, str(exc)) from None
    raise InvalidRequestError(
        path, f"expected a JSON Schema (a dict) or a Python type, got {type(origin).__name__}"
    )


def parse_response(text: str | None, schema: Any) -> Any:
    """Parse a structured-output response text for ``response.parsed``.

    A Python type (including ``list[X]``, Enum, dataclass, TypedDict, msgspec Struct) is
    decoded with msgspec; a pydantic model with ``model_validate_json``; a dict schema or
    :class:`Schema` yields plain ``dict``/``list`` values. Returns ``None`` when the text is
    missing or does not fit, like google-genai; never raises.
    """
    if text is None or schema is None:
        return None
    try:
        if isinstance(schema, (dict, Schema)):
            return json.loads(text)
        if isinstance(schema, type) and is_pydantic_model(schema):
            return schema.model_validate_json(text)  # type: ignore[attr-defined]
        if isinstance(schema, enum.EnumMeta):
            try:
                value = msgspec.json.decode(text)
            except msgspec.DecodeError:
                value = text.strip()
            members: list[enum.Enum] = list(typing.cast("type[enum.Enum]", schema))
            for member in members:
                if member.value == value or str(member.value) == str(value):
                    return member
            return None
        if _is_type_like(schema):
            return msgspec.json.decode(text, type=schema, strict=False)
    except Exception:  # parse failures leave .parsed unset, as in google-genai
        return None
    return None
