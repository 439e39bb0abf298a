"""Context caching: CRUD, TTL validation, expiry over (virtual) time, generation with a cache."""

from __future__ import annotations

import datetime as dt

import aiohttp

from genai_actors.emulator import Emulator

from .conftest import Clock, Raw, text_of, user

GEN = "v1beta/models/gemini-2.5-flash:generateContent"


def _cache_body(text: str = "The secret word is banana.", **extra: object) -> dict[str, object]:
    return {"model": "models/gemini-2.5-flash", "contents": [user(text)], **extra}


async def test_create_get_list_update_delete(raw: Raw, emu: Emulator) -> None:
    """A cache is created with a TTL, listed, extended, and deleted."""
    status, cache = await raw.post(
        "v1beta/cachedContents", _cache_body(ttl="300s", displayName="c")
    )
    assert status == 200
    assert cache["name"].startswith("cachedContents/")
    assert cache["model"] == "models/gemini-2.5-flash"
    assert cache["displayName"] == "c"
    assert cache["usageMetadata"]["totalTokenCount"] == 6
    created = dt.datetime.fromisoformat(cache["createTime"])
    expires = dt.datetime.fromisoformat(cache["expireTime"])
    assert abs((expires - created).total_seconds() - 300) < 1
    assert "contents" not in cache
    status, got = await raw.get(f"v1beta/{cache['name']}")
    assert got == cache
    status, listing = await raw.get("v1beta/cachedContents")
    assert [c["name"] for c in listing["cachedContents"]] == [cache["name"]]
    status, updated = await raw.call("PATCH", f"v1beta/{cache['name']}", {"ttl": "3600s"})
    assert status == 200
    assert updated["expireTime"] > cache["expireTime"]
    when = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    status, updated = await raw.call("PATCH", f"v1beta/{cache['name']}", {"expireTime": when})
    assert status == 200
    status, _ = await raw.call("DELETE", f"v1beta/{cache['name']}")
    assert status == 200
    status, err = await raw.get(f"v1beta/{cache['name']}")
    assert status == 403
    assert err["error"]["status"] == "PERMISSION_DENIED"


async def test_default_ttl_is_an_hour(raw: Raw) -> None:
    """Without ttl or expireTime the cache lives for the default hour."""
    _, cache = await raw.post("v1beta/cachedContents", _cache_body())
    created = dt.datetime.fromisoformat(cache["createTime"])
    expires = dt.datetime.fromisoformat(cache["expireTime"])
    assert abs((expires - created).total_seconds() - 3600) < 1


async def test_validation(raw: Raw) -> None:
    """Bad TTLs, both expirations, unknown models, empty caches and unknown fields are refused."""
    cases = [
        (_cache_body(ttl="-5s"), 400),
        (_cache_body(ttl="0s"), 400),
        (_cache_body(ttl="0.5s"), 400),
        (_cache_body(ttl="ten minutes"), 400),
        (_cache_body(ttl="60s", expireTime="2030-01-01T00:00:00Z"), 400),
        (_cache_body(expireTime="2001-01-01T00:00:00Z"), 400),
        (_cache_body(expireTime="tomorrow"), 400),
        ({"contents": [user("x")]}, 400),
        ({"model": "models/nope", "contents": [user("x")]}, 404),
        ({"model": "models/gemini-embedding-001", "contents": [user("x")]}, 404),
        ({"model": "models/gemini-2.5-flash"}, 400),
        ({"model": "models/gemini-2.5-flash", "contents": [{"role": "user", "parts": []}]}, 400),
        (_cache_body(colour="red"), 400),
    ]
    for body, expected in cases:
        status, err = await raw.post("v1beta/cachedContents", body)
        assert status == expected, (body, err)


async def test_update_only_changes_expiry(raw: Raw) -> None:
    """PATCH accepts ttl/expireTime only (and only those in an updateMask)."""
    _, cache = await raw.post("v1beta/cachedContents", _cache_body())
    path = f"v1beta/{cache['name']}"
    status, _ = await raw.call("PATCH", path, {"displayName": "new"})
    assert status == 400
    status, _ = await raw.call("PATCH", path, {})
    assert status == 400
    status, _ = await raw.call("PATCH", path, {"ttl": "-1s"})
    assert status == 400
    status, _ = await raw.call("PATCH", path, {"ttl": "60s"}, params={"updateMask": "model"})
    assert status == 400
    status, _ = await raw.call("PATCH", path, {"ttl": "60s"}, params={"updateMask": "ttl"})
    assert status == 200
    status, _ = await raw.call("PATCH", "v1beta/cachedContents/unknown1", {"ttl": "60s"})
    assert status == 403


async def test_expired_caches_disappear_on_the_virtual_clock() -> None:
    """Once the (injected) clock passes expireTime the cache is gone: 403 on get and generate."""
    clock = Clock()
    async with Emulator(clock=clock) as emu, aiohttp.ClientSession() as session:
        raw = Raw(session, emu.url)
        _, cache = await raw.post("v1beta/cachedContents", _cache_body(ttl="60s"))
        status, _ = await raw.post(GEN, {"contents": [user("hi")], "cachedContent": cache["name"]})
        assert status == 200
        clock.now += 61
        status, err = await raw.get(f"v1beta/{cache['name']}")
        assert status == 403
        status, err = await raw.post(
            GEN, {"contents": [user("hi")], "cachedContent": cache["name"]}
        )
        assert status == 403
        assert err["error"]["status"] == "PERMISSION_DENIED"
        _, listing = await raw.get("v1beta/cachedContents")
        assert "cachedContents" not in listing


async def test_generation_uses_the_cache_as_a_prefix(raw: Raw) -> None:
    """The answer depends on the cached contents and reports cachedContentTokenCount."""
    _, banana = await raw.post("v1beta/cachedContents", _cache_body("Fruit notes: banana."))
    _, apple = await raw.post("v1beta/cachedContents", _cache_body("Fruit notes: apple."))
    prompt = {"contents": [user("Which fruit?")]}
    _, plain = await raw.post(GEN, prompt)
    _, with_banana = await raw.post(GEN, {**prompt, "cachedContent": banana["name"]})
    _, with_apple = await raw.post(GEN, {**prompt, "cachedContent": apple["name"]})
    _, again = await raw.post(GEN, {**prompt, "cachedContent": banana["name"]})
    assert text_of(with_banana) == text_of(again)
    assert len({text_of(plain), text_of(with_banana), text_of(with_apple)}) == 3
    usage = with_banana["usageMetadata"]
    assert usage["cachedContentTokenCount"] == banana["usageMetadata"]["totalTokenCount"]
    assert usage["promptTokenCount"] == plain["usageMetadata"]["promptTokenCount"] + 5
    assert "cachedContentTokenCount" not in plain["usageMetadata"]
    status, counted = await raw.post(
        "v1beta/models/gemini-2.5-flash:countTokens",
        {"generateContentRequest": {**prompt, "cachedContent": banana["name"]}},
    )
    assert status == 200
    assert counted["cachedContentTokenCount"] == 5


async def test_generation_with_a_cache_rejects_conflicts(raw: Raw) -> None:
    """Unknown caches are 403; another model or a system instruction alongside is 400."""
    _, cache = await raw.post(
        "v1beta/cachedContents",
        _cache_body(systemInstruction={"parts": [{"text": "Be brief"}]}),
    )
    status, _ = await raw.post(GEN, {"contents": [user("x")], "cachedContent": "cachedContents/zz"})
    assert status == 403
    status, err = await raw.post(
        "v1beta/models/gemini-2.5-pro:generateContent",
        {"contents": [user("x")], "cachedContent": cache["name"]},
    )
    assert status == 400
    assert "has to be the same" in err["error"]["message"]
    status, _ = await raw.post(
        GEN,
        {
            "contents": [user("x")],
            "cachedContent": cache["name"],
            "systemInstruction": {"parts": [{"text": "no"}]},
        },
    )
    assert status == 400


async def test_list_pages(raw: Raw) -> None:
    """cachedContents.list pages with pageSize and pageToken."""
    for i in range(3):
        await raw.post("v1beta/cachedContents", _cache_body(f"text {i}"))
    _, first = await raw.get("v1beta/cachedContents", params={"pageSize": "2"})
    assert len(first["cachedContents"]) == 2
    _, second = await raw.get(
        "v1beta/cachedContents", params={"pageSize": "2", "pageToken": first["nextPageToken"]}
    )
    assert len(second["cachedContents"]) == 1
    assert "nextPageToken" not in second
