"""Pagers over list methods: :class:`Pager` (blocking) and :class:`AsyncPager`.

The surface is google-genai's: ``page``, ``name``, ``page_size``, ``config``,
``sdk_http_response``, ``len()``, ``[i]``, ``next_page()``, and iteration over every item of
every page. A pager is built from a *fetch* callable, so every list method of every module
reuses it::

    async def fetch(config: dict[str, Any]) -> ListFilesResponse: ...
    first = await fetch(config)
    return AsyncPager("files", fetch, first, config)

``fetch`` receives the request config as a dict with ``page_token`` set to the last
``next_page_token``. The response may be any object (or dict) with the list under ``name``
(or ``items_field``), ``next_page_token`` and optionally ``sdk_http_response``.

One deliberate difference from google-genai: a page that comes back empty while still carrying
a ``next_page_token`` does not end iteration with an error; the pager keeps fetching until a
page has items or the token is gone.

Sync iteration of an :class:`AsyncPager` raises :class:`TypeError` instead of silently
walking only the first page.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import msgspec

__all__ = ["AsyncPager", "Pager"]

T = TypeVar("T")


def _field(response: Any, name: str) -> Any:
    if isinstance(response, Mapping):
        return response.get(name)
    return getattr(response, name, None)


def _config_dict(config: Any) -> dict[str, Any]:
    if config is None:
        return {}
    if isinstance(config, Mapping):
        return copy.deepcopy(dict(config))
    if isinstance(config, msgspec.Struct):
        return {
            key: value for key, value in msgspec.structs.asdict(config).items() if value is not None
        }
    raise TypeError(f"a pager config must be a dict or a Struct, not {type(config).__name__}")


class _BasePager(Generic[T]):
    def __init__(
        self,
        name: str,
        request: Callable[..., Any],
        response: Any,
        config: Any,
        *,
        items_field: str | None = None,
    ) -> None:
        self._name = name
        self._items_field = items_field or name
        self._request = request
        base = _config_dict(config)
        self._explicit_page_size = base.get("page_size")
        self._init_page(response, base)

    def _init_page(self, response: Any, base: dict[str, Any]) -> None:
        items = _field(response, self._items_field)
        self._page: list[T] = list(items) if items else []
        self._idx = 0
        self._sdk_http_response = _field(response, "sdk_http_response")
        base = dict(base)
        base["page_token"] = _field(response, "next_page_token") or None
        self._config = base
        size = self._explicit_page_size
        self._page_size = int(size) if size else len(self._page)

    @property
    def page(self) -> list[T]:
        """The items of the current page."""
        return self._page

    @property
    def name(self) -> str:
        """The kind of item listed, e.g. ``"files"`` or ``"batch_jobs"``."""
        return self._name

    @property
    def page_size(self) -> int:
        """``config.page_size`` if given, else the length of the first page."""
        return self._page_size

    @property
    def sdk_http_response(self) -> Any:
        """The HTTP response details (headers) of the last page fetched, if the module kept them."""
        return self._sdk_http_response

    @property
    def config(self) -> dict[str, Any]:
        """The config of the next request, ``page_token`` included (``None`` at the end)."""
        return self._config

    @property
    def has_next_page(self) -> bool:
        """True when the server returned a token for another page."""
        return bool(self._config.get("page_token"))

    def __len__(self) -> int:
        return len(self._page)

    def __getitem__(self, index: int) -> T:
        return self._page[index]

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self._name!r}, page=<{len(self._page)} items>, "
            f"has_next_page={self.has_next_page})"
        )


class Pager(_BasePager[T]):
    """A blocking pager: ``for item in pager`` walks every page, fetching as needed.

    Iteration restarts at the first item of the *current* page (like google-genai).
    """

    def __iter__(self) -> Iterator[T]:
        self._idx = 0
        return self

    def __next__(self) -> T:
        while self._idx >= len(self._page):
            if not self.has_next_page:
                raise StopIteration
            self.next_page()
        item = self._page[self._idx]
        self._idx += 1
        return item

    def next_page(self) -> list[T]:
        """Fetches the next page (one request) and makes it current.

        Returns:
            The new page (possibly empty if the server sent an empty page with a token).

        Raises:
            IndexError: There is no next page.
            APIError: The request failed (see :mod:`genai_actors.errors`).
        """
        if not self.has_next_page:
            raise IndexError("no more pages to fetch")
        response = self._request(config=dict(self._config))
        self._init_page(response, self._config)
        return self._page


class AsyncPager(_BasePager[T]):
    """An async pager: ``async for item in pager`` walks every page, fetching as needed.

    Cancellation: cancelling a fetch leaves the pager on its current page, unchanged.
    """

    def __init__(
        self,
        name: str,
        request: Callable[..., Awaitable[Any]],
        response: Any,
        config: Any,
        *,
        items_field: str | None = None,
    ) -> None:
        super().__init__(name, request, response, config, items_field=items_field)

    def __aiter__(self) -> AsyncIterator[T]:
        self._idx = 0
        return self

    async def __anext__(self) -> T:
        while self._idx >= len(self._page):
            if not self.has_next_page:
                raise StopAsyncIteration
            await self.next_page()
        item = self._page[self._idx]
        self._idx += 1
        return item

    def __iter__(self) -> Iterator[T]:
        raise TypeError(
            "AsyncPager is asynchronous: iterate it with `async for`, or use the blocking "
            "genai_actors.Client, whose list methods return a Pager"
        )

    async def next_page(self) -> list[T]:
        """Fetches the next page (one request) and makes it current.

        Returns:
            The new page (possibly empty if the server sent an empty page with a token).

        Raises:
            IndexError: There is no next page.
            APIError: The request failed (see :mod:`genai_actors.errors`).
        """
        if not self.has_next_page:
            raise IndexError("no more pages to fetch")
        response = await self._request(config=dict(self._config))
        self._init_page(response, self._config)
        return self._page

    def to_sync(self, run: Callable[[Awaitable[Any]], Any]) -> Pager[T]:
        """A blocking :class:`Pager` on the same current page, fetching through ``run``.

        Args:
            run: Runs an awaitable to completion and returns its result (the blocking
                client's loop-thread bridge).
        """
        request = self._request

        def fetch(**kwargs: Any) -> Any:
            return run(request(**kwargs))

        pager: Pager[T] = Pager.__new__(Pager)
        pager._name = self._name
        pager._items_field = self._items_field
        pager._request = fetch
        pager._explicit_page_size = self._explicit_page_size
        pager._page = self._page
        pager._idx = 0
        pager._sdk_http_response = self._sdk_http_response
        pager._config = dict(self._config)
        pager._page_size = self._page_size
        return pager
