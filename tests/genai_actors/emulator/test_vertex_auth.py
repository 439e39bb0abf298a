"""Vertex AI authentication: the OAuth token endpoint, bearer checks, projects, express mode.

google-auth is the oracle for the token endpoint: its service-account (jwt-bearer) and user
(refresh_token) flows must run unmodified against ``{emulator}/token``.
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import aiohttp
import pytest
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.genai import errors
from google.oauth2 import credentials as user_credentials, service_account
from hypothesis import given, settings, strategies as st

from genai_actors.emulator import Emulator
from genai_actors.emulator._oauth import OAuthError
from genai_actors.emulator._state import EmulatorState

from .conftest import BEARER, SCOPE, Raw, user, vertex_client

GEN = f"{SCOPE}/publishers/google/models/gemini-2.5-flash:generateContent"
BODY = {"contents": [user("hello")]}
CLOUD = ["https://www.googleapis.com/auth/cloud-platform"]


def test_service_account_file_flow_runs_offline(tmp_path: Path) -> None:
    """A key file whose token_uri is the emulator: google-auth signs a JWT, the emulator checks
    its signature and issues a token google-genai then sends as Bearer."""
    with Emulator() as emu:
        path = tmp_path / "sa.json"
        info = emu.service_account(path, project_id="proj")
        assert json.loads(path.read_text())["token_uri"] == f"{emu.url}/token"
        assert path.stat().st_mode & 0o077 == 0
        creds = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            str(path), scopes=CLOUD
        )
        client = vertex_client(emu.url, credentials=creds)
        emu.recorded.clear()
        for _ in range(3):
            assert client.models.generate_content(model="gemini-2.5-flash", contents="hi").text
        assert emu.oauth.issued == {"jwt-bearer": 1}
        tokens = {r.headers["authorization"] for r in emu.recorded}
        assert len(tokens) == 1
        (token,) = tokens
        issued = emu.oauth.get(token.removeprefix("Bearer "))
        assert issued is not None
        assert issued.subject == info["client_email"]
        assert issued.scopes == tuple(CLOUD)


def test_jwt_signed_by_another_key_is_refused() -> None:
    """The endpoint checks a registered service account's signature: a JWT signed by a key the
    emulator does not know for that email gets invalid_grant."""
    with Emulator() as emu:
        info = emu.service_account(project_id="proj")
        emu.service_account(project_id="proj", client_email=info["client_email"])  # new key
        creds = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=CLOUD
        )
        with pytest.raises(RefreshError, match="invalid_grant"):
            creds.refresh(Request())  # type: ignore[no-untyped-call]
        assert emu.oauth.issued_total == 0


def test_user_credentials_refresh_and_quota_project() -> None:
    """authorized_user credentials refresh with the refresh_token grant; google-genai sends the
    quota project as x-goog-user-project."""
    with Emulator() as emu:
        info = emu.authorized_user(quota_project_id="billing-proj")
        creds = user_credentials.Credentials.from_authorized_user_info(info).with_token_uri(  # type: ignore[no-untyped-call]
            emu.token_uri
        )
        client = vertex_client(emu.url, credentials=creds)
        emu.recorded.clear()
        assert client.models.count_tokens(model="gemini-2.5-flash", contents="a b c").total_tokens
        assert emu.oauth.issued == {"refresh_token": 1}
        (request,) = list(emu.recorded)
        assert request.headers["x-goog-user-project"] == "billing-proj"


async def test_issued_token_expires_on_the_emulator_clock() -> None:
    """A token is refused with ACCESS_TOKEN_EXPIRED once token_lifetime has passed on the
    emulator's (virtual) clock, and accepted just before."""
    now = [1000.0]
    async with (
        Emulator(token_lifetime=60, clock=lambda: now[0]) as emu,
        aiohttp.ClientSession() as session,
    ):
        raw = Raw(session, emu.url)
        async with session.post(
            f"{emu.url}/token",
            data={"grant_type": "refresh_token", "refresh_token": "r", "client_id": "c"},
        ) as resp:
            assert resp.status == 200
            grant = await resp.json()
        assert grant["expires_in"] == 60
        assert grant["token_type"] == "Bearer"
        auth = {"Authorization": f"Bearer {grant['access_token']}"}
        now[0] += 59.5
        status, _ = await raw.post(GEN, BODY, headers=auth)
        assert status == 200
        now[0] += 1
        status, body = await raw.post(GEN, BODY, headers=auth)
        assert status == 401
        assert body["error"]["status"] == "UNAUTHENTICATED"
        assert body["error"]["details"][0]["reason"] == "ACCESS_TOKEN_EXPIRED"


async def test_unknown_and_missing_tokens_are_401(vraw: Raw) -> None:
    """An unknown bearer token and a request without credentials get Vertex AI's 401s, with
    the WWW-Authenticate header; the configured token works."""
    status, body = await vraw.post(GEN, BODY, headers={"Authorization": "Bearer nope"})
    assert status == 401
    assert body["error"]["details"][0]["reason"] == "ACCESS_TOKEN_TYPE_UNSUPPORTED"
    assert "nope" not in json.dumps(body)
    status, body = await vraw.post(GEN, BODY, headers={})
    assert status == 401
    assert body["error"]["details"][0]["reason"] == "CREDENTIALS_MISSING"
    async with vraw.session.post(f"{vraw.base}/{GEN}", json=BODY) as resp:
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    status, _ = await vraw.post(GEN, BODY, headers=BEARER)
    assert status == 200


async def test_api_key_refused_on_project_paths_accepted_in_express_mode(vraw: Raw) -> None:
    """Vertex AI refuses API keys for project resources; express mode paths take them."""
    key = {"x-goog-api-key": "k"}
    status, body = await vraw.post(GEN, BODY, headers=key)
    assert status == 401
    assert "API keys are not supported" in body["error"]["message"]
    express = "v1beta1/publishers/google/models/gemini-2.5-flash:generateContent"
    status, _ = await vraw.post(express, BODY, headers=key)
    assert status == 200
    status, _ = await vraw.post(express, BODY, headers=BEARER)
    assert status == 200


async def test_wrong_project_is_403_when_projects_are_listed() -> None:
    """With vertex_projects given, another project gets 403 PERMISSION_DENIED naming the
    resource and the permission; a listed one is served."""
    async with (
        Emulator(bearer_tokens=["t"], vertex_projects=["proj"]) as emu,
        aiohttp.ClientSession() as session,
    ):
        raw = Raw(session, emu.url)
        auth = {"Authorization": "Bearer t"}
        status, _ = await raw.post(GEN, BODY, headers=auth)
        assert status == 200
        other = GEN.replace("projects/proj/", "projects/other/")
        status, body = await raw.post(other, BODY, headers=auth)
        assert status == 403
        error = body["error"]
        assert error["status"] == "PERMISSION_DENIED"
        assert "aiplatform.endpoints.predict" in error["message"]
        assert error["details"][0]["metadata"]["resource"].startswith("projects/other/")


def test_wrong_project_through_google_genai() -> None:
    """google-genai sees the 403 as a ClientError with code 403."""
    with Emulator(bearer_tokens=["t"], vertex_projects=["proj"]) as emu:
        client = vertex_client(emu.url, token="t", project="elsewhere")
        with pytest.raises(errors.ClientError) as caught:
            client.models.generate_content(model="gemini-2.5-flash", contents="x")
        assert caught.value.code == 403


async def test_token_endpoint_refusals(vraw: Raw) -> None:
    """Malformed grants get OAuth's 400 {error, error_description}."""
    url = f"{vraw.base}/token"
    jwt_grant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    header = base64.urlsafe_b64encode(b'{"alg":"RS256"}').decode().rstrip("=")
    claims = base64.urlsafe_b64encode(
        json.dumps({"iss": "a@b", "aud": "https://elsewhere/token", "iat": 1, "exp": 2}).encode()
    ).decode()
    cases = [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": jwt_grant, "assertion": "x.y"}, "invalid_grant"),
        ({"grant_type": jwt_grant, "assertion": f"{header}.{claims}.sig"}, "invalid_grant"),
        ({"grant_type": "refresh_token", "client_id": "c"}, "invalid_request"),
    ]
    for form, error in cases:
        async with vraw.session.post(url, data=form) as resp:
            assert resp.status == 400
            assert (await resp.json())["error"] == error


async def test_admin_counts_and_expires_tokens(vemu: Emulator, vraw: Raw) -> None:
    """GET /_emulator/oauth counts issuances by grant; POST /_emulator/oauth/expire expires
    issued tokens (configured ones are unaffected)."""
    form = {"grant_type": "refresh_token", "refresh_token": "r", "client_id": "c"}
    async with vraw.session.post(f"{vraw.base}/token", data=form) as resp:
        token = (await resp.json())["access_token"]
    status, snap = await vraw.get("_emulator/oauth", headers={})
    assert status == 200
    assert snap["issued"] == 1
    assert snap["issuedByGrant"] == {"refresh_token": 1}
    assert snap["live"] == 1
    status, out = await vraw.post("_emulator/oauth/expire", {}, headers={})
    assert (status, out) == (200, {"expired": 1})
    status, body = await vraw.post(GEN, BODY, headers={"Authorization": f"Bearer {token}"})
    assert status == 401
    assert body["error"]["details"][0]["reason"] == "ACCESS_TOKEN_EXPIRED"
    status, _ = await vraw.post(GEN, BODY, headers=BEARER)
    assert status == 200
    status, settings = await vraw.get("_emulator/settings", headers={})
    assert "bearer_tokens" not in settings


@pytest.mark.filterwarnings(
    "ignore:Inheritance class AiohttpClientSession from ClientSession is discouraged"
    ":DeprecationWarning"
)
async def test_concurrent_google_genai_calls_share_one_issued_token() -> None:
    """100 concurrent calls of google-genai's async client with a service account are all
    served with one token: the endpoint issued exactly one."""
    async with Emulator() as emu:
        info = emu.service_account(project_id="proj")
        creds = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=CLOUD
        )
        client = vertex_client(emu.url, credentials=creds).aio
        try:
            results = await asyncio.gather(
                *[
                    client.models.count_tokens(model="gemini-2.5-flash", contents=f"w {i}")
                    for i in range(100)
                ]
            )
        finally:
            await client.aclose()
        assert {r.total_tokens for r in results} == {2}
        assert emu.oauth.issued == {"jwt-bearer": 1}
        assert len({r.headers["authorization"] for r in emu.recorded}) == 1


async def test_concurrent_grants_issue_distinct_tokens(vraw: Raw, vemu: Emulator) -> None:
    """50 concurrent grants get 50 distinct tokens, all accepted, all counted."""

    async def grant(i: int) -> str:
        form = {"grant_type": "refresh_token", "refresh_token": f"r{i}", "client_id": "c"}
        async with vraw.session.post(f"{vraw.base}/token", data=form) as resp:
            token: str = (await resp.json())["access_token"]
            return token

    tokens = await asyncio.gather(*[grant(i) for i in range(50)])
    assert len(set(tokens)) == 50
    assert vemu.oauth.issued_total == 50
    statuses = await asyncio.gather(
        *[vraw.post(GEN, BODY, headers={"Authorization": f"Bearer {t}"}) for t in tokens]
    )
    assert {s for s, _ in statuses} == {200}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@settings(max_examples=100, deadline=None)
@given(
    assertion=st.one_of(
        st.text(max_size=200),
        st.lists(st.binary(max_size=60), min_size=3, max_size=3).map(
            lambda parts: ".".join(_b64url(p) for p in parts)
        ),
        st.tuples(
            st.dictionaries(
                st.sampled_from(["iss", "aud", "iat", "exp", "scope"]),
                st.one_of(st.integers(), st.text(max_size=20), st.none()),
            ),
        ).map(lambda c: f"{_b64url(b'{}')}.{_b64url(json.dumps(c[0]).encode())}.sig"),
    )
)
def test_jwt_grant_refuses_anything_malformed(assertion: str) -> None:
    """Property: a JWT assertion that is not a well-formed, in-time service-account JWT for
    the endpoint is refused with OAuthError, never another exception, and issues nothing."""
    state = EmulatorState()
    with pytest.raises(OAuthError) as caught:
        state.oauth.jwt_grant(assertion, "http://127.0.0.1:1/token")
    assert caught.value.error == "invalid_grant"
    assert state.oauth.issued_total == 0
    state.close()
