"""Fixtures for the emulator tests: an in-loop emulator and a raw aiohttp client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from genai_actors.emulator import Emulator

KEY = {"x-goog-api-key": "test-key"}


class Raw:
    """A thin JSON client for talking to the emulator over a real socket."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        data: bytes | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """Send one request; return the status and the decoded JSON body (or raw bytes)."""
        hdrs = dict(KEY if headers is None else headers)
        async with self.session.request(
            method,
            f"{self.base}/{path.lstrip('/')}",
            json=body if data is None and body is not None else None,
            data=data,
            headers=hdrs,
            params=params,
        ) as resp:
            raw = await resp.read()
            if resp.content_type == "application/json":
                return resp.status, await resp.json()
            return resp.status, raw

    async def post(self, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        """POST JSON."""
        return await self.call("POST", path, body, **kw)

    async def get(self, path: str, **kw: Any) -> tuple[int, Any]:
        """GET."""
        return await self.call("GET", path, **kw)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator serving in the test's event loop."""
    async with Emulator() as emulator:
        yield emulator


@pytest.fixture
async def raw(emu: Emulator) -> AsyncIterator[Raw]:
    """A raw JSON client bound to ``emu``."""
    async with aiohttp.ClientSession() as session:
        yield Raw(session, emu.url)


def user(text: str) -> dict[str, Any]:
    """A user turn with one text part."""
    return {"role": "user", "parts": [{"text": text}]}


def text_of(response: dict[str, Any], candidate: int = 0) -> str:
    """The non-thought text of one candidate."""
    parts = response["candidates"][candidate]["content"]["parts"]
    return "".join(p.get("text", "") for p in parts if not p.get("thought"))


class Clock:
    """A manually advanced monotonic clock (``clock.now += 5``)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Reply:
    """One raw HTTP reply: status, headers and the decoded JSON (or bytes) body."""

    def __init__(self, status: int, headers: dict[str, str], body: Any) -> None:
        self.status = status
        self.headers = headers
        self.body = body


async def send(
    session: aiohttp.ClientSession,
    url: str,
    *,
    headers: dict[str, str],
    data: bytes | None = None,
    body: Any = None,
) -> Reply:
    """POST to ``url`` and return the reply with its headers (lower-cased keys)."""
    async with session.post(url, headers=headers, data=data, json=body) as resp:
        raw = await resp.read()
        decoded: Any = raw
        if resp.content_type == "application/json" and raw:
            decoded = await resp.json()
        return Reply(resp.status, {k.lower(): v for k, v in resp.headers.items()}, decoded)


async def start_upload(
    session: aiohttp.ClientSession,
    base: str,
    size: int,
    mime: str = "text/plain",
    *,
    target: str = "v1beta/files",
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """Send the resumable ``start`` request; the reply carries ``x-goog-upload-url``."""
    hdrs = {
        **KEY,
        "X-Goog-Upload-Protocol": "resumable",
        "X-Goog-Upload-Command": "start",
        "X-Goog-Upload-Header-Content-Length": str(size),
        "X-Goog-Upload-Header-Content-Type": mime,
        **(headers or {}),
    }
    return await send(
        session, f"{base}/upload/{target}", headers=hdrs, body=body if body is not None else {}
    )


async def chunk(
    session: aiohttp.ClientSession, url: str, data: bytes, offset: int, command: str = "upload"
) -> Reply:
    """Send one upload chunk (no API key: the upload URL authorises it)."""
    return await send(
        session,
        url,
        headers={"X-Goog-Upload-Command": command, "X-Goog-Upload-Offset": str(offset)},
        data=data,
    )


async def upload(
    session: aiohttp.ClientSession,
    base: str,
    data: bytes,
    mime: str = "text/plain",
    *,
    target: str = "v1beta/files",
    body: Any = None,
) -> Any:
    """A whole resumable upload in one finalizing chunk; returns the final JSON body."""
    started = await start_upload(session, base, len(data), mime, target=target, body=body)
    assert started.status == 200, started.body
    final = await chunk(session, started.headers["x-goog-upload-url"], data, 0, "upload, finalize")
    assert final.status == 200, final.body
    assert final.headers["x-goog-upload-status"] == "final"
    return final.body


PROJECT = "proj"
LOCATION = "us-central1"
SCOPE = f"v1beta1/projects/{PROJECT}/locations/{LOCATION}"
BEARER = {"Authorization": "Bearer test-token"}


def vertex_client(
    base_url: str,
    token: str = "test-token",
    *,
    credentials: Any = None,
    project: str = PROJECT,
    location: str = LOCATION,
) -> Any:
    """google-genai's client on Vertex AI aimed at an emulator, with ``credentials`` or else a
    static bearer ``token``."""
    from google import genai
    from google.oauth2.credentials import Credentials

    return genai.Client(
        vertexai=True,
        project=project,
        location=location,
        credentials=credentials or Credentials(token=token),  # type: ignore[no-untyped-call]
        http_options={"base_url": base_url},
    )


@pytest.fixture
async def vemu() -> AsyncIterator[Emulator]:
    """An in-loop emulator accepting the bearer token ``test-token``, jobs finishing per poll."""
    async with Emulator(bearer_tokens=["test-token"], job_polls=1) as emulator:
        yield emulator


@pytest.fixture
async def vraw(vemu: Emulator) -> AsyncIterator[Raw]:
    """A raw JSON client bound to ``vemu``."""
    async with aiohttp.ClientSession() as session:
        yield Raw(session, vemu.url)
