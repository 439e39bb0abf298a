"""MCP tools as function declarations: the listed tools of an MCP session, converted once.

An :class:`McpToolset` stands in ``config.tools`` for an MCP client session whose tools were
listed: the request builders declare its functions (merged with the other declarations, as
google-genai merges them), and automatic function calling maps each name to an
:class:`McpTool`, called through the session.

A tool's ``inputSchema`` (JSON Schema) becomes a :class:`~genai_actors.types.Schema` by
google-genai's rules (``Schema.from_json_schema``): ``$ref`` into the root ``$defs`` is inlined
(without the titles of the definition and of its properties; a reference to a definition
being expanded becomes an empty schema), a ``null`` type or an ``anyOf`` of a schema and
``null`` becomes ``nullable``, a list of several types becomes an ``anyOf`` of one schema per
type, and type names are upper-cased. Keywords the Schema cannot express (``oneOf``,
``allOf``, ``not``, ``const``, ``additionalProperties``, ``uniqueItems``, ``examples``, ...)
are dropped, and reported by path so the caller can warn. One difference: ``minItems``,
``maxItems``, ``minLength``, ``maxLength``, ``minProperties`` and ``maxProperties`` are kept
(the API accepts them; google-genai 3.6.1 drops them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..types._tools import FunctionDeclaration, Schema

__all__ = ["McpTool", "McpToolset", "mcp_declaration", "mcp_schema"]

# JSON Schema keyword -> Schema field, for the keywords copied as they are.
_PLAIN = {
    "title": "title",
    "description": "description",
    "default": "default",
    "format": "format",
    "pattern": "pattern",
    "minimum": "minimum",
    "maximum": "maximum",
    "required": "required",
    "minItems": "min_items",
    "maxItems": "max_items",
    "minLength": "min_length",
    "maxLength": "max_length",
    "minProperties": "min_properties",
    "maxProperties": "max_properties",
}
# Keywords consumed by the conversion itself (never reported as dropped).
_HANDLED = frozenset({"type", "items", "properties", "anyOf", "enum", "$ref", "$defs"})
# Annotations without meaning for the model: dropped silently.
_SILENT = frozenset({"$schema", "$id", "$comment"})
# The fields google-genai copies into each per-type schema when splitting a list of types.
_BY_TYPE = {
    "NUMBER": ("description", "enum", "format", "maximum", "minimum", "title"),
    "INTEGER": ("description", "enum", "format", "maximum", "minimum", "title"),
    "STRING": ("description", "enum", "format", "maxLength", "minLength", "pattern", "title"),
    "OBJECT": (
        "anyOf",
        "description",
        "maxProperties",
        "minProperties",
        "properties",
        "required",
        "title",
    ),
    "ARRAY": ("description", "items", "maxItems", "minItems", "title"),
    "BOOLEAN": ("description", "title"),
}
_TYPES = frozenset({"STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT"})


class McpTool:
    """One tool of an MCP session, as automatic function calling calls it.

    Attributes:
        session: The MCP client session (anything with ``call_tool(name, arguments)``).
        name: The tool's name on that session.
    """

    __slots__ = ("name", "session")

    def __init__(self, session: Any, name: str) -> None:
        self.session = session
        self.name = name

    def __repr__(self) -> str:
        return f"<McpTool {self.name!r}>"


class McpToolset:
    """The listed tools of one MCP session, standing in ``config.tools`` for the session.

    Attributes:
        session: The MCP client session.
        declarations: One function declaration per tool, in the order the session listed them.
        tools: Function name to :class:`McpTool`.
    """

    __slots__ = ("declarations", "session", "tools")

    def __init__(self, session: Any, declarations: list[FunctionDeclaration]) -> None:
        self.session = session
        self.declarations = declarations
        self.tools = {d.name: McpTool(session, d.name) for d in declarations if d.name}

    def __repr__(self) -> str:
        return f"<McpToolset {sorted(self.tools)}>"


def mcp_declaration(
    tool: Any, *, json_schema: bool = False
) -> tuple[FunctionDeclaration, list[str]]:
    """An MCP tool (``name``, ``description``, ``input_schema`` or ``inputSchema``) as a
    function declaration, and the JSON Schema keywords dropped from its parameters (as
    ``"<tool>: <path>"``).

    With ``json_schema`` (google-genai's choice on Vertex AI) the input schema is sent as it
    is, as ``parameters_json_schema``, and nothing is dropped.
    """
    name = str(tool.name)
    schema = getattr(tool, "input_schema", None)
    if schema is None:
        schema = getattr(tool, "inputSchema", None)
    description = getattr(tool, "description", None)
    if json_schema:
        raw = FunctionDeclaration(name=name, description=description, parameters_json_schema=schema)
        return raw, []
    dropped: list[str] = []
    parameters = mcp_schema(schema or {}, dropped)
    declaration = FunctionDeclaration(name=name, description=description, parameters=parameters)
    return declaration, [f"{name}: {path}" for path in dropped]


def mcp_schema(schema: Mapping[str, Any], dropped: list[str] | None = None) -> Schema:
    """A JSON Schema (a tool's ``inputSchema``) as a :class:`Schema`, by the rules above.

    Args:
        schema: The JSON Schema (a dict).
        dropped: Receives the path of every keyword the Schema cannot express.
    """
    out = _Converter(schema, dropped if dropped is not None else []).convert(schema, "$", set())
    return Schema(**out)


class _Converter:
    __slots__ = ("defs", "dropped")

    def __init__(self, root: Mapping[str, Any], dropped: list[str]) -> None:
        defs = root.get("$defs")
        self.defs: Mapping[str, Any] = defs if isinstance(defs, Mapping) else {}
        self.dropped = dropped

    def convert(self, schema: Any, path: str, expanding: set[str]) -> dict[str, Any]:
        if not isinstance(schema, Mapping):
            if schema is not True:  # ``true`` allows anything: nothing to say
                self.dropped.append(path)
            return {}
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if ref in expanding:
                return {}
            target = self.resolve(ref)
            if target is None:
                self.dropped.append(f"{path}.$ref")
                return {}
            expanding.add(ref)
            try:
                return self.convert(target, path, expanding)
            finally:
                expanding.discard(ref)
        kinds, nullable = _types(schema.get("type"))
        if len(kinds) > 1:
            options: list[dict[str, Any]] = []
            for kind in kinds:
                part: dict[str, Any] = {"type": kind}
                for key in _BY_TYPE.get(kind, ()):
                    if key in schema:
                        part[key] = schema[key]
                options.append(part)
            schema = {"anyOf": options}
        out: dict[str, Any] = {}
        if nullable:
            out["nullable"] = True
        if len(kinds) == 1:
            out["type"] = kinds[0]
        for key, value in schema.items():
            if value is None or key in ("type", "$defs"):
                continue
            field = _PLAIN.get(key)
            if field is not None:
                out[field] = value
            elif key == "items":
                if value:
                    items = self.convert(value, f"{path}.items", expanding)
                    if items:
                        out["items"] = items
            elif key == "properties" and isinstance(value, Mapping):
                out["properties"] = {
                    name: self.convert(sub, f"{path}.properties.{name}", expanding)
                    for name, sub in value.items()
                }
            elif key == "anyOf" and isinstance(value, list):
                out["any_of"] = [
                    self.convert(sub, f"{path}.anyOf[{i}]", expanding)
                    for i, sub in enumerate(value)
                ]
            elif key == "enum" and isinstance(value, list):
                out["enum"] = [v if isinstance(v, str) else str(v) for v in value]
            elif key not in _SILENT and key not in _HANDLED:
                self.dropped.append(f"{path}.{key}")
        return _unwrap_nullable(out)

    def resolve(self, ref: str) -> Mapping[str, Any] | None:
        prefix = "#/$defs/"
        if not ref.startswith(prefix):
            return None
        target = self.defs.get(ref[len(prefix) :])
        if not isinstance(target, Mapping):
            return None
        # google-genai drops the titles of a definition and of its properties when inlining.
        inlined = {k: v for k, v in target.items() if k != "title"}
        properties = inlined.get("properties")
        if isinstance(properties, Mapping):
            inlined["properties"] = {
                name: {k: v for k, v in sub.items() if k != "title"}
                if isinstance(sub, Mapping)
                else sub
                for name, sub in properties.items()
            }
        return inlined


def _types(value: Any) -> tuple[list[str], bool]:
    """(the non-null type names upper-cased, whether ``null`` was among them)."""
    if value is None:
        return [], False
    names = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
    kinds: list[str] = []
    nullable = False
    for name in names:
        upper = str(name).upper()
        if upper == "NULL":
            nullable = True
        elif upper in _TYPES:
            kinds.append(upper)
    return kinds, nullable


def _unwrap_nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [X, null]`` as ``X`` made nullable (the outer default carried over)."""
    options = schema.get("any_of")
    if not options or len(options) != 2:
        return schema
    null = [o for o in options if o == {"nullable": True}]
    rest = [o for o in options if o != {"nullable": True}]
    if len(null) != 1 or len(rest) != 1:
        return schema
    unwrapped = dict(rest[0])
    unwrapped["nullable"] = True
    if schema.get("default") is not None:
        unwrapped["default"] = schema["default"]
    return unwrapped
