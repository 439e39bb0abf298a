"""``RedisStore``: the governor's budget kept in Redis, shared by processes and machines.

Each model's windows are sorted sets (one member per admission, ``<id>:<weight>``, scored by
the Redis server's own clock in milliseconds) with a running sum beside them; its pause and
day block are keys with a time to live. Every decision is one Lua script, so it is atomic:
two workers can never both take the last request of a window. All times come from Redis's
``TIME``, so workers whose clocks disagree still share one budget. Keys are
``<prefix>:{<model>}:<metric>`` (one hash slot per model, Redis Cluster friendly) and expire
once idle for their window's length.

Needs redis-py (``pip install 'genai-actors[redis]'``).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import weakref
from typing import TYPE_CHECKING, Any

from ._store import Verdict, Windows, weight_of

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript

__all__ = ["RedisStore"]

_ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local day = redis.call('PTTL', KEYS[2])
if day > 0 then return {day, 'day'} end
local pause = redis.call('PTTL', KEYS[1])
if pause > 0 then return {pause, 'pause'} end
local tokens = tonumber(ARGV[1])
local id = ARGV[2]
local count = ARGV[3] == '1'
local n = (#ARGV - 3) / 3
local weights = {}
for i = 1, n do
  local metric = ARGV[3 * i + 1]
  local limit = tonumber(ARGV[3 * i + 2])
  local period = tonumber(ARGV[3 * i + 3])
  local zkey = KEYS[2 * i + 1]
  local skey = KEYS[2 * i + 2]
  local w = 1
  if metric == 'tpm' then w = math.min(math.max(tokens, 1), limit) end
  weights[i] = w
  local total = tonumber(redis.call('GET', skey) or '0')
  local old = redis.call('ZRANGEBYSCORE', zkey, '-inf', now - period)
  if #old > 0 then
    for _, m in ipairs(old) do total = total - tonumber(string.match(m, ':(%d+)$')) end
    redis.call('ZREMRANGEBYSCORE', zkey, '-inf', now - period)
    redis.call('SET', skey, total, 'KEEPTTL')
  end
  local excess = total + w - limit
  if excess > 0 then
    local entries = redis.call('ZRANGE', zkey, 0, -1, 'WITHSCORES')
    for j = 1, #entries, 2 do
      excess = excess - tonumber(string.match(entries[j], ':(%d+)$'))
      if excess <= 0 then
        return {math.max(tonumber(entries[j + 1]) + period - now, 1), metric}
      end
    end
    return {period, metric}
  end
end
if count then
  for i = 1, n do
    local period = tonumber(ARGV[3 * i + 3])
    local zkey = KEYS[2 * i + 1]
    local skey = KEYS[2 * i + 2]
    redis.call('ZADD', zkey, now, id .. ':' .. weights[i])
    redis.call('INCRBY', skey, weights[i])
    redis.call('PEXPIRE', zkey, period)
    redis.call('PEXPIRE', skey, period)
  end
end
return {0, ''}
"""

_CORRECT = """
local old = ARGV[1] .. ':' .. ARGV[2]
local score = redis.call('ZSCORE', KEYS[1], old)
if not score then return 0 end
redis.call('ZREM', KEYS[1], old)
redis.call('ZADD', KEYS[1], score, ARGV[1] .. ':' .. ARGV[3])
redis.call('INCRBY', KEYS[2], tonumber(ARGV[3]) - tonumber(ARGV[2]))
return 1
"""

_HOLD = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
"""


def _missing_extra() -> ImportError:
    return ImportError(
        "RedisStore needs redis-py: install the extra with `pip install 'genai-actors[redis]'`"
    )


class _Conn:
    __slots__ = ("admit", "client", "correct", "hold")

    def __init__(self, client: Redis) -> None:
        self.client = client
        self.admit: AsyncScript = client.register_script(_ADMIT)
        self.correct: AsyncScript = client.register_script(_CORRECT)
        self.hold: AsyncScript = client.register_script(_HOLD)


class RedisStore:
    """The governor's rate windows, pauses and day blocks in Redis (see the module docstring).

    Args:
        url: A redis-py URL, e.g. ``redis://localhost:6379/0`` (``rediss://`` for TLS).
        prefix: The start of every key, so several budgets (API keys, projects) can share one
            Redis: workers that share a budget use the same prefix.
        **options: More keyword arguments for ``redis.asyncio.Redis.from_url``.

    Raises:
        ImportError: redis-py is not installed (the message names the ``[redis]`` extra).

    One connection pool per event loop, made on first use. Redis errors (connection refused,
    timeouts) reach the caller of the governed request as redis-py's exceptions. Concurrency
    limits stay per process; only the windows, pauses and day blocks are shared.
    """

    def __init__(self, url: str, *, prefix: str = "genai-actors", **options: Any) -> None:
        try:
            import redis.asyncio  # noqa: F401
        except ImportError:
            raise _missing_extra() from None
        self.url = url
        self.prefix = prefix
        self._options = options
        self._conns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Conn] = (
            weakref.WeakKeyDictionary()
        )
        self._ids = itertools.count()
        self._tag = os.urandom(6).hex()

    def _conn(self) -> _Conn:
        loop = asyncio.get_running_loop()
        conn = self._conns.get(loop)
        if conn is None:
            from redis.asyncio import Redis

            client = Redis.from_url(self.url, **self._options)
            conn = self._conns[loop] = _Conn(client)
        return conn

    def _key(self, model: str, name: str) -> str:
        return f"{self.prefix}:{{{model}}}:{name}"

    async def admit(self, model: str, windows: Windows, tokens: int, now: float) -> Verdict:
        """See ``Store.admit`` (``now`` is ignored: Redis's clock decides)."""
        keys = [self._key(model, "pause"), self._key(model, "day")]
        args: list[Any] = [tokens, f"{self._tag}{next(self._ids)}", 1]
        for metric, limit, period in windows:
            keys.append(self._key(model, metric))
            keys.append(self._key(model, metric + ":sum"))
            args.extend((metric, limit, int(period * 1000)))
        wait, reason = await self._conn().admit(keys=keys, args=args)
        reason = reason.decode() if isinstance(reason, bytes) else str(reason)
        if wait:
            return Verdict(int(wait) / 1000.0, reason)
        handle = None
        for metric, limit, _period in windows:
            if metric == "tpm":
                handle = (args[1], weight_of(metric, limit, tokens))
        return Verdict(0.0, "", handle)

    async def correct(self, model: str, handle: object, tokens: int) -> None:
        """See ``Store.correct``."""
        if not isinstance(handle, tuple):
            return
        ident, old = handle
        await self._conn().correct(
            keys=[self._key(model, "tpm"), self._key(model, "tpm:sum")],
            args=[ident, old, max(tokens, 0)],
        )

    async def pause(self, model: str, seconds: float, now: float) -> None:
        """See ``Store.pause``: shared by every worker on this Redis and prefix."""
        await self._hold(self._key(model, "pause"), seconds)

    async def block_day(self, model: str, seconds: float, now: float) -> None:
        """See ``Store.block_day``: shared by every worker on this Redis and prefix."""
        await self._hold(self._key(model, "day"), seconds)

    async def _hold(self, key: str, seconds: float) -> None:
        await self._conn().hold(keys=[key], args=[max(int(seconds * 1000), 1)])

    def peek(self, model: str, windows: Windows, tokens: int, now: float) -> Verdict | None:
        """Always ``None``: Redis cannot be read without I/O."""
        return None

    async def aclose(self) -> None:
        """Closes the connection pool of the running event loop (pools of other loops close
        when their loops go away). Idempotent."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        conn = self._conns.pop(loop, None)
        if conn is not None:
            await conn.client.aclose()

    def __repr__(self) -> str:
        return f"RedisStore(prefix={self.prefix!r})"
