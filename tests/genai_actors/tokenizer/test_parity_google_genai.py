"""Parity with google-genai 3.6.1's LocalTokenizer on the same model file.

google-genai's loader only downloads the real Gemma 3 model; its one seam is the function that
returns the model bytes, pointed here at the test model (the oracle has no other way in). Its
``compute_tokens`` cannot run with sentencepiece 0.2.3 (``EncodeAsImmutableProto`` is gone), so
ours is checked against SentencePiece's own encoding instead (test_properties.py).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.genai import _local_tokenizer_loader as loader, local_tokenizer

from genai_actors import LocalTokenizer

SCHEMA = {
    "type": "OBJECT",
    "title": "Weather request",
    "description": "What to look up",
    "properties": {
        "city": {"type": "STRING", "description": "City name", "example": "Paris"},
        "unit": {"type": "STRING", "enum": ["celsius", "fahrenheit"], "format": "enum"},
        "days": {
            "type": "ARRAY",
            "items": {"type": "INTEGER", "format": "int32", "description": "day offset"},
        },
        "where": {
            "type": "OBJECT",
            "properties": {"lat": {"type": "NUMBER"}, "lng": {"type": "NUMBER"}},
            "required": ["lat", "lng"],
            "example": {"lat": 48.8, "note": "the Eiffel tower", "tags": ["a", 1]},
        },
    },
    "required": ["city"],
}
TOOLS = [
    {
        "function_declarations": [
            {"name": "get_weather", "description": "Weather of a city", "parameters": SCHEMA},
            {
                "name": "get_time",
                "description": "Local time",
                "response": {"type": "STRING", "description": "ISO 8601 time"},
            },
            {"name": "no_params"},
        ]
    }
]
CALL = {
    "role": "model",
    "parts": [
        {
            "function_call": {
                "name": "get_weather",
                "args": {
                    "city": "Zürich",
                    "days": [1, 2, 3],
                    "opts": {"unit": "celsius", "detail": True, "tags": ["rain", "wind", 7]},
                },
            }
        }
    ],
}
RESPONSE = {
    "role": "user",
    "parts": [
        {
            "function_response": {
                "name": "get_weather",
                "response": {"output": {"sky": "clear", "temp": 21.5, "alerts": []}},
            }
        }
    ],
}

# (contents, config) pairs: text, chats, calls, responses, tools, schemas, system instructions.
CORPUS: list[tuple[Any, Any]] = [
    ("What is your name?", None),
    ("", None),
    ("東京は日本の首都です。 Le café est très bon ! 😀🎉 1234567", None),
    (["one", "two", "three"], None),
    (
        [
            {"role": "user", "parts": [{"text": "Hi"}]},
            {"role": "model", "parts": [{"text": "Hello"}]},
        ],
        None,
    ),
    ([{"role": "user", "parts": [{"text": "weather?"}]}, CALL, RESPONSE], None),
    ("Use the tools.", {"tools": TOOLS}),
    ("Answer in JSON.", {"generation_config": {"response_schema": SCHEMA}}),
    ("Hi", {"system_instruction": "You are a terse assistant."}),
    (
        [CALL, RESPONSE],
        {
            "system_instruction": {"parts": [{"text": "Be brief."}, {"text": "Use metric."}]},
            "tools": TOOLS,
            "generation_config": {"response_schema": {"type": "STRING", "enum": ["yes", "no"]}},
        },
    ),
    ("The quick brown fox jumps over the lazy dog. " * 200, None),
]


@pytest.fixture
def google_tokenizer(spm_bytes: bytes, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """google-genai's LocalTokenizer reading the test model instead of downloading Gemma 3."""
    monkeypatch.setattr(loader, "_load_model_proto_bytes", lambda name: spm_bytes)
    loader.load_model_proto.cache_clear()
    loader.get_sentencepiece.cache_clear()
    try:
        yield local_tokenizer.LocalTokenizer(model_name="gemini-2.5-flash")
    finally:
        loader.load_model_proto.cache_clear()
        loader.get_sentencepiece.cache_clear()


def google_count(tokenizer: Any, contents: Any, config: Any) -> int:
    """google-genai's count (its once-per-process ExperimentalWarning silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result: int = tokenizer.count_tokens(contents, config=config).total_tokens
    return result


@pytest.mark.parametrize(("contents", "config"), CORPUS, ids=[str(i) for i in range(len(CORPUS))])
def test_count_tokens_equals_google_genai(
    google_tokenizer: Any, spm_path: Path, contents: Any, config: Any
) -> None:
    """Same model file, same contents and config: the same total_tokens as google-genai."""
    ours = LocalTokenizer("gemini-2.5-flash", model_path=spm_path)
    want = google_count(google_tokenizer, contents, config)
    assert want > 0 or contents == ""
    assert ours.count_tokens(contents, config=config).total_tokens == want


def test_uncounted_fields_are_reported_by_both(
    google_tokenizer: Any, spm_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A thought part: google-genai logs a warning, we warn; both count only its text."""
    contents = [{"role": "model", "parts": [{"text": "let me think", "thought": True}]}]
    with caplog.at_level(logging.WARNING, logger="google_genai.local_tokenizer"):
        want = google_count(google_tokenizer, contents, None)
    assert "unsupported" in caplog.text
    with pytest.warns(UserWarning, match=r"parts\[0\]\.thought"):
        got = LocalTokenizer("gemini-2.5-flash", model_path=spm_path).count_tokens(contents)
    assert got.total_tokens == want


def test_inline_data_is_refused_by_both(google_tokenizer: Any, spm_path: Path) -> None:
    """Inline data: both raise ValueError."""
    contents = [{"role": "user", "parts": [{"inline_data": {"data": b"x", "mime_type": "a/b"}}]}]
    with pytest.raises(ValueError, match="non-text"):
        google_count(google_tokenizer, contents, None)
    with pytest.raises(ValueError, match="inline_data"):
        LocalTokenizer("gemini-2.5-flash", model_path=spm_path).count_tokens(contents)
