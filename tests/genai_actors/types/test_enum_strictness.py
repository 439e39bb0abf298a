"""Enum-valued fields in requests: case-insensitive, a near-miss of a known value refused, a
value unknown to this release sent with a warning; lenient in responses."""

from __future__ import annotations

import enum
import json
import typing
from typing import Any

import msgspec
import msgspec.inspect as mi
import pydantic
import pytest
from google.genai import types as theirs
from hypothesis import given, strategies as st

from genai_actors import types
from genai_actors._transformers import coerce, normalize_keys
from genai_actors._transformers._errors import InvalidRequestError
from genai_actors._transformers._generate import (
    count_tokens_request,
    generate_content_request,
)
from genai_actors._transformers._images import edit_image_request
from genai_actors._transformers._models_api import (
    generate_images_request,
    generate_videos_request,
)
from genai_actors._transformers._names import VertexLocation
from genai_actors.types import UnknownEnumValueWarning
from genai_actors.types._base import decode_json
from genai_actors.types._validate import EnumRule, check_struct, enum_mark

VERTEX = VertexLocation("proj", "us-central1")
MODEL = "gemini-2.5-flash"


def body(request: Any) -> Any:
    return json.loads(request.body)


def bad(call: Any) -> InvalidRequestError:
    with pytest.raises(InvalidRequestError) as info:
        call()
    return info.value


# --- the bugs of the brief, as dicts and as typed structs ------------------------------


@pytest.mark.parametrize(
    ("config", "path", "nearest"),
    [
        (
            {
                "safety_settings": [
                    {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_ONLY_HIHG"}
                ]
            },
            "config.safety_settings[0].threshold",
            "BLOCK_ONLY_HIGH",
        ),
        (
            {"safetySettings": [{"category": "HARM_CATEGORY_HATE_SPEACH", "threshold": "OFF"}]},
            "config.safety_settings[0].category",
            "HARM_CATEGORY_HATE_SPEECH",
        ),
        ({"responseModalities": ["TEXTT"]}, "config.response_modalities[0]", "TEXT"),
        (
            {"thinking_config": {"thinking_level": "HIHG"}},
            "config.thinking_config.thinking_level",
            "HIGH",
        ),
        (
            {"media_resolution": "MEDIA_RESOLUTION_HUGE"},
            "config.media_resolution",
            "MEDIA_RESOLUTION_HIGH",
        ),
        (
            {"tool_config": {"function_calling_config": {"mode": "ANYY"}}},
            "config.tool_config.function_calling_config.mode",
            "ANY",
        ),
        ({"response_schema": {"type": "STRNG"}}, "config.response_schema.type", "STRING"),
        ({"service_tier": "flexx"}, "config.service_tier", "flex"),
    ],
)
def test_dict_config_with_a_near_miss_enum_value_fails_naming_field_and_value_meant(
    config: dict[str, Any], path: str, nearest: str
) -> None:
    """A near-miss of a known value raises before sending; the path is snake_case."""
    error = bad(lambda: generate_content_request(MODEL, "hi", config))
    assert error.path == path
    assert "allowed: " in error.reason
    assert isinstance(error, ValueError)
    assert f"did you mean {nearest!r}" in error.reason


@pytest.mark.parametrize(
    ("config", "path"),
    [
        (
            types.GenerateContentConfig(
                safety_settings=[
                    types.SafetySetting(
                        category="HARM_CATEGORY_HATE_SPEECH", threshold="BLOCK_ONLY_HIHG"
                    )
                ]
            ),
            "config.safety_settings[0].threshold",
        ),
        (
            types.GenerateContentConfig(response_modalities=["TEXT", "TEXTT"]),
            "config.response_modalities[1]",
        ),
        (
            types.GenerateContentConfig(
                thinking_config=types.ThinkingConfig(thinking_level="HIHG")
            ),
            "config.thinking_config.thinking_level",
        ),
        (
            types.GenerateContentConfig(
                tools=[
                    types.Tool(
                        function_declarations=[
                            types.FunctionDeclaration(name="f", behavior="BLOKING")
                        ]
                    )
                ]
            ),
            "config.tools[0].function_declarations[0].behavior",
        ),
        (
            types.GenerateContentConfig(response_schema=types.Schema(type="STRNG")),
            "config.response_schema.type",
        ),
        (
            types.GenerateContentConfig(
                audio_transcription_config=types.AudioTranscriptionConfig(mode="SMRT")
            ),
            "config.audio_transcription_config.mode",
        ),
    ],
)
def test_typed_config_with_a_near_miss_enum_value_fails_naming_field(
    config: types.GenerateContentConfig, path: str
) -> None:
    """A typed config with a near-miss enum value raises before sending, naming the field."""
    error = bad(lambda: generate_content_request(MODEL, "hi", config))
    assert error.path == path
    assert "is not a valid" in error.reason
    assert "did you mean" in error.reason
    vertex_config = types.GenerateContentConfig(
        image_config=types.ImageConfig(prominent_people="ALLOW_PROMINENT_PEOPLES")
    )
    error = bad(lambda: generate_content_request(MODEL, "hi", vertex_config, vertex=VERTEX))
    assert error.path == "config.image_config.prominent_people"
    assert "allowed: " in error.reason


def test_typed_contents_with_a_near_miss_enum_value_fail_naming_the_part() -> None:
    """A near-miss enum value in a typed Part of the contents names contents[i].parts[j]."""
    history = [
        types.Content(role="user", parts=[types.Part(text="hi")]),
        types.Content(
            role="user",
            parts=[
                types.Part(text="x"),
                types.Part(
                    function_response=types.FunctionResponse(
                        name="f", response={"ok": True}, scheduling="SILENTT"
                    )
                ),
            ],
        ),
    ]
    error = bad(lambda: generate_content_request(MODEL, history))
    assert error.path == "contents[1].parts[1].function_response.scheduling"
    assert "FunctionResponseScheduling" in error.reason
    part = {"video_metadata": {"content_layers": ["AUDIO", "FRAMS"]}, "text": "t"}
    error = bad(lambda: generate_content_request(MODEL, [{"role": "user", "parts": [part]}]))
    assert error.path == "contents[0].parts[0].video_metadata.content_layers[1]"


def test_count_tokens_checks_enum_values_on_vertex() -> None:
    """countTokens sends generation_config on Vertex AI, so its enum values are checked."""
    config = {"generation_config": {"media_resolution": "LOW"}}
    error = bad(lambda: count_tokens_request(MODEL, "hi", config, vertex=VERTEX))
    assert error.path == "config.generation_config.media_resolution"
    assert "did you mean 'MEDIA_RESOLUTION_LOW'" in error.reason


def test_vertex_only_renamed_fields_are_checked_too() -> None:
    """Fields sent under another name on Vertex AI (modelConfig) are still checked when typed."""
    config = types.GenerateContentConfig(
        model_selection_config=types.ModelSelectionConfig(feature_selection_preference="BALANCD")
    )
    error = bad(lambda: generate_content_request(MODEL, "hi", config, vertex=VERTEX))
    assert error.path == "config.model_selection_config.feature_selection_preference"


def test_other_builders_check_their_enum_fields() -> None:
    """Image, video and edit configs reject near-miss enum values, typed or dict."""
    error = bad(
        lambda: generate_images_request(
            "imagen-4.0-generate-001",
            "a cat",
            {"safety_filter_level": "BLOCK_NONNE"},
            vertex=VERTEX,
        )
    )
    assert error.path == "config.safety_filter_level"
    error = bad(
        lambda: generate_images_request(
            "imagen-4.0-generate-001",
            "a cat",
            types.GenerateImagesConfig(person_generation="ALLOW_AL"),
            vertex=VERTEX,
        )
    )
    assert error.path == "config.person_generation"
    assert "did you mean 'ALLOW_ALL'" in error.reason
    error = bad(
        lambda: generate_videos_request(
            "veo-3.0-generate-001",
            prompt="a cat",
            config=types.GenerateVideosConfig(compression_quality="LOSSLES"),
        )
    )
    assert error.path == "config.compression_quality"
    error = bad(
        lambda: edit_image_request(
            "imagen-3.0-capability-001",
            "edit",
            [],
            {"edit_mode": "EDIT_MODE_DEFALT"},
            vertex=VERTEX,
        )
    )
    assert error.path == "config.edit_mode"


# --- what is accepted, and what goes on the wire -----------------------------------------


def test_members_values_and_other_cases_are_accepted_and_sent_canonical() -> None:
    """StrEnum members, exact values and any letter case are accepted; the wire is canonical."""
    config = {
        "safety_settings": [
            {
                "category": types.HarmCategory.HARM_CATEGORY_HARASSMENT,
                "threshold": "block_none",
            }
        ],
        "response_modalities": ["text", "Image"],
        "thinking_config": {"thinking_level": "low"},
        "service_tier": "FLEX",
        "response_schema": {"type": "object", "properties": {"a": {"type": "string"}}},
    }
    sent = body(generate_content_request(MODEL, "hi", config))
    assert sent["safetySettings"] == [
        {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}
    ]
    generation = sent["generationConfig"]
    assert generation["responseModalities"] == ["TEXT", "IMAGE"]
    assert generation["thinkingConfig"] == {"thinkingLevel": "LOW"}
    assert generation["responseSchema"]["properties"]["a"]["type"] == "STRING"
    assert sent["serviceTier"] == "flex"


def _raw(struct: Any, **fields: Any) -> Any:
    """``struct`` with ``fields`` set as given (past any conversion at construction, which
    makes a value in another letter case the member, as pydantic does for google-genai)."""
    return msgspec.structs.replace(struct, **fields)


def test_typed_values_in_other_cases_are_sent_canonical_and_the_input_is_untouched() -> None:
    """Typed structs with lower-case enum values are sent canonical; the user's object keeps its."""
    setting = _raw(
        types.SafetySetting(), category="harm_category_harassment", threshold="Block_None"
    )
    config = _raw(
        types.GenerateContentConfig(),
        safety_settings=[setting],
        response_schema=_raw(types.Schema(), type="string"),
        response_modalities=["text"],
    )
    sent = body(generate_content_request(MODEL, "hi", config))
    assert sent["safetySettings"] == [
        {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}
    ]
    assert sent["generationConfig"]["responseSchema"] == {"type": "STRING"}
    assert sent["generationConfig"]["responseModalities"] == ["TEXT"]
    assert setting.threshold == "Block_None"
    assert config.response_modalities == ["text"]


def test_coerce_returns_a_canonical_copy_of_a_typed_struct() -> None:
    """coerce() on a typed struct checks it and returns a copy only when a value changes."""
    clean = types.ThinkingConfig(thinking_level=types.ThinkingLevel.HIGH)
    assert coerce(clean, types.ThinkingConfig, "config") is clean
    loose = _raw(types.GenerateImagesConfig(), person_generation="allow_adult")
    fixed = coerce(loose, types.GenerateImagesConfig, "config")
    assert fixed is not loose
    assert fixed.person_generation == "ALLOW_ADULT"
    assert loose.person_generation == "allow_adult"


def test_non_string_enum_values_are_refused() -> None:
    """A non-string in an enum field of a typed struct is refused, naming the field."""
    setting = msgspec.structs.replace(  # past any check at construction
        types.SafetySetting(category="HARM_CATEGORY_HARASSMENT"),  # type: ignore[arg-type]
        threshold=3,
    )
    with pytest.raises(InvalidRequestError) as info:
        check_struct(types.GenerateContentConfig(safety_settings=[setting]), "config")
    assert info.value.path == "config.safety_settings[0].threshold"
    assert "HarmBlockThreshold" in info.value.reason


def test_fields_google_genai_leaves_free_stay_free() -> None:
    """Fields google-genai leaves plain strings (role, aspect_ratio, image_size) stay free."""
    sent = body(
        generate_content_request(
            MODEL,
            [{"role": "critic", "parts": [{"text": "x"}]}],
            {"image_config": {"aspect_ratio": "7:5", "image_size": "3K"}},
        )
    )
    assert sent["contents"][0]["role"] == "critic"
    assert sent["generationConfig"]["imageConfig"] == {"aspectRatio": "7:5", "imageSize": "3K"}


# --- responses stay lenient, and what the model wrote can be sent back --------------------


RESPONSE = {
    "candidates": [
        {
            "content": {
                "role": "model",
                "parts": [
                    {"executableCode": {"language": "KOTLIN", "code": "println(1)"}},
                    {"codeExecutionResult": {"outcome": "OUTCOME_SKIPPED", "output": ""}},
                    {"text": "done"},
                ],
            },
            "finishReason": "FINISH_REASON_FROM_THE_FUTURE",
            "safetyRatings": [{"category": "HARM_CATEGORY_NEW", "probability": "MAYBE"}],
        }
    ],
    "promptFeedback": {"blockReason": "NEW_REASON"},
    "usageMetadata": {
        "promptTokenCount": 3,
        "trafficType": "NEW_TRAFFIC",
        "promptTokensDetails": [{"modality": "SMELL", "tokenCount": 3}],
    },
}


def test_unknown_enum_values_in_a_response_decode() -> None:
    """A response carrying enum values we do not know decodes, keeping them as strings."""
    response = decode_json(json.dumps(RESPONSE).encode(), types.GenerateContentResponse)
    candidate = response.candidates[0]  # type: ignore[index]
    assert candidate.finish_reason == "FINISH_REASON_FROM_THE_FUTURE"
    assert candidate.safety_ratings[0].category == "HARM_CATEGORY_NEW"  # type: ignore[index]
    assert response.prompt_feedback.block_reason == "NEW_REASON"  # type: ignore[union-attr]
    usage = response.usage_metadata
    assert usage is not None
    assert usage.traffic_type == "NEW_TRAFFIC"
    assert usage.prompt_tokens_details[0].modality == "SMELL"  # type: ignore[index]
    assert response.text == "done"


def test_model_written_values_go_back_in_history_even_when_unknown() -> None:
    """Model-written enum values (code language, outcome) are sent back as they came."""
    response = decode_json(json.dumps(RESPONSE).encode(), types.GenerateContentResponse)
    content = response.candidates[0].content  # type: ignore[index]
    assert content is not None
    sent = body(generate_content_request(MODEL, [content, "and now?"]))
    parts = sent["contents"][0]["parts"]
    assert parts[0]["executableCode"]["language"] == "KOTLIN"
    assert parts[1]["codeExecutionResult"]["outcome"] == "OUTCOME_SKIPPED"
    echoed = types.Part(executable_code=types.ExecutableCode(language="python", code="1"))
    sent = body(generate_content_request(MODEL, [echoed]))
    # sent as given, or canonical when construction made it the member (as pydantic does)
    assert sent["contents"][0]["parts"][0]["executableCode"]["language"] in ("python", "PYTHON")


# --- the rule itself -----------------------------------------------------------------------


ENUMS = [
    member
    for name in types.__all__
    if isinstance(member := getattr(types, name), type) and issubclass(member, enum.StrEnum)
]


@given(st.sampled_from(ENUMS), st.data())
def test_every_member_in_any_case_is_accepted_as_its_value(
    enum_cls: type[enum.StrEnum], data: st.DataObject
) -> None:
    """Every member of every enum, in any letter case, checks to its canonical value."""
    member = data.draw(st.sampled_from(list(enum_cls)))
    spelled = "".join(
        c.upper() if flip else c.lower()
        for c, flip in zip(
            member.value,
            data.draw(st.lists(st.booleans(), min_size=len(member.value))),
            strict=False,
        )
    )
    rule = EnumRule(enum_cls)
    assert rule.check(member, "f") is member
    assert rule.check(spelled, "f") == member.value


def _near_miss(enum_cls: type[enum.StrEnum], data: st.DataObject) -> str:
    """A known value with one edit: a letter changed, dropped or added, or two swapped."""
    value = data.draw(
        st.sampled_from([m.value for m in enum_cls if not m.value.endswith("UNSPECIFIED")])
    )
    at = data.draw(st.integers(0, len(value) - 1))
    letter = data.draw(st.sampled_from("QXZJ"))
    edits = [
        value[:at] + letter + value[at + 1 :],
        value[:at] + letter + value[at:],
        value[:at] + value[at + 1 :] if len(value) > 3 else value + letter,
    ]
    if at + 1 < len(value):
        edits.append(value[:at] + value[at + 1] + value[at] + value[at + 2 :])
    return data.draw(st.sampled_from(edits))


@given(st.sampled_from(ENUMS), st.data())
def test_a_near_miss_of_a_known_value_is_refused_naming_a_value_meant(
    enum_cls: type[enum.StrEnum], data: st.DataObject
) -> None:
    """One edit away from a known value (and not another known value): refused, with the
    suggestion."""
    text = _near_miss(enum_cls, data)
    known = {m.value.upper() for m in enum_cls} | {m.name.upper() for m in enum_cls}
    if text.upper() in known:
        return
    with pytest.raises(InvalidRequestError) as info:
        EnumRule(enum_cls).check(text, "config.x")
    assert info.value.path == "config.x"
    assert enum_cls.__name__ in info.value.reason
    assert "did you mean" in info.value.reason


@given(st.sampled_from(ENUMS), st.text(max_size=30))
def test_other_strings_are_refused_as_typos_or_sent_with_a_warning(
    enum_cls: type[enum.StrEnum], text: str
) -> None:
    """Any other string is refused naming the value meant, or sent as it is with a warning."""
    known = {m.value.upper() for m in enum_cls} | {m.name.upper() for m in enum_cls}
    if text.upper() in known:
        return
    rule = EnumRule(enum_cls)
    meant = rule.typo_of(text)
    if meant is not None:
        assert meant in rule.values
        with pytest.raises(InvalidRequestError) as info:
            rule.check(text, "config.x")
        assert f"did you mean {meant!r}" in info.value.reason
        return
    with pytest.warns(UnknownEnumValueWarning, match=enum_cls.__name__):
        assert rule.check(text, "config.x") is text


# --- coverage: every field google-genai types as an enum is marked -------------------------

# Written by the model or the service, and sent back as they came (chat history, objects
# passed to a later call): marked echoed, so an unknown value never breaks a request.
ECHOED_FIELDS = {
    ("CodeExecutionResult", "outcome"),
    ("ExecutableCode", "language"),
    ("ToolCall", "tool_type"),
    ("ToolResponse", "tool_type"),
}
RESPONSE_CLASSES = {
    "BatchJob",
    "Candidate",
    "Document",
    "File",
    "GenerateContentResponsePromptFeedback",
    "GenerateContentResponseUsageMetadata",
    "ModalityTokenCount",
    "ModelStatus",
    "SafetyRating",
    "TuningJob",
    "UrlMetadata",
    "UsageMetadata",
}


def _their_enum_fields() -> list[tuple[str, str, str]]:
    found = []
    for name, cls in vars(theirs).items():
        if not (isinstance(cls, type) and issubclass(cls, pydantic.BaseModel)):
            continue
        if not isinstance(getattr(types, name, None), type):
            continue
        for field_name, field in cls.model_fields.items():
            stack: list[Any] = [field.annotation]
            while stack:
                current = stack.pop()
                if isinstance(current, type) and issubclass(current, enum.Enum):
                    if current.__name__ not in ("Enum", "JSONSchemaType"):
                        found.append((name, field_name, current.__name__))
                    continue
                stack.extend(typing.get_args(current))
    return found


def _our_mark(cls_name: str, field_name: str) -> Any:
    info = mi.type_info(getattr(types, cls_name))
    assert isinstance(info, mi.StructType)
    for field in info.fields:
        if field.name == field_name:
            field_type = field.type
            members = field_type.types if isinstance(field_type, mi.UnionType) else (field_type,)
            for member in members:
                if isinstance(member, mi.ListType):
                    return enum_mark(member.item_type)
            return enum_mark(field_type)
    return "missing"


@pytest.mark.parametrize(("cls_name", "field_name", "enum_name"), _their_enum_fields())
def test_every_enum_field_of_google_genai_is_marked(
    cls_name: str, field_name: str, enum_name: str
) -> None:
    """Each field google-genai types as an enum is marked with our enum of the same name."""
    mark = _our_mark(cls_name, field_name)
    if mark == "missing":
        pytest.skip(f"{cls_name}.{field_name} is not a field of ours")
    assert mark is not None, f"{cls_name}.{field_name} is not marked with enum_of"
    enum_cls, echoed = mark
    assert enum_cls.__name__ == enum_name
    assert echoed is ((cls_name, field_name) in ECHOED_FIELDS or cls_name in RESPONSE_CLASSES)


def test_a_normalized_typed_struct_is_checked_outside_the_generate_path() -> None:
    """normalize_keys (used by other builders) checks typed structs and sends canonical values."""
    tool_config = types.ToolConfig(
        function_calling_config=types.FunctionCallingConfig(mode="validated")
    )
    assert normalize_keys(tool_config, types.ToolConfig) == {
        "functionCallingConfig": {"mode": "VALIDATED"}
    }
    with pytest.raises(InvalidRequestError) as info:
        normalize_keys(
            [types.ToolConfig(function_calling_config=types.FunctionCallingConfig(mode="AMY"))],
            list[types.ToolConfig],
            "config.tool_config",
        )
    assert info.value.path == "config.tool_config[0].function_calling_config.mode"
    assert msgspec.json.encode(tool_config)  # the user's struct still encodes as given
