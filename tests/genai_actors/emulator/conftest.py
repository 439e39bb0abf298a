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
            if resp.content_type.startswith("application/json"):
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
