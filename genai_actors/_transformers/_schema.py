"""``response_schema`` to a Gemini :class:`~genai_actors.types.Schema` (``.parsed`` is
``_parse.parse_response``, re-exported here).

Processing rules (as google-genai applies them): ``$defs``/``$ref`` are inlined, a ``null``
type becomes ``nullable: true``, a string ``const`` becomes a one-value ``enum``, type names
are upper-cased, ``propertyOrdering`` is added to objects with more than one property, and
``additionalProperties`` is rejected on the Gemini Developer API.
"""

from __future__ import annotations

import copy
import enum
import types
import typing
from typing import Any

import msgspec

from ..types._base import to_builtins
from ..types._enums import Type
from ..types._tools import Schema
from ..types._validate import coerce, normalize_keys
from ._errors import InvalidRequestError
from ._jsonschema import UnsupportedTypeError, _Builder, is_pydantic_model, json_schema
from ._parse import parse_response

__all__ = ["parse_response", "process_schema", "t_schema"]

_EMPTY = Schema()

_SNAKE_KEYS = (
    ("additional_properties", "additionalProperties"),
    ("any_of", "anyOf"),
    ("prefix_items", "prefixItems"),
    ("property_ordering", "propertyOrdering"),
)


_SNAKE_NAMES = frozenset(snake for snake, _ in _SNAKE_KEYS)


def _copy(value: Any) -> Any:
    """A copy of the dicts and lists in ``value`` (all that processing changes), sharing the
    rest: the caller's schema is never modified."""
    if type(value) is dict:
        return {key: _copy(item) for key, item in value.items()}
    if type(value) is list:
        return [_copy(item) for item in value]
    return value


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


_ADDITIONAL_PROPERTIES = (
    "additionalProperties is only supported by the Vertex AI backend, "
    "not by the Gemini Developer API"
)


class _Processor:
    def __init__(self, defs: dict[str, Any], vertex: bool, order_properties: bool) -> None:
        self.defs = defs
        self.vertex = vertex
        self.order_properties = order_properties
        self.active_refs: set[str] = set()
        self.refused = False  # a typed schema sets additionalProperties on mldev
        # Inside additionalProperties (a free-form value on the wire, as google-genai sends
        # it): processed, but each type is left as written.
        self.free = 0

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

    def free_sub(self, schema: dict[str, Any]) -> Any:
        """:meth:`sub` for an ``additionalProperties`` value."""
        self.free += 1
        try:
            return self.sub(schema)
        finally:
            self.free -= 1

    def process(self, schema: dict[str, Any]) -> None:
        if schema.get("title") == "PlaceholderLiteralEnum":
            del schema["title"]
        if not self.vertex and (
            schema.get("additionalProperties") or schema.get("additional_properties")
        ):
            raise InvalidRequestError(
                "response_schema.additional_properties", _ADDITIONAL_PROPERTIES
            )
        if not _SNAKE_NAMES.isdisjoint(schema):
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
            if not self.free:
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
                schema["additionalProperties"] = self.free_sub(additional)
        elif kind == "ARRAY":
            if isinstance(schema.get("items"), dict):
                schema["items"] = self.sub(schema["items"])
            if isinstance(schema.get("prefixItems"), list):
                schema["prefixItems"] = [self.sub(p) for p in schema["prefixItems"]]


class _Untyped(Exception):
    """A typed schema holds a dict where a Schema belongs, or a type that is no Type name:
    process its wire form instead (which names a bad value)."""


_TYPES = frozenset(member.value for member in Type)


def _truthy(value: Any) -> bool:
    # As the value's wire form would be: an empty Schema is an empty (falsy) object.
    return bool(to_builtins(value)) if isinstance(value, msgspec.Struct) else bool(value)


_OBJECTS = (dict, msgspec.Struct)


def _typed(schema: Any, processor: _Processor | None) -> Any:
    """``schema`` with every ``type`` canonical (upper-case) and, where ``processor`` is given,
    the processing rules applied as :meth:`_Processor.process` applies them to the wire form
    (which has no ``$ref``, ``$defs``, ``const`` nor snake_case keys): at the nodes it would
    visit. Copies only what changes.

    ``additionalProperties`` on the Gemini Developer API sets ``processor.refused``: the caller
    raises once the whole schema is known to be typed (the wire-form path checks types first).

    Raises:
        _Untyped: a dict where a Schema belongs, a type that is no Type name, or a typed
            struct in a free-form field (``default``, ``example``, ``additional_properties``).
    """
    if not isinstance(schema, Schema):
        raise _Untyped
    changes: dict[str, Any] = {}
    kind: str | None = schema.type
    if kind is not None:
        upper = kind.upper() if isinstance(kind, str) else None
        if upper not in _TYPES:
            raise _Untyped
        if kind != upper:
            kind = changes["type"] = upper
    additional = schema.additional_properties
    if additional is not None or schema.default is not None or schema.example is not None:
        for value in (additional, schema.default, schema.example):
            if isinstance(value, msgspec.Struct):
                raise _Untyped
    options = schema.any_of
    visit_options = visit_properties = visit_items = False
    if processor is not None:
        if schema.title == "PlaceholderLiteralEnum":
            changes["title"] = None
        if not processor.vertex and additional is not None and _truthy(additional):
            processor.refused = True
        visit_options = options is not None
        visit_properties = not visit_options and kind == "OBJECT"
        visit_items = not visit_options and kind == "ARRAY"
    if schema.items is not None:
        items = _typed(schema.items, processor if visit_items else None)
        if items is not schema.items:
            changes["items"] = items
    properties = schema.properties
    if properties:
        changed = _typed_map(properties, processor if visit_properties else None)
        if changed is not None:
            changes["properties"] = changed
    if schema.defs:
        changed = _typed_map(schema.defs, None)
        if changed is not None:
            changes["defs"] = changed
    if options is not None:
        new_options = [_typed(option, processor if visit_options else None) for option in options]
        if any(a is not b for a, b in zip(new_options, options, strict=True)):
            changes["any_of"] = new_options
    if visit_properties and processor is not None:
        ordered = schema.property_ordering is not None or not processor.order_properties
        if properties is not None and len(properties) > 1 and not ordered:
            changes["property_ordering"] = list(properties)
        if isinstance(additional, _OBJECTS) and not processor.refused:
            changes["additional_properties"] = processor.free_sub(to_builtins(additional))
    return msgspec.structs.replace(schema, **changes) if changes else schema


def _typed_map(mapping: dict[str, Any], processor: _Processor | None) -> dict[str, Any] | None:
    """:func:`_typed` on each value; a new map if one changed, else ``None``."""
    new: dict[str, Any] | None = None
    for key, value in mapping.items():
        fixed = _typed(value, processor)
        if fixed is not value:
            if new is None:
                new = dict(mapping)
            new[key] = fixed
    return new


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
        data = process_schema(_copy(origin), vertex=vertex)
        return coerce(data, Schema, path)
    if isinstance(origin, enum.EnumMeta):
        return coerce(_enum_schema(typing.cast("type[enum.Enum]", origin), vertex), Schema, path)
    if isinstance(origin, Schema):
        if origin == _EMPTY:
            raise InvalidRequestError(path, "the schema is empty")
        processor = _Processor({}, vertex, order_properties=True)
        try:
            processed: Schema = _typed(origin, processor)
        except _Untyped:
            pass
        else:
            if processor.refused:
                raise InvalidRequestError(
                    "response_schema.additional_properties", _ADDITIONAL_PROPERTIES
                )
            return processed
        data = normalize_keys(origin, Schema, path)
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
