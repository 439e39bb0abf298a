"""TLS: the SSL context is built for https only, and certificates are checked against it."""

from __future__ import annotations

import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors._transport import _session
from genai_actors.emulator import Emulator

from ..core.conftest import API_KEY
from .conftest import transport

MODEL = "gemini-2.5-flash"


@pytest.fixture
def fresh_ssl_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process-wide SSL context is rebuilt from the test's environment."""
    monkeypatch.setattr(_session, "_ssl_context", None)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


@pytest.mark.usefixtures("fresh_ssl_context")
async def test_plain_http_builds_no_ssl_context(emu: Emulator, http_client: str) -> None:
    """A client on a plain-http base URL (the emulator) never builds the SSL context."""
    async with ga.AsyncClient(
        api_key=API_KEY, http_options={"base_url": emu.url}, transport=transport(http_client)
    ) as client:
        response = await client.models.generate_content(model=MODEL, contents="hi")
    assert response.text
    assert _session._ssl_context is None


@pytest.mark.usefixtures("fresh_ssl_context")
async def test_https_checks_the_certificate(
    monkeypatch: pytest.MonkeyPatch, http_client: str
) -> None:
    """Over https the server's certificate must chain to SSL_CERT_FILE; otherwise no call."""
    async with Emulator(api_key=API_KEY, tls=True) as emu:
        assert emu.url.startswith("https://")
        assert emu.tls_ca_path is not None
        options = {"base_url": emu.url, "retry_options": {"attempts": 1}}
        monkeypatch.setenv("SSL_CERT_FILE", str(emu.tls_ca_path))
        async with ga.AsyncClient(
            api_key=API_KEY, http_options=options, transport=transport(http_client)
        ) as client:
            response = await client.models.generate_content(model=MODEL, contents="hi")
        assert response.text
        assert _session._ssl_context is not None

        monkeypatch.setattr(_session, "_ssl_context", None)
        monkeypatch.delenv("SSL_CERT_FILE")  # certifi's bundle does not hold the emulator's CA
        async with ga.AsyncClient(
            api_key=API_KEY, http_options=options, transport=transport(http_client)
        ) as client:
            with pytest.raises(errors.ConnectError):
                await client.models.generate_content(model=MODEL, contents="hi")
