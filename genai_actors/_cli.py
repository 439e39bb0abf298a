"""The ``genai-actors`` command: ``genai-actors emulator --host H --port P [--api-key K]``."""

from __future__ import annotations

import sys

__all__ = ["main"]

_USAGE = "usage: genai-actors emulator [--host H] [--port P] [--api-key K] [options]"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(_USAGE)
        print("\ncommands:\n  emulator    serve an offline, emulated Gemini API until interrupted")
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "emulator":
        from genai_actors.emulator.__main__ import main as emulator_main

        return emulator_main(rest, prog="genai-actors emulator")
    print(f"genai-actors: unknown command {command!r}\n{_USAGE}", file=sys.stderr)
    return 2
