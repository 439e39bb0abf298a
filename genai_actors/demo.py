"""``make demo``: a tour of genai_actors against the embedded emulator (no API key, no network).

Run it with ``python -m genai_actors.demo``. It starts :class:`genai_actors.emulator.Emulator`
in this process, points an :class:`~genai_actors.AsyncClient` at it, and shows six things:

1. a generation (text and token usage);
2. a stream, printed chunk by chunk as it arrives;
3. embeddings (their dimension and cosine similarities);
4. a function call handled automatically: the model calls a Python tool, the client runs it and
   sends the result back;
5. a video generation, waited to completion and saved to a temporary file;
6. a 429 from the emulator, first seen as an error with its advised delay, then retried by the
   client after exactly that delay.

Everything is deterministic except timings; the whole tour takes a couple of seconds.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from typing import TextIO

import anyio

from supervisors import Backoff

from . import AsyncClient
from .emulator import Emulator, FaultConfig
from .errors import RateLimitedError

__all__ = ["main", "run"]

MODEL = "gemini-2.5-flash"
STREAM_MODEL = "gemini-2.5-flash-lite"  # the emulator paces this model's stream (see main)
EMBED_MODEL = "gemini-embedding-001"
VIDEO_MODEL = "veo-3.0-generate-001"
_WIDTH = 78
_LABEL = 18


class _Printer:
    """Headings and aligned ``label: value`` lines on one text stream."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def heading(self, number: int, title: str) -> None:
        self.out.write(f"\n{number}. {title}\n")

    def line(self, label: str, value: object) -> None:
        self.out.write(f"   {label + ':':<{_LABEL}} {value}\n")

    def text(self, label: str, text: str) -> None:
        indent = " " * (3 + _LABEL + 1)
        body = textwrap.fill(
            text,
            width=_WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        ).lstrip()
        self.line(label, body)

    def write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()


def get_weather(city: str) -> dict[str, object]:
    """Returns the current weather for a city.

    Args:
        city: The city's name.
    """
    _tool_calls.append(f"get_weather(city={city!r})")
    return {"city": city, "temperature_c": 12, "sky": "light rain"}


_tool_calls: list[str] = []


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """The cosine similarity of two vectors."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


async def _generation(client: AsyncClient, p: _Printer) -> None:
    p.heading(1, "Generation")
    response = await client.models.generate_content(
        model=MODEL, contents="In two sentences: why supervise long-lived tasks?"
    )
    p.text("text", response.text or "")
    usage = response.usage_metadata
    if usage is not None:
        p.line(
            "tokens",
            f"{usage.prompt_token_count} in, {usage.candidates_token_count} out, "
            f"{usage.thoughts_token_count or 0} thinking",
        )


async def _stream(client: AsyncClient, p: _Printer) -> None:
    p.heading(2, "Streaming (printed as it arrives)")
    p.write(f"   {'text:':<{_LABEL}} ")
    chunks = 0
    column = 3 + _LABEL + 1
    started = time.perf_counter()
    async for chunk in client.models.generate_content_stream(
        model=STREAM_MODEL, contents="Describe a supervision tree to a new engineer."
    ):
        piece = chunk.text or ""
        chunks += 1
        for word in piece.split(" "):
            if not word:
                continue
            if column + len(word) + 1 > _WIDTH:
                p.write("\n" + " " * (3 + _LABEL + 1))
                column = 3 + _LABEL + 1
            p.write(word + " ")
            column += len(word) + 1
    p.write("\n")
    p.line("chunks", f"{chunks} in {time.perf_counter() - started:.2f} s")


async def _embeddings(client: AsyncClient, p: _Printer) -> None:
    p.heading(3, "Embeddings")
    texts = [
        "A supervisor restarts a crashed worker.",
        "A supervisor restarts a crashed worker.",
        "Bananas are rich in potassium.",
    ]
    response = await client.models.embed_content(model=EMBED_MODEL, contents=texts)
    vectors = [e.values or [] for e in response.embeddings or []]
    p.line("inputs", f"{len(texts)} texts -> {len(vectors)} embeddings")
    p.line("dimension", len(vectors[0]))
    p.line("cosine(same)", f"{cosine(vectors[0], vectors[1]):.3f}  (identical texts)")
    p.line("cosine(other)", f"{cosine(vectors[0], vectors[2]):.3f}  (unrelated texts)")


async def _function_calling(client: AsyncClient, p: _Printer) -> None:
    p.heading(4, "Automatic function calling (a Python tool)")
    _tool_calls.clear()
    response = await client.models.generate_content(
        model=MODEL,
        contents='Use get_weather with city="Paris" and tell me if I need a coat.',
        config={"tools": [get_weather]},
    )
    for call in _tool_calls:
        p.line("tool ran", call)
    history = response.automatic_function_calling_history or []
    p.line("turns", f"{len(history)} in the AFC history (prompt, call, result)")
    p.text("answer", response.text or "")


async def _video(client: AsyncClient, p: _Printer) -> None:
    p.heading(5, "Video generation (a long-running operation)")
    started = time.perf_counter()
    operation = await client.models.generate_videos(
        model=VIDEO_MODEL, prompt="A paper boat drifting down a rainy street"
    )
    p.line("operation", operation.name)
    operation = await client.operations.wait(
        operation, timeout=30.0, backoff=Backoff(initial=0.1, maximum=0.5, jitter=0.0)
    )
    result = operation.result
    videos = (result.generated_videos if result is not None else None) or []
    if not videos or videos[0].video is None:
        raise RuntimeError(f"the video operation finished without a video: {operation.error}")
    fd, path = tempfile.mkstemp(prefix="genai-actors-demo-", suffix=".mp4")
    os.close(fd)
    await client.files.download(file=videos[0].video, destination=path)
    p.line("done in", f"{time.perf_counter() - started:.2f} s")
    size = (await anyio.Path(path).stat()).st_size
    p.line("saved", f"{size:,} bytes to {path}")


async def _rate_limit(client: AsyncClient, emulator: Emulator, p: _Printer) -> None:
    p.heading(6, "Rate limited (429) and retried after the advised delay")
    # The API (and the emulator) advise whole seconds in RetryInfo.
    emulator.faults.fail_next(1, status=429, model=MODEL, retry_delay=1.0)
    try:
        await client.models.generate_content(
            model=MODEL,
            contents="Hello",
            config={"http_options": {"retry_options": {"attempts": 1}}},
        )
    except RateLimitedError as exc:
        p.line("without retries", f"{type(exc).__name__} {exc.code} {exc.status}")
        p.line("advised delay", f"{exc.retry_after:.2f} s (RetryInfo.retryDelay)")
    else:
        raise RuntimeError("the emulator's 429 did not arrive")
    emulator.faults.fail_next(1, status=429, model=MODEL, retry_delay=1.0)
    sent = len(emulator.recorded)
    started = time.perf_counter()
    response = await client.models.generate_content(model=MODEL, contents="Hello")
    waited = time.perf_counter() - started
    attempts = len(emulator.recorded) - sent
    p.line("with retries", f"answered after {attempts} attempts: {(response.text or '')[:36]!r}")
    p.line("time taken", f"{waited:.2f} s (the advised delay, then the second attempt)")


async def main(out: TextIO | None = None) -> None:
    """Runs the tour against an emulator started in this process.

    Args:
        out: Where to print (default: standard output).

    Raises:
        RuntimeError: The emulator or the client did not behave as the tour expects.
    """
    p = _Printer(out if out is not None else sys.stdout)
    p.write("genai_actors demo: an AsyncClient against the embedded Gemini API emulator\n")
    paced = FaultConfig(stream_event_delay=0.03)
    async with Emulator(
        video_polls=2, chunk_words=3, record_limit=100, model_faults={STREAM_MODEL: paced}
    ) as emulator:
        p.line("emulator", f"{emulator.url} (no API key needed)")
        async with AsyncClient(api_key="demo-key", http_options={"base_url": emulator.url}) as c:
            await _generation(c, p)
            await _stream(c, p)
            await _embeddings(c, p)
            await _function_calling(c, p)
            await _video(c, p)
            await _rate_limit(c, emulator, p)
    p.write("\ndone: client closed, emulator stopped\n")


def run() -> None:
    """Entry point for ``python -m genai_actors.demo``."""
    anyio.run(main)


if __name__ == "__main__":
    run()
