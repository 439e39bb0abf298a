"""What the sub-commands share: the loop they run on, one-line errors, exit statuses.

Exit statuses: 0 success, 1 a failure reported in one line on stderr (an API error, a missing
file, a job that failed), 2 a usage error (argparse's), 130 interrupted (Ctrl-C). No traceback
reaches the terminal for any of them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "describe",
    "job_kind",
    "model_name",
    "read_text_argument",
    "run_main",
]

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def model_name(text: str) -> str:
    """An argparse type: a model id or ``models/...``/``tunedModels/...`` name, no spaces."""
    if not text or text != text.strip() or any(c.isspace() for c in text):
        raise argparse.ArgumentTypeError(f"expected a model name, got {text!r}")
    return text


def describe(exc: BaseException) -> str:
    """One line saying what went wrong, without a traceback (line breaks become spaces)."""
    from ..errors import APIError, SessionClosed

    if isinstance(exc, SessionClosed):
        text = f"the session closed ({exc.code}): {exc.reason or 'no reason given'}"
    elif isinstance(exc, APIError):
        head = " ".join(p for p in (str(exc.code or ""), exc.status or "") if p)
        message = exc.message or ""
        text = f"{head}: {message}" if head and message else head or message
    elif isinstance(exc, OSError) and exc.filename is not None:
        text = f"{exc.strerror or exc}: {exc.filename}"
    else:
        text = str(exc)
    return " ".join(text.split()) or type(exc).__name__


def read_text_argument(value: str) -> str:
    """``value`` itself, or standard input's text when it is ``-``.

    Raises:
        OSError: Standard input cannot be read.
    """
    return sys.stdin.read() if value == "-" else value


def run_main(command: str, main: Callable[[], Awaitable[int]]) -> int:
    """Runs ``main()`` on the library's event loop and returns its exit status.

    A :class:`~genai_actors.errors.GenAIError`, a ``ValueError`` or an ``OSError`` escaping it
    is printed as one line on stderr (status 1); Ctrl-C cancels it, lets its ``async with``
    blocks close the client, and returns 130.
    """
    import asyncio

    from .._transport._loop import loop_factory
    from ..errors import GenAIError

    reported = (GenAIError, ValueError, OSError)
    try:
        factory = loop_factory()
    except (ValueError, ImportError) as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        with asyncio.Runner(loop_factory=factory) as runner:
            return runner.run(_guarded(main, reported))
    except KeyboardInterrupt:
        print(f"\n{command}: interrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    except reported as exc:
        print(f"{command}: {describe(exc)}", file=sys.stderr, flush=True)
        return EXIT_FAILED


async def _guarded(
    main: Callable[[], Awaitable[int]], reported: tuple[type[BaseException], ...]
) -> int:
    try:
        return await main()
    except BaseExceptionGroup as group:  # from a task group: report its one reportable error
        leaf = _first_leaf(group)
        if isinstance(leaf, reported):
            raise leaf from None
        raise


def _first_leaf(group: BaseExceptionGroup[BaseException]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first


def job_kind(name: str) -> str:
    """``"batch"``, ``"tuning"`` or ``"operation"``, by the form of ``name``.

    ``batches/ID`` and ``tunedModels/ID`` (Gemini Developer API), ``.../batchPredictionJobs/ID``
    and ``.../tuningJobs/ID`` (Vertex AI), and any name with an ``operations/`` segment.

    Raises:
        ValueError: ``name`` has none of those forms.
    """
    parts = name.split("/")
    if len(parts) >= 2 and all(parts):
        if "operations" in parts[:-1]:
            return "operation"
        if (len(parts) == 2 and parts[0] == "batches") or parts[-2] == "batchPredictionJobs":
            return "batch"
        if (len(parts) == 2 and parts[0] == "tunedModels") or parts[-2] == "tuningJobs":
            return "tuning"
    raise ValueError(
        f"not a job name: {name!r} (expected batches/ID, tunedModels/ID or .../operations/ID)"
    )
