"""mTLS for Live on Vertex AI, as google-genai 3.6.1 does it for its WebSocket.

- a real handshake: the emulator over WSS, requiring a client certificate, accepts a Live
  session whose client found the certificate through google-auth's workload certificate config
  (project and express modes) and refuses one without it;
- the host: the ``wss://`` URL's host equals google-genai's ``_websocket_base_url`` on a
  matrix of certificate x ``GOOGLE_API_USE_MTLS_ENDPOINT`` x mode (project, express, gateway);
  the Developer API never moves.

The certificate helpers are the REST mTLS tests' (``tests/genai_actors/vertex/test_mtls.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import aiohttp
import pytest

import genai_actors as ga
from genai_actors._backend import NO_CLIENT_TLS
from genai_actors._live import LiveOptions
from genai_actors._live._setup import coerce_live_config
from genai_actors._transport import _session as _transport_session
from genai_actors.emulator import Emulator
from supervisors import Backoff

from ..mtls_support import (
    MTLS_ENV,
    certificate_config,
    require_client_certificate,
    self_signed,
)
from .conftest import MODEL, TEXT, text_of, turn

PROJECT = "mtls-live-proj"
LOCATION = "us-central1"
TOKEN = "mtls-live-token-7Qz"
KEY = "mtls-live-express-key-3Vb"
ENV = (
    *MTLS_ENV,
    "GOOGLE_CLOUD_PROJECT",
    "GOOGLE_CLOUD_LOCATION",
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_VERTEX_BASE_URL",
    "GOOGLE_GENAI_API_VERSION",
    "GOOGLE_APPLICATION_CREDENTIALS",
)


@pytest.fixture(autouse=True)
def no_mtls_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.secureConnect of the host's
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))


@pytest.fixture(scope="module")
def client_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("live-cert"), "client", server=False)


def _use_certificate(
    monkeypatch: pytest.MonkeyPatch, folder: Path, files: tuple[Path, Path]
) -> None:
    config = certificate_config(folder, *files)
    monkeypatch.setenv("GOOGLE_API_CERTIFICATE_CONFIG", str(config))


def _credentials() -> Any:
    from google.oauth2.credentials import Credentials

    return Credentials(token=TOKEN)  # type: ignore[no-untyped-call]


# -- a real handshake ---------------------------------------------------------------------------


@pytest.fixture
async def strict_emu(
    monkeypatch: pytest.MonkeyPatch, client_files: tuple[Path, Path]
) -> AsyncIterator[Emulator]:
    """The emulator over TLS (HTTPS and WSS), requiring a client certificate signed by the
    test client's."""
    require_client_certificate(monkeypatch, client_files[0])
    async with Emulator(
        api_key=KEY, bearer_tokens=[TOKEN], vertex_projects=[PROJECT], tls=True
    ) as emulator:
        assert emulator.tls_ca_path is not None
        monkeypatch.setenv("SSL_CERT_FILE", str(emulator.tls_ca_path))
        yield emulator


def _vertex_client(emu: Emulator, mode: str) -> ga.AsyncClient:
    url = {"base_url": emu.url}
    if mode == "project":
        client = ga.AsyncClient(
            vertexai=True,
            project=PROJECT,
            location=LOCATION,
            credentials=_credentials(),
            http_options=url,
        )
    else:
        client = ga.AsyncClient(vertexai=True, api_key=KEY, http_options=url)
    client.live.options = LiveOptions(
        reconnect_backoff=Backoff(0.01, 0.05, jitter=0.0), max_reconnect_attempts=0
    )
    return client


@pytest.mark.parametrize("mode", ["project", "express"])
async def test_a_server_requiring_a_client_certificate_accepts_our_live_session(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    strict_emu: Emulator,
    client_files: tuple[Path, Path],
    mode: str,
) -> None:
    """With google-auth's default certificate configured a Live session opens and runs a turn
    over WSS (the server requires the certificate); the WebSocket uses the very context the
    client's REST calls use. Without it (``GOOGLE_API_USE_CLIENT_CERTIFICATE=false``) the
    handshake is refused, and the server's own certificate was not the reason."""
    _use_certificate(monkeypatch, tmp_path, client_files)
    async with _vertex_client(strict_emu, mode) as client:
        chosen = client._api.backend.client_tls
        assert chosen is not None
        assert chosen.context is not None
        assert client.live._ssl() is chosen.context is client._api._plan.tls
        async with client.live.connect(model=MODEL, config=TEXT) as session:
            await session.send_client_content(
                turns={"role": "user", "parts": [{"text": "over mtls"}]}
            )
            assert text_of(await turn(session))
        # the loopback host is no googleapis.com host: the URL is the base URL's
        assert strict_emu.live.setups, "the server saw no setup"

    monkeypatch.setenv("GOOGLE_API_USE_CLIENT_CERTIFICATE", "false")
    async with _vertex_client(strict_emu, mode) as client:
        assert client._api.backend.client_tls == NO_CLIENT_TLS
        assert client.live._ssl() is _transport_session.shared_ssl_context()
        with pytest.raises((aiohttp.ClientError, OSError)) as refused:
            async with client.live.connect(model=MODEL, config=TEXT):
                pass
    assert "CERTIFICATE_VERIFY_FAILED" not in str(refused.value)


async def test_the_developer_api_presents_no_certificate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, client_files: tuple[Path, Path]
) -> None:
    """A certificate configured and the mTLS host forced: the Developer API's Live sessions
    keep the process-wide TLS setting and their host (google-genai applies neither)."""
    _use_certificate(monkeypatch, tmp_path, client_files)
    monkeypatch.setenv("GOOGLE_API_USE_MTLS_ENDPOINT", "always")
    async with ga.AsyncClient(api_key=KEY) as client:
        assert client.live._ssl() is _transport_session.shared_ssl_context()
        url, _ = client.live.endpoint(coerce_live_config(TEXT))
    assert urlparse(url).netloc == "generativelanguage.googleapis.com"


# -- the host, against google-genai ------------------------------------------------------------


GATEWAY = "https://live-gateway.googleapis.com/"  # a gateway for both: no project, no key


def _client_options(mode: str, location: str) -> dict[str, Any]:
    """The same client arguments for google-genai's client and ours, by ``mode``."""
    if mode == "project":
        return {
            "vertexai": True,
            "project": PROJECT,
            "location": location,
            "credentials": _credentials(),
        }
    if mode == "express":
        return {"vertexai": True, "api_key": KEY}
    return {"vertexai": True, "http_options": {"base_url": GATEWAY}}


def _their_ws_host(mode: str, location: str) -> str:
    from google import genai

    theirs = genai.Client(**_client_options(mode, location))
    try:
        return urlparse(theirs._api_client._websocket_base_url()).netloc
    finally:
        theirs.close()


async def _our_ws_host(mode: str, location: str) -> str:
    async with ga.AsyncClient(**_client_options(mode, location)) as client:
        url, *_ = client.live._vertex(MODEL, coerce_live_config(TEXT))
    return urlparse(url).netloc


@pytest.mark.parametrize("certificate", [False, True])
@pytest.mark.parametrize("endpoint", [None, "never", "always"])
@pytest.mark.parametrize(
    ("mode", "location"),
    [("project", LOCATION), ("project", "global"), ("express", ""), ("gateway", "")],
)
async def test_the_wss_host_matches_google_genai(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    client_files: tuple[Path, Path],
    certificate: bool,
    endpoint: str | None,
    mode: str,
    location: str,
) -> None:
    """google-genai's WebSocket host (``_websocket_base_url``) and ours agree for the same
    environment: moved to ``*.mtls.googleapis.com`` with a certificate loaded (``auto``) or
    ``always``, except a gateway's URL, which neither moves."""
    if certificate:
        _use_certificate(monkeypatch, tmp_path, client_files)
    if endpoint is not None:
        monkeypatch.setenv("GOOGLE_API_USE_MTLS_ENDPOINT", endpoint)
    theirs = _their_ws_host(mode, location)
    ours = await _our_ws_host(mode, location)
    assert ours == theirs
    moved = mode != "gateway" and (endpoint == "always" or (certificate and endpoint is None))
    assert (".mtls." in ours) is moved
