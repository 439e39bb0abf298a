"""``make demo``: a one-minute tour of genai_actors against the embedded emulator.

Run it with ``python -m genai_actors.demo [--keep DIR]``. It starts
:class:`genai_actors.emulator.Emulator` in this process (no API key, no network), points an
:class:`~genai_actors.AsyncClient` at it, and runs each step below, timed:

* a fan-out of 2,000 prompts (``examples/prompts.jsonl``, Batch API lines) with its progress
  bar, while the emulator answers one request in ten with a 429 or a 503: every prompt is
  answered, the failed attempts retried;
* a streamed answer, printed as it arrives;
* a chat whose model calls a Python function (the chat's actor runs it and keeps the history);
* a video generation, watched to completion and downloaded;
* a batch and a tuning job, each watched with a progress bar;
* a Live session that survives a forced ``goAway`` (it resumes on a new connection);
* a few seconds of Live Music written to a WAV file;
* a local token count (no API call);

and ends with a table of what ran and how long each step took. Files go to a temporary
directory removed at the end, unless ``--keep DIR`` asks to keep them there. The emulator's
jobs are set to finish in a few polls, so the whole tour takes a few seconds.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
import wave
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import anyio
from rich.console import Console
from rich.table import Table

from supervisors import Backoff

from . import AsyncClient, WatchConfig
from ._commands._progress import watch_job
from .emulator import Emulator, FaultConfig, LiveFault

__all__ = ["Step", "main", "run"]

MODEL = "gemini-2.5-flash"
FANOUT_MODEL = "gemini-2.0-flash"  # the emulator fails one request in ten for this model
FANOUT_PROMPTS = 2_000
PROMPTS_FILE = Path(__file__).resolve().parent.parent / "examples" / "prompts.jsonl"
STREAM_MODEL = "gemini-2.5-flash-lite"  # the emulator paces this model's stream (see main)
VIDEO_MODEL = "veo-3.0-generate-001"
LIVE_MODEL = "gemini-2.0-flash-live-001"
MUSIC_MODEL = "models/lyria-realtime-exp"
MUSIC_SECONDS = 3.0
_WIDTH = 78
_INDENT = "   "


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the tour, as the closing table shows it.

    Attributes:
        title: What the step shows.
        ok: Whether it did what it shows.
        seconds: How long it took.
        result: One line: what came out (or why it failed).
    """

    title: str
    ok: bool
    seconds: float
    result: str


class _Tour:
    """The client, the emulator, where files go, and the steps run so far."""

    def __init__(self, client: AsyncClient, emulator: Emulator, console: Console, files: Path):
        self.client = client
        self.emulator = emulator
        self.console = console
        self.files = files
        self.steps: list[Step] = []

    def line(self, label: str, value: object) -> None:
        self.console.print(f"{_INDENT}{label + ':':<14} {value}", highlight=False, soft_wrap=True)

    def write(self, text: str) -> None:
        self.console.file.write(text)
        self.console.file.flush()

    async def step(self, title: str, what: str, body: Callable[[_Tour], Awaitable[str]]) -> None:
        number = len(self.steps) + 1
        self.console.print(f"\n[bold]{number}. {title}[/bold]", highlight=False)
        self.console.print(f"{_INDENT}[dim]{what}[/dim]", highlight=False, soft_wrap=True)
        started = time.perf_counter()
        try:
            result = await body(self)
        except Exception as exc:  # a failed step is reported in the table; the tour goes on
            from ._commands._common import describe

            seconds = time.perf_counter() - started
            self.console.print(f"{_INDENT}[red]failed:[/red] {describe(exc)}", highlight=False)
            self.steps.append(Step(title, False, seconds, describe(exc)[:120]))
            return
        self.steps.append(Step(title, True, time.perf_counter() - started, result))


def get_weather(city: str) -> dict[str, object]:
    """Returns the current weather for a city.

    Args:
        city: The city's name.
    """
    return {"city": city, "temperature_c": 12, "sky": "light rain"}


def _prompts() -> Iterator[dict[str, object]]:
    """The fan-out's input: examples/prompts.jsonl's lines, or lines like them when the package
    is installed without the repository's examples."""
    if PROMPTS_FILE.is_file():
        with PROMPTS_FILE.open(encoding="utf-8") as lines:
            for line in itertools.islice(lines, FANOUT_PROMPTS):
                yield json.loads(line)
        return
    for i in range(FANOUT_PROMPTS):
        text = f"In one sentence, a fact about the number {i}."
        yield {"key": f"prompt-{i:04d}", "request": {"contents": [{"parts": [{"text": text}]}]}}


async def _fanout(tour: _Tour) -> str:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    answered = failed = retried = 0
    columns = (
        TextColumn(f"{_INDENT}fan-out"),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TextColumn("retries {task.fields[retries]}  {task.fields[rate]:,.0f}/s"),
    )
    started = time.perf_counter()
    retry = {"attempts": 8, "initial_delay": 0.05, "max_delay": 0.5}
    with Progress(*columns, console=tour.console, refresh_per_second=8) as progress:
        task = progress.add_task("fan-out", total=FANOUT_PROMPTS, retries=0, rate=0.0)
        async with tour.client.fanout(
            _prompts(), model=FANOUT_MODEL, concurrency=64, retry_options=retry
        ) as results:
            async for result in results:
                answered += 1
                failed += not result.ok
                retried += result.attempts - 1
                if answered % 50 == 0 or answered == FANOUT_PROMPTS:
                    rate = answered / (time.perf_counter() - started)
                    progress.update(task, completed=answered, retries=retried, rate=rate)
    if answered != FANOUT_PROMPTS or failed:
        raise RuntimeError(f"{answered} answered, {failed} failed")
    tour.line("answered", f"{answered:,} of {FANOUT_PROMPTS:,}, none failed")
    tour.line("retried", f"{retried} attempts that met an injected 429 or 503")
    return f"{answered:,} prompts answered; {retried} retries after 429/503"


async def _stream(tour: _Tour) -> str:
    tour.write(f"{_INDENT}")
    column = len(_INDENT)
    chunks = 0
    async with tour.client.models.generate_content_stream(
        model=STREAM_MODEL, contents="Describe a supervision tree to a new engineer."
    ) as stream:
        async for chunk in stream:
            chunks += 1
            for word in (chunk.text or "").split():
                if column + len(word) + 1 > _WIDTH:
                    tour.write("\n" + _INDENT)
                    column = len(_INDENT)
                tour.write(word + " ")
                column += len(word) + 1
    tour.write("\n")
    return f"{chunks} chunks, printed as they arrived"


async def _chat(tour: _Tour) -> str:
    chat = tour.client.chats.create(model=MODEL, config={"tools": [get_weather]})
    response = await chat.send_message(
        'Use get_weather with city="Paris" and tell me if I need a coat.'
    )
    calls = [
        f"{part.function_call.name}({part.function_call.args})"
        for content in chat.get_history()
        for part in content.parts or []
        if part.function_call is not None
    ]
    if not calls:
        raise RuntimeError("the model called no function")
    tour.line("tool ran", ", ".join(calls))
    tour.line("answer", (response.text or "")[:60] + "...")
    await chat.send_message("Thanks! Anything else to know?")
    turns = len(chat.get_history())
    tour.line("history", f"{turns} turns, kept by the chat's actor")
    return f"{calls[0]} ran; {turns} turns in the history"


async def _video(tour: _Tour) -> str:
    client = tour.client
    operation = await client.models.generate_videos(
        model=VIDEO_MODEL, prompt="A paper boat drifting down a rainy street"
    )
    name = operation.name or ""
    outcome = await watch_job(client, name, console=tour.console, label="video")
    if not outcome.ok:
        raise RuntimeError(f"the video operation {outcome.detail}")
    done = await client.operations.get(operation)
    videos = (done.result.generated_videos if done.result is not None else None) or []
    if not videos or videos[0].video is None:
        raise RuntimeError("the video operation finished without a video")
    path = tour.files / "boat.mp4"
    await client.files.download(file=videos[0].video, destination=str(path))
    size = (await anyio.Path(path).stat()).st_size
    tour.line("saved", f"{size:,} bytes to {path}")
    return f"{outcome.snapshots} states watched; {size:,} bytes of MP4"


async def _batch(tour: _Tour) -> str:
    client = tour.client
    job = await client.batches.create(
        model=MODEL,
        src=[{"contents": f"One fact about the number {i}."} for i in range(40)],
        config={"display_name": "demo facts"},
    )
    outcome = await watch_job(client, job.name or "", console=tour.console, label="batch")
    if not outcome.ok:
        raise RuntimeError(f"the batch ended {outcome.state}: {outcome.detail}")
    answered = 0
    async with client.batches.results(outcome.job) as results:
        async for result in results:
            answered += result.ok
    tour.line("results", f"{answered} answers, matched to their requests by key")
    return f"{outcome.detail}"


async def _tuning(tour: _Tour) -> str:
    client = tour.client
    examples = [{"text_input": f"{a} + {a}", "output": str(a + a)} for a in range(1, 21)]
    job = await client.tunings.tune(
        base_model=f"models/{MODEL}",
        training_dataset={"examples": examples},
        config={"tuned_model_display_name": "doubler", "epoch_count": 3},
    )
    outcome = await watch_job(client, job.name or "", console=tour.console, label="tuning")
    if not outcome.ok:
        raise RuntimeError(f"the tuning ended {outcome.state}")
    tuned = outcome.job.tuned_model.model
    answer = await client.models.generate_content(model=tuned, contents="7 + 7")
    tour.line("tuned model", f"{tuned} answers: {(answer.text or '')[:40]!r}...")
    return outcome.detail


async def _live(tour: _Tour) -> str:
    config = {"response_modalities": ["TEXT"], "session_resumption": {}}
    async with tour.client.live.connect(model=LIVE_MODEL, config=config) as session:
        await session.send_client_content(turns="The code word is teal.")
        async for _ in session.receive():
            pass
        # The server says goAway after the next message, then closes: the session resumes.
        tour.emulator.live.add_fault(LiveFault(go_away_after=1, go_away_time_left=0.2))
        await session.send_client_content(turns="What was the code word?")
        answer = "".join([m.text async for m in session.receive() if m.text])
        # The close follows the goAway: one more turn runs on the resumed connection.
        await session.send_client_content(turns="Say it once more.")
        again = "".join([m.text async for m in session.receive() if m.text])
        kinds = [event.kind for event in session.events]
    tour.line("answer", answer[:60] + "...")
    tour.line("events", ", ".join(kinds))
    if "teal" not in answer or "go_away" not in kinds or "resumed" not in kinds or not again:
        raise RuntimeError(f"the session did not resume with its history: {kinds}")
    return "goAway, resumed; the answer still knew the code word"


async def _music(tour: _Tour) -> str:
    tour.emulator.live.settings.music_speed = 30.0  # the tour does not wait in real time
    pcm = bytearray()
    frame = 48_000 * 2 * 2  # bytes per second: 48 kHz, stereo, 16-bit
    async with tour.client.live.music.connect(model=MUSIC_MODEL) as session:
        await session.set_weighted_prompts([{"text": "warm pads", "weight": 1.0}])
        await session.set_music_generation_config({"bpm": 96})
        await session.play()
        async for message in session.receive():
            content = message.server_content
            for chunk in (content.audio_chunks or []) if content is not None else []:
                pcm += chunk.data or b""
            if len(pcm) >= MUSIC_SECONDS * frame:
                break
        await session.stop()
    path = tour.files / "music.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(48_000)
        out.writeframes(bytes(pcm))
    seconds = len(pcm) / frame
    tour.line("saved", f"{seconds:.1f} s of 48 kHz stereo to {path}")
    return f"{seconds:.1f} s of music in a WAV file"


async def _tokens(tour: _Tour) -> str:
    from . import LocalTokenizer
    from ._tokenizer._cache import cache_dir_for
    from ._tokenizer._models import GEMMA3

    text = "Supervisors restart what crashes; watchers follow what takes long."
    cached = GEMMA3.file_name is not None and (cache_dir_for() / GEMMA3.file_name).is_file()
    if cached:
        tokenizer = LocalTokenizer(MODEL)
        source = "the cached Gemma 3 model"
    else:  # no network needed: a small model of the same kind, trained here in a moment
        path = await anyio.to_thread.run_sync(_train_small_model, tour.files)
        tokenizer = LocalTokenizer(MODEL, model_path=path)
        source = "a small SentencePiece model trained here (the Gemma 3 one is not cached)"
    count = (await tokenizer.acount_tokens(text)).total_tokens
    tour.line("text", repr(text))
    tour.line("tokens", f"{count}, counted offline with {source}")
    return f"{count} tokens, no API call"


def _train_small_model(directory: Path) -> Path:
    import io

    import sentencepiece

    corpus = [
        "Supervisors restart what crashes; watchers follow what takes long.",
        "A chat keeps its history; a Live session resumes after goAway.",
        "Batches and tunings are jobs; the client polls them on one schedule.",
    ] * 30
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus),
        model_writer=model,
        vocab_size=400,
        model_type="bpe",
        byte_fallback=True,
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    path = directory / "small-tokenizer.model"
    path.write_bytes(model.getvalue())
    return path


_STEPS: Sequence[tuple[str, str, Callable[[_Tour], Awaitable[str]]]] = (
    # (title, what it shows, the step)
    (
        "A fan-out of 2,000 prompts under 429s and 503s",
        "client.fanout(requests): results as they complete; each input retried on its own",
        _fanout,
    ),
    (
        "A streamed answer",
        "client.models.generate_content_stream: chunks as the server sends them",
        _stream,
    ),
    (
        "A chat with a function call",
        "client.chats: the chat's actor runs the Python tool and keeps the history",
        _chat,
    ),
    (
        "A video generation, watched to completion",
        "client.operations.watch: the client's supervised watchers poll until done",
        _video,
    ),
    (
        "A batch job, watched with progress",
        "client.batches.watch, then results() matched to their requests by key",
        _batch,
    ),
    (
        "A tuning job, watched with progress",
        "client.tunings.watch; the tuned model then answers like any other",
        _tuning,
    ),
    (
        "A Live session that survives goAway",
        "client.live.connect(session_resumption): reconnects, replays what was not consumed",
        _live,
    ),
    (
        "A few seconds of music, written to a WAV file",
        "client.live.music.connect: 48 kHz stereo PCM, steered by weighted prompts",
        _music,
    ),
    (
        "A local token count",
        "LocalTokenizer: the model's open tokenizer, on this machine",
        _tokens,
    ),
)


def _table(steps: Sequence[Step]) -> Table:
    table = Table(title="What ran", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("step")
    table.add_column("result")
    table.add_column("seconds", justify="right")
    for number, step in enumerate(steps, 1):
        mark = "[green]ok[/green]" if step.ok else "[red]FAILED[/red]"
        table.add_row(str(number), f"{mark} {step.title}", step.result, f"{step.seconds:.2f}")
    table.add_row("", "total", "", f"{sum(s.seconds for s in steps):.2f}")
    return table


async def main(
    out: TextIO | None = None,
    keep: str | os.PathLike[str] | None = None,
    *,
    only: Sequence[str] | None = None,
) -> list[Step]:
    """Runs the tour against an emulator started in this process.

    Args:
        out: Where to print (default: standard output).
        keep: A directory to keep the tour's files in (the video, the WAV file); by default
            they go to a temporary directory removed at the end.
        only: Run only the steps with these titles (all of them by default).

    Returns:
        The steps, in order, each with whether it passed, its time and its result.

    Raises:
        OSError: ``keep`` cannot be created, or the emulator cannot bind a loopback port.

    Cancellation: the client, the emulator and the temporary directory are closed and
    removed before the cancellation propagates.
    """
    console = Console(file=out, highlight=False) if out is not None else Console(highlight=False)
    console.print("[bold]genai_actors demo[/bold]: an AsyncClient against the embedded emulator")
    with tempfile.TemporaryDirectory(prefix="genai-actors-demo-") as scratch:
        files = Path(scratch)
        if keep is not None:
            files = Path(keep)
            files.mkdir(parents=True, exist_ok=True)
        paced = FaultConfig(stream_event_delay=0.03)
        flaky = FaultConfig(error_rate=0.1, error_statuses=(429, 503))
        watch = WatchConfig(backoff=Backoff(0.05, 0.2, jitter=0.0))
        async with (
            Emulator(
                video_polls=3,
                job_polls=2,
                chunk_words=3,
                record_limit=100,
                model_faults={STREAM_MODEL: paced, FANOUT_MODEL: flaky},
            ) as emulator,
            AsyncClient(
                api_key="demo-key", http_options={"base_url": emulator.url}, watch=watch
            ) as client,
        ):
            console.print(f"{_INDENT}{'emulator:':<14} {emulator.url} (no API key needed)")
            tour = _Tour(client, emulator, console, files)
            for title, what, body in _STEPS:
                if only is None or title in only:
                    await tour.step(title, what, body)
        console.print()
        console.print(_table(tour.steps))
        if keep is not None:
            console.print(f"files kept in {files}", soft_wrap=True)
        else:
            console.print(
                "done: client closed, emulator stopped, no files left behind "
                "(--keep DIR keeps the video and the WAV file)",
                soft_wrap=True,
            )
    return tour.steps


def run(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``python -m genai_actors.demo``; returns 0 when every step passed."""
    parser = argparse.ArgumentParser(
        prog="python -m genai_actors.demo", description="A tour of genai_actors (offline)."
    )
    parser.add_argument(
        "--keep", metavar="DIR", default=None, help="keep the tour's files (video, WAV) in DIR"
    )
    args = parser.parse_args(argv)
    from ._transport._loop import loop_factory

    try:
        factory = loop_factory()  # uvloop when installed, as wherever the library owns the loop
    except (ValueError, ImportError) as exc:
        print(f"python -m genai_actors.demo: {exc}", file=sys.stderr)
        return 1
    try:
        steps = anyio.run(main, None, args.keep, backend_options={"loop_factory": factory})
    except KeyboardInterrupt:
        return 130
    return 0 if all(step.ok for step in steps) else 1


if __name__ == "__main__":
    raise SystemExit(run())
