"""contents normalisation follows google-genai's t_contents rules."""

from __future__ import annotations

from typing import Any

import pytest
from google.genai import _transformers as gtr
from hypothesis import assume, given, settings, strategies as st

from genai_actors import types
from genai_actors._transformers._contents import t_content, t_contents, t_part, t_parts
from genai_actors._transformers._errors import InvalidRequestError
from genai_actors.types._base import to_builtins

from .oracle import camelize


def _theirs(contents: Any) -> list[Any]:
    return [
        camelize(c.model_dump(exclude_none=True, mode="json")) for c in gtr.t_contents(contents)
    ]


def _ours(contents: Any) -> list[Any]:
    return [to_builtins(c) for c in t_contents(contents)]


user_part = st.one_of(
    st.text(min_size=1, max_size=5),
    st.builds(lambda t: {"text": t}, st.text(max_size=5)),
)
model_part = st.builds(
    lambda n: {"function_call": {"name": n, "args": {"a": 1}}}, st.text(min_size=1, max_size=4)
)
content_dict = st.builds(
    lambda r, t: {"role": r, "parts": [{"text": t}]}, st.sampled_from(["user", "model"]), st.text()
)
item = st.one_of(user_part, model_part, content_dict, st.lists(user_part, min_size=1, max_size=3))


def _content_dict_after_bare_part(contents: list[Any]) -> bool:
    seen_part = False
    for entry in contents:
        if isinstance(entry, dict) and "parts" in entry:
            if seen_part:
                return True
        elif isinstance(entry, list):
            seen_part = False
        else:
            seen_part = True
    return False


@settings(max_examples=300, deadline=None)
@given(st.lists(item, min_size=1, max_size=8))
def test_random_lists_group_like_google_genai(contents: list[Any]) -> None:
    """Random mixes of strings, parts, call parts, contents and lists group identically."""
    assume(not _content_dict_after_bare_part(contents))
    assert _ours(contents) == _theirs(contents)


def test_content_dict_keeps_its_place_unlike_google_genai() -> None:
    """Justified difference: google-genai moves a Content dict before pending bare parts."""
    contents = ["first", {"role": "model", "parts": [{"text": "second"}]}]
    assert [c.role for c in t_contents(contents)] == ["user", "model"]
    assert [c["role"] for c in _theirs(contents)] == ["model", "user"]


@pytest.mark.parametrize(
    ("contents", "role"),
    [
        ("hi", "user"),
        ({"text": "hi"}, "user"),
        ({"parts": [{"text": "a"}]}, None),
        ({"function_call": {"name": "f", "args": {}}}, "model"),
        (types.Part(text="x"), "user"),
        (types.Part.from_function_call(name="f", args={}), "model"),
    ],
)
def test_single_values_become_one_content(contents: Any, role: str | None) -> None:
    """A single value is one Content; a function-call part becomes model content."""
    result = t_contents(contents)
    assert len(result) == 1
    assert result[0].role == role
    assert _ours(contents) == _theirs(contents)


def test_file_like_objects_become_file_data() -> None:
    """Objects named File with uri and mime_type become file-data parts."""

    class File:
        uri = "https://generativelanguage.googleapis.com/v1beta/files/abc"
        mime_type = "application/pdf"

    (content,) = t_contents([File(), "summarise"])
    assert content.parts is not None
    assert content.parts[0].file_data == types.FileData(file_uri=File.uri, mime_type=File.mime_type)


def test_file_data_shaped_dict_is_a_part() -> None:
    """A dict shaped like FileData is read as a file-data part."""
    part = t_part({"file_uri": "gs://b/x.pdf", "mime_type": "application/pdf"})
    assert part.file_data is not None
    assert part.file_data.file_uri == "gs://b/x.pdf"


@pytest.mark.parametrize(
    ("contents", "path"),
    [
        (None, "contents"),
        ([], "contents"),
        ([1], "contents[0]"),
        (["ok", object()], "contents[1]"),
        ([{"parts": "nope"}], "contents[0].parts"),
        ([{"text": 3}], "contents[0].text"),
        ([{"role": "user", "parts": [{"txt": "x"}]}], "contents[0].parts[0].txt"),
    ],
)
def test_bad_contents_name_the_offending_item(contents: Any, path: str) -> None:
    """Invalid contents raise InvalidRequestError whose path names the item."""
    with pytest.raises(InvalidRequestError) as info:
        t_contents(contents)
    assert info.value.path == path
    assert isinstance(info.value, ValueError)


def test_parts_and_content_require_values() -> None:
    """Empty parts and missing content are rejected with a clear message."""
    with pytest.raises(InvalidRequestError, match="parts are required"):
        t_parts([])
    with pytest.raises(InvalidRequestError, match="content is required"):
        t_content(None)
