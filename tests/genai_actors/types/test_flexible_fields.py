"""Dicts in the flexible fields (contents, system_instruction, tools, speech_config) become the
structs google-genai's pydantic unions make of them, checked against google-genai's own types."""

from __future__ import annotations

from typing import Any

import pytest
from google.genai import types as theirs
from hypothesis import given, strategies as st

from genai_actors import errors, types as ours


def shape(value: Any) -> Any:
    """The type names of ``value`` (nested lists kept), to compare across the SDKs."""
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


CONTENT_INPUTS: dict[str, Any] = {
    "content": {"role": "user", "parts": [{"text": "a"}]},
    "content, no role": {"parts": []},
    "role only": {"role": "user"},
    "part": {"text": "a"},
    "part, camelCase": {"inlineData": {"data": b"x", "mimeType": "a/b"}},
    "file": {"uri": "https://x", "mime_type": "text/plain"},
    "file by name": {"name": "files/abc"},
    "empty dict": {},
    "list of parts": [{"text": "a"}, "b"],
    "string": "hello",
    "typed part": theirs.Part(text="x"),
}
CONTENTS_INPUTS: dict[str, Any] = {
    **CONTENT_INPUTS,
    "list of contents": [
        {"role": "user", "parts": [{"text": "a"}]},
        {"role": "model", "parts": [{"text": "b"}]},
    ],
    "content and string": [{"role": "user", "parts": [{"text": "a"}]}, "b"],
    "content and part": [{"role": "user", "parts": [{"text": "a"}]}, {"text": "b"}],
    "nested parts": [["a", {"text": "b"}], "c"],
}
REFUSED_CONTENT: dict[str, Any] = {
    "content and part keys": {"text": "a", "role": "user"},
    "unknown key": {"bogus": 1},
    "list of contents": [{"role": "user", "parts": [{"text": "a"}]}],
    "part with a bad value": {"text": ["not", "text"]},
}


def _mirror(value: Any) -> Any:
    """``value`` with google-genai's typed values replaced by ours."""
    if isinstance(value, theirs.Part):
        return ours.Part(text=value.text)
    if isinstance(value, list):
        return [_mirror(v) for v in value]
    return value


@pytest.mark.parametrize("value", list(CONTENT_INPUTS.values()), ids=list(CONTENT_INPUTS))
@pytest.mark.parametrize("config", ["GenerateContentConfig", "CreateCachedContentConfig"])
def test_system_instruction_dicts_become_what_google_genai_makes(config: str, value: Any) -> None:
    expected = getattr(theirs, config)(system_instruction=value).system_instruction
    got = getattr(ours, config)(system_instruction=_mirror(value)).system_instruction
    assert shape(got) == shape(expected)
    assert ours.Content.model_validate({"parts": []}) == ours.Content(parts=[])
    if not isinstance(expected, str | list):
        assert got.model_dump(exclude_none=True) == expected.model_dump(exclude_none=True)


@pytest.mark.parametrize("value", list(CONTENTS_INPUTS.values()), ids=list(CONTENTS_INPUTS))
def test_contents_dicts_become_what_google_genai_makes(value: Any) -> None:
    expected = theirs.CreateCachedContentConfig(contents=value).contents
    assert shape(ours.CreateCachedContentConfig(contents=_mirror(value)).contents) == shape(
        expected
    )
    assert shape(ours.InlinedRequest(contents=_mirror(value)).contents) == shape(
        theirs.InlinedRequest(contents=value).contents
    )


@pytest.mark.parametrize("value", list(REFUSED_CONTENT.values()), ids=list(REFUSED_CONTENT))
def test_a_dict_that_fits_no_content_type_is_refused_as_by_google_genai(value: Any) -> None:
    with pytest.raises(ValueError):  # pydantic.ValidationError
        theirs.GenerateContentConfig(system_instruction=value)
    with pytest.raises(errors.InvalidRequestError) as info:
        ours.GenerateContentConfig(system_instruction=value)
    assert info.value.path.startswith("system_instruction")
    assert "Content" in str(info.value)


def test_the_error_names_the_key_of_the_type_the_dict_comes_closest_to() -> None:
    with pytest.raises(errors.InvalidRequestError) as info:
        ours.GenerateContentConfig(system_instruction={"text": "a", "thougth": True})
    assert info.value.path == "system_instruction.thougth"
    assert "did you mean 'thought'" in str(info.value)


def test_tool_dicts_become_tools_and_other_entries_are_kept() -> None:
    def get_weather(city: str) -> str:
        return city

    declared = {"function_declarations": [{"name": "f", "parameters": {"type": "OBJECT"}}]}
    for sdk in (theirs, ours):
        tools = sdk.GenerateContentConfig(tools=[declared, {"googleSearch": {}}, get_weather]).tools
        assert shape(tools) == ["Tool", "Tool", "function"]
        assert tools[2] is get_weather
        assert type(tools[0].function_declarations[0].parameters).__name__ == "Schema"
        assert tools[1].google_search is not None
        live = sdk.LiveConnectConfig(tools=[declared]).tools
        assert shape(live) == ["Tool"]
        cached = sdk.CreateCachedContentConfig(tools=[declared]).tools
        assert shape(cached) == ["Tool"]
    with pytest.raises(errors.InvalidRequestError) as info:
        ours.GenerateContentConfig(tools=[{"bogus": 1}])
    assert info.value.path == "tools[0].bogus"
    with pytest.raises(errors.InvalidRequestError):
        ours.GenerateContentConfig(tools={"google_search": {}})  # not a list: refused by both


def test_speech_config_dict_becomes_a_speech_config() -> None:
    value = {"voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}}}
    for sdk in (theirs, ours):
        config = sdk.GenerateContentConfig(speech_config=value)
        assert config.speech_config.voice_config.prebuilt_voice_config.voice_name == "Kore"
        assert sdk.GenerateContentConfig(speech_config="Kore").speech_config == "Kore"
    with pytest.raises(errors.InvalidRequestError):
        ours.GenerateContentConfig(speech_config={"bogus": 1})


def test_model_validate_and_model_copy_type_the_flexible_fields_too() -> None:
    config = ours.GenerateContentConfig.model_validate(
        {"systemInstruction": {"parts": [{"text": "be brief"}]}, "tools": [{"google_search": {}}]}
    )
    assert config.system_instruction == ours.Content(parts=[ours.Part(text="be brief")])
    assert config.tools == [ours.Tool(google_search=ours.GoogleSearch())]
    copied = config.model_copy(update={"system_instruction": {"text": "be kind"}})
    assert copied.system_instruction == ours.Part(text="be kind")


def test_typed_flexible_fields_build_the_same_request_as_their_dicts() -> None:
    from genai_actors._transformers._generate import generate_content_request

    as_dicts = {
        "system_instruction": {"parts": [{"text": "be brief"}]},
        "tools": [{"function_declarations": [{"name": "f", "description": "d"}]}],
        "speech_config": {"voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}}},
    }
    typed = ours.GenerateContentConfig(**as_dicts)
    assert not any(isinstance(v, dict) for v in (typed.system_instruction, typed.speech_config))
    a = generate_content_request("gemini-2.5-flash", "hi", typed)
    b = generate_content_request("gemini-2.5-flash", "hi", as_dicts)
    assert a.body == b.body


_TEXT = st.text(max_size=8)
_PART_DICTS = st.fixed_dictionaries({"text": _TEXT}) | st.fixed_dictionaries(
    {"inline_data": st.fixed_dictionaries({"data": st.binary(max_size=4), "mime_type": _TEXT})}
)
_CONTENT_DICTS = st.fixed_dictionaries(
    {"parts": st.lists(_PART_DICTS, max_size=3)},
    optional={"role": st.sampled_from(["user", "model"])},
)
_CONTENT_VALUES = _TEXT | _PART_DICTS | _CONTENT_DICTS | st.lists(_TEXT | _PART_DICTS, max_size=3)


@given(st.lists(_CONTENT_VALUES, max_size=4) | _CONTENT_VALUES)
def test_contents_of_any_form_are_typed_as_by_google_genai(value: Any) -> None:
    expected = theirs.CreateCachedContentConfig(contents=value).contents
    got = ours.CreateCachedContentConfig(contents=value).contents
    assert shape(got) == shape(expected)


@pytest.mark.parametrize(
    "dest", [{"gcs_uri": "gs://b/out"}, {"bigquery_uri": "bq://p.d.t"}, "gs://b/out"]
)
def test_a_batch_dest_dict_becomes_a_batch_job_destination(dest: Any) -> None:
    expected = theirs.CreateBatchJobConfig(dest=dest).dest
    got = ours.CreateBatchJobConfig(dest=dest).dest
    assert shape(got) == shape(expected)
    if not isinstance(expected, str):
        assert got.model_dump(exclude_none=True) == expected.model_dump(exclude_none=True)
    with pytest.raises(errors.InvalidRequestError) as info:
        ours.CreateBatchJobConfig(dest={"gcs_urii": "gs://b"})
    assert info.value.path == "dest.gcs_urii"
