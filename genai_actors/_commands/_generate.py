"""``genai-actors generate``: one prompt, one answer on standard output.

    genai-actors generate PROMPT [--model M] [--stream] [--system TEXT]

PROMPT ``-`` reads the prompt from standard input. ``--stream`` prints the answer as it
arrives. Exit status: 0 with an answer, 1 when the API refuses (one line on stderr says why:
an unknown model, a blocked prompt, ...) or the answer holds no text, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import EXIT_FAILED, model_name, read_text_argument, run_main

__all__ = ["DEFAULT_MODEL", "add_arguments", "run"]

DEFAULT_MODEL = "gemini-2.5-flash"
_COMMAND = "genai-actors generate"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``generate`` flags to ``parser``."""
    parser.add_argument("prompt", metavar="PROMPT", help="the prompt, or - to read stdin")
    parser.add_argument(
        "--model", type=model_name, default=DEFAULT_MODEL, help=f"the model ({DEFAULT_MODEL})"
    )
    parser.add_argument("--stream", action="store_true", help="print the answer as it arrives")
    parser.add_argument("--system", metavar="TEXT", default=None, help="a system instruction")
    parser.set_defaults(command_parser=parser)


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``generate`` command; returns the exit status."""
    return run_main(_COMMAND, lambda: _generate(args))


async def _generate(args: argparse.Namespace) -> int:
    from .._cli_backend import open_backend

    prompt = read_text_argument(args.prompt)
    if not prompt.strip():
        print(f"{_COMMAND}: the prompt is empty", file=sys.stderr)
        return EXIT_FAILED
    config: dict[str, Any] = {}
    if args.system:
        config["system_instruction"] = args.system
    out = sys.stdout
    async with open_backend(_COMMAND) as backend:
        models = backend.client.models
        if not args.stream:
            response = await models.generate_content(
                model=args.model, contents=prompt, config=config or None
            )
            text = response.text
            if not text:
                return _no_text(response)
            out.write(text if text.endswith("\n") else text + "\n")
            return 0
        wrote = ""
        last: Any = None
        async with models.generate_content_stream(
            model=args.model, contents=prompt, config=config or None
        ) as stream:
            async for chunk in stream:
                last = chunk
                piece = chunk.text or ""
                if piece:
                    out.write(piece)
                    out.flush()
                    wrote = piece
        if not wrote:
            return _no_text(last)
        if not wrote.endswith("\n"):
            out.write("\n")
        return 0


def _no_text(response: Any) -> int:
    reason = "none"
    candidates = getattr(response, "candidates", None) or []
    feedback = getattr(response, "prompt_feedback", None)
    if candidates and candidates[0].finish_reason is not None:
        reason = str(candidates[0].finish_reason)
    elif feedback is not None and feedback.block_reason is not None:
        reason = f"prompt blocked: {feedback.block_reason}"
    print(f"{_COMMAND}: the answer holds no text (finish reason: {reason})", file=sys.stderr)
    return EXIT_FAILED
