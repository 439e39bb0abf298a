"""Refused before anything is sent: dot segments, API keys with control characters, huge bodies."""

from __future__ import annotations

import pytest
from aiohttp import web
from hypothesis import given, strategies as st

import genai_actors as ga
from genai_actors import errors
from genai_actors._backend import MLDevBackend, resolve_api_key
from genai_actors._transport import TransportConfig, check_resource_path
from genai_actors.emulator import Emulator

from ..core.conftest import API_KEY, Server, ok_handler
from .conftest import make_client

TRAVERSALS = [
    "models/%2e%2e/files",
    "models/%2E%2e/files",
    "models/%2e/x:generateContent",
    "models/..%2ffiles",
    "models/a%2Fb",
    "models/a%5cb",
    "models/a%00b",
    "models/%252e%252e/files",
    "models/../files",
    "../files",
    "models/a\\b",
]


@pytest.mark.parametrize("path", TRAVERSALS)
async def test_dot_segments_are_refused_on_every_kind_of_call(server: Server, path: str) -> None:
    """request, stream and open_body refuse a path with a (decoded) dot segment; nothing is sent."""
    server.handler = ok_handler
    async with make_client(server) as client:
        api = client.api_client
        with pytest.raises(errors.InvalidRequestError, match="dot segment"):
            await api.request("GET", path)
        with pytest.raises(errors.InvalidRequestError):
            await api.request("POST", path, body=b"{}", query={"a": 1})
        with pytest.raises(errors.InvalidRequestError):
            api.stream("POST", path, body=b"{}")
        with pytest.raises(errors.InvalidRequestError):
            api.open_body("GET", path, query={"alt": "media"})
        with pytest.raises(errors.InvalidRequestError):
            await api.request("GET", path, http_options={"headers": {"x": "y"}})
    assert server.requests == []


@pytest.mark.parametrize(
    "path",
    [
        "models/gemini-2.5-flash:generateContent",
        "tunedModels/my.model-1",
        "files/abc",
        "upload/{api_version}/files",
        "models/a..b",
        "models/.hidden",
        "cachedContents/x%20y",
    ],
)
def test_ordinary_resource_paths_pass(path: str) -> None:
    """Real resource paths (dots inside names, encoded spaces) are not refused."""
    check_resource_path(path)


@given(st.text(alphabet="abc.%25eE2fF/\\", max_size=24))
def test_the_guard_refuses_exactly_decoded_dot_segments(path: str) -> None:
    """Whatever the path, it passes iff no segment decodes to . / .. or holds / \\ NUL."""
    from urllib.parse import unquote

    def bad(segment: str) -> bool:
        for _ in range(3):
            segment = unquote(segment) if "%" in segment else segment
        return segment in (".", "..") or any(c in segment for c in "/\\\x00")

    expected_bad = any(bad(s) for s in path.split("?", 1)[0].split("/"))
    try:
        check_resource_path(path)
    except errors.InvalidRequestError:
        assert expected_bad
    else:
        assert not expected_bad


async def test_models_get_with_an_encoded_dot_dot_sends_nothing(emu: Emulator) -> None:
    """models.get(model="%2e%2e/files") is refused with InvalidRequestError before sending."""
    async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as client:
        with pytest.raises(errors.InvalidRequestError):
            await client.models.get(model="%2e%2e/files")
    assert list(emu.recorded) == []


@pytest.mark.parametrize("bad", ["\r", "\n", "\x00", "\r\nX-Injected: 1", "\x7f", "\u200b"])
def test_api_keys_with_control_characters_are_refused(
    bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key holding CR, LF, NUL (or another non-printable) fails at construction, key unshown."""
    key = f"AIzaSyD-secret{bad}part"
    for build in (
        lambda: MLDevBackend(key),
        lambda: ga.AsyncClient(api_key=key),
        lambda: resolve_api_key(None, {"GEMINI_API_KEY": key}),
    ):
        with pytest.raises(errors.InvalidOptionError) as caught:
            build()
        assert caught.value.option == "api_key"
        assert isinstance(caught.value, ValueError)
        assert "secret" not in str(caught.value)
        assert "AIza" not in str(caught.value)
    if "\x00" not in key:  # the environment itself cannot hold NUL
        monkeypatch.setenv("GOOGLE_API_KEY", key)
        with pytest.raises(errors.InvalidOptionError, match="GOOGLE_API_KEY"):
            ga.AsyncClient()


def test_a_trailing_newline_around_a_key_is_still_stripped() -> None:
    """Whitespace around the key (a key file's final newline) is stripped, not refused."""
    assert MLDevBackend(" key-123\n").api_key == "key-123"
    assert resolve_api_key(None, {"GEMINI_API_KEY": "key-123\r\n"}) == "key-123"


async def test_json_body_over_the_limit_is_refused_before_sending(server: Server) -> None:
    """A JSON body over max_request_bytes raises RequestTooLargeError naming the Files API."""
    server.handler = ok_handler
    config = TransportConfig(max_request_bytes=1000)
    big = b'{"contents":[{"parts":[{"text":"' + b"x" * 1000 + b'"}]}]}'
    async with make_client(server, transport=config) as client:
        api = client.api_client
        with pytest.raises(errors.RequestTooLargeError, match="Files API") as caught:
            await api.request("POST", "models/m:generateContent", body=big)
        assert (caught.value.size, caught.value.limit) == (len(big), 1000)
        assert isinstance(caught.value, errors.InvalidRequestError)
        with pytest.raises(errors.RequestTooLargeError):
            api.stream("POST", "models/m:streamGenerateContent", body=big)
        with pytest.raises(errors.RequestTooLargeError):
            await api.request("POST", "models/m:generateContent", json={"text": "x" * 1000})
        assert server.requests == []
        chunk = b"\x00" * 5000  # an upload chunk is not a JSON request: never checked
        await api.request("POST", "upload/v1beta/files", body=chunk, merge_extra_body=False)
        await api.request("POST", "models/m:generateContent", body=b'{"a":1}')
    assert server.bodies == [chunk, b'{"a":1}']


async def test_a_huge_prompt_is_refused_by_generate_content(emu: Emulator) -> None:
    """models.generate_content with a prompt over the limit raises before the upload starts."""
    config = TransportConfig(max_request_bytes=64 * 1024)
    async with ga.AsyncClient(
        api_key=API_KEY, http_options={"base_url": emu.url}, transport=config
    ) as client:
        with pytest.raises(errors.RequestTooLargeError, match="Files API"):
            await client.models.generate_content(model="gemini-2.5-flash", contents="y" * 70_000)
    assert list(emu.recorded) == []


def test_the_default_limit_is_the_documented_inline_limit() -> None:
    """By default JSON bodies up to the API's 100 MB inline limit are accepted."""
    assert TransportConfig().max_request_bytes == 100 * 1024 * 1024


async def test_refused_calls_leave_the_client_usable(server: Server) -> None:
    """After a refused call, the next call goes through normally."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.json_response({"path": request.path})

    server.handler = handler
    async with make_client(server) as client:
        with pytest.raises(errors.InvalidRequestError):
            await client.api_client.request("GET", "files/%2e%2e")
        resp = await client.api_client.request("GET", "files/abc")
    assert resp.json() == {"path": "/v1/files/abc"}
