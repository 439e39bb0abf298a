"""Constructing a wire struct converts and checks its keywords as google-genai's pydantic models.

The oracle is google-genai 3.6.1's own types: for a table of inputs, ours accepts what theirs
accepts (with the same result) and refuses what theirs refuses.
"""

from __future__ import annotations

import datetime
import enum
import importlib
import pkgutil
import warnings
from collections.abc import Callable
from typing import Any

import msgspec
import pydantic
import pytest
from google.genai import types as gt
from hypothesis import given, settings, strategies as st

from genai_actors import types
from genai_actors.errors import InvalidRequestError
from genai_actors.types._base import _Wire, decode_json
from genai_actors.types._construct import _FLEXIBLE, WireMeta, _plan


def _wire_classes() -> list[type[Any]]:
    for info in pkgutil.iter_modules(types.__path__):  # the package imports them lazily
        importlib.import_module(f"{types.__name__}.{info.name}")
    found: list[type[Any]] = []
    stack = list(_Wire.__subclasses__())
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


# ---- nested dicts become structs ------------------------------------------------------------


def test_nested_dicts_become_typed_values() -> None:
    """Dicts, lists of dicts and dict values become their structs; keys in either style."""
    config = types.GenerateContentConfig(
        thinking_config={"thinking_budget": 512, "includeThoughts": True},
        safety_settings=[
            {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"},
            types.SafetySetting(category="HARM_CATEGORY_HATE_SPEECH", threshold="BLOCK_NONE"),
        ],
        tool_config={"function_calling_config": {"mode": "ANY", "allowedFunctionNames": ["f"]}},
    )
    assert isinstance(config.thinking_config, types.ThinkingConfig)
    assert config.thinking_config.thinking_budget == 512
    assert config.thinking_config.include_thoughts is True
    assert config.safety_settings is not None
    assert [type(s) for s in config.safety_settings] == [types.SafetySetting] * 2
    assert config.safety_settings[0].threshold == types.HarmBlockThreshold.BLOCK_NONE
    assert config.tool_config is not None
    assert config.tool_config.function_calling_config is not None
    assert config.tool_config.function_calling_config.allowed_function_names == ["f"]

    declaration = types.FunctionDeclaration(
        name="f",
        parameters={
            "type": "OBJECT",
            "properties": {"x": {"type": "ARRAY", "items": {"type": "STRING"}}},
            "anyOf": [{"type": "NULL"}],
        },
    )
    assert declaration.parameters is not None
    properties = declaration.parameters.properties
    assert properties is not None
    assert isinstance(properties["x"], types.Schema)
    assert isinstance(properties["x"].items, types.Schema)
    assert declaration.parameters.any_of == [types.Schema(type="NULL")]
    assert declaration == gt_equivalent(declaration)


def gt_equivalent(ours: Any) -> Any:
    """Ours rebuilt from google-genai's dump of the same input: the same value."""
    theirs = getattr(gt, type(ours).__name__).model_validate(ours.model_dump(exclude_none=True))
    return type(ours).model_validate(theirs)


def test_given_structs_are_kept_as_they_are() -> None:
    """A value of the declared type is stored as given (no copy), lists included."""
    thinking = types.ThinkingConfig(thinking_budget=3)
    parts = [types.Part(text="a"), types.Part(text="b")]
    assert types.GenerateContentConfig(thinking_config=thinking).thinking_config is thinking
    assert types.Content(parts=parts).parts is parts


def test_other_models_are_read_through_their_fields() -> None:
    """A google-genai model (or another struct) where a struct belongs is converted."""
    config = types.GenerateContentConfig(thinking_config=gt.ThinkingConfig(thinking_budget=7))
    assert config.thinking_config == types.ThinkingConfig(thinking_budget=7)


# A few struct types, built at random: each one's dump (either key style) given back to the
# constructor as nested dicts builds the same value.
_text = st.text(max_size=8)
_schemas = st.recursive(
    st.builds(types.Schema, type=st.sampled_from(["STRING", "INTEGER"]), description=_text),
    lambda inner: st.builds(
        types.Schema,
        type=st.just("OBJECT"),
        properties=st.dictionaries(_text, inner, max_size=3),
        any_of=st.one_of(st.none(), st.lists(inner, max_size=2)),
        items=st.one_of(st.none(), inner),
    ),
    max_leaves=6,
)
_parts = st.one_of(
    st.builds(types.Part, text=_text),
    st.builds(types.Part, inline_data=st.builds(types.Blob, data=st.binary(max_size=8))),
    st.builds(
        types.Part,
        function_call=st.builds(
            types.FunctionCall,
            name=_text,
            args=st.dictionaries(_text, st.one_of(st.integers(), _text), max_size=2),
        ),
    ),
)
_values = st.one_of(
    st.builds(types.Content, role=st.sampled_from(["user", "model"]), parts=st.lists(_parts)),
    st.builds(
        types.Tool,
        function_declarations=st.lists(
            st.builds(types.FunctionDeclaration, name=_text, parameters=_schemas), max_size=2
        ),
    ),
    st.builds(
        types.GenerateContentConfig,
        temperature=st.one_of(st.none(), st.floats(0, 2)),
        thinking_config=st.one_of(
            st.none(), st.builds(types.ThinkingConfig, thinking_budget=st.integers(0, 99))
        ),
        safety_settings=st.one_of(
            st.none(),
            st.lists(
                st.builds(
                    types.SafetySetting,
                    category=st.sampled_from(list(types.HarmCategory)),
                    threshold=st.sampled_from(list(types.HarmBlockThreshold)),
                ),
                max_size=2,
            ),
        ),
        labels=st.one_of(st.none(), st.dictionaries(_text, _text, max_size=2)),
    ),
)


@settings(max_examples=60, deadline=None)
@given(_values, st.booleans(), st.sampled_from(["python", "json"]))
def test_nested_dicts_at_every_depth_build_the_same_value(
    value: Any, by_alias: bool, mode: str
) -> None:
    """cls(**dump) == value, with the dump's nested dicts (and lists of them) at any depth."""
    dumped = value.model_dump(by_alias=by_alias, exclude_none=True, mode=mode)
    assert type(value)(**dumped) == value
    assert type(value).model_validate(dumped) == value


# ---- wrong values fail, naming the field ----------------------------------------------------

_BAD: list[tuple[Callable[[], Any], str, str]] = [
    (lambda: types.GenerateContentConfig(temperature="hot"), "temperature", "number"),
    (lambda: types.GenerateContentConfig(max_output_tokens=2.5), "max_output_tokens", "integer"),
    (lambda: types.GenerateContentConfig(stop_sequences="END"), "stop_sequences", "list"),
    (lambda: types.GenerateContentConfig(stop_sequences=["a", 1]), "stop_sequences[1]", "string"),
    (lambda: types.GenerateContentConfig(labels={"a": 1}), "labels['a']", "string"),
    (lambda: types.GenerateContentConfig(thinking_config=[1]), "thinking_config", "dict"),
    (
        lambda: types.GenerateContentConfig(thinking_config={"thinking_budget": "lots"}),
        "thinking_config.thinking_budget",
        "integer",
    ),
    (
        lambda: types.GenerateContentConfig(thinking_config={"thinking_budgte": 3}),
        "thinking_config.thinking_budgte",
        "did you mean 'thinking_budget'",
    ),
    (
        lambda: types.GenerateContentConfig(safety_settings=[{}, {"threshold": 3}]),
        "safety_settings[1].threshold",
        "HarmBlockThreshold",
    ),
    (
        lambda: types.Content(parts=[{"text": "a"}, {"inline_data": {"data": 5}}]),
        "parts[1].inline_data.data",
        "bytes",
    ),
    (
        lambda: types.FunctionDeclaration(parameters={"properties": {"x": {"type": 1}}}),
        "parameters.properties['x'].type",
        "Type",
    ),
    (lambda: types.ThinkingConfig(include_thoughts="maybe"), "include_thoughts", "boolean"),
    (lambda: types.File(create_time="yesterday"), "create_time", "datetime"),
    (lambda: types.GenerateContentConfig(max_output_token=5), "max_output_token", "did you"),
    (
        lambda: types.GenerateContentConfig(max_output_tokens=5, maxOutputTokens=6),
        "max_output_tokens",
        "twice",
    ),
]


@pytest.mark.parametrize(("build", "path", "words"), _BAD)
def test_a_wrong_value_fails_at_construction_naming_the_field(
    build: Callable[[], Any], path: str, words: str
) -> None:
    """InvalidRequestError (a ValueError, like pydantic's ValidationError) with the path."""
    with pytest.raises(ValueError) as info:
        build()
    assert isinstance(info.value, InvalidRequestError)
    assert info.value.path == path
    assert words in str(info.value)
    assert "(building " in str(info.value)


def test_positional_arguments_are_a_type_error() -> None:
    """The structs are keyword-only, as google-genai's models."""
    with pytest.raises(TypeError):
        types.Part("text")  # type: ignore[misc]


# ---- lax conversions ------------------------------------------------------------------------


def test_lax_values_convert_like_pydantic() -> None:
    """int for float, numeric text, 0/1 and yes/no for bools, tuples and generators for lists,
    base64 text for bytes, ISO text and Unix times for datetimes, camelCase keywords."""
    config = types.GenerateContentConfig(
        temperature=1,
        top_p="0.5",
        max_output_tokens="12",
        seed=3.0,
        stop_sequences=("a", "b"),
        response_modalities=(m for m in ["TEXT"]),
    )
    assert config.temperature == 1.0
    assert type(config.temperature) is float
    assert config.top_p == 0.5
    assert config.max_output_tokens == 12
    assert config.seed == 3
    assert config.stop_sequences == ["a", "b"]
    assert config.response_modalities == [types.Modality.TEXT]
    assert types.ThinkingConfig(include_thoughts="yes").include_thoughts is True
    assert types.ThinkingConfig(include_thoughts=0).include_thoughts is False
    blob = types.Blob(data="aGVsbG8=")
    assert blob.data == b"hello"
    assert type(types.Blob(data=b"x").data) is types.Base64Bytes
    stamp = types.File(create_time=0).create_time
    assert stamp == datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    assert types.File(create_time="2025-01-02T03:04:05Z").create_time == datetime.datetime(
        2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC
    )
    assert types.GenerateContentConfig(maxOutputTokens=5).max_output_tokens == 5


def test_enum_fields_take_members_and_strings() -> None:
    """An enum-valued field takes a member, its value in any case, or a value this release
    does not know (checked when a request is built); anything else is refused."""
    setting = types.SafetySetting(
        category=types.HarmCategory.HARM_CATEGORY_HARASSMENT, threshold="block_none"
    )
    assert setting.category is types.HarmCategory.HARM_CATEGORY_HARASSMENT
    assert setting.threshold is types.HarmBlockThreshold.BLOCK_NONE
    newer = types.SafetySetting(threshold="BLOCK_SOMETHING_NEWER")
    assert newer.threshold == "BLOCK_SOMETHING_NEWER"
    theirs = types.SafetySetting(threshold=gt.HarmBlockThreshold.BLOCK_ONLY_HIGH)
    assert theirs.threshold is types.HarmBlockThreshold.BLOCK_ONLY_HIGH
    # An enum member where a plain string belongs is stored as its value.
    mime = types.GenerateContentConfig(
        response_mime_type=types.HarmCategory.HARM_CATEGORY_HARASSMENT
    )
    assert type(mime.response_mime_type) is str


def test_flexible_fields_keep_what_they_take() -> None:
    """contents, tools, schemas and the like keep any value as given but a dict, which becomes
    the struct google-genai makes of it (tests/genai_actors/types/test_flexible_fields.py)."""

    def get_weather(city: str) -> str:
        return city

    class Answer(pydantic.BaseModel):
        city: str

    tools = [get_weather, {"function_declarations": [{"name": "f"}]}, types.Tool()]
    config = types.GenerateContentConfig(
        tools=tools,
        response_schema=list[Answer],
        system_instruction=["be brief", types.Part(text="and kind")],
        speech_config="Kore",
        response_json_schema={"type": "object"},
    )
    assert config.tools[0] is get_weather
    assert config.tools[1] == types.Tool(
        function_declarations=[types.FunctionDeclaration(name="f")]
    )
    assert config.tools[2] is tools[2]
    assert config.response_schema == list[Answer]
    assert config.system_instruction == ["be brief", types.Part(text="and kind")]
    assert config.speech_config == "Kore"
    assert types.GenerateContentConfig(response_schema=Answer).response_schema is Answer


# ---- the oracle: google-genai's own types ---------------------------------------------------

_ORACLE: list[tuple[str, dict[str, Any]]] = [
    ("GenerateContentConfig", {"temperature": 3}),
    ("GenerateContentConfig", {"temperature": True}),
    ("GenerateContentConfig", {"temperature": "0.5"}),
    ("GenerateContentConfig", {"temperature": "hot"}),
    ("GenerateContentConfig", {"temperature": None}),
    ("GenerateContentConfig", {"temperature": [1.0]}),
    ("GenerateContentConfig", {"max_output_tokens": True}),
    ("GenerateContentConfig", {"max_output_tokens": 3.0}),
    ("GenerateContentConfig", {"max_output_tokens": 3.5}),
    ("GenerateContentConfig", {"max_output_tokens": "12"}),
    ("GenerateContentConfig", {"max_output_tokens": " 12 "}),
    ("GenerateContentConfig", {"max_output_tokens": "12.0"}),
    ("GenerateContentConfig", {"max_output_tokens": "1e3"}),
    ("GenerateContentConfig", {"max_output_tokens": "0x10"}),
    ("GenerateContentConfig", {"max_output_tokens": b"12"}),
    ("GenerateContentConfig", {"seed": 2**70}),
    ("GenerateContentConfig", {"response_mime_type": b"text/plain"}),
    ("GenerateContentConfig", {"response_mime_type": 3}),
    ("GenerateContentConfig", {"stop_sequences": ("a", "b")}),
    ("GenerateContentConfig", {"stop_sequences": {"a"}}),
    ("GenerateContentConfig", {"stop_sequences": "ab"}),
    ("GenerateContentConfig", {"stop_sequences": ["a", 1]}),
    ("GenerateContentConfig", {"stop_sequences": {"a": 1}}),
    ("GenerateContentConfig", {"labels": {"a": "b"}}),
    ("GenerateContentConfig", {"labels": {"a": 1}}),
    ("GenerateContentConfig", {"labels": {1: "a"}}),
    ("GenerateContentConfig", {"labels": [("a", "b")]}),
    ("GenerateContentConfig", {"thinking_config": {"thinking_budget": 5}}),
    ("GenerateContentConfig", {"thinking_config": {"thinkingBudget": 5}}),
    ("GenerateContentConfig", {"thinking_config": {"thinking_budgte": 5}}),
    ("GenerateContentConfig", {"thinking_config": [1]}),
    ("GenerateContentConfig", {"thinking_config": "x"}),
    ("GenerateContentConfig", {"max_output_token": 5}),
    ("GenerateContentConfig", {"maxOutputTokens": 5}),
    (
        "GenerateContentConfig",
        {"safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "block_none"}]},
    ),
    ("GenerateContentConfig", {"safety_settings": {"category": "HARM_CATEGORY_HARASSMENT"}}),
    ("ThinkingConfig", {"include_thoughts": 1}),
    ("ThinkingConfig", {"include_thoughts": 2}),
    ("ThinkingConfig", {"include_thoughts": "yes"}),
    ("ThinkingConfig", {"include_thoughts": "Off"}),
    ("ThinkingConfig", {"include_thoughts": " true"}),
    ("ThinkingConfig", {"include_thoughts": 1.0}),
    ("ThinkingConfig", {"thinking_budget": float("inf")}),
    ("ThinkingConfig", {"thinking_budget": "-5"}),
    ("ThinkingConfig", {"thinking_budget": "12."}),
    ("Blob", {"data": "aGVsbG8="}),
    ("Blob", {"data": "aGVsbG8"}),
    ("Blob", {"data": "hello!"}),
    ("Blob", {"data": b"x"}),
    ("Blob", {"data": bytearray(b"x")}),
    ("Blob", {"data": 3}),
    ("File", {"create_time": "2024-01-01T00:00:00Z"}),
    ("File", {"create_time": 0}),
    ("File", {"create_time": 1.5}),
    ("File", {"create_time": "1700000000"}),
    ("File", {"create_time": "yesterday"}),
    ("File", {"size_bytes": "2048"}),
    ("FunctionCall", {"args": {"a": [1, {"b": None}]}}),
    ("FunctionCall", {"args": [1]}),
    ("FunctionCall", {"args": {1: "a"}}),
    ("Content", {"parts": [{"text": "hi"}, {"inlineData": {"data": b"x", "mime_type": "a/b"}}]}),
    ("Content", {"parts": ({"text": "x"},)}),
    ("Content", {"parts": ["hi"]}),
    ("Content", {"parts": [{"txt": "hi"}]}),
    ("Content", {"role": 1}),
    ("Part", {"text": "x", "thought": "true"}),
    ("Part", {"function_response": {"name": "f", "response": {"output": 1}}}),
    ("Part", {"video_metadata": {"fps": "2", "start_offset": "1.5s"}}),
    ("Tool", {"function_declarations": [{"name": "f", "parameters": {"type": "OBJECT"}}]}),
    ("Tool", {"google_search": {}}),
    ("Schema", {"type": "STRING", "enum": ["a", "b"], "nullable": "false"}),
    ("Schema", {"properties": {"x": {"type": "INTEGER"}}, "required": ["x"]}),
    ("Schema", {"properties": {"x": "INTEGER"}}),
    ("Schema", {"max_items": "3"}),
    ("SafetySetting", {"threshold": 3}),
    ("SafetySetting", {"threshold": "BLOCK_NONE", "category": "harm_category_harassment"}),
]


def _theirs(name: str, kwargs: dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(gt, name)(**kwargs)


def _comparable(value: Any) -> Any:
    """A JSON dump with the keys both sides know (google-genai's Vertex-only fields cut)."""
    return value.model_dump(mode="json", exclude_none=True)


@pytest.mark.parametrize(("name", "kwargs"), _ORACLE, ids=lambda v: repr(v)[:60])
def test_accepts_and_refuses_what_google_genai_does(name: str, kwargs: dict[str, Any]) -> None:
    """The same input is accepted by both (with the same value) or refused by both."""
    try:
        theirs = _theirs(name, dict(kwargs))
    except (pydantic.ValidationError, AttributeError):  # AttributeError: an int for an enum
        theirs = None
    try:
        ours = getattr(types, name)(**dict(kwargs))
    except InvalidRequestError:
        ours = None
    assert (ours is None) == (theirs is None), (ours, theirs)
    if ours is not None:
        assert _comparable(ours) == _comparable(theirs)


# ---- decode and copy -------------------------------------------------------------------------


def test_decoding_never_runs_the_constructor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Responses decode in C without WireMeta.__call__ (which a test here makes fail)."""

    def refuse(cls: Any, /, **kwargs: Any) -> Any:
        raise AssertionError(f"{cls.__name__} constructed")

    body = (
        b'{"candidates":[{"content":{"role":"model","parts":[{"text":"hi"},'
        b'{"inlineData":{"data":"aGk=","mimeType":"a/b"}}]},"finishReason":"STOP"}],'
        b'"usageMetadata":{"promptTokenCount":3}}'
    )
    monkeypatch.setattr(WireMeta, "__call__", refuse)
    with pytest.raises(AssertionError, match="Part constructed"):
        types.Part(text="x")
    response = decode_json(body, types.GenerateContentResponse)
    converted = msgspec.convert({"text": "x"}, types.Part)
    monkeypatch.undo()
    assert response.text == "hi"
    assert response.candidates is not None
    assert response.candidates[0].finish_reason is types.FinishReason.STOP
    assert converted == types.Part(text="x")


def test_model_copy_update_converts_and_checks() -> None:
    """model_copy(update=...) converts dicts (either key style) and refuses wrong values."""
    config = types.GenerateContentConfig(temperature=0.5)
    copied = config.model_copy(update={"thinking_config": {"thinkingBudget": 3}, "seed": "4"})
    assert copied.thinking_config == types.ThinkingConfig(thinking_budget=3)
    assert copied.seed == 4
    assert config.thinking_config is None
    assert config.model_copy(update={"maxOutputTokens": 9}).max_output_tokens == 9
    with pytest.raises(InvalidRequestError) as info:
        config.model_copy(update={"safety_settings": [{"threshold": []}]})
    assert info.value.path == "safety_settings[0].threshold"
    assert config.safety_settings is None


def test_model_construct_skips_the_checks() -> None:
    """model_construct stores values unchecked, as pydantic's does."""
    config = types.GenerateContentConfig.model_construct(top_k="many")
    assert config.top_k == "many"  # type: ignore[comparison-overlap]


# ---- every struct type ----------------------------------------------------------------------


def test_every_wire_struct_takes_dicts_and_refuses_wrong_values() -> None:
    """Each wire struct (generated ones included) converts: a plan compiles for each, its
    empty dump builds it back, and a list where a scalar field belongs is refused."""
    classes = _wire_classes()
    assert len(classes) > 400
    refused = 0
    flexible = {conv for _, conv in _FLEXIBLE.values()}  # a list of parts is a content
    for cls in classes:
        assert isinstance(cls, WireMeta), cls
        plan = _plan(cls)
        assert cls(**cls().model_dump()) == cls()
        scalar = next(
            (
                name
                for name, ok in plan.fast.items()
                if ok & {str, int, float, bool} and plan.convs[name] not in flexible
            ),
            None,
        )
        if scalar is None:
            continue
        with pytest.raises(InvalidRequestError) as info:
            cls(**{scalar: [object()]})
        assert info.value.path == scalar
        refused += 1
    assert refused > 300


def test_enum_members_of_other_enums_become_plain_strings() -> None:
    """A non-enum str field given any enum member stores its value as a plain str."""

    class Colour(enum.Enum):
        RED = "red"

    assert type(types.Part(text=gt.Language.PYTHON).text) is str
    with pytest.raises(InvalidRequestError):
        types.Part(text=Colour.RED)
