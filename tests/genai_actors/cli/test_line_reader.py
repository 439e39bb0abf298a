"""The line reader behind ``chat`` and ``live``: lines handed to the loop without blocking it,
a cancelled read's line kept for the next read, end of input seen once and remembered."""

from __future__ import annotations

import io
import os

import anyio
import pytest

from genai_actors._commands._terminal import LineReader, converse


async def test_a_cancelled_read_leaves_its_line_to_the_next() -> None:
    """A read cancelled while nothing was typed does not lose the line typed afterwards, and
    the loop keeps running meanwhile."""
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "r") as stream, os.fdopen(write_fd, "w") as typing:
        reader = LineReader(stream)
        assert not reader.interactive
        with anyio.move_on_after(0.05) as scope:
            await reader.readline()
        assert scope.cancelled_caught
        typing.write("first\nsecond\n")
        typing.flush()
        assert await reader.readline() == "first"
        assert await reader.readline() == "second"
        typing.close()
        assert await reader.readline() is None
        assert await reader.readline() is None  # remembered: no thread left waiting


async def test_converse_answers_messages_and_runs_commands() -> None:
    """Blank lines are skipped, /help lists the commands, a command's text is printed, an
    unknown one is named, and /quit stops before the lines after it."""
    stream = io.StringIO("hello\n\n/help\n/count\n/nope\nagain\n/quit\nnever\n")
    out = io.StringIO()
    answered: list[str] = []

    async def answer(text: str) -> None:
        answered.append(text)

    await converse(
        answer,
        reader=LineReader(stream),
        out=out,
        commands={"/count": ("how many so far", lambda: f"{len(answered)} answered")},
    )
    assert answered == ["hello", "again"]
    assert out.getvalue() == (
        "/quit      end the conversation (Ctrl-D too)\n"
        "/count     how many so far\n"
        "1 answered\n"
        "unknown command /nope: /help lists them\n"
    )


@pytest.mark.parametrize("text", ["/quit\n", "/exit\n", ""])
async def test_converse_ends_on_quit_exit_or_end_of_input(text: str) -> None:
    """/quit, /exit and end of input each end the conversation without an answer."""
    answered: list[str] = []

    async def answer(message: str) -> None:
        answered.append(message)

    await converse(answer, reader=LineReader(io.StringIO(text)), out=io.StringIO())
    assert answered == []
