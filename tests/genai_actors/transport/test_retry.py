"""Retries over real loopback sockets, timed on a virtual clock."""

from __future__ import annotations

import email.utils
import time

import pytest
from aiohttp import web

import genai_actors as ga
from genai_actors import errors
from genai_actors._transport import RetryPolicy
from supervisors import VirtualClock, use_clock

from ..core.conftest import API_KEY, Handler, Server, json_error

RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure"


def make_client(server: Server, **options: object) -> ga.AsyncClient:
    return ga.AsyncClient(api_key=API_KEY, http_options={"base_url": server.url, **options})


def scripted(*responses: web.StreamResponse) -> tuple[list[int], Handler]:
    calls: list[int] = []
    queue = list(responses)

    async def handler(request: web.Request) -> web.StreamResponse:
        calls.append(1)
        return queue.pop(0) if queue else web.json_response({"ok": True})

    return calls, handler


def rate_limited(
    delay: str, quota_id: str = "GenerateRequestsPerMinutePerProjectPerModel"
) -> web.Response:
    return json_error(
        429,
        "RESOURCE_EXHAUSTED",
        "quota exceeded",
        [
            {"@type": QUOTA_FAILURE, "violations": [{"quotaId": quota_id, "quotaMetric": "m"}]},
            {"@type": RETRY_INFO, "retryDelay": delay},
        ],
    )


async def test_429_with_retry_info_waits_exactly_the_advised_delay(server: Server) -> None:
    """A 429 carrying RetryInfo.retryDelay is retried after exactly that delay."""
    calls, server.handler = scripted(rate_limited("53s"), rate_limited("0.250s"))
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(server) as client:
            resp = await client.api_client.request("POST", "models/m:generateContent", body=b"{}")
    assert resp.json() == {"ok": True}
    assert len(calls) == 3
    assert clock.sleeps == [53.0, 0.25]


async def test_503_is_retried_with_exponential_backoff(server: Server) -> None:
    """503 answers are retried after 1, 2, 4, 8 s (no jitter), then the last error is raised."""
    calls, server.handler = scripted(
        *[json_error(503, "UNAVAILABLE", "overloaded") for _ in range(9)]
    )
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(server, retry_options={"jitter": 0}) as client:
            with pytest.raises(errors.ServiceUnavailableError) as caught:
                await client.api_client.request("POST", "models/m:generateContent", body=b"{}")
    assert len(calls) == 5
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert caught.value.code == 503
    assert caught.value.status == "UNAVAILABLE"


async def test_default_jitter_adds_at_most_one_second() -> None:
    """The default policy adds up to 1 s of jitter and caps at max_delay."""
    policy = RetryPolicy()
    assert policy.computed_delay(1, rand=0.0) == 1.0
    assert policy.computed_delay(3, rand=0.5) == 4.5
    assert policy.computed_delay(10, rand=0.99) == 60.0
    assert policy.attempts == 5
    assert policy.statuses == frozenset({408, 429, 500, 502, 503, 504})


async def test_400_is_not_retried(server: Server) -> None:
    """A 400 fails at once with InvalidArgumentError and no sleep."""
    calls, server.handler = scripted(json_error(400, "INVALID_ARGUMENT", "bad field"))
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(server) as client:
            with pytest.raises(errors.InvalidArgumentError, match="bad field"):
                await client.api_client.request("POST", "models/m:generateContent", body=b"{}")
    assert len(calls) == 1
    assert clock.sleeps == []


async def test_per_day_quota_is_not_retried(server: Server) -> None:
    """A 429 whose QuotaFailure names a per-day quota is raised at once, with its quota id."""
    calls, server.handler = scripted(
        rate_limited("3600s", "GenerateRequestsPerDayPerProjectPerModel-FreeTier")
    )
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(server) as client:
            with pytest.raises(errors.RateLimitedError) as caught:
                await client.api_client.request("POST", "models/m:generateContent", body=b"{}")
    assert len(calls) == 1
    assert clock.sleeps == []
    assert caught.value.per_day
    assert caught.value.quota_id == "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
    assert caught.value.retry_after == 3600.0


async def test_advised_delay_beyond_the_deadline_raises_now(server: Server) -> None:
    """A server delay that would cross the call's timeout is not waited: the 429 is raised."""
    calls, server.handler = scripted(rate_limited("30s"))
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(server, timeout=10_000) as client:
            with pytest.raises(errors.RateLimitedError):
                await client.api_client.request("POST", "models/m:generateContent", body=b"{}")
    assert len(calls) == 1
    assert clock.sleeps == []


async def test_backoff_never_exceeds_the_deadline(server: Server) -> None:
    """With a 10 s budget, waits of 1+2+4 s are taken and the 8 s wait is not."""
    calls, server.handler = scripted(*[json_error(500, "INTERNAL", "boom") for _ in range(9)])
    clock = VirtualClock()
    with use_clock(clock):
        client = make_client(server, timeout=10_000, retry_options={"jitter": 0, "attempts": 10})
        async with client:
            with pytest.raises(errors.InternalServerError):
                await client.api_client.request("GET", "models/m")
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert sum(clock.sleeps) < 10.0
    assert len(calls) == 4


async def test_retry_after_header_in_seconds_and_http_date(server: Server) -> None:
    """Retry-After (delta seconds, or an HTTP date) replaces the computed wait."""
    date = email.utils.formatdate(time.time() + 120, usegmt=True)
    calls, server.handler = scripted(
        web.json_response({"error": {"code": 503}}, status=503, headers={"Retry-After": "7"}),
        web.json_response({"error": {"code": 429}}, status=429, headers={"Retry-After": date}),
    )
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(server) as client:
            await client.api_client.request("GET", "files")
    assert len(calls) == 3
    assert clock.sleeps[0] == 7.0
    assert 100.0 < clock.sleeps[1] <= 120.0


async def test_retries_can_be_disabled_per_call(server: Server) -> None:
    """Per-call retry_options replace the client's: attempts=1 means a single try."""
    calls, server.handler = scripted(json_error(503, "UNAVAILABLE", "x"))
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(server) as client:
            with pytest.raises(errors.ServiceUnavailableError):
                await client.api_client.request(
                    "GET", "models", http_options={"retry_options": {"attempts": 1}}
                )
    assert len(calls) == 1


async def test_connection_refused_is_retried_then_connect_error() -> None:
    """A refused connection is retried with backoff and surfaces as ConnectError."""
    srv = Server()
    await srv.start()
    url = srv.url
    await srv.stop()  # the port is now closed
    clock = VirtualClock()
    with use_clock(clock):
        client = ga.AsyncClient(
            api_key=API_KEY,
            http_options={"base_url": url, "retry_options": {"jitter": 0, "attempts": 3}},
        )
        async with client:
            with pytest.raises(errors.ConnectError) as caught:
                await client.api_client.request("GET", "models")
    assert clock.sleeps == [1.0, 2.0]
    assert API_KEY not in str(caught.value)


async def test_non_json_error_body_is_kept_as_message(server: Server) -> None:
    """An HTML error page becomes an APIError with the text as message and the reason as status."""
    _, server.handler = scripted(web.Response(status=404, text="<html>nope</html>"))
    async with make_client(server) as client:
        with pytest.raises(errors.NotFoundError) as caught:
            await client.api_client.request("GET", "models/x")
    assert caught.value.message == "<html>nope</html>"
    assert caught.value.status == "Not Found"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_non_idempotent_request_is_not_retried_after_a_5xx(
    server: Server, status: int
) -> None:
    """A request that creates something is not retried after a 5xx: it may have been done."""
    calls, server.handler = scripted(json_error(status, "UNAVAILABLE", "maybe done"))
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(server) as client:
            with pytest.raises(errors.ServerError):
                await client.api_client.request(
                    "POST", "models/m:batchGenerateContent", body=b"{}", idempotent=False
                )
    assert len(calls) == 1
    assert clock.sleeps == []


async def test_non_idempotent_request_is_retried_after_a_429(server: Server) -> None:
    """A 429 proves nothing was done, so even a creating request is retried after the advice."""
    calls, server.handler = scripted(rate_limited("3s"))
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(server) as client:
            resp = await client.api_client.request(
                "POST", "models/m:batchGenerateContent", body=b"{}", idempotent=False
            )
    assert resp.json() == {"ok": True}
    assert len(calls) == 2
    assert clock.sleeps == [3.0]


async def test_non_idempotent_policy_retries_only_failures_that_prove_nothing_was_done() -> None:
    """The policy retries a refused connection but not a lost one for a creating request."""
    policy = RetryPolicy(jitter=0)
    assert policy.delay_for(errors.ConnectError("refused"), 1, idempotent=False) == 1.0
    assert policy.delay_for(errors.ConnectionLostError("lost"), 1, idempotent=False) is None
    assert policy.delay_for(errors.ConnectionLostError("lost"), 1) == 1.0
