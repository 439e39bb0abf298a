"""An MCP tool's ``inputSchema`` as a Gemini Schema: google-genai's conversion as the oracle
(hypothesis over the keywords both handle), and what is dropped, kept and logged."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from google.genai import _mcp_utils
from hypothesis import given, settings, strategies as st
from mcp import types as mcp_types

from genai_actors._api._mcp import resolve_sessions
from genai_actors._transformers._mcp import mcp_declaration, mcp_schema
from genai_actors.types._base import to_builtins

_TYPES = ["string", "number", "integer", "boolean", "array", "object"]
_WORDS = st.text(alphabet="abcdefgh", min_size=1, max_size=5)


def _leaf() -> st.SearchStrategy[dict[str, Any]]:
    kind = st.one_of(
        st.sampled_from(_TYPES),
        st.lists(st.sampled_from([*_TYPES, "null"]), min_size=1, max_size=3, unique=True),
    )
    return st.fixed_dictionaries(
        {"type": kind},
        optional={
            "title": _WORDS,
            "description": _WORDS,
            "enum": st.lists(_WORDS, min_size=1, max_size=3, unique=True),
            "format": st.sampled_from(["date-time", "int32", "enum"]),
            "minimum": st.integers(0, 5),
            "pattern": st.just("^a"),
        },
    )


def _extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.fixed_dictionaries(
            {
                "type": st.just("object"),
                "properties": st.dictionaries(_WORDS, children, max_size=3),
            },
            optional={"required": st.lists(_WORDS, max_size=2, unique=True), "title": _WORDS},
        ),
        st.fixed_dictionaries({"type": st.just("array"), "items": children}),
        st.fixed_dictionaries({"anyOf": st.lists(children, min_size=1, max_size=3)}),
        st.builds(lambda child: {"anyOf": [child, {"type": "null"}]}, children),
    )


SCHEMAS = st.recursive(_leaf(), _extend, max_leaves=8)


def _snake(value: Any) -> Any:
    if isinstance(value, list):
        return [_snake(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {
        "".join(f"_{c.lower()}" if c.isupper() else c for c in key): _snake(item)
        for key, item in value.items()
    }


def _theirs(schema: dict[str, Any]) -> Any:
    tool = mcp_types.Tool(name="t", description="d", input_schema=schema)
    declarations = _mcp_utils.mcp_to_gemini_tool(tool).function_declarations
    assert declarations is not None
    return declarations[0].model_dump(mode="json", exclude_none=True)


@settings(max_examples=60)
@given(SCHEMAS, st.dictionaries(_WORDS, SCHEMAS, max_size=2))
def test_conversion_equals_google_genai(schema: dict[str, Any], defs: dict[str, Any]) -> None:
    """For the keywords both sides handle, our declaration is google-genai's, ``$ref``s
    into ``$defs`` included."""
    root = {"type": "object", "properties": {"x": schema}}
    if defs:
        root["$defs"] = defs
        root["properties"].update(
            {f"r{i}": {"$ref": f"#/$defs/{name}"} for i, name in enumerate(defs)}
        )
    declaration, _ = mcp_declaration(mcp_types.Tool(name="t", description="d", input_schema=root))
    assert _snake(to_builtins(declaration)) == _theirs(root)


def test_inexpressible_keywords_are_dropped_and_named() -> None:
    dropped: list[str] = []
    schema = mcp_schema(
        {
            "type": "object",
            "additionalProperties": False,
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "properties": {
                "c": {"const": "k", "type": "string"},
                "o": {"oneOf": [{"type": "string"}], "allOf": [{}]},
                "u": {"type": "array", "uniqueItems": True, "items": {"type": "integer"}},
                "r": {"$ref": "#/definitions/Missing"},
            },
        },
        dropped,
    )
    assert sorted(dropped) == [
        "$.additionalProperties",
        "$.properties.c.const",
        "$.properties.o.allOf",
        "$.properties.o.oneOf",
        "$.properties.r.$ref",
        "$.properties.u.uniqueItems",
    ]
    encoded = to_builtins(schema)
    assert encoded["properties"]["c"] == {"type": "STRING"}
    assert encoded["properties"]["u"] == {"type": "ARRAY", "items": {"type": "INTEGER"}}
    assert "additionalProperties" not in encoded


def test_lengths_and_counts_are_kept() -> None:
    """The API takes these (google-genai 3.6.1 drops them)."""
    schema = to_builtins(
        mcp_schema(
            {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 3,
                "properties": {
                    "s": {"type": "string", "minLength": 2, "maxLength": 9},
                    "a": {"type": "array", "minItems": 1, "maxItems": 4, "items": {}},
                },
            }
        )
    )
    assert schema["minProperties"] == 1
    assert schema["maxProperties"] == 3
    assert schema["properties"]["s"] == {"type": "STRING", "minLength": 2, "maxLength": 9}
    assert schema["properties"]["a"] == {"type": "ARRAY", "minItems": 1, "maxItems": 4}


def test_recursive_reference_becomes_an_empty_schema() -> None:
    schema = to_builtins(
        mcp_schema(
            {
                "type": "object",
                "properties": {"n": {"$ref": "#/$defs/N"}},
                "$defs": {"N": {"type": "object", "properties": {"next": {"$ref": "#/$defs/N"}}}},
            }
        )
    )
    assert schema["properties"]["n"] == {"type": "OBJECT", "properties": {"next": {}}}


class _Listing:
    def __init__(self, tools: list[mcp_types.Tool]) -> None:
        self.tools = tools
        self.next_cursor = None


class _Session:
    """A session double listing fixed tools (the conversion needs no server)."""

    def __init__(self, tools: list[mcp_types.Tool]) -> None:
        self.listing = _Listing(tools)

    async def list_tools(self) -> _Listing:
        return self.listing

    async def call_tool(self, name: str, arguments: Any = None) -> Any:
        raise AssertionError("not called")


async def test_dropped_keywords_are_logged_once_per_call(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="genai_actors.mcp")
    tool = mcp_types.Tool(
        name="strict",
        input_schema={"type": "object", "additionalProperties": False, "properties": {}},
    )
    await resolve_sessions({"tools": [_Session([tool])]})
    events = [r.getMessage() for r in caplog.records if "mcp.schema_dropped" in r.getMessage()]
    assert len(events) == 1
    assert "strict: $.additionalProperties" in events[0]


def test_vertex_declares_the_input_schema_as_it_is() -> None:
    """On Vertex AI the input schema goes as ``parameters_json_schema``, as google-genai's
    ``mcp_to_gemini_tools(..., is_agent_platform=True)`` sends it."""
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"q": {"type": "string", "minLength": 1, "title": "Q"}},
        "required": ["q"],
    }
    tool = mcp_types.Tool(name="search", description="Searches.", input_schema=schema)
    [theirs] = _mcp_utils.mcp_to_gemini_tools([tool], is_agent_platform=True)
    assert theirs.function_declarations is not None
    expected = theirs.function_declarations[0].model_dump(mode="json", exclude_none=True)
    declaration, dropped = mcp_declaration(tool, json_schema=True)
    assert dropped == []
    got = to_builtins(declaration)
    assert got["parametersJsonSchema"] == schema
    assert _snake({k: v for k, v in got.items() if k != "parametersJsonSchema"}) == {
        k: v for k, v in expected.items() if k != "parameters_json_schema"
    }
    assert expected["parameters_json_schema"] == schema
