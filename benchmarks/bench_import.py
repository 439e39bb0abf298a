"""Import time: ``import genai_actors`` vs ``import aiohttp`` vs ``from google import genai``.

Run it with ``python -m benchmarks.bench_import``. Each statement runs in a fresh interpreter
(``-c``), timed inside it with ``time.perf_counter()`` around the statement alone, so the
interpreter's own start-up is excluded. Runs alternate between statements; the median and the
minimum over the runs are reported, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

__all__ = ["STATEMENTS", "main", "measure"]

STATEMENTS = {
    "import aiohttp": "import aiohttp",
    "import genai_actors": "import genai_actors",
    "import genai_actors; AsyncClient(...)": (
        "import genai_actors; genai_actors.AsyncClient(api_key='k')"
    ),
    "from google import genai": "from google import genai",
    "from google import genai; Client(...)": (
        "from google import genai; genai.Client(api_key='k').aio"
    ),
}

_PROBE = (
    "import time, warnings; warnings.simplefilter('ignore'); t = time.perf_counter(); {stmt}; "
    "print(time.perf_counter() - t)"
)


def measure(runs: int) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Seconds per statement (``runs`` fresh interpreters each, statements interleaved).

    Returns:
        The timings, and the last error line of each statement that failed (not retried).
    """
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    errors: dict[str, str] = {}
    for _ in range(runs):
        for name, stmt in STATEMENTS.items():
            if name in errors:
                continue
            proc = subprocess.run(
                [sys.executable, "-c", _PROBE.format(stmt=stmt)],
                capture_output=True,
                text=True,
                timeout=60,
            )
            if proc.returncode != 0:
                errors[name] = (proc.stderr.strip().splitlines() or ["failed"])[-1]
                continue
            times[name].append(float(proc.stdout.strip().splitlines()[-1]))
    return times, errors


def render(times: dict[str, list[float]], errors: dict[str, str]) -> str:
    """A table of median and minimum milliseconds, with the ratio to ``import aiohttp``."""
    base = statistics.median(times["import aiohttp"]) if times["import aiohttp"] else None
    lines = [
        f"{'statement (fresh interpreter)':<40}{'median ms':>11}{'min ms':>9}{'vs aiohttp':>12}"
    ]
    for name, values in times.items():
        if name in errors:
            lines.append(f"{name:<40}  failed: {errors[name]}")
            continue
        median = statistics.median(values)
        ratio = f"{median / base:>11.2f}x" if base else f"{'n/a':>12}"
        lines.append(f"{name:<40}{median * 1e3:>11.1f}{min(values) * 1e3:>9.1f}{ratio}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, list[float]]:
    """Command line: measures and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"import time: {args.runs} fresh interpreters per statement, interleaved", flush=True)
    times, errors = measure(args.runs)
    print(render(times, errors))
    return times


if __name__ == "__main__":
    main()
