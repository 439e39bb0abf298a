"""Fixtures for the Vertex AI client: a clean environment, an emulator serving Vertex AI with
a known bearer token, and clients on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import genai_actors as ga
from genai_actors._watch import WatchConfig
from genai_actors.emulator import Emulator
from supervisors import Backoff

PROJECT = "vertex-proj"
LOCATION = "us-central1"
TOKEN = "vertex-test-token-7Qz"
MODEL = "gemini-2.5-flash"
SCOPE = f"/v1beta1/projects/{PROJECT}/locations/{LOCATION}"
FAST_WATCH = WatchConfig(backoff=Backoff(0.01, 0.05, jitter=0.0))

ENV = (
    "GOOGLE_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_GEMINI_BASE_URL",
    "GOOGLE_VERTEX_BASE_URL",
    "GOOGLE_GENAI_API_VERSION",
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_GENAI_USE_ENTERPRISE",
    "GOOGLE_CLOUD_PROJECT",
    "GOOGLE_CLOUD_LOCATION",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_CLOUD_QUOTA_PROJECT",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Each test starts without Gemini or Google Cloud environment variables, and with no
    gcloud configuration (ADC finds nothing unless a test points it somewhere)."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setenv("NO_GCE_CHECK", "True")  # ADC must not probe a metadata server


def static_credentials(token: str = TOKEN) -> Any:
    """google-auth user credentials holding a fixed token (never refreshed)."""
    from google.oauth2.credentials import Credentials

    return Credentials(token=token)  # type: ignore[no-untyped-call]


@pytest.fixture
async def vemu() -> AsyncIterator[Emulator]:
    """An emulator accepting the bearer token TOKEN; jobs and videos finish on the first poll."""
    async with Emulator(bearer_tokens=[TOKEN], video_polls=1, job_polls=1) as emulator:
        yield emulator


def vertex_client(emu: Emulator, credentials: Any = None, **options: Any) -> ga.AsyncClient:
    """An AsyncClient on Vertex AI (PROJECT, LOCATION) aimed at ``emu``; jobs are polled every
    10-50 ms."""
    return ga.AsyncClient(
        vertexai=True,
        project=options.pop("project", PROJECT),
        location=options.pop("location", LOCATION),
        credentials=credentials if credentials is not None else static_credentials(),
        http_options={"base_url": emu.url, **options},
        watch=FAST_WATCH,
    )


@pytest.fixture
async def vclient(vemu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """An AsyncClient on Vertex AI aimed at ``vemu`` with the static token TOKEN."""
    async with vertex_client(vemu) as client:
        yield client
