"""response_schema processing and callable declarations match google-genai."""

from __future__ import annotations

import dataclasses
import enum
import typing
from typing import Any

import msgspec
import pydantic
import pytest
from google.genai import _transformers as gtr, types as gt

from genai_actors import types
from genai_actors._transformers._errors import InvalidRequestError
from genai_actors._transformers._functions import (
    convert_function_args,
    function_declaration_from_callable,
)
from genai_actors._transformers._schema import parse_response, t_schema
from genai_actors.errors import UnknownFunctionCallArgumentError
from genai_actors.types._base import to_builtins

from .oracle import FakeClient


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.Enum):
    LOW = 1
    HIGH = 2


@dataclasses.dataclass
class Ingredient:
    name: str
    grams: float = 0.0


class Recipe(pydantic.BaseModel):
    title: str
    ingredients: list[Ingredient]
    color: Color
    note: str | None = None
    kind: typing.Literal["dessert"]


class Node(pydantic.BaseModel):
    value: int
    children: list[Node] = []


class Movie(msgspec.Struct):
    title: str
    year: int


SCHEMAS: list[Any] = [
    int,
    str,
    bool,
    float,
    list[str],
    list[int],
    int | None,
    typing.Optional[str],  # noqa: UP045 - the typing spelling is what users write
    Color,
    Level,
    Ingredient,
    list[Ingredient],
    Recipe,
    list[Recipe],
    Node,
    {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}},
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"x": {"any_of": [{"type": "string"}, {"type": "null"}]}},
        },
    },
    {"type": "object", "properties": {"k": {"type": "string", "const": "only"}}},
    {
        "$defs": {"P": {"type": "object", "properties": {"n": {"type": "number"}}}},
        "type": "array",
        "items": {"$ref": "#/$defs/P"},
    },
    gt.Schema(
        type=gt.Type.OBJECT,
        properties={"q": gt.Schema(type=gt.Type.STRING), "r": gt.Schema(type=gt.Type.INTEGER)},
    ),
]


def _dump(schema: Any) -> Any:
    return schema.model_dump(exclude_none=True, by_alias=True, mode="json")


@pytest.mark.parametrize("origin", SCHEMAS, ids=[str(i) for i in range(len(SCHEMAS))])
@pytest.mark.parametrize("vertex", [False, True])
def test_t_schema_matches_google_genai(origin: Any, vertex: bool) -> None:
    """Types, dicts and Schemas convert to the same Schema JSON as google-genai's t_schema."""
    theirs = _dump(gtr.t_schema(FakeClient(vertex), origin))  # type: ignore[arg-type]
    if isinstance(origin, gt.Schema):
        origin = _dump(origin)
    ours = t_schema(origin, vertex=vertex)
    assert ours is not None
    assert to_builtins(ours) == theirs


def test_msgspec_struct_schema() -> None:
    """msgspec Structs (unknown to google-genai) become object schemas too."""
    schema = t_schema(list[Movie])
    assert schema is not None
    data = to_builtins(schema)
    assert data["type"] == "ARRAY"
    assert data["items"]["properties"]["year"] == {"title": "Year", "type": "INTEGER"}
    assert data["items"]["propertyOrdering"] == ["title", "year"]


def test_additional_properties_rejected_on_mldev_only() -> None:
    """additionalProperties raises on the Gemini Developer API and passes on Vertex AI."""
    with pytest.raises(InvalidRequestError, match="additional_properties"):
        t_schema(dict[str, int])
    assert t_schema(dict[str, int], vertex=True) is not None


def test_bad_schemas_raise_invalid_request() -> None:
    """Unsupported schema inputs fail before sending, naming the config field."""
    with pytest.raises(InvalidRequestError, match="response_schema"):
        t_schema(object())
    with pytest.raises(InvalidRequestError, match="response_schema"):
        t_schema({"type": "object", "nonsense_key": 1})
    with pytest.raises(InvalidRequestError, match="Literal values must be strings"):
        t_schema({"type": "integer", "const": 3})


def test_parse_response_for_each_schema_kind() -> None:
    """``.parsed`` values decode into the requested type; bad JSON gives None."""
    assert parse_response("[1, 2]", list[int]) == [1, 2]
    assert parse_response('{"title": "A", "year": 1999}', Movie) == Movie("A", 1999)
    assert parse_response('{"name": "x"}', Ingredient) == Ingredient(name="x")
    assert parse_response('{"a": 1}', {"type": "object"}) == {"a": 1}
    assert parse_response("red", Color) is Color.RED
    assert parse_response('"green"', Color) is Color.GREEN
    recipe = parse_response(
        '{"title": "t", "ingredients": [], "color": "red", "kind": "dessert"}', Recipe
    )
    assert isinstance(recipe, Recipe)
    assert parse_response("not json", list[int]) is None
    assert parse_response(None, list[int]) is None


def weather(city: str, days: int = 3, units: typing.Literal["c", "f"] = "c") -> dict[str, Any]:
    """Forecast for a city.

    Args:
        city: Where.
    """
    return {"city": city, "days": days}


def plan(recipe: Recipe, colors: list[Color], when: str | None = None) -> list[str]:
    """Plans a meal."""
    return [recipe.title, *[c.value for c in colors], str(when)]


def shop(items: list[Ingredient], budget: float) -> bool:
    return bool(items) and budget > 0


def nothing() -> None:
    """Does nothing."""


@pytest.mark.parametrize("fn", [weather, plan, shop, nothing])
def test_declarations_match_google_genai(fn: Any) -> None:
    """Callable declarations equal google-genai's from_callable(use_json_schema=True)."""
    theirs = gt.FunctionDeclaration.from_callable(
        client=FakeClient(False),
        callable=fn,
        use_json_schema=True,  # type: ignore[arg-type]
    ).model_dump(exclude_none=True, by_alias=True, mode="json")
    assert to_builtins(function_declaration_from_callable(fn)) == theirs


def test_convert_args_integral_floats_structs_and_errors() -> None:
    """Model args become typed call arguments; mismatches raise naming the parameter."""
    args = convert_function_args(weather, {"city": "Oslo", "days": 5.0, "ignored": 1})
    assert args == {"city": "Oslo", "days": 5}
    assert isinstance(args["days"], int)
    args = convert_function_args(
        plan,
        {
            "recipe": {
                "title": "t",
                "ingredients": [{"name": "egg", "grams": 50.0}],
                "color": "red",
                "kind": "dessert",
            },
            "colors": ["green"],
        },
    )
    assert isinstance(args["recipe"], Recipe)
    assert args["colors"] == [Color.GREEN]
    args = convert_function_args(shop, {"items": [{"name": "milk"}], "budget": 3})
    assert args == {"items": [Ingredient(name="milk")], "budget": 3.0}
    with pytest.raises(UnknownFunctionCallArgumentError, match="days"):
        convert_function_args(weather, {"city": "Oslo", "days": "many"})
    with pytest.raises(UnknownFunctionCallArgumentError, match="city"):
        convert_function_args(weather, {"days": 1})
    with pytest.raises(UnknownFunctionCallArgumentError, match="recipe"):
        convert_function_args(plan, {"recipe": {"title": 1}, "colors": []})
    assert plan(
        **convert_function_args(
            plan,
            {
                "recipe": {"title": "t", "ingredients": [], "color": "red", "kind": "dessert"},
                "colors": [],
                "when": None,
            },
        )
    ) == ["t", "None"]


def test_declarations_accept_our_types_in_tools() -> None:
    """A declaration built here is a ``types.FunctionDeclaration``."""
    assert isinstance(function_declaration_from_callable(shop), types.FunctionDeclaration)
