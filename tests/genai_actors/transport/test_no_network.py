"""No server to reach: the error names the host and the attempts, after a bounded time."""

from __future__ import annotations

import socket

import pytest

import genai_actors as ga
from genai_actors import errors


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_unreachable_server_names_host_and_attempts(http_client: str) -> None:
    """A refused connection, retried, ends as ConnectError naming host:port and 3 attempts."""
    port = _closed_port()
    options = {
        "base_url": f"http://127.0.0.1:{port}",
        "retry_options": {"attempts": 3, "initial_delay": 0.01, "max_delay": 0.02},
    }
    async with ga.AsyncClient(
        api_key="k", http_options=options, transport=ga.TransportConfig(http_client=http_client)
    ) as client:
        with pytest.raises(errors.ConnectError) as caught:
            await client.models.generate_content(model="gemini-2.5-flash", contents="hi")
    assert caught.value.attempts == 3
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert str(caught.value).endswith("(after 3 attempts)")
