"""client.caches against the emulator: create/get/update/delete/list, input checks, faults."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Iterator

import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._api._caches import t_ttl
from genai_actors._transformers import InvalidRequestError, generate_content_request
from genai_actors.emulator import Emulator

MODEL = "gemini-2.5-flash"
LONG_TEXT = "The quick brown fox jumps over the lazy dog. " * 20
NO_RETRY = {"retry_options": {"attempts": 1}}


class FakeClock:
    """A monotonic clock the test advances by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    """A hand-driven clock for the emulator (cache expiry)."""
    return FakeClock()


@pytest.fixture
async def emu(clock: FakeClock) -> AsyncIterator[Emulator]:
    """An emulator in the test's loop, on a hand-driven clock."""
    async with Emulator(clock=clock) as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """An async client aimed at the emulator."""
    async with ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as c:
        yield c


async def _create(client: ga.AsyncClient, **config: object) -> types.CachedContent:
    base: dict[str, object] = {"contents": LONG_TEXT, "display_name": "fox"}
    base.update(config)
    return await client.caches.create(model=MODEL, config=base)


# ---------------------------------------------------------------------------------- success


async def test_create_get_update_delete_roundtrip(client: ga.AsyncClient, emu: Emulator) -> None:
    """A cache is created with a TTL, read back, extended, listed and deleted."""
    cache = await _create(client, ttl=300, system_instruction="Be terse.")
    assert cache.name is not None
    assert cache.name.startswith("cachedContents/")
    assert cache.model == f"models/{MODEL}"
    assert cache.display_name == "fox"
    assert cache.usage_metadata is not None
    assert (cache.usage_metadata.total_token_count or 0) > 20
    assert cache.expire_time is not None
    assert cache.create_time is not None
    assert 299 <= (cache.expire_time - cache.create_time).total_seconds() <= 301
    sent = emu.recorded[-1]
    assert (sent.method, sent.path) == ("POST", "/v1/cachedContents")
    assert sent.json["ttl"] == "300s"
    assert sent.json["systemInstruction"] == {"parts": [{"text": "Be terse."}], "role": "user"}

    got = await client.caches.get(name=cache.name)
    assert got == cache

    later = await client.caches.update(
        name=cache.name, config=types.UpdateCachedContentConfig(ttl=datetime.timedelta(hours=2))
    )
    assert emu.recorded[-1].json == {"ttl": "7200s"}
    assert later.expire_time is not None
    assert later.expire_time > cache.expire_time

    pager = await client.caches.list()
    assert [c.name async for c in pager] == [cache.name]

    deleted = await client.caches.delete(name=cache.name.removeprefix("cachedContents/"))
    assert isinstance(deleted, types.DeleteCachedContentResponse)
    assert deleted.sdk_http_response is not None
    with pytest.raises(errors.PermissionDeniedError):
        await client.caches.get(name=cache.name)


async def test_update_with_expire_time(client: ga.AsyncClient, emu: Emulator) -> None:
    """expire_time is sent as RFC 3339 and moves the expiry to that moment."""
    cache = await _create(client)
    target = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    updated = await client.caches.update(name=cache.name or "", config={"expire_time": target})
    assert emu.recorded[-1].json == {"expireTime": target.isoformat()}
    assert updated.expire_time is not None
    assert abs((updated.expire_time - target).total_seconds()) < 1


async def test_list_pages(client: ga.AsyncClient, emu: Emulator) -> None:
    """list walks every page with pageSize/pageToken and keeps the page size."""
    names = {(await _create(client, display_name=f"c{i}")).name for i in range(5)}
    pager = await client.caches.list(config={"page_size": 2})
    assert pager.name == "cached_contents"
    assert pager.page_size == 2
    assert len(pager) == 2
    seen = [c.name async for c in pager]
    assert set(seen) == names
    assert len(seen) == 5
    queries = [r.query for r in emu.recorded if r.method == "GET"]
    assert queries[0] == {"pageSize": "2"}
    assert all(q.get("pageToken") for q in queries[1:])
    assert len(queries) == 3


async def test_generate_with_cache_end_to_end(client: ga.AsyncClient, emu: Emulator) -> None:
    """A request naming the cache is answered with the cached tokens counted."""
    cache = await _create(client, ttl="600s")
    request = generate_content_request(MODEL, "Summarise it.", {"cached_content": cache.name})
    response = await client.api_client.request(request.method, request.path, body=request.body)
    assert request.payload is not None
    assert request.payload["cachedContent"] == cache.name
    data = response.json()
    assert cache.usage_metadata is not None
    assert data["usageMetadata"]["cachedContentTokenCount"] == (
        cache.usage_metadata.total_token_count
    )


async def test_generate_content_with_cache_via_models(client: ga.AsyncClient) -> None:
    """models.generate_content(config={"cached_content": ...}) uses the cache, stream too."""
    cache = await _create(client)
    assert cache.usage_metadata is not None
    response = await client.models.generate_content(
        model=MODEL, contents="Summarise it.", config={"cached_content": cache.name}
    )
    assert response.usage_metadata is not None
    assert response.usage_metadata.cached_content_token_count == (
        cache.usage_metadata.total_token_count
    )
    assert response.text
    chunks = [
        c
        async for c in client.models.generate_content_stream(
            model=MODEL, contents="Summarise it.", config={"cached_content": cache.name}
        )
    ]
    assert chunks[-1].usage_metadata is not None
    assert chunks[-1].usage_metadata.cached_content_token_count == (
        cache.usage_metadata.total_token_count
    )


async def test_expired_cache_is_a_typed_error(
    client: ga.AsyncClient, emu: Emulator, clock: FakeClock
) -> None:
    """Once its TTL passes, get, update and generation with the cache raise PermissionDenied."""
    cache = await _create(client, ttl=60)
    clock.now += 61
    with pytest.raises(errors.PermissionDeniedError):
        await client.caches.get(name=cache.name or "")
    with pytest.raises(errors.PermissionDeniedError):
        await client.caches.update(name=cache.name or "", config={"ttl": 60})
    request = generate_content_request(MODEL, "Hi", {"cached_content": cache.name})
    with pytest.raises(errors.PermissionDeniedError):
        await client.api_client.request(request.method, request.path, body=request.body)
    with pytest.raises(errors.PermissionDeniedError):
        await client.models.generate_content(
            model=MODEL, contents="Hi", config={"cached_content": cache.name}
        )


async def test_unknown_cache_is_a_typed_error(client: ga.AsyncClient) -> None:
    """An unknown cache id raises PermissionDeniedError (the API's 403), on every method."""
    with pytest.raises(errors.PermissionDeniedError):
        await client.caches.get(name="cachedContents/nope123")
    with pytest.raises(errors.PermissionDeniedError):
        await client.caches.delete(name="nope123")
    with pytest.raises(errors.PermissionDeniedError):
        await client.models.generate_content(
            model=MODEL, contents="Hi", config={"cached_content": "nope123"}
        )


async def test_cache_with_another_model_is_refused(client: ga.AsyncClient) -> None:
    """Generating with a cache made for another model is a typed 400 from the server."""
    cache = await _create(client)
    with pytest.raises(errors.InvalidArgumentError):
        await client.models.generate_content(
            model="gemini-2.0-flash", contents="Hi", config={"cached_content": cache.name}
        )


# ---------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("ttl", "expected"),
    [
        (300, "300s"),
        (1.5, "1.5s"),
        (datetime.timedelta(minutes=5), "300s"),
        (datetime.timedelta(milliseconds=1500), "1.5s"),
        ("300s", "300s"),
        (" 2.25s ", "2.25s"),
    ],
)
def test_ttl_forms(ttl: object, expected: str) -> None:
    """Seconds, timedelta and the wire string all become the wire string."""
    assert t_ttl(ttl) == expected


@pytest.mark.parametrize(
    "ttl",
    [
        0,
        -5,
        -0.1,
        datetime.timedelta(0),
        datetime.timedelta(seconds=-1),
        "0s",
        "-3s",
        "5m",
        "abc",
        True,
        float("nan"),
        float("inf"),
        [1],
    ],
)
async def test_bad_ttl_refused_before_sending(
    client: ga.AsyncClient, emu: Emulator, ttl: object
) -> None:
    """A zero, negative or malformed TTL raises InvalidRequestError and sends nothing."""
    before = len(emu.recorded)
    with pytest.raises(InvalidRequestError, match="ttl"):
        await client.caches.create(model=MODEL, config={"contents": LONG_TEXT, "ttl": ttl})
    with pytest.raises(InvalidRequestError, match="ttl"):
        await client.caches.update(name="cachedContents/abc", config={"ttl": ttl})
    assert len(emu.recorded) == before


@pytest.mark.parametrize(
    ("call", "match"),
    [
        ({"name": "files/abc", "config": {"ttl": 5}}, "cachedContents"),
        ({"name": "cachedContents/a/b", "config": {"ttl": 5}}, "cachedContents"),
        ({"name": "", "config": {"ttl": 5}}, "required"),
        ({"name": "cachedContents/abc", "config": {}}, "ttl or expire_time"),
        (
            {
                "name": "cachedContents/abc",
                "config": {"ttl": 5, "expire_time": "2999-01-01T00:00:00Z"},
            },
            "only one",
        ),
        (
            {"name": "cachedContents/abc", "config": {"expire_time": "2001-01-01T00:00:00Z"}},
            "future",
        ),
        ({"name": "cachedContents/abc", "config": {"expire_time": "tomorrow"}}, "RFC 3339"),
        ({"name": "cachedContents/abc", "config": {"tll": 5}}, "tll"),
    ],
)
async def test_bad_update_refused_before_sending(
    client: ga.AsyncClient, emu: Emulator, call: dict[str, object], match: str
) -> None:
    """Bad names and expiry configs raise InvalidRequestError and send nothing."""
    before = len(emu.recorded)
    with pytest.raises(InvalidRequestError, match=match):
        await client.caches.update(**call)  # type: ignore[arg-type]
    assert len(emu.recorded) == before


async def test_bad_create_refused_before_sending(client: ga.AsyncClient, emu: Emulator) -> None:
    """Bad model names, Vertex-only fields and bad contents fail before any request."""
    before = len(emu.recorded)
    with pytest.raises(InvalidRequestError, match="model"):
        await client.caches.create(model="", config={"contents": "x"})
    with pytest.raises(InvalidRequestError, match="model"):
        await client.caches.create(model="../evil", config={"contents": "x"})
    with pytest.raises(errors.UnsupportedByBackendError, match="kms_key_name"):
        await client.caches.create(model=MODEL, config={"contents": "x", "kms_key_name": "k"})
    with pytest.raises(InvalidRequestError, match="config"):
        await client.caches.create(
            model=MODEL, config={"contents": "x", "ttl": 5, "expire_time": "2999-01-01T00:00:00Z"}
        )
    with pytest.raises(InvalidRequestError, match="contents"):
        await client.caches.create(model=MODEL, config={"contents": [{"bogus": 1}]})
    with pytest.raises(InvalidRequestError, match="page_size"):
        await client.caches.list(config={"page_size": 0})
    assert len(emu.recorded) == before


async def test_server_refusal_is_typed(client: ga.AsyncClient) -> None:
    """A cache for an unknown model is refused by the server with a typed 404."""
    with pytest.raises(errors.NotFoundError):
        await client.caches.create(model="no-such-model", config={"contents": LONG_TEXT})


# ---------------------------------------------------------------------------------- faults


async def test_transient_failure_is_retried(client: ga.AsyncClient, emu: Emulator) -> None:
    """A 429 on create (nothing was done) is retried by the transport; exactly one cache results."""
    emu.faults.fail_next(1, status=429, retry_delay=0.01)
    cache = await _create(client)
    pager = await client.caches.list()
    assert [c.name async for c in pager] == [cache.name]


async def test_failure_without_retries_surfaces(client: ga.AsyncClient, emu: Emulator) -> None:
    """With retries off, a 503 surfaces as ServiceUnavailableError and nothing is created."""
    emu.faults.fail_next(1, status=503)
    with pytest.raises(errors.ServiceUnavailableError):
        await client.caches.create(
            model=MODEL, config={"contents": LONG_TEXT, "http_options": NO_RETRY}
        )
    assert [c async for c in await client.caches.list()] == []


# ---------------------------------------------------------------------------------- blocking


@pytest.fixture
def sync_emu() -> Iterator[Emulator]:
    """An emulator on its own thread (for the blocking client)."""
    with Emulator() as emulator:
        yield emulator


def test_blocking_client(sync_emu: Emulator) -> None:
    """The blocking Client has the same methods, and its list returns a Pager."""
    with ga.Client(api_key="k", http_options={"base_url": sync_emu.url}) as client:
        cache = client.caches.create(model=MODEL, config={"contents": LONG_TEXT, "ttl": 100})
        assert client.caches.get(name=cache.name or "").name == cache.name
        client.caches.update(name=cache.name or "", config={"ttl": "200s"})
        pager = client.caches.list(config={"page_size": 1})
        assert [c.name for c in pager] == [cache.name]
        client.caches.delete(name=cache.name or "")
        assert list(client.caches.list()) == []
