"""``genai-actors live``: a text Live session in the terminal.

    genai-actors live [--model M] [--system TEXT]

Each line is sent as a turn of one Live session (``client.live.connect``, text answers,
session resumption on) and the answer is printed as it streams. When the server sends
``goAway`` or the connection drops, the session reconnects by itself and one line on stderr
says so. ``/quit`` or Ctrl-D ends with status 0, Ctrl-C with 130; a model that cannot serve
Live ends the command with status 1 and the server's reason.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import model_name, run_main

__all__ = ["DEFAULT_MODEL", "add_arguments", "run"]

DEFAULT_MODEL = "gemini-2.0-flash-live-001"
_COMMAND = "genai-actors live"
_NOTES = {
    "go_away": "the server asked to reconnect (goAway)",
    "disconnected": "the connection dropped",
    "resumed": "session resumed on a new connection",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``live`` flags to ``parser``."""
    parser.add_argument(
        "--model", type=model_name, default=DEFAULT_MODEL, help=f"a Live model ({DEFAULT_MODEL})"
    )
    parser.add_argument("--system", metavar="TEXT", default=None, help="a system instruction")
    parser.set_defaults(command_parser=parser)


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``live`` command; returns the exit status."""
    return run_main(_COMMAND, lambda: _live(args))


async def _live(args: argparse.Namespace) -> int:
    from .._cli_backend import open_backend
    from ._terminal import LineReader, converse

    out = sys.stdout
    config: dict[str, Any] = {"response_modalities": ["TEXT"], "session_resumption": {}}
    if args.system:
        config["system_instruction"] = args.system
    async with (
        open_backend(_COMMAND) as backend,
        backend.client.live.connect(model=args.model, config=config) as session,
    ):
        seen = 0

        async def answer(text: str) -> None:
            nonlocal seen
            await session.send_client_content(turns=text)
            wrote = ""
            async for message in session.receive():
                piece = message.text or ""
                if piece:
                    out.write(piece)
                    out.flush()
                    wrote = piece
            if wrote and not wrote.endswith("\n"):
                out.write("\n")
            events = session.events
            for event in events[seen:]:
                note = _NOTES.get(event.kind)
                if note is not None:
                    print(f"{_COMMAND}: {note}", file=sys.stderr, flush=True)
            seen = len(events)

        def events() -> str:
            kinds = [event.kind for event in session.events]
            return f"connection events: {', '.join(kinds) if kinds else 'none'}"

        await converse(
            answer,
            reader=LineReader(),
            out=out,
            commands={"/events": ("list the reconnections so far", events)},
        )
    return 0
