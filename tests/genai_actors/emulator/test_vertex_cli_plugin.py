"""The Vertex AI options of the command line and the pytest plugin's service-account file."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import aiohttp
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from genai_actors.emulator import Emulator
from genai_actors.emulator.__main__ import build_parser


def test_vertex_flags_parse() -> None:
    """--bearer-token and --vertex-project repeat; --token-lifetime takes seconds."""
    args = build_parser().parse_args(
        [
            "--bearer-token",
            "a",
            "--bearer-token",
            "b",
            "--vertex-project",
            "p",
            "--token-lifetime",
            "30",
        ]
    )
    assert args.bearer_token == ["a", "b"]
    assert args.vertex_project == ["p"]
    assert args.token_lifetime == 30.0
    defaults = build_parser().parse_args([])
    assert (defaults.bearer_token, defaults.vertex_project) == ([], [])
    assert defaults.token_lifetime == 3600.0


async def test_command_serves_vertex_with_tokens_and_projects() -> None:
    """The command accepts the given bearer token, refuses other tokens (401) and other
    projects (403)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "genai_actors.emulator",
        "--port",
        "0",
        "--bearer-token",
        "tok",
        "--vertex-project",
        "mine",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        url = line.rsplit(" ", 1)[1].strip()
        body = {"contents": [{"role": "user", "parts": [{"text": "x"}]}]}
        path = "/v1beta1/projects/{}/locations/us-central1/publishers/google/models/"
        path += "gemini-2.5-flash:countTokens"
        async with aiohttp.ClientSession() as s:
            for project, token, status in [
                ("mine", "tok", 200),
                ("mine", "other", 401),
                ("theirs", "tok", 403),
            ]:
                headers = {"Authorization": f"Bearer {token}"}
                async with s.post(url + path.format(project), json=body, headers=headers) as r:
                    assert r.status == status
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def test_service_account_fixture(gemini_emulator: Emulator, gemini_service_account: Path) -> None:
    """gemini_service_account writes a key file google-auth refreshes at the emulator."""
    info = json.loads(gemini_service_account.read_text())
    assert info["token_uri"] == gemini_emulator.token_uri
    creds = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
        str(gemini_service_account), scopes=["https://www.googleapis.com/auth/cloud-platform"]
    )
    creds.refresh(Request())  # type: ignore[no-untyped-call]
    assert creds.token.startswith("ya29.")
    assert gemini_emulator.oauth.issued_total == 1
