"""Values of ``str`` and ``int`` subclasses are sent as their plain values.

(google-genai 3.6.1 is no oracle here: it sends ``{}`` for a ``str`` subclass prompt or system
instruction, dropping the text. The builder used to raise a bare ``NotImplementedError``.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from genai_actors._transformers import generate_content_request
from genai_actors.errors import InvalidRequestError


class Text(str):
    pass


class Count(int):
    pass


CASES: list[tuple[str, Any, Any, Any, Any]] = [
    ("prompt", Text("hello"), None, "hello", None),
    ("prompt-list", [Text("hello"), Text("world")], None, ["hello", "world"], None),
    (
        "system-instruction",
        "hi",
        {"system_instruction": Text("be terse")},
        "hi",
        {"system_instruction": "be terse"},
    ),
    ("stop-sequences", "hi", {"stop_sequences": [Text("END")]}, "hi", {"stop_sequences": ["END"]}),
    ("max-tokens", "hi", {"max_output_tokens": Count(64)}, "hi", {"max_output_tokens": 64}),
]


@pytest.mark.parametrize(
    ("name", "contents", "config", "plain_contents", "plain_config"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_subclass_values_are_sent_as_plain_values(
    name: str, contents: Any, config: Any, plain_contents: Any, plain_config: Any
) -> None:
    request = generate_content_request("gemini-2.5-flash", contents, config)
    plain = generate_content_request("gemini-2.5-flash", plain_contents, plain_config)
    assert request.body is not None
    assert plain.body is not None
    assert json.loads(request.body) == json.loads(plain.body)


def test_an_object_with_no_json_form_is_still_refused() -> None:
    with pytest.raises(InvalidRequestError):
        generate_content_request("gemini-2.5-flash", "hi", {"stop_sequences": [object()]})
