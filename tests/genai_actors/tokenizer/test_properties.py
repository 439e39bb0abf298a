"""Laws of LocalTokenizer, checked with hypothesis on the test models.

The gathering oracle here is written from the wire reference (§16), independently of
``genai_actors._tokenizer._core``: a Content counts exactly the strings it lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sentencepiece
from hypothesis import given, settings, strategies as st

from genai_actors import LocalTokenizer, types

# Arbitrary Unicode (hypothesis leaves out lone surrogates, which UTF-8 cannot carry).
TEXT = st.text(max_size=200)
KEYS = st.text(min_size=1, max_size=12)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def sp(spm_bytes: bytes) -> Any:
    """SentencePiece's own processor for the test model."""
    return sentencepiece.SentencePieceProcessor(model_proto=spm_bytes)


@pytest.fixture(scope="module")
def tok(spm_path: Path) -> LocalTokenizer:
    """A loaded LocalTokenizer on the test SentencePiece model."""
    tokenizer = LocalTokenizer("gemini-2.5-flash", model_path=spm_path)
    tokenizer.load()
    return tokenizer


@pytest.fixture(scope="module")
def hf_tok(hf_path: Path) -> LocalTokenizer:
    """A loaded LocalTokenizer on the test tokenizer.json (a Gemma 4 model name)."""
    tokenizer = LocalTokenizer("gemini-3.5-flash", model_path=hf_path)
    tokenizer.load()
    return tokenizer


def strings_of(value: Any) -> list[str]:
    """The reference's rule for args and responses: every key, then each value's strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        out = [str(k) for k in value]
        for item in value.values():
            out += strings_of(item)
        return out
    if isinstance(value, list):
        return [s for item in value for s in strings_of(item)]
    return []  # numbers, booleans and null are not counted


@st.composite
def parts(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """A Part as a dict, with the strings the reference says it counts."""
    kind = draw(st.sampled_from(["text", "call", "response"]))
    if kind == "text":
        text = draw(TEXT)
        return {"text": text}, [text]
    name = draw(st.from_regex(r"[a-z_]{1,12}", fullmatch=True))
    body = draw(st.dictionaries(KEYS, JSON, max_size=4))
    if kind == "call":
        return {"function_call": {"name": name, "args": body}}, [name, *strings_of(body)]
    return {"function_response": {"name": name, "response": body}}, [name, *strings_of(body)]


@settings(max_examples=60)
@given(a=TEXT, b=TEXT)
def test_counts_are_additive_over_independent_texts(tok: LocalTokenizer, a: str, b: str) -> None:
    """Counting two texts together is counting each alone, summed."""
    together = tok.count_tokens([a, b]).total_tokens
    assert together == tok.count_tokens(a).total_tokens + tok.count_tokens(b).total_tokens


@settings(max_examples=100)
@given(text=TEXT)
def test_pieces_join_back_to_the_text(
    tok: LocalTokenizer, hf_tok: LocalTokenizer, sp: Any, text: str
) -> None:
    """compute_tokens' byte pieces joined are the text's UTF-8, for both model kinds; counting
    arbitrary Unicode never raises and equals SentencePiece's own count."""
    for tokenizer in (tok, hf_tok):
        infos = tokenizer.compute_tokens(text).tokens_info or []
        assert len(infos) == 1
        assert b"".join(infos[0].tokens or []) == text.encode("utf-8")
        assert len(infos[0].token_ids or []) == tokenizer.count_tokens(text).total_tokens
    assert tok.count_tokens(text).total_tokens == len(sp.encode(text))


@settings(max_examples=60)
@given(drawn=st.lists(parts(), min_size=1, max_size=4), role=st.sampled_from(["user", "model"]))
def test_a_content_counts_the_strings_it_gathers(
    tok: LocalTokenizer, sp: Any, drawn: list[tuple[dict[str, Any], list[str]]], role: str
) -> None:
    """A Content counts exactly the reference's strings, and compute_tokens gives SentencePiece's
    own ids for each of them, in order, with the Content's role."""
    content = {"role": role, "parts": [part for part, _ in drawn]}
    strings = [s for _, gathered in drawn for s in gathered]  # one kind per drawn part
    assert tok.count_tokens([content]).total_tokens == sum(len(sp.encode(s)) for s in strings)
    infos = tok.compute_tokens([content]).tokens_info or []
    assert [i.token_ids for i in infos] == [sp.encode(s) for s in strings]
    assert {i.role for i in infos} <= {role}


@settings(max_examples=40)
@given(body=st.dictionaries(KEYS, JSON, max_size=5))
def test_typed_and_dict_contents_count_the_same(tok: LocalTokenizer, body: dict[str, Any]) -> None:
    """A FunctionCall given as a typed Part or as a dict counts the same tokens."""
    typed = types.Part(function_call=types.FunctionCall(name="f", args=body))
    as_dict = {"function_call": {"name": "f", "args": body}}
    assert tok.count_tokens(typed) == tok.count_tokens(as_dict)
