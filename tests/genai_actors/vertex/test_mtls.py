"""mTLS on Vertex AI, as google-genai 3.6.1 does it with google-auth's helpers.

- the host rewrite (``*.googleapis.com`` -> ``*.mtls.googleapis.com``) equals google-genai's
  ``to_mtls_url`` on a table of hosts and on generated host shapes;
- the choice (certificate loaded or not, ``GOOGLE_API_USE_CLIENT_CERTIFICATE``,
  ``GOOGLE_API_USE_MTLS_ENDPOINT``) equals google-genai's, piece by piece, on a matrix;
- a real handshake: the emulator over TLS, requiring a client certificate, accepts a client
  whose certificate google-auth finds through ``GOOGLE_API_CERTIFICATE_CONFIG`` and refuses
  one without it, with both HTTP clients.

google-auth's certificate lookup reads only the files named here (the conftest points
``CLOUDSDK_CONFIG`` at a temporary folder; ``~/.secureConnect`` does not exist on test hosts).
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, strategies as st

import genai_actors as ga
from genai_actors import errors
from genai_actors._backend import NO_CLIENT_TLS, MLDevBackend, to_mtls_url
from genai_actors._transport import _mtls
from genai_actors.emulator import Emulator

from ..mtls_support import (
    MTLS_ENV,
    certificate_config,
    require_client_certificate,
    self_signed,
)
from .conftest import LOCATION, MODEL, PROJECT, TOKEN, static_credentials


@pytest.fixture(autouse=True)
def no_mtls_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in MTLS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.secureConnect of the host's


@pytest.fixture(scope="module")
def client_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("client-cert"), "client", server=False)


# -- the host rewrite ------------------------------------------------------------------------


HOSTS = [
    ("https://aiplatform.googleapis.com/", "https://aiplatform.mtls.googleapis.com/"),
    (
        "https://us-central1-aiplatform.googleapis.com/v1beta1/x",
        "https://us-central1-aiplatform.mtls.googleapis.com/v1beta1/x",
    ),
    ("https://x.sandbox.googleapis.com/", "https://x.mtls.sandbox.googleapis.com/"),
    ("https://sandbox.googleapis.com/", "https://sandbox.mtls.googleapis.com/"),
    ("wss://aiplatform.googleapis.com/ws", "wss://aiplatform.mtls.googleapis.com/ws"),
    ("https://aiplatform.mtls.googleapis.com/", "https://aiplatform.mtls.googleapis.com/"),
    ("https://aiplatform.us.rep.googleapis.com/", "https://aiplatform.us.rep.googleapis.com/"),
    ("https://aiplatform.eu.rep.googleapis.com/", "https://aiplatform.eu.rep.googleapis.com/"),
    ("https://googleapis.com/", "https://googleapis.com/"),
    ("https://aiplatform.googleapis.com:443/", "https://aiplatform.googleapis.com:443/"),
    ("https://gateway.example.com/", "https://gateway.example.com/"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
    ("https://googleapis.com.evil.example/", "https://googleapis.com.evil.example/"),
    ("https://AIPLATFORM.GOOGLEAPIS.COM/", "https://AIPLATFORM.GOOGLEAPIS.COM/"),
    ("https://x.US.rep.googleapis.com/", "https://x.US.rep.googleapis.com/"),
    ("https://u:p@aiplatform.googleapis.com/", "https://u:p@aiplatform.mtls.googleapis.com/"),
]


@pytest.mark.parametrize(("url", "expected"), HOSTS)
def test_mtls_hosts_match_google_genai(url: str, expected: str) -> None:
    from google.genai._api_client import to_mtls_url as theirs

    assert to_mtls_url(url) == expected
    assert theirs(url) == expected


_LABEL = st.text(alphabet="abcAZ0-", min_size=1, max_size=6)
_SUFFIX = st.sampled_from(
    [
        "googleapis.com",
        "GOOGLEAPIS.COM",
        "Googleapis.com",
        "SANDBOX.googleapis.com",
        "sandbox.googleapis.com",
        "mtls.googleapis.com",
        "mtls.sandbox.googleapis.com",
        "us.rep.googleapis.com",
        "eu.rep.sandbox.googleapis.com",
        "US.rep.googleapis.com",
        "rep.googleapis.com",
        "example.com",
        "googleapis.com.example",
    ]
)


@given(
    scheme=st.sampled_from(["https", "http", "wss"]),
    labels=st.lists(_LABEL, min_size=1, max_size=3),
    suffix=_SUFFIX,
    userinfo=st.sampled_from(["", "", "", "u:p@"]),
    port=st.sampled_from(["", "", "", ":443"]),
    path=st.sampled_from(["", "/", "/v1beta1/projects/p", "/a?b=c"]),
)
def test_mtls_rewrite_equals_google_genai_on_any_host(
    scheme: str, labels: list[str], suffix: str, userinfo: str, port: str, path: str
) -> None:
    from google.genai._api_client import to_mtls_url as theirs

    url = f"{scheme}://{userinfo}{'.'.join([*labels, suffix])}{port}{path}"
    assert to_mtls_url(url) == theirs(url)


# -- the choice, against google-genai's pieces -------------------------------------------------


def _google_genai_choice() -> tuple[bool, bool]:
    """(certificate loaded, mTLS endpoint) as google-genai's Vertex AI client decides them."""
    from google.genai import _api_client as theirs

    context = theirs._get_client_cert_ssl_ctx()
    loaded = theirs._has_client_cert(context)
    this = SimpleNamespace(vertexai=True)
    return loaded, theirs.BaseApiClient._use_mtls_endpoint(this, client_cert_loaded=loaded)  # type: ignore[arg-type]


@pytest.mark.parametrize("certificate", ["none", "valid", "broken"])
@pytest.mark.parametrize("switch", [None, "true", "false", "TRUE"])
@pytest.mark.parametrize("endpoint", [None, "never", "auto", "always", "Always ", "sometimes"])
def test_the_choice_matches_google_genai(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    client_files: tuple[Path, Path],
    certificate: str,
    switch: str | None,
    endpoint: str | None,
) -> None:
    """Certificate configured (or not, or unreadable) x the two variables: the same choice."""
    cert, key = client_files
    if certificate == "broken":
        cert = tmp_path / "missing-cert.pem"
    if certificate != "none":
        monkeypatch.setenv(
            "GOOGLE_API_CERTIFICATE_CONFIG", str(certificate_config(tmp_path, cert, key))
        )
    if switch is not None:
        monkeypatch.setenv("GOOGLE_API_USE_CLIENT_CERTIFICATE", switch)
    if endpoint is not None:
        monkeypatch.setenv("GOOGLE_API_USE_MTLS_ENDPOINT", endpoint)
    loaded, use_endpoint = _google_genai_choice()
    ours = _mtls.resolve_client_tls(vertexai=True)
    assert (ours.context is not None, ours.mtls_endpoint) == (loaded, use_endpoint)
    if certificate == "valid" and switch != "false":
        assert ours.context is not None  # the matrix does load certificates
    assert _mtls.resolve_client_tls(vertexai=False) is NO_CLIENT_TLS


def test_one_choice_per_client_and_none_for_the_developer_api(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, client_files: tuple[Path, Path]
) -> None:
    """The client's plans share the choice made once, and carry the certificate's context and
    the mtls host; the Developer API ignores every mTLS setting (google-genai does too)."""
    monkeypatch.setenv(
        "GOOGLE_API_CERTIFICATE_CONFIG", str(certificate_config(tmp_path, *client_files))
    )
    client = ga.AsyncClient(
        vertexai=True, project=PROJECT, location=LOCATION, credentials=static_credentials()
    )
    api = client._api
    chosen = api.backend.client_tls
    assert chosen is not None
    assert chosen.context is not None
    assert chosen.mtls_endpoint
    per_call = api._plan_for(
        {"timeout": 5000, "base_url": "https://europe-west4-aiplatform.googleapis.com"}
    )
    assert api.backend.client_tls is chosen
    assert per_call.tls is api._plan.tls is chosen.context
    assert api.url("publishers/google/models/m") == (
        "https://us-central1-aiplatform.mtls.googleapis.com/v1beta1/publishers/google/models/m"
    )
    assert str(per_call.target(api.backend, "POST", "x", None)).startswith(
        "https://europe-west4-aiplatform.mtls.googleapis.com/v1beta1/projects/"
    )

    mldev = ga.AsyncClient(api_key="k")
    assert mldev._api.backend.client_tls is NO_CLIENT_TLS
    assert mldev._api._plan.tls is None
    assert mldev._api.url("models/m").startswith("https://generativelanguage.googleapis.com/")
    assert isinstance(mldev._api.backend, MLDevBackend)


def test_google_genai_full_client_agrees(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, client_files: tuple[Path, Path]
) -> None:
    """google-genai's whole Vertex AI client, with the certificate configured, sends to the
    same mtls host and loads a certificate, as ours does."""
    from google import genai

    monkeypatch.setenv(
        "GOOGLE_API_CERTIFICATE_CONFIG", str(certificate_config(tmp_path, *client_files))
    )
    theirs = genai.Client(
        vertexai=True, project=PROJECT, location=LOCATION, credentials=static_credentials()
    )
    api = theirs._api_client
    their_url = api._httpx_url(api._http_options.base_url, is_async=True)
    theirs.close()
    ours = ga.AsyncClient(
        vertexai=True, project=PROJECT, location=LOCATION, credentials=static_credentials()
    )
    assert (
        ours._api._plan.base_url
        == their_url
        == "https://us-central1-aiplatform.mtls.googleapis.com/"
    )


def test_mtls_asked_without_google_auth_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Express mode needs no google-auth; asking for mTLS then raises ImportError naming the
    extra, and not asking goes on without it."""
    import google.auth.transport

    monkeypatch.setitem(sys.modules, "google.auth.transport.mtls", None)
    monkeypatch.delattr(google.auth.transport, "mtls", raising=False)
    assert _mtls.resolve_client_tls(vertexai=True) is NO_CLIENT_TLS
    monkeypatch.setenv("GOOGLE_API_USE_MTLS_ENDPOINT", "always")
    with pytest.raises(ImportError, match=r"genai-actors\[vertex\]"):
        ga.AsyncClient(vertexai=True, api_key="express-key")
    monkeypatch.delenv("GOOGLE_API_USE_MTLS_ENDPOINT")
    monkeypatch.setenv("GOOGLE_API_USE_CLIENT_CERTIFICATE", "true")
    with pytest.raises(ImportError, match=r"genai-actors\[vertex\]"):
        _mtls.resolve_client_tls(vertexai=True)


# -- a real handshake ---------------------------------------------------------------------------


@pytest.fixture
async def strict_emu(monkeypatch: pytest.MonkeyPatch, client_files: tuple[Path, Path]) -> Any:
    """The emulator over TLS, requiring a client certificate signed by the test client's."""
    require_client_certificate(monkeypatch, client_files[0])
    async with Emulator(bearer_tokens=[TOKEN], tls=True) as emulator:
        assert emulator.tls_ca_path is not None
        monkeypatch.setenv("SSL_CERT_FILE", str(emulator.tls_ca_path))
        yield emulator


def _client(emu: Emulator, http_client: str) -> ga.AsyncClient:
    return ga.AsyncClient(
        vertexai=True,
        project=PROJECT,
        location=LOCATION,
        credentials=static_credentials(),
        http_options={"base_url": emu.url, "retry_options": {"attempts": 1}},
        transport=ga.TransportConfig(http_client=http_client),
    )


@pytest.mark.parametrize("http_client", ["h1", "aiohttp"])
async def test_a_server_requiring_a_client_certificate_accepts_ours(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    strict_emu: Emulator,
    client_files: tuple[Path, Path],
    http_client: str,
) -> None:
    """With google-auth's default certificate configured the call succeeds (and the server saw
    it: it refuses a client without one); the loopback host is not a googleapis.com one, so the
    URL is unchanged."""
    monkeypatch.setenv(
        "GOOGLE_API_CERTIFICATE_CONFIG", str(certificate_config(tmp_path, *client_files))
    )
    async with _client(strict_emu, http_client) as client:
        assert client._api._plan.tls is not None
        response = await client.models.generate_content(model=MODEL, contents="hello")
    assert response.text
    assert strict_emu.recorded[-1].path.startswith(f"/v1beta1/projects/{PROJECT}/")

    monkeypatch.setenv("GOOGLE_API_USE_CLIENT_CERTIFICATE", "false")
    async with _client(strict_emu, http_client) as client:
        assert client._api._plan.tls is None
        with pytest.raises(errors.TransportError) as refused:
            await client.models.generate_content(model=MODEL, contents="hello")
    # The server's certificate verified (the shared context trusts SSL_CERT_FILE): the
    # refusal is the missing client certificate, at the handshake or the first read (TLS 1.3).
    assert isinstance(refused.value, errors.ConnectError | errors.ConnectionLostError)
    assert "CERTIFICATE_VERIFY_FAILED" not in str(refused.value)
