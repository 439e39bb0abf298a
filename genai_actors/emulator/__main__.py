"""``python -m genai_actors.emulator``: serve an emulated Gemini API until interrupted.

The same command is ``genai-actors emulator`` (``genai_actors._cli``), which builds its
``emulator`` sub-command with :func:`add_arguments` and runs it with :func:`run`.

Every flag value is checked while parsing, so a bad one is a usage error (exit status 2, no
traceback). The server stops cleanly on SIGINT (Ctrl-C) or SIGTERM and exits 0: the command installs
its own handlers for both, so it also stops when it was started with them ignored (a background job
of a non-interactive shell inherits SIGINT ignored). An address that cannot be bound exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import signal
import sys
from collections.abc import Callable

__all__ = ["add_arguments", "build_parser", "main", "run"]

_PROG = "python -m genai_actors.emulator"
_DESCRIPTION = "Serve an offline, emulated Gemini Developer API until interrupted."


# -- flag values --------------------------------------------------------------------------------


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _port(text: str) -> int:
    value = _integer(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return value


def _count(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds >= 0, got {text!r}")
    return value


def _host(text: str) -> str:
    if not text or text != text.strip() or any(c.isspace() for c in text):
        raise argparse.ArgumentTypeError(f"expected a host name or address, got {text!r}")
    return text


def _api_key(text: str) -> str:
    # A key a client can send in the x-goog-api-key header and the emulator can match: visible
    # ASCII, no spaces (the emulator strips what it receives), never an ephemeral token name.
    if not text or any(not 0x21 <= ord(c) <= 0x7E for c in text):
        raise argparse.ArgumentTypeError("expected visible ASCII characters without spaces")
    if text.startswith("auth_tokens/"):
        raise argparse.ArgumentTypeError(
            "auth_tokens/... names are ephemeral tokens, which REST calls never accept"
        )
    return text


def _model_file(text: str) -> str:
    if not os.path.isfile(text):
        raise argparse.ArgumentTypeError(f"no such file: {text!r}")
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the emulator's flags to ``parser`` (the command and ``genai-actors emulator``)."""
    parser.add_argument(
        "--host", type=_host, default="127.0.0.1", help="interface to bind (127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=_port, default=8765, help="port to bind; 0 picks a free one (8765)"
    )
    parser.add_argument(
        "--api-key",
        type=_api_key,
        metavar="KEY",
        default=None,
        help="the only API key accepted (default: any non-empty key)",
    )
    parser.add_argument(
        "--seed",
        type=_integer,
        metavar="N",
        default=0,
        help="seed for generated content and faults (0)",
    )
    parser.add_argument(
        "--video-polls",
        type=_count,
        metavar="N",
        default=2,
        help="polls a video operation takes to finish (2)",
    )
    parser.add_argument(
        "--video-delay",
        type=_seconds,
        metavar="SECONDS",
        default=0.0,
        help="seconds before a video operation may finish (0)",
    )
    parser.add_argument(
        "--job-polls",
        type=_count,
        metavar="N",
        default=1,
        help="polls each stage of a batch, tuning or file-search import takes (1)",
    )
    parser.add_argument(
        "--job-delay",
        type=_seconds,
        metavar="SECONDS",
        default=0.0,
        help="seconds each such stage lasts at least (0)",
    )
    parser.add_argument(
        "--tokenizer-model",
        type=_model_file,
        metavar="PATH",
        default=None,
        help="count tokens with this tokenizer model (SentencePiece .model or tokenizer.json), "
        "as genai_actors.LocalTokenizer does (default: one token per word)",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS and WSS with a certificate made for 127.0.0.1 and localhost "
        "(google-genai's Live client always uses wss://)",
    )
    parser.add_argument(
        "--tls-ca-out",
        metavar="PATH",
        default=None,
        help="when serving TLS: write the certificate to trust (PEM) to PATH (for SSL_CERT_FILE)",
    )
    parser.add_argument(
        "--certfile", metavar="PATH", default=None, help="serve TLS with this certificate (PEM)"
    )
    parser.add_argument(
        "--keyfile", metavar="PATH", default=None, help="the private key of --certfile (PEM)"
    )
    parser.add_argument(
        "--bearer-token",
        action="append",
        metavar="TOKEN",
        default=[],
        help="a Vertex AI bearer token accepted besides those POST /token issues (repeatable)",
    )
    parser.add_argument(
        "--token-lifetime",
        type=_seconds,
        metavar="SECONDS",
        default=3600.0,
        help="seconds a token issued by POST /token stays valid (3600)",
    )
    parser.add_argument(
        "--vertex-project",
        action="append",
        metavar="PROJECT",
        default=[],
        help="serve only this Vertex AI project, others get 403 (repeatable; default: any)",
    )
    parser.add_argument(
        "--no-record",
        action="store_true",
        help="keep no log of requests (for benchmarks; GET /_emulator/recorded stays empty)",
    )


def build_parser(prog: str = _PROG) -> argparse.ArgumentParser:
    """The emulator's command-line parser."""
    parser = argparse.ArgumentParser(prog=prog, description=_DESCRIPTION)
    add_arguments(parser)
    return parser


def exit_status(exc: SystemExit) -> int:
    """The process exit status a ``SystemExit`` (from argparse) stands for."""
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or 0
    return 1


# -- serving ------------------------------------------------------------------------------------


def _on_stop_signals(
    loop: asyncio.AbstractEventLoop, callback: Callable[[], None]
) -> Callable[[], None]:
    """Call ``callback`` on SIGINT or SIGTERM, whatever their disposition was; returns the undo."""
    added: list[int] = []
    replaced: dict[int, object] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, callback)
            added.append(sig)
        except NotImplementedError:  # event loops without add_signal_handler (Windows)
            replaced[sig] = signal.signal(sig, lambda s, f: loop.call_soon_threadsafe(callback))

    def undo() -> None:
        for sig in added:
            loop.remove_signal_handler(sig)
        for sig, previous in replaced.items():
            signal.signal(sig, previous)  # type: ignore[arg-type]

    return undo


async def _serve(args: argparse.Namespace) -> None:
    from ._server import Emulator

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    undo = _on_stop_signals(loop, stop.set)
    try:
        emulator = Emulator(
            host=args.host,
            port=args.port,
            api_key=args.api_key,
            seed=args.seed,
            video_polls=args.video_polls,
            video_delay=args.video_delay,
            job_polls=args.job_polls,
            job_delay=args.job_delay,
            tokenizer_model=getattr(args, "tokenizer_model", None),
            tls=bool(getattr(args, "tls", False)),
            certfile=getattr(args, "certfile", None),
            keyfile=getattr(args, "keyfile", None),
            bearer_tokens=getattr(args, "bearer_token", None) or (),
            token_lifetime=getattr(args, "token_lifetime", 3600.0),
            vertex_projects=getattr(args, "vertex_project", None) or (),
        )
        emulator.recorded.enabled = not args.no_record
        async with emulator:
            ca_out = getattr(args, "tls_ca_out", None)
            if ca_out is not None and emulator.tls_ca_path is not None:
                shutil.copyfile(emulator.tls_ca_path, ca_out)
            print(f"Gemini API emulator listening on {emulator.url}", flush=True)
            await stop.wait()
    finally:
        undo()


def run(args: argparse.Namespace) -> int:
    """Serve with parsed ``args`` until SIGINT or SIGTERM; returns the exit status.

    Returns:
        0 after a signal (the server and its sockets are closed first), 1 when the address cannot
        be bound (one line on stderr says why).
    """
    if (getattr(args, "certfile", None) is None) != (getattr(args, "keyfile", None) is None):
        print("emulator: --certfile and --keyfile go together", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:  # a signal before the handlers are installed, or after removal
        return 0
    except OSError as exc:
        print(f"emulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None, prog: str = _PROG) -> int:
    """Parse ``argv`` and serve until SIGINT or SIGTERM; returns the exit status.

    ``--help`` returns 0 and a usage error 2, after argparse has printed them.
    """
    try:
        args = build_parser(prog).parse_args(argv)
    except SystemExit as exc:
        return exit_status(exc)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
