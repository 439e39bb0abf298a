"""``client.live.music``: Live Music sessions (``BidiGenerateMusic``), supervised like Live ones.

A music session has no resumption: an abnormal close ends it with ``SessionClosed``. Prompts
and configs are checked before they are sent (``InvalidRequestError`` naming the field).
Messages take google-genai's form (camelCase top-level keys).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import msgspec

from .. import _log
from .._transformers import InvalidRequestError, coerce_config, t_model
from ..errors import UnsupportedByBackendError
from ..types import LiveMusicGenerationConfig, LiveMusicServerMessage, WeightedPrompt
from ..types._base import dec_hook, encode_json, to_builtins
from ._inbox import EndOfInbox
from ._session import _Link, supervised

if TYPE_CHECKING:
    from ._connect import AsyncLive

__all__ = ["AsyncLiveMusic", "AsyncMusicSession", "MusicUnsupportedError"]


class MusicUnsupportedError(UnsupportedByBackendError, NotImplementedError):
    """Live Music on a backend without it (Vertex AI); nothing was sent. Caught by
    ``except UnsupportedByBackendError`` and, as google-genai's error, by
    ``except NotImplementedError``."""


_DECODER = msgspec.json.Decoder(LiveMusicServerMessage, dec_hook=dec_hook, strict=False)
_log_music = _log.get_logger("genai_actors.live")
# field: (low, high) inclusive, as the server checks them.
_RANGES: dict[str, tuple[float, float]] = {
    "temperature": (0.0, 3.0),
    "top_k": (1, 1000),
    "guidance": (0.0, 6.0),
    "bpm": (60, 200),
    "density": (0.0, 1.0),
    "brightness": (0.0, 1.0),
}


def _decode(data: bytes | str) -> LiveMusicServerMessage:
    return _DECODER.decode(data)


def music_config(config: Any) -> dict[str, Any]:
    """``config`` as the wire ``musicGenerationConfig``, its ranges checked.

    Raises:
        InvalidRequestError: An unknown field or enum value, or a value out of range.
    """
    cfg = coerce_config(config, LiveMusicGenerationConfig, "config")
    for name, (low, high) in _RANGES.items():
        value = getattr(cfg, name)
        if value is not None and not low <= value <= high:
            raise InvalidRequestError(
                f"config.{name}", f"must be within [{low}, {high}], got {value}"
            )
    wire: dict[str, Any] = to_builtins(cfg)
    return wire


def weighted_prompts(prompts: Any) -> list[dict[str, Any]]:
    """``prompts`` as wire ``weightedPrompts``.

    Raises:
        InvalidRequestError: No prompt, a prompt without text, or a zero weight.
    """
    items = prompts if isinstance(prompts, list) else [prompts]
    if not items:
        raise InvalidRequestError("prompts", "needs at least one WeightedPrompt")
    out = []
    for index, item in enumerate(items):
        prompt = coerce_config(item, WeightedPrompt, f"prompts[{index}]")
        if not prompt.text or not prompt.text.strip():
            raise InvalidRequestError(f"prompts[{index}].text", "is required")
        if prompt.weight is not None and prompt.weight == 0:
            raise InvalidRequestError(f"prompts[{index}].weight", "must not be 0")
        out.append(to_builtins(prompt))
    return out


class AsyncLiveMusic:
    """Live Music (``client.live.music``): ``connect(model=...)``."""

    def __init__(self, live: AsyncLive) -> None:
        self._live = live

    @contextlib.asynccontextmanager
    async def connect(self, *, model: str) -> AsyncIterator[AsyncMusicSession]:
        """Opens a music session; leaving the ``async with`` block closes it.

        Raises:
            MusicUnsupportedError: Vertex AI (both an ``UnsupportedByBackendError`` and the
                ``NotImplementedError`` google-genai raises).
            SessionClosed: The server refused the setup (e.g. not a music model).
            ClientClosedError: The client is closed.
            aiohttp.ClientError / OSError / TimeoutError: The socket could not be opened.
        """
        api = self._live._api
        if api.vertexai:
            raise MusicUnsupportedError(api.backend.name, "live.music.connect")
        url, headers = self._live.endpoint(None, music=True)
        setup = {"model": t_model(model)}
        link = _Link(url, headers, setup, self._live.options, self._live.http, _decode)
        async with supervised(api, link) as stop:
            yield AsyncMusicSession(link, stop)


class AsyncMusicSession:
    """A Live Music session: google-genai's methods, and ``async for`` over its messages.

    Sends raise :class:`~genai_actors.errors.SessionClosed` once the session is gone.
    """

    def __init__(self, link: _Link, stop: Callable[[], Awaitable[None]]) -> None:
        self._link = link
        self._stop = stop

    @property
    def closed(self) -> bool:
        """True once the session ended."""
        return self._link.ended.is_set() or self._link.closed_by_user

    async def set_weighted_prompts(self, prompts: Any) -> None:
        """Steer the music with weighted text prompts (``WeightedPrompt`` or dicts).

        Raises:
            InvalidRequestError: No prompt, a prompt without text, or a zero weight.
            SessionClosed: The session is closed.
        """
        body = {"weightedPrompts": weighted_prompts(prompts)}
        await self._link.send(encode_json({"clientContent": body}))

    async def set_music_generation_config(self, config: Any) -> None:
        """Set bpm, scale, density, brightness, ... (``LiveMusicGenerationConfig`` or a dict).

        Raises:
            InvalidRequestError: A value out of range or an unknown field.
            SessionClosed: The session is closed.
        """
        await self._link.send(encode_json({"musicGenerationConfig": music_config(config)}))

    async def _control(self, control: str) -> None:
        await self._link.send(encode_json({"playbackControl": control}))

    async def play(self) -> None:
        """Start or resume the music stream."""
        await self._control("PLAY")

    async def pause(self) -> None:
        """Hold the stream (PLAY resumes where it was)."""
        await self._control("PAUSE")

    async def stop(self) -> None:
        """End the stream and reset the context (the config stays)."""
        await self._control("STOP")

    async def reset_context(self) -> None:
        """Restart the music from its beginning, still playing."""
        await self._control("RESET_CONTEXT")

    async def receive(self) -> AsyncIterator[LiveMusicServerMessage]:
        """Yields server messages (audio chunks, filtered prompts) until the session ends.

        Raises:
            SessionClosed: The session ended abnormally (after buffered messages).
        """
        link = self._link
        while True:
            try:
                frame = await link.inbox.get()
            except EndOfInbox:
                if link.error is not None and not link.closed_by_user:
                    raise link.error from None
                return
            try:
                message = link.decode(frame)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                _log_music.warning("live.bad_message", error=str(exc))
                continue
            yield message

    def __aiter__(self) -> AsyncIterator[LiveMusicServerMessage]:
        return self.receive()

    async def close(self) -> None:
        """Closes the session. Idempotent."""
        await self._stop()
