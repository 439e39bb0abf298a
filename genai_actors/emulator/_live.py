"""The Live API on aiohttp WebSockets: ``BidiGenerateContent`` and its constrained twin
(``BidiGenerateMusic`` is served by ``_live_music``).

``/ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContent``
takes an API key (``x-goog-api-key`` or ``?key=``); ``...BidiGenerateContentConstrained``
takes an ephemeral token (``Authorization: Token auth_tokens/...``, ``?access_token=`` or the
key header), checked against its expiry, uses and locked setup fields. Vertex AI's
``/ws/google.cloud.aiplatform.{version}.LlmBidiService/BidiGenerateContent`` takes a bearer
token (an API key in express mode) and a ``projects/{p}/locations/{l}/publishers/google/
models/{m}`` setup model, and accepts its own setup fields (``explicitVadSignal``,
``sessionResumption.transparent``).

A session: the client sends ``setup`` and gets ``setupComplete``; then ``clientContent`` turns,
``realtimeInput`` (text, 16-bit PCM audio, video frames, ``activityStart``/``activityEnd``,
``audioStreamEnd``), ``toolResponse`` and ``contextUpdate`` messages (snake_case or camelCase
top-level keys; a context update replaces the system instruction and/or tools for what follows).
Answers come as ``serverContent`` chunks (text, or 24 kHz PCM for ``AUDIO``), then
``generationComplete``, ``turnComplete`` and ``usageMetadata``; new input during an answer
interrupts it (``interrupted``). Declared functions named in the prompt become ``toolCall``;
input that supersedes a pending call cancels it (``toolCallCancellation``). With
``sessionResumption`` in the setup, each idle point brings a ``sessionResumptionUpdate``
whose handle restores the conversation; ``lastConsumedClientMessageIndex`` counts client
messages on the connection from 0. A connection gets ``goAway`` before its maximum duration.

Close codes: 1007 for a malformed message or setup, 1008 for authentication, an unknown model
or handle, or a refused setup; faults use 1011 or drop the connection (1006).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import struct
from typing import TYPE_CHECKING, Any

import msgspec
from aiohttp import WSMsgType, web

from ._auth import authenticate
from ._brain import generate_content
from ._errors import ApiError
from ._live_music import MusicConnection
from ._live_state import LiveFault, LiveStore, SessionState
from ._media import pcm16
from ._oauth import authenticate_bearer
from ._router import API_VERSIONS
from ._state import STATE_KEY
from ._tokens import count_contents, count_text

if TYPE_CHECKING:
    from ._catalog import ModelInfo
    from ._state import EmulatorState

__all__ = ["LIVE_KEY", "PATH_PREFIX", "VERTEX_PATH", "handle_live", "handle_vertex_live"]

LIVE_KEY: web.AppKey[LiveStore] = web.AppKey("genai_actors_emulator_live", LiveStore)
PATH_PREFIX = "/ws/google.ai.generativelanguage."
VERTEX_PATH = "/ws/google.cloud.aiplatform.{version}.LlmBidiService/BidiGenerateContent"
_VERTEX_VERSIONS = frozenset({"v1beta1", "v1"})
_METHODS = {
    "GenerativeService.BidiGenerateContent": False,
    "GenerativeService.BidiGenerateContentConstrained": True,
    "GenerativeService.BidiGenerateMusic": False,
}
_MUSIC = "GenerativeService.BidiGenerateMusic"
_ENCODE = msgspec.json.encode
_DECODE = msgspec.json.decode
_SETUP_FIELDS = frozenset(
    {
        "model",
        "generationConfig",
        "systemInstruction",
        "tools",
        "toolConfig",
        "sessionResumption",
        "contextWindowCompression",
        "realtimeInputConfig",
        "inputAudioTranscription",
        "outputAudioTranscription",
        "proactivity",
        "historyConfig",
        "avatarConfig",
        "safetySettings",
        "explicitVadSignal",
        "labels",
    }
)
_GENERATION_KEYS_FOR_BRAIN = ("temperature", "topP", "topK", "seed", "maxOutputTokens")
_VOICE_LEVEL = 500  # |sample| above this counts as speech
_IN_RATE = 16000
_TO_STANDARD = str.maketrans("-_", "+/")  # either base64 alphabet is accepted
_OUT_RATE = 24000


class _Close(Exception):
    """Close the connection with ``code`` and ``reason``."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _get(obj: dict[str, Any], camel: str, snake: str) -> Any:
    value = obj.get(camel)
    return obj.get(snake) if value is None else value


def _short_reason(text: str) -> str:
    data = text.encode()
    return text if len(data) <= 123 else data[:120].decode(errors="ignore") + "..."


def _quote(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "..."


def _duration(seconds: float) -> str:
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


def _pcm_rate(mime: str) -> int:
    for piece in mime.split(";")[1:]:
        key, _, value = piece.strip().partition("=")
        if key == "rate" and value.isdigit():
            return int(value)
    return _IN_RATE


async def handle_vertex_live(request: web.Request) -> web.StreamResponse:
    """Serve one Vertex AI Live WebSocket
    (``/ws/google.cloud.aiplatform.{version}.LlmBidiService/BidiGenerateContent``): a bearer
    token (or an API key in express mode), and a ``projects/.../publishers/google/models/...``
    model in the setup."""
    if request.match_info["version"] not in _VERTEX_VERSIONS:
        raise web.HTTPNotFound(text=f"The requested URL {request.path} was not found.")
    return await _serve_live(request, "GenerativeService.BidiGenerateContent", vertex=True)


async def handle_live(request: web.Request) -> web.StreamResponse:
    """Serve one Live WebSocket (``/ws/...``, or ``//ws/...`` as google-genai builds it)."""
    version, _, method = request.match_info["method"].partition(".")
    if version not in API_VERSIONS or method not in _METHODS:
        raise web.HTTPNotFound(text=f"The requested URL {request.path} was not found.")
    return await _serve_live(request, method)


async def _serve_live(
    request: web.Request, method: str, *, vertex: bool = False
) -> web.StreamResponse:
    ws = web.WebSocketResponse(timeout=2.0, max_msg_size=16 * 1024 * 1024)
    await ws.prepare(request)
    store = request.app[LIVE_KEY]
    state = request.app[STATE_KEY]
    store.connections += 1
    number = store.connections
    connection: _Connection | MusicConnection
    if method == _MUSIC:
        connection = MusicConnection(state, store, request, ws)
    else:
        connection = _Connection(state, store, request, ws, _METHODS[method], number, vertex)
    store.open_connections += 1
    try:
        await connection.run()
    finally:
        store.open_connections -= 1
        if store.live.pop(number, None) is not None:
            store.timeline.append(("closed", number))
    return ws


class _Connection:
    """One Live connection: setup, then the read loop; answers run in a task of their own."""

    def __init__(
        self,
        state: EmulatorState,
        store: LiveStore,
        request: web.Request,
        ws: web.WebSocketResponse,
        constrained: bool,
        number: int = 0,
        vertex: bool = False,
    ) -> None:
        self.number = number  # the store's count of connections when this one came
        self.vertex = vertex
        self.state = state
        self.store = store
        self.request = request
        self.transport = request.transport
        self.ws = ws
        self.constrained = constrained
        self.setup: dict[str, Any] = {}
        self.session: SessionState | None = None
        self.model: ModelInfo | None = None
        self.fault: LiveFault | None = None
        self.fault_base = 0  # messages consumed before the fault was armed
        self.index = -1  # the last consumed client message on this connection
        self.answer: asyncio.Task[None] | None = None
        self.timers: list[asyncio.Task[None]] = []
        self.send_lock = asyncio.Lock()
        self.media_parts: list[dict[str, Any]] = []
        self.closing = False

    # -- plumbing -----------------------------------------------------------------------------

    async def send(self, message: dict[str, Any]) -> None:
        if self.closing or self.ws.closed:
            return
        async with self.send_lock:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.send_bytes(_ENCODE(message))

    def _closed(self) -> bool:
        return self.closing  # set by close(), possibly from a timer task meanwhile

    async def close(self, code: int, reason: str) -> None:
        if self.closing:
            return
        self.closing = True
        if code == 1006:
            if self.transport is not None:
                self.transport.abort()
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.ws.close(code=code, message=_short_reason(reason).encode())

    # -- the connection -----------------------------------------------------------------------

    async def run(self) -> None:
        try:
            await self._setup()
            await self._loop()
        except _Close as exc:
            await self.close(exc.code, exc.reason)
        finally:
            for task in [*self.timers, self.answer]:
                if task is not None:
                    task.cancel()
            for task in [*self.timers, self.answer]:
                if task is not None:
                    with contextlib.suppress(BaseException):
                        await task
            if not self.closing and not self.ws.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await self.ws.close()

    async def _receive_json(self) -> Any:
        msg = await self.ws.receive()
        if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
            return None
        if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
            raise _Close(1007, "Unsupported frame type.")
        try:
            return _DECODE(msg.data)
        except msgspec.DecodeError:
            raise _Close(1007, "Invalid JSON payload received.") from None

    async def _setup(self) -> None:
        message = await self._receive_json()
        if message is None:
            raise _Close(1000, "")
        if not isinstance(message, dict) or not isinstance(message.get("setup"), dict):
            raise _Close(1007, "The first message must be a setup message.")
        setup: dict[str, Any] = message["setup"]
        self.store.setups.append(setup)
        resume = setup.get("sessionResumption") or setup.get("session_resumption") or {}
        handle = resume.get("handle") if isinstance(resume, dict) else None
        if self.constrained:
            setup = self._check_token(setup, new_session=handle is None)
        elif self.vertex:
            try:
                if "Authorization" in self.request.headers:
                    authenticate_bearer(self.state, self.request)
                else:
                    authenticate(self.state, self.request)
            except ApiError as exc:
                raise _Close(1008, exc.message) from None
        else:
            try:
                authenticate(self.state, self.request)
            except ApiError as exc:
                raise _Close(1008, exc.message) from None
        rejection = self.store.take_fault(setup=True)
        if rejection is not None and rejection.reject_setup is not None:
            raise _Close(1008, rejection.reject_setup)
        self._validate(setup)
        self.setup = setup
        if handle is not None:
            restored = self.store.resume(str(handle))
            if restored is None:
                raise _Close(1008, "The session resumption handle is invalid or has expired.")
            self.session = restored
        else:
            self.session = self.store.new_session()
        await self.send({"setupComplete": {"sessionId": self.session.session_id}})
        self.store.live[self.number] = self
        self.store.timeline.append(("setup", self.number))
        settings = self.store.settings
        self.timers.append(asyncio.ensure_future(self._lifetime(settings.max_connection_seconds)))
        if self.resumable:
            await self._update()

    def _check_token(self, setup: dict[str, Any], *, new_session: bool) -> dict[str, Any]:
        name = ""
        auth = self.request.headers.get("Authorization", "")
        if auth.startswith("Token "):
            name = auth[6:].strip()
        name = name or self.request.query.get("access_token", "")
        name = name or self.request.headers.get("x-goog-api-key", "")
        if not name.startswith("auth_tokens/"):
            raise _Close(1008, "BidiGenerateContentConstrained needs an ephemeral auth token.")
        try:
            locked = self.state.auth_tokens.check(name, setup, new_session=new_session)
        except ApiError as exc:
            raise _Close(1008, exc.message) from None
        if locked:
            raise _Close(1008, "Setup fields locked by the ephemeral token: " + ", ".join(locked))
        token = self.state.auth_tokens.get(name)
        if token is None or token.setup is None:
            return setup
        merged = dict(token.setup)
        for key, value in setup.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        return merged

    def _validate(self, setup: dict[str, Any]) -> None:
        for key in setup:
            if key not in _SETUP_FIELDS:
                raise _Close(
                    1007,
                    f"Invalid JSON payload received. Unknown name \"{key}\" at 'setup': "
                    "Cannot find field.",
                )
        if "explicitVadSignal" in setup and not self.vertex:
            raise _Close(1007, "explicit_vad_signal is not supported by the Gemini API.")
        resumption = setup.get("sessionResumption")
        if isinstance(resumption, dict) and "transparent" in resumption and not self.vertex:
            raise _Close(1007, "session_resumption.transparent is not supported by the Gemini API.")
        model = str(setup.get("model") or "")
        if not model:
            raise _Close(1007, "setup.model is required.")
        if self.vertex:
            model = self._vertex_model(model)
        elif not model.startswith(("models/", "tunedModels/")):
            model = f"models/{model}"
        info = self.state.models.get(model)
        if info is None or "bidiGenerateContent" not in info.methods:
            raise _Close(
                1008,
                f"{model} is not found for API version {self._version}, or is not supported "
                "for bidiGenerateContent.",
            )
        self.model = info
        modalities = (setup.get("generationConfig") or {}).get("responseModalities") or ["AUDIO"]
        if len(modalities) != 1 or modalities[0] not in ("TEXT", "AUDIO"):
            raise _Close(
                1007,
                f"Unsupported response modalities {modalities}: use exactly one of TEXT, AUDIO.",
            )
        window = setup.get("contextWindowCompression")
        if window is not None and not isinstance(window, dict):
            raise _Close(1007, "contextWindowCompression must be an object.")

    def _vertex_model(self, model: str) -> str:
        """``models/{id}`` for a Vertex setup's ``[projects/{p}/locations/{l}/]publishers/
        google/models/{id}``, after the project check."""
        parts = model.split("/")
        if parts[0] == "projects" and len(parts) >= 4:
            allowed = self.state.settings.vertex_projects
            if allowed and parts[1] not in allowed:
                raise _Close(1008, f"Permission denied on resource project {parts[1]}.")
            parts = parts[4:]
        if len(parts) != 4 or parts[:3] != ["publishers", "google", "models"]:
            raise _Close(1008, f"Publisher Model `{model}` was not found.")
        return f"models/{parts[3]}"

    @property
    def _version(self) -> str:
        if self.vertex:
            return self.request.match_info["version"]
        return self.request.match_info["method"].partition(".")[0]

    @property
    def resumable(self) -> bool:
        return "sessionResumption" in self.setup

    @property
    def audio_out(self) -> bool:
        modalities = (self.setup.get("generationConfig") or {}).get("responseModalities")
        return not modalities or modalities[0] == "AUDIO"

    async def _lifetime(self, seconds: float) -> None:
        lead = min(self.store.settings.go_away_lead_seconds, seconds)
        await asyncio.sleep(seconds - lead)
        await self._go_away(lead, "The connection reached its maximum duration.")

    def go_away_soon(self, time_left: float) -> None:
        """Send ``goAway`` now and close after ``time_left`` seconds (the admin's forced one)."""
        self.timers.append(asyncio.ensure_future(self._go_away(time_left, "Going away.")))

    async def _go_away(self, time_left: float, reason: str) -> None:
        await self.send({"goAway": {"timeLeft": _duration(time_left)}})
        await asyncio.sleep(time_left)
        await self.close(1000, reason)

    async def _loop(self) -> None:
        while True:
            message = await self._receive_json()
            if message is None or self._closed():
                return
            if self.fault is None:
                self.fault = self.store.take_fault(setup=False)
                self.fault_base = self.index + 1
            await self._consume(message)
            fault = self.fault
            consumed = self.index + 1 - self.fault_base
            if fault is None:
                continue
            if fault.close_after is not None and consumed >= fault.close_after:
                raise _Close(fault.close_code, fault.close_reason)
            if fault.go_away_after is not None and consumed == fault.go_away_after:
                go_away = self._go_away(fault.go_away_time_left, "Going away.")
                self.timers.append(asyncio.ensure_future(go_away))

    # -- client messages ----------------------------------------------------------------------

    async def _consume(self, message: Any) -> None:
        if not isinstance(message, dict) or len(message) != 1:
            raise _Close(1007, "Each client message must have exactly one field.")
        ((key, body),) = message.items()
        session = self.session
        assert session is not None
        if not isinstance(body, dict):
            raise _Close(1007, f"Invalid value at '{key}'.")
        if key in ("clientContent", "client_content"):
            action = await self._client_content(body)
        elif key in ("realtimeInput", "realtime_input"):
            action = await self._realtime_input(body)
        elif key in ("toolResponse", "tool_response"):
            action = await self._tool_response(body)
        elif key in ("contextUpdate", "context_update"):
            action = self._context_update(body)
        else:
            raise _Close(1007, f'Invalid JSON payload received. Unknown name "{key}".')
        self.index += 1
        session.consumed.append(message)
        if action:
            await self._start_answer()
        elif self.answer is None and self.resumable:
            await self._update()

    def _context_update(self, body: dict[str, Any]) -> bool:
        """``systemInstruction`` and/or ``tools`` (``{"tools": [...]}``) replace the setup's for
        the answers that follow (kept by resumption handles)."""
        session = self.session
        assert session is not None
        instruction = _get(body, "systemInstruction", "system_instruction")
        wrapper = body.get("tools")
        if instruction is None and wrapper is None:
            raise _Close(1007, "contextUpdate needs systemInstruction or tools.")
        if instruction is not None:
            if not isinstance(instruction, dict) or not isinstance(instruction.get("parts"), list):
                raise _Close(1007, "contextUpdate.systemInstruction must be a Content.")
            session.context["systemInstruction"] = instruction
        if wrapper is not None:
            tools = wrapper.get("tools", []) if isinstance(wrapper, dict) else None
            if not isinstance(tools, list):
                raise _Close(1007, 'contextUpdate.tools must be {"tools": [...]}.')
            session.context["tools"] = tools
        return False

    async def _client_content(self, body: dict[str, Any]) -> bool:
        session = self.session
        assert session is not None
        turns = body.get("turns") or []
        if not isinstance(turns, list):
            raise _Close(1007, "clientContent.turns must be a list.")
        if turns:
            await self._interrupt()
        for turn in turns:
            if not isinstance(turn, dict) or not turn.get("parts"):
                raise _Close(1007, "clientContent.turns[] needs parts.")
            session.history.append({"role": turn.get("role") or "user", "parts": turn["parts"]})
        return bool(_get(body, "turnComplete", "turn_complete"))

    async def _realtime_input(self, body: dict[str, Any]) -> bool:
        session = self.session
        assert session is not None
        aad = (self.setup.get("realtimeInputConfig") or {}).get("automaticActivityDetection") or {}
        manual = bool(aad.get("disabled"))
        if "text" in body:
            await self._interrupt()
            session.history.append(
                {"role": "user", "parts": [*self._media(), {"text": body["text"]}]}
            )
            return True
        blobs = []
        if "audio" in body:
            blobs.append(body["audio"])
        if "video" in body:
            blobs.append(body["video"])
        chunks = _get(body, "mediaChunks", "media_chunks")
        if isinstance(chunks, list):
            blobs.extend(chunks)
        ended = False
        for blob in blobs:
            if not isinstance(blob, dict):
                raise _Close(1007, "Invalid realtime input blob.")
            mime = str(_get(blob, "mimeType", "mime_type") or "")
            try:
                text = str(blob.get("data") or "").translate(_TO_STANDARD)
                data = base64.b64decode(text + "=" * (-len(text) % 4))
            except ValueError:
                raise _Close(1007, "Realtime input data must be base64.") from None
            if mime.startswith("audio/"):
                if not mime.startswith(("audio/pcm", "audio/l16")):
                    raise _Close(1007, f"Unsupported audio MIME type {mime}: send audio/pcm.")
                if len(data) % 2:
                    raise _Close(1007, "PCM audio must be 16-bit samples.")
                data = _resample(data, _pcm_rate(mime))
                voiced = _voiced(data)
                if voiced and self.answer is not None and self._interrupts:
                    await self._interrupt()
                session.audio += data
                session.heard_voice = session.heard_voice or voiced
                if not manual and session.heard_voice:
                    ended = ended or _trailing_silence(session.audio) >= self._silence_samples
            elif mime.startswith("image/"):
                self.media_parts.append({"inlineData": {"mimeType": mime, "data": blob["data"]}})
            else:
                raise _Close(1007, f"Unsupported realtime input MIME type {mime!r}.")
        if _get(body, "activityStart", "activity_start") is not None:
            if not manual:
                raise _Close(
                    1007,
                    "activityStart needs realtimeInputConfig.automaticActivityDetection.disabled.",
                )
            if self._interrupts:
                await self._interrupt()
        if _get(body, "activityEnd", "activity_end") is not None:
            if not manual:
                raise _Close(
                    1007,
                    "activityEnd needs realtimeInputConfig.automaticActivityDetection.disabled.",
                )
            ended = True
        if _get(body, "audioStreamEnd", "audio_stream_end"):
            ended = True
        if ended and session.audio:
            seconds = len(session.audio) / 2 / _IN_RATE
            transcript = f"(spoken input, {seconds:.2f} s)"
            if "inputAudioTranscription" in self.setup:
                await self.send(
                    {
                        "serverContent": {
                            "inputTranscription": {"text": transcript, "finished": True}
                        }
                    }
                )
            session.history.append(
                {"role": "user", "parts": [*self._media(), {"text": transcript}]}
            )
            session.audio = b""
            session.heard_voice = False
            return True
        return False

    @property
    def _interrupts(self) -> bool:
        handling = (self.setup.get("realtimeInputConfig") or {}).get("activityHandling")
        return handling != "NO_INTERRUPTION"

    @property
    def _silence_samples(self) -> int:
        aad = (self.setup.get("realtimeInputConfig") or {}).get("automaticActivityDetection") or {}
        ms = aad.get("silenceDurationMs") or self.store.settings.silence_ms
        return int(ms) * _IN_RATE // 1000

    def _media(self) -> list[dict[str, Any]]:
        parts, self.media_parts = self.media_parts, []
        return parts

    async def _tool_response(self, body: dict[str, Any]) -> bool:
        session = self.session
        assert session is not None
        responses = _get(body, "functionResponses", "function_responses") or []
        if not isinstance(responses, list) or not responses:
            raise _Close(1007, "toolResponse.functionResponses is required.")
        parts = []
        for response in responses:
            call_id = response.get("id") if isinstance(response, dict) else None
            if not call_id:
                raise _Close(1007, "FunctionResponse.id is required (copy it from the toolCall).")
            if call_id not in session.pending_calls:
                raise _Close(1007, f"No pending function call has id {call_id!r}.")
            name = session.pending_calls.pop(call_id)
            parts.append(
                {
                    "functionResponse": {
                        "id": call_id,
                        "name": response.get("name") or name,
                        "response": response.get("response") or {},
                    }
                }
            )
        session.history.append({"role": "user", "parts": parts})
        return not session.pending_calls

    # -- answers ------------------------------------------------------------------------------

    async def _interrupt(self) -> None:
        session = self.session
        assert session is not None
        answer, self.answer = self.answer, None
        if answer is not None and not answer.done():
            answer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await answer
            await self.send({"serverContent": {"interrupted": True}})
        if session.pending_calls:
            ids = list(session.pending_calls)
            session.pending_calls.clear()
            await self.send({"toolCallCancellation": {"ids": ids}})

    async def _start_answer(self) -> None:
        await self._interrupt()
        self.answer = asyncio.ensure_future(self._answer())

    async def _update(self) -> None:
        session = self.session
        assert session is not None
        update: dict[str, Any] = {"newHandle": self.store.save(session), "resumable": True}
        if self.index >= 0 and self.store.settings.send_consumed_index:
            update["lastConsumedClientMessageIndex"] = self.index
        await self.send({"sessionResumptionUpdate": update})

    def _compress(self) -> None:
        session = self.session
        assert session is not None
        window = self.setup.get("contextWindowCompression")
        if not isinstance(window, dict):
            return
        sliding = _get(window, "slidingWindow", "sliding_window") or {}
        target = _get(sliding, "targetTokens", "target_tokens")
        trigger = _get(window, "triggerTokens", "trigger_tokens")
        total = count_contents(session.history)
        if trigger is None or total <= int(trigger):
            return
        keep = int(target) if target is not None else int(trigger) // 2
        while len(session.history) > 1 and count_contents(session.history) > keep:
            session.history.pop(0)

    async def _answer(self) -> None:
        session = self.session
        model = self.model
        assert session is not None
        assert model is not None
        self._compress()
        generation = dict(self.setup.get("generationConfig") or {})
        request: dict[str, Any] = {
            "contents": session.history,
            "generationConfig": {
                k: generation[k] for k in _GENERATION_KEYS_FOR_BRAIN if k in generation
            },
        }
        for key in ("tools", "toolConfig", "systemInstruction"):
            value = session.context.get(key, self.setup.get(key))
            if value:
                request[key] = value
        try:
            result = generate_content(request, model, seed=self.state.settings.seed)
        except ApiError as exc:
            await self.close(1007, exc.message)
            return
        prompt_tokens = result.prompt_tokens
        parts = result.candidates[0].parts
        calls = [p["functionCall"] for p in parts if "functionCall" in p]
        if calls:
            for number, call in enumerate(calls):
                call["id"] = f"call-{session.turns}-{number}-{len(session.history)}"
                session.pending_calls[call["id"]] = call["name"]
            session.history.append({"role": "model", "parts": [{"functionCall": c} for c in calls]})
            await self.send({"toolCall": {"functionCalls": calls}})
            await self._usage(prompt_tokens, 0, audio=False)
            self.answer = None
            if self.resumable:
                await self._update()
            return
        text = " ".join(p["text"] for p in parts if "text" in p and not p.get("thought"))
        users = [c for c in session.history if c.get("role", "user") == "user"]
        session.turns += 1
        first = next((p.get("text") for c in users for p in c["parts"] if p.get("text")), None)
        if session.turns > 1 and first:
            text += (
                f" This is turn {session.turns} of our conversation, "
                f'which began with "{_quote(first)}".'
            )
        said: list[str] = []
        try:
            if self.audio_out:
                await self._speak(text, said)
            else:
                await self._write(text, said)
        finally:
            if said:
                session.history.append({"role": "model", "parts": [{"text": "".join(said)}]})
        await self.send({"serverContent": {"generationComplete": True}})
        await self.send({"serverContent": {"turnComplete": True}})
        await self._usage(prompt_tokens, count_text(text), audio=self.audio_out)
        self.answer = None
        if self.resumable:
            await self._update()

    async def _write(self, text: str, said: list[str]) -> None:
        words = text.split(" ")
        size = self.store.settings.chunk_words
        for start in range(0, len(words), size):
            piece = " ".join(words[start : start + size])
            if start + size < len(words):
                piece += " "
            await self.send(
                {"serverContent": {"modelTurn": {"role": "model", "parts": [{"text": piece}]}}}
            )
            said.append(piece)
            await asyncio.sleep(self.store.settings.chunk_delay)

    async def _speak(self, text: str, said: list[str]) -> None:
        settings = self.store.settings
        words = text.split(" ")
        seconds = max(0.2, 0.05 * len(words))
        audio = pcm16(text, seconds=seconds, rate=_OUT_RATE)
        step = int(settings.audio_chunk_seconds * _OUT_RATE) * 2
        chunks = [audio[i : i + step] for i in range(0, len(audio), step)]
        per_chunk = max(1, -(-len(words) // len(chunks)))
        transcribe = "outputAudioTranscription" in self.setup
        for number, chunk in enumerate(chunks):
            piece = " ".join(words[number * per_chunk : (number + 1) * per_chunk])
            if piece and (number + 1) * per_chunk < len(words):
                piece += " "
            blob = {
                "mimeType": f"audio/pcm;rate={_OUT_RATE}",
                "data": base64.b64encode(chunk).decode(),
            }
            await self.send(
                {"serverContent": {"modelTurn": {"role": "model", "parts": [{"inlineData": blob}]}}}
            )
            if transcribe and piece:
                await self.send({"serverContent": {"outputTranscription": {"text": piece}}})
            said.append(piece)
            await asyncio.sleep(settings.chunk_delay)

    async def _usage(self, prompt: int, response: int, *, audio: bool) -> None:
        modality = "AUDIO" if audio else "TEXT"
        usage: dict[str, Any] = {
            "promptTokenCount": prompt,
            "responseTokenCount": response,
            "totalTokenCount": prompt + response,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}],
        }
        if response:
            usage["responseTokensDetails"] = [{"modality": modality, "tokenCount": response}]
        await self.send({"usageMetadata": usage})


def _samples(data: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(data) // 2}h", data)


def _resample(data: bytes, rate: int) -> bytes:
    """16-bit PCM at ``rate`` as 16 kHz (nearest sample; enough for activity detection)."""
    if rate == _IN_RATE or not data:
        return data
    samples = _samples(data)
    count = len(samples) * _IN_RATE // rate
    picked = [samples[i * rate // _IN_RATE] for i in range(count)]
    return struct.pack(f"<{len(picked)}h", *picked)


def _voiced(data: bytes) -> bool:
    return any(abs(s) > _VOICE_LEVEL for s in _samples(data))


def _trailing_silence(data: bytes) -> int:
    samples = _samples(data)
    quiet = 0
    for sample in reversed(samples):
        if abs(sample) > _VOICE_LEVEL:
            break
        quiet += 1
    return quiet
