"""What LocalTokenizer counts, refuses and warns about, and what compute_tokens returns.

Every expected count is SentencePiece's own encoding of the strings the wire reference says are
gathered, so a rule that counts too much or too little fails here.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import sentencepiece

from genai_actors import LocalTokenizer, types
from genai_actors.errors import InvalidRequestError
from genai_actors.local_tokenizer import UncountedFieldsWarning


@pytest.fixture
def sp(spm_bytes: bytes) -> Any:
    """SentencePiece's own processor for the test model: the oracle."""
    return sentencepiece.SentencePieceProcessor(model_proto=spm_bytes)


@pytest.fixture
def tok(spm_path: Path) -> LocalTokenizer:
    """A LocalTokenizer on the test model file."""
    return LocalTokenizer("gemini-2.5-flash", model_path=spm_path)


def expected(sp: Any, *texts: str) -> int:
    """What SentencePiece counts for these strings, each encoded on its own."""
    return sum(len(sp.encode(t)) for t in texts)


def test_text_is_counted_without_special_tokens(tok: LocalTokenizer, sp: Any) -> None:
    """A string counts exactly its SentencePiece tokens (no BOS/EOS added)."""
    text = "What is your name? 東京 😀"
    assert tok.count_tokens(text).total_tokens == len(sp.encode(text))
    assert tok.count_tokens("").total_tokens == 0


def test_function_call_counts_name_keys_and_string_leaves(tok: LocalTokenizer, sp: Any) -> None:
    """A function call counts its name, every key and every string leaf; not numbers or bools."""
    call = types.FunctionCall(
        name="get_weather",
        args={"city": "Paris", "days": 3, "metric": True, "extra": {"unit": ["celsius", 2]}},
    )
    content = types.Content(role="model", parts=[types.Part(function_call=call)])
    want = expected(
        sp, "get_weather", "city", "days", "metric", "extra", "Paris", "unit", "celsius"
    )
    assert tok.count_tokens([content]).total_tokens == want


def test_function_response_counts_name_keys_and_string_values(tok: LocalTokenizer, sp: Any) -> None:
    """A function response counts its name and the keys and string values of its response."""
    part = types.Part(
        function_response=types.FunctionResponse(
            name="get_weather", response={"output": {"sky": "clear", "temperature": 21.5}}
        )
    )
    content = types.Content(role="user", parts=[part])
    want = expected(sp, "get_weather", "output", "sky", "temperature", "clear")
    assert tok.count_tokens(content).total_tokens == want


def test_tools_schema_and_system_instruction_are_counted(tok: LocalTokenizer, sp: Any) -> None:
    """Declarations, their schemas (not type or title), the response schema and the system
    instruction are counted from the config."""
    tool = types.Tool(
        function_declarations=[
            types.FunctionDeclaration(
                name="get_weather",
                description="Weather of a city",
                parameters=types.Schema(
                    type="OBJECT",
                    title="Ignored title",
                    properties={
                        "city": types.Schema(type="STRING", description="the city"),
                        "unit": types.Schema(type="STRING", enum=["celsius", "kelvin"]),
                        "days": types.Schema(
                            type="ARRAY",
                            items=types.Schema(type="INTEGER", format="int32"),
                            example=["one", {"two": 2}],
                        ),
                    },
                    required=["city"],
                ),
                response=types.Schema(type="STRING", description="a report"),
            )
        ]
    )
    config = {
        "tools": [tool],
        "system_instruction": "Answer briefly.",
        "generation_config": {"response_schema": {"type": "OBJECT", "required": ["answer"]}},
    }
    want = expected(
        sp,
        "Hi",
        # the declaration
        "get_weather",
        "Weather of a city",
        "city",
        "unit",
        "days",
        "the city",
        "celsius",
        "kelvin",
        "int32",
        "one",
        "two",
        "city",
        "a report",
        # the response schema and the system instruction
        "answer",
        "Answer briefly.",
    )
    assert tok.count_tokens("Hi", config=config).total_tokens == want


def test_inline_and_file_data_raise_value_error(tok: LocalTokenizer) -> None:
    """Inline and file data cannot be counted: a ValueError naming the field."""
    blob = types.Part(inline_data=types.Blob(data=b"\x89PNG", mime_type="image/png"))
    with pytest.raises(ValueError, match=r"contents\[0\]\.parts\[1\]\.inline_data"):
        tok.count_tokens(["look", blob])
    file = types.Part(file_data=types.FileData(file_uri="gs://b/x.png", mime_type="image/png"))
    with pytest.raises(InvalidRequestError, match="file_data"):
        tok.compute_tokens([file])
    with pytest.raises(ValueError, match="system_instruction"):
        tok.count_tokens("x", config={"system_instruction": blob})


def test_uncounted_part_fields_warn_and_text_still_counts(tok: LocalTokenizer, sp: Any) -> None:
    """Fields like thought and executable_code warn, naming them; the text is still counted."""
    content = types.Content(
        role="model",
        parts=[
            types.Part(text="thinking", thought=True),
            types.Part(executable_code=types.ExecutableCode(code="print(1)", language="PYTHON")),
        ],
    )
    with pytest.warns(UncountedFieldsWarning) as record:
        total = tok.count_tokens([content]).total_tokens
    message = str(record[0].message)
    assert "parts[0].thought" in message
    assert "parts[1].executable_code" in message
    assert total == len(sp.encode("thinking"))


def test_plain_contents_do_not_warn(tok: LocalTokenizer) -> None:
    """Text, calls and responses alone raise no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tok.count_tokens(["a", types.Part(function_call=types.FunctionCall(name="f", args={}))])


def test_unknown_model_lists_the_known_ones() -> None:
    """An unknown model name is a ValueError that lists the known names."""
    with pytest.raises(ValueError, match=r"gemini-2\.5-flash, .*gemini-3\.1-pro-preview"):
        LocalTokenizer("gpt-4o")
    assert LocalTokenizer("models/gemini-2.0-flash").model_name == "models/gemini-2.0-flash"


def test_compute_tokens_one_entry_per_string_with_its_role(tok: LocalTokenizer, sp: Any) -> None:
    """A part with several strings gives one aligned TokensInfo per string, each with its role."""
    contents = [
        types.Content(
            role="model",
            parts=[types.Part(function_call=types.FunctionCall(name="lookup", args={"q": "café"}))],
        ),
        types.Content(role="user", parts=[types.Part(text="Thanks 😀")]),
    ]
    infos = tok.compute_tokens(contents).tokens_info
    assert infos is not None
    strings = ["lookup", "q", "café", "Thanks 😀"]
    assert [i.role for i in infos] == ["model", "model", "model", "user"]
    for info, text in zip(infos, strings, strict=True):
        assert info.token_ids == sp.encode(text)
        assert b"".join(info.tokens or []) == text.encode()


def test_compute_tokens_byte_pieces_and_spaces(tok: LocalTokenizer, sp: Any) -> None:
    """Byte-fallback pieces come back as raw bytes, and ``▁`` as a space."""
    info = (tok.compute_tokens("a 😀").tokens_info or [])[0]
    pieces = [sp.id_to_piece(i) for i in info.token_ids or []]
    assert "<0xF0>" in pieces
    assert b"\xf0" in (info.tokens or [])
    assert any(b" " in t for t in info.tokens or [])
    assert info.role == "user"


async def test_async_twins_equal_the_blocking_methods(tok: LocalTokenizer, spm_path: Path) -> None:
    """acount_tokens / acompute_tokens give what the blocking methods give, long text included."""
    fresh = LocalTokenizer("gemini-2.5-flash", model_path=spm_path)
    long = "The quick brown fox jumps over the lazy dog. " * 200  # above the inline limit
    assert (await fresh.acount_tokens(long)) == tok.count_tokens(long)
    assert fresh.loaded
    assert (await fresh.acompute_tokens(["x y", long])) == tok.compute_tokens(["x y", long])
    config = {"system_instruction": "be brief"}
    assert (await fresh.acount_tokens("hi", config=config)) == tok.count_tokens("hi", config=config)


def test_results_are_the_wire_types(tok: LocalTokenizer) -> None:
    """The results are genai_actors.types' CountTokensResponse and ComputeTokensResponse."""
    assert isinstance(tok.count_tokens("x"), types.CountTokensResponse)
    result = tok.compute_tokens("x")
    assert isinstance(result, types.ComputeTokensResponse)
    assert isinstance((result.tokens_info or [])[0], types.TokensInfo)


def test_google_genai_module_name_works(spm_path: Path) -> None:
    """`from genai_actors import local_tokenizer` mirrors google.genai.local_tokenizer."""
    import genai_actors
    from genai_actors import local_tokenizer

    assert local_tokenizer.LocalTokenizer is genai_actors.LocalTokenizer
    tok = local_tokenizer.LocalTokenizer(model_name="gemini-2.5-flash", model_path=spm_path)
    assert tok.count_tokens("hi", config=None).total_tokens > 0
