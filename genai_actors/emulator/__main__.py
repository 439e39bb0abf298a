"""``python -m genai_actors.emulator``: serve an emulated Gemini API until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from types import FrameType

__all__ = ["build_parser", "main"]


def build_parser(prog: str = "python -m genai_actors.emulator") -> argparse.ArgumentParser:
    """The emulator's command-line parser."""
    parser = argparse.ArgumentParser(
        prog=prog, description="Serve an offline, emulated Gemini Developer API."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to bind; 0 picks one (8765)")
    parser.add_argument(
        "--api-key", default=None, help="the only API key accepted (default: any non-empty key)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for content and faults")
    parser.add_argument(
        "--video-polls", type=int, default=2, help="polls a video operation takes to finish"
    )
    parser.add_argument(
        "--video-delay", type=float, default=0.0, help="seconds before a video may finish"
    )
    parser.add_argument(
        "--job-polls",
        type=int,
        default=1,
        help="polls each stage of a batch, tuning or file-search import takes (1)",
    )
    parser.add_argument(
        "--job-delay", type=float, default=0.0, help="seconds each such stage lasts at least"
    )
    parser.add_argument(
        "--no-record", action="store_true", help="do not keep a log of requests (benchmarks)"
    )
    return parser


def main(argv: list[str] | None = None, prog: str = "python -m genai_actors.emulator") -> int:
    """Parse ``argv``, serve until Ctrl-C or SIGTERM, and return the exit code."""
    args = build_parser(prog).parse_args(argv)
    from ._server import serve

    def ready(url: str) -> None:
        print(f"Gemini API emulator listening on {url}", flush=True)

    options: dict[str, object] = {
        "seed": args.seed,
        "video_polls": args.video_polls,
        "video_delay": args.video_delay,
        "job_polls": args.job_polls,
        "job_delay": args.job_delay,
    }
    if args.no_record:
        options["record_limit"] = 0

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        asyncio.run(serve(args.host, args.port, api_key=args.api_key, ready=ready, **options))
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        print(f"emulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
