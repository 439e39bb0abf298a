"""Vertex AI authentication end to end against the emulator's OAuth token endpoint: one refresh
for many concurrent calls, refresh before expiry, service-account and user key files, ADC,
the quota project header, an expired or unknown token, a wrong project, and express mode."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import anyio
import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors._vertex import VertexBackend
from genai_actors.emulator import Emulator

from .conftest import LOCATION, MODEL, PROJECT, SCOPE, TOKEN, vertex_client

COUNT = f"{SCOPE}/publishers/google/models/{MODEL}:countTokens"


def _user_credentials(emu: Emulator, **kwargs: Any) -> Any:
    from google.oauth2 import credentials as user

    info = emu.authorized_user(**kwargs)
    # google-auth always points user credentials at Google's token endpoint: re-aim them.
    made = user.Credentials.from_authorized_user_info(info)  # type: ignore[no-untyped-call]
    return made.with_token_uri(emu.token_uri)  # type: ignore[no-untyped-call]


def _backend(client: ga.AsyncClient) -> VertexBackend:
    backend = client.api_client.backend
    assert isinstance(backend, VertexBackend)
    return backend


async def test_one_refresh_for_500_concurrent_calls(vemu: Emulator) -> None:
    """500 calls started together on credentials without a token: the token endpoint is asked
    once (in a worker thread), and every call carries that one token."""
    credentials = _user_credentials(vemu)
    async with vertex_client(vemu, credentials) as client:
        results: list[int] = []

        async def count() -> None:
            response = await client.models.count_tokens(model=MODEL, contents="a b c")
            results.append(response.total_tokens or 0)

        async with anyio.create_task_group() as group:
            for _ in range(500):
                group.start_soon(count)
        assert len(results) == 500
        assert all(results)
        assert vemu.oauth.issued == {"refresh_token": 1}
        assert _backend(client).tokens.refreshes == 1  # type: ignore[union-attr]
        tokens = {r.headers["authorization"] for r in vemu.recorded if r.path == COUNT}
        assert len(tokens) == 1
        assert tokens == {f"Bearer {credentials.token}"}


async def test_token_is_refreshed_before_it_expires(vemu: Emulator) -> None:
    """A token inside google-auth's refresh window (a minute left) or past its expiry is
    replaced before the request leaves: the server never sees the old one again."""
    credentials = _user_credentials(vemu)
    async with vertex_client(vemu, credentials) as client:
        await client.models.count_tokens(model=MODEL, contents="x")
        first = credentials.token
        assert vemu.oauth.issued_total == 1
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        credentials.expiry = now + datetime.timedelta(seconds=60)
        await client.models.count_tokens(model=MODEL, contents="x")
        second = credentials.token
        assert second != first
        credentials.expiry = now - datetime.timedelta(seconds=5)
        vemu.oauth.expire()  # the old tokens are dead on the server too
        await client.models.generate_content(model=MODEL, contents="hello")
        assert vemu.oauth.issued_total == 3
        sent = [r.headers["authorization"] for r in vemu.recorded if "authorization" in r.headers]
        assert sent == [f"Bearer {first}", f"Bearer {second}", f"Bearer {credentials.token}"]


async def test_token_refused_by_the_server_is_refreshed_once_and_the_call_retried(
    vemu: Emulator,
) -> None:
    """A token the server refuses although google-auth thinks it valid (revoked, or expired
    early): the call gets one retry with a freshly refreshed token (google-genai raises the 401);
    50 calls refused together make one refresh between them."""
    credentials = _user_credentials(vemu)
    async with vertex_client(vemu, credentials) as client:
        await client.models.count_tokens(model=MODEL, contents="x")
        first = credentials.token
        vemu.oauth.expire(first)
        assert (await client.models.generate_content(model=MODEL, contents="hi")).text
        second = credentials.token
        assert second != first
        assert vemu.oauth.issued_total == 2
        sent = [r.headers["authorization"] for r in vemu.recorded]
        assert sent[-2:] == [f"Bearer {first}", f"Bearer {second}"]
        vemu.oauth.expire(second)
        stream = await client.models.generate_content_stream(model=MODEL, contents="hi")
        assert [chunk async for chunk in stream]  # a stream opens with the refreshed token too
        assert vemu.oauth.issued_total == 3
        vemu.oauth.expire()

        async def count() -> None:
            await client.models.count_tokens(model=MODEL, contents="x")

        async with anyio.create_task_group() as group:
            for _ in range(50):
                group.start_soon(count)
        assert vemu.oauth.issued_total == 4


async def test_token_refused_for_good_is_an_error_without_the_token(vemu: Emulator) -> None:
    """A fixed token (nothing to refresh) that the server refuses: 401 UnauthenticatedError
    after one attempt, as google-genai's; the token is nowhere in the error."""
    from .conftest import static_credentials

    async with Emulator() as emu:  # accepts no fixed token
        async with vertex_client(emu, static_credentials("fixed-token-Q2")) as client:
            with pytest.raises(errors.UnauthenticatedError) as caught:
                await client.models.count_tokens(model=MODEL, contents="x")
        assert len(emu.recorded) == 1
    assert caught.value.code == 401
    assert "fixed-token-Q2" not in str(caught.value)
    assert "fixed-token-Q2" not in repr(caught.value)


async def test_unknown_static_token_is_refused(vemu: Emulator) -> None:
    """A static token the emulator never issued: 401 before anything runs, token not shown."""
    from .conftest import static_credentials

    async with vertex_client(vemu, static_credentials("not-a-real-token-x9")) as client:
        with pytest.raises(errors.UnauthenticatedError) as caught:
            await client.models.generate_content(model=MODEL, contents="hi")
        assert "not-a-real-token-x9" not in str(caught.value)


async def test_service_account_file_path(vemu: Emulator, tmp_path: Path) -> None:
    """credentials= a service-account key file's path: google-auth signs a JWT, the emulator's
    token endpoint checks it and issues the token the calls carry (one grant for three calls)."""
    path = tmp_path / "sa.json"
    vemu.service_account(path, project_id=PROJECT)
    async with vertex_client(vemu, path) as client:
        for _ in range(3):
            assert (await client.models.generate_content(model=MODEL, contents="hi")).text
    assert vemu.oauth.issued == {"jwt-bearer": 1}


async def test_application_default_credentials_and_quota_project(
    vemu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No credentials argument: ADC (here GOOGLE_APPLICATION_CREDENTIALS naming a
    service-account key file) is loaded on the first call, in a worker thread; the quota
    project ADC gives it (GOOGLE_CLOUD_QUOTA_PROJECT) is sent as x-goog-user-project."""
    path = tmp_path / "adc.json"
    info = vemu.service_account(project_id=PROJECT)
    path.write_text(json.dumps(info))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    monkeypatch.setenv("GOOGLE_CLOUD_QUOTA_PROJECT", "billing-proj")
    async with ga.AsyncClient(
        vertexai=True,
        project=PROJECT,
        location=LOCATION,
        http_options={"base_url": vemu.url},
    ) as client:
        assert _backend(client).tokens.credentials is None  # type: ignore[union-attr]
        await client.models.count_tokens(model=MODEL, contents="a")
        await client.models.count_tokens(model=MODEL, contents="b")
    assert vemu.oauth.issued == {"jwt-bearer": 1}
    sent = [r.headers.get("x-goog-user-project") for r in vemu.recorded]
    assert sent == ["billing-proj", "billing-proj"]


async def test_wrong_project_is_permission_denied() -> None:
    """A project the emulator does not serve: 403 PermissionDeniedError naming the resource."""
    async with Emulator(bearer_tokens=[TOKEN], vertex_projects=[PROJECT]) as emu:
        async with vertex_client(emu, project="someone-elses") as client:
            with pytest.raises(errors.PermissionDeniedError):
                await client.models.generate_content(model=MODEL, contents="hi")
        async with vertex_client(emu) as client:
            assert (await client.models.generate_content(model=MODEL, contents="hi")).text


async def test_express_mode_sends_the_key_without_prefix() -> None:
    """Express mode (an API key, no project): x-goog-api-key, no Authorization, and paths
    without projects/.../locations/..."""
    async with Emulator(api_key="express-key-Z1") as emu:
        async with ga.AsyncClient(
            vertexai=True, api_key="express-key-Z1", http_options={"base_url": emu.url}
        ) as client:
            assert (await client.models.generate_content(model=MODEL, contents="hi")).text
        (request,) = list(emu.recorded)
    assert request.path == f"/v1beta1/publishers/google/models/{MODEL}:generateContent"
    assert request.headers["x-goog-api-key"] == "express-key-Z1"
    assert "authorization" not in request.headers


async def test_secrets_list_follows_refreshes(vemu: Emulator) -> None:
    """The backend's secrets (scrubbed from every error) hold the current token after each
    refresh, so a token never leaks through server text."""
    credentials = _user_credentials(vemu)
    async with vertex_client(vemu, credentials) as client:
        backend = _backend(client)
        assert backend.secrets() == ()
        await client.models.count_tokens(model=MODEL, contents="x")
        assert backend.secrets() == (credentials.token,)
        assert client.api_client.scrub(f"echo {credentials.token}") == "echo ***"
        assert json.dumps(backend.secrets()) not in repr(backend)


async def test_cached_expiry_check_follows_the_clock_and_the_credentials(
    vemu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-call expiry check is a float comparison, yet it refreshes exactly when
    google-auth's `expired` turns true (here: the clock moves past the refresh window), and a
    token put in the shared credentials object by someone else is used at once."""
    credentials = _user_credentials(vemu)
    async with vertex_client(vemu, credentials) as client:
        await client.models.count_tokens(model=MODEL, contents="x")
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        credentials.expiry = now + datetime.timedelta(seconds=235)  # 10 s before the window
        await client.models.count_tokens(model=MODEL, contents="x")
        assert vemu.oauth.issued_total == 1
        from google.auth import _helpers

        import genai_actors._credentials as module

        real_time, real_now = module.time.time, _helpers.utcnow
        with monkeypatch.context() as patch:
            patch.setattr(module.time, "time", lambda: real_time() + 20)
            patch.setattr(_helpers, "utcnow", lambda: real_now() + datetime.timedelta(seconds=20))
            await client.models.count_tokens(model=MODEL, contents="x")
        assert vemu.oauth.issued_total == 2
        vemu.oauth.expire()
        from google.auth.transport.requests import Request

        await anyio.to_thread.run_sync(credentials.refresh, Request())  # someone else refreshes
        await client.models.count_tokens(model=MODEL, contents="x")
        assert vemu.recorded[-1].headers["authorization"] == f"Bearer {credentials.token}"
        assert vemu.oauth.issued_total == 3


async def test_cancelled_callers_leave_the_refresh_to_finish(vemu: Emulator) -> None:
    """Callers cancelled while the token is being refreshed end at once (cancelled); the
    refresh completes in its thread and the next call uses its token without another."""
    import threading

    from google.oauth2 import credentials as user

    entered, release = threading.Event(), threading.Event()

    class SlowRefresh(user.Credentials):  # type: ignore[misc]
        def refresh(self, request: Any) -> None:
            entered.set()
            release.wait(10)
            super().refresh(request)

    info = vemu.authorized_user()
    credentials = SlowRefresh(
        token=None,
        refresh_token=info["refresh_token"],
        client_id=info["client_id"],
        client_secret=info["client_secret"],
        token_uri=vemu.token_uri,
    )
    async with vertex_client(vemu, credentials) as client:
        finished: list[int] = []

        async def call() -> None:
            await client.models.count_tokens(model=MODEL, contents="x")
            finished.append(1)

        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(call)
            assert await anyio.to_thread.run_sync(entered.wait, 10)
            group.cancel_scope.cancel()
            release.set()
        assert finished == []
        assert vemu.oauth.issued_total == 1
        assert credentials.token
        await client.models.count_tokens(model=MODEL, contents="x")
        assert vemu.oauth.issued_total == 1
        assert _backend(client).tokens.refreshes == 1  # type: ignore[union-attr]
        assert [r.headers["authorization"] for r in vemu.recorded] == [
            f"Bearer {credentials.token}"
        ]


async def test_refused_refresh_raises_refresh_error_and_is_retried(
    vemu: Emulator, tmp_path: Path
) -> None:
    """A token endpoint that refuses the credentials (a key the emulator no longer knows):
    google-auth's RefreshError reaches the caller, as with google-genai, nothing is sent to the
    API, and the next call tries again (a failure is not cached)."""
    from google.auth.exceptions import RefreshError

    path = tmp_path / "sa.json"
    info = vemu.service_account(path, project_id=PROJECT)
    vemu.service_account(project_id=PROJECT, client_email=info["client_email"])  # key rotated
    async with vertex_client(vemu, path) as client:
        for _ in range(2):
            with pytest.raises(RefreshError, match="invalid_grant"):
                await client.models.count_tokens(model=MODEL, contents="x")
    assert list(vemu.recorded) == []
    assert vemu.oauth.issued_total == 0
