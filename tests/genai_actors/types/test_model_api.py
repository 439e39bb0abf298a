"""The wire structs' pydantic-style methods give google-genai's output on the same data."""

from __future__ import annotations

import copy
import datetime
import json
import subprocess
import sys
from typing import Any

import pytest
from google.genai import types as gt
from hypothesis import given, settings, strategies as st

from genai_actors import types
from genai_actors.errors import InvalidRequestError

RESPONSE = {
    "candidates": [
        {
            "content": {
                "role": "model",
                "parts": [
                    {"text": "Here is the chart.", "thought_signature": b"\x00sig\xff"},
                    {"inline_data": {"data": b"\x89PNG\xfb\xff\x00", "mime_type": "image/png"}},
                    {"function_call": {"name": "plot", "args": {"x": [1, 2], "y": None}}},
                ],
            },
            "finish_reason": "STOP",
            "index": 0,
            "safety_ratings": [
                {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}
            ],
        }
    ],
    "usage_metadata": {
        "prompt_token_count": 12,
        "candidates_token_count": 30,
        "thoughts_token_count": 4,
        "total_token_count": 46,
    },
    "model_version": "gemini-2.5-flash",
    "response_id": "resp-1",
}
CONFIG = {
    "temperature": 0.2,
    "max_output_tokens": 256,
    "stop_sequences": ["END"],
    "response_mime_type": "application/json",
    "thinking_config": {"include_thoughts": True, "thinking_budget": 512},
    "safety_settings": [
        {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_ONLY_HIGH"},
        {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "threshold": "BLOCK_NONE"},
    ],
    "labels": {"team": "search"},
    "seed": 7,
}
FILE = {
    "name": "files/abc123",
    "display_name": "report.pdf",
    "mime_type": "application/pdf",
    "size_bytes": 2048,
    "create_time": datetime.datetime(2025, 3, 1, 12, 30, 5, 123000, tzinfo=datetime.UTC),
    "expiration_time": "2025-03-03T12:30:05Z",
    "sha256_hash": "ZmFrZQ==",
    "uri": "https://generativelanguage.googleapis.com/v1beta/files/abc123",
    "state": "ACTIVE",
    "source": "UPLOADED",
}
BATCH = {
    "name": "batches/b1",
    "display_name": "nightly",
    "state": "JOB_STATE_SUCCEEDED",
    "create_time": "2025-03-01T00:00:00Z",
    "end_time": "2025-03-01T01:02:03.456789+02:00",
    "model": "models/gemini-2.5-flash",
    "dest": {"file_name": "files/out1"},
}
CASES = [
    pytest.param(
        types.GenerateContentResponse, gt.GenerateContentResponse, RESPONSE, id="response"
    ),
    pytest.param(types.GenerateContentConfig, gt.GenerateContentConfig, CONFIG, id="config"),
    pytest.param(types.File, gt.File, FILE, id="file"),
    pytest.param(types.BatchJob, gt.BatchJob, BATCH, id="batch"),
]


def _shared(ours: Any, theirs: Any) -> tuple[Any, Any]:
    """Both dumps cut to the keys both have, at every depth.

    google-genai's types have fields ours lack (Vertex-only ones, SDK-side ones such as
    ``automatic_function_calling_history``) and a few the other way round; with
    ``exclude_none=False`` each side lists its own as ``None``. Only those are cut: the
    assertions in ``_assert_same`` check that every cut value is ``None``.
    """
    if isinstance(ours, dict) and isinstance(theirs, dict):
        keys = ours.keys() & theirs.keys()
        return (
            {k: _shared(ours[k], theirs[k])[0] for k in keys},
            {k: _shared(ours[k], theirs[k])[1] for k in keys},
        )
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        pairs = [_shared(a, b) for a, b in zip(ours, theirs, strict=True)]
        return [a for a, _ in pairs], [b for _, b in pairs]
    return ours, theirs


def _cut(full: Any, shared: Any) -> list[Any]:
    """The values of ``full`` that ``_shared`` left out."""
    if isinstance(full, dict) and isinstance(shared, dict):
        out = [v for k, v in full.items() if k not in shared]
        for k in shared:
            out += _cut(full[k], shared[k])
        return out
    if isinstance(full, list) and isinstance(shared, list):
        return [v for a, b in zip(full, shared, strict=True) for v in _cut(a, b)]
    return []


def _assert_same(ours: Any, theirs: Any) -> None:
    ours_shared, theirs_shared = _shared(ours, theirs)
    assert ours_shared == theirs_shared
    assert all(v is None for v in _cut(ours, ours_shared)), _cut(ours, ours_shared)
    assert all(v is None for v in _cut(theirs, theirs_shared)), _cut(theirs, theirs_shared)


def _pair(ours_cls: Any, theirs_cls: Any, data: dict[str, Any]) -> tuple[Any, Any]:
    return ours_cls.model_validate(copy.deepcopy(data)), theirs_cls.model_validate(
        copy.deepcopy(data)
    )


@pytest.mark.parametrize(("ours_cls", "theirs_cls", "data"), CASES)
@pytest.mark.parametrize("mode", ["python", "json"])
@pytest.mark.parametrize("exclude_none", [True, False])
@pytest.mark.parametrize("by_alias", [True, False])
def test_model_dump_matches_google_genai(
    ours_cls: Any, theirs_cls: Any, data: Any, mode: str, exclude_none: bool, by_alias: bool
) -> None:
    """model_dump gives google-genai's keys and values in both modes, with and without aliases."""
    ours, theirs = _pair(ours_cls, theirs_cls, data)
    kwargs: dict[str, Any] = {"mode": mode, "exclude_none": exclude_none, "by_alias": by_alias}
    mine = ours.model_dump(**kwargs)
    expected = theirs.model_dump(**kwargs)
    if exclude_none:
        assert mine == expected  # the data sets only fields both sides have
    else:
        _assert_same(mine, expected)
    if mode == "json":
        json.dumps(mine)  # JSON-safe


@pytest.mark.parametrize(("ours_cls", "theirs_cls", "data"), CASES)
@pytest.mark.parametrize("exclude_none", [True, False])
@pytest.mark.parametrize("by_alias", [True, False])
@pytest.mark.parametrize("indent", [None, 2])
def test_model_dump_json_matches_google_genai(
    ours_cls: Any, theirs_cls: Any, data: Any, exclude_none: bool, by_alias: bool, indent: Any
) -> None:
    """model_dump_json parses to the same JSON value as google-genai's."""
    ours, theirs = _pair(ours_cls, theirs_cls, data)
    kwargs: dict[str, Any] = {"exclude_none": exclude_none, "by_alias": by_alias, "indent": indent}
    mine = json.loads(ours.model_dump_json(**kwargs))
    expected = json.loads(theirs.model_dump_json(**kwargs))
    if exclude_none:
        assert mine == expected
    else:
        _assert_same(mine, expected)


def test_model_dump_json_defaults_list_unset_fields() -> None:
    """model_dump_json() lists unset fields as null, as google-genai's default does."""
    text = types.ThinkingConfig(thinking_budget=3).model_dump_json()
    assert json.loads(text) == gt.ThinkingConfig(thinking_budget=3).model_dump(mode="json")


@pytest.mark.parametrize(("ours_cls", "theirs_cls", "data"), CASES)
def test_to_json_dict_is_google_genais(ours_cls: Any, theirs_cls: Any, data: Any) -> None:
    """to_json_dict equals google-genai's: the JSON-mode dump without None, snake_case keys."""
    ours, theirs = _pair(ours_cls, theirs_cls, data)
    assert ours.to_json_dict() == theirs.to_json_dict()


def test_model_dump_lists_unset_fields_by_default_as_google_genai() -> None:
    """model_dump() keeps unset fields as None unless exclude_none=True, as pydantic does."""
    dumped = types.ThinkingConfig(thinking_budget=3).model_dump()
    assert dumped["thinking_budget"] == 3
    assert "include_thoughts" in dumped
    assert dumped["include_thoughts"] is None


@pytest.mark.parametrize(("ours_cls", "theirs_cls", "data"), CASES)
def test_model_validate_accepts_both_key_styles_and_json(
    ours_cls: Any, theirs_cls: Any, data: Any
) -> None:
    """model_validate takes snake_case or camelCase dicts and instances; JSON round-trips."""
    ours, theirs = _pair(ours_cls, theirs_cls, data)
    camel = theirs.model_dump(by_alias=True, exclude_none=True)
    assert ours_cls.model_validate(camel) == ours
    assert ours_cls.model_validate(ours) is ours
    assert ours_cls.model_validate(ours.model_dump()) == ours
    assert ours_cls.model_validate_json(ours.model_dump_json()) == ours
    assert ours_cls.model_validate_json(theirs.model_dump_json(by_alias=True)) == ours
    # google-genai's full dump lists its extra fields as None: they are left unset.
    assert ours_cls.model_validate(theirs.model_dump()) == ours
    # A google-genai object itself is read through its fields.
    assert ours_cls.model_validate(theirs) == ours
    # Ours dumped, google-genai validates it to the same object.
    assert theirs_cls.model_validate(ours.model_dump(exclude_none=True)) == theirs
    # (without None: google-genai forbids our fields it lacks, e.g. BatchJob.batch_stats)
    text = ours.model_dump_json(by_alias=True, exclude_none=True)
    assert theirs_cls.model_validate_json(text) == theirs


@pytest.mark.parametrize(("ours_cls", "theirs_cls", "data"), CASES)
@pytest.mark.parametrize("deep", [True, False])
def test_model_copy_update_matches_google_genai(
    ours_cls: Any, theirs_cls: Any, data: Any, deep: bool
) -> None:
    """model_copy(update=, deep=) changes the copy only, as google-genai's does."""
    ours, theirs = _pair(ours_cls, theirs_cls, data)
    name = next(iter(data))
    update = {name: None}
    mine = ours.model_copy(update=update, deep=deep)
    expected = theirs.model_copy(update=update, deep=deep)
    assert mine.model_dump(mode="json", exclude_none=True) == expected.model_dump(
        mode="json", exclude_none=True
    )
    assert getattr(ours, name) is not None  # the original is untouched
    assert mine != ours
    assert ours.model_copy(deep=deep) == ours


def test_model_copy_deep_shares_nothing_and_shallow_shares() -> None:
    """A deep copy owns its nested values; a shallow one shares them, like pydantic's."""
    config = types.GenerateContentConfig.model_validate(CONFIG)
    deep = config.model_copy(deep=True)
    shallow = config.model_copy()
    assert deep.thinking_config is not config.thinking_config
    assert shallow.thinking_config is config.thinking_config
    assert deep == shallow == config


def test_model_copy_unknown_update_key_names_it() -> None:
    """An update key that is no field raises, naming it."""
    with pytest.raises(InvalidRequestError) as info:
        types.ThinkingConfig().model_copy(update={"thinking_budgte": 3})
    assert info.value.path == "thinking_budgte"
    assert "thinking_budget" in str(info.value)


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"usage_metadata": {"prompt_token_count": "many"}}, "usage_metadata.prompt_token_count"),
        ({"candidates": [{"content": {"parts": [{"text": 3}]}}]}, "candidates[0].content.parts"),
        ({"candidates": [{"contnt": {}}]}, "candidates[0].contnt"),
        ({"usageMetadata": {"promptTokenCount": []}}, "usage_metadata.prompt_token_count"),
        ({"candidates": "x"}, "candidates"),
    ],
)
def test_model_validate_errors_name_the_field(data: Any, path: str) -> None:
    """Invalid input raises a ValueError (InvalidRequestError) whose path names the field."""
    with pytest.raises(ValueError) as info:
        types.GenerateContentResponse.model_validate(data)
    assert isinstance(info.value, InvalidRequestError)
    assert info.value.path.startswith(path)
    with pytest.raises(InvalidRequestError):
        types.GenerateContentResponse.model_validate_json(json.dumps(data))


def test_model_validate_rejects_non_dicts_and_bad_json() -> None:
    """A value that is no dict, or text that is no JSON, raises a ValueError, not msgspec's."""
    with pytest.raises(InvalidRequestError, match="expected File or a dict"):
        types.File.model_validate(3)
    with pytest.raises(InvalidRequestError, match="invalid JSON"):
        types.File.model_validate_json("{nope")


def test_model_validate_is_lax_like_pydantic() -> None:
    """Numeric strings and enum members convert, as google-genai's lax validation does."""
    file = types.File.model_validate({"sizeBytes": "12", "state": gt.FileState.ACTIVE})
    assert file.size_bytes == 12
    assert file.state == "ACTIVE"
    assert file.state is types.FileState.ACTIVE  # our member, as pydantic gives google-genai's


def test_include_and_exclude_follow_pydantic() -> None:
    """include/exclude take sets and nested dicts (with __all__ for lists) like pydantic."""
    ours, theirs = _pair(types.GenerateContentResponse, gt.GenerateContentResponse, RESPONSE)
    specs: list[dict[str, Any]] = [
        {"include": {"model_version", "usage_metadata"}},
        {"exclude": {"candidates"}},
        {"include": {"usage_metadata": {"total_token_count"}}},
        {"exclude": {"candidates": {"__all__": {"content", "safety_ratings"}}}},
        {"include": {"candidates": {0: {"finish_reason"}}}},
    ]
    for spec in specs:
        assert ours.model_dump(exclude_none=True, **spec) == theirs.model_dump(
            exclude_none=True, **spec
        ), spec


def test_equality_and_repr() -> None:
    """Equal values compare equal, different ones do not, and the repr shows the set fields."""
    a = types.GenerateContentConfig.model_validate(CONFIG)
    b = types.GenerateContentConfig.model_validate(json.loads(json.dumps(CONFIG)))
    assert a == b
    assert a != a.model_copy(update={"seed": 8})
    assert "temperature=0.2" in repr(a)
    assert "top_k" not in repr(a)


def test_model_dump_rejects_an_unknown_mode() -> None:
    """A mode other than python/json raises a ValueError naming the argument."""
    with pytest.raises(InvalidRequestError) as info:
        types.File().model_dump(mode="yaml")
    assert info.value.path == "mode"


# ---- round trips ------------------------------------------------------------------------------

text = st.text(max_size=12)
times = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1),
    max_value=datetime.datetime(2100, 1, 1),
    timezones=st.just(datetime.UTC),
)
parts = st.one_of(
    st.builds(types.Part, text=text, thought=st.one_of(st.none(), st.booleans())),
    st.builds(
        types.Part,
        inline_data=st.builds(types.Blob, data=st.binary(max_size=20), mime_type=text),
    ),
    st.builds(
        types.Part,
        function_call=st.builds(
            types.FunctionCall,
            name=text,
            args=st.dictionaries(text, st.one_of(st.none(), st.integers(), text), max_size=3),
        ),
    ),
)
contents = st.builds(types.Content, role=st.sampled_from(["user", "model"]), parts=st.lists(parts))
objects = st.one_of(
    contents,
    st.builds(
        types.File,
        name=text,
        size_bytes=st.one_of(st.none(), st.integers(0, 2**40)),
        create_time=st.one_of(st.none(), times),
        state=st.one_of(st.none(), st.sampled_from(["ACTIVE", "PROCESSING"])),
    ),
    st.builds(
        types.GenerateContentConfig,
        temperature=st.one_of(st.none(), st.floats(0, 2)),
        stop_sequences=st.one_of(st.none(), st.lists(text, max_size=3)),
        thinking_config=st.one_of(
            st.none(),
            st.builds(types.ThinkingConfig, thinking_budget=st.integers(0, 4096)),
        ),
    ),
)


@settings(max_examples=150, deadline=None)
@given(objects, st.sampled_from(["python", "json"]), st.booleans(), st.booleans())
def test_model_validate_inverts_model_dump(
    obj: Any, mode: str, by_alias: bool, exclude_none: bool
) -> None:
    """model_validate(model_dump(x)) == x in every mode, key style and None handling."""
    dumped = obj.model_dump(mode=mode, by_alias=by_alias, exclude_none=exclude_none)
    assert type(obj).model_validate(dumped) == obj
    assert type(obj).model_validate_json(obj.model_dump_json(by_alias=by_alias)) == obj


def test_methods_load_their_module_only_when_called() -> None:
    """Importing types, building and decoding structs never loads the model API module."""
    probe = (
        "import sys\n"
        "from genai_actors import types\n"
        "from genai_actors.types._base import decode_json, encode_json\n"
        'r = decode_json(b\'{"candidates": [{"index": 0}]}\', types.GenerateContentResponse)\n'
        "encode_json(types.GenerateContentConfig(temperature=0.5))\n"
        "before = 'genai_actors.types._model_api' in sys.modules\n"
        "r.model_dump()\n"
        "print(before, 'genai_actors.types._model_api' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.split() == ["False", "True"]


def test_typed_structs_in_flexible_fields_dump_like_google_genai() -> None:
    """Typed structs in config's flexible fields (system_instruction, tools) dump recursively.

    A dict given to such a field is kept as given by ours (the request builder converts it);
    google-genai converts it at validation, so the comparison builds typed values.
    """
    data: dict[str, Any] = {
        "system_instruction": {"role": "user", "parts": [{"text": "be brief"}]},
        "tools": [
            {
                "function_declarations": [
                    {
                        "name": "plot",
                        "description": "Plot points.",
                        "parameters": {
                            "type": "OBJECT",
                            "properties": {"x": {"type": "INTEGER"}},
                        },
                    }
                ]
            }
        ],
        "response_modalities": ["TEXT"],
    }
    ours = types.GenerateContentConfig(
        system_instruction=types.Content.model_validate(data["system_instruction"]),
        tools=[types.Tool.model_validate(data["tools"][0])],
        response_modalities=["TEXT"],
    )
    theirs = gt.GenerateContentConfig.model_validate(data)
    for mode in ("python", "json"):
        for by_alias in (True, False):
            kwargs: dict[str, Any] = {"mode": mode, "by_alias": by_alias, "exclude_none": True}
            assert ours.model_dump(**kwargs) == theirs.model_dump(**kwargs)
