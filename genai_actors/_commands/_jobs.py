"""``genai-actors jobs watch NAME``: follow a batch, a tuning or an operation to its end.

    genai-actors jobs watch NAME [--timeout SECONDS] [--poll SECONDS]

NAME is ``batches/ID``, ``tunedModels/ID`` or an operation name (``.../operations/ID``); on
Vertex AI ``.../batchPredictionJobs/ID`` or ``.../tuningJobs/ID``. A
progress line (``rich``) follows the job through the client's supervised watchers, and one
closing line says how it ended. Exit status: 0 when the job succeeded, 1 when it failed, is
unknown or is still running after ``--timeout`` seconds (it goes on server-side), 2 for a
usage error (a NAME of another form included). Polls start ``--poll`` seconds apart (1) and
space out by half again each time, up to 30 s, on the client's shared poll schedule.
"""

from __future__ import annotations

import argparse
import math
import sys

from ._common import EXIT_FAILED, job_kind, run_main

__all__ = ["add_arguments", "run"]

_COMMAND = "genai-actors jobs watch"


def _job_name(text: str) -> str:
    try:
        job_kind(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("not a job name: ")) from None
    return text


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds > 0, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``jobs`` sub-commands to ``parser``."""
    commands = parser.add_subparsers(dest="jobs_command", metavar="COMMAND", required=True)
    watch = commands.add_parser(
        "watch",
        help="follow a batch, tuning or operation to its end, with progress",
        description="Follow a batch (batches/ID), a tuning job (tunedModels/ID) or an operation "
        "(.../operations/ID) to its end, showing its progress.",
    )
    watch.add_argument("name", metavar="NAME", type=_job_name, help="the job's name")
    watch.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        default=None,
        help="give up after this many seconds (default: wait as long as it takes)",
    )
    watch.add_argument(
        "--poll",
        type=_seconds,
        metavar="SECONDS",
        default=1.0,
        help="seconds between the first polls; they space out to 30 s (1)",
    )
    watch.set_defaults(command_parser=watch)


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``jobs`` command; returns the exit status."""
    return run_main(_COMMAND, lambda: _watch(args))


async def _watch(args: argparse.Namespace) -> int:
    import asyncio

    from rich.console import Console

    from supervisors import Backoff

    from .._cli_backend import open_backend
    from .._watch import WatchConfig
    from ..errors import NotFoundError
    from ._progress import watch_job

    console = Console(stderr=True)
    schedule = Backoff(args.poll, max(30.0, args.poll), multiplier=1.5, jitter=0.2)
    options = {"watch": WatchConfig(backoff=schedule)}
    async with open_backend(_COMMAND, client_options=options) as backend:
        try:
            async with asyncio.timeout(args.timeout):
                outcome = await watch_job(backend.client, args.name, console=console)
        except NotFoundError:
            hint = (
                " (the embedded emulator starts empty: set GEMINI_API_KEY to watch your jobs)"
                if backend.embedded
                else ""
            )
            print(f"{_COMMAND}: no such job: {args.name}{hint}", file=sys.stderr)
            return EXIT_FAILED
        except TimeoutError:
            print(
                f"{_COMMAND}: {args.name} is still running after {args.timeout:g} s "
                "(it goes on; watch it again later)",
                file=sys.stderr,
            )
            return EXIT_FAILED
    print(f"{outcome.name}: {outcome.state} ({outcome.detail})")
    return 0 if outcome.ok else EXIT_FAILED
