"""Pagers: multi-page iteration (async and blocking), empty pages, and misuse."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from genai_actors._sync import LoopThread
from genai_actors.pagers import AsyncPager, Pager


class ListFilesResponse(msgspec.Struct):
    files: list[str] | None = None
    next_page_token: str | None = None


PAGES = {
    None: ListFilesResponse(["a", "b"], "t1"),
    "t1": ListFilesResponse([], "t2"),  # an empty page that still has a token
    "t2": ListFilesResponse(["c"], None),
}


def make_fetch(seen: list[dict[str, Any]]) -> Any:
    async def fetch(*, config: dict[str, Any]) -> ListFilesResponse:
        seen.append(config)
        return PAGES[config.get("page_token")]

    return fetch


async def test_async_pager_walks_every_page() -> None:
    """async for crosses pages (an empty page with a token keeps fetching); page state is kept."""
    seen: list[dict[str, Any]] = []
    fetch = make_fetch(seen)
    pager: AsyncPager[str] = AsyncPager("files", fetch, await fetch(config={}), {"page_size": 2})
    assert pager.name == "files"
    assert pager.page == ["a", "b"]
    assert len(pager) == 2
    assert pager[1] == "b"
    assert pager.page_size == 2
    assert pager.config == {"page_size": 2, "page_token": "t1"}
    assert [item async for item in pager] == ["a", "b", "c"]
    assert [c.get("page_token") for c in seen] == [None, "t1", "t2"]
    assert seen[1]["page_size"] == 2
    assert not pager.has_next_page
    with pytest.raises(IndexError):
        await pager.next_page()


async def test_async_pager_refuses_sync_iteration() -> None:
    """Iterating an AsyncPager with a plain for loop raises a clear TypeError."""
    fetch = make_fetch([])
    pager: AsyncPager[str] = AsyncPager("files", fetch, await fetch(config={}), None)
    with pytest.raises(TypeError, match="async for"):
        list(pager)
    assert pager.page_size == 2


def test_blocking_pager_from_async_pager_over_loop_thread() -> None:
    """An AsyncPager turned into a Pager fetches on the loop thread and walks all pages."""
    bridge = LoopThread()
    try:
        fetch = make_fetch([])
        first = bridge.run(fetch(config={}))
        pager: Pager[str] = bridge.pager(AsyncPager("files", fetch, first, None))
        assert isinstance(pager, Pager)
        assert list(pager) == ["a", "b", "c"]
        assert pager.page == ["c"]
    finally:
        bridge.close()


def test_sync_pager_with_dict_responses_and_items_field() -> None:
    """A Pager works on dict responses, with the list under another field than its name."""
    pages: dict[str | None, dict[str, Any]] = {
        None: {"operations": [1, 2], "next_page_token": "x"},
        "x": {"operations": [3]},
    }

    def fetch(*, config: dict[str, Any]) -> dict[str, Any]:
        return pages[config.get("page_token")]

    pager: Pager[int] = Pager("batch_jobs", fetch, fetch(config={}), {}, items_field="operations")
    assert list(pager) == [1, 2, 3]
    assert pager.name == "batch_jobs"
    with pytest.raises(IndexError):
        pager.next_page()
