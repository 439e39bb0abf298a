"""docs/cli.md's ```console examples run in bash and print what the page shows.

Each block runs as one bash script (so a variable set by one command is seen by the next), with
the virtualenv's ``bin`` first on ``PATH`` and no API key: the commands use their embedded
emulator. A block preceded by ``<!-- with an API -->`` gets ``GEMINI_API_KEY`` and
``GOOGLE_GEMINI_BASE_URL`` pointing at a test emulator instead. After each ``$ command`` the
page's lines must appear in its output (standard output and error together), in order; ``...``
in a line stands for any text.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from genai_actors.emulator import Emulator

from .conftest import command_env

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "cli.md"
_BLOCK = re.compile(r"(?P<before>[^\n]*)\n```console\n(?P<body>.*?)\n```", re.DOTALL)
_MARK = "@@@ command {} @@@"


def _blocks() -> list[object]:
    text = PAGE.read_text(encoding="utf-8")
    params = []
    for number, match in enumerate(_BLOCK.finditer(text), 1):
        line = text.count("\n", 0, match.start("body"))
        api = "with an API" in match["before"]
        params.append(pytest.param(match["body"], api, id=f"docs/cli.md:{line}#{number}"))
    return params


def _commands(body: str) -> list[tuple[str, list[str]]]:
    """(command, expected lines) for each ``$ `` line of a block."""
    commands: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            assert commands, f"output before any command: {line!r}"
            commands[-1][1].append(line)
    return commands


def _pattern(line: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in line.rstrip().split("...")))


def _appears_in_order(expected: list[str], output: list[str]) -> str | None:
    """None when each expected line matches an output line, in order; else the first that
    does not."""
    lines = iter(output)
    for want in expected:
        pattern = _pattern(want)
        if not any(pattern.fullmatch(got.rstrip()) for got in lines):
            return want
    return None


@pytest.mark.slow
@pytest.mark.parametrize(("body", "api"), _blocks())
def test_console_example_prints_what_the_page_shows(
    body: str, api: bool, gemini_emulator: Emulator, tmp_path: Path
) -> None:
    """Each command of the block prints the page's lines, in order."""
    commands = _commands(body)
    script = ["set -u", f'export PATH="{Path(sys.executable).parent}:$PATH"']
    for index, (command, _) in enumerate(commands):
        script += [f"echo '{_MARK.format(index)}'", command]
    proc = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=command_env(gemini_emulator if api else None),
    )
    assert "Traceback" not in proc.stdout, proc.stdout
    sections = re.split(r"^@@@ command \d+ @@@\n", proc.stdout, flags=re.MULTILINE)[1:]
    assert len(sections) == len(commands), proc.stdout
    for (command, expected), output in zip(commands, sections, strict=True):
        missing = _appears_in_order(expected, output.splitlines())
        assert missing is None, f"$ {command}\nexpected {missing!r} in:\n{output}"


def test_the_page_documents_every_command() -> None:
    """The page has runnable examples (so the test above is not vacuous) and names each
    sub-command of the parser."""
    from genai_actors._cli import build_parser

    text = PAGE.read_text(encoding="utf-8")
    assert len(_blocks()) >= 6
    parser = build_parser()
    names = next(a for a in parser._actions if a.dest == "command").choices
    assert names is not None
    for name in names:
        assert f"| `{name}" in text, name


def test_the_matcher_refuses_what_is_not_there() -> None:
    """`...` matches any text, and a line missing or out of order is reported."""
    output = ["first line", "answer: 42 tokens", "last"]
    assert _appears_in_order(["first ...", "answer: ... tokens", "last"], output) is None
    assert _appears_in_order(["answer: ... tokens", "first line"], output) == "first line"
    assert _appears_in_order(["answer: 43 tokens"], output) == "answer: 43 tokens"
