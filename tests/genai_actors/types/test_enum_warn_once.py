"""An enum value this release does not know warns exactly once per request, whatever form the
config takes (typed, snake_case dict, camelCase dict, nested) and whichever builder sends it."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

from genai_actors import types
from genai_actors._transformers._generate import count_tokens_request, generate_content_request
from genai_actors._transformers._names import VertexLocation
from genai_actors.types import UnknownEnumValueWarning

MODEL = "gemini-2.5-flash"
SAFETY = [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_WHEN_THE_MOON_IS_FULL"}]
VERTEX = VertexLocation(project="p", location="us-central1")

BUILDS: dict[str, Callable[[], Any]] = {
    "dict": lambda: generate_content_request(MODEL, "hi", {"safety_settings": SAFETY}),
    "camel dict": lambda: generate_content_request(MODEL, "hi", {"safetySettings": SAFETY}),
    "typed": lambda: generate_content_request(
        MODEL, "hi", types.GenerateContentConfig(safety_settings=SAFETY)
    ),
    "stream": lambda: generate_content_request(
        MODEL, "hi", {"response_modalities": ["HOLOGRAM"]}, stream=True
    ),
    "nested": lambda: generate_content_request(
        MODEL, "hi", {"tool_config": {"function_calling_config": {"mode": "SOMETIMES_MAYBE"}}}
    ),
    "count on vertex": lambda: count_tokens_request(
        MODEL,
        "hi",
        {"generation_config": {"media_resolution": "MEDIA_RESOLUTION_GIGANTIC"}},
        vertex=VERTEX,
    ),
}


@pytest.mark.parametrize("build", list(BUILDS.values()), ids=list(BUILDS))
def test_an_unknown_enum_value_warns_once_per_request(build: Callable[[], Any]) -> None:
    for _ in range(2):  # and again on the next request: once each
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            build()
        unknown = [w for w in caught if issubclass(w.category, UnknownEnumValueWarning)]
        assert len(unknown) == 1, [str(w.message) for w in unknown]
        assert unknown[0].filename == __file__  # the warning points at the caller's line


def test_the_warning_as_an_error_still_refuses_the_dict_config() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownEnumValueWarning)
        with pytest.raises(UnknownEnumValueWarning, match="BLOCK_WHEN_THE_MOON_IS_FULL"):
            generate_content_request(MODEL, "hi", {"safety_settings": SAFETY})
