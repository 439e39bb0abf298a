"""Where the ``genai-actors`` sub-commands send requests: the real API or an embedded emulator.

With an API key in the environment (``GOOGLE_API_KEY`` or ``GEMINI_API_KEY``, as
:class:`~genai_actors.AsyncClient` reads them) a command talks to the real Gemini API. Without
one it starts an :class:`~genai_actors.emulator.Emulator` in-process, on a free loopback port
of the running event loop, points the client at it, and says so in one line on stderr::

    async with open_backend("genai-actors fanout") as backend:
        await backend.client.models.generate_content(model=..., contents=...)
        if backend.embedded:
            backend.emulator.faults.configure(...)  # the demo injects faults this way
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ._client import AsyncClient
    from .emulator import Emulator

__all__ = ["EMULATOR_API_KEY", "Backend", "has_api_key", "open_backend"]

# The key the client sends to the embedded emulator (which accepts any non-empty key).
EMULATOR_API_KEY = "embedded-emulator"


def has_api_key(environ: Mapping[str, str] | None = None) -> bool:
    """True when the environment holds an API key (``GOOGLE_API_KEY`` or ``GEMINI_API_KEY``)."""
    env = os.environ if environ is None else environ
    return bool(
        (env.get("GOOGLE_API_KEY") or "").strip() or (env.get("GEMINI_API_KEY") or "").strip()
    )


@dataclass(frozen=True, slots=True)
class Backend:
    """The client a command uses, and the embedded emulator behind it (``None``: the real API)."""

    client: AsyncClient
    emulator: Emulator | None

    @property
    def embedded(self) -> bool:
        """True when the client talks to the embedded emulator."""
        return self.emulator is not None


@contextlib.asynccontextmanager
async def open_backend(
    command: str,
    *,
    emulator_options: Mapping[str, Any] | None = None,
    client_options: Mapping[str, Any] | None = None,
    announce: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> AsyncIterator[Backend]:
    """Opens the client a command runs with; closes it (and the emulator) on exit.

    Args:
        command: How the one-line notice names the command (``"genai-actors fanout"``).
        emulator_options: Keyword arguments of :class:`~genai_actors.emulator.Emulator`, for
            the embedded emulator only (``faults=``, ``seed=``, ...).
        client_options: More keyword arguments of :class:`~genai_actors.AsyncClient`
            (``http_options``, ``transport``, ``watch``, ...); for the embedded emulator its
            ``http_options`` get the emulator's ``base_url``.
        announce: Where the notice goes (stderr when ``None``).
        environ: The environment to read the key from (``os.environ`` when ``None``).

    Raises:
        InvalidOptionError: A bad client option (a ``ValueError``).
        OSError: The embedded emulator could not bind a loopback port.

    Cancellation: the client and the emulator are closed before the cancellation propagates.
    """
    from ._client import AsyncClient

    options = dict(client_options or {})
    if has_api_key(environ):
        async with AsyncClient(**options) as client:
            yield Backend(client, None)
        return
    from .emulator import Emulator

    emulator = Emulator(**dict(emulator_options or {}))
    url = await emulator.start()
    try:
        http_options = options.pop("http_options", None)
        if http_options is None:
            http_options = {}
        elif not isinstance(http_options, Mapping):
            http_options = {
                k: v for k, v in msgspec_builtins(http_options).items() if v is not None
            }
        http_options = {**http_options, "base_url": url}
        print(
            f"{command}: GEMINI_API_KEY is not set: using an embedded emulator at {url} "
            "(offline; answers are synthetic)",
            file=announce if announce is not None else sys.stderr,
            flush=True,
        )
        async with AsyncClient(
            api_key=EMULATOR_API_KEY, http_options=http_options, **options
        ) as client:
            yield Backend(client, emulator)
    finally:
        await emulator.aclose()


def msgspec_builtins(value: object) -> dict[str, Any]:
    """The fields of an ``HttpOptions`` struct as a dict (its snake_case names)."""
    import msgspec

    fields = msgspec.structs.fields(value)  # type: ignore[arg-type]
    return {f.name: getattr(value, f.name) for f in fields}
