"""How vertexai=True, project, location, api_key, credentials, http_options and the environment
choose Vertex AI's base URL, API version, resource prefix and authentication: the same choices
as google-genai's client (which these tests build side by side), and the refusals."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

import genai_actors as ga
from genai_actors import errors
from genai_actors._vertex import VertexBackend

from .conftest import static_credentials

PATH = "publishers/google/models/gemini-2.5-flash:generateContent"


def _ours(kwargs: dict[str, Any]) -> tuple[str, str | None, str | None, str, bool]:
    client = ga.AsyncClient(**kwargs)
    backend = client.api_client.backend
    assert isinstance(backend, VertexBackend)
    plan = client.api_client._plan
    url = str(plan.target(backend, "POST", PATH, None))
    return (
        url,
        backend.project,
        backend.location,
        plan.api_version,
        "x-goog-api-key" in plan.headers,
    )


class _NoHttp:
    """Stands for google-genai's httpx clients: these tests send nothing."""

    def __init__(self, **kwargs: Any) -> None:
        pass


@pytest.fixture(autouse=True)
def no_http_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """google-genai's clients build no httpx client nor SSL context (~0.3 s each)."""
    from google.genai import _api_client

    monkeypatch.setattr(_api_client, "_get_http_client_classes", lambda options: (_NoHttp, _NoHttp))
    base = _api_client.BaseApiClient
    monkeypatch.setattr(base, "_ensure_httpx_ssl_ctx", staticmethod(lambda *a, **k: ({}, {})))
    monkeypatch.setattr(base, "_ensure_aiohttp_ssl_ctx", staticmethod(lambda *a, **k: {}))
    monkeypatch.setattr(base, "_ensure_websocket_ssl_ctx", staticmethod(lambda *a, **k: {}))


def _theirs(kwargs: dict[str, Any]) -> tuple[str, str | None, str | None, str, bool]:
    from google import genai

    client = genai.Client(**kwargs)
    api = client._api_client
    request = api._build_request("post", PATH, {})
    options = api._http_options
    headers = options.headers or {}
    return (
        request.url,
        api.project,
        api.location,
        str(options.api_version),
        "x-goog-api-key" in headers,
    )


CREDS = "static"


@pytest.mark.parametrize(
    ("kwargs", "env"),
    [
        pytest.param({"project": "p", "location": "us-central1"}, {}, id="regional"),
        pytest.param({"project": "p", "location": "europe-west4"}, {}, id="regional-eu-west"),
        pytest.param({"project": "p", "location": "global"}, {}, id="global"),
        pytest.param({"project": "p"}, {}, id="no-location-is-global"),
        pytest.param({"project": "p", "location": "us"}, {}, id="multi-region-us"),
        pytest.param({"project": "p", "location": "eu"}, {}, id="multi-region-eu"),
        pytest.param({"api_key": "express-key"}, {}, id="express"),
        pytest.param(
            {}, {"GOOGLE_CLOUD_PROJECT": "envp", "GOOGLE_CLOUD_LOCATION": "asia-east1"}, id="env"
        ),
        pytest.param(
            {},
            {"GOOGLE_CLOUD_PROJECT": "envp", "GOOGLE_API_KEY": "env-key"},
            id="env-place-beats-env-key",
        ),
        pytest.param(
            {"api_key": "arg-key"},
            {"GOOGLE_CLOUD_PROJECT": "envp", "GOOGLE_CLOUD_LOCATION": "us-east1"},
            id="arg-key-beats-env-place",
        ),
        pytest.param(
            {"project": "p", "location": "us-east5"},
            {"GOOGLE_API_KEY": "env-key"},
            id="arg-place-beats-env-key",
        ),
        pytest.param({}, {"GOOGLE_API_KEY": "env-key"}, id="env-key-express"),
        pytest.param(
            {"project": "p", "location": "us-central1", "credentials": CREDS},
            {"GOOGLE_API_KEY": "env-key"},
            id="credentials-beat-env-key",
        ),
        pytest.param(
            {"project": "p", "location": "us-central1"},
            {"GOOGLE_GENAI_API_VERSION": "v1"},
            id="env-api-version",
        ),
        pytest.param(
            {"project": "p", "location": "us-central1"},
            {"GOOGLE_GENAI_API_VERSION": "beta"},
            id="env-api-version-beta",
        ),
        pytest.param(
            {"project": "p", "location": "us-central1", "http_options": {"api_version": "v1"}},
            {},
            id="http-options-api-version",
        ),
        pytest.param(
            {
                "project": "p",
                "location": "us-central1",
                "http_options": {"base_url": "http://127.0.0.1:9/"},
            },
            {},
            id="custom-base-url",
        ),
        pytest.param(
            {"project": "p", "location": "us-central1"},
            {"GOOGLE_VERTEX_BASE_URL": "https://proxy.example.com/vertex/"},
            id="env-base-url",
        ),
        pytest.param(
            {"api_key": "k", "http_options": {"base_url": "https://proxy.example.com/"}},
            {},
            id="express-custom-base-url",
        ),
        pytest.param(
            {"project": "p", "location": "us-central1"},
            {"GOOGLE_GENAI_USE_VERTEXAI": "false", "GOOGLE_GEMINI_BASE_URL": "https://g.test/"},
            id="gemini-base-url-ignored",
        ),
    ],
)
def test_resolution_matches_google_genai(
    kwargs: dict[str, Any], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The URL of a generateContent call, the project, location, API version and key header
    are google-genai's for the same arguments and environment."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    args = dict(kwargs, vertexai=True)
    if args.get("credentials") == CREDS:
        args["credentials"] = static_credentials()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = _theirs(dict(args))
    assert _ours(dict(args)) == theirs


def test_get_of_publisher_model_has_no_prefix() -> None:
    """A GET of publishers/... (a base model) is sent without the project prefix; other GETs,
    and POSTs, get it; paths starting with projects/ are kept."""
    client = ga.AsyncClient(
        vertexai=True, project="p", location="l", credentials=static_credentials()
    )
    backend = client.api_client.backend
    assert (
        backend.resource_path("GET", "publishers/google/models/x") == "publishers/google/models/x"
    )
    assert backend.resource_path("POST", "publishers/google/models/x:predict") == (
        "projects/p/locations/l/publishers/google/models/x:predict"
    )
    assert backend.resource_path("GET", "cachedContents") == "projects/p/locations/l/cachedContents"
    assert backend.resource_path("DELETE", "projects/q/locations/m/models/t") == (
        "projects/q/locations/m/models/t"
    )


def test_environment_selects_vertex(monkeypatch: pytest.MonkeyPatch) -> None:
    """GOOGLE_GENAI_USE_VERTEXAI selects Vertex AI; GOOGLE_GENAI_USE_ENTERPRISE wins over it,
    with a warning, when they conflict (as in google-genai)."""
    monkeypatch.setenv("GOOGLE_API_KEY", "k")
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", "1")
    assert ga.AsyncClient().vertexai
    monkeypatch.setenv("GOOGLE_GENAI_USE_ENTERPRISE", "false")
    with pytest.warns(UserWarning, match="GOOGLE_GENAI_USE_ENTERPRISE"):
        assert not ga.AsyncClient().vertexai
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", "false")
    monkeypatch.setenv("GOOGLE_GENAI_USE_ENTERPRISE", "TRUE")
    with pytest.warns(UserWarning, match="GOOGLE_GENAI_USE_ENTERPRISE"):
        assert ga.AsyncClient().vertexai
    assert ga.AsyncClient(vertexai=False).vertexai is False
    assert ga.AsyncClient(enterprise=False).vertexai is False


def test_gateway_mode_sends_no_auth_and_no_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    """A custom non-googleapis base URL without both project and location as arguments (nor a
    key) is a gateway: google-genai drops project and location and sends no Authorization."""
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "envp")
    client = ga.AsyncClient(
        vertexai=True,
        http_options={"base_url": "https://gateway.example.com/", "headers": {"x-gw": "1"}},
    )
    backend = client.api_client.backend
    assert isinstance(backend, VertexBackend)
    assert backend.mode == "gateway"
    assert backend.project is None
    assert backend.location is None
    assert not backend.dynamic_auth
    assert backend.resource_path("POST", "cachedContents") == "cachedContents"

    from google import genai

    theirs = genai.Client(
        vertexai=True,
        http_options={"base_url": "https://gateway.example.com/", "headers": {"x-gw": "1"}},
    )._api_client
    assert (theirs.project, theirs.location) == (None, None)


@pytest.mark.parametrize(
    ("kwargs", "option", "match"),
    [
        ({"api_key": "k", "credentials": "static"}, "credentials", "mutually exclusive"),
        ({"api_key": "k", "project": "p"}, "location", "both project and location"),
        ({"api_key": "k", "location": "us-central1"}, "project", "both project and location"),
        (
            {"project": "p", "http_options": {"base_url": "ftp://x"}},
            "http_options.base_url",
            "https://",
        ),
        ({"api_key": "bad\nkey"}, "api_key", "line feed"),
    ],
)
def test_configuration_errors(kwargs: dict[str, Any], option: str, match: str) -> None:
    """Conflicting or incomplete Vertex AI settings raise InvalidOptionError naming the option
    (a key is never shown)."""
    if kwargs.get("credentials") == "static":
        kwargs = dict(kwargs, credentials=static_credentials())
    with pytest.raises(errors.InvalidOptionError, match=match) as caught:
        ga.AsyncClient(vertexai=True, **kwargs)
    assert caught.value.option == option
    assert "bad\nkey" not in str(caught.value)


def test_no_project_and_no_adc_is_a_clear_error() -> None:
    """No project, no key, and no Application Default Credentials: google-auth's
    DefaultCredentialsError, raised at construction as google-genai raises it."""
    from google.auth.exceptions import DefaultCredentialsError

    with pytest.raises(DefaultCredentialsError):
        ga.AsyncClient(vertexai=True)


def test_missing_google_auth_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without google-auth, Vertex AI with credentials raises ImportError naming the extra."""
    import sys

    monkeypatch.setitem(sys.modules, "google.auth", None)
    with pytest.raises(ImportError, match=r"genai-actors\[vertex\]"):
        ga.AsyncClient(vertexai=True, project="p", location="l", credentials=object())
    # Express mode needs no google-auth.
    assert ga.AsyncClient(vertexai=True, api_key="k").vertexai


def test_secrets_stay_out_of_reprs() -> None:
    """The client's and backend's reprs show the mode, never the key or token."""
    express = ga.AsyncClient(vertexai=True, api_key="express-secret-key")
    assert "express-secret-key" not in repr(express)
    assert "mode='express'" in repr(express)
    bearer = ga.AsyncClient(
        vertexai=True, project="p", location="l", credentials=static_credentials("tok-secret")
    )
    assert "tok-secret" not in repr(bearer)
    assert "tok-secret" not in repr(bearer.api_client.backend.tokens)  # type: ignore[attr-defined]
    assert "project='p'" in repr(bearer)


def test_key_files_of_other_types_are_refused(tmp_path: Any) -> None:
    """credentials= a path reads only service-account and user key files; another type, a
    missing file or non-JSON is an InvalidOptionError naming credentials, before any request."""
    other = tmp_path / "external.json"
    other.write_text('{"type": "external_account", "credential_source": {"file": "/x"}}')
    with pytest.raises(errors.InvalidOptionError, match="external_account") as caught:
        ga.AsyncClient(vertexai=True, project="p", location="l", credentials=other)
    assert caught.value.option == "credentials"
    with pytest.raises(errors.InvalidOptionError, match="cannot read"):
        ga.AsyncClient(vertexai=True, project="p", location="l", credentials=tmp_path / "none")
    user = tmp_path / "user.json"
    user.write_text(
        '{"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r"}'
    )
    client = ga.AsyncClient(vertexai=True, project="p", location="l", credentials=str(user))
    tokens = client.api_client.backend.tokens  # type: ignore[attr-defined]
    assert type(tokens.credentials).__module__ == "google.oauth2.credentials"


_SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
_PATHS = st.one_of(
    st.lists(_SEGMENT, min_size=1, max_size=4).map("/".join),
    st.tuples(
        st.sampled_from(["publishers/google/models/", "projects/q/locations/x/", "models/"]),
        _SEGMENT,
        st.sampled_from(["", ":predict", ":generateContent"]),
    ).map("".join),
)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"project": "p", "location": "us-central1"},
        {"project": "p", "location": "eu"},
        {"api_key": "k"},
    ],
    ids=["regional", "multi-region", "express"],
)
def test_every_path_goes_where_google_genai_sends_it(kwargs: dict[str, Any]) -> None:
    """For any method and resource path, the URL is the one google-genai builds (project
    prefix, publisher GETs, paths already under projects/, express mode)."""
    from google import genai

    args = dict(kwargs, vertexai=True)
    if "api_key" not in args:
        args["credentials"] = static_credentials()
    ours = ga.AsyncClient(**args)
    theirs = genai.Client(**args)._api_client
    plan, backend = ours.api_client._plan, ours.api_client.backend

    @settings(max_examples=50)
    @given(method=st.sampled_from(["GET", "POST", "PATCH", "DELETE"]), path=_PATHS)
    def check(method: str, path: str) -> None:
        url = str(plan.target(backend, method, path, None))
        assert url == theirs._build_request(method.lower(), path, {}).url

    check()
