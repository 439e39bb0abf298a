"""``genai-actors chat``: an interactive conversation in the terminal.

    genai-actors chat [--model M] [--system TEXT]

Each message is a turn of one :meth:`client.chats <genai_actors.AsyncClient.chats>` chat, so
the history is kept by the chat's actor and every answer streams as it arrives. ``/history``
counts the turns so far, ``/quit`` or Ctrl-D ends with status 0, Ctrl-C ends with 130 (the
client closed first). An error on one turn (a rate limit, a lost connection, after the client's
retries) is printed and the chat goes on; an unknown model ends it before the first prompt
with status 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import EXIT_FAILED, describe, model_name, run_main

__all__ = ["DEFAULT_MODEL", "add_arguments", "run"]

DEFAULT_MODEL = "gemini-2.5-flash"
_COMMAND = "genai-actors chat"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``chat`` flags to ``parser``."""
    parser.add_argument(
        "--model", type=model_name, default=DEFAULT_MODEL, help=f"the model ({DEFAULT_MODEL})"
    )
    parser.add_argument("--system", metavar="TEXT", default=None, help="a system instruction")
    parser.set_defaults(command_parser=parser)


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``chat`` command; returns the exit status."""
    return run_main(_COMMAND, lambda: _chat(args))


async def _chat(args: argparse.Namespace) -> int:
    from .._cli_backend import open_backend
    from ..errors import GenAIError, NotFoundError
    from ._terminal import LineReader, converse

    out = sys.stdout
    config: dict[str, Any] | None = {"system_instruction": args.system} if args.system else None
    async with open_backend(_COMMAND) as backend:
        client = backend.client
        try:
            await client.models.get(model=args.model)
        except NotFoundError:
            print(f"{_COMMAND}: unknown model {args.model!r}", file=sys.stderr)
            return EXIT_FAILED
        chat = client.chats.create(model=args.model, config=config)

        async def answer(text: str) -> None:
            wrote = ""
            try:
                async with chat.send_message_stream(text) as stream:
                    async for chunk in stream:
                        piece = chunk.text or ""
                        if piece:
                            out.write(piece)
                            out.flush()
                            wrote = piece
            except GenAIError as exc:  # this turn failed (after its retries); the chat goes on
                if wrote:
                    out.write("\n")
                print(f"{_COMMAND}: {describe(exc)}", file=sys.stderr, flush=True)
                return
            out.write("\n" if wrote and not wrote.endswith("\n") else "")

        def history() -> str:
            turns = chat.get_history()
            exchanges = len(turns) // 2
            return (
                f"{len(turns)} turns in the history "
                f"({exchanges} exchange{'' if exchanges == 1 else 's'})"
            )

        await converse(
            answer,
            reader=LineReader(),
            out=out,
            commands={"/history": ("count the turns so far", history)},
        )
    return 0
