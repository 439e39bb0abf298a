"""A typed ``response_schema`` is processed in place exactly as its wire form would be."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given, strategies as st

from genai_actors import types
from genai_actors._transformers._config import t_tools
from genai_actors._transformers._schema import process_schema, t_schema
from genai_actors.errors import InvalidRequestError
from genai_actors.types._base import to_builtins
from genai_actors.types._validate import coerce, normalize_keys

PATH = "config.response_schema"

TYPES = st.sampled_from(
    [
        None,
        "OBJECT",
        "object",
        "Object",
        "ARRAY",
        "array",
        "STRING",
        "string",
        "INTEGER",
        "NUMBER",
        "BOOLEAN",
        "NULL",
        "null",
        types.Type.OBJECT,
        types.Type.ARRAY,
    ]
)
FREE = st.sampled_from(
    [None, False, True, {}, {"type": "string"}, {"additional_properties": {"type": "integer"}}]
)
NAMES = st.sampled_from(["a", "b", "c"])


def _leaf() -> st.SearchStrategy[types.Schema]:
    return st.builds(
        types.Schema,
        type=TYPES,
        title=st.sampled_from([None, "PlaceholderLiteralEnum", "T"]),
        nullable=st.sampled_from([None, True]),
        property_ordering=st.sampled_from([None, [], ["b", "a"]]),
        additional_properties=FREE,
        example=st.sampled_from([None, 3, {"k": "v"}]),
    )


def _extend(children: st.SearchStrategy[types.Schema]) -> st.SearchStrategy[types.Schema]:
    return st.builds(
        types.Schema,
        type=TYPES,
        title=st.sampled_from([None, "PlaceholderLiteralEnum"]),
        property_ordering=st.sampled_from([None, ["a"]]),
        additional_properties=FREE,
        properties=st.none() | st.dictionaries(NAMES, children, max_size=3),
        items=st.none() | children,
        any_of=st.none() | st.lists(children, max_size=2),
        defs=st.none() | st.dictionaries(NAMES, children, max_size=1),
    )


SCHEMAS = st.recursive(_leaf(), _extend, max_leaves=8)


def _through_wire_form(schema: types.Schema, *, vertex: bool) -> types.Schema:
    """The rules applied to the schema's wire form (the path taken for dict schemas)."""
    data = normalize_keys(schema, types.Schema, PATH)
    return coerce(process_schema(data, vertex=vertex), types.Schema, PATH)


def _outcome(call: Any) -> Any:
    try:
        return ("ok", to_builtins(call()))
    except InvalidRequestError as exc:
        return ("error", exc.path, exc.reason)


@given(SCHEMAS, st.booleans())
def test_typed_schema_is_processed_as_its_wire_form(schema: types.Schema, vertex: bool) -> None:
    """For any typed schema, t_schema gives what processing its wire form gives (or raises
    the same error)."""
    if schema == types.Schema():
        return
    expected = _outcome(lambda: _through_wire_form(schema, vertex=vertex))
    assert _outcome(lambda: t_schema(schema, vertex=vertex)) == expected


def test_a_typed_schema_is_never_modified() -> None:
    """Processing copies what it changes; the caller's schema keeps its spelling."""
    # Set past construction, which makes "string" the member STRING (as pydantic does), so
    # that the schema holds spellings processing has to change.
    inner = msgspec.structs.replace(types.Schema(), type="string")
    schema = msgspec.structs.replace(
        types.Schema(properties={"b": inner, "a": inner}), type="object"
    )
    processed = t_schema(schema)
    assert processed is not None
    assert to_builtins(processed) == {
        "properties": {"b": {"type": "STRING"}, "a": {"type": "STRING"}},
        "propertyOrdering": ["b", "a"],
        "type": "OBJECT",
    }
    assert schema.type == "object"
    assert inner.type == "string"
    assert schema.property_ordering is None


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        (types.Schema(type="strng"), "config.response_schema.type"),
        (
            types.Schema(type="object", properties={"a": types.Schema(type="intger")}),
            "config.response_schema.properties['a'].type",
        ),
    ],
)
def test_a_bad_type_in_a_typed_schema_is_named(schema: types.Schema, path: str) -> None:
    """A type that is no Type name raises, naming the field and the value as given."""
    with pytest.raises(InvalidRequestError) as info:
        t_schema(schema)
    assert info.value.path == path
    assert "is not a valid Type" in info.value.reason


def test_a_typed_schema_in_a_free_form_tool_field_is_checked() -> None:
    """A typed Schema put in a JSON-schema field of a declaration still has its enum values
    checked, naming the field as the config check does."""
    declaration = types.FunctionDeclaration(
        name="f", parameters_json_schema=types.Schema(type="strng")
    )
    tool = types.Tool(function_declarations=[declaration])
    with pytest.raises(InvalidRequestError) as info:
        t_tools([tool])
    assert info.value.path == "config.tools[0].function_declarations[0].parameters_json_schema.type"
    fixed = t_tools(
        [
            types.Tool(
                function_declarations=[
                    types.FunctionDeclaration(
                        name="f", parameters_json_schema=types.Schema(type="string")
                    )
                ]
            )
        ]
    )
    assert to_builtins(fixed)[0]["functionDeclarations"][0]["parametersJsonSchema"] == {
        "type": "STRING"
    }


def test_a_typed_tool_holding_dicts_is_converted() -> None:
    """Dicts where declarations or schemas belong in a typed Tool become structs, their enum
    values canonical, as a typed config's values are."""
    tool = types.Tool(
        function_declarations=[
            {"name": "f", "behavior": "blocking", "parameters": {"type": "object"}}  # type: ignore[list-item]
        ]
    )
    (converted,) = t_tools([tool])
    (declaration,) = converted.function_declarations or []
    assert isinstance(declaration, types.FunctionDeclaration)
    assert declaration.behavior == "BLOCKING"
    assert declaration.parameters == types.Schema(type="OBJECT")
