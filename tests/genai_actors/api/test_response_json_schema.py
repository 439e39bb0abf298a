"""``response_json_schema`` given as a Python type: sent as its JSON Schema, parsed into it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors.emulator import Emulator


@dataclasses.dataclass
class City:
    name: str
    population: int


async def test_a_type_is_sent_as_its_json_schema_and_parsed_into_it() -> None:
    """A dataclass becomes its JSON Schema on the wire and ``.parsed`` holds instances of it."""
    async with (
        Emulator() as emu,
        ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as client,
    ):
        response = await client.models.generate_content(
            model="gemini-2.5-flash",
            contents="Two cities",
            config={"response_mime_type": "application/json", "response_json_schema": list[City]},
        )
        sent = emu.recorded[-1].json["generationConfig"]["responseJsonSchema"]
    assert sent["type"] == "array"
    city = sent["$defs"][sent["items"]["$ref"].removeprefix("#/$defs/")]
    assert city["required"] == ["name", "population"]
    assert isinstance(response.parsed, list)
    assert all(isinstance(city, City) for city in response.parsed)


@pytest.mark.parametrize("schema", [42, object(), "a string"])
async def test_anything_else_is_refused_before_sending(schema: Any) -> None:
    """A value that is neither a JSON Schema nor a type fails naming the field; nothing is sent."""
    async with (
        Emulator() as emu,
        ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as client,
    ):
        with pytest.raises(errors.InvalidRequestError, match="response_json_schema"):
            await client.models.generate_content(
                model="gemini-2.5-flash",
                contents="hi",
                config={"response_mime_type": "application/json", "response_json_schema": schema},
            )
        assert len(emu.recorded) == 0
