"""The commands' backend: the embedded emulator without an API key, the real API with one."""

from __future__ import annotations

import io

from genai_actors._cli_backend import EMULATOR_API_KEY, has_api_key, open_backend


def test_has_api_key_reads_either_variable() -> None:
    assert not has_api_key({})
    assert not has_api_key({"GEMINI_API_KEY": "  "})
    assert has_api_key({"GEMINI_API_KEY": "k"})
    assert has_api_key({"GOOGLE_API_KEY": "k"})


async def test_without_a_key_an_embedded_emulator_answers_and_says_so_once() -> None:
    out = io.StringIO()
    async with open_backend(
        "genai-actors test",
        announce=out,
        environ={},
        emulator_options={"seed": 3},
        client_options={"http_options": {"timeout": 5000}},
    ) as backend:
        assert backend.embedded
        assert backend.emulator is not None
        response = await backend.client.models.generate_content(
            model="gemini-2.5-flash", contents="hello"
        )
        assert response.text
        assert backend.emulator.recorded[-1].headers["x-goog-api-key"] == EMULATOR_API_KEY
        url = backend.emulator.url
    lines = out.getvalue().splitlines()
    assert lines == [
        f"genai-actors test: GEMINI_API_KEY is not set: using an embedded emulator at {url} "
        "(offline; answers are synthetic)"
    ]
    assert backend.client.closed


async def test_with_a_key_the_real_api_client_is_used_and_nothing_is_announced() -> None:
    out = io.StringIO()
    async with open_backend(
        "genai-actors test",
        announce=out,
        environ={"GEMINI_API_KEY": "k"},
        client_options={"api_key": "k"},
    ) as backend:
        assert not backend.embedded
        assert "generativelanguage.googleapis.com" in repr(backend.client)
    assert out.getvalue() == ""
    assert backend.client.closed
