"""Property tests: random wire structures survive encode -> decode; decoding is lenient."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings, strategies as st

from genai_actors import types
from genai_actors.types._base import decode_json, encode_json, to_builtins

text = st.text(max_size=20)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), text)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=8,
)
enum_like = st.one_of(st.sampled_from(list(types.FinishReason)), st.text(min_size=1, max_size=12))

blobs = st.builds(types.Blob, data=st.binary(max_size=40), mime_type=st.just("image/png"))
function_calls = st.builds(
    types.FunctionCall,
    name=st.text(min_size=1, max_size=10),
    args=st.dictionaries(text, json_value, max_size=3),
    id=st.one_of(st.none(), text),
)
parts = st.one_of(
    st.builds(types.Part, text=text, thought=st.one_of(st.none(), st.booleans())),
    st.builds(types.Part, inline_data=blobs),
    st.builds(types.Part, function_call=function_calls),
    st.builds(types.Part, text=text, thought_signature=st.binary(min_size=1, max_size=30)),
    st.builds(
        types.Part,
        file_data=st.builds(types.FileData, file_uri=text, mime_type=st.just("video/mp4")),
    ),
    st.builds(
        types.Part,
        function_response=st.builds(
            types.FunctionResponse,
            name=text,
            response=st.dictionaries(text, json_value, max_size=3),
        ),
    ),
)
contents = st.builds(
    types.Content,
    role=st.sampled_from(["user", "model"]),
    parts=st.lists(parts, max_size=4),
)
candidates = st.builds(
    types.Candidate,
    content=st.one_of(st.none(), contents),
    finish_reason=st.one_of(st.none(), enum_like),
    index=st.one_of(st.none(), st.integers(0, 8)),
    safety_ratings=st.one_of(
        st.none(),
        st.lists(
            st.builds(types.SafetyRating, category=enum_like, probability=enum_like),
            max_size=2,
        ),
    ),
)
responses = st.builds(
    types.GenerateContentResponse,
    candidates=st.one_of(st.none(), st.lists(candidates, max_size=2)),
    usage_metadata=st.one_of(
        st.none(),
        st.builds(
            types.GenerateContentResponseUsageMetadata,
            prompt_token_count=st.integers(0, 10**6),
            total_token_count=st.integers(0, 10**6),
        ),
    ),
    model_version=st.one_of(st.none(), text),
)


@settings(max_examples=200, deadline=None)
@given(contents)
def test_content_round_trips(content: types.Content) -> None:
    """Any Content survives encode -> decode unchanged."""
    assert decode_json(encode_json(content), types.Content) == content


@settings(max_examples=200, deadline=None)
@given(responses)
def test_response_round_trips(response: types.GenerateContentResponse) -> None:
    """Any response survives encode -> decode, and accessors never raise."""
    decoded = decode_json(encode_json(response), types.GenerateContentResponse)
    assert decoded == response
    _ = (decoded.text, decoded.function_calls, decoded.parts, decoded.executable_code)


_FREE_FORM = frozenset({"args", "response"})


def _inject(value: Any, extras: list[tuple[str, Any]], parent: str = "") -> Any:
    if parent in _FREE_FORM:
        return value
    if isinstance(value, dict):
        out = {k: _inject(v, extras, k) for k, v in value.items()}
        for key, extra in extras:
            out.setdefault(f"zz{key}", extra)
        return out
    if isinstance(value, list):
        return [_inject(v, extras, parent) for v in value]
    return value


@settings(max_examples=200, deadline=None)
@given(responses, st.lists(st.tuples(text, json_value), max_size=3))
def test_unknown_fields_never_fail_decoding(
    response: types.GenerateContentResponse, extras: list[tuple[str, Any]]
) -> None:
    """Fields the API adds anywhere in a response are ignored, the rest decodes intact."""
    wire = _inject(to_builtins(response), extras)
    decoded = decode_json(json.dumps(wire), types.GenerateContentResponse)
    assert decoded == response
