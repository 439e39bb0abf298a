"""``genai-actors fanout``: answer every line of a Batch API input file.

    genai-actors fanout IN.jsonl --out OUT.jsonl [--model M] [--concurrency N] [--rpm R]
                        [--via online|batch|auto] [--resume]

Input lines are the Batch API's ``{"key": ..., "request": {GenerateContentRequest}}``; output
lines its results, ``{"key": ..., "response": {...}}`` or ``{"key": ..., "error": {...}}``, in
completion order, so one file serves both paths. The whole input is checked first (every line
JSON with a ``request`` object, keys unique): a bad line is named by its number and nothing is
sent. Results go to ``OUT.jsonl.partial`` (with its checkpoint state beside it) and the finished
file is renamed to ``OUT.jsonl`` at the end, so ``OUT.jsonl`` is never half-written; after an
interruption, ``--resume`` continues where the partial file stopped (inputs answered are not
sent again). A live progress bar (done, failed, retries, rate, ETA) runs on stderr and a summary
table closes the run.

Exit status: 0 when every input was answered successfully, 1 when some inputs failed (their
error lines are in the output) or the run could not start (a message says why), 2 for a usage
error, 130 when interrupted (the partial file is kept for ``--resume``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._online import Stats

__all__ = ["DEFAULT_MODEL", "add_arguments", "run"]

DEFAULT_MODEL = "gemini-2.5-flash"
COMMAND = "genai-actors fanout"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {text!r}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of requests per minute, got {text!r}"
        ) from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite rate > 0, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``fanout`` arguments to ``parser``."""
    parser.add_argument("input", metavar="IN.jsonl", help="Batch API input lines")
    parser.add_argument(
        "--out", required=True, metavar="OUT.jsonl", help="where the result lines go"
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        metavar="M",
        help=f"the model for lines that name none ({DEFAULT_MODEL})",
    )
    parser.add_argument(
        "--concurrency", type=_positive_int, default=64, metavar="N", help="requests at once (64)"
    )
    parser.add_argument(
        "--rpm", type=_rate, default=None, metavar="R", help="at most R requests per minute"
    )
    parser.add_argument(
        "--via",
        choices=("online", "batch", "auto"),
        default="online",
        help="online requests, the Batch API, or auto (the Batch API from 50,000 lines)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run from OUT.jsonl.partial",
    )
    parser.set_defaults(command_parser=parser)


class _BadInput(Exception):
    pass


def _check_input(path: Path) -> int:
    """Reads the whole input once: every line valid, keys unique. Returns the line count.

    Raises:
        _BadInput: The file cannot be read, or a line is bad (named by its number).
    """
    from ..errors import InvalidRequestError
    from ._items import parse_line

    keys: set[str] = set()
    count = 0
    try:
        with open(path, "rb") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    data = parse_line(line, number)
                except InvalidRequestError as exc:
                    raise _BadInput(f"{path}: {exc}") from None
                key = str(data.get("key", number - 1))
                if key in keys:
                    raise _BadInput(f"{path}: line {number}: the key {key!r} is used twice")
                keys.add(key)
                count += 1
    except OSError as exc:
        raise _BadInput(f"cannot read {path}: {exc.strerror or exc}") from None
    if count == 0:
        raise _BadInput(f"{path}: no requests in the file")
    return count


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    from ._items import parse_line

    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                data = parse_line(line, number)
                if "key" not in data:
                    data["key"] = str(number - 1)
                yield data


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``fanout`` command; returns the exit status."""
    from .._transport._loop import new_event_loop

    source = Path(args.input)
    out = Path(args.out)
    partial = Path(f"{out}.partial")
    try:
        total = _check_input(source)
        if partial.exists() and not args.resume:
            raise _BadInput(
                f"{partial} holds an interrupted run: pass --resume to continue it, "
                "or delete it to start again"
            )
        if out.parent and not out.parent.exists():
            raise _BadInput(f"cannot write {out}: the folder {out.parent} does not exist")
    except _BadInput as exc:
        print(f"{COMMAND}: {exc}", file=sys.stderr)
        return 1
    loop = new_event_loop()
    try:
        return loop.run_until_complete(_main(args, source, out, partial, total))
    except KeyboardInterrupt:
        print(
            f"{COMMAND}: interrupted; {partial} is kept: run again with --resume to continue",
            file=sys.stderr,
        )
        return 130
    finally:
        loop.close()


async def _main(
    args: argparse.Namespace, source: Path, out: Path, partial: Path, total: int
) -> int:
    from rich.console import Console

    from .._cli_backend import open_backend
    from ..errors import APIError, GenAIError

    console = Console(stderr=True)
    client_options: dict[str, Any] = {}
    if args.rpm is not None:
        governor = _governor(args.model, args.rpm)
        if governor is None:
            console.print(f"{COMMAND}: --rpm needs the rate governor, which this build lacks")
            return 1
        client_options["governor"] = governor
    async with open_backend(COMMAND, client_options=client_options) as backend:
        client = backend.client
        try:
            await client.models.get(model=args.model)
        except APIError as exc:
            if exc.code in (400, 404):
                console.print(f"{COMMAND}: unknown model {args.model!r} ({exc.message})")
                return 1
            raise
        except GenAIError as exc:
            console.print(f"{COMMAND}: cannot reach the API: {exc}")
            return 1
        stream = client.fanout(
            _lines(source),
            model=args.model,
            concurrency=args.concurrency,
            checkpoint=partial,
            via=args.via,
        )
        started = time.monotonic()
        async with stream:
            await _show(stream, total, console)
        stats = stream.stats
    elapsed = time.monotonic() - started
    _publish(partial, out)
    _summary(console, stats, total, elapsed, out)
    return 0 if stats.failed == 0 else 1


def _publish(partial: Path, out: Path) -> None:
    """The finished output takes its name at once (a rename); its state file goes."""
    os.replace(partial, out)
    Path(f"{partial}.state").unlink(missing_ok=True)


def _governor(model: str, rpm: float) -> Any:
    """A rate governor keeping ``model`` under ``rpm`` requests per minute (a fraction of one
    counts as one), or ``None`` when the client takes no governor."""
    import inspect

    from .._client import AsyncClient

    if "governor" not in inspect.signature(AsyncClient.__init__).parameters:
        return None
    from .._governor import RateGovernor, RateLimits

    return RateGovernor(limits={model: RateLimits(rpm=max(1, int(rpm)))})


async def _show(stream: Any, total: int, console: Any) -> None:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    stats: Stats = stream.stats
    columns = (
        TextColumn("[bold]fanout"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("failed {task.fields[failed]}  retries {task.fields[retries]}"),
        TextColumn("{task.fields[rate]:.0f}/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False, refresh_per_second=8) as progress:
        task = progress.add_task("fanout", total=total, failed=0, retries=0, rate=0.0)
        last = 0.0

        def refresh() -> None:
            took = max(time.monotonic() - stats.started, 1e-9)
            progress.update(
                task,
                completed=stats.done + stats.skipped,
                failed=stats.failed,
                retries=stats.retries,
                rate=stats.done / took,
            )

        async for _ in stream:
            now = time.monotonic()
            if now - last >= 0.1:
                last = now
                refresh()
        refresh()


def _summary(console: Any, stats: Stats, total: int, elapsed: float, out: Path) -> None:
    from rich.table import Table

    table = Table(title="fanout", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("inputs", f"{total:,}")
    table.add_row("answered now", f"{stats.done:,}")
    if stats.skipped:
        table.add_row("answered before (resumed)", f"{stats.skipped:,}")
    table.add_row("succeeded", f"{stats.done - stats.failed:,}")
    table.add_row("failed", f"{stats.failed:,}")
    table.add_row("retries", f"{stats.retries:,}")
    table.add_row("time", f"{elapsed:.1f} s")
    table.add_row("rate", f"{stats.done / max(elapsed, 1e-9):,.0f} requests/s")
    table.add_row("output", str(out))
    console.print(table)
