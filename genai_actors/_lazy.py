"""``api_module``: a client attribute (``client.models``, ``client.files``...) built on first use.

Importing an API module (and its request builders) costs milliseconds, so a client imports and
builds each one the first time it is read. The value is then stored in the instance's
``__dict__`` under the attribute's name: later reads never reach the descriptor again.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any, Generic, Protocol, TypeVar, overload

__all__ = ["ModuleOwner", "api_module"]

T = TypeVar("T")

_build_lock = threading.RLock()  # re-entrant: a blocking module builds its async twin


class ModuleOwner(Protocol):
    """A client that knows how to build its API modules."""

    def _build_module(self, cls: type[Any], name: str) -> Any:
        """Builds the API module ``cls`` for the attribute ``name``."""


class api_module(Generic[T]):
    """A read-only client attribute whose value is the class ``module.name``, built on first read.

    The owner's ``_build_module(cls, attribute)`` makes the instance (the async client passes its
    API seam, the blocking client wraps its async twin). Building is serialised by a lock, so
    two threads reading the attribute at once get the same object.
    """

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name
        self._attribute = ""

    def __set_name__(self, owner: type[Any], attribute: str) -> None:
        self._attribute = attribute

    @overload
    def __get__(self, client: None, owner: type[Any] | None = None) -> api_module[T]: ...

    @overload
    def __get__(self, client: ModuleOwner, owner: type[Any] | None = None) -> T: ...

    def __get__(
        self, client: ModuleOwner | None, owner: type[Any] | None = None
    ) -> T | api_module[T]:
        if client is None:
            return self
        with _build_lock:
            built = client.__dict__.get(self._attribute)
            if built is None:
                cls = getattr(importlib.import_module(self._module, "genai_actors"), self._name)
                built = client._build_module(cls, self._attribute)
                client.__dict__[self._attribute] = built
        return built  # type: ignore[no-any-return]
