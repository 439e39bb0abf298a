"""Live sessions' shared state: settings, scripted faults, resumption handles and the record of
what each session consumed.

One :class:`LiveStore` lives in the aiohttp application (``app[LIVE_KEY]``, ``emu.live``). A
session's :class:`SessionState` is what a resumption handle restores: the conversation, the
audio not yet answered, and the client messages consumed so far (in order). A handle names a
snapshot of that state, so a resumed session carries on from exactly what the handle covered;
``consumed(session_id)`` is the record of the latest state, which tests compare with what the
client sent (no message lost, none twice).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import msgspec

__all__ = ["LiveFault", "LiveSettings", "LiveStore", "SessionState"]

# Close codes a fault may use: 1006 drops the TCP connection without a close frame.
_FAULT_CODES = frozenset({1000, 1001, 1006, 1007, 1008, 1011, 1013})


class LiveSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How the emulated Live server paces and limits sessions.

    Attributes:
        max_connection_seconds: A connection is closed (1000) this long after setup; a
            ``goAway`` comes ``go_away_lead_seconds`` before.
        go_away_lead_seconds: The ``timeLeft`` of that ``goAway``.
        chunk_words: About how many words each text chunk of an answer carries.
        chunk_delay: Seconds between the chunks of an answer (0: as fast as possible). With a
            delay, new input can interrupt an answer midway.
        audio_chunk_seconds: Seconds of 24 kHz audio per answer chunk.
        handle_ttl: Seconds a resumption handle stays valid.
        silence_ms: Trailing silence (ms) that ends a spoken turn when automatic activity
            detection is on and the setup gives no ``silenceDurationMs``.
        send_consumed_index: Whether ``sessionResumptionUpdate`` carries
            ``lastConsumedClientMessageIndex`` (the Gemini API sends it only with transparent
            resumption; False emulates its absence).
        music_chunk_seconds: Seconds of music in each Live Music audio chunk.
        music_speed: How much faster than real time music chunks go out (1.0: real time).
    """

    max_connection_seconds: float = 600.0
    go_away_lead_seconds: float = 5.0
    chunk_words: int = 8
    chunk_delay: float = 0.0
    audio_chunk_seconds: float = 0.1
    handle_ttl: float = 7200.0
    silence_ms: int = 300
    send_consumed_index: bool = True
    music_chunk_seconds: float = 0.5
    music_speed: float = 1.0

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        if self.chunk_words < 1:
            raise ValueError("chunk_words must be >= 1")
        for name in ("audio_chunk_seconds", "music_chunk_seconds", "music_speed"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0")


class LiveFault(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A scripted fault for Live connections.

    A ``reject_setup`` fault is met by the next connection(s) to send a setup. Other faults
    are armed on the first connection to consume a client message after they were added (an
    open one or a later one), and count messages from there.

    Attributes:
        close_after: Close the connection once it has consumed this many client messages
            since the fault was armed, with ``close_code``.
        close_code: 1011 (or another code) sends a close frame with ``close_reason``; 1006
            drops the connection without one, as a network failure does.
        close_reason: The reason sent in the close frame.
        go_away_after: Send ``goAway`` once the connection has consumed this many client
            messages since the fault was armed, then close (1000) ``go_away_time_left``
            seconds later.
        go_away_time_left: Seconds between that ``goAway`` and the close.
        reject_setup: Refuse the setup: close with 1008 and this reason.
        times: How many connections the fault applies to.
    """

    close_after: int | None = None
    close_code: int = 1011
    close_reason: str = "Internal error encountered."
    go_away_after: int | None = None
    go_away_time_left: float = 1.0
    reject_setup: str | None = None
    times: int = 1

    def __post_init__(self) -> None:
        if self.close_code not in _FAULT_CODES:
            raise ValueError(f"close_code must be one of {sorted(_FAULT_CODES)}")
        for name in ("close_after", "go_away_after"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be >= 1")
        kinds = [self.close_after, self.go_away_after, self.reject_setup]
        if sum(k is not None for k in kinds) != 1:
            raise ValueError("give exactly one of close_after, go_away_after, reject_setup")
        if self.go_away_time_left < 0:
            raise ValueError("go_away_time_left must be >= 0")
        if self.times < 1:
            raise ValueError("times must be >= 1")
        if len(self.close_reason.encode()) > 123:
            raise ValueError("close_reason must fit a close frame (123 bytes)")


@dataclass
class SessionState:
    """What a resumption handle restores.

    Attributes:
        session_id: Stable across resumptions.
        history: The conversation (camelCase ``Content`` dicts, never mutated once added).
        consumed: Every client message consumed, in order (their JSON).
        audio: Spoken input received and not answered yet (16-bit PCM).
        heard_voice: Whether ``audio`` holds speech (for activity detection).
        pending_calls: Ids of tool calls awaiting a response.
        turns: User turns answered so far.
        context: ``systemInstruction`` and ``tools`` set by ``contextUpdate`` messages, in
            place of the setup's.
    """

    session_id: str
    history: list[dict[str, Any]] = field(default_factory=list)
    consumed: list[Any] = field(default_factory=list)
    audio: bytes = b""
    heard_voice: bool = False
    pending_calls: dict[str, str] = field(default_factory=dict)
    turns: int = 0
    context: dict[str, Any] = field(default_factory=dict)

    def snapshot(self) -> SessionState:
        """A copy that later changes to this state do not touch."""
        return SessionState(
            self.session_id,
            list(self.history),
            list(self.consumed),
            self.audio,
            self.heard_voice,
            dict(self.pending_calls),
            self.turns,
            dict(self.context),
        )


class LiveStore:
    """Every Live session's state, handles and faults (``emu.live``).

    ``setups`` lists the setup messages received (as sent), ``sessions`` the sessions by id,
    and :meth:`consumed` the client messages a session consumed.

    Args:
        clock: Monotonic seconds (handle expiry).
    """

    def __init__(self, clock: Any) -> None:
        self._clock = clock
        self.settings = LiveSettings()
        self.faults: list[LiveFault] = []
        self._handles: dict[str, tuple[SessionState, float]] = {}
        self.sessions: dict[str, SessionState] = {}
        self.setups: list[dict[str, Any]] = []  # every setup message received, as sent
        self.connections = 0
        self.open_connections = 0
        # Live connections past their setup, by number (1 = the first connection served).
        self.live: dict[int, Any] = {}
        # ("setup" | "closed", connection number), in order: shows a client's rotations.
        self.timeline: list[tuple[str, int]] = []

    # -- faults ------------------------------------------------------------------------------

    def add_fault(self, fault: LiveFault) -> None:
        """Apply ``fault`` to the next ``fault.times`` connections (after earlier faults)."""
        self.faults.append(fault)

    def take_fault(self, *, setup: bool) -> LiveFault | None:
        """The first setup fault (``setup=True``) or message fault waiting, if any (one of its
        ``times`` is used)."""
        for index, fault in enumerate(self.faults):
            if (fault.reject_setup is not None) != setup:
                continue
            if fault.times <= 1:
                del self.faults[index]
            else:
                self.faults[index] = msgspec.structs.replace(fault, times=fault.times - 1)
            return fault
        return None

    def go_away_all(self, time_left: float) -> list[int]:
        """Send ``goAway`` with ``time_left`` seconds to every set-up Live connection (each
        then closes after ``time_left``); returns their numbers. Call it on the emulator's
        event loop (the admin endpoint ``POST /_emulator/live/goAway`` does).

        Raises:
            ValueError: ``time_left`` is negative.
        """
        if time_left < 0:
            raise ValueError("time_left must be >= 0")
        for connection in self.live.values():
            connection.go_away_soon(time_left)
        return sorted(self.live)

    def clear(self) -> None:
        """Remove every scripted fault and restore the default settings."""
        self.faults.clear()
        self.settings = LiveSettings()

    # -- sessions and handles ----------------------------------------------------------------

    def new_session(self) -> SessionState:
        """A fresh session state, registered under a new id."""
        state = SessionState(session_id=f"live-{secrets.token_hex(8)}")
        self.sessions[state.session_id] = state
        return state

    def save(self, state: SessionState) -> str:
        """A new handle for a snapshot of ``state``."""
        handle = f"emu-handle-{secrets.token_urlsafe(18)}"
        self._handles[handle] = (state.snapshot(), self._clock() + self.settings.handle_ttl)
        return handle

    def resume(self, handle: str) -> SessionState | None:
        """A live copy of the state ``handle`` names (None: unknown or expired)."""
        found = self._handles.get(handle)
        if found is None or self._clock() >= found[1]:
            return None
        state = found[0].snapshot()
        self.sessions[state.session_id] = state
        return state

    def consumed(self, session_id: str) -> list[Any]:
        """The client messages the session's latest state consumed, in order.

        Raises:
            KeyError: Unknown session id.
        """
        return list(self.sessions[session_id].consumed)

    def snapshot(self) -> dict[str, Any]:
        """Settings, faults and session counts as JSON-ready data (the admin endpoint)."""
        return {
            "settings": msgspec.to_builtins(self.settings),
            "faults": [msgspec.to_builtins(f) for f in self.faults],
            "connections": self.connections,
            "openConnections": self.open_connections,
            "liveConnections": sorted(self.live),
            "sessions": sorted(self.sessions),
        }
