"""Per-call options: checked (InvalidOptionError), merged once, and URLs cached by method too."""

from __future__ import annotations

import json
import math
import pickle
from typing import Any

import msgspec
import pytest
from hypothesis import given, strategies as st

import genai_actors as ga
from genai_actors import errors
from genai_actors._api_client import ApiClient
from genai_actors._backend import MLDevBackend
from genai_actors._transport import (
    Plan,
    SessionPool,
    TransportConfig,
    coerce_http_options,
    deep_merge,
    merge_http_options,
)
from genai_actors.emulator import Emulator
from genai_actors.types._http import HttpOptions

from ..core.conftest import API_KEY, Server, ok_handler
from .conftest import make_client


class MethodScopedBackend(MLDevBackend):
    """A backend whose resource path depends on the method, as a Vertex AI one may."""

    __slots__ = ()

    def resource_path(self, method: str, path: str) -> str:
        """Prefixes the method, so GET and POST of one path go to different URLs."""
        return f"{method.lower()}/{path}"


async def test_urls_are_cached_per_method_and_path(server: Server) -> None:
    """GET then POST of one path use each method's own URL (the cache is keyed by both)."""
    server.handler = ok_handler
    config = TransportConfig()
    pool = SessionPool(config)
    api = ApiClient(MethodScopedBackend(API_KEY), HttpOptions(base_url=server.url), config, pool)
    try:
        for method in ("GET", "POST", "GET", "DELETE", "POST"):
            await api.request(method, "models/m")
    finally:
        await api.aclose()
    assert [r.path for r in server.requests] == [
        "/v1/get/models/m",
        "/v1/post/models/m",
        "/v1/get/models/m",
        "/v1/delete/models/m",
        "/v1/post/models/m",
    ]


_SEGMENT = st.text(
    st.characters(codec="utf-8", exclude_characters="/?#\\\x00"), min_size=1, max_size=10
).filter(lambda s: s not in (".", ".."))


@given(
    base=st.sampled_from(
        [
            "http://127.0.0.1:9",
            "https://h.test/",
            "http://u:p@h.test:8080/pre/fix/",
            "https://[::1]/",
        ]
    ),
    segments=st.lists(_SEGMENT, min_size=1, max_size=4),
    query=st.sampled_from([None, {"pageSize": 3, "q": "a b"}]),
)
def test_a_url_from_the_base_s_origin_equals_the_whole_url_parsed(
    base: str, segments: list[str], query: dict[str, object] | None
) -> None:
    """A URL without a query is made from the base URL's origin object with a path: it is the
    URL that parsing the whole URL gives (string, parts, what h1 reads of it)."""
    from yarl import URL

    from genai_actors._backend import build_url

    backend = MLDevBackend(API_KEY)
    plan = Plan(HttpOptions(base_url=base), backend, TransportConfig())
    path = "models/" + "/".join(segments)
    try:
        url = plan.target(backend, "GET", path, query)
    except errors.InvalidRequestError:
        return  # a segment decoding to a dot segment or a slash: refused, nothing built
    expected = URL(build_url(plan.base_url, plan.path_version, path, query), encoded=True)
    assert url == expected
    assert str(url) == str(expected)
    for part in ("raw_path_qs", "raw_host", "port", "host_port_subcomponent", "scheme"):
        assert getattr(url, part) == getattr(expected, part), part


BAD_HTTP_OPTIONS: list[tuple[Any, str]] = [
    ({"client_args": {}}, "http_options"),
    ({"timeout": "soon"}, "http_options.timeout"),
    ({"timeout": 0}, "http_options.timeout"),
    ({"timeout": -1.5}, "http_options.timeout"),
    ({"timeout": math.inf}, "http_options.timeout"),
    ({"timeout": math.nan}, "http_options.timeout"),
    ({"timeout": 30}, "http_options.timeout"),  # 30 ms: meant as seconds
    ({"headers": {"x": 1}}, "http_options.headers"),
    ({"headers": {"x": "a\r\nInjected: 1"}}, "http_options.headers"),
    ({"headers": "x"}, "http_options.headers"),
    ({"base_url": 5}, "http_options.base_url"),
    ({"extra_body": [1]}, "http_options.extra_body"),
    ({"retry_options": {"attempts": "many"}}, "http_options.retry_options.attempts"),
    ({"retry_options": {"exp_base": 0.5}}, "http_options.retry_options.exp_base"),
    ({"retry_options": {"initial_delay": -1}}, "http_options.retry_options.initial_delay"),
    (HttpOptions(timeout="5"), "http_options.timeout"),  # type: ignore[arg-type]
    (HttpOptions(timeout=0), "http_options.timeout"),
    (HttpOptions(headers={"a": None}), "http_options.headers"),  # type: ignore[dict-item]
    ("fast", "http_options"),
]


@pytest.mark.parametrize(("value", "option"), BAD_HTTP_OPTIONS, ids=lambda v: repr(v)[:40])
async def test_bad_http_options_raise_invalid_option_error(
    server: Server, value: Any, option: str
) -> None:
    """Every bad http_options value, client-wide or per call, is InvalidOptionError naming it."""
    server.handler = ok_handler
    with pytest.raises(errors.InvalidOptionError) as caught:
        ga.AsyncClient(api_key=API_KEY, http_options=value)
    assert caught.value.option == option
    assert str(caught.value).startswith(f"{option}: ")
    async with make_client(server) as client:
        with pytest.raises(errors.InvalidOptionError) as per_call:
            await client.api_client.request("GET", "models", http_options=value)
        assert per_call.value.option == option
        with pytest.raises(errors.InvalidOptionError):
            client.api_client.stream("POST", "models/m:x", body=b"{}", http_options=value)
    assert server.requests == []


BAD_TRANSPORT: list[tuple[str, object]] = [
    ("connect_timeout", -1),
    ("stream_idle_timeout", math.nan),
    ("keepalive_timeout", -1),
    ("connection_limit", -1),
    ("connection_limit", 1.5),
    ("connection_limit_per_host", True),
    ("max_request_bytes", 0),
    ("max_response_bytes", "big"),
    ("max_sse_event_bytes", -5),
    ("http_client", "curl"),
    ("http_client", None),
]


@pytest.mark.parametrize(("field", "value"), BAD_TRANSPORT, ids=lambda v: repr(v))
def test_bad_transport_config_fields_raise_invalid_option_error(field: str, value: object) -> None:
    """Every bad TransportConfig value is InvalidOptionError naming the field."""
    with pytest.raises(errors.InvalidOptionError) as caught:
        TransportConfig(**{field: value})  # type: ignore[arg-type]
    assert caught.value.option == field
    assert field in str(caught.value)


def test_invalid_option_error_is_a_value_and_type_error_and_pickles() -> None:
    """InvalidOptionError is both a ValueError and a TypeError, and survives pickling."""
    err = errors.InvalidOptionError("http_options.timeout", "must be positive")
    assert isinstance(err, ValueError)
    assert isinstance(err, TypeError)
    assert isinstance(err, errors.GenAIError)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is errors.InvalidOptionError
    assert (back.option, back.reason, str(back)) == (err.option, err.reason, str(err))


def test_valid_options_still_coerce() -> None:
    """Good values pass: ints as timeouts, retry options as a struct or a dict."""
    options = coerce_http_options(
        {"timeout": 5000, "headers": {"a": "b"}, "retry_options": {"attempts": 2}}
    )
    assert options.timeout == 5000
    merged = merge_http_options(options, {"extra_body": {"x": {"y": 1}}, "timeout": 2500.5})
    assert (merged.timeout, merged.extra_body, merged.headers) == (
        2500.5,
        {"x": {"y": 1}},
        {"a": "b"},
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=10,
)
objects = st.dictionaries(st.text(max_size=3), json_values, max_size=4)


@given(objects, objects)
def test_deep_merge_lays_extra_over_base_without_touching_either(
    base: dict[str, Any], extra: dict[str, Any]
) -> None:
    """Nested objects merge key by key, any other value of extra replaces; inputs unchanged."""
    before = (json.dumps(base, sort_keys=True), json.dumps(extra, sort_keys=True))
    merged = deep_merge(base, extra)
    assert (json.dumps(base, sort_keys=True), json.dumps(extra, sort_keys=True)) == before
    assert set(merged) == set(base) | set(extra)
    for key, value in merged.items():
        if key not in extra:
            assert value == base[key]
        elif isinstance(base.get(key), dict) and isinstance(extra[key], dict):
            assert value == deep_merge(base[key], extra[key])
        else:
            assert value == extra[key]
    assert deep_merge(merged, extra) == merged  # merging again changes nothing


async def test_a_json_payload_gets_extra_body_merged_once(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """json= merges client then call extra_body into the payload once, with no body re-parse."""
    import genai_actors._api_client as seam

    def no_reparse(*args: object) -> bytes:
        raise AssertionError("a json= payload must not be decoded and re-encoded")

    monkeypatch.setattr(seam, "merge_extra_body", no_reparse)
    server.handler = ok_handler
    async with make_client(server, extra_body={"generationConfig": {"seed": 7}, "a": 1}) as client:
        await client.api_client.request(
            "POST",
            "models/m:generateContent",
            json={"contents": [], "generationConfig": {"temperature": 0.5}},
            http_options={"extra_body": {"generationConfig": {"topK": 3}, "a": 2}},
        )
        await client.api_client.request("POST", "models/m:countTokens", json=Payload(["x"]))
    assert json.loads(server.bodies[0]) == {
        "contents": [],
        "generationConfig": {"temperature": 0.5, "seed": 7, "topK": 3},
        "a": 2,
    }
    assert json.loads(server.bodies[1]) == {
        "contents": ["x"],
        "generationConfig": {"seed": 7},
        "a": 1,
    }


class Payload(msgspec.Struct):
    """A request payload given as a Struct."""

    contents: list[str]


async def test_per_call_extra_body_reaches_the_wire_from_generate_content(emu: Emulator) -> None:
    """config.http_options.extra_body given per call lands in the body, over the client's."""
    async with ga.AsyncClient(
        api_key=API_KEY,
        http_options={"base_url": emu.url, "extra_body": {"labels": {"a": "client"}}},
    ) as client:
        await client.models.generate_content(
            model="gemini-2.5-flash",
            contents="hi",
            config={"http_options": {"extra_body": {"labels": {"b": "call"}}}},
        )
    sent = emu.recorded[-1].json
    assert sent is not None
    assert sent["labels"] == {"a": "client", "b": "call"}


def test_a_timeout_under_one_second_is_refused_as_a_unit_mistake() -> None:
    """HttpOptions.timeout is google-genai's milliseconds: 30 is refused, naming the unit."""
    with pytest.raises(errors.InvalidOptionError, match="milliseconds") as caught:
        coerce_http_options({"timeout": 30})
    assert "30000" in str(caught.value)
    assert coerce_http_options({"timeout": 30_000}).timeout == 30_000
