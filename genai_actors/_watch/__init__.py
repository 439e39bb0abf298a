# genai_actors._watch: supervised watchers for long-running jobs, and the client's actor tree.
#
# Layout (private modules, one concept each):
#   _config   WatchConfig (poll schedule, global concurrency and rate caps) and error outcomes
#   _state    WatchState (what survives a watcher restart) and Subscriber (one waiter/stream)
#   _actors   PollScheduler (the one shared timer schedule) and Watcher (one per job)
#   _tree     ClientTree (root Supervisor: sessions, poll-scheduler, watchers)
#   _host     TreeHost (one ClientTree per event loop; light: no actor runtime until needed)
#   _hub      WatchHub (api_client.watchers: wait / watch) and WatchStream
"""Supervised job watchers: ``api_client.watchers`` and the client's supervision tree."""

from __future__ import annotations

# Names load on first use (PEP 562): the client imports this package at construction, and the
# actor runtime behind the hub and the tree loads only when the first watch starts.
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:
    from ._config import (
        DEFAULT_POLL_BACKOFF as DEFAULT_POLL_BACKOFF,
        WatchConfig as WatchConfig,
        check_timeout as check_timeout,
    )
    from ._host import TreeHost as TreeHost
    from ._hub import WatchHub as WatchHub, WatchStream as WatchStream
    from ._tree import ClientTree as ClientTree

_LAZY = {
    "DEFAULT_POLL_BACKOFF": "._config",
    "WatchConfig": "._config",
    "check_timeout": "._config",
    "TreeHost": "._host",
    "WatchHub": "._hub",
    "WatchStream": "._hub",
    "ClientTree": "._tree",
}

__all__ = [
    "DEFAULT_POLL_BACKOFF",
    "ClientTree",
    "TreeHost",
    "WatchConfig",
    "WatchHub",
    "WatchStream",
    "check_timeout",
]


def __getattr__(name: str) -> object:
    """Imports a name's module on the first use of the name.

    Raises:
        AttributeError: ``name`` is not exported here.
    """
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
