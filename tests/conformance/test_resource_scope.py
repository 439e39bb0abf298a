"""``HttpOptions.base_url_resource_scope``: google-genai and genai_actors send the same URLs.

Both clients run the same calls against one emulator, with the scope given to the client or per
call, on the Developer API and on Vertex AI (project, express and gateway modes); the emulator
records the full request path each one sent, and the two lists must be equal. With
``COLLECTION`` the base URL names the collection: no API version is added, and on Vertex AI
with a client-level custom base URL no ``projects/{p}/locations/{l}/`` prefix either. The cases
the emulator cannot serve (a default ``*.googleapis.com`` base URL) compare google-genai's URL,
its HTTP send replaced, with the URL our plan builds.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from google import genai
from google.genai import types as gtypes

import genai_actors as ga
from genai_actors import errors
from genai_actors._transport import coerce_http_options
from genai_actors.emulator import Emulator

from ._compare import (
    API_KEY,
    GOOGLE_GENAI_WARNINGS,
    VERTEX_LOCATION,
    VERTEX_PROJECT,
    VERTEX_TOKEN,
    capture,
    skip_google_genai_trust_store,
    vertex_credentials,
)

pytestmark = [GOOGLE_GENAI_WARNINGS]

M = "gemini-2.5-flash"
SCOPED = f"v1beta1/projects/{VERTEX_PROJECT}/locations/{VERTEX_LOCATION}"
COLLECTION = {"base_url_resource_scope": "COLLECTION"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    skip_google_genai_trust_store(monkeypatch)
    for name in (
        "GOOGLE_API_KEY",
        "GEMINI_API_KEY",
        "GOOGLE_GEMINI_BASE_URL",
        "GOOGLE_VERTEX_BASE_URL",
        "GOOGLE_GENAI_API_VERSION",
        "GOOGLE_GENAI_USE_VERTEXAI",
        "GOOGLE_CLOUD_PROJECT",
        "GOOGLE_CLOUD_LOCATION",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(api_key=API_KEY, bearer_tokens=[VERTEX_TOKEN]) as emulator:
        yield emulator


SETTINGS: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    # name: (client kwargs with {url}, client http_options with {url}, per-call http_options)
    "mldev-client-scope": (
        {"api_key": API_KEY},
        {"base_url": "{url}/v1beta/", **COLLECTION},
        {},
    ),
    "mldev-call-scope": (
        {"api_key": API_KEY},
        {"base_url": "{url}"},
        {"base_url": "{url}/v1beta", **COLLECTION},
    ),
    "vertex-client-scope": (
        {"vertexai": True, "project": VERTEX_PROJECT, "location": VERTEX_LOCATION},
        {"base_url": "{url}/" + SCOPED, **COLLECTION},
        {},
    ),
    "vertex-client-scope-call-version-ignored": (
        {"vertexai": True, "project": VERTEX_PROJECT, "location": VERTEX_LOCATION},
        {"base_url": "{url}/" + SCOPED + "/", **COLLECTION},
        {"api_version": "v1"},
    ),
    "vertex-custom-base-call-scope": (
        {"vertexai": True, "project": VERTEX_PROJECT, "location": VERTEX_LOCATION},
        {"base_url": "{url}"},
        {"base_url": "{url}/" + SCOPED, **COLLECTION},
    ),
    "vertex-default-base-call-scope": (  # no custom base URL: the prefix stays, no version
        {"vertexai": True, "project": VERTEX_PROJECT, "location": VERTEX_LOCATION},
        {},
        {"base_url": "{url}/v1beta1", **COLLECTION},
    ),
    "vertex-express-client-scope": (
        {"vertexai": True, "api_key": API_KEY},
        {"base_url": "{url}/v1beta1/", **COLLECTION},
        {},
    ),
    "vertex-gateway-client-scope": (  # no project, location nor key: auth by header
        {"vertexai": True},
        {
            "base_url": "{url}/" + SCOPED,
            "headers": {"Authorization": f"Bearer {VERTEX_TOKEN}"},
            **COLLECTION,
        },
        {},
    ),
    "vertex-no-scope": (  # the control: version and prefix as usual
        {"vertexai": True, "project": VERTEX_PROJECT, "location": VERTEX_LOCATION},
        {"base_url": "{url}"},
        {},
    ),
}

CALLS: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "generate": lambda c, o: c.models.generate_content(
        model=M, contents="hi", config={"http_options": o} if o else None
    ),
    "count-tokens": lambda c, o: c.models.count_tokens(
        model=M, contents="a b c", config={"http_options": o} if o else None
    ),
    "get-model": lambda c, o: c.models.get(model=M, config={"http_options": o} if o else None),
    "list-caches": lambda c, o: c.caches.list(
        config={"page_size": 5, **({"http_options": o} if o else {})}
    ),
}


def _fill(value: Any, url: str) -> Any:
    if isinstance(value, str):
        return value.replace("{url}", url)
    if isinstance(value, dict):
        return {key: _fill(item, url) for key, item in value.items()}
    return value


def _needs_credentials(kwargs: dict[str, Any]) -> bool:
    return bool(kwargs.get("project"))


def _theirs(kwargs: dict[str, Any], options: dict[str, Any]) -> Any:
    extra = {"credentials": vertex_credentials()} if _needs_credentials(kwargs) else {}
    return genai.Client(**kwargs, **extra, http_options=gtypes.HttpOptions(**options)).aio


def _ours(kwargs: dict[str, Any], options: dict[str, Any]) -> ga.AsyncClient:
    extra = {"credentials": vertex_credentials()} if _needs_credentials(kwargs) else {}
    return ga.AsyncClient(
        **kwargs, **extra, http_options={**options, "retry_options": {"attempts": 1}}
    )


def _paths(recorded: list[Any]) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in recorded]


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("setting", sorted(SETTINGS))
async def test_same_urls_as_google_genai(emu: Emulator, setting: str, call: str) -> None:
    """Each call reaches the emulator at the same path from both clients, and succeeds."""
    kwargs, options, per_call = (_fill(part, emu.url) for part in SETTINGS[setting])
    if call in ("get-model", "list-caches") and kwargs.get("api_key") and kwargs.get("vertexai"):
        pytest.skip("the emulator serves models and caches to express mode on neither path")
    run = CALLS[call]
    theirs = _theirs(kwargs, options)
    try:
        expected = await capture(emu, lambda: run(theirs, per_call))
    finally:
        await theirs.aclose()
    async with _ours(kwargs, options) as ours:
        got = await capture(emu, lambda: run(ours, per_call))
    assert _paths(got) == _paths(expected)
    assert expected
    assert all(r.path.count("/v1beta") == 1 for r in expected)


# -- google-genai's URL with its send replaced, for base URLs the emulator cannot serve ----------


class _Sent(Exception):
    pass


def _their_url(client: genai.Client, call: Callable[[genai.Client], Any]) -> str:
    urls: list[str] = []

    def record(http_request: Any, *args: Any, **kwargs: Any) -> Any:
        urls.append(http_request.url)
        raise _Sent

    client._api_client._request = record  # type: ignore[method-assign]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(_Sent):
            call(client)
    return urls[0]


OFFLINE: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "vertex-default-base": (
        {"vertexai": True, "project": VERTEX_PROJECT, "location": VERTEX_LOCATION},
        COLLECTION,
    ),
    "vertex-global": (
        {"vertexai": True, "project": VERTEX_PROJECT, "location": "global"},
        COLLECTION,
    ),
    "vertex-eu": ({"vertexai": True, "project": VERTEX_PROJECT, "location": "eu"}, COLLECTION),
    "vertex-express": ({"vertexai": True, "api_key": API_KEY}, COLLECTION),
    "mldev": ({"api_key": API_KEY}, COLLECTION),
    "mldev-version": ({"api_key": API_KEY}, {**COLLECTION, "api_version": "v1alpha"}),
}


@pytest.mark.parametrize("case", sorted(OFFLINE))
async def test_per_call_scope_on_default_base_urls(case: str) -> None:
    """A scope given per call with no base URL anywhere is accepted by both (google-genai checks
    only the client's options) and gives the same URL: the default host, no version, and on
    Vertex AI the project prefix (the client has no custom base URL)."""
    kwargs, per_call = OFFLINE[case]
    extra = {"credentials": vertex_credentials()} if _needs_credentials(kwargs) else {}
    theirs = genai.Client(**kwargs, **extra)
    expected = _their_url(
        theirs,
        lambda c: c.models.generate_content(
            model=M, contents="hi", config={"http_options": per_call}
        ),
    )
    theirs.close()
    async with ga.AsyncClient(**kwargs, **extra) as ours:
        api = ours._api
        # The resource path our models surface asks for; the plan adds host, version, prefix.
        resource = f"publishers/google/models/{M}" if kwargs.get("vertexai") else f"models/{M}"
        resource += ":generateContent"
        got = api._plan_for(per_call).target(api.backend, "POST", resource, None)
    assert str(got) == expected
    assert "/v1" not in expected


# -- validation: the same error class at the same moment -------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"api_key": API_KEY},
        {"vertexai": True, "project": VERTEX_PROJECT, "location": VERTEX_LOCATION},
        {"vertexai": True, "api_key": API_KEY},
    ],
    ids=["mldev", "vertex", "express"],
)
def test_a_scope_without_base_url_is_refused_at_construction(kwargs: dict[str, Any]) -> None:
    """``COLLECTION`` without ``base_url`` raises ValueError when the client is made, in both."""
    extra = {"credentials": vertex_credentials()} if _needs_credentials(kwargs) else {}
    with pytest.raises(ValueError, match="base_url must be set"):
        genai.Client(**kwargs, **extra, http_options=COLLECTION)
    with pytest.raises(errors.InvalidOptionError, match="base_url must be set") as caught:
        ga.AsyncClient(**kwargs, **extra, http_options=COLLECTION)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(errors.InvalidOptionError, match="base_url must be set"):
        ga.Client(**kwargs, **extra, http_options=ga.types.HttpOptions(**COLLECTION))


@pytest.mark.parametrize("vertexai", [False, True])
async def test_a_base_url_from_the_environment_satisfies_the_scope(
    monkeypatch: pytest.MonkeyPatch, emu: Emulator, vertexai: bool
) -> None:
    """``GOOGLE_GEMINI_BASE_URL`` / ``GOOGLE_VERTEX_BASE_URL`` count as the base URL, in both."""
    if vertexai:
        monkeypatch.setenv("GOOGLE_VERTEX_BASE_URL", f"{emu.url}/{SCOPED}")
        kwargs: dict[str, Any] = {
            "vertexai": True,
            "project": VERTEX_PROJECT,
            "location": VERTEX_LOCATION,
            "credentials": vertex_credentials(),
        }
    else:
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", f"{emu.url}/v1beta")
        kwargs = {"api_key": API_KEY}
    theirs = genai.Client(**kwargs, http_options=COLLECTION).aio
    try:
        expected = await capture(emu, lambda: theirs.models.generate_content(model=M, contents="x"))
    finally:
        await theirs.aclose()
    async with ga.AsyncClient(**kwargs, http_options=COLLECTION) as ours:
        got = await capture(emu, lambda: ours.models.generate_content(model=M, contents="x"))
    assert _paths(got) == _paths(expected)
    assert len(got) == 1


def test_scope_values_are_read_as_google_genai_reads_them() -> None:
    """Any case of the name, or the enum, is COLLECTION; a wrong type is refused naming the
    field; an unknown name is kept (it changes no URL), as google-genai's lenient enum keeps it."""
    for value in ("COLLECTION", "collection", ga.types.ResourceScope.COLLECTION):
        theirs = gtypes.HttpOptions(base_url_resource_scope=value).base_url_resource_scope
        assert theirs == gtypes.ResourceScope.COLLECTION
        ours = coerce_http_options({"base_url": "http://x", "base_url_resource_scope": value})
        assert ours.base_url_resource_scope is ga.types.ResourceScope.COLLECTION
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        unknown = gtypes.HttpOptions(base_url_resource_scope="OTHER").base_url_resource_scope
    ours = coerce_http_options({"base_url": "http://x", "base_url_resource_scope": "OTHER"})
    assert ours.base_url_resource_scope == unknown == "OTHER"
    with pytest.raises(errors.InvalidOptionError, match="base_url_resource_scope"):
        coerce_http_options({"base_url": "http://x", "base_url_resource_scope": 3})
    direct = ga.types.HttpOptions(base_url_resource_scope=3)  # type: ignore[arg-type]
    with pytest.raises(errors.InvalidOptionError, match="base_url_resource_scope"):
        coerce_http_options(direct)
