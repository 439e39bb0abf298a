"""No error built from server text shows the API key or a bearer token: one scrub, every path."""

from __future__ import annotations

import json
import pickle

import pytest
from aiohttp import web
from hypothesis import given, strategies as st

import genai_actors as ga
from genai_actors import errors
from genai_actors._transport import scrub
from genai_actors._transport._errors import api_error, event_error, unexpected_body

from ..core.conftest import API_KEY, Server
from .conftest import drain, make_client

KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
keys = st.text(KEY_CHARS, min_size=8, max_size=48)
texts = st.text(st.characters(codec="utf-8", exclude_characters="*"), max_size=60)
plain = st.text(st.characters(codec="utf-8", exclude_characters="*" + KEY_CHARS), max_size=30)


def shown(exc: BaseException) -> str:
    """Everything a user or a log could see of ``exc``, pickled round trip included."""
    back = pickle.loads(pickle.dumps(exc))
    return "\n".join(
        [str(exc), repr(exc), repr(exc.args), repr(vars(exc)), str(back), repr(vars(back))]
    )


def escaped(key: str, which: list[bool]) -> str:
    """``key`` inside a JSON string, with the characters picked in ``which`` \\u-escaped."""
    picks = which + [False] * len(key)
    return "".join(f"\\u{ord(c):04x}" if pick else c for c, pick in zip(key, picks, strict=False))


@st.composite
def server_texts(draw: st.DrawFn) -> tuple[str, str]:
    """(key, a JSON error body mentioning the key somewhere, possibly \\u-escaped)."""
    key = draw(keys)
    inner = escaped(key, draw(st.lists(st.booleans(), max_size=len(key))))
    before, after = draw(texts), draw(texts)
    where = draw(st.sampled_from(["message", "status", "detail", "reason-key"]))
    mention = json.dumps(before + "@@" + after)[1:-1].replace("@@", inner)
    if where == "message":
        error = f'{{"code": 400, "message": "{mention}", "status": "INVALID_ARGUMENT"}}'
    elif where == "status":
        error = f'{{"code": 403, "status": "{mention}"}}'
    elif where == "detail":
        error = f'{{"code": 401, "details": [{{"@type": "x", "metadata": {{"k": "{mention}"}}}}]}}'
    else:
        error = f'{{"code": 500, "details": [{{"{mention}": 1}}]}}'
    return key, f'{{"error": {error}}}'


@given(server_texts(), st.sampled_from([400, 401, 403, 429, 500, 503]))
def test_http_error_bodies_never_show_the_key(case: tuple[str, str], status: int) -> None:
    """An HTTP error body naming the key (raw or \\u-escaped) gives an error without it."""
    key, body = case
    exc = api_error(status, "Bad", {"X-Echo": f"key={key}"}, body.encode(), (key,))
    assert key not in shown(exc)
    assert isinstance(exc, errors.APIError)


@given(keys, texts, texts)
def test_non_json_error_bodies_never_show_the_key(key: str, before: str, after: str) -> None:
    """A non-JSON error body (HTML, plain text) naming the key gives an error without it."""
    exc = api_error(502, f"Bad {key}", None, f"{before}{key}{after}".encode(), (key,))
    assert key not in shown(exc)


@given(server_texts(), st.booleans())
def test_stream_error_events_never_show_the_key(case: tuple[str, str], wrapped: bool) -> None:
    """An {"error": ...} stream event naming the key gives an error without it."""
    key, body = case
    exc = event_error((f"[{body}]" if wrapped else body).encode(), (key,))
    assert exc is not None
    assert key not in shown(exc)


@given(keys, plain, plain, st.integers(min_value=0, max_value=200), st.booleans())
def test_quoted_bodies_never_show_the_key(
    key: str, before: str, after: str, cut: int, complete: bool
) -> None:
    """A quoted body start never shows the key, nor the start of a key cut by the read."""
    raw = f"{before}{key}{after}".encode()
    head = raw if complete else raw[:cut]
    exc = unexpected_body("unexpected", head, (key,), complete=complete or cut >= len(raw))
    text = shown(exc)
    assert key not in text
    if not complete and 4 <= cut - len(before.encode()) < len(key):
        assert key[: cut - len(before.encode())] not in text


@given(st.text(KEY_CHARS + "._~+/=", min_size=8, max_size=60), keys, plain)
def test_bearer_tokens_and_generic_keys_are_scrubbed(token: str, key: str, around: str) -> None:
    """Bearer tokens, key= query values and AIza... keys go even when the client never had them."""
    assert token not in scrub(f"{around} Authorization: Bearer {token} {around}")
    assert token not in scrub(f"{around} https://x.test/v1/models?alt=sse&key={token}&b=1")
    assert key not in scrub(f"{around} AIza{key} {around}")


def test_scrub_keeps_ordinary_text() -> None:
    """Text without credentials passes unchanged."""
    text = "API key not valid. Please pass a valid API key. (models/gemini-2.5-flash)"
    assert scrub(text, ("AIzaSECRET",)) == text


async def test_key_in_a_mid_stream_error_event_is_scrubbed(
    server: Server, http_client: str
) -> None:
    """A mid-stream error event quoting the key raises an error whose text lacks the key."""
    event = {
        "error": {
            "code": 400,
            "message": f"API key {API_KEY} is not valid. Authorization: Bearer ya29.tok-EN",
            "status": "INVALID_ARGUMENT",
        }
    }

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(b'data: {"n":1}\r\n\r\ndata: ' + json.dumps(event).encode() + b"\r\n\r\n")
        await resp.write_eof()
        return resp

    server.handler = handler
    async with make_client(server, http_client) as client:
        got: list[bytes] = []
        stream = client.api_client.stream("POST", "models/m:x", body=b"{}")
        with pytest.raises(errors.InvalidArgumentError) as caught:
            await drain(stream, got)
    assert got == [b'{"n":1}']
    assert API_KEY not in shown(caught.value)
    assert "ya29.tok-EN" not in shown(caught.value)
    assert caught.value.message == "API key *** is not valid. Authorization: Bearer ***"


async def test_key_escaped_in_an_http_error_body_is_scrubbed(
    server: Server, http_client: str
) -> None:
    """A JSON error body naming the key with \\u escapes gives an error without the key."""
    key = escaped(API_KEY, [True, False, True])

    async def handler(request: web.Request) -> web.StreamResponse:
        body = '{"error": {"code": 400, "message": "bad key ' + key + '", "status": "X"}}'
        return web.Response(body=body.encode(), status=400, content_type="application/json")

    server.handler = handler
    async with make_client(server, http_client) as client:
        with pytest.raises(errors.InvalidArgumentError) as caught:
            await client.api_client.request("GET", "models")
    assert API_KEY not in shown(caught.value)
    assert caught.value.message == "bad key ***"


def test_the_seam_scrubs_for_the_api_modules() -> None:
    """ApiClient.scrub removes the client's key (for errors modules build from server text)."""
    client = ga.AsyncClient(api_key=API_KEY)
    assert client.api_client.scrub(f"closed: key {API_KEY} revoked") == "closed: key *** revoked"
