"""Shared helpers for conformance tests: run a call through a client, capture the requests the
emulator recorded, normalise them and compare them with a readable per-field diff.

Typical use (the ``emu``, ``theirs`` and ``ours`` fixtures live in ``conftest.py``)::

    expected = await capture(emu, lambda: theirs.models.get(model="gemini-2.5-flash"))
    got = await capture(emu, lambda: ours.models.get(model="gemini-2.5-flash"))
    assert_same_requests(got, expected)

``capture`` drains whatever the call returns: a coroutine is awaited, an async iterator (a pager
or a stream, also one returned by an awaited coroutine as google-genai's streams are) is walked
to the end, so every request the call makes (every page, every AFC turn) is compared.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from google import genai
from google.genai import types as gtypes

import genai_actors as ga
from genai_actors.emulator import Emulator
from genai_actors.emulator._recorder import RecordedRequest

__all__ = [
    "GOOGLE_GENAI_WARNINGS",
    "API_KEY",
    "VERTEX_LOCATION",
    "VERTEX_PROJECT",
    "VERTEX_TOKEN",
    "WireRequest",
    "assert_same_requests",
    "camel_keys",
    "camel_requests",
    "capture",
    "client_header",
    "differences",
    "drain",
    "google_client",
    "google_vertex_client",
    "our_client",
    "our_vertex_client",
    "skip_google_genai_trust_store",
    "vertex_credentials",
    "wire",
]

API_KEY = "conformance-key"
VERTEX_PROJECT = "conformance-proj"
VERTEX_LOCATION = "us-central1"
VERTEX_TOKEN = "conformance-vertex-token"

# google-genai's async transport subclasses aiohttp.ClientSession, which aiohttp deprecates; the
# warning fires when that SDK builds its session and is not ours to fix. Apply to a module with
# ``pytestmark = GOOGLE_GENAI_WARNINGS``.
GOOGLE_GENAI_WARNINGS = pytest.mark.filterwarnings(
    "ignore:Inheritance class AiohttpClientSession from ClientSession is discouraged"
    ":DeprecationWarning"
)


@dataclass(frozen=True)
class WireRequest:
    """What a conformance test compares of one request: method, path, query and JSON body."""

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None

    def __str__(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in sorted(self.query.items()))
        return f"{self.method} {self.path}{'?' + query if query else ''}"


def google_client(emu: Emulator, **http_options: Any) -> genai.client.AsyncClient:
    """google-genai's async client aimed at ``emu`` (close it with ``await c.aclose()``)."""
    options = gtypes.HttpOptions(base_url=emu.url, **http_options)
    return genai.Client(api_key=API_KEY, http_options=options).aio


def our_client(emu: Emulator, **http_options: Any) -> ga.AsyncClient:
    """genai_actors' async client aimed at ``emu`` (close it with ``await c.aclose()``).

    Retries are turned off so that a refused request is compared, not retried.
    """
    options: dict[str, Any] = {"base_url": emu.url, "retry_options": {"attempts": 1}}
    options.update(http_options)
    return ga.AsyncClient(api_key=API_KEY, http_options=options)


def vertex_credentials() -> Any:
    """google-auth user credentials holding VERTEX_TOKEN (never refreshed)."""
    from google.oauth2.credentials import Credentials

    return Credentials(token=VERTEX_TOKEN)  # type: ignore[no-untyped-call]


def google_vertex_client(emu: Emulator) -> genai.client.AsyncClient:
    """google-genai's async client on Vertex AI (VERTEX_PROJECT, VERTEX_LOCATION) aimed at
    ``emu`` with VERTEX_TOKEN (close it with ``await c.aclose()``)."""
    return genai.Client(
        vertexai=True,
        project=VERTEX_PROJECT,
        location=VERTEX_LOCATION,
        credentials=vertex_credentials(),
        http_options=gtypes.HttpOptions(base_url=emu.url),
    ).aio


def our_vertex_client(emu: Emulator, **client_options: Any) -> ga.AsyncClient:
    """genai_actors' async client on Vertex AI, as :func:`google_vertex_client` (retries off)."""
    return ga.AsyncClient(
        vertexai=True,
        project=VERTEX_PROJECT,
        location=VERTEX_LOCATION,
        credentials=vertex_credentials(),
        http_options={"base_url": emu.url, "retry_options": {"attempts": 1}},
        **client_options,
    )


def skip_google_genai_trust_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """google-genai's clients skip loading the system trust store into their SSL contexts
    (~0.8 s per client): the emulator is plain HTTP on loopback, so TLS is never used."""
    from google.genai._api_client import BaseApiClient

    insecure = {"verify": False}
    monkeypatch.setattr(
        BaseApiClient, "_ensure_httpx_ssl_ctx", staticmethod(lambda *a, **k: (insecure, insecure))
    )
    monkeypatch.setattr(BaseApiClient, "_ensure_aiohttp_ssl_ctx", staticmethod(lambda *a, **k: {}))
    monkeypatch.setattr(
        BaseApiClient, "_ensure_websocket_ssl_ctx", staticmethod(lambda *a, **k: {})
    )


async def drain(result: Any) -> Any:
    """Awaits ``result`` and walks any async iterator it is or yields; returns the last value."""
    while isinstance(result, Awaitable) and not hasattr(result, "__aiter__"):
        result = await result
    if hasattr(result, "__aiter__"):
        last = None
        async for item in result:
            last = item
        return last
    return result


async def capture(
    emu: Emulator, call: Callable[[], Any], *, quiet: bool = True
) -> list[RecordedRequest]:
    """Clears the recorder, runs ``call()`` to completion and returns what the emulator received.

    Args:
        emu: The emulator both clients talk to.
        call: A zero-argument callable returning a coroutine, an async iterator, or a coroutine
            that returns an async iterator.
        quiet: Silence UserWarnings (google-genai warns about AFC outside chats and about
            experimental features; they say nothing about the wire).

    Returns:
        The recorded requests, oldest first.
    """
    emu.recorded.clear()
    with warnings.catch_warnings():
        if quiet:
            warnings.simplefilter("ignore", UserWarning)
        await drain(call())
    return list(emu.recorded)


def wire(
    recorded: Sequence[RecordedRequest], substitutions: Mapping[str, str] | None = None
) -> list[WireRequest]:
    """The compared part of ``recorded``.

    Args:
        recorded: What :func:`capture` returned.
        substitutions: Text to replace in paths, query values and string body values (e.g. a
            resource name each client created for itself → ``"{name}"``).
    """
    subs = dict(substitutions or {})

    def sub(text: str) -> str:
        for old, new in subs.items():
            if old:
                text = text.replace(old, new)
        return text

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return sub(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return [
        WireRequest(r.method, sub(r.path), {k: sub(v) for k, v in r.query.items()}, walk(r.json))
        for r in recorded
    ]


# Values that are user data, not proto messages: their keys are never renamed.
_OPAQUE = frozenset(
    {
        "args",
        "response",
        "labels",
        "parametersJsonSchema",
        "responseJsonSchema",
        "default",
        "example",
        "userMetadata",
        "partMetadata",
        "structValue",
    }
)


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def camel_keys(value: Any, *, opaque: frozenset[str] = _OPAQUE, _names: bool = False) -> Any:
    """``value`` with every proto field name in lowerCamelCase.

    google-genai 3.4 sends some nested field names in snake_case (``thinking_budget``,
    ``mime_type``, ``property_ordering``, ``parameters_json_schema``, ...). Proto-JSON parsers,
    the API's included, accept both spellings, so the two spellings are the same request;
    genai_actors always sends lowerCamelCase. User data is left alone: the values of
    :data:`_OPAQUE` keys (function-call arguments, labels, JSON Schemas given as is) and the
    property names under a Schema's ``properties``. ``opaque`` replaces that set of keys.
    """
    if isinstance(value, list):
        return [camel_keys(v, opaque=opaque) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = key if _names else _camel(key)
        if _names:
            out[name] = camel_keys(item, opaque=opaque)
        elif name in opaque:
            out[name] = item
        elif name == "properties" and isinstance(item, dict):
            out[name] = camel_keys(item, opaque=opaque, _names=True)
        else:
            out[name] = camel_keys(item, opaque=opaque)
    return out


def camel_requests(requests: Sequence[WireRequest]) -> list[WireRequest]:
    """:func:`camel_keys` applied to every body (a deviation for google-genai's requests)."""
    return [WireRequest(r.method, r.path, r.query, camel_keys(r.body)) for r in requests]


def differences(ours: Any, theirs: Any, path: str = "body") -> Iterator[str]:
    """Yields one line per difference between two JSON values, naming the field path."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in sorted(ours.keys() | theirs.keys()):
            here = f"{path}.{key}"
            if key not in theirs:
                yield f"{here}: only genai_actors sends it: {_short(ours[key])}"
            elif key not in ours:
                yield f"{here}: only google-genai sends it: {_short(theirs[key])}"
            else:
                yield from differences(ours[key], theirs[key], here)
    elif isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            yield f"{path}: {len(ours)} items in genai_actors, {len(theirs)} in google-genai"
        for i, (a, b) in enumerate(zip(ours, theirs, strict=False)):
            yield from differences(a, b, f"{path}[{i}]")
    elif ours != theirs or type(ours) is not type(theirs):
        yield f"{path}: genai_actors {_short(ours)} != google-genai {_short(theirs)}"


def _short(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def assert_same_requests(
    ours: Sequence[RecordedRequest] | Sequence[WireRequest],
    theirs: Sequence[RecordedRequest] | Sequence[WireRequest],
    *,
    substitutions: Mapping[str, str] | None = None,
    their_substitutions: Mapping[str, str] | None = None,
) -> None:
    """Asserts both clients sent the same requests (method, path, query, body), in order.

    Args:
        ours: genai_actors' requests (recorded or already normalised).
        theirs: google-genai's requests, possibly already adjusted by a documented deviation.
        substitutions: Applied to ``ours`` (see :func:`wire`).
        their_substitutions: Applied to ``theirs``.

    Raises:
        AssertionError: With one line per differing field, and both bodies in full.
    """
    got = _normalised(ours, substitutions)
    expected = _normalised(theirs, their_substitutions)
    assert got, "genai_actors sent no request"
    assert expected, "google-genai sent no request"
    if got == expected:
        return
    lines: list[str] = []
    if len(got) != len(expected):
        lines.append(f"{len(got)} requests from genai_actors, {len(expected)} from google-genai")
    for i, (a, b) in enumerate(zip(got, expected, strict=False)):
        if str(a) != str(b):
            lines.append(f"request {i}: genai_actors {a} != google-genai {b}")
        lines.extend(f"request {i}: {d}" for d in differences(a.body, b.body))
    for i, req in enumerate(got[len(expected) :], start=len(expected)):
        lines.append(f"request {i}: extra in genai_actors: {req}")
    for i, req in enumerate(expected[len(got) :], start=len(got)):
        lines.append(f"request {i}: missing from genai_actors: {req}")
    lines.append("genai_actors: " + json.dumps([r.body for r in got], sort_keys=True))
    lines.append("google-genai: " + json.dumps([r.body for r in expected], sort_keys=True))
    raise AssertionError("requests differ:\n" + "\n".join(lines))


def _normalised(
    requests: Sequence[RecordedRequest] | Sequence[WireRequest],
    substitutions: Mapping[str, str] | None,
) -> list[WireRequest]:
    recorded = [r for r in requests if isinstance(r, RecordedRequest)]
    ready = [r for r in requests if isinstance(r, WireRequest)]
    if recorded and ready:
        raise TypeError("mix of recorded and normalised requests")
    if recorded:
        return wire(recorded, substitutions)
    if substitutions:
        return wire(
            [
                RecordedRequest(
                    method=r.method,
                    path=r.path,
                    query=r.query,
                    headers={},
                    json=r.body,
                    body_size=0,
                )
                for r in ready
            ],
            substitutions,
        )
    return list(ready)


def client_header(value: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Splits ``user-agent`` / ``x-goog-api-client`` into (feature tags, other tokens).

    ``google-genai-sdk/3.4.0+afc+chat gl-python/3.11.7`` → (``{"afc", "chat"}``,
    ``("gl-python/3.11.7",)``): the product and its version differ by design, the tags and the
    remaining tokens must not.
    """
    product, _, rest = value.partition(" ")
    tags = product.split("+")[1:]
    return frozenset(tags), tuple(rest.split())
