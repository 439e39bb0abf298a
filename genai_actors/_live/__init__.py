# genai_actors._live: Live API sessions (client.live), each a supervised actor.
#
#   _setup     LiveConnectConfig checks and the setup message (before any socket opens)
#   _wire      client messages to JSON bytes; server messages to LiveServerMessage
#   _session   _Link (what survives reconnections), LiveSessionActor, AsyncSession
#   _inbox     the bounded queue of server frames between a session's reader and its consumer
#   _pool      SharedHttp: one aiohttp session for a client's open Live sessions
#   _connect   AsyncLive: connect(model=, config=), the endpoint and its authentication
#   _music     AsyncLiveMusic / AsyncMusicSession (client.live.music), checked prompts/configs
"""Live API sessions: ``client.live.connect(...)``."""

from __future__ import annotations

from ._connect import AsyncLive as AsyncLive
from ._music import (
    AsyncLiveMusic as AsyncLiveMusic,
    AsyncMusicSession as AsyncMusicSession,
    MusicUnsupportedError as MusicUnsupportedError,
)
from ._session import (
    AsyncSession as AsyncSession,
    LiveOptions as LiveOptions,
    LiveSessionEvent as LiveSessionEvent,
)

__all__ = [
    "AsyncLive",
    "AsyncLiveMusic",
    "AsyncMusicSession",
    "AsyncSession",
    "LiveOptions",
    "LiveSessionEvent",
    "MusicUnsupportedError",
]
