"""``response.parsed``: every schema form parsed as google-genai parses it, failures logged."""

from __future__ import annotations

import dataclasses
import enum
import logging
import typing
from collections.abc import AsyncIterator
from typing import Any

import pydantic
import pytest
import typing_extensions
from google import genai as google_genai
from google.genai import types as gtypes

import genai_actors as ga
from genai_actors._transformers import parse_response
from genai_actors.emulator import Emulator
from tests.conformance._compare import GOOGLE_GENAI_WARNINGS

from .conftest import API_KEY, MODEL

pytestmark = GOOGLE_GENAI_WARNINGS


class City(pydantic.BaseModel):
    name: str
    population: int


@dataclasses.dataclass
class Town:
    name: str
    population: int


class Place(typing_extensions.TypedDict):
    name: str
    population: int


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Rank(enum.Enum):
    ONE = 1
    TWO = 2


_ARRAY_OF_INTS = {"type": "ARRAY", "items": {"type": "INTEGER"}}

# name -> response_schema, for both clients (a Schema is built from the dict on each side).
FORMS: dict[str, Any] = {
    "model": City,
    "list_of_models": list[City],
    "dataclass": Town,
    "list_of_dataclasses": list[Town],
    "typeddict": Place,
    "enum": Color,
    "enum_of_ints": Rank,
    "literal": typing.Literal["north", "south"],
    "optional_model": City | None,
    "typing_optional_model": typing.Optional[City],  # noqa: UP045 - the typing.Union form
    "none_or_model": None | City,
    "model_or_dataclass": City | Town,
    "int_or_str": int | str,
    "optional_list_of_ints": list[int] | None,
    "list_of_str": list[str],
    "int": int,
    "str": str,
    "bool": bool,
    "float": float,
    "dict_schema": {"type": "OBJECT", "properties": {"name": {"type": "STRING"}}},
    "schema": "Schema",
}


@pytest.fixture
async def pair(emu: Emulator) -> AsyncIterator[tuple[ga.AsyncClient, Any]]:
    """Our async client and google-genai's, on the same emulator."""
    theirs = google_genai.Client(
        api_key=API_KEY, http_options=gtypes.HttpOptions(base_url=emu.url)
    ).aio
    async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as ours:
        try:
            yield ours, theirs
        finally:
            await theirs.aclose()


def _assert_same(got: Any, expected: Any) -> None:
    assert type(got) is type(expected)
    assert got == expected
    if isinstance(expected, list):
        assert [type(item) for item in got] == [type(item) for item in expected]


async def _both(
    pair: tuple[ga.AsyncClient, Any], key: str, schema: Any
) -> tuple[ga.types.GenerateContentResponse, gtypes.GenerateContentResponse]:
    ours, theirs = pair
    mine, google = schema, schema
    if schema == "Schema":
        mine, google = ga.types.Schema(**_ARRAY_OF_INTS), gtypes.Schema(**_ARRAY_OF_INTS)

    def config(value: Any) -> dict[str, Any]:
        return {"response_mime_type": "application/json", key: value}

    got = await ours.models.generate_content(model=MODEL, contents="two", config=config(mine))
    expected = await theirs.models.generate_content(
        model=MODEL, contents="two", config=config(google)
    )
    return got, expected


@pytest.mark.parametrize("form", list(FORMS))
async def test_parsed_matches_google_genai(pair: tuple[ga.AsyncClient, Any], form: str) -> None:
    """For each response_schema form, ``parsed`` equals google-genai's for the same call."""
    got, expected = await _both(pair, "response_schema", FORMS[form])
    assert got.text == expected.text
    _assert_same(got.parsed, expected.parsed)


async def test_list_of_models_is_a_list_of_model_instances(
    pair: tuple[ga.AsyncClient, Any],
) -> None:
    """``response_schema=list[Model]`` parses into a list of that model (the reported bug)."""
    got, _ = await _both(pair, "response_schema", list[City])
    assert isinstance(got.parsed, list)
    assert got.parsed
    assert all(isinstance(city, City) for city in got.parsed)


async def test_response_json_schema_dict_matches_google_genai(
    pair: tuple[ga.AsyncClient, Any],
) -> None:
    """A ``response_json_schema`` dict parses to the loaded JSON, as google-genai's does."""
    schema = {"type": "array", "items": {"type": "integer"}}
    got, expected = await _both(pair, "response_json_schema", schema)
    assert got.text == expected.text
    _assert_same(got.parsed, expected.parsed)


def _google_parsed(schema: Any, text: str) -> Any:
    """google-genai's ``parsed`` for a response of ``text`` (config rules applied to schema)."""
    config = gtypes.GenerateContentConfig(response_schema=schema)
    response = {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}}]}
    return gtypes.GenerateContentResponse._from_response(
        response=response, kwargs={"config": {"response_schema": config.response_schema}}
    ).parsed


# Texts the emulator would not send: bad JSON, values that do not fit, lax coercions, and the
# forms only Vertex AI accepts (dict, dict[str, X]).
CASES: list[tuple[Any, str]] = [
    (City, "not json"),
    (City, '{"name": "Oslo"}'),
    (list[City], '[{"name": "Oslo"}]'),
    (list[City], '{"name": "Oslo", "population": 1}'),
    (Color, '"green"'),
    (Color, "red"),
    (Rank, "1"),
    (Rank, '"1"'),
    (typing.Literal["north", "south"], '"east"'),
    (typing.Literal["north", "south"], "north"),
    (int, '"7"'),
    (int, "seven"),
    (float, "3"),
    (bool, '"true"'),
    (list[str], "[1, 2]"),
    (Town, '{"name": "Oslo", "population": "3"}'),
    (Town, '{"name": "Oslo"}'),
    (dict, '{"a": 1}'),
    (dict[str, int], '{"a": "2"}'),
    (dict[str, City], '{"a": {"name": "Oslo", "population": 1}}'),
    (City | None, "null"),
    (City | None, "[1]"),
    (City | None, "oops"),
    (None | City, "[1]"),
    (None | City, '{"name": "Oslo"}'),
    (_ARRAY_OF_INTS, "[1, 2"),
    (_ARRAY_OF_INTS, "[1, 2]"),
]


@pytest.mark.parametrize(("schema", "text"), CASES)
def test_parse_matches_google_genai_on_any_text(schema: Any, text: str) -> None:
    """For texts that fit, half fit or do not fit, ``parsed`` is what google-genai makes of it."""
    _assert_same(parse_response(text, schema), _google_parsed(schema, text))


class _Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def warning(self, event: str, **fields: Any) -> None:
        self.events.append((event, fields))


def test_a_parse_failure_is_reported_not_swallowed() -> None:
    """A text that does not fit gives ``None`` and one ``response.parse_failed`` event."""
    log = _Recorder()
    assert parse_response('{"name": "Oslo"}', City, log=log) is None
    [(event, fields)] = log.events
    assert event == "response.parse_failed"
    assert fields["schema"] == "City"
    assert fields["error"] == "ValidationError"
    assert fields["detail"]
    assert fields["fallback"] is False


def test_a_union_that_falls_back_to_plain_json_reports_the_model_failure() -> None:
    """``None | Model`` on a text the model refuses gives the dict, and says why."""
    log = _Recorder()
    assert parse_response('{"name": "Oslo"}', None | City, log=log) == {"name": "Oslo"}
    [(event, fields)] = log.events
    assert event == "response.parse_failed"
    assert fields["fallback"] is True


def test_a_parse_that_fits_reports_nothing() -> None:
    """A text that fits is parsed without any event."""
    log = _Recorder()
    assert parse_response('{"name": "Oslo", "population": 1}', City, log=log) == City(
        name="Oslo", population=1
    )
    assert log.events == []


async def test_generate_content_logs_a_parse_failure(
    pair: tuple[ga.AsyncClient, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """An enum of ints does not parse (as in google-genai): generate_content logs why."""
    caplog.set_level(logging.WARNING, logger="genai_actors.response")
    got, _ = await _both(pair, "response_schema", Rank)
    assert got.parsed is None
    assert "response.parse_failed" in caplog.text
    assert "Rank" in caplog.text


async def test_streamed_chunks_are_parsed_like_google_genai(
    pair: tuple[ga.AsyncClient, Any],
) -> None:
    """With a schema, each streamed chunk's parsed is its own text parsed, as google-genai's."""
    ours, theirs = pair
    config = {"response_mime_type": "application/json", "response_schema": list[City]}
    got = [
        chunk.parsed
        async for chunk in ours.models.generate_content_stream(
            model=MODEL, contents="two", config=config
        )
    ]
    expected = [
        chunk.parsed
        async for chunk in await theirs.models.generate_content_stream(
            model=MODEL, contents="two", config=config
        )
    ]
    assert any(isinstance(parsed, list) for parsed in got)
    assert len(got) == len(expected)
    for mine, theirs_parsed in zip(got, expected, strict=True):
        _assert_same(mine, theirs_parsed)
