"""The plain ``generate_content`` call path's shortcuts give what the general path gives."""

from __future__ import annotations

import pytest
from aiohttp import web
from hypothesis import given, settings, strategies as st

import genai_actors as ga
from genai_actors import errors
from genai_actors._transformers import generate_content_request

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
