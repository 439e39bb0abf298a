"""Import time and cold start: genai_actors vs bare aiohttp (and google-genai's import).

Run it with ``python -m benchmarks.bench_import``. Two tables, every figure from fresh
interpreters, runs interleaved between the candidates, medians (and minimums) reported:

* Import: each statement runs in a fresh interpreter (``-c``), timed inside it with
  ``time.perf_counter()`` around the statement alone (the interpreter's start-up excluded).
* Cold start (``--cold-runs``, 0 to skip): one fresh interpreter per run does what a short
  script does: imports asyncio and the client, builds it and makes one ``generate_content``
  (bare aiohttp: one session and one POST of the same JSON body, ``json.loads``) against one
  emulator process, on an asyncio loop. Reported: the process CPU (``time.process_time()`` at
  the end: user + system since the interpreter started) and the wall time seen by the parent
  (interpreter start and exit included), each with the median of the per-run ratios to bare
  aiohttp's run of the same round. genai_actors runs with its default transport and with each
  ``TransportConfig(http_client=...)``.

Bytecode: the workers run with ``PYTHONDONTWRITEBYTECODE`` removed from their environment and
the packages byte-compiled first (``compileall``), as an installed package is. With stale
``.pyc`` files and that variable set (as in this repository's development shell right after
an edit), every edited module is compiled from source on every run and a cold start costs
tens of milliseconds more; ``--stale-bytecode`` keeps the environment as it is, to see that.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["COLD_CLIENTS", "STATEMENTS", "main", "measure", "measure_cold"]

ROOT = Path(__file__).resolve().parent.parent

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


def measure(
    runs: int, *, stale_bytecode: bool = False
) -> tuple[dict[str, list[float]], dict[str, str]]:
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
                env=worker_env(stale_bytecode=stale_bytecode),
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


# The cold-start worker: argv = client, http_client ('' = default), url, model, api version,
# key, prompt. It prints its process CPU time (interpreter start-up included).
_COLD_PROBE = """
import sys, time, asyncio
client, http_client, url, model, version, key, prompt = sys.argv[1:8]
if client == "aiohttp":
    import aiohttp, json
    async def main():
        body = json.dumps({"contents": [{"parts": [{"text": prompt}], "role": "user"}]}).encode()
        headers = {"x-goog-api-key": key, "content-type": "application/json"}
        async with aiohttp.ClientSession() as session:
            path = f"{url}/{version}/models/{model}:generateContent"
            async with session.post(path, data=body, headers=headers) as resp:
                assert resp.status == 200, resp.status
                assert json.loads(await resp.read())["candidates"]
else:
    import genai_actors
    async def main():
        kw = {}
        if http_client:
            kw["transport"] = genai_actors.TransportConfig(http_client=http_client)
        opts = {"base_url": url, "api_version": version}
        async with genai_actors.AsyncClient(api_key=key, http_options=opts, **kw) as c:
            r = await c.models.generate_content(model=model, contents=prompt)
            assert r.text
asyncio.run(main())
print(time.process_time())
"""

# name -> (client, TransportConfig.http_client or "" for the default)
COLD_CLIENTS = {
    "bare aiohttp": ("aiohttp", ""),
    "genai_actors (default)": ("genai_actors", ""),
    "genai_actors (h1)": ("genai_actors", "h1"),
    "genai_actors (aiohttp)": ("genai_actors", "aiohttp"),
}


def worker_env(*, stale_bytecode: bool = False) -> dict[str, str]:
    """The workers' environment: bytecode written and read as an installed package's is."""
    if stale_bytecode:
        return dict(os.environ)
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_packages(env: dict[str, str]) -> None:
    """Byte-compiles genai_actors and supervisors (a no-op for files already compiled).

    A file that does not compile is left to fail where it is imported, not here.
    """
    dirs = [str(ROOT / "genai_actors"), str(ROOT / "supervisors")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *dirs], env=env, capture_output=True)


def measure_cold(
    runs: int, *, stale_bytecode: bool = False
) -> tuple[dict[str, list[tuple[float, float]]], dict[str, str]]:
    """(process CPU s, wall s) per cold-start run of each of COLD_CLIENTS, interleaved.

    Returns:
        The samples, and the last error line of each client that failed (not retried).
    """
    from ._clients import API_KEY, API_VERSION, MODEL, PROMPT
    from ._emulator import EmulatorProcess

    env = worker_env(stale_bytecode=stale_bytecode)
    if not stale_bytecode:
        compile_packages(env)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in COLD_CLIENTS}
    errors: dict[str, str] = {}
    with EmulatorProcess() as emu:
        for r in range(runs):
            names = list(COLD_CLIENTS)
            for name in names[r % len(names) :] + names[: r % len(names)]:
                if name in errors:
                    continue
                client, http_client = COLD_CLIENTS[name]
                args = [client, http_client, emu.url, MODEL, API_VERSION, API_KEY, PROMPT]
                t0 = time.perf_counter()
                proc = subprocess.run(
                    [sys.executable, "-c", _COLD_PROBE, *args],
                    capture_output=True,
                    text=True,
                    timeout=120,
                    cwd=ROOT,
                    env=env,
                )
                wall = time.perf_counter() - t0
                if proc.returncode != 0:
                    errors[name] = (proc.stderr.strip().splitlines() or ["failed"])[-1]
                    continue
                samples[name].append((float(proc.stdout.strip().splitlines()[-1]), wall))
    return samples, errors


def render_cold(samples: dict[str, list[tuple[float, float]]], errors: dict[str, str]) -> str:
    """Median CPU and wall in ms, and the median of per-round ratios to bare aiohttp."""
    base = samples.get("bare aiohttp", [])
    lines = [
        f"{'cold start (fresh interpreter)':<32}{'CPU ms':>9}{'x bare':>8}"
        f"{'wall ms':>10}{'x bare':>8}{'runs':>6}"
    ]
    for name, values in samples.items():
        if name in errors or not values:
            lines.append(f"{name:<32}  failed: {errors.get(name, 'no run')}")
            continue
        cpu = statistics.median(v[0] for v in values)
        wall = statistics.median(v[1] for v in values)
        pairs = list(zip(values, base, strict=False))
        cpu_x = statistics.median(v[0] / b[0] for v, b in pairs) if pairs else float("nan")
        wall_x = statistics.median(v[1] / b[1] for v, b in pairs) if pairs else float("nan")
        lines.append(
            f"{name:<32}{cpu * 1e3:>9.1f}{cpu_x:>7.2f}x{wall * 1e3:>10.1f}{wall_x:>7.2f}x"
            f"{len(values):>6}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, list[float]]:
    """Command line: measures and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cold-runs", type=int, default=7, help="0 skips the cold starts")
    parser.add_argument("--stale-bytecode", action="store_true", help="keep the environment")
    args = parser.parse_args(argv)
    if not args.stale_bytecode:
        compile_packages(worker_env())
    print(f"import time: {args.runs} fresh interpreters per statement, interleaved", flush=True)
    times, errors = measure(args.runs, stale_bytecode=args.stale_bytecode)
    print(render(times, errors))
    if args.cold_runs > 0:
        print(
            f"\ncold start: import + construct + first generate_content, {args.cold_runs} runs "
            f"each, interleaved; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        cold, cold_errors = measure_cold(args.cold_runs, stale_bytecode=args.stale_bytecode)
        print(render_cold(cold, cold_errors))
    return times


if __name__ == "__main__":
    main()
