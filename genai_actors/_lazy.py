"""Things imported on first use, to keep a cold start (import, construct, first call) short.

``api_module``: a client attribute (``client.models``, ``client.files``...) built on first use.
Importing an API module (and its request builders) costs milliseconds, so a client imports and
builds each one the first time it is read. The value is then stored in the instance's
``__dict__`` under the attribute's name: later reads never reach the descriptor again.

``module_on_first_use``: a module-level name that stands for a module until the module is
needed (``_afc = module_on_first_use(globals(), "_afc", "genai_actors._api._afc")``). The first
attribute read imports the module and rebinds the name to it, so later reads are ordinary
global lookups of the real module (no per-call cost, and patches on the module are seen).
"""

from __future__ import annotations

import importlib
import threading
from typing import Any, Generic, Protocol, TypeVar, overload

__all__ = ["ModuleOwner", "api_module", "module_on_first_use"]

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


class _ModuleOnFirstUse:
    """Stands for a module in ``namespace[alias]`` until one of its attributes is read."""

    def __init__(self, namespace: dict[str, Any], alias: str, module: str) -> None:
        self._namespace = namespace
        self._alias = alias
        self._module = module

    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self._module)  # thread-safe: the import lock
        self._namespace[self._alias] = module
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<module {self._module!r}, imported on first use>"


def module_on_first_use(namespace: dict[str, Any], alias: str, module: str) -> Any:
    """A stand-in for ``module`` (absolute name) bound as ``namespace[alias]`` by the caller.

    The first read of any attribute imports ``module`` and rebinds ``namespace[alias]`` to it;
    a stand-in kept elsewhere keeps working (each read goes through the import system's cache).
    Import errors of ``module`` are raised at that first read. Type checkers should see a
    plain import of the module under ``TYPE_CHECKING``.
    """
    return _ModuleOnFirstUse(namespace, alias, module)
