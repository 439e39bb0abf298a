"""The ``genai-actors`` command, also run as ``python -m genai_actors``.

    genai-actors emulator [--host H] [--port P] [--api-key K] [options]
    genai-actors generate PROMPT [--model M] [--stream] [--system TEXT]
    genai-actors chat [--model M] [--system TEXT]
    genai-actors live [--model M] [--system TEXT]
    genai-actors jobs watch NAME [--timeout SECONDS]
    genai-actors tokens count FILE [--model M] [--model-file PATH]
    genai-actors fanout IN.jsonl --out OUT.jsonl [--model M] [--concurrency N] [--rpm R] ...
    genai-actors --version

``generate``, ``chat``, ``live`` and ``jobs`` talk to the real API when ``GEMINI_API_KEY`` (or
``GOOGLE_API_KEY``) is set, else to an emulator started in-process (one stderr line says so).

Usage errors (an unknown command, a bad flag value) exit with status 2 after argparse's usage
message; ``--help`` and ``--version`` exit 0.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__
from ._commands import _chat, _generate, _jobs, _live
from ._fanout import _command as fanout_command
from ._tokenizer import _command as tokens_command
from .emulator.__main__ import add_arguments, exit_status, run as run_emulator

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The ``genai-actors`` parser, with one sub-command per tool."""
    parser = argparse.ArgumentParser(
        prog="genai-actors", description="Command-line tools that come with genai-actors."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    emulator = commands.add_parser(
        "emulator",
        help="serve an offline, emulated Gemini API until interrupted",
        description="Serve an offline, emulated Gemini Developer API until interrupted "
        "(SIGINT or SIGTERM).",
    )
    add_arguments(emulator)
    # Flags the sub-command does not know are reported with its usage, not the top-level one.
    emulator.set_defaults(command_parser=emulator)
    tokens = commands.add_parser(
        "tokens",
        help="count tokens offline with a Gemini model's open tokenizer",
        description="Count tokens offline, as genai_actors.LocalTokenizer does.",
    )
    tokens_command.add_arguments(tokens)
    fanout = commands.add_parser(
        "fanout",
        help="answer every request of a Batch API JSONL file, with a progress bar",
        description="Send every request of a Batch API input file (online or through the "
        "Batch API) and write the results as Batch API result lines.",
    )
    fanout_command.add_arguments(fanout)
    for name, module, help_text in _COMMANDS:
        module.add_arguments(commands.add_parser(name, help=help_text, description=help_text))
    return parser


# The sub-commands built in genai_actors/_commands: (name, module, help).
_COMMANDS = (
    ("generate", _generate, "answer one prompt (--stream prints it as it arrives)"),
    ("chat", _chat, "chat interactively in the terminal (history kept by the chat's actor)"),
    ("live", _live, "a text Live session in the terminal (reconnects on goAway)"),
    ("jobs", _jobs, "follow batches, tuning jobs and operations with progress"),
)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
        if unknown:
            args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as exc:  # --help, --version, usage errors: argparse has printed them
        return exit_status(exc)
    if args.command == "tokens":
        return tokens_command.run(args)
    if args.command == "fanout":
        return fanout_command.run(args)
    for name, module, _ in _COMMANDS:
        if args.command == name:
            status: int = module.run(args)
            return status
    from ._transport._loop import owned_loops

    with owned_loops():  # uvloop when installed
        return run_emulator(args)
