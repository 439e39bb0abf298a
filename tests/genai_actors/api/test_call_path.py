"""The plain ``generate_content`` call path's shortcuts give what the general path gives."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from aiohttp import web
from hypothesis import given, settings, strategies as st

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._api import _toolkit as toolkit
from genai_actors._transformers import generate_content_request
from genai_actors.types._base import encode_json

from ..core.conftest import Server
from .conftest import API_KEY, MODEL


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_a_plain_prompt_body_is_the_general_builders(text: str) -> None:
    """The prompt-only body (encoded around the text) is byte for byte the general builder's,
    for any text: quotes, escapes, control characters, non-BMP."""
    client = ga.AsyncClient(api_key=API_KEY)
    models = client.models
    for stream in (False, True):
        fast = models._text_request(MODEL, text, stream=stream)
        general = generate_content_request(MODEL, text, None, stream=stream)
        assert fast.body == general.body
        assert fast.path == general.path
        assert fast.payload == general.payload


async def test_the_plain_path_reads_headers_compressed_bodies_and_bad_bodies() -> None:
    """Over the shortcut: repeated response headers are joined under lowercase names, a
    compressed body (read incrementally) decodes, and a body that does not fit the response
    type is ``UnknownApiResponseError`` (the decoder then cached)."""
    answers = [
        (b'{"candidates": [{"content": {"parts": [{"text": "one"}]}}]}', False),
        (b'{"candidates": [{"content": {"parts": [{"text": "two"}]}}]}', True),
        (b'{"candidates": 3}', False),
    ]

    async def handler(request: web.Request) -> web.StreamResponse:
        body, compress = answers.pop(0)
        response = web.Response(body=body, content_type="application/json")
        response.headers.add("X-Twice", "a")
        response.headers.add("x-twice", "b")
        if compress:
            response.enable_compression(web.ContentCoding.gzip)
        return response

    server = Server()
    server.handler = handler
    await server.start()
    try:
        async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": server.url}) as client:
            first = await client.models.generate_content(model=MODEL, contents="hi")
            assert first.text == "one"
            assert first.sdk_http_response is not None
            headers = first.sdk_http_response.headers or {}
            assert headers["x-twice"] == "a, b"
            assert all(name == name.lower() for name in headers)
            assert first.automatic_function_calling_history == []
            second = await client.models.generate_content(model=MODEL, contents="hi")
            assert second.text == "two"
            with pytest.raises(errors.UnknownApiResponseError, match="GenerateContentResponse"):
                await client.models.generate_content(model=MODEL, contents="hi")
    finally:
        await server.stop()


# The base64 fields of the structs a response decodes into (no ``__post_init__`` converts
# them: the decode hook does, and ``model_construct`` does for plain bytes).
_BASE64_FIELDS = [
    (types.Part, "thought_signature", "thoughtSignature"),
    (types.Candidate, "continuation_token", "continuationToken"),
    (types.Blob, "data", "data"),
    (types.FunctionResponseBlob, "data", "data"),
    (types.SearchEntryPoint, "sdk_blob", "sdkBlob"),
]


@pytest.mark.parametrize(("cls", "field", "wire"), _BASE64_FIELDS)
@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=40), urlsafe=st.booleans())
def test_base64_fields_are_base64_bytes_however_made(
    cls: type[Any], field: str, wire: str, data: bytes, urlsafe: bool
) -> None:
    """Decoded (either alphabet), constructed or ``model_construct``-ed, a base64 field holds
    ``Base64Bytes`` equal to the bytes, and is sent URL-safe as google-genai sends it."""
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(data).decode()
    decoded = toolkit.decode(json.dumps({wire: text}).encode(), cls)
    made = cls(**{field: data})
    unchecked = cls.model_construct(**{field: data})
    for struct in (decoded, made, unchecked):
        value = getattr(struct, field)
        assert type(value) is types.Base64Bytes
        assert value == data
        assert json.loads(encode_json(struct)) == {wire: base64.urlsafe_b64encode(data).decode()}


def test_a_decoded_response_keeps_its_bytes_typed_at_depth() -> None:
    """Through a whole ``GenerateContentResponse`` (the plain call's decode): a thought
    signature, inline data and a continuation token decode to ``Base64Bytes``."""
    body = json.dumps(
        {
            "candidates": [
                {
                    "content": {
                        "parts": [
                            {"text": "a", "thoughtSignature": "-_8="},
                            {"inlineData": {"mimeType": "image/png", "data": "+/8"}},
                        ]
                    },
                    "continuationToken": "AAEC",
                }
            ]
        }
    ).encode()
    response = toolkit.decode(body, types.GenerateContentResponse)
    candidate = (response.candidates or [])[0]
    parts = candidate.content.parts if candidate.content else None
    assert parts is not None
    assert parts[1].inline_data is not None
    for value, expected in (
        (parts[0].thought_signature, b"\xfb\xff"),
        (parts[1].inline_data.data, b"\xfb\xff"),
        (candidate.continuation_token, b"\x00\x01\x02"),
    ):
        assert type(value) is types.Base64Bytes
        assert value == expected
