# genai_actors._watch: supervised watchers for long-running jobs, and the client's actor tree.
#
# Layout (private modules, one concept each):
#   _config   WatchConfig (poll schedule, global concurrency and rate caps) and error outcomes
#   _state    WatchState (what survives a watcher restart) and Subscriber (one waiter/stream)
#   _actors   PollScheduler (the one shared timer schedule) and Watcher (one per job)
#   _tree     ClientTree (root Supervisor: sessions, poll-scheduler, watchers) and TreeHost
#   _hub      WatchHub (api_client.watchers: wait / watch) and WatchStream
"""Supervised job watchers: ``api_client.watchers`` and the client's supervision tree."""

from __future__ import annotations

from ._config import (
    DEFAULT_POLL_BACKOFF as DEFAULT_POLL_BACKOFF,
    WatchConfig as WatchConfig,
    check_timeout as check_timeout,
)
from ._hub import WatchHub as WatchHub, WatchStream as WatchStream
from ._tree import ClientTree as ClientTree, TreeHost as TreeHost

__all__ = [
    "DEFAULT_POLL_BACKOFF",
    "ClientTree",
    "TreeHost",
    "WatchConfig",
    "WatchHub",
    "WatchStream",
    "check_timeout",
]
