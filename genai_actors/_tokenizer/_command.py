"""``genai-actors tokens``: count tokens offline from the command line.

    genai-actors tokens count FILE [--model M] [--model-file PATH] [--cache-dir DIR]

prints the number of tokens of FILE's text (``-`` reads standard input) as
:class:`~genai_actors.LocalTokenizer` counts it for model M (``gemini-2.5-flash``). Exit status:
0 on success, 1 when the file or the model cannot be read (one line on stderr says why), 2 for a
usage error.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["DEFAULT_MODEL", "add_arguments", "run"]

DEFAULT_MODEL = "gemini-2.5-flash"


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds > 0, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``tokens`` sub-commands to ``parser``."""
    commands = parser.add_subparsers(dest="tokens_command", metavar="COMMAND", required=True)
    count = commands.add_parser(
        "count",
        help="print the number of tokens of a text file",
        description="Print the number of tokens of a text file, counted offline with the "
        "model's open tokenizer (the Gemma 3 model is fetched once and cached).",
    )
    count.add_argument("file", metavar="FILE", help="a UTF-8 text file, or - for stdin")
    count.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        metavar="M",
        help=f"the Gemini model whose tokenizer counts ({DEFAULT_MODEL})",
    )
    count.add_argument(
        "--model-file",
        metavar="PATH",
        default=None,
        help="a local tokenizer model (SentencePiece .model or tokenizer.json) to use instead",
    )
    count.add_argument(
        "--cache-dir",
        metavar="DIR",
        default=None,
        help="where the downloaded model is cached (default: $GENAI_ACTORS_CACHE_DIR, else "
        "the per-user cache directory)",
    )
    count.add_argument(
        "--download-url",
        metavar="URL",
        default=None,
        help="a mirror of the pinned model file (its sha256 is still checked)",
    )
    count.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        default=60.0,
        help="seconds the one-time model download may take (60)",
    )
    count.set_defaults(command_parser=count)


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``tokens`` command; returns the exit status (0, or 1 after a message)."""
    from ._local import LocalTokenizer

    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as handle:
                text = handle.read()
        tokenizer = LocalTokenizer(
            args.model,
            model_path=args.model_file,
            cache_dir=args.cache_dir,
            timeout=args.timeout,
            download_url=args.download_url,
        )
        total = tokenizer.count_tokens(text).total_tokens
    except (OSError, ValueError, ImportError) as exc:
        print(f"genai-actors tokens count: {exc}", file=sys.stderr)
        return 1
    print(total)
    return 0
