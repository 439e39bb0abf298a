"""The ``genai-actors`` command, also run as ``python -m genai_actors``.

    genai-actors emulator [--host H] [--port P] [--api-key K] [options]
    genai-actors tokens count FILE [--model M] [--model-file PATH]
    genai-actors --version

Usage errors (an unknown command, a bad flag value) exit with status 2 after argparse's usage
message; ``--help`` and ``--version`` exit 0.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__
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
    return parser


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
    from ._transport._loop import owned_loops

    with owned_loops():  # uvloop when installed
        return run_emulator(args)
