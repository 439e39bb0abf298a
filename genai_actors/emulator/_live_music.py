"""Live Music (``...GenerativeService.BidiGenerateMusic``): deterministic tones in real time.

After ``setup`` / ``setupComplete``, the client sets ``clientContent.weightedPrompts`` and
``musicGenerationConfig`` (ranges checked: a bad value closes the socket with 1007 naming the
field) and steers playback with ``playbackControl``: ``PLAY`` starts (or resumes) a steady
stream of ``serverContent.audioChunks`` (48 kHz stereo 16-bit PCM), ``PAUSE`` holds it,
``STOP`` ends it and resets the context (the config stays), ``RESET_CONTEXT`` restarts the
music from its beginning while playing. A chunk of ``music_chunk_seconds`` goes out every
``music_chunk_seconds / music_speed`` seconds (1.0: real time), each with the prompts and
config it was made from (``sourceMetadata``). A prompt naming a filtered word (``violence``,
``explicit``, ``blocked``) is answered with ``filteredPrompt`` and left out.

The audio: each prompt is a tone on a degree of the config's ``scale`` (picked from a hash of
its text), mixed by weight, accented at the start of every beat at ``bpm``; ``brightness``
pans it, and ``density`` sets its loudness. The music repeats every beat. Same prompts,
config and position, same bytes.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import math
from array import array
from typing import TYPE_CHECKING, Any

import msgspec
from aiohttp import WSMsgType

from ._auth import authenticate
from ._errors import ApiError

if TYPE_CHECKING:
    from aiohttp import web

    from ._live_state import LiveStore
    from ._state import EmulatorState

__all__ = ["MusicConnection", "synthesize"]

_ENCODE = msgspec.json.encode
_DECODE = msgspec.json.decode
RATE = 48000
MIME = "audio/l16;rate=48000;channels=2"
_FILTERED = frozenset({"violence", "explicit", "blocked"})
_SCALES = (
    "C_MAJOR_A_MINOR",
    "D_FLAT_MAJOR_B_FLAT_MINOR",
    "D_MAJOR_B_MINOR",
    "E_FLAT_MAJOR_C_MINOR",
    "E_MAJOR_D_FLAT_MINOR",
    "F_MAJOR_D_MINOR",
    "G_FLAT_MAJOR_E_FLAT_MINOR",
    "G_MAJOR_E_MINOR",
    "A_FLAT_MAJOR_F_MINOR",
    "A_MAJOR_G_FLAT_MINOR",
    "B_FLAT_MAJOR_G_MINOR",
    "B_MAJOR_A_FLAT_MINOR",
)
_MAJOR = (0, 2, 4, 5, 7, 9, 11)
# field: (low, high) inclusive, and whether it must be an integer.
_RANGES: dict[str, tuple[float, float, bool]] = {
    "temperature": (0.0, 3.0, False),
    "topK": (1, 1000, True),
    "guidance": (0.0, 6.0, False),
    "bpm": (60, 200, True),
    "density": (0.0, 1.0, False),
    "brightness": (0.0, 1.0, False),
}
_BOOLS = frozenset({"muteBass", "muteDrums", "onlyBassAndDrums"})
_MODES = frozenset({"QUALITY", "DIVERSITY", "VOCALIZATION", "MUSIC_GENERATION_MODE_UNSPECIFIED"})
_CONTROLS = frozenset({"PLAY", "PAUSE", "STOP", "RESET_CONTEXT"})


class _Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def check_config(config: Any) -> dict[str, Any]:
    """``musicGenerationConfig`` with camelCase keys, its values checked.

    Raises:
        _Close: 1007 naming the first bad field.
    """
    if not isinstance(config, dict):
        raise _Close(1007, "musicGenerationConfig must be an object.")
    out: dict[str, Any] = {}
    for key, value in config.items():
        name = _camel(key)
        if name in _RANGES:
            low, high, whole = _RANGES[name]
            number_ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not number_ok or (whole and value != int(value)) or not low <= value <= high:
                raise _Close(1007, f"music_generation_config.{key} must be within [{low}, {high}].")
        elif name in _BOOLS:
            if not isinstance(value, bool):
                raise _Close(1007, f"music_generation_config.{key} must be a boolean.")
        elif name == "scale":
            if value not in _SCALES and value != "SCALE_UNSPECIFIED":
                raise _Close(1007, f"music_generation_config.scale: unknown value {value!r}.")
        elif name == "musicGenerationMode":
            if value not in _MODES:
                raise _Close(1007, f"music_generation_config.{key}: unknown value {value!r}.")
        elif name == "seed":
            if not isinstance(value, int) or isinstance(value, bool):
                raise _Close(1007, "music_generation_config.seed must be an integer.")
        else:
            raise _Close(1007, f"Unknown name \"{key}\" at 'music_generation_config'.")
        out[name] = value
    return out


def synthesize(
    prompts: list[dict[str, Any]], config: dict[str, Any], start: int, frames: int
) -> bytes:
    """``frames`` stereo frames of 16-bit PCM at 48 kHz, from frame ``start`` of the music.

    The music repeats every beat: one beat is made once per prompts and config (cached), and
    chunks are cut from it, so producing a chunk costs a copy, not a synthesis.
    """
    beat = _beat(_ENCODE([prompts, config]))
    size = len(beat) // 4
    offset = (start % size) * 4
    need = offset + frames * 4
    tiled = beat * (need // len(beat) + 1)
    return tiled[offset:need]


@functools.lru_cache(maxsize=64)
def _beat(key: bytes) -> bytes:
    prompts, config = _DECODE(key)
    scale = config.get("scale", "C_MAJOR_A_MINOR")
    root = 261.63 * 2 ** ((_SCALES.index(scale) if scale in _SCALES else 0) / 12)
    size = round(RATE * 60.0 / float(config.get("bpm", 120)))
    loudness = 4000 + 8000 * float(config.get("density", 0.5))
    total = sum(abs(float(p.get("weight", 1.0))) for p in prompts) or 1.0
    mono = [0.0] * size
    for prompt in prompts:
        digest = hashlib.sha256(str(prompt.get("text", "")).encode()).digest()
        degree = _MAJOR[digest[0] % len(_MAJOR)] + 12 * (digest[1] % 2)
        cycles = max(1, round(size * root * 2 ** (degree / 12) / RATE))  # whole cycles a beat
        share = abs(float(prompt.get("weight", 1.0))) / total * loudness
        tone = [share * math.sin(2 * math.pi * cycles * i / size) for i in range(size)]
        mono = [a + b for a, b in zip(mono, tone, strict=True)]
    accent = int(size * 0.12)
    mono = [v * (1.0 if i < accent else 0.6) for i, v in enumerate(mono)]
    right = float(config.get("brightness", 0.5))
    out = array("h", bytes(4 * size))
    out[0::2] = array("h", [int(v * (1.0 - right) * 2) for v in mono])
    out[1::2] = array("h", [int(v * right * 2) for v in mono])
    return out.tobytes()


class MusicConnection:
    """One Live Music connection."""

    def __init__(
        self,
        state: EmulatorState,
        store: LiveStore,
        request: web.Request,
        ws: web.WebSocketResponse,
    ) -> None:
        self.state = state
        self.store = store
        self.request = request
        self.ws = ws
        self.prompts: list[dict[str, Any]] = []
        self.config: dict[str, Any] = {}
        self.position = 0
        self.player: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        async with self.lock:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.send_bytes(_ENCODE(message))

    async def run(self) -> None:
        try:
            await self._setup()
            while True:
                msg = await self.ws.receive()
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    return
                try:
                    message = _DECODE(msg.data)
                except msgspec.DecodeError:
                    raise _Close(1007, "Invalid JSON payload received.") from None
                await self._handle(message)
        except _Close as exc:
            await self._halt()
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.close(code=exc.code, message=exc.reason.encode()[:123])
        finally:
            await self._halt()

    async def _setup(self) -> None:
        msg = await self.ws.receive()
        if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
            raise _Close(1000, "")
        try:
            message = _DECODE(msg.data)
        except msgspec.DecodeError:
            raise _Close(1007, "Invalid JSON payload received.") from None
        setup = message.get("setup") if isinstance(message, dict) else None
        if not isinstance(setup, dict):
            raise _Close(1007, "The first message must be a setup message.")
        try:
            authenticate(self.state, self.request)
        except ApiError as exc:
            raise _Close(1008, exc.message) from None
        model = str(setup.get("model") or "")
        if not model.startswith("models/"):
            model = f"models/{model}"
        info = self.state.models.get(model)
        if info is None or "bidiGenerateMusic" not in info.methods:
            raise _Close(1008, f"{model} is not found, or is not supported for bidiGenerateMusic.")
        await self.send({"setupComplete": {}})

    async def _handle(self, message: Any) -> None:
        if not isinstance(message, dict) or len(message) != 1:
            raise _Close(1007, "Each client message must have exactly one field.")
        ((key, body),) = message.items()
        name = _camel(key)
        if name == "clientContent":
            prompts = (body or {}).get("weightedPrompts", (body or {}).get("weighted_prompts"))
            if not isinstance(prompts, list) or not prompts:
                raise _Close(1007, "clientContent.weightedPrompts must be a non-empty list.")
            kept = []
            for prompt in prompts:
                text = prompt.get("text") if isinstance(prompt, dict) else None
                weight = prompt.get("weight", 1.0) if isinstance(prompt, dict) else None
                if not isinstance(text, str) or not text.strip():
                    raise _Close(1007, "weightedPrompts[].text is required.")
                if not isinstance(weight, int | float) or weight == 0:
                    raise _Close(1007, "weightedPrompts[].weight must be a non-zero number.")
                words = {w.strip(".,!?").lower() for w in text.split()}
                if words & _FILTERED:
                    await self.send(
                        {
                            "filteredPrompt": {
                                "text": text,
                                "filteredReason": "The prompt was blocked by the safety filter.",
                            }
                        }
                    )
                    continue
                kept.append({"text": text, "weight": weight})
            if kept:
                self.prompts = kept
        elif name == "musicGenerationConfig":
            self.config = check_config(body)
        elif name == "playbackControl":
            if body not in _CONTROLS:
                raise _Close(1007, f"Unknown playback control {body!r}.")
            await self._control(str(body))
        else:
            raise _Close(1007, f'Invalid JSON payload received. Unknown name "{key}".')

    async def _control(self, control: str) -> None:
        if control == "PLAY":
            if not self.prompts:
                raise _Close(1007, "Set weighted prompts before PLAY.")
            if self.player is None:
                self.player = asyncio.ensure_future(self._play())
        elif control == "PAUSE":
            await self._halt()
        elif control == "STOP":
            await self._halt()
            self.position = 0
        else:  # RESET_CONTEXT
            self.position = 0

    async def _halt(self) -> None:
        player, self.player = self.player, None
        if player is not None:
            player.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await player

    async def _play(self) -> None:
        settings = self.store.settings
        loop = asyncio.get_running_loop()
        frames = int(settings.music_chunk_seconds * RATE)
        interval = settings.music_chunk_seconds / settings.music_speed
        due: float | None = None
        while True:
            prompts, config = self.prompts, self.config
            # A new beat is made off the event loop (a fraction of a second); then cached.
            await asyncio.to_thread(_beat, _ENCODE([prompts, config]))
            pcm = synthesize(prompts, config, self.position, frames)
            self.position += frames
            chunk = {
                "data": base64.b64encode(pcm).decode(),
                "mimeType": MIME,
                "sourceMetadata": {
                    "clientContent": {"weightedPrompts": prompts},
                    "musicGenerationConfig": config,
                },
            }
            await self.send({"serverContent": {"audioChunks": [chunk]}})
            # Paced from the first chunk by absolute deadlines, so the cadence does not drift.
            due = (loop.time() if due is None else due) + interval
            await asyncio.sleep(max(0.0, due - loop.time()))
